//! SQL for interviews and interviewer assignments.

use super::InterviewStatus;
use sqlx::any::AnyExecutor;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct InterviewRow {
    pub id: i64,
    pub stage_id: i64,
    pub title: String,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub ends_at: i64,
    pub location: String,
    pub status: InterviewStatus,
    pub cancel_reason: Option<String>,
}

const SELECT: &str = "SELECT i.id, i.stage_id, i.title, i.starts_at, \
     i.duration_minutes, i.ends_at, i.location, i.status, i.cancel_reason FROM interviews i";

#[tracing::instrument(skip(db))]
pub async fn find<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Option<InterviewRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE i.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The interviews of an application (all stages), in time order.
#[tracing::instrument(skip(db))]
pub async fn of_application<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
) -> sqlx::Result<Vec<InterviewRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE i.application_id = $1 ORDER BY i.starts_at, i.id"
    ))
    .bind(application_id)
    .fetch_all(db)
    .await
}

/// The fields of a new interview.
#[derive(Debug)]
pub struct NewInterview<'a> {
    pub application_id: i64,
    pub stage_id: i64,
    pub template_id: Option<i64>,
    pub title: &'a str,
    pub starts_at: i64,
    pub duration_minutes: i64,
    pub location: &'a str,
    pub scheduled_by: Option<i64>,
}

#[tracing::instrument(skip_all)]
pub async fn insert<'c>(
    db: impl AnyExecutor<'c>,
    i: &NewInterview<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO interviews (application_id, stage_id, template_id, title, starts_at, \
         duration_minutes, ends_at, location, status, scheduled_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'scheduled', $9, $10, $10) RETURNING id",
    )
    .bind(i.application_id)
    .bind(i.stage_id)
    .bind(i.template_id)
    .bind(i.title)
    .bind(i.starts_at)
    .bind(i.duration_minutes)
    .bind(i.starts_at + i.duration_minutes * 60)
    .bind(i.location)
    .bind(i.scheduled_by)
    .bind(now)
    .fetch_one(db)
    .await
}

