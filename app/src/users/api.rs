//! Server functions for account management. Admin-only except the user's own settings.

use super::{
    AccountData, CreatedUser, NewUserFormData, NewUserInput, ProfileInput, TimezoneInput,
    UserEditData, UserSummary,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service,
    crate::access,
    crate::auth::guard::{self, require_user},
    crate::endpoint,
    crate::state::app_state,
    anyhow::Context,
};

/// The signed-in admin, or `Unauthenticated` / `Forbidden`.
#[cfg(feature = "ssr")]
async fn require_admin() -> Result<access::Admin, AppError> {
    access::require_admin(require_user().await?)
}

/// Session key for a just-issued set-password link, shown once on the user's page.
#[cfg(feature = "ssr")]
const FLASH_LINK_KEY: &str = "flash_password_link";

#[cfg(feature = "ssr")]
async fn flash_link(user_id: i64, url: String) -> Result<(), AppError> {
    guard::session()
        .await?
        .insert(FLASH_LINK_KEY, (user_id, url))
        .await
        .context("storing the link for display")?;
    Ok(())
}

#[cfg(feature = "ssr")]
async fn take_flash_link(user_id: i64) -> Result<Option<String>, AppError> {
    let session = guard::session().await?;
    let flashed: Option<(i64, String)> = session
        .get(FLASH_LINK_KEY)
        .await
        .context("reading the link for display")?;
    match flashed {
        Some((id, url)) if id == user_id => {
            session
                .remove_value(FLASH_LINK_KEY)
                .await
                .context("clearing the link")?;
            Ok(Some(url))
        }
        _ => Ok(None),
    }
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
        let (id, token) = service::create(&state.db, &admin, &input, state.now()).await?;
        let created = CreatedUser::new(id, &state.settings.public_base_url, token.as_deref());
        if let Some(url) = &created.password_link {
            flash_link(id, url.clone()).await?;
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
        let link = take_flash_link(id).await?;
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
        flash_link(
            id,
            service::password_link_url(&state.settings.public_base_url, &token),
        )
        .await?;
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
