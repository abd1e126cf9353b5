//! Server functions for the audit log.

use super::AuditEntryView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::service, crate::auth::guard::require_admin, crate::endpoint, crate::state::app_state};

/// The instance's newest audit entries (admins).
#[server(endpoint = "list_audit")]
pub async fn list_audit() -> Result<Vec<AuditEntryView>, AppError> {
    endpoint::run(async {
        let admin = require_admin().await?;
        service::recent(&app_state()?.db, &admin).await
    })
    .await
}
