//! The audit log: who changed what, when, with the state before and after.

#[cfg(feature = "ssr")]
pub mod repo;

use serde::{Deserialize, Serialize};

/// One audit entry as shown to admins and hiring managers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
