//! Server functions for the audit log.

use super::AuditEntryView;
use crate::error::AppError;
use crate::paging::{PageNumber, Paged};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::service, crate::access, crate::auth::guard::require_user, crate::endpoint,
    crate::state::app_state,
};

/// A page of the instance's audit entries, newest first (admins).
#[server(endpoint = "list_audit")]
pub async fn list_audit(
    #[server(default)] page: PageNumber,
) -> Result<Paged<AuditEntryView>, AppError> {
    endpoint::run(async move {
        let admin = access::require_admin(require_user().await?)?;
        service::recent(&app_state()?.db, &admin, page).await
    })
    .await
}
