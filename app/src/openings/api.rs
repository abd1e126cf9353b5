//! Server functions for openings and their plans.

use super::{
    CopyPlanInput, OpeningDetail, OpeningFormData, OpeningInput, OpeningSummary, PlanData,
    StageInput, StageUpdateInput, TemplateAgendaInput, TemplateInput,
};
use crate::audit::AuditEntryView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{service, Direction},
    crate::access,
    crate::auth::guard::require_user,
    crate::endpoint,
    crate::state::app_state,
};

/// Openings per page of the list.
pub const OPENINGS_PAGE_SIZE: usize = 50;

/// A page of the openings the user manages (every opening for admins), and whether they
/// may open one.
#[server(endpoint = "list_openings")]
pub async fn list_openings(
    #[server(default)] page: crate::paging::PageNumber,
) -> Result<(crate::paging::Paged<OpeningSummary>, bool), AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let db = app_state()?.db;
        let can_create = access::require_planner(&db, user.clone()).await.is_ok();
        let openings =
            service::list(&db, &access::myself(user), false, page, OPENINGS_PAGE_SIZE).await?;
        Ok((openings, can_create))
    })
    .await
}

#[server(endpoint = "get_opening")]
pub async fn get_opening(id: i64) -> Result<OpeningDetail, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let scope = access::require_opening_manager(&db, require_user().await?, id).await?;
        service::detail(&db, &scope).await
    })
    .await
}

/// What the new or edit opening form needs (`id` 0 for a new opening).
#[server(endpoint = "opening_form")]
pub async fn opening_form(id: i64) -> Result<OpeningFormData, AppError> {
    endpoint::run(async move {
        let user = require_user().await?;
        let db = app_state()?.db;
        if id > 0 {
            let scope = access::require_opening_manager(&db, user, id).await?;
            service::edit_form(&db, &scope).await
        } else {
            let planner = access::require_planner(&db, user).await?;
            service::new_form(&db, &planner).await
        }
    })
    .await
}

#[server(endpoint = "create_opening")]
pub async fn create_opening(input: OpeningInput) -> Result<i64, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let planner = access::require_planner(&state.db, require_user().await?).await?;
        let id = service::create(&state.db, &planner, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/openings/{id}/plan"));
        Ok(id)
    })
    .await
}

#[server(endpoint = "update_opening")]
pub async fn update_opening(id: i64, input: OpeningInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope = access::require_opening_manager(&state.db, require_user().await?, id).await?;
        service::update(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/openings/{id}"));
        Ok(())
    })
    .await
}

#[server(endpoint = "get_plan")]
pub async fn get_plan(opening_id: i64) -> Result<PlanData, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let scope = access::require_opening_manager(&db, require_user().await?, opening_id).await?;
        service::plan_data(&db, &scope).await
    })
    .await
}

#[server(endpoint = "add_stage")]
pub async fn add_stage(opening_id: i64, input: StageInput) -> Result<i64, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_opening_manager(&state.db, require_user().await?, opening_id).await?;
        service::add_stage(&state.db, &scope, &input, state.now()).await
    })
    .await
}

#[server(endpoint = "update_stage")]
pub async fn update_stage(stage_id: i64, input: StageUpdateInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let managed = service::managed_stage(&state.db, require_user().await?, stage_id).await?;
        service::update_stage(&state.db, &managed, &input, state.now()).await
    })
    .await
}

#[server(endpoint = "move_stage")]
pub async fn move_stage(stage_id: i64, direction: String) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let direction =
            Direction::parse(&direction).map_err(|m| AppError::invalid("direction", m))?;
        let managed = service::managed_stage(&state.db, require_user().await?, stage_id).await?;
        service::move_stage(&state.db, &managed, direction, state.now()).await
    })
    .await
}

#[server(endpoint = "delete_stage")]
pub async fn delete_stage(stage_id: i64) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let managed = service::managed_stage(&state.db, require_user().await?, stage_id).await?;
        service::delete_stage(&state.db, &managed, state.now()).await
    })
    .await
}

#[server(endpoint = "add_template")]
pub async fn add_template(stage_id: i64, input: TemplateInput) -> Result<i64, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let managed = service::managed_stage(&state.db, require_user().await?, stage_id).await?;
        service::add_template(&state.db, &managed, &input, state.now()).await
    })
    .await
}

#[server(endpoint = "delete_template")]
pub async fn delete_template(template_id: i64) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let template =
            service::managed_template(&state.db, require_user().await?, template_id).await?;
        service::delete_template(&state.db, &template, state.now()).await
    })
    .await
}

/// Points a plan interview at another agenda template (or none).
#[server(endpoint = "set_template_agenda")]
pub async fn set_template_agenda(
    template_id: i64,
    input: TemplateAgendaInput,
) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let template =
            service::managed_template(&state.db, require_user().await?, template_id).await?;
        service::set_template_agenda(&state.db, &template, &input, state.now()).await
    })
    .await
}

#[server(endpoint = "copy_plan")]
pub async fn copy_plan(opening_id: i64, input: CopyPlanInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_opening_manager(&state.db, require_user().await?, opening_id).await?;
        service::copy_plan(&state.db, &scope, &input, state.now()).await
    })
    .await
}

/// The audit log of one opening (its hiring manager and admins).
#[server(endpoint = "opening_audit")]
pub async fn opening_audit(
    opening_id: i64,
    #[server(default)] page: crate::paging::PageNumber,
) -> Result<crate::paging::Paged<AuditEntryView>, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let scope = access::require_opening_manager(&db, require_user().await?, opening_id).await?;
        crate::audit::service::for_opening(&db, &scope, page).await
    })
    .await
}
