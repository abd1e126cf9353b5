//! Server functions of scorecards: an interviewer writes their own; readers are the people
//! who manage the application and — no anchoring — the other interviewers once all their own
//! feedback on the application is in. Anyone else finds nothing.

use super::{
    QuestionsInput, QuestionsPage, ScorecardInput, ScorecardPage, ScorecardRead, ScorecardSaved,
    TopicsInput,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

/// The viewer's own scorecard for an interview.
#[server(endpoint = "get_scorecard_form")]
pub async fn get_scorecard_form(interview_id: i64) -> Result<ScorecardPage, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_scorecard_author(&state.db, require_user().await?, interview_id)
                .await?;
        service::page(&state.db, &scope, state.now()).await
    })
    .await
}

/// Saves the viewer's draft (autosave, "Save draft") or submits it.
#[server(endpoint = "save_scorecard")]
pub async fn save_scorecard(
    interview_id: i64,
    input: ScorecardInput,
) -> Result<ScorecardSaved, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_scorecard_author(&state.db, require_user().await?, interview_id)
                .await?;
        let saved = service::save(&state.db, &scope, &input, state.now()).await?;
        let next = if saved.submitted {
            "submitted"
        } else {
            "saved"
        };
        endpoint::redirect_form_post(&format!("/interviews/{interview_id}/scorecard?{next}=1"));
        Ok(saved)
    })
    .await
}

/// A submitted scorecard, every version.
#[server(endpoint = "get_scorecard")]
pub async fn get_scorecard(id: i64) -> Result<ScorecardRead, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let scope = access::require_scorecard_reader(&db, require_user().await?, id).await?;
        service::read(&db, &scope).await
    })
    .await
}

#[server(endpoint = "get_scorecard_questions")]
pub async fn get_scorecard_questions(opening_id: i64) -> Result<QuestionsPage, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let scope = access::require_opening_manager(&db, require_user().await?, opening_id).await?;
        service::questions_page(&db, &scope).await
    })
    .await
}

#[server(endpoint = "save_scorecard_questions")]
pub async fn save_scorecard_questions(
    opening_id: i64,
    input: QuestionsInput,
) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_opening_manager(&state.db, require_user().await?, opening_id).await?;
        service::save_questions(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/openings/{opening_id}/questions?saved=1"));
        Ok(())
    })
    .await
}

/// The feedback check's topics (admins).
#[server(endpoint = "get_feedback_topics")]
pub async fn get_feedback_topics() -> Result<String, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let admin = access::require_admin(require_user().await?)?;
        service::topics_text(&db, &admin).await
    })
    .await
}

#[server(endpoint = "save_feedback_topics")]
pub async fn save_feedback_topics(input: TopicsInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let admin = access::require_admin(require_user().await?)?;
        service::save_topics(&state.db, &admin, &input, state.now()).await?;
        endpoint::redirect_form_post("/admin/feedback-check?saved=1");
        Ok(())
    })
    .await
}
