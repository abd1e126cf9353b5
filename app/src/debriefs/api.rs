//! Server functions of debriefs: the hiring manager (and admins) schedule and decide;
//! participants read the debrief once all their own feedback on the application is in.

use super::{DebriefData, DebriefInput, DecisionInput, FeedbackOverview};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

/// The application's feedback (overdue flagged) and debriefs, with the scheduling form.
#[server(endpoint = "get_application_feedback")]
pub async fn get_application_feedback(application_id: i64) -> Result<FeedbackOverview, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_application_manager(&state.db, require_user().await?, application_id)
                .await?;
        service::overview(&state.db, &scope, state.now()).await
    })
    .await
}

/// Schedules (or moves) the debrief of a stage; answers with its id.
#[server(endpoint = "schedule_debrief")]
pub async fn schedule_debrief(application_id: i64, input: DebriefInput) -> Result<i64, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_application_manager(&state.db, require_user().await?, application_id)
                .await?;
        let id = service::schedule(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/debriefs/{id}"));
        Ok(id)
    })
    .await
}

#[server(endpoint = "get_debrief")]
pub async fn get_debrief(id: i64) -> Result<DebriefData, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope = access::require_debrief_reader(&state.db, require_user().await?, id).await?;
        service::page(&state.db, &scope, state.now()).await
    })
    .await
}

/// Records the debrief's decision (or revises it).
#[server(endpoint = "decide_debrief")]
pub async fn decide_debrief(id: i64, input: DecisionInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope = access::require_debrief_reader(&state.db, require_user().await?, id).await?;
        service::decide(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/debriefs/{id}?decided=1"));
        Ok(())
    })
    .await
}
