//! The queries behind access decisions.

use sqlx::any::AnyExecutor;
use sqlx::FromRow;

#[tracing::instrument(skip(db))]
pub async fn manages_any_opening<'c>(db: impl AnyExecutor<'c>, user_id: i64) -> sqlx::Result<bool> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM openings WHERE hiring_manager_id = $1 LIMIT 1) t",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(count > 0)
}

#[tracing::instrument(skip(db))]
pub async fn opening_manager<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT hiring_manager_id FROM openings WHERE id = $1")
        .bind(opening_id)
        .fetch_optional(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ApplicationFacts {
    pub application_id: i64,
    pub opening_id: i64,
    pub candidate_id: i64,
    pub hiring_manager_id: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_internal: bool,
    pub current_manager_id: Option<i64>,
}

impl ApplicationFacts {
    /// True when `user_id` is the internal candidate's current manager.
    pub fn hidden_from(&self, user_id: i64) -> bool {
        self.is_internal && self.current_manager_id == Some(user_id)
    }
}

#[tracing::instrument(skip(db))]
pub async fn application_facts<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
) -> sqlx::Result<Option<ApplicationFacts>> {
    sqlx::query_as(
        "SELECT a.id AS application_id, a.opening_id, a.candidate_id, o.hiring_manager_id, \
         c.is_internal, c.current_manager_id \
         FROM applications a JOIN openings o ON o.id = a.opening_id \
         JOIN candidates c ON c.id = a.candidate_id WHERE a.id = $1",
    )
    .bind(application_id)
    .fetch_optional(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn candidate_visible<'c>(
    db: impl AnyExecutor<'c>,
    candidate_id: i64,
    viewer: i64,
    is_admin: bool,
) -> sqlx::Result<bool> {
    let sql = format!(
        "SELECT COUNT(*) FROM candidates c WHERE c.id = $1 AND {}",
        super::sql::candidate_visible(2, 3)
    );
    let count: i64 = sqlx::query_scalar(&sql)
        .bind(candidate_id)
        .bind(viewer)
        .bind(is_admin)
        .fetch_one(db)
        .await?;
    Ok(count > 0)
}

/// True when `user_id` interviews `candidate_id` in a scheduled interview (and is not the
/// candidate's current manager).
#[tracing::instrument(skip(db))]
pub async fn interviews_candidate<'c>(
    db: impl AnyExecutor<'c>,
    user_id: i64,
    candidate_id: i64,
) -> sqlx::Result<bool> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM interview_assignments ia \
         JOIN interviews i ON i.id = ia.interview_id \
         JOIN applications a ON a.id = i.application_id \
         JOIN candidates c ON c.id = a.candidate_id \
         WHERE ia.user_id = $1 AND c.id = $2 AND i.status = 'scheduled' \
         AND NOT (c.is_internal = TRUE AND COALESCE(c.current_manager_id, -1) = $1)",
    )
    .bind(user_id)
    .bind(candidate_id)
    .fetch_one(db)
    .await?;
    Ok(count > 0)
}

/// The application an interview belongs to, and whether it is still on.
#[derive(Debug, Clone, FromRow)]
pub struct InterviewOwner {
    pub application_id: i64,
    pub status: crate::interviews::InterviewStatus,
}

#[tracing::instrument(skip(db))]
pub async fn interview_application<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
) -> sqlx::Result<Option<InterviewOwner>> {
    sqlx::query_as("SELECT application_id, status FROM interviews WHERE id = $1")
        .bind(interview_id)
        .fetch_optional(db)
        .await
}

/// True when `user_id` is one of the interview's interviewers.
#[tracing::instrument(skip(db))]
pub async fn is_assigned<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
    user_id: i64,
) -> sqlx::Result<bool> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM interview_assignments WHERE interview_id = $1 AND user_id = $2",
    )
    .bind(interview_id)
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(count > 0)
}

/// The interviewer's assignment in an interview, if they have one.
#[tracing::instrument(skip(db))]
pub async fn assignment_of<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
    user_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM interview_assignments WHERE interview_id = $1 AND user_id = $2",
    )
    .bind(interview_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// True when `user_id` interviews in the application and every one of their (not
/// cancelled) interviews in it has a submitted scorecard: only then may they read others'.
#[tracing::instrument(skip(db))]
pub async fn feedback_all_in<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
    user_id: i64,
) -> sqlx::Result<bool> {
    let (total, missing): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), \
         CAST(COALESCE(SUM(CASE WHEN s.status IN ('submitted', 'amended') THEN 0 ELSE 1 END), 0) AS BIGINT) \
         FROM interview_assignments ia JOIN interviews i ON i.id = ia.interview_id \
         LEFT JOIN scorecards s ON s.assignment_id = ia.id \
         WHERE i.application_id = $1 AND ia.user_id = $2 AND i.status <> 'cancelled'",
    )
    .bind(application_id)
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(total > 0 && missing == 0)
}

/// Who wrote a scorecard, for which application, and whether it was ever submitted.
#[derive(Debug, Clone, FromRow)]
pub struct ScorecardOwner {
    pub application_id: i64,
    pub user_id: i64,
    pub status: crate::scorecards::ScorecardStatus,
}

#[tracing::instrument(skip(db))]
pub async fn scorecard_owner<'c>(
    db: impl AnyExecutor<'c>,
    scorecard_id: i64,
) -> sqlx::Result<Option<ScorecardOwner>> {
    sqlx::query_as("SELECT application_id, user_id, status FROM scorecards WHERE id = $1")
        .bind(scorecard_id)
        .fetch_optional(db)
        .await
}

/// The application a debrief is about, and whether `user_id` is one of its participants.
#[tracing::instrument(skip(db))]
pub async fn debrief_of<'c>(
    db: impl AnyExecutor<'c>,
    debrief_id: i64,
    user_id: i64,
) -> sqlx::Result<Option<(i64, i64)>> {
    sqlx::query_as(
        "SELECT d.application_id, \
         (SELECT COUNT(*) FROM debrief_participants p WHERE p.debrief_id = d.id AND p.user_id = $2) \
         FROM debriefs d WHERE d.id = $1",
    )
    .bind(debrief_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}
