//! Server functions for applications and the board.

use super::{ApplicationDetail, Board};
#[cfg(feature = "ssr")]
use super::{ApplicationStatus, BoardFilters};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::guard::require_user, crate::endpoint, crate::state::app_state};

/// Adds a candidate to an opening the user manages.
#[server(endpoint = "apply_candidate")]
pub async fn apply_candidate(candidate_id: i64, opening_id: String) -> Result<i64, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let opening_id = opening_id
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid("opening_id", "Choose an opening."))?;
        let id = service::apply(&app_state()?.db, &user, candidate_id, opening_id).await?;
        endpoint::redirect_form_post(&format!("/applications/{id}"));
        Ok(id)
    })
    .await
}

/// The board of an opening. Filters: `stage` (id), `status` (default active), `kind`
/// (`internal` or `external`); empty means any.
#[server(endpoint = "get_board")]
pub async fn get_board(
    opening_id: i64,
    #[server(default)] stage: String,
    #[server(default)] status: String,
    #[server(default)] kind: String,
) -> Result<Board, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let filters = BoardFilters {
            stage: stage.trim().parse().ok(),
            status: ApplicationStatus::parse(&status).ok(),
            internal: match kind.as_str() {
                "internal" => Some(true),
                "external" => Some(false),
                _ => None,
            },
        };
        service::board(&app_state()?.db, &user, opening_id, filters).await
    })
    .await
}

#[server(endpoint = "get_application")]
pub async fn get_application(id: i64) -> Result<ApplicationDetail, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::detail(&app_state()?.db, &user, id).await
    })
    .await
}

/// Moves an application to another stage (the keyboard-friendly "Move to" on each card).
#[server(endpoint = "move_application")]
pub async fn move_application(id: i64, stage_id: String) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let stage_id = stage_id
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid("stage_id", "Choose a stage."))?;
        service::move_to_stage(&app_state()?.db, &user, id, stage_id).await
    })
    .await
}

/// Rejects (with a reason), withdraws, hires or reopens an application.
#[server(endpoint = "set_application_status")]
pub async fn set_application_status(
    id: i64,
    status: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::set_status(&app_state()?.db, &user, id, &status, &reason).await
    })
    .await
}
