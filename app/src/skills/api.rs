//! Server functions for skill areas. Admins manage them; hiring managers read the list.

use super::{SkillArea, SkillAreaInput};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

/// All skill areas (archived last). For admins and hiring managers.
#[server(endpoint = "list_skill_areas")]
pub async fn list_skill_areas() -> Result<Vec<SkillArea>, AppError> {
    endpoint::run(async {
        let db = app_state()?.db;
        let planner = access::require_planner(&db, require_user().await?).await?;
        service::list(&db, &planner).await
    })
    .await
}

#[server(endpoint = "create_skill_area")]
pub async fn create_skill_area(input: SkillAreaInput) -> Result<i64, AppError> {
    endpoint::run(async move {
        let admin = access::require_admin(require_user().await?)?;
        let state = app_state()?;
        service::create(&state.db, &admin, &input, state.now()).await
    })
    .await
}

#[server(endpoint = "rename_skill_area")]
pub async fn rename_skill_area(id: i64, input: SkillAreaInput) -> Result<(), AppError> {
    endpoint::run(async move {
        let admin = access::require_admin(require_user().await?)?;
        let state = app_state()?;
        service::rename(&state.db, &admin, id, &input, state.now()).await
    })
    .await
}

#[server(endpoint = "set_skill_area_archived")]
pub async fn set_skill_area_archived(id: i64, archived: bool) -> Result<(), AppError> {
    endpoint::run(async move {
        let admin = access::require_admin(require_user().await?)?;
        let state = app_state()?;
        service::set_archived(&state.db, &admin, id, archived, state.now()).await
    })
    .await
}

#[server(endpoint = "delete_skill_area")]
pub async fn delete_skill_area(id: i64) -> Result<(), AppError> {
    endpoint::run(async move {
        let admin = access::require_admin(require_user().await?)?;
        let state = app_state()?;
        service::delete(&state.db, &admin, id, state.now()).await
    })
    .await
}
