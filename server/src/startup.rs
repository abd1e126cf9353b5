//! Building and running the server: the database, the HTTP stack, background tasks.

use crate::config::Settings;
use crate::runner::{JobContext, Runner};
use anyhow::Context;
use app::app::{shell, App};
use app::auth::password::Hasher;
use app::auth::rate_limit::{LoginLimiter, LoginQuota};
use app::auth::session_store::DbSessionStore;
use app::clock::Clock;
use app::db::{self, Db};
use app::state::{AppState, RuntimeSettings};
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use http::header::{self, HeaderValue};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    listener: TcpListener,
    router: Router,
    db: Db,
    runner: Runner,
    header_timeout: Duration,
}

/// How long one run of the delivery worker inside `serve` may go on before the other jobs
/// get their turn (the batch in hand is finished first).
const MAIL_BUDGET: Duration = Duration::from_secs(30);

/// Connects to the database named in `settings` and brings its schema up to date.
pub async fn prepare_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = db::connect(settings.database_url(), settings.database_max_connections).await?;
    db::migrate(&db).await?;
    Ok(db)
}

impl Application {
    /// Connects, migrates and binds (port 0 picks a free port, as the tests do).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = prepare_database(&settings).await?;
        Self::build_with(settings, db, Clock::system()).await
    }

    /// Binds the server to an already prepared database, reading the time from `clock`
    /// (tests pass one they can move).
    pub async fn build_with(settings: Settings, db: Db, clock: Clock) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("binding {}", settings.addr))?;
        let local = listener.local_addr().context("reading the bound address")?;
        let form_error_key = app::auth::service::instance_secret(&db, "form_errors")
            .await
            .map_err(|e| anyhow::anyhow!("loading the form-error key: {e}"))?;
        let base = settings.public_base_url(local);
        let mailer = Arc::new(settings.mailer(&base).context("configuring mail")?);
        let router = router(
            &settings,
            db.clone(),
            clock.clone(),
            local,
            &form_error_key,
            mailer.clone(),
        );
        app::auth::password::warm_up().await;
        Ok(Self {
            port: local.port(),
            listener,
            router,
            runner: Runner::standard(JobContext {
                db: db.clone(),
                clock,
                mailer,
                base_url: base,
                mail_every: Duration::from_secs(settings.mail_poll_secs.max(1)),
                mail_budget: MAIL_BUDGET,
            }),
            db,
            header_timeout: Duration::from_secs(settings.header_read_timeout_secs.max(1)),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until Ctrl-C / SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_with_shutdown(shutdown_signal()).await
    }

    /// Serves, with the background jobs running, until `shutdown` completes; then finishes
    /// in-flight requests and the job that is running, and returns.
    pub async fn run_with_shutdown(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_jobs, jobs_stopped) = watch::channel(false);
        let jobs = tokio::spawn(self.runner.run_until(jobs_stopped));
        let served = crate::serve::serve(
            self.listener,
            self.router,
            self.header_timeout,
            async move {
                shutdown.await;
                let _ = stop_jobs.send(true);
            },
        )
        .await
        .context("serving HTTP");
        if let Err(error) = jobs.await {
            tracing::error!(%error, "the background jobs ended abnormally");
        }
        if let Err(error) = db::optimize(&self.db).await {
            tracing::warn!(
                error = format!("{error:#}"),
                "optimizing at shutdown failed"
            );
        }
        served
    }
}

