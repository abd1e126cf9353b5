//! Writing and reading the audit log. Other features record their changes through
//! [`record`], inside the transaction of the change itself.

pub use super::repo::NewEntry;
use super::repo::{self, EntryRow};
use super::AuditEntryView;
use crate::access::{Admin, InterviewScope, OpeningScope, Scope};
use crate::db::Db;
use crate::error::AppResult;
use crate::paging::{PageNumber, Paged};
use crate::time;
use anyhow::Context;
use chrono_tz::Tz;
use sqlx::any::AnyExecutor;

/// How many entries a page shows.
/// Entries per page.
pub const PAGE_SIZE: usize = 50;
const FETCH: i64 = 51;

/// Records one change; call it with the transaction that makes the change.
pub async fn record<'c>(db: impl AnyExecutor<'c>, entry: NewEntry<'_>, now: i64) -> AppResult<()> {
    let what = format!("auditing {} {}", entry.action, entry.entity);
    repo::record(db, entry, now).await.context(what)?;
    Ok(())
}

/// A JSON snapshot as the viewer reads it: timestamps (`*_at` fields, stored as UTC seconds)
/// shown in the viewer's zone.
pub fn render_snapshot(raw: &str, tz: Tz) -> String {
    match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(mut value) => {
            localise_times(&mut value, tz);
            value.to_string()
        }
        Err(_) => raw.to_owned(),
    }
}

fn localise_times(value: &mut serde_json::Value, tz: Tz) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                match field.as_i64() {
                    Some(ts) if key.ends_with("_at") => {
                        *field = serde_json::Value::String(time::datetime(ts, tz));
                    }
                    _ => localise_times(field, tz),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                localise_times(item, tz);
            }
        }
        _ => {}
    }
}

fn view(row: EntryRow, tz: Tz) -> AuditEntryView {
    AuditEntryView {
        id: row.id,
        at: time::datetime(row.at, tz),
        actor: row.actor_name,
        entity: row.entity,
        entity_id: row.entity_id,
        action: row.action,
        summary: row.summary,
        before: row.before_json.map(|raw| render_snapshot(&raw, tz)),
        after: row.after_json.map(|raw| render_snapshot(&raw, tz)),
    }
}

/// A page of the whole instance's entries, newest first.
pub async fn recent(db: &Db, admin: &Admin, page: PageNumber) -> AppResult<Paged<AuditEntryView>> {
    let tz = admin.timezone();
    let rows = repo::recent(db, FETCH, page.offset(PAGE_SIZE))
        .await
        .context("reading the audit log")?;
    Ok(Paged::from_rows(rows, page, PAGE_SIZE).map(|r| view(r, tz)))
}

/// A page of one opening's entries, without those the viewer may not know about.
pub async fn for_opening(
    db: &Db,
    scope: &OpeningScope,
    page: PageNumber,
) -> AppResult<Paged<AuditEntryView>> {
    let tz = scope.timezone();
    let rows = repo::for_opening(
        db,
        scope.opening_id(),
        scope.hidden_from(),
        FETCH,
        page.offset(PAGE_SIZE),
    )
    .await
    .context("reading the opening's audit log")?;
    Ok(Paged::from_rows(rows, page, PAGE_SIZE).map(|r| view(r, tz)))
}

/// The history of one interview, for someone who manages it.
pub async fn for_interview(db: &Db, scope: &InterviewScope) -> AppResult<Vec<AuditEntryView>> {
    let tz = scope.timezone();
    Ok(repo::for_entity(db, "interview", scope.interview_id())
        .await
        .context("loading the interview's history")?
        .into_iter()
        .map(|r| view(r, tz))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_times_are_shown_in_the_viewers_zone() {
        let ny: Tz = "America/New_York".parse().expect("tz");
        // 2026-11-26 18:00 UTC is 13:00 in New York.
        let shown = render_snapshot(
            r#"{"starts_at":1795716000,"duration_minutes":45,"nested":[{"ends_at":1795718700}]}"#,
            ny,
        );
        assert!(
            shown.contains("Thu 26 Nov 2026, 13:00 EST (America/New_York)"),
            "{shown}"
        );
        assert!(shown.contains("13:45 EST"), "{shown}");
        assert!(shown.contains("\"duration_minutes\":45"), "{shown}");
        assert_eq!(render_snapshot("not json", ny), "not json");
    }
}