/// Adds an interviewer to an interview (the assignment keeps a copy of the interview's
/// times, for reading an interviewer's interviews in time order).
#[tracing::instrument(skip(conn))]
pub async fn insert_assignment(
    conn: &mut sqlx::AnyConnection,
    interview_id: i64,
    user_id: i64,
    skills: &[i64],
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO interview_assignments (interview_id, user_id, starts_at, ends_at) \
         SELECT $1, $2, i.starts_at, i.ends_at FROM interviews i WHERE i.id = $1 RETURNING id",
    )
    .bind(interview_id)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    for skill in skills {
        sqlx::query(
            "INSERT INTO assignment_skill_areas (assignment_id, skill_area_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(skill)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Touches the interviewers' rows so that concurrent schedulers of the same people (also
/// on other server instances) take turns: a row lock on PostgreSQL, the write lock on
/// SQLite. The overlap check that follows then sees every committed booking.
#[tracing::instrument(skip(conn))]
pub async fn lock_people(conn: &mut sqlx::AnyConnection, user_ids: &[i64]) -> sqlx::Result<()> {
    for id in user_ids {
        sqlx::query("UPDATE users SET updated_at = updated_at WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct BookingRow {
    pub user_id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// Scheduled interviews of `user_id` overlapping `[start, end)`, except `exclude`. The
/// interviewer's assignments are read in time order from the longest possible interview
/// before `start`, so the check reads a handful of rows however long their history.
#[tracing::instrument(skip(db))]
pub async fn bookings<'c>(
    db: impl AnyExecutor<'c>,
    user_id: i64,
    start: i64,
    end: i64,
    exclude: i64,
) -> sqlx::Result<Vec<BookingRow>> {
    let longest = crate::openings::service::DURATION_RANGE.end() * 60;
    sqlx::query_as(
        "SELECT ia.user_id, ia.starts_at, ia.ends_at FROM interview_assignments ia \
         JOIN interviews i ON i.id = ia.interview_id \
         WHERE ia.user_id = $1 AND ia.starts_at > $5 AND ia.starts_at < $3 AND ia.ends_at > $2 \
         AND i.status = 'scheduled' AND i.id <> $4 ORDER BY ia.starts_at",
    )
    .bind(user_id)
    .bind(start)
    .bind(end)
    .bind(exclude)
    .bind(start - longest)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct AssignmentRow {
    pub id: i64,
    pub interview_id: i64,
    pub user_id: i64,
    pub name: String,
}

/// The assignments of every interview of an application.
#[tracing::instrument(skip(db))]
pub async fn assignments_of_application<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
) -> sqlx::Result<Vec<AssignmentRow>> {
    sqlx::query_as(
        "SELECT ia.id, ia.interview_id, ia.user_id, u.name FROM interview_assignments ia \
         JOIN users u ON u.id = ia.user_id JOIN interviews i ON i.id = ia.interview_id \
         WHERE i.application_id = $1 ORDER BY ia.id",
    )
    .bind(application_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct AssignmentSkillRow {
    pub assignment_id: i64,
    pub skill_id: i64,
    pub name: String,
}

#[tracing::instrument(skip(db))]
pub async fn assignment_skills_of_application<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
) -> sqlx::Result<Vec<AssignmentSkillRow>> {
    sqlx::query_as(
        "SELECT asa.assignment_id, s.id AS skill_id, s.name FROM assignment_skill_areas asa \
         JOIN skill_areas s ON s.id = asa.skill_area_id \
         JOIN interview_assignments ia ON ia.id = asa.assignment_id \
         JOIN interviews i ON i.id = ia.interview_id WHERE i.application_id = $1 \
         ORDER BY lower(s.name)",
    )
    .bind(application_id)
    .fetch_all(db)
    .await
}

/// Moves an interview (and its assignments' copies of the times).
#[tracing::instrument(skip(conn))]
pub async fn reschedule(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    starts_at: i64,
    duration_minutes: i64,
    location: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE interviews SET starts_at = $1, duration_minutes = $2, ends_at = $3, location = $4, \
         updated_at = $5 WHERE id = $6",
    )
    .bind(starts_at)
    .bind(duration_minutes)
    .bind(starts_at + duration_minutes * 60)
    .bind(location)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE interview_assignments SET starts_at = $1, ends_at = $2 WHERE interview_id = $3",
    )
    .bind(starts_at)
    .bind(starts_at + duration_minutes * 60)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

#[tracing::instrument(skip(db))]
pub async fn cancel<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    reason: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE interviews SET status = 'cancelled', cancel_reason = $1, updated_at = $2 WHERE id = $3")
        .bind(reason)
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct MyInterviewRow {
    pub interview_id: i64,
    pub assignment_id: i64,
    pub title: String,
    pub candidate_name: String,
    pub opening_title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub location: String,
    pub status: InterviewStatus,
}

const MINE: &str = "SELECT i.id AS interview_id, ia.id AS assignment_id, i.title, \
     c.name AS candidate_name, o.title AS opening_title, i.starts_at, i.ends_at, i.location, \
     i.status FROM interview_assignments ia JOIN interviews i ON i.id = ia.interview_id \
     JOIN applications a ON a.id = i.application_id JOIN candidates c ON c.id = a.candidate_id \
     JOIN openings o ON o.id = a.opening_id \
     WHERE ia.user_id = $1 AND NOT (c.is_internal = TRUE AND COALESCE(c.current_manager_id, -1) = $1)";

/// The user's own interviews that have not ended, soonest first (never one of an internal
/// candidate they manage); cancelled ones only when `with_cancelled`. The assignment's copy
/// of the times lets the index walk from "now" and stop at `limit`.
#[tracing::instrument(skip(db))]
pub async fn upcoming_of_interviewer<'c>(
    db: impl AnyExecutor<'c>,
    user_id: i64,
    now: i64,
    with_cancelled: bool,
    limit: i64,
) -> sqlx::Result<Vec<MyInterviewRow>> {
    let longest = crate::openings::service::DURATION_RANGE.end() * 60;
    sqlx::query_as(&format!(
        "{MINE} AND ia.starts_at > $5 AND ia.ends_at > $2 AND ($3 = TRUE OR i.status = 'scheduled') \
         ORDER BY ia.starts_at, ia.interview_id LIMIT $4"
    ))
    .bind(user_id)
    .bind(now)
    .bind(with_cancelled)
    .bind(limit)
    .bind(now - longest)
    .fetch_all(db)
    .await
}

/// The user's own interviews that have ended, newest first, a page at a time.
#[tracing::instrument(skip(db))]
pub async fn past_of_interviewer<'c>(
    db: impl AnyExecutor<'c>,
    user_id: i64,
    now: i64,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<MyInterviewRow>> {
    sqlx::query_as(&format!(
        "{MINE} AND ia.starts_at <= $2 AND ia.ends_at <= $2 \
         ORDER BY ia.starts_at DESC, ia.interview_id DESC LIMIT $3 OFFSET $4"
    ))
    .bind(user_id)
    .bind(now)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// The user's own interviews that have ended with their scorecard not submitted (overdue
/// feedback), most recent first.
#[tracing::instrument(skip(db))]
pub async fn overdue_of_interviewer<'c>(
    db: impl AnyExecutor<'c>,
    user_id: i64,
    now: i64,
    limit: i64,
) -> sqlx::Result<Vec<MyInterviewRow>> {
    sqlx::query_as(&format!(
        "{MINE} AND ia.ends_at <= $2 AND i.status = 'scheduled' AND NOT EXISTS \
         (SELECT 1 FROM scorecards s WHERE s.assignment_id = ia.id AND s.status <> 'draft') \
         ORDER BY ia.starts_at DESC, ia.interview_id DESC LIMIT $3"
    ))
    .bind(user_id)
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct SkillOfAssignment {
    pub assignment_id: i64,
    pub name: String,
}

/// The skill areas of the assignments `ids`.
#[tracing::instrument(skip(db))]
pub async fn skills_of_assignments<'c>(
    db: impl AnyExecutor<'c>,
    ids: &[i64],
) -> sqlx::Result<Vec<SkillOfAssignment>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT asa.assignment_id, s.name FROM assignment_skill_areas asa \
         JOIN skill_areas s ON s.id = asa.skill_area_id WHERE asa.assignment_id IN ({}) \
         ORDER BY lower(s.name)",
        crate::db::placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

#[derive(Debug, Clone, FromRow)]
pub struct UpcomingRow {
    pub interview_id: i64,
    pub application_id: i64,
    pub candidate_name: String,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// The next 20 scheduled interviews of an opening that have not ended, without hidden
/// candidacies (each application's interviews are read from the longest possible interview
/// before now, not from the start of its history).
#[tracing::instrument(skip(db))]
pub async fn upcoming_for_opening<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
    hidden_from: Option<i64>,
    now: i64,
) -> sqlx::Result<Vec<UpcomingRow>> {
    let longest = crate::openings::service::DURATION_RANGE.end() * 60;
    sqlx::query_as(
        "SELECT i.id AS interview_id, i.application_id, \
         (SELECT c.name FROM candidates c WHERE c.id = a.candidate_id) AS candidate_name, i.title, \
         i.starts_at, i.ends_at FROM interviews i JOIN applications a ON a.id = i.application_id \
         WHERE a.opening_id = $1 AND i.status = 'scheduled' AND i.starts_at > $4 \
         AND i.ends_at > $3 \
         AND a.candidate_id NOT IN (SELECT m.id FROM candidates m \
           WHERE m.current_manager_id = $2 AND m.is_internal = TRUE) \
         ORDER BY i.starts_at, i.id LIMIT 20",
    )
    .bind(opening_id)
    .bind(hidden_from.unwrap_or(-1))
    .bind(now)
    .bind(now - longest)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct InterviewerName {
    pub interview_id: i64,
    pub name: String,
}

/// Interviewer names of the interviews `ids`.
#[tracing::instrument(skip(db))]
pub async fn interviewer_names<'c>(
    db: impl AnyExecutor<'c>,
    ids: &[i64],
) -> sqlx::Result<Vec<InterviewerName>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT ia.interview_id, u.name FROM interview_assignments ia \
         JOIN users u ON u.id = ia.user_id WHERE ia.interview_id IN ({}) ORDER BY u.name",
        crate::db::placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

/// One skill area of one interviewer in the current-stage loop of an active application of
/// an opening (an interviewer without skill areas gives one row without).
#[derive(Debug, Clone, FromRow)]
pub struct LoopRow {
    pub application_id: i64,
    pub stage_id: i64,
    pub candidate_name: String,
    pub assignment_id: i64,
    pub user_id: i64,
    pub user_name: String,
    pub skill_id: Option<i64>,
    pub skill_name: Option<String>,
}

/// Who owns what in the (not cancelled) current-stage loops of the active applications
/// `ids` of an opening, in interview stages, without candidacies hidden from
/// `hidden_from`, in the order of `ids`' stage time (longest in stage first). The ids lead
/// (`+a.opening_id` keeps the planner from walking the whole opening instead).
#[tracing::instrument(skip(db))]
pub async fn loops_of_applications<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
    hidden_from: Option<i64>,
    ids: &[i64],
) -> sqlx::Result<Vec<LoopRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT a.id AS application_id, a.stage_id, c.name AS candidate_name, \
         ia.id AS assignment_id, ia.user_id, u.name AS user_name, \
         s.id AS skill_id, s.name AS skill_name \
         FROM applications a JOIN candidates c ON c.id = a.candidate_id \
         JOIN stages st ON st.id = a.stage_id \
         JOIN interviews i ON i.application_id = a.id AND i.stage_id = a.stage_id \
         JOIN interview_assignments ia ON ia.interview_id = i.id \
         JOIN users u ON u.id = ia.user_id \
         LEFT JOIN assignment_skill_areas asa ON asa.assignment_id = ia.id \
         LEFT JOIN skill_areas s ON s.id = asa.skill_area_id \
         WHERE a.id IN ({}) AND +a.opening_id = $1 AND a.status = 'active' \
         AND st.kind = 'interview' AND i.status = 'scheduled' \
         AND NOT (c.is_internal = TRUE AND COALESCE(c.current_manager_id, -1) = $2) \
         ORDER BY a.stage_entered_at, a.id, ia.id, lower(s.name)",
        crate::db::placeholders(3, ids.len())
    );
    let mut query = sqlx::query_as(&sql)
        .bind(opening_id)
        .bind(hidden_from.unwrap_or(-1));
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

/// An interviewer's assignment and the challenge it has, if any.
#[derive(Debug, Clone, FromRow)]
pub struct AssignmentChallengeRow {
    pub assignment_id: i64,
    pub challenge_id: Option<i64>,
    pub challenge_title: Option<String>,
}

#[tracing::instrument(skip(db))]
pub async fn assignment_challenges<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
) -> sqlx::Result<Vec<AssignmentChallengeRow>> {
    sqlx::query_as(
        "SELECT ia.id AS assignment_id, ia.challenge_id, c.title AS challenge_title \
         FROM interview_assignments ia LEFT JOIN challenges c ON c.id = ia.challenge_id \
         WHERE ia.interview_id = $1 ORDER BY ia.id",
    )
    .bind(interview_id)
    .fetch_all(db)
    .await
}

