//! SQL for the audit log. Entries are written in the same transaction as the change.

use sqlx::any::AnyExecutor;
use sqlx::FromRow;

/// What to record about one change.
#[derive(Debug)]
pub struct NewEntry<'a> {
    pub actor_id: Option<i64>,
    pub entity: &'a str,
    pub entity_id: i64,
    pub action: &'a str,
    pub opening_id: Option<i64>,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[tracing::instrument(skip_all, fields(entity = entry.entity, action = entry.action))]
pub async fn record<'c>(
    db: impl AnyExecutor<'c>,
    entry: NewEntry<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, opening_id, summary, \
         before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now)
    .bind(entry.actor_id)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.action)
    .bind(entry.opening_id)
    .bind(entry.summary)
    .bind(entry.before.map(|v| v.to_string()))
    .bind(entry.after.map(|v| v.to_string()))
    .execute(db)
    .await
    .map(|_| ())
}

/// A stored entry with the actor's name.
#[derive(Debug, Clone, FromRow)]
pub struct EntryRow {
    pub id: i64,
    pub at: i64,
    pub actor_name: Option<String>,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    pub opening_id: Option<i64>,
    pub summary: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

const SELECT: &str = "SELECT a.id, a.at, u.name AS actor_name, a.entity, a.entity_id, a.action, \
                      a.opening_id, a.summary, a.before_json, a.after_json \
                      FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id";

/// The newest entries across the instance (admins).
#[tracing::instrument(skip(db))]
pub async fn recent<'c>(db: impl AnyExecutor<'c>, limit: i64) -> sqlx::Result<Vec<EntryRow>> {
    sqlx::query_as(&format!("{SELECT} ORDER BY a.at DESC, a.id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(db)
        .await
}

/// The newest entries about one opening and everything in it.
#[tracing::instrument(skip(db))]
pub async fn for_opening<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<EntryRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE a.opening_id = $1 ORDER BY a.at DESC, a.id DESC LIMIT $2"
    ))
    .bind(opening_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Entries about one record (history of an interview, a user, ...).
#[tracing::instrument(skip(db))]
pub async fn for_entity<'c>(
    db: impl AnyExecutor<'c>,
    entity: &str,
    entity_id: i64,
) -> sqlx::Result<Vec<EntryRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.at DESC, a.id DESC"
    ))
    .bind(entity)
    .bind(entity_id)
    .fetch_all(db)
    .await
}
