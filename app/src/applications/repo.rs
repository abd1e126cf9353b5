//! SQL for applications and their history.

use super::ApplicationStatus;
use crate::openings::StageKind;
use sqlx::any::AnyExecutor;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub candidate_id: i64,
    pub opening_id: i64,
    pub opening_title: String,
    pub hiring_manager_id: i64,
    pub stage_id: i64,
    pub stage_name: String,
    pub stage_kind: StageKind,
    pub status: ApplicationStatus,
    pub status_reason: Option<String>,
    pub stage_entered_at: i64,
}

const SELECT: &str = "SELECT a.id, a.candidate_id, a.opening_id, o.title AS opening_title, \
     o.hiring_manager_id, a.stage_id, s.name AS stage_name, s.kind AS stage_kind, a.status, \
     a.status_reason, a.stage_entered_at FROM applications a \
     JOIN openings o ON o.id = a.opening_id JOIN stages s ON s.id = a.stage_id";

#[tracing::instrument(skip(db))]
pub async fn find<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Option<ApplicationRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct CardRow {
    pub id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_internal: bool,
    pub stage_id: i64,
    pub stage_entered_at: i64,
    pub next_interview_at: Option<i64>,
    /// How many cards match in this card's stage, shown or not.
    pub stage_total: i64,
}

/// What the board shows: which applications of an opening, never those hidden from
/// `hidden_from`.
#[derive(Debug, Clone, Copy)]
pub struct CardFilter {
    pub opening_id: i64,
    pub hidden_from: Option<i64>,
    pub status: ApplicationStatus,
    /// `Some(true)`: internal candidates only; `Some(false)`: external only.
    pub internal: Option<bool>,
    pub stage: Option<i64>,
}

/// The cards of a board, read from `applications a` alone (the board's index covers it):
/// candidates are looked up only to leave out the viewer's own internal reports (a short
/// list found through `candidates_manager`) and when the board is filtered by kind.
const CARD_WHERE: &str = "a.opening_id = $1 AND a.status = $2 AND ($5 = -1 OR a.stage_id = $5) \
     AND a.candidate_id NOT IN (SELECT m.id FROM candidates m \
       WHERE m.current_manager_id = $3 AND m.is_internal = TRUE) \
     AND ($4 = -1 OR EXISTS (SELECT 1 FROM candidates k \
       WHERE k.id = a.candidate_id AND k.is_internal = ($4 = 1)))";

fn internal_flag(internal: Option<bool>) -> i64 {
    internal.map_or(-1, i64::from)
}

/// Cards in each stage, the longest in the stage first: those numbered `from + 1` to
/// `from + per_stage` of every stage, each with its stage's total (one window query,
/// however many cards).
#[tracing::instrument(skip(db))]
pub async fn cards<'c>(
    db: impl AnyExecutor<'c>,
    filter: CardFilter,
    now: i64,
    from: i64,
    per_stage: i64,
) -> sqlx::Result<Vec<CardRow>> {
    sqlx::query_as(&format!(
        "SELECT t.id, t.candidate_id, c.name AS candidate_name, c.is_internal, t.stage_id, \
         t.stage_entered_at, t.stage_total, \
         (SELECT MIN(i.starts_at) FROM interviews i WHERE i.application_id = t.id \
          AND i.status = 'scheduled' AND i.starts_at > $9 AND i.ends_at > $6) AS next_interview_at \
         FROM (SELECT a.id, a.candidate_id, a.stage_id, a.stage_entered_at, ROW_NUMBER() OVER ( \
                 PARTITION BY a.stage_id ORDER BY a.stage_entered_at, a.id) AS n, \
               COUNT(*) OVER (PARTITION BY a.stage_id) AS stage_total \
               FROM applications a WHERE {CARD_WHERE}) t \
         JOIN candidates c ON c.id = t.candidate_id \
         WHERE t.n > $7 AND t.n <= $7 + $8 ORDER BY t.stage_id, t.n"
    ))
    .bind(filter.opening_id)
    .bind(filter.status)
    .bind(filter.hidden_from.unwrap_or(-1))
    .bind(internal_flag(filter.internal))
    .bind(filter.stage.unwrap_or(-1))
    .bind(now)
    .bind(from)
    .bind(per_stage)
    .bind(now - crate::openings::service::DURATION_RANGE.end() * 60)
    .fetch_all(db)
    .await
}

