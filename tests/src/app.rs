//! The real server, started in-process on port 0 with its own database and its own clock,
//! and typed helpers to call its server functions the way the browser does.

use anyhow::Context;
use app::auth::{api::Login, password, LoginInput};
use app::clock::Clock;
use app::db::Db;
use app::error::AppError;
use app::users::service::{self as users, NewUser};
use app::values::{NewPassword, Role};
use hireloop::config::Settings;
use hireloop::startup::{prepare_database, Application};
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use tokio::sync::oneshot;

/// The database engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Knobs a test may turn before the server starts.
#[derive(Debug, Clone)]
pub struct Options {
    pub login_ip_burst: u32,
    pub login_account_burst: u32,
    pub secure_cookies: bool,
    /// Read the client address from `X-Forwarded-For` behind this many proxies.
    pub behind_proxies: Option<usize>,
    /// Passwords hashed at once (`None`: one per core) and how long a check may queue.
    pub password_hashers: Option<usize>,
    pub password_queue_ms: u64,
    pub header_read_timeout_secs: u64,
    pub upload_timeout_secs: u64,
    /// Send mail to this SMTP port on 127.0.0.1 (plain text), with these credentials;
    /// without a port, mail goes to files in the test's folder.
    pub smtp_port: Option<u16>,
    pub smtp_credentials: Option<(String, String)>,
    /// How often the server's own delivery worker runs (tests deliver explicitly with
    /// [`TestApp::deliver`]; the default keeps the background worker out of their way).
    pub mail_poll_secs: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            login_ip_burst: 1000,
            login_account_burst: 1000,
            secure_cookies: false,
            behind_proxies: None,
            password_hashers: None,
            password_queue_ms: 3000,
            header_read_timeout_secs: 10,
            upload_timeout_secs: 60,
            smtp_port: None,
            smtp_credentials: None,
            mail_poll_secs: 24 * 3600,
        }
    }
}

/// No request in a test may take longer than this (a hang becomes a clear failure).
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The password every user made by [`TestApp::create_user`] has.
pub const PASSWORD: &str = "correct horse battery";

/// An account created for a test.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub password: String,
}

/// A running server, its database and its clock.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub db: Db,
    pub backend: Backend,
    pub database_url: String,
    /// The server's clock: tests move it instead of sleeping. It starts at 12:00 UTC of
    /// today, so that "in two days" is the same date in every zone the tests use.
    pub clock: Clock,
    /// The same mail transport the server uses.
    pub mailer: std::sync::Arc<app::mail::transport::Mailer>,
    settings: Settings,
    shutdown: Option<oneshot::Sender<()>>,
    served: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// Where cargo-leptos put the browser bundle and stylesheet.
pub fn site_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("site")
}

static NEXT_USER: AtomicU32 = AtomicU32::new(1);

/// A fresh database URL for `backend`, inside `dir` for SQLite.
pub async fn fresh_database_url(backend: Backend, dir: &std::path::Path) -> anyhow::Result<String> {
    Ok(match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("hireloop.db").display()),
        Backend::Postgres => crate::postgres::fresh_database().await?,
    })
}

/// A clock that reads 12:00 UTC of today (and runs on from there).
pub fn midday_clock() -> Clock {
    let clock = Clock::system();
    let today = chrono::Utc::now().date_naive();
    let noon = today
        .and_hms_opt(12, 0, 0)
        .map_or_else(|| clock.now(), |t| t.and_utc().timestamp());
    clock.set(noon);
    clock
}

