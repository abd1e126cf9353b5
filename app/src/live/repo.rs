//! The SQL of live interview mode.

use crate::db::Flag;
use sqlx::any::AnyExecutor;
use sqlx::{AnyConnection, FromRow};

/// A saved clock; `updated_at` (server milliseconds) doubles as its version.
#[derive(Debug, Clone, FromRow)]
pub struct ClockRow {
    pub started_at: i64,
    pub current_position: i64,
    pub item_started_elapsed: i64,
    pub paused_at: Option<i64>,
    pub paused_total: i64,
    pub finished_at: Option<i64>,
    pub updated_at: i64,
}

#[tracing::instrument(skip(db))]
pub async fn clock<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
) -> sqlx::Result<Option<ClockRow>> {
    sqlx::query_as(
        "SELECT started_at, current_position, item_started_elapsed, paused_at, paused_total, \
         finished_at, updated_at FROM interview_clocks WHERE interview_id = $1",
    )
    .bind(interview_id)
    .fetch_optional(db)
    .await
}

/// Each agenda item's id, minutes and time spent, in order.
#[tracing::instrument(skip(db))]
pub async fn item_times<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
) -> sqlx::Result<Vec<(i64, i64, i64)>> {
    sqlx::query_as(
        "SELECT id, minutes, spent_ms FROM agenda_items WHERE interview_id = $1 ORDER BY position, id",
    )
    .bind(interview_id)
    .fetch_all(db)
    .await
}

/// Starts the clock unless another request already did; true when this one did.
#[tracing::instrument(skip(conn))]
pub async fn insert_clock(
    conn: &mut AnyConnection,
    interview_id: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO interview_clocks (interview_id, started_at, current_position, \
         item_started_elapsed, paused_total, updated_at) VALUES ($1, $2, 0, 0, 0, $2) \
         ON CONFLICT (interview_id) DO NOTHING",
    )
    .bind(interview_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Saves the clock if nobody changed it since version `seen`; true when saved.
#[tracing::instrument(skip(conn, row))]
pub async fn update_clock(
    conn: &mut AnyConnection,
    interview_id: i64,
    row: &ClockRow,
    seen: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE interview_clocks SET current_position = $2, item_started_elapsed = $3, \
         paused_at = $4, paused_total = $5, finished_at = $6, updated_at = $7 \
         WHERE interview_id = $1 AND updated_at = $8",
    )
    .bind(interview_id)
    .bind(row.current_position)
    .bind(row.item_started_elapsed)
    .bind(row.paused_at)
    .bind(row.paused_total)
    .bind(row.finished_at)
    .bind(row.updated_at)
    .bind(seen)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[tracing::instrument(skip(conn))]
pub async fn set_spent(conn: &mut AnyConnection, item_id: i64, spent: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE agenda_items SET spent_ms = $2 WHERE id = $1")
        .bind(item_id)
        .bind(spent)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

/// The viewer's notes on an interview's items: `(item id, text)`.
#[tracing::instrument(skip(db))]
pub async fn notes<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
    user_id: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT n.agenda_item_id, n.body FROM interview_notes n \
         JOIN agenda_items i ON i.id = n.agenda_item_id \
         WHERE i.interview_id = $1 AND n.user_id = $2",
    )
    .bind(interview_id)
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// True when agenda item `item_id` belongs to interview `interview_id`.
#[tracing::instrument(skip(db))]
pub async fn item_in<'c>(
    db: impl AnyExecutor<'c>,
    item_id: i64,
    interview_id: i64,
) -> sqlx::Result<bool> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM agenda_items WHERE id = $1 AND interview_id = $2")
            .bind(item_id)
            .bind(interview_id)
            .fetch_one(db)
            .await?;
    Ok(count > 0)
}

#[tracing::instrument(skip(conn, body))]
pub async fn save_note(
    conn: &mut AnyConnection,
    item_id: i64,
    user_id: i64,
    body: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO interview_notes (agenda_item_id, user_id, body, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (agenda_item_id, user_id) \
         DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(item_id)
    .bind(user_id)
    .bind(body)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// What the live page shows about the interview.
#[derive(Debug, Clone, FromRow)]
pub struct LiveFacts {
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub duration_minutes: i64,
    pub location: String,
    pub status: crate::interviews::InterviewStatus,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub opening_title: String,
    #[sqlx(try_from = "Flag")]
    pub has_pdf: bool,
}

#[tracing::instrument(skip(db))]
pub async fn facts<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
) -> sqlx::Result<Option<LiveFacts>> {
    sqlx::query_as(
        "SELECT i.title, i.starts_at, i.ends_at, i.duration_minutes, i.location, i.status, \
         c.id AS candidate_id, c.name AS candidate_name, o.title AS opening_title, \
         (c.resume_pdf_name IS NOT NULL) AS has_pdf \
         FROM interviews i JOIN applications a ON a.id = i.application_id \
         JOIN candidates c ON c.id = a.candidate_id JOIN openings o ON o.id = a.opening_id \
         WHERE i.id = $1",
    )
    .bind(interview_id)
    .fetch_optional(db)
    .await
}

/// An assignment with a challenge: who, which challenge, and their rating of it.
#[derive(Debug, Clone, FromRow)]
pub struct ChallengeAssignment {
    pub assignment_id: i64,
    pub user_id: i64,
    pub interviewer: String,
    pub challenge_id: i64,
    pub challenge_rating: Option<i64>,
    pub challenge_note: Option<String>,
}

#[tracing::instrument(skip(db))]
pub async fn challenge_assignments<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
) -> sqlx::Result<Vec<ChallengeAssignment>> {
    sqlx::query_as(
        "SELECT ia.id AS assignment_id, ia.user_id, u.name AS interviewer, ia.challenge_id, \
         ia.challenge_rating, ia.challenge_note FROM interview_assignments ia \
         JOIN users u ON u.id = ia.user_id \
         WHERE ia.interview_id = $1 AND ia.challenge_id IS NOT NULL ORDER BY ia.id",
    )
    .bind(interview_id)
    .fetch_all(db)
    .await
}

/// Records an interviewer's rating of their challenge; false when the assignment is not
/// theirs or has no challenge.
#[tracing::instrument(skip(conn, note))]
pub async fn rate(
    conn: &mut AnyConnection,
    assignment_id: i64,
    interview_id: i64,
    user_id: i64,
    rating: i64,
    note: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE interview_assignments SET challenge_rating = $4, challenge_note = $5, \
         challenge_rated_at = $6 WHERE id = $1 AND interview_id = $2 AND user_id = $3 \
         AND challenge_id IS NOT NULL",
    )
    .bind(assignment_id)
    .bind(interview_id)
    .bind(user_id)
    .bind(rating)
    .bind(note)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
