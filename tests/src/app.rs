//! The real server, started in-process on port 0 with its own database.

use anyhow::Context;
use app::auth::password;
use app::db::{now, Db};
use app::users::repo::{self as users, NewUser};
use app::values::NewPassword;
use hireloop::config::Settings;
use hireloop::startup::{prepare_database, Application};
use reqwest::StatusCode;
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
}

impl Default for Options {
    fn default() -> Self {
        Self {
            login_ip_burst: 1000,
            login_account_burst: 1000,
            secure_cookies: false,
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

/// A running server and its database.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub db: Db,
    pub backend: Backend,
    pub database_url: String,
    shutdown: Option<oneshot::Sender<()>>,
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
    let db = prepare_database(&settings).await?;
    let application = Application::build_with_db(settings, db.clone()).await?;
    let port = application.port();
    let (tx, rx) = oneshot::channel();
    tokio::spawn(application.run_with_shutdown(async {
        let _ = rx.await;
    }));
    Ok(TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        backend,
        database_url,
        shutdown: Some(tx),
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
    let hash = password::hash(&password).await?;
    Ok(HASH.get_or_init(|| hash).clone())
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Creates an active account directly in the database (`role` is `admin` or `member`).
    pub async fn create_user(&self, name: &str, role: &str) -> anyhow::Result<TestUser> {
        let n = NEXT_USER.fetch_add(1, Ordering::SeqCst);
        let email = format!("{}.{n}@example.com", name.to_lowercase().replace(' ', "."));
        let hash = password_hash().await?;
        let id = users::insert(
            &self.db,
            &NewUser {
                name,
                email: &email,
                timezone: "Europe/Berlin",
                role,
                password_hash: Some(&hash),
            },
            now(),
        )
        .await
        .context("creating a test user")?;
        app::auth::repo::mark_initialised(&self.db, now()).await?;
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
        let (status, body) = self
            .call(
                &client,
                "login",
                &[("email", &user.email), ("password", &user.password)],
            )
            .await?;
        anyhow::ensure!(status == StatusCode::OK, "login failed: {status} {body}");
        Ok(client)
    }

    /// Calls a server function the way the hydrated app does (form-encoded arguments,
    /// JSON answer). Returns the status and the body.
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> anyhow::Result<(StatusCode, String)> {
        let response = client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Accept", "application/json")
            .form(args)
            .send()
            .await
            .with_context(|| format!("calling {endpoint}"))?;
        let status = response.status();
        let body = response.text().await?;
        Ok((status, body))
    }

    /// Posts a form the way a browser without JavaScript does; returns the redirect target.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        referer: &str,
        args: &[(&str, &str)],
    ) -> anyhow::Result<(StatusCode, Option<String>)> {
        let response = client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("Accept", "text/html,application/xhtml+xml")
            .header("Referer", self.url(referer))
            .form(args)
            .send()
            .await
            .with_context(|| format!("posting the {endpoint} form"))?;
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(ToOwned::to_owned);
        Ok((response.status(), location))
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

    /// Stops the server.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.db.close().await;
    }
}
