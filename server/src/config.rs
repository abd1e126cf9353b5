//! Configuration: defaults, then an optional TOML file, then environment variables.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Everything the server can be configured with. See the README's configuration table.
#[derive(Clone, Deserialize)]
pub struct Settings {
    /// `sqlite://path/to/file.db` (default) or `postgres://user:pass@host/db`.
    pub database_url: SecretString,
    /// Pool size (per server instance).
    pub database_max_connections: u32,
    /// Where to listen.
    pub addr: SocketAddr,
    /// How users reach this instance (links in emails and set-password links).
    /// Defaults to `http://<addr>`.
    pub public_url: Option<String>,
    /// Send the session cookie only over HTTPS. Turn on in production.
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (behind a reverse proxy).
    pub behind_proxy: bool,
    /// How many proxies in front of the server append to `X-Forwarded-For` (with
    /// `behind_proxy`): the client is that many entries from the right.
    pub trusted_proxies: usize,
    /// The folder with the built browser bundle and stylesheet (`pkg/`).
    pub site_root: PathBuf,
    /// Sessions end after this many days without activity.
    pub session_idle_days: i64,
    /// Sign-in attempts allowed in a burst from one address ...
    pub login_ip_burst: u32,
    /// ... and one more every this many seconds.
    pub login_ip_refill_secs: u64,
    /// Sign-in attempts allowed in a burst for one account ...
    pub login_account_burst: u32,
    /// ... and one more every this many seconds.
    pub login_account_refill_secs: u64,
    /// Passwords hashed at once (each takes 19 MiB and a core); default: one per core.
    pub password_hashers: Option<usize>,
    /// How long a password check waits for a free hasher before "busy" (milliseconds).
    pub password_queue_ms: u64,
    /// How long a client may take to send a request's headers.
    pub header_read_timeout_secs: u64,
    /// How long any request may take, except resume uploads ...
    pub request_timeout_secs: u64,
    /// ... which may take this long (5 MB at about 100 KB/s).
    pub upload_timeout_secs: u64,
    /// Count the SQL statements the server runs and answer the total at
    /// `/debug/statements` (for the benchmark; costs time, off in production).
    pub count_queries: bool,
    /// The SMTP server that sends mail; without one, mail is written to `mail_dir`.
    pub smtp_host: Option<String>,
    /// Default: 587 with STARTTLS, 465 with TLS, 25 without.
    pub smtp_port: Option<u16>,
    /// `none`, `starttls` or `tls`.
    pub smtp_tls: String,
    pub smtp_user: Option<String>,
    pub smtp_password: Option<SecretString>,
    /// Connections to the SMTP server (messages in flight at once).
    pub smtp_connections: u32,
    /// The sender of every email.
    pub mail_from: String,
    pub mail_from_name: String,
    pub mail_reply_to: Option<String>,
    /// Where mail goes as `.eml` files when no SMTP server is configured.
    pub mail_dir: PathBuf,
    /// How often the delivery worker looks for due mail.
    pub mail_poll_secs: u64,
}

/// The defaults, written out so figment can layer the file and environment over them.
#[derive(Serialize)]
struct Defaults {
    database_url: &'static str,
    database_max_connections: u32,
    addr: &'static str,
    secure_cookies: bool,
    behind_proxy: bool,
    trusted_proxies: usize,
    site_root: &'static str,
    session_idle_days: i64,
    login_ip_burst: u32,
    login_ip_refill_secs: u64,
    login_account_burst: u32,
    login_account_refill_secs: u64,
    password_queue_ms: u64,
    header_read_timeout_secs: u64,
    request_timeout_secs: u64,
    upload_timeout_secs: u64,
    count_queries: bool,
    smtp_tls: &'static str,
    smtp_connections: u32,
    mail_from: &'static str,
    mail_from_name: &'static str,
    mail_dir: &'static str,
    mail_poll_secs: u64,
}

const DEFAULTS: Defaults = Defaults {
    database_url: "sqlite://data/hireloop.db",
    database_max_connections: 10,
    addr: "127.0.0.1:3000",
    secure_cookies: false,
    behind_proxy: false,
    trusted_proxies: 1,
    site_root: "target/site",
    session_idle_days: 14,
    login_ip_burst: 30,
    login_ip_refill_secs: 10,
    login_account_burst: 5,
    login_account_refill_secs: 60,
    password_queue_ms: 3000,
    header_read_timeout_secs: 10,
    request_timeout_secs: 20,
    upload_timeout_secs: 60,
    count_queries: false,
    smtp_tls: "starttls",
    smtp_connections: 16,
    mail_from: "hireloop@localhost",
    mail_from_name: "Hireloop",
    mail_dir: "data/mail",
    mail_poll_secs: 15,
};

