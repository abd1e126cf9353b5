//! Server functions for applications and the board.

use super::{
    ApplicationDetail, ApplyInput, Board, BoardQuery, MoveInput, OpeningPageData, StatusInput,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{service, views},
    crate::access,
    crate::auth::guard::require_user,
    crate::endpoint,
    crate::state::app_state,
};

/// Adds a candidate to an opening the user manages.
#[server(endpoint = "apply_candidate")]
pub async fn apply_candidate(candidate_id: i64, input: ApplyInput) -> Result<i64, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let user = require_user().await?;
        let candidate =
            access::require_candidate_viewer(&state.db, user.clone(), candidate_id).await?;
        let opening_id = input
            .opening_id
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid("opening_id", "Choose an opening."))?;
        let opening = access::require_opening_manager(&state.db, user, opening_id).await?;
        let id = service::apply(&state.db, &candidate, &opening, state.now()).await?;
        endpoint::redirect_form_post(&format!("/applications/{id}"));
        Ok(id)
    })
    .await
}

/// The board of an opening, filtered by the board's query.
#[server(endpoint = "get_board")]
pub async fn get_board(
    opening_id: i64,
    #[server(default)] query: BoardQuery,
) -> Result<Board, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_opening_manager(&state.db, require_user().await?, opening_id).await?;
        views::board(&state.db, &scope, (&query).into(), state.now()).await
    })
    .await
}

/// An opening's page: its overview and board (one access check, one read of the plan).
#[server(endpoint = "get_opening_page")]
pub async fn get_opening_page(
    opening_id: i64,
    #[server(default)] query: BoardQuery,
) -> Result<OpeningPageData, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_opening_manager(&state.db, require_user().await?, opening_id).await?;
        views::opening_page(&state.db, &scope, (&query).into(), state.now()).await
    })
    .await
}

#[server(endpoint = "get_application")]
pub async fn get_application(id: i64) -> Result<ApplicationDetail, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_application_manager(&state.db, require_user().await?, id).await?;
        views::detail(&state.db, &scope, state.now()).await
    })
    .await
}

/// Moves an application to another stage (the keyboard-friendly "Move to" on each card).
#[server(endpoint = "move_application")]
pub async fn move_application(id: i64, input: MoveInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_application_manager(&state.db, require_user().await?, id).await?;
        service::move_to_stage(&state.db, &scope, &input, state.now()).await
    })
    .await
}

/// Rejects (with a reason), withdraws, hires or reopens an application.
#[server(endpoint = "set_application_status")]
pub async fn set_application_status(id: i64, input: StatusInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_application_manager(&state.db, require_user().await?, id).await?;
        service::set_status(&state.db, &scope, &input, state.now()).await
    })
    .await
}