/// The skill areas an assignment of interview `interview_id` owns (empty when the
/// assignment is not one of that interview's).
#[tracing::instrument(skip(db))]
pub async fn assignment_skill_ids<'c>(
    db: impl AnyExecutor<'c>,
    assignment_id: i64,
    interview_id: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT s.skill_area_id FROM assignment_skill_areas s \
         JOIN interview_assignments ia ON ia.id = s.assignment_id \
         WHERE ia.id = $1 AND ia.interview_id = $2 ORDER BY s.skill_area_id",
    )
    .bind(assignment_id)
    .bind(interview_id)
    .fetch_all(db)
    .await
}

/// Another interview (not cancelled) in which the candidate got the challenge: its title and
/// start.
#[tracing::instrument(skip(db))]
pub async fn earlier_use<'c>(
    db: impl AnyExecutor<'c>,
    challenge_id: i64,
    candidate_id: i64,
    assignment_id: i64,
) -> sqlx::Result<Option<(String, i64)>> {
    sqlx::query_as(
        "SELECT i.title, i.starts_at FROM interview_assignments ia \
         JOIN interviews i ON i.id = ia.interview_id \
         JOIN applications a ON a.id = i.application_id \
         WHERE ia.challenge_id = $1 AND a.candidate_id = $2 AND ia.id <> $3 \
         AND i.status = 'scheduled' ORDER BY i.starts_at LIMIT 1",
    )
    .bind(challenge_id)
    .bind(candidate_id)
    .bind(assignment_id)
    .fetch_optional(db)
    .await
}

#[tracing::instrument(skip(conn))]
pub async fn set_challenge(
    conn: &mut sqlx::AnyConnection,
    assignment_id: i64,
    challenge_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE interview_assignments SET challenge_id = $2, challenge_rating = NULL, \
         challenge_note = NULL, challenge_rated_at = NULL WHERE id = $1",
    )
    .bind(assignment_id)
    .bind(challenge_id)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

#[tracing::instrument(skip(db))]
pub async fn clock_started<'c>(db: impl AnyExecutor<'c>, interview_id: i64) -> sqlx::Result<bool> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM interview_clocks WHERE interview_id = $1")
            .bind(interview_id)
            .fetch_one(db)
            .await?;
    Ok(count > 0)
}
