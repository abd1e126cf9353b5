//! Server functions for skill areas. Admins manage them; hiring managers read the list.

use super::SkillArea;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service,
    crate::access,
    crate::auth::guard::{require_admin, require_user},
    crate::endpoint,
    crate::state::app_state,
};

/// All skill areas (archived last). For admins and hiring managers.
#[server(endpoint = "list_skill_areas")]
pub async fn list_skill_areas() -> Result<Vec<SkillArea>, AppError> {
    endpoint::run(async {
        let user = require_user().await?;
        let db = app_state()?.db;
        access::require_planner(&db, &user).await?;
        service::list(&db).await
    })
    .await
}

#[server(endpoint = "create_skill_area")]
pub async fn create_skill_area(name: String) -> Result<i64, AppError> {
    endpoint::run(async move {
        let admin = require_admin().await?;
        service::create(&app_state()?.db, &admin, &name).await
    })
    .await
}

#[server(endpoint = "rename_skill_area")]
pub async fn rename_skill_area(id: i64, name: String) -> Result<(), AppError> {
    endpoint::run(async move {
        let admin = require_admin().await?;
        service::rename(&app_state()?.db, &admin, id, &name).await
    })
    .await
}

#[server(endpoint = "set_skill_area_archived")]
pub async fn set_skill_area_archived(id: i64, archived: bool) -> Result<(), AppError> {
    endpoint::run(async move {
        let admin = require_admin().await?;
        service::set_archived(&app_state()?.db, &admin, id, archived).await
    })
    .await
}

#[server(endpoint = "delete_skill_area")]
pub async fn delete_skill_area(id: i64) -> Result<(), AppError> {
    endpoint::run(async move {
        let admin = require_admin().await?;
        service::delete(&app_state()?.db, &admin, id).await
    })
    .await
}
