//! Server functions for candidates.

use super::{CandidateDetail, CandidateFormData, CandidateInput, CandidateSummary, CreateOutcome};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

/// Candidates whose name or email contains `query`, among those the user may see.
#[server(endpoint = "search_candidates")]
pub async fn search_candidates(
    #[server(default)] query: String,
    #[server(default)] page: crate::paging::PageNumber,
) -> Result<crate::paging::Paged<CandidateSummary>, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let planner = access::require_planner(&db, require_user().await?).await?;
        service::search(&db, &planner, &query, page).await
    })
    .await
}

#[server(endpoint = "get_candidate")]
pub async fn get_candidate(id: i64) -> Result<CandidateDetail, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope = access::require_candidate_viewer(&state.db, require_user().await?, id).await?;
        service::detail(&state.db, &scope, state.now()).await
    })
    .await
}

/// What the candidate form needs (`id` 0 for a new candidate).
#[server(endpoint = "candidate_form")]
pub async fn candidate_form(id: i64) -> Result<CandidateFormData, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let user = require_user().await?;
        let planner = access::require_planner(&state.db, user.clone()).await?;
        if id > 0 {
            let scope = access::require_candidate_viewer(&state.db, user, id).await?;
            service::edit_form(&state.db, &scope, state.now()).await
        } else {
            service::new_form(&state.db, &planner).await
        }
    })
    .await
}

/// Adds a candidate (and applies them to `input.apply_to`, if given, in the same transaction).
#[server(endpoint = "create_candidate")]
pub async fn create_candidate(input: CandidateInput) -> Result<CreateOutcome, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let planner = access::require_planner(&state.db, require_user().await?).await?;
        let (outcome, _) = crate::applications::service::create_and_apply(
            &state.db,
            &planner,
            &input,
            state.now(),
        )
        .await?;
        match &outcome {
            CreateOutcome::Created { id } => {
                endpoint::redirect_form_post(&format!("/candidates/{id}"));
            }
            CreateOutcome::Existing { id, .. } => {
                endpoint::redirect_form_post(&format!("/candidates/{id}?existing=1"));
            }
        }
        Ok(outcome)
    })
    .await
}

#[server(endpoint = "update_candidate")]
pub async fn update_candidate(id: i64, input: CandidateInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let user = require_user().await?;
        access::require_planner(&state.db, user.clone()).await?;
        let scope = access::require_candidate_viewer(&state.db, user, id).await?;
        service::update(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/candidates/{id}"));
        Ok(())
    })
    .await
}
