//! Server functions for signing in and out, set-up and passwords. Thin: guard, then service.

use super::{AdminInput, CurrentUser, LoginInput, NewPasswordInput, PasswordChangeInput};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::guard, super::service, super::session_store, crate::access, crate::endpoint,
    crate::state::app_state, anyhow::Context,
};

/// Starts a fresh session for `auth` (a new id, so a planted session id is useless).
#[cfg(feature = "ssr")]
async fn start_session(auth: &service::Authenticated) -> Result<(), AppError> {
    guard::forget_request_user();
    let session = guard::session().await?;
    session
        .cycle_id()
        .await
        .context("rotating the session id")?;
    session
        .insert(session_store::USER_ID_KEY, auth.user.id)
        .await
        .context("storing the session")?;
    session
        .insert(session_store::EPOCH_KEY, auth.session_epoch)
        .await
        .context("storing the session")?;
    Ok(())
}

/// The signed-in user, if any.
#[server(endpoint = "get_current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    endpoint::run(guard::current_user()).await
}

/// Whether this instance still needs its first admin.
#[server(endpoint = "needs_setup")]
pub async fn needs_setup() -> Result<bool, AppError> {
    endpoint::run(async { service::needs_setup(&app_state()?.db).await }).await
}

/// The time zones for the first-admin form, or `None` once the instance is set up (the
/// page is then gone).
#[server(endpoint = "setup_form")]
pub async fn setup_form() -> Result<Option<Vec<String>>, AppError> {
    endpoint::run(async {
        let needed = service::needs_setup(&app_state()?.db).await?;
        Ok(needed.then(crate::users::service::timezone_names))
    })
    .await
}

/// Signs in; `input.next` is where to go afterwards (a path on this site).
#[server(endpoint = "login")]
pub async fn login(input: LoginInput) -> Result<String, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let ip = endpoint::client_ip(&state.settings);
        let auth =
            service::login(&state.db, &state.hasher, &state.login_limiter, ip, &input).await?;
        start_session(&auth).await?;
        tracing::info!(user_id = auth.user.id, "signed in");
        let next = service::safe_next(Some(&input.next), &state.settings.public_base_url);
        endpoint::redirect_form_post(&next);
        Ok(next)
    })
    .await
}

/// Signs out: the session is deleted and its cookie cleared.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    endpoint::run(async {
        let session = guard::session().await?;
        session.flush().await.context("ending the session")?;
        guard::forget_request_user();
        endpoint::redirect_form_post("/login");
        Ok(())
    })
    .await
}

/// Creates the first admin and signs them in. Refused once any admin exists.
#[server(endpoint = "setup")]
pub async fn setup_first_admin(input: AdminInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        state
            .login_limiter
            .check_address(endpoint::client_ip(&state.settings))
            .map_err(AppError::RateLimited)?;
        let auth =
            service::setup_first_admin(&state.db, &state.hasher, &input, state.now()).await?;
        start_session(&auth).await?;
        endpoint::redirect_form_post("/");
        Ok(())
    })
    .await
}

/// Changes the signed-in user's password; their other sessions end, this one stays.
#[server(endpoint = "change_password")]
pub async fn change_password(input: PasswordChangeInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let me = access::myself(guard::require_user().await?);
        let state = app_state()?;
        state
            .login_limiter
            .check(
                endpoint::client_ip(&state.settings),
                &format!("user:{}", me.user().id),
            )
            .map_err(AppError::RateLimited)?;
        let epoch =
            service::change_password(&state.db, &state.hasher, &me, &input, state.now()).await?;
        let session = guard::session().await?;
        session
            .cycle_id()
            .await
            .context("rotating the session id")?;
        session
            .insert(session_store::EPOCH_KEY, epoch)
            .await
            .context("storing the session")?;
        endpoint::redirect_form_post("/account?saved=password");
        Ok(())
    })
    .await
}

/// The name of the person a set-password link is for, or `None` if it no longer works.
#[server(endpoint = "password_link_owner")]
pub async fn password_link_owner(token: String) -> Result<Option<String>, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        service::password_link_owner(&state.db, &token, state.now()).await
    })
    .await
}

/// Sets a password through a one-time link.
#[server(endpoint = "redeem_password_link")]
pub async fn redeem_password_link(token: String, input: NewPasswordInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        state
            .login_limiter
            .check_address(endpoint::client_ip(&state.settings))
            .map_err(AppError::RateLimited)?;
        service::redeem_password_link(&state.db, &state.hasher, &token, &input, state.now())
            .await?;
        endpoint::redirect_form_post("/login?password_set=1");
        Ok(())
    })
    .await
}
