//! Server functions for scheduling and for interviewers.

use super::{
    AssignChallengeInput, CancelInput, InterviewDetail, Kit, MyInterviews, RescheduleInput,
    ScheduleFormData, ScheduleInput,
};
use crate::error::AppError;
use crate::paging::PageNumber;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

/// What the scheduling form needs (`template_id` 0 for a free-form interview; `rows` how many
/// interviewer rows to show, 0 for the default).
#[server(endpoint = "schedule_form")]
pub async fn schedule_form(
    application_id: i64,
    template_id: i64,
    #[server(default)] rows: usize,
) -> Result<ScheduleFormData, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_application_manager(&state.db, require_user().await?, application_id)
                .await?;
        service::schedule_form(
            &state.db,
            &scope,
            (template_id > 0).then_some(template_id),
            rows,
            state.now(),
        )
        .await
    })
    .await
}

/// Schedules an interview with interviewers who each own skill areas.
#[server(endpoint = "schedule_interview")]
pub async fn schedule_interview(
    application_id: i64,
    input: ScheduleInput,
) -> Result<i64, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_application_manager(&state.db, require_user().await?, application_id)
                .await?;
        let id = service::schedule(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/applications/{application_id}?scheduled={id}"));
        Ok(id)
    })
    .await
}

#[server(endpoint = "get_interview")]
pub async fn get_interview(id: i64) -> Result<InterviewDetail, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let scope = access::require_interview_manager(&db, require_user().await?, id).await?;
        service::detail(&db, &scope).await
    })
    .await
}

#[server(endpoint = "reschedule_interview")]
pub async fn reschedule_interview(id: i64, input: RescheduleInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope = access::require_interview_manager(&state.db, require_user().await?, id).await?;
        service::reschedule(&state.db, &scope, &input, state.now()).await
    })
    .await
}

#[server(endpoint = "cancel_interview")]
pub async fn cancel_interview(id: i64, input: CancelInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope = access::require_interview_manager(&state.db, require_user().await?, id).await?;
        service::cancel(&state.db, &scope, &input, state.now()).await
    })
    .await
}

/// "My interviews", with page `past_page` of the past ones.
#[server(endpoint = "get_my_interviews")]
pub async fn get_my_interviews(
    #[server(default)] past_page: PageNumber,
) -> Result<MyInterviews, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let me = access::myself(require_user().await?);
        service::my_interviews(&state.db, &me, state.now(), past_page).await
    })
    .await
}

#[server(endpoint = "get_kit")]
pub async fn get_kit(interview_id: i64) -> Result<Kit, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_kit_reader(&state.db, require_user().await?, interview_id).await?;
        service::kit(&state.db, &scope, state.now()).await
    })
    .await
}

/// Gives an interviewer of the interview a coding challenge (or takes it away).
#[server(endpoint = "assign_challenge")]
pub async fn assign_challenge(id: i64, input: AssignChallengeInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope = access::require_interview_manager(&state.db, require_user().await?, id).await?;
        service::challenges::assign(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/interviews/{id}?challenge=1"));
        Ok(())
    })
    .await
}
