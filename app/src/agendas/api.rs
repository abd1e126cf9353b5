//! Server functions for agendas. Templates: admins and hiring managers. An interview's
//! agenda: its interviewers and the people who manage its application.

use super::{
    AgendaEditorData, AgendaInput, AgendaTemplateData, AgendaTemplateInput, AgendaTemplateSummary,
    UseTemplateInput,
};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

#[server(endpoint = "list_agenda_templates")]
pub async fn list_agenda_templates() -> Result<Vec<AgendaTemplateSummary>, AppError> {
    endpoint::run(async {
        let db = app_state()?.db;
        let planner = access::require_planner(&db, require_user().await?).await?;
        service::templates(&db, &planner).await
    })
    .await
}

/// Adds an agenda template and opens its editor.
#[server(endpoint = "create_agenda_template")]
pub async fn create_agenda_template(input: AgendaTemplateInput) -> Result<i64, AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let planner = access::require_planner(&state.db, require_user().await?).await?;
        let id = service::create_template(&state.db, &planner, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/agendas/{id}"));
        Ok(id)
    })
    .await
}

/// An agenda template for its editor (`rows` blank rows for new items, 0 for the default).
#[server(endpoint = "get_agenda_template")]
pub async fn get_agenda_template(
    id: i64,
    #[server(default)] rows: usize,
) -> Result<AgendaTemplateData, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let planner = access::require_planner(&db, require_user().await?).await?;
        service::template(&db, &planner, id, rows).await
    })
    .await
}

#[server(endpoint = "save_agenda_template")]
pub async fn save_agenda_template(id: i64, input: AgendaTemplateInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let planner = access::require_planner(&state.db, require_user().await?).await?;
        service::save_template(&state.db, &planner, id, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/agendas/{id}?saved=1"));
        Ok(())
    })
    .await
}

#[server(endpoint = "delete_agenda_template")]
pub async fn delete_agenda_template(id: i64) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let planner = access::require_planner(&state.db, require_user().await?).await?;
        service::delete_template(&state.db, &planner, id, state.now()).await?;
        endpoint::redirect_form_post("/agendas");
        Ok(())
    })
    .await
}

/// An interview's agenda for its editor.
#[server(endpoint = "get_agenda")]
pub async fn get_agenda(
    interview_id: i64,
    #[server(default)] rows: usize,
) -> Result<AgendaEditorData, AppError> {
    endpoint::run(async move {
        let db = app_state()?.db;
        let scope = access::require_kit_reader(&db, require_user().await?, interview_id).await?;
        service::editor(&db, &scope, rows).await
    })
    .await
}

#[server(endpoint = "save_agenda")]
pub async fn save_agenda(interview_id: i64, input: AgendaInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_kit_reader(&state.db, require_user().await?, interview_id).await?;
        service::save(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/interviews/{interview_id}/agenda?saved=1"));
        Ok(())
    })
    .await
}

#[server(endpoint = "use_agenda_template")]
pub async fn use_agenda_template(
    interview_id: i64,
    input: UseTemplateInput,
) -> Result<(), AppError> {
    endpoint::run(async move {
        let state = app_state()?;
        let scope =
            access::require_kit_reader(&state.db, require_user().await?, interview_id).await?;
        service::use_template(&state.db, &scope, &input, state.now()).await?;
        endpoint::redirect_form_post(&format!("/interviews/{interview_id}/agenda?saved=1"));
        Ok(())
    })
    .await
}
