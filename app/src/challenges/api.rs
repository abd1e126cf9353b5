//! Server functions for the challenge library. Admins and hiring managers keep and browse
//! it; interviewers see their own interview's challenge through the interview kit.

use super::{
    ChallengeFormData, ChallengeInput, ChallengeListData, ChallengePageData, ChallengeQuery,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{service, ChallengeStatus},
    crate::access,
    crate::auth::guard::require_user,
    crate::endpoint,
    crate::state::app_state,
};

/// A page of the library with its filters.
#[server(endpoint = "list_challenges")]
pub async fn list_challenges(
    #[server(default)] query: ChallengeQuery,
) -> Result<ChallengeListData, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let planner = access::require_planner(&db, require_user().await?).await?;
        service::list(&db, &planner, &query).await
    })
    .await
}

/// A challenge with its effectiveness.
#[server(endpoint = "get_challenge_page")]
pub async fn get_challenge_page(id: i64) -> Result<ChallengePageData, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let planner = access::require_planner(&db, require_user().await?).await?;
        service::page(&db, &planner, id).await
    })
    .await
}

/// What the new or edit challenge form needs (`id` 0 for a new challenge), with `rows`
/// extension rows.
#[server(endpoint = "challenge_form")]
pub async fn challenge_form(
    id: i64,
    #[server(default)] rows: usize,
) -> Result<ChallengeFormData, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let planner = access::require_planner(&db, require_user().await?).await?;
        service::form(&db, &planner, (id > 0).then_some(id), rows).await
    })
    .await
}

#[server(endpoint = "create_challenge")]
pub async fn create_challenge(input: ChallengeInput) -> Result<i64, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let planner = access::require_planner(&state.db, require_user().await?).await?;
        let id = service::create(&state.db, &planner, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/challenges/{id}"));
        Ok(id)
    })
    .await
}

#[server(endpoint = "update_challenge")]
pub async fn update_challenge(id: i64, input: ChallengeInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let planner = access::require_planner(&state.db, require_user().await?).await?;
        service::update(&state.db, &planner, id, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/challenges/{id}"));
        Ok(())
    })
    .await
}

/// Retires a challenge (`status` = `retired`) or restores it (`active`).
#[server(endpoint = "set_challenge_status")]
pub async fn set_challenge_status(id: i64, status: String) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let planner = access::require_planner(&state.db, require_user().await?).await?;
        let status = ChallengeStatus::parse(&status).map_err(|m| AppError::invalid("status", m))?;
        service::set_status(&state.db, &planner, id, status, state.now()).await?;
        endpoint::redirect_form_post(&format!("/challenges/{id}"));
        Ok(())
    })
    .await
}
