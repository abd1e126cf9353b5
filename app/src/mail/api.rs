//! Server functions for mail: the admin's outbox, test email and reminder times (admins
//! only), and each user's own reminder and calendar-feed settings.

use super::settings::{MailSettingsInput, MyMailSettings, ShortRemindersInput};
use super::{MailMessage, MailPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, super::MailStatus, crate::access, crate::auth::guard::require_user,
    crate::endpoint, crate::paging::PageNumber, crate::state::app_state,
};

/// The new feed address travels to the account page in a short-lived cookie (shown once).
#[cfg(feature = "ssr")]
const FEED_COOKIE: &str = "hireloop_new_feed";

/// The outbox, newest first; `status` filters, `test` names the test email just sent.
#[server(endpoint = "get_mail_page")]
pub async fn get_mail_page(
    status: Option<String>,
    page: Option<u32>,
) -> Result<MailPage, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let admin = access::require_admin(require_user().await?)?;
        let status = status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(MailStatus::parse)
            .transpose()
            .map_err(|m| AppError::invalid("status", m))?;
        service::page(
            &state.db,
            &admin,
            &state.mailer,
            status,
            PageNumber::new(page.unwrap_or(1)),
        )
        .await
    })
    .await
}

/// One message in full (admins).
#[server(endpoint = "get_mail_message")]
pub async fn get_mail_message(id: i64) -> Result<MailMessage, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let admin = access::require_admin(require_user().await?)?;
        service::message(&state.db, &admin, &state.mailer, id).await
    })
    .await
}

/// Sends a test email to the admin now; the page then shows what happened.
#[server(endpoint = "send_test_email")]
pub async fn send_test_email() -> Result<i64, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let admin = access::require_admin(require_user().await?)?;
        let id = service::send_test(&state.db, &admin, &state.mailer, state.now()).await?;
        endpoint::redirect_form_post(&format!("/admin/mail/{id}"));
        Ok(id)
    })
    .await
}

/// When reminders go out (admins).
#[server(endpoint = "get_mail_settings")]
pub async fn get_mail_settings() -> Result<MailSettingsInput, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let admin = access::require_admin(require_user().await?)?;
        service::settings(&state.db, &admin).await
    })
    .await
}

#[server(endpoint = "save_mail_settings")]
pub async fn save_mail_settings(input: MailSettingsInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let admin = access::require_admin(require_user().await?)?;
        service::save_settings(&state.db, &admin, &input, state.now()).await?;
        endpoint::redirect_form_post("/admin/mail?saved=1");
        Ok(())
    })
    .await
}

/// The user's own email settings (with a just-made feed address, once).
#[server(endpoint = "get_my_mail_settings")]
pub async fn get_my_mail_settings() -> Result<MyMailSettings, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let me = access::myself(require_user().await?);
        let mut settings = service::my_settings(&state.db, &me).await?;
        if let Some(token) = endpoint::take_handed(FEED_COOKIE)? {
            if settings.has_feed
                && token.len() == 48
                && token.chars().all(|c| c.is_ascii_hexdigit())
            {
                settings.new_feed_url = Some(format!(
                    "{}/calendar/{token}.ics",
                    state.settings.public_base_url
                ));
            }
        }
        Ok(settings)
    })
    .await
}

#[server(endpoint = "save_my_reminders")]
pub async fn save_my_reminders(
    // An unticked box sends no field at all, so the whole form may be empty.
    #[server(default)] input: ShortRemindersInput,
) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let me = access::myself(require_user().await?);
        let on = input.short_reminders.is_checked();
        service::save_short_reminders(&state.db, &me, on, state.now()).await?;
        endpoint::redirect_form_post("/account?saved=reminders");
        Ok(())
    })
    .await
}

/// Makes a new private calendar-feed address (the old one stops working); answers it.
#[server(endpoint = "regenerate_calendar_feed")]
pub async fn regenerate_calendar_feed() -> Result<String, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let me = access::myself(require_user().await?);
        let url =
            service::regenerate_feed(&state.db, &me, &state.settings.public_base_url, state.now())
                .await?;
        if let Some(token) = url.rsplit('/').next().and_then(|t| t.strip_suffix(".ics")) {
            endpoint::hand_over(FEED_COOKIE, token)?;
        }
        endpoint::redirect_form_post("/account?saved=feed");
        Ok(url)
    })
    .await
}

/// Turns the user's calendar feed off.
#[server(endpoint = "remove_calendar_feed")]
pub async fn remove_calendar_feed() -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let me = access::myself(require_user().await?);
        service::remove_feed(&state.db, &me, state.now()).await?;
        endpoint::redirect_form_post("/account?saved=feed-removed");
        Ok(())
    })
    .await
}