/// Starts the server on a fresh database.
pub async fn spawn_app(backend: Backend, options: Options) -> anyhow::Result<TestApp> {
    let dir = tempfile::Builder::new()
        .prefix("app-")
        .tempdir_in(crate::scratch::dir())
        .context("creating the test folder")?;
    let database_url = fresh_database_url(backend, dir.path()).await?;
    let mut settings = Settings::for_database(&database_url);
    settings.site_root = site_root();
    settings.database_max_connections = 5;
    settings.login_ip_burst = options.login_ip_burst;
    settings.login_account_burst = options.login_account_burst;
    settings.secure_cookies = options.secure_cookies;
    settings.behind_proxy = options.behind_proxies.is_some();
    settings.trusted_proxies = options.behind_proxies.unwrap_or(1);
    settings.password_hashers = options.password_hashers;
    settings.password_queue_ms = options.password_queue_ms;
    settings.header_read_timeout_secs = options.header_read_timeout_secs;
    settings.upload_timeout_secs = options.upload_timeout_secs;
    settings.mail_dir = dir.path().join("mail");
    settings.mail_poll_secs = options.mail_poll_secs;
    if let Some(port) = options.smtp_port {
        settings.smtp_host = Some("127.0.0.1".into());
        settings.smtp_port = Some(port);
        settings.smtp_tls = "none".into();
        if let Some((user, password)) = options.smtp_credentials {
            settings.smtp_user = Some(user);
            settings.smtp_password = Some(secrecy::SecretString::from(password));
        }
    }
    let db = prepare_database(&settings).await?;
    let clock = midday_clock();
    let application = Application::build_with(settings.clone(), db.clone(), clock.clone()).await?;
    let port = application.port();
    settings.addr.set_port(port);
    let mailer = std::sync::Arc::new(settings.mailer(&settings.public_base_url(settings.addr))?);
    let (tx, rx) = oneshot::channel();
    let served = tokio::spawn(application.run_with_shutdown(async {
        let _ = rx.await;
    }));
    Ok(TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        backend,
        database_url,
        clock,
        mailer,
        settings,
        shutdown: Some(tx),
        served: Some(served),
        _dir: dir,
    })
}

/// One argon2 hash of [`PASSWORD`], computed once per run (hashing is slow on purpose).
async fn password_hash() -> anyhow::Result<String> {
    static HASH: OnceLock<String> = OnceLock::new();
    if let Some(hash) = HASH.get() {
        return Ok(hash.clone());
    }
    let password = NewPassword::parse(PASSWORD).map_err(anyhow::Error::msg)?;
    let hash = password::Hasher::default().hash(&password).await?;
    Ok(HASH.get_or_init(|| hash).clone())
}

/// A server function's answer: the HTTP status and the body decoded into the app's own types.
#[derive(Debug)]
pub struct Answer<T> {
    pub status: StatusCode,
    pub result: Result<T, AppError>,
    /// The raw body, for checks on what a refusal reveals.
    pub body: String,
}

impl<T: Debug> Answer<T> {
    /// The value of a successful call; anything else fails the test with what came back.
    pub fn ok(self) -> anyhow::Result<T> {
        match self.result {
            Ok(value) if self.status == StatusCode::OK => Ok(value),
            other => anyhow::bail!("expected success, got {}: {other:?}", self.status),
        }
    }

    /// The error of a call refused with `status`; anything else fails the test.
    pub fn refused(self, status: StatusCode) -> anyhow::Result<AppError> {
        match self.result {
            Err(error) if self.status == status && error.status() == status.as_u16() => Ok(error),
            other => anyhow::bail!("expected {status}, got {}: {other:?}", self.status),
        }
    }

    /// The field messages of a call refused as invalid input (422).
    pub fn invalid(self) -> anyhow::Result<app::error::FieldErrors> {
        match self.refused(StatusCode::UNPROCESSABLE_ENTITY)? {
            AppError::Invalid(fields) => Ok(fields),
            other => anyhow::bail!("expected field errors, got {other:?}"),
        }
    }
}

