//! The audit log: who changed what, when, with the state before and after. Entries are
//! written in the same transaction as the change they describe.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use serde::{Deserialize, Serialize};

/// One audit entry as shown to admins and hiring managers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i64,
    /// When, formatted in the viewer's time zone.
    pub at: String,
    pub actor: Option<String>,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
}