/// How many cards match in each stage (for a page past the last card, where [`cards`]
/// returns no row to carry the totals).
#[tracing::instrument(skip(db))]
pub async fn card_counts<'c>(
    db: impl AnyExecutor<'c>,
    filter: CardFilter,
) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(&format!(
        "SELECT a.stage_id, COUNT(*) FROM applications a WHERE {CARD_WHERE} GROUP BY a.stage_id"
    ))
    .bind(filter.opening_id)
    .bind(filter.status)
    .bind(filter.hidden_from.unwrap_or(-1))
    .bind(internal_flag(filter.internal))
    .bind(filter.stage.unwrap_or(-1))
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn insert<'c>(
    db: impl AnyExecutor<'c>,
    candidate_id: i64,
    opening_id: i64,
    stage_id: i64,
    created_by: Option<i64>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO applications (candidate_id, opening_id, stage_id, status, stage_entered_at, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, 'active', $4, $5, $4, $4) RETURNING id",
    )
    .bind(candidate_id)
    .bind(opening_id)
    .bind(stage_id)
    .bind(now)
    .bind(created_by)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn set_stage<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    stage_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE applications SET stage_id = $1, stage_entered_at = $2, updated_at = $2 WHERE id = $3")
        .bind(stage_id)
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

#[tracing::instrument(skip(db))]
pub async fn set_status<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    status: ApplicationStatus,
    reason: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE applications SET status = $1, status_reason = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(status)
    .bind(reason)
    .bind(now)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// One line of history.
#[derive(Debug)]
pub struct NewEvent<'a> {
    pub application_id: i64,
    pub actor_id: Option<i64>,
    pub from_stage_id: Option<i64>,
    pub to_stage_id: Option<i64>,
    pub from_status: Option<ApplicationStatus>,
    pub to_status: Option<ApplicationStatus>,
    pub note: &'a str,
    /// Structured details (times as UTC seconds), rendered for each viewer.
    pub detail: Option<String>,
}

#[tracing::instrument(skip_all, fields(application_id = event.application_id))]
pub async fn record_event<'c>(
    db: impl AnyExecutor<'c>,
    event: &NewEvent<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO application_events (application_id, at, actor_id, from_stage_id, to_stage_id, \
         from_status, to_status, note, detail_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(event.application_id)
    .bind(now)
    .bind(event.actor_id)
    .bind(event.from_stage_id)
    .bind(event.to_stage_id)
    .bind(event.from_status)
    .bind(event.to_status)
    .bind(event.note)
    .bind(event.detail.as_deref())
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    pub at: i64,
    pub actor: Option<String>,
    pub from_stage: Option<String>,
    pub to_stage: Option<String>,
    pub from_status: Option<ApplicationStatus>,
    pub to_status: Option<ApplicationStatus>,
    pub note: String,
    pub detail_json: Option<String>,
}

#[tracing::instrument(skip(db))]
pub async fn events<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as(
        "SELECT e.at, u.name AS actor, fs.name AS from_stage, ts.name AS to_stage, e.from_status, \
         e.to_status, e.note, e.detail_json FROM application_events e LEFT JOIN users u ON u.id = e.actor_id \
         LEFT JOIN stages fs ON fs.id = e.from_stage_id LEFT JOIN stages ts ON ts.id = e.to_stage_id \
         WHERE e.application_id = $1 ORDER BY e.at DESC, e.id DESC",
    )
    .bind(application_id)
    .fetch_all(db)
    .await
}
