//! Server-side guards: every server function starts with one of these.

use super::session_store::{EPOCH_KEY, USER_ID_KEY};
use super::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::state::app_state;
use anyhow::Context;
use tower_sessions::Session;

/// The request's session (the session layer wraps every route).
pub async fn session() -> AppResult<Session> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| anyhow::anyhow!("session layer missing: {e}"))
        .map_err(AppError::from)
}

/// The signed-in user, or `None`. A session whose account was deactivated, or whose
/// password changed since sign-in, is ended here.
pub async fn current_user() -> AppResult<Option<CurrentUser>> {
    let session = session().await?;
    user_from_session(&app_state()?.db, &session).await
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
