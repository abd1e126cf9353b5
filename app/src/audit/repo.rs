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
    /// The opening the change belongs to (its hiring manager sees the entry).
    pub opening_id: Option<i64>,
    /// The candidate the change is about (hidden from an internal candidate's manager).
    pub candidate_id: Option<i64>,
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> NewEntry<'a> {
    /// An entry for a change made by the user `actor_id` (`None`: by the system).
    pub fn new(
        actor_id: Option<i64>,
        entity: &'a str,
        entity_id: i64,
        action: &'a str,
        summary: impl Into<String>,
    ) -> Self {
        Self {
            actor_id,
            entity,
            entity_id,
            action,
            opening_id: None,
            candidate_id: None,
            summary: summary.into(),
            before: None,
            after: None,
        }
    }

    #[must_use]
    pub fn opening(mut self, opening_id: i64) -> Self {
        self.opening_id = Some(opening_id);
        self
    }

    #[must_use]
    pub fn candidate(mut self, candidate_id: i64) -> Self {
        self.candidate_id = Some(candidate_id);
        self
    }

    #[must_use]
    pub fn before(mut self, value: serde_json::Value) -> Self {
        self.before = Some(value);
        self
    }

    #[must_use]
    pub fn after(mut self, value: serde_json::Value) -> Self {
        self.after = Some(value);
        self
    }
}

#[tracing::instrument(skip_all, fields(entity = entry.entity, action = entry.action))]
pub async fn record<'c>(
    db: impl AnyExecutor<'c>,
    entry: NewEntry<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, entity, entity_id, action, opening_id, \
         candidate_id, summary, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(now)
    .bind(entry.actor_id)
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.action)
    .bind(entry.opening_id)
    .bind(entry.candidate_id)
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
    pub summary: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

const SELECT: &str = "SELECT a.id, a.at, u.name AS actor_name, a.entity, a.entity_id, a.action, \
                      a.summary, a.before_json, a.after_json \
                      FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id";

/// The newest entries across the instance (admins), `limit` from `offset`.
#[tracing::instrument(skip(db))]
pub async fn recent<'c>(
    db: impl AnyExecutor<'c>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<EntryRow>> {
    sqlx::query_as(&format!(
        "{SELECT} ORDER BY a.at DESC, a.id DESC LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// The newest entries about one opening and everything in it. Entries about an internal
/// candidate whose current manager is `hidden_from` are left out.
#[tracing::instrument(skip(db))]
pub async fn for_opening<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
    hidden_from: Option<i64>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<EntryRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE a.opening_id = $1 AND (a.candidate_id IS NULL OR NOT EXISTS ( \
             SELECT 1 FROM candidates c WHERE c.id = a.candidate_id AND c.is_internal = TRUE \
             AND c.current_manager_id = $2)) \
         ORDER BY a.at DESC, a.id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(opening_id)
    .bind(hidden_from.unwrap_or(-1))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// Entries about one record (history of an interview, a user, ...), newest first.
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
