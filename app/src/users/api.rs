//! Server functions for account management. Admin-only except the user's own settings.

use super::{
    AccountData, CreatedUser, NewUserFormData, NewUserInput, ProfileInput, TimezoneInput,
    UserEditData, UserSummary,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

/// The signed-in admin, or `Unauthenticated` / `Forbidden`.
#[cfg(feature = "ssr")]
async fn require_admin() -> Result<access::Admin, AppError> {
    access::require_admin(require_user().await?)
}

/// A just-issued set-password link travels to the user's page in a short-lived cookie in the
/// admin's own browser — never stored on the server, where only its hash is kept — and is
/// shown there once.
#[cfg(feature = "ssr")]
const LINK_COOKIE: &str = "hireloop_new_link";

#[cfg(feature = "ssr")]
fn hand_over_link(user_id: i64, token: &str) -> Result<(), AppError> {
    endpoint::hand_over(LINK_COOKIE, &format!("{user_id}.{token}"))
}

/// The link handed over for `user_id`, if any; the cookie is cleared either way.
#[cfg(feature = "ssr")]
fn take_link(user_id: i64) -> Result<Option<String>, AppError> {
    let Some(handed) = endpoint::take_handed(LINK_COOKIE)? else {
        return Ok(None);
    };
    Ok(match handed.split_once('.') {
        Some((id, token))
            if id.parse() == Ok(user_id)
                && !token.is_empty()
                && token.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            Some(service::password_link_url(
                &app_state()?.settings.public_base_url,
                token,
            ))
        }
        _ => None,
    })
}

#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    endpoint::run(async {
        let admin = require_admin().await?;
        service::list(&app_state()?.db, &admin).await
    })
    .await
}

#[server(endpoint = "new_user_form")]
pub async fn new_user_form() -> Result<NewUserFormData, AppError> {
    endpoint::run(async {
        let admin = require_admin().await?;
        Ok(NewUserFormData {
            default_timezone: admin.user().timezone.clone(),
            timezones: service::timezone_names(),
        })
    })
    .await
}

/// Creates a user. A requested set-password link is shown once on the new user's page.
#[server(endpoint = "create_user")]
pub async fn create_user(input: NewUserInput) -> Result<CreatedUser, AppError> {
    endpoint::run(async move {
        let admin = require_admin().await?;
        let state = app_state()?;
        let (id, token) =
            service::create(&state.db, &state.hasher, &admin, &input, state.now()).await?;
        let created = CreatedUser::new(id, &state.settings.public_base_url, token.as_deref());
        if let Some(token) = &token {
            hand_over_link(id, token)?;
        }
        endpoint::redirect_form_post(&format!("/admin/users/{id}"));
        Ok(CreatedUser {
            password_link: None,
            ..created
        })
    })
    .await
}

/// One user for the edit page (and a link issued just before, once).
#[server(endpoint = "get_user_edit")]
pub async fn get_user_edit(id: i64) -> Result<(UserEditData, Option<String>), AppError> {
    endpoint::run(async move {
        let admin = require_admin().await?;
        let user = service::get(&app_state()?.db, &admin, id).await?;
        let link = take_link(id)?;
        Ok((
            UserEditData {
                is_self: user.id == admin.user().id,
                user,
                timezones: service::timezone_names(),
            },
            link,
        ))
    })
    .await
}

#[server(endpoint = "update_user")]
pub async fn update_user(id: i64, input: ProfileInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let admin = require_admin().await?;
        let state = app_state()?;
        service::update(&state.db, &admin, id, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/admin/users/{id}?saved=1"));
        Ok(())
    })
    .await
}

/// Deactivates (ending every session of the user at once) or reactivates an account.
#[server(endpoint = "set_user_active")]
pub async fn set_user_active(id: i64, active: bool) -> Result<(), AppError> {
    endpoint::run(async move {
        let admin = require_admin().await?;
        let state = app_state()?;
        service::set_active(&state.db, &admin, id, active, state.now()).await?;
        Ok(())
    })
    .await
}

/// Issues a new one-time set-password link, shown once on the user's page.
#[server(endpoint = "issue_password_link")]
pub async fn issue_password_link(id: i64) -> Result<(), AppError> {
    endpoint::run(async move {
        let admin = require_admin().await?;
        let state = app_state()?;
        let token = service::new_password_link(&state.db, &admin, id, state.now()).await?;
        hand_over_link(id, &token)?;
        Ok(())
    })
    .await
}

#[server(endpoint = "get_account")]
pub async fn get_account() -> Result<AccountData, AppError> {
    endpoint::run(async {
        let user = require_user().await?;
        Ok(AccountData {
            name: user.name,
            email: user.email,
            timezone: user.timezone,
            timezones: service::timezone_names(),
        })
    })
    .await
}

#[server(endpoint = "update_my_timezone")]
pub async fn update_my_timezone(input: TimezoneInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let me = access::myself(require_user().await?);
        let state = app_state()?;
        service::set_own_timezone(&state.db, &me, &input, state.now()).await?;
        endpoint::redirect_form_post("/account?saved=timezone");
        Ok(())
    })
    .await
}
