//! Signing in and out, sessions, the first-admin set-up, password changes and one-time
//! set-password links. Owns the `instance`, `sessions` and `password_links` tables.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod rate_limit;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session_store;

use crate::values::Role;
use serde::{Deserialize, Serialize};

/// The signed-in user, as the UI and the services see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub timezone: String,
    /// Hiring manager of at least one opening.
    pub is_hiring_manager: bool,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Server-side guards: every server function starts with one of these.
#[cfg(feature = "ssr")]
pub mod guard {
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

    /// The signed-in admin, or `Unauthenticated` / `Forbidden`.
    pub async fn require_admin() -> AppResult<CurrentUser> {
        let user = require_user().await?;
        if user.is_admin() {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }
}
