//! Server functions for candidates.

use super::{CandidateDetail, CandidateFormData, CandidateSummary, CreateOutcome};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::guard::require_user, crate::endpoint, crate::state::app_state};

/// Candidates whose name or email contains `query`, among those the user may see.
#[server(endpoint = "search_candidates")]
pub async fn search_candidates(
    #[server(default)] query: String,
) -> Result<Vec<CandidateSummary>, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::search(&app_state()?.db, &user, &query).await
    })
    .await
}

#[server(endpoint = "get_candidate")]
pub async fn get_candidate(id: i64) -> Result<CandidateDetail, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::detail(&app_state()?.db, &user, id).await
    })
    .await
}

/// What the candidate form needs (`id` 0 for a new candidate).
#[server(endpoint = "candidate_form")]
pub async fn candidate_form(id: i64) -> Result<CandidateFormData, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::form_data(&app_state()?.db, &user, (id > 0).then_some(id)).await
    })
    .await
}

/// Adds a candidate (and applies them to `apply_to`, if given, in the same transaction).
#[server(endpoint = "create_candidate")]
pub async fn create_candidate(
    name: String,
    email: String,
    #[server(default)] phone: String,
    kind: String,
    #[server(default)] source: String,
    #[server(default)] links: String,
    #[server(default)] resume_text: String,
    #[server(default)] current_title: String,
    #[server(default)] current_team: String,
    #[server(default)] current_manager_id: String,
    #[server(default)] start_date: String,
    #[server(default)] apply_to: String,
) -> Result<CreateOutcome, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let input = service::CandidateInput {
            name,
            email,
            phone,
            kind,
            source,
            links,
            resume_text,
            current_title,
            current_team,
            current_manager_id,
            start_date,
        };
        let apply_to = apply_to.trim().parse::<i64>().ok();
        let outcome = crate::applications::service::create_and_apply(
            &app_state()?.db,
            &user,
            &input,
            apply_to,
        )
        .await?;
        match &outcome {
            (CreateOutcome::Created { id }, _) => {
                endpoint::redirect_form_post(&format!("/candidates/{id}"));
            }
            (CreateOutcome::Existing { id, .. }, _) => {
                endpoint::redirect_form_post(&format!("/candidates/{id}?existing=1"));
            }
        }
        Ok(outcome.0)
    })
    .await
}

#[server(endpoint = "update_candidate")]
pub async fn update_candidate(
    id: i64,
    name: String,
    email: String,
    #[server(default)] phone: String,
    kind: String,
    #[server(default)] source: String,
    #[server(default)] links: String,
    #[server(default)] resume_text: String,
    #[server(default)] current_title: String,
    #[server(default)] current_team: String,
    #[server(default)] current_manager_id: String,
    #[server(default)] start_date: String,
) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let input = service::CandidateInput {
            name,
            email,
            phone,
            kind,
            source,
            links,
            resume_text,
            current_title,
            current_team,
            current_manager_id,
            start_date,
        };
        service::update(&app_state()?.db, &user, id, &input).await?;
        endpoint::redirect_form_post(&format!("/candidates/{id}"));
        Ok(())
    })
    .await
}