/// What a snapshot of the database holds: every table's rows, as text.
pub type Digest = BTreeMap<String, Vec<Vec<Option<String>>>>;

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The date `days` from the test clock's now, as `YYYY-MM-DD` (UTC; the same date in
    /// every zone the tests use, since the clock starts at noon UTC).
    pub fn day(&self, days: i64) -> String {
        chrono::DateTime::from_timestamp(self.clock.now() + days * 86_400, 0)
            .unwrap_or_default()
            .format("%Y-%m-%d")
            .to_string()
    }

    /// Creates an active account directly through the users service.
    pub async fn create_user(&self, name: &str, role: Role) -> anyhow::Result<TestUser> {
        let n = NEXT_USER.fetch_add(1, Ordering::SeqCst);
        let email = format!("{}.{n}@example.com", name.to_lowercase().replace(' ', "."));
        let hash = password_hash().await?;
        let now = self.clock.now();
        let id = users::insert_account(
            &self.db,
            &NewUser {
                name,
                email: &email,
                timezone: "Europe/Berlin",
                role,
                password_hash: Some(&hash),
            },
            now,
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating a test user: {e:?}"))?;
        app::auth::service::mark_initialised(&self.db, now)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        Ok(TestUser {
            id,
            name: name.to_owned(),
            email,
            password: PASSWORD.to_owned(),
        })
    }

    /// An HTTP client with its own cookie jar that does not follow redirects.
    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .unwrap_or_default()
    }

    /// A client without a cookie jar (for tests that set cookies by hand).
    pub fn bare_client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .unwrap_or_default()
    }

    /// Signs `user` in with a new client and returns it.
    pub async fn login(&self, user: &TestUser) -> anyhow::Result<reqwest::Client> {
        let client = Self::client();
        self.call(
            &client,
            Login {
                input: LoginInput {
                    email: user.email.clone(),
                    password: user.password.clone(),
                    next: String::new(),
                },
            },
        )
        .await?
        .ok()
        .with_context(|| format!("signing in {}", user.email))?;
        Ok(client)
    }

    /// Calls a server function the way the hydrated app does (its arguments form-encoded,
    /// a JSON answer) and decodes the answer into the function's own types.
    pub async fn call<S>(
        &self,
        client: &reqwest::Client,
        args: S,
    ) -> anyhow::Result<Answer<S::Output>>
    where
        S: ServerFn<Error = AppError> + Serialize,
        S::Output: DeserializeOwned,
    {
        let body = serde_qs::to_string(&args).context("encoding the arguments")?;
        let (status, text) = self.call_raw(client, S::PATH, &body).await?;
        let result = if status == StatusCode::OK {
            Ok(serde_json::from_str::<S::Output>(&text)
                .with_context(|| format!("decoding the answer of {}: {text}", S::PATH))?)
        } else {
            Err(serde_json::from_str::<AppError>(&text)
                .with_context(|| format!("decoding the error of {} ({status}): {text}", S::PATH))?)
        };
        Ok(Answer {
            status,
            result,
            body: text,
        })
    }

    /// Posts `body` (form-encoded, as written) to the server function at `path`; for input a
    /// typed call cannot express (malformed or tampered forms).
    pub async fn call_raw(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: &str,
    ) -> anyhow::Result<(StatusCode, String)> {
        let response = client
            .post(self.url(path))
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", &self.address)
            .body(body.to_owned())
            .send()
            .await
            .with_context(|| format!("calling {path}"))?;
        let status = response.status();
        let body = response.text().await?;
        Ok((status, body))
    }

    /// Posts a form the way a browser without JavaScript does; returns the status and the
    /// redirect target.
    pub async fn post_form<S>(
        &self,
        client: &reqwest::Client,
        args: S,
        referer: &str,
    ) -> anyhow::Result<(StatusCode, Option<String>)>
    where
        S: ServerFn<Error = AppError> + Serialize,
    {
        let body = serde_qs::to_string(&args).context("encoding the form")?;
        let response = client
            .post(self.url(S::PATH))
            .header("Accept", "text/html,application/xhtml+xml")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", &self.address)
            .header("Referer", self.url(referer))
            .body(body)
            .send()
            .await
            .with_context(|| format!("posting the {} form", S::PATH))?;
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(ToOwned::to_owned);
        Ok((response.status(), location))
    }

    /// A POST from one of this site's pages, as browsers send it (with the `Origin`).
    pub fn post(&self, client: &reqwest::Client, path: &str) -> reqwest::RequestBuilder {
        client.post(self.url(path)).header("Origin", &self.address)
    }

    /// GETs a page as a browser does; returns the status and the HTML.
    pub async fn page(
        &self,
        client: &reqwest::Client,
        path: &str,
    ) -> anyhow::Result<(StatusCode, String)> {
        let response = client
            .get(self.url(path))
            .header("Accept", "text/html,application/xhtml+xml")
            .send()
            .await
            .with_context(|| format!("loading {path}"))?;
        let status = response.status();
        Ok((status, response.text().await?))
    }

    /// Every row of every table, as text: compare two digests to prove that a call changed
    /// nothing at all. Sessions are left out (their expiry moves on every request), and so is
    /// the migrations table.
    pub async fn digest(&self) -> anyhow::Result<Digest> {
        let tables: Vec<String> = match self.backend {
            Backend::Sqlite => {
                sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .fetch_all(&self.db)
                .await?
            }
            Backend::Postgres => {
                sqlx::query_scalar(
                    "SELECT table_name::TEXT FROM information_schema.tables \
                 WHERE table_schema = 'public' ORDER BY table_name",
                )
                .fetch_all(&self.db)
                .await?
            }
        };
        let mut digest = Digest::new();
        for table in tables {
            // The full-text index is derived from the challenges table (and binary).
            if table == "sessions"
                || table == "_sqlx_migrations"
                || table.starts_with("challenges_fts")
            {
                continue;
            }
            let columns: Vec<String> = match self.backend {
                Backend::Sqlite => {
                    sqlx::query_scalar(&format!(
                        "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
                    ))
                    .fetch_all(&self.db)
                    .await?
                }
                Backend::Postgres => {
                    sqlx::query_scalar(
                        "SELECT column_name::TEXT FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                    )
                    .bind(&table)
                    .fetch_all(&self.db)
                    .await?
                }
            };
            let select = columns
                .iter()
                .map(|c| format!("CAST({c} AS TEXT)"))
                .collect::<Vec<_>>()
                .join(", ");
            let order = (1..=columns.len())
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let rows = sqlx::query(&format!("SELECT {select} FROM {table} ORDER BY {order}"))
                .fetch_all(&self.db)
                .await
                .with_context(|| format!("reading {table}"))?;
            let values = rows
                .iter()
                .map(|row| {
                    (0..columns.len())
                        .map(|i| sqlx::Row::try_get::<Option<String>, _>(row, i).unwrap_or(None))
                        .collect()
                })
                .collect();
            digest.insert(table, values);
        }
        Ok(digest)
    }

    /// Fails with the tables that differ between `before` and now.
    pub async fn ensure_unchanged(&self, before: &Digest, what: &str) -> anyhow::Result<()> {
        let after = self.digest().await?;
        let changed: Vec<&String> = after
            .iter()
            .filter(|(table, rows)| before.get(*table) != Some(rows))
            .map(|(table, _)| table)
            .collect();
        anyhow::ensure!(changed.is_empty(), "{what} changed {changed:?}");
        Ok(())
    }

    /// Runs the delivery worker once, as the server's background runner does, with the
    /// server's clock: everything due is sent (or retried, or stopped).
    pub async fn deliver(&self) -> anyhow::Result<app::mail::deliver::Report> {
        let worker = app::mail::deliver::Worker {
            db: &self.db,
            clock: &self.clock,
            mailer: &self.mailer,
            base: &self.address,
            owner: app::mail::deliver::owner_name(),
        };
        worker.run(std::time::Duration::from_mins(1)).await
    }

    /// Where mail goes as files (no SMTP port given).
    pub fn mail_dir(&self) -> PathBuf {
        self.settings.mail_dir.clone()
    }

    /// Stops the server and starts a new one on the same address and database, with fresh
    /// database connections (what a restart or a deploy does). The clock runs on.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        self.take_down().await?;
        self.bring_up().await
    }

    /// Stops serving (the address refuses connections) until [`TestApp::bring_up`].
    pub async fn take_down(&mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(served) = self.served.take() {
            served.await.context("waiting for the server to stop")??;
        }
        self.db.close().await;
        Ok(())
    }

    /// Starts serving again on the same address and database, with fresh connections.
    pub async fn bring_up(&mut self) -> anyhow::Result<()> {
        let db = prepare_database(&self.settings).await?;
        let application =
            Application::build_with(self.settings.clone(), db.clone(), self.clock.clone())
                .await
                .context("starting the server again on its address")?;
        let (tx, rx) = oneshot::channel();
        self.served = Some(tokio::spawn(application.run_with_shutdown(async {
            let _ = rx.await;
        })));
        self.shutdown = Some(tx);
        self.db = db;
        Ok(())
    }

    /// Stops the server.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.db.close().await;
    }
}
