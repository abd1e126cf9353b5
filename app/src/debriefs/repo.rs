//! The SQL of debriefs.

use super::{DebriefStatus, Decision};
use crate::applications::ApplicationStatus;
use crate::db::Flag;
use sqlx::any::AnyExecutor;
use sqlx::{AnyConnection, FromRow};

/// A debrief with its application's state.
#[derive(Debug, Clone, FromRow)]
pub struct DebriefRow {
    pub id: i64,
    pub application_id: i64,
    pub opening_id: i64,
    pub stage_id: i64,
    pub stage_name: String,
    pub stage_position: i64,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub location: String,
    pub status: DebriefStatus,
    pub decisions: i64,
    pub application_status: ApplicationStatus,
    pub current_stage: String,
    pub opening_title: String,
}

#[tracing::instrument(skip(db))]
pub async fn find<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Option<DebriefRow>> {
    sqlx::query_as(
        "SELECT d.id, d.application_id, a.opening_id, d.stage_id, s.name AS stage_name, \
         s.position AS stage_position, d.starts_at, d.duration_minutes, d.location, d.status, \
         d.decisions, a.status AS application_status, cs.name AS current_stage, \
         o.title AS opening_title FROM debriefs d JOIN stages s ON s.id = d.stage_id \
         JOIN applications a ON a.id = d.application_id JOIN stages cs ON cs.id = a.stage_id \
         JOIN openings o ON o.id = a.opening_id WHERE d.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The debrief of an application's stage, if one is scheduled.
#[tracing::instrument(skip(db))]
pub async fn of_stage<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
    stage_id: i64,
) -> sqlx::Result<Option<(i64, i64)>> {
    sqlx::query_as("SELECT id, starts_at FROM debriefs WHERE application_id = $1 AND stage_id = $2")
        .bind(application_id)
        .bind(stage_id)
        .fetch_optional(db)
        .await
}

/// A new debrief; `None` when the stage got one meanwhile.
#[tracing::instrument(skip(conn))]
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut AnyConnection,
    application_id: i64,
    stage_id: i64,
    starts_at: i64,
    duration_minutes: i64,
    location: &str,
    by: Option<i64>,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO debriefs (application_id, stage_id, starts_at, duration_minutes, location, \
         status, decisions, scheduled_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'scheduled', 0, $6, $7, $7) \
         ON CONFLICT (application_id, stage_id) DO NOTHING RETURNING id",
    )
    .bind(application_id)
    .bind(stage_id)
    .bind(starts_at)
    .bind(duration_minutes)
    .bind(location)
    .bind(by)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
}

#[tracing::instrument(skip(conn))]
pub async fn reschedule(
    conn: &mut AnyConnection,
    id: i64,
    starts_at: i64,
    duration_minutes: i64,
    location: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE debriefs SET starts_at = $1, duration_minutes = $2, location = $3, updated_at = $4 \
         WHERE id = $5",
    )
    .bind(starts_at)
    .bind(duration_minutes)
    .bind(location)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

#[tracing::instrument(skip(conn, users))]
pub async fn set_participants(
    conn: &mut AnyConnection,
    id: i64,
    users: &[i64],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM debrief_participants WHERE debrief_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for user in users {
        sqlx::query("INSERT INTO debrief_participants (debrief_id, user_id) VALUES ($1, $2)")
            .bind(id)
            .bind(*user)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The participants: id and name.
#[tracing::instrument(skip(db))]
pub async fn participants<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT u.id, u.name FROM debrief_participants p JOIN users u ON u.id = p.user_id \
         WHERE p.debrief_id = $1 ORDER BY u.name, u.id",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

/// An application's debriefs with their standing decision.
#[derive(Debug, Clone, FromRow)]
pub struct DebriefListRow {
    pub id: i64,
    pub stage_name: String,
    pub starts_at: i64,
    pub status: DebriefStatus,
    pub decision: Option<Decision>,
}

#[tracing::instrument(skip(db))]
pub async fn of_application<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
) -> sqlx::Result<Vec<DebriefListRow>> {
    sqlx::query_as(
        "SELECT d.id, s.name AS stage_name, d.starts_at, d.status, dd.decision FROM debriefs d \
         JOIN stages s ON s.id = d.stage_id \
         LEFT JOIN debrief_decisions dd ON dd.debrief_id = d.id AND dd.number = d.decisions \
         WHERE d.application_id = $1 ORDER BY s.position, d.id",
    )
    .bind(application_id)
    .fetch_all(db)
    .await
}

/// A stage of the opening's plan.
#[derive(Debug, Clone, FromRow)]
pub struct StageRow {
    pub id: i64,
    pub name: String,
    pub position: i64,
    pub skip_for_internal: Flag,
}

#[tracing::instrument(skip(db))]
pub async fn stages<'c>(db: impl AnyExecutor<'c>, opening_id: i64) -> sqlx::Result<Vec<StageRow>> {
    sqlx::query_as(
        "SELECT id, name, position, skip_for_internal FROM stages WHERE opening_id = $1 \
         ORDER BY position, id",
    )
    .bind(opening_id)
    .fetch_all(db)
    .await
}

