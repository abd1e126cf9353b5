//! Server functions for openings and their plans.

use super::{OpeningDetail, OpeningFormData, OpeningSummary, PlanData};
use crate::audit::AuditEntryView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

/// Openings the user manages (every opening for admins).
#[server(endpoint = "list_openings")]
pub async fn list_openings() -> Result<(Vec<OpeningSummary>, bool), AppError> {
    endpoint::run(async {
        let user = require_user().await?;
        let db = app_state()?.db;
        let can_create = access::require_planner(&db, &user).await.is_ok();
        Ok((service::list(&db, &user).await?, can_create))
    })
    .await
}

#[server(endpoint = "get_opening")]
pub async fn get_opening(id: i64) -> Result<OpeningDetail, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let db = app_state()?.db;
        access::require_opening_manager(&db, &user, id).await?;
        service::detail(&db, id).await
    })
    .await
}

/// What the new or edit opening form needs (`id` 0 for a new opening).
#[server(endpoint = "opening_form")]
pub async fn opening_form(id: i64) -> Result<OpeningFormData, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::form_data(&app_state()?.db, &user, (id > 0).then_some(id)).await
    })
    .await
}

#[cfg(feature = "ssr")]
fn input(
    title: String,
    team: String,
    level: String,
    location: String,
    description: String,
    hiring_manager_id: String,
    status: String,
    skills: Vec<i64>,
) -> service::OpeningInput {
    service::OpeningInput {
        title,
        team,
        level,
        location,
        description,
        hiring_manager_id,
        status,
        skills,
    }
}

#[server(endpoint = "create_opening")]
pub async fn create_opening(
    title: String,
    team: String,
    level: String,
    location: String,
    #[server(default)] description: String,
    hiring_manager_id: String,
    status: String,
    #[server(default)] skills: Vec<i64>,
) -> Result<i64, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let input = input(
            title,
            team,
            level,
            location,
            description,
            hiring_manager_id,
            status,
            skills,
        );
        let id = service::create(&app_state()?.db, &user, &input).await?;
        endpoint::redirect_form_post(&format!("/openings/{id}/plan"));
        Ok(id)
    })
    .await
}

#[server(endpoint = "update_opening")]
pub async fn update_opening(
    id: i64,
    title: String,
    team: String,
    level: String,
    location: String,
    #[server(default)] description: String,
    hiring_manager_id: String,
    status: String,
    #[server(default)] skills: Vec<i64>,
) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let input = input(
            title,
            team,
            level,
            location,
            description,
            hiring_manager_id,
            status,
            skills,
        );
        service::update(&app_state()?.db, &user, id, &input).await?;
        endpoint::redirect_form_post(&format!("/openings/{id}"));
        Ok(())
    })
    .await
}

#[server(endpoint = "get_plan")]
pub async fn get_plan(opening_id: i64) -> Result<PlanData, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::plan_data(&app_state()?.db, &user, opening_id).await
    })
    .await
}

#[server(endpoint = "add_stage")]
pub async fn add_stage(
    opening_id: i64,
    name: String,
    kind: String,
    skip_for_internal: Option<String>,
) -> Result<i64, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::add_stage(
            &app_state()?.db,
            &user,
            opening_id,
            &name,
            &kind,
            skip_for_internal.is_some(),
        )
        .await
    })
    .await
}

#[server(endpoint = "update_stage")]
pub async fn update_stage(
    stage_id: i64,
    name: String,
    skip_for_internal: Option<String>,
) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::update_stage(
            &app_state()?.db,
            &user,
            stage_id,
            &name,
            skip_for_internal.is_some(),
        )
        .await
    })
    .await
}

#[server(endpoint = "move_stage")]
pub async fn move_stage(stage_id: i64, direction: String) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::move_stage(&app_state()?.db, &user, stage_id, direction == "up").await
    })
    .await
}

#[server(endpoint = "delete_stage")]
pub async fn delete_stage(stage_id: i64) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::delete_stage(&app_state()?.db, &user, stage_id).await
    })
    .await
}

#[server(endpoint = "add_template")]
pub async fn add_template(
    stage_id: i64,
    name: String,
    duration_minutes: String,
    #[server(default)] skills: Vec<i64>,
) -> Result<i64, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::add_template(
            &app_state()?.db,
            &user,
            stage_id,
            &name,
            &duration_minutes,
            &skills,
        )
        .await
    })
    .await
}

#[server(endpoint = "delete_template")]
pub async fn delete_template(template_id: i64) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        service::delete_template(&app_state()?.db, &user, template_id).await
    })
    .await
}

#[server(endpoint = "copy_plan")]
pub async fn copy_plan(opening_id: i64, source_id: String) -> Result<(), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let source_id = source_id
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid("source_id", "Choose an opening to copy from."))?;
        service::copy_plan(&app_state()?.db, &user, opening_id, source_id).await
    })
    .await
}

/// The audit log of one opening (its hiring manager and admins).
#[server(endpoint = "opening_audit")]
pub async fn opening_audit(opening_id: i64) -> Result<Vec<AuditEntryView>, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let db = app_state()?.db;
        access::require_opening_manager(&db, &user, opening_id).await?;
        crate::audit::service::for_opening(&db, &user, opening_id).await
    })
    .await
}
