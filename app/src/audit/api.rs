//! Server functions for the audit log.

use super::AuditEntryView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

/// The instance's newest audit entries (admins).
#[server(endpoint = "list_audit")]
pub async fn list_audit() -> Result<Vec<AuditEntryView>, AppError> {
    endpoint::run(async {
        let admin = access::require_admin(require_user().await?)?;
        service::recent(&app_state()?.db, &admin).await
    })
    .await
}