/// The opening's required skill areas, by name.
#[tracing::instrument(skip(db))]
pub async fn required_skills<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT s.id, s.name FROM opening_skill_areas o JOIN skill_areas s ON s.id = o.skill_area_id \
         WHERE o.opening_id = $1 ORDER BY s.name, s.id",
    )
    .bind(opening_id)
    .fetch_all(db)
    .await
}

/// A decision as recorded.
#[derive(Debug, Clone, FromRow)]
pub struct DecisionRow {
    pub number: i64,
    pub decision: Decision,
    pub to_stage: Option<String>,
    pub rationale: String,
    pub override_reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: i64,
}

/// Every decision of a debrief, the standing one first.
#[tracing::instrument(skip(db))]
pub async fn decisions<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Vec<DecisionRow>> {
    sqlx::query_as(
        "SELECT d.number, d.decision, s.name AS to_stage, d.rationale, d.override_reason, \
         u.name AS decided_by, d.decided_at FROM debrief_decisions d \
         LEFT JOIN stages s ON s.id = d.to_stage_id LEFT JOIN users u ON u.id = d.decided_by \
         WHERE d.debrief_id = $1 ORDER BY d.number DESC",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

/// A decision to record.
#[derive(Debug, Clone)]
pub struct NewDecisionRow<'a> {
    pub debrief_id: i64,
    pub number: i64,
    pub decision: Decision,
    pub to_stage_id: Option<i64>,
    pub rationale: &'a str,
    pub override_reason: Option<&'a str>,
    pub decided_by: Option<i64>,
}

/// Records decision number `row.number` if the debrief still has `row.number - 1`; false
/// when someone else decided meanwhile.
#[tracing::instrument(skip(conn, row), fields(debrief_id = row.debrief_id))]
pub async fn decide(
    conn: &mut AnyConnection,
    row: &NewDecisionRow<'_>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE debriefs SET decisions = $1, status = 'held', updated_at = $2 \
         WHERE id = $3 AND decisions = $4",
    )
    .bind(row.number)
    .bind(now)
    .bind(row.debrief_id)
    .bind(row.number - 1)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO debrief_decisions (debrief_id, number, decision, to_stage_id, rationale, \
         override_reason, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(row.debrief_id)
    .bind(row.number)
    .bind(row.decision)
    .bind(row.to_stage_id)
    .bind(row.rationale)
    .bind(row.override_reason)
    .bind(row.decided_by)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// Members who may take part: the application's interviewers first, then everyone active.
#[tracing::instrument(skip(db))]
pub async fn interviewers_of<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
) -> sqlx::Result<Vec<(i64, String, i64)>> {
    sqlx::query_as(
        "SELECT DISTINCT u.id, u.name, i.stage_id FROM interviews i \
         JOIN interview_assignments ia ON ia.interview_id = i.id JOIN users u ON u.id = ia.user_id \
         WHERE i.application_id = $1 AND i.status <> 'cancelled' ORDER BY u.name, u.id, i.stage_id",
    )
    .bind(application_id)
    .fetch_all(db)
    .await
}
