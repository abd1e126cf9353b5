//! Server functions for scheduling and for interviewers.

use super::{InterviewDetail, Kit, MyInterviews, ScheduleFormData};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::guard::require_user, crate::endpoint, crate::state::app_state};

/// What the scheduling form needs (`template_id` 0 for a free-form interview).
#[server(endpoint = "schedule_form")]
pub async fn schedule_form(
    application_id: i64,
    template_id: i64,
) -> Result<ScheduleFormData, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::schedule_form(
            &app_state()?.db,
            &user,
            application_id,
            (template_id > 0).then_some(template_id),
        )
        .await
    })
    .await
}

/// Schedules an interview with up to four interviewers, each owning skill areas.
#[server(endpoint = "schedule_interview")]
pub async fn schedule_interview(
    application_id: i64,
    #[server(default)] template_id: String,
    title: String,
    date: String,
    start_time: String,
    end_time: String,
    timezone: String,
    #[server(default)] location: String,
    #[server(default)] interviewer_1: String,
    #[server(default)] skills_1: Vec<i64>,
    #[server(default)] interviewer_2: String,
    #[server(default)] skills_2: Vec<i64>,
    #[server(default)] interviewer_3: String,
    #[server(default)] skills_3: Vec<i64>,
    #[server(default)] interviewer_4: String,
    #[server(default)] skills_4: Vec<i64>,
    #[server(default)] confirm: Option<String>,
) -> Result<i64, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let input = service::ScheduleInput {
            application_id,
            template_id: template_id.trim().parse().ok(),
            title,
            date,
            start_time,
            end_time,
            timezone,
            location,
            interviewers: vec![
                (interviewer_1, skills_1),
                (interviewer_2, skills_2),
                (interviewer_3, skills_3),
                (interviewer_4, skills_4),
            ],
            confirmed: confirm.is_some(),
        };
        let id = service::schedule(&app_state()?.db, &user, &input).await?;
        endpoint::redirect_form_post(&format!("/applications/{application_id}?scheduled={id}"));
        Ok(id)
    })
    .await
}

#[server(endpoint = "get_interview")]
pub async fn get_interview(id: i64) -> Result<InterviewDetail, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::detail(&app_state()?.db, &user, id).await
    })
    .await
}

#[server(endpoint = "reschedule_interview")]
pub async fn reschedule_interview(
    id: i64,
    date: String,
    start_time: String,
    end_time: String,
    timezone: String,
    #[server(default)] location: String,
) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::reschedule(
            &app_state()?.db,
            &user,
            id,
            &date,
            &start_time,
            &end_time,
            &timezone,
            &location,
        )
        .await
    })
    .await
}

#[server(endpoint = "cancel_interview")]
pub async fn cancel_interview(id: i64, #[server(default)] reason: String) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::cancel(&app_state()?.db, &user, id, &reason).await
    })
    .await
}

#[server(endpoint = "get_my_interviews")]
pub async fn get_my_interviews() -> Result<MyInterviews, AppError> {
    endpoint::run(async {
        let user = require_user().await?;
        service::my_interviews(&app_state()?.db, &user).await
    })
    .await
}

#[server(endpoint = "get_kit")]
pub async fn get_kit(interview_id: i64) -> Result<Kit, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::kit(&app_state()?.db, &user, interview_id).await
    })
    .await
}
