//! Reading the audit log.

use super::repo::{self, EntryRow};
use super::AuditEntryView;
use crate::access;
use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::AppResult;
use crate::time;
use anyhow::Context;

/// How many entries a page shows.
const PAGE: i64 = 300;

fn view(row: EntryRow, tz: chrono_tz::Tz) -> AuditEntryView {
    AuditEntryView {
        id: row.id,
        at: time::datetime(row.at, tz),
        actor: row.actor_name,
        entity: row.entity,
        entity_id: row.entity_id,
        action: row.action,
        summary: row.summary,
        before: row.before_json,
        after: row.after_json,
    }
}

/// The newest entries of the whole instance (the caller checked the viewer is an admin).
pub async fn recent(db: &Db, viewer: &CurrentUser) -> AppResult<Vec<AuditEntryView>> {
    let tz = time::zone(&viewer.timezone);
    Ok(repo::recent(db, PAGE)
        .await
        .context("reading the audit log")?
        .into_iter()
        .map(|r| view(r, tz))
        .collect())
}

/// The newest entries of one opening, without those the viewer may not know about.
pub async fn for_opening(
    db: &Db,
    viewer: &CurrentUser,
    opening_id: i64,
) -> AppResult<Vec<AuditEntryView>> {
    let tz = time::zone(&viewer.timezone);
    Ok(
        repo::for_opening(db, opening_id, access::hidden_from(viewer), PAGE)
            .await
            .context("reading the opening's audit log")?
            .into_iter()
            .map(|r| view(r, tz))
            .collect(),
    )
}