fn router(
    settings: &Settings,
    db: Db,
    clock: Clock,
    local: SocketAddr,
    form_error_key: &str,
    mailer: Arc<app::mail::transport::Mailer>,
) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("hireloop")
        .site_root(settings.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(local)
        .build();
    let public_base_url = settings.public_base_url(local);
    let guard = crate::security::Guard::new(
        &public_base_url,
        settings.public_url.is_some(),
        form_error_key.as_bytes(),
        settings.secure_cookies,
    );
    let login_limiter = Arc::new(LoginLimiter::new(
        LoginQuota {
            burst: settings.login_ip_burst,
            refill_every: Duration::from_secs(settings.login_ip_refill_secs),
        },
        LoginQuota {
            burst: settings.login_account_burst,
            refill_every: Duration::from_secs(settings.login_account_refill_secs),
        },
    ));
    spawn_limiter_housekeeping(Arc::downgrade(&login_limiter));
    let state = AppState {
        db: db.clone(),
        leptos_options: leptos_options.clone(),
        settings: Arc::new(RuntimeSettings {
            public_base_url,
            behind_proxy: settings.behind_proxy,
            trusted_proxies: settings.trusted_proxies,
            secure_cookies: settings.secure_cookies,
        }),
        login_limiter,
        hasher: Hasher::new(
            settings.password_hashers.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
            }),
            Duration::from_millis(settings.password_queue_ms),
        ),
        clock: clock.clone(),
        mailer,
    };
    let request_timeout = Duration::from_secs(settings.request_timeout_secs.max(1));
    let upload_timeout = Duration::from_secs(settings.upload_timeout_secs.max(1));

    let sessions = SessionManagerLayer::new(DbSessionStore::new(db, clock))
        .with_name("hireloop_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(
            settings.session_idle_days,
        )));

    let routes = route_list();
    let uploads = Router::new()
        .route(
            "/candidates/{id}/resume",
            // A little above the limit, so an oversized file gets a friendly message from
            // the handler instead of a bare 413.
            post(app::candidates::resume::upload).layer(DefaultBodyLimit::max(
                app::candidates::RESUME_PDF_MAX_BYTES + 256 * 1024,
            )),
        )
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            upload_timeout,
        ));
    let everything_else = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/calendar/{token}", get(app::mail::feed::handler))
        .route(
            "/candidates/{id}/resume.pdf",
            get(app::candidates::resume::download),
        )
        .leptos_routes(&state, routes, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ));
    let debug = if settings.count_queries {
        Router::new().route("/debug/statements", get(crate::metrics::statements_handler))
    } else {
        Router::new()
    };
    let app = Router::new()
        .merge(uploads)
        .merge(everything_else)
        .layer(axum::middleware::map_response(server_fn_error_status))
        .layer(axum::middleware::from_fn(
            app::auth::guard::with_request_user,
        ))
        .layer(axum::middleware::from_fn_with_state(
            guard,
            crate::security::protect,
        ))
        .layer(sessions)
        // gzip's fastest level: a busy page compresses in a quarter of the time of the
        // default level and comes out about a tenth larger (measured on the busy board).
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &http::Request<_>| {
                tracing::debug_span!(
                    "request",
                    method = %request.method(),
                    path = %redact_path(request.uri().path()),
                )
            }),
        )
        .with_state(state);
    // Outside the session and security layers: reading the counter must not run statements.
    debug.merge(app)
}

/// Server functions whose arguments cannot be decoded (a tampered or incomplete form) are
/// answered by Leptos with status 500 before our code runs. Their body is our `AppError`,
/// so the status comes from the same mapping as every other error (422 for bad input).
async fn server_fn_error_status(response: axum::response::Response) -> axum::response::Response {
    if response.status() != http::StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Request paths as logged: one-time set-password tokens are secrets and are masked.
fn redact_path(path: &str) -> String {
    match path.strip_prefix("/set-password/") {
        Some(_) => "/set-password/***".to_owned(),
        None => path.to_owned(),
    }
}

/// The app's routes, generated once per process. Generating them renders the app with
/// resource loading suppressed process-wide (a global flag in Leptos); a server rendering a
/// page at that moment in the same process would wait forever, so several servers in one
/// process (as in the tests) must not generate them concurrently.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: OnceLock<Vec<leptos_axum::AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Drops idle limiter keys every few minutes, until the limiter itself is gone.
fn spawn_limiter_housekeeping(limiter: std::sync::Weak<LoginLimiter>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_mins(5));
        loop {
            tick.tick().await;
            match limiter.upgrade() {
                Some(limiter) => limiter.forget_idle(),
                None => break,
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn set_password_tokens_are_not_logged() {
        assert_eq!(redact_path("/set-password/0123abcd"), "/set-password/***");
        assert_eq!(redact_path("/openings/3"), "/openings/3");
    }
}
