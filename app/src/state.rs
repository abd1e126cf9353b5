//! What every request handler and server function can reach: the pool, settings, limiters.

use crate::auth::password::Hasher;
use crate::auth::rate_limit::LoginLimiter;
use crate::clock::Clock;
use crate::db::Db;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::prelude::*;
use std::sync::Arc;

/// Settings the application needs at run time (the server crate loads them).
#[derive(Debug, Clone)]
pub struct RuntimeSettings {
    /// Where users reach this instance, used to build links (`https://hire.example.com`).
    pub public_base_url: String,
    /// Take the client address from `X-Forwarded-For` (behind a proxy) ...
    pub behind_proxy: bool,
    /// ... `trusted_proxies` entries from the right: each trusted proxy appends the address
    /// it received the request from, so that entry was written by our outermost proxy.
    pub trusted_proxies: usize,
    /// Cookies are marked `Secure` (the site is served over HTTPS).
    pub secure_cookies: bool,
}

/// Shared state, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    pub settings: Arc<RuntimeSettings>,
    pub login_limiter: Arc<LoginLimiter>,
    /// Password hashing capacity.
    pub hasher: Hasher,
    /// The one source of "now" (tests move it).
    pub clock: Clock,
    /// How mail leaves the server (the admin's test email; the worker has its own handle).
    pub mailer: Arc<crate::mail::transport::Mailer>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The current time as UTC Unix seconds, from the one clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}

/// The state inside a server function or during server rendering.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Unexpected
    })
}