impl Settings {
    /// Loads settings: defaults < TOML file (if given or `hireloop.toml` exists) < environment
    /// (`HIRELOOP_*`, and `DATABASE_URL`).
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(DEFAULTS));
        match file {
            Some(path) => {
                if !path.exists() {
                    anyhow::bail!("configuration file {} does not exist", path.display());
                }
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("hireloop.toml")),
        }
        figment = figment
            .merge(Env::prefixed("HIRELOOP_").ignore(&["config", "admin_password"]))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database_url".into()),
            );
        figment
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))
    }

    /// Settings for tests and tools: the defaults with another database and port 0.
    pub fn for_database(database_url: &str) -> Self {
        Self {
            database_url: SecretString::from(database_url.to_owned()),
            database_max_connections: DEFAULTS.database_max_connections,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: None,
            secure_cookies: false,
            behind_proxy: false,
            trusted_proxies: DEFAULTS.trusted_proxies,
            site_root: PathBuf::from(DEFAULTS.site_root),
            session_idle_days: DEFAULTS.session_idle_days,
            login_ip_burst: DEFAULTS.login_ip_burst,
            login_ip_refill_secs: DEFAULTS.login_ip_refill_secs,
            login_account_burst: DEFAULTS.login_account_burst,
            login_account_refill_secs: DEFAULTS.login_account_refill_secs,
            password_hashers: None,
            password_queue_ms: DEFAULTS.password_queue_ms,
            header_read_timeout_secs: DEFAULTS.header_read_timeout_secs,
            request_timeout_secs: DEFAULTS.request_timeout_secs,
            upload_timeout_secs: DEFAULTS.upload_timeout_secs,
            count_queries: false,
            smtp_host: None,
            smtp_port: None,
            smtp_tls: DEFAULTS.smtp_tls.to_owned(),
            smtp_user: None,
            smtp_password: None,
            smtp_connections: DEFAULTS.smtp_connections,
            mail_from: DEFAULTS.mail_from.to_owned(),
            mail_from_name: DEFAULTS.mail_from_name.to_owned(),
            mail_reply_to: None,
            mail_dir: PathBuf::from(DEFAULTS.mail_dir),
            mail_poll_secs: DEFAULTS.mail_poll_secs,
        }
    }

    /// How users reach this instance: the configured public URL (without a trailing
    /// slash), or the address it listens on.
    pub fn public_base_url(&self, local: SocketAddr) -> String {
        self.public_url.as_deref().map_or_else(
            || format!("http://{local}"),
            |url| url.trim_end_matches('/').to_owned(),
        )
    }

    /// The mail transport these settings describe.
    pub fn mailer(&self, public_base_url: &str) -> anyhow::Result<app::mail::transport::Mailer> {
        use app::mail::transport::{Mailer, MailerConfig, SmtpConfig, TlsMode};
        let tls = TlsMode::parse(&self.smtp_tls).map_err(anyhow::Error::msg)?;
        let smtp = self
            .smtp_host
            .as_ref()
            .filter(|h| !h.trim().is_empty())
            .map(|host| SmtpConfig {
                host: host.trim().to_owned(),
                port: self.smtp_port.unwrap_or(match tls {
                    TlsMode::None => 25,
                    TlsMode::StartTls => 587,
                    TlsMode::Tls => 465,
                }),
                tls,
                user: self.smtp_user.clone().filter(|u| !u.is_empty()),
                password: self
                    .smtp_password
                    .as_ref()
                    .map(|p| p.expose_secret().to_owned()),
                connections: self.smtp_connections.clamp(1, 32),
            });
        let host = url::Url::parse(public_base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "hireloop.invalid".to_owned());
        Mailer::new(&MailerConfig {
            smtp,
            dir: self.mail_dir.clone(),
            from_address: self.mail_from.clone(),
            from_name: self.mail_from_name.clone(),
            reply_to: self.mail_reply_to.clone(),
            host,
        })
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &app::db::redact_url(self.database_url()))
            .field("addr", &self.addr)
            .field("public_url", &self.public_url)
            .field("secure_cookies", &self.secure_cookies)
            .field("behind_proxy", &self.behind_proxy)
            .field("site_root", &self.site_root)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment's test jail returns its own large error type
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_file_overrides_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "hireloop.toml",
                "addr = \"0.0.0.0:8080\"\nsecure_cookies = true\nlogin_account_burst = 9\n",
            )?;
            jail.set_env("HIRELOOP_ADDR", "127.0.0.1:9999");
            jail.set_env("DATABASE_URL", "postgres://app:pw@db/hireloop");
            let settings = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(settings.addr.to_string(), "127.0.0.1:9999");
            assert!(settings.secure_cookies);
            assert_eq!(settings.login_account_burst, 9);
            assert_eq!(settings.database_url(), "postgres://app:pw@db/hireloop");
            let shown = format!("{settings:?}");
            assert!(!shown.contains(":pw@"), "{shown}");
            Ok(())
        });
    }

    #[test]
    fn defaults_use_the_sqlite_file() {
        figment::Jail::expect_with(|_jail| {
            let settings = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(settings.database_url(), "sqlite://data/hireloop.db");
            assert_eq!(settings.addr.to_string(), "127.0.0.1:3000");
            Ok(())
        });
    }

    #[test]
    fn a_named_file_must_exist() {
        assert!(Settings::load(Some(Path::new("/nonexistent/hireloop.toml"))).is_err());
    }
}
