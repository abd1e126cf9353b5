//! Server-side guards: every server function starts with one of these.

use super::session_store::{EPOCH_KEY, USER_ID_KEY};
use super::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::app_state;
use anyhow::Context;
use http::request::Parts;
use leptos::prelude::use_context;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;
use tower_sessions::Session;

/// The request's session (the session layer wraps every route).
pub async fn session() -> AppResult<Session> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| anyhow::anyhow!("session layer missing: {e}"))
        .map_err(AppError::from)
}

/// The signed-in user of one request, looked up once however many server functions the
/// page calls, also when they run at the same time (the router puts an empty one into every
/// request's extensions).
#[derive(Clone, Default)]
pub struct RequestUser(Arc<Mutex<Arc<OnceCell<Option<CurrentUser>>>>>);

impl RequestUser {
    fn cell(&self) -> Arc<OnceCell<Option<CurrentUser>>> {
        self.0.lock().map(|cell| cell.clone()).unwrap_or_default()
    }

    fn forget(&self) {
        if let Ok(mut cell) = self.0.lock() {
            *cell = Arc::default();
        }
    }
}

/// Adds an empty [`RequestUser`] to each request (an axum middleware).
pub async fn with_request_user(
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    request.extensions_mut().insert(RequestUser::default());
    next.run(request).await
}

fn request_user() -> Option<RequestUser> {
    use_context::<Parts>().and_then(|parts| parts.extensions.get::<RequestUser>().cloned())
}

/// Signing in or out changes who the request's user is.
pub fn forget_request_user() {
    if let Some(cache) = request_user() {
        cache.forget();
    }
}

/// The signed-in user, or `None`. A session whose account was deactivated, or whose
/// password changed since sign-in, is ended here.
pub async fn current_user() -> AppResult<Option<CurrentUser>> {
    async fn look_up() -> AppResult<Option<CurrentUser>> {
        let session = session().await?;
        user_from_session(&app_state()?.db, &session).await
    }
    match request_user() {
        Some(cache) => cache.cell().get_or_try_init(look_up).await.cloned(),
        None => look_up().await,
    }
}

/// The user a session belongs to (for plain axum handlers outside Leptos).
pub async fn user_from_session(
    db: &crate::db::Db,
    session: &Session,
) -> AppResult<Option<CurrentUser>> {
    let Some(user_id) = session
        .get::<i64>(USER_ID_KEY)
        .await
        .context("reading the session")?
    else {
        return Ok(None);
    };
    let epoch = session
        .get::<i64>(EPOCH_KEY)
        .await
        .context("reading the session")?
        .unwrap_or(-1);
    let user = super::service::session_user(db, user_id, epoch).await?;
    if user.is_none() {
        session.flush().await.context("ending a stale session")?;
    }
    Ok(user)
}

/// The signed-in user, or `Unauthenticated`.
pub async fn require_user() -> AppResult<CurrentUser> {
    current_user().await?.ok_or(AppError::Unauthenticated)
}
