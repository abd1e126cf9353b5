//! The SQL of scorecards, their questions and the feedback check's topics.

use super::{Question, Rating, ScorecardStatus};
use crate::db::{placeholders, Flag};
use sqlx::any::AnyExecutor;
use sqlx::{AnyConnection, FromRow};

/// The skill areas an assignment owns, by name.
#[tracing::instrument(skip(db))]
pub async fn assignment_skills<'c>(
    db: impl AnyExecutor<'c>,
    assignment_id: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT s.id, s.name FROM assignment_skill_areas a JOIN skill_areas s ON s.id = a.skill_area_id \
         WHERE a.assignment_id = $1 ORDER BY s.name, s.id",
    )
    .bind(assignment_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
struct QuestionRow {
    id: i64,
    prompt: String,
    behavioural: Flag,
}

#[tracing::instrument(skip(db))]
pub async fn questions<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
) -> sqlx::Result<Vec<Question>> {
    let rows: Vec<QuestionRow> = sqlx::query_as(
        "SELECT id, prompt, behavioural FROM scorecard_questions WHERE opening_id = $1 \
         ORDER BY position, id",
    )
    .bind(opening_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Question {
            id: r.id,
            prompt: r.prompt,
            behavioural: r.behavioural.into(),
        })
        .collect())
}

/// Replaces an opening's questions: kept ones (by id) are updated in place so that answers
/// already written stay attached, the rest deleted or added.
#[tracing::instrument(skip(conn, questions))]
pub async fn replace_questions(
    conn: &mut AnyConnection,
    opening_id: i64,
    questions: &[(Option<i64>, String, bool)],
) -> sqlx::Result<()> {
    let kept: Vec<i64> = questions.iter().filter_map(|q| q.0).collect();
    let sql = if kept.is_empty() {
        "DELETE FROM scorecard_questions WHERE opening_id = $1".to_owned()
    } else {
        format!(
            "DELETE FROM scorecard_questions WHERE opening_id = $1 AND id NOT IN ({})",
            placeholders(2, kept.len())
        )
    };
    let mut delete = sqlx::query(&sql).bind(opening_id);
    for id in &kept {
        delete = delete.bind(*id);
    }
    delete.execute(&mut *conn).await?;
    for (position, (id, prompt, behavioural)) in questions.iter().enumerate() {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        match id {
            Some(id) => {
                sqlx::query(
                    "UPDATE scorecard_questions SET position = $1, prompt = $2, behavioural = $3 \
                     WHERE id = $4 AND opening_id = $5",
                )
                .bind(position)
                .bind(prompt)
                .bind(*behavioural)
                .bind(*id)
                .bind(opening_id)
                .execute(&mut *conn)
                .await?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO scorecard_questions (opening_id, position, prompt, behavioural) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(opening_id)
                .bind(position)
                .bind(prompt)
                .bind(*behavioural)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(())
}

/// A scorecard's working state.
#[derive(Debug, Clone, FromRow)]
pub struct ScorecardRow {
    pub id: i64,
    pub status: ScorecardStatus,
    pub draft: String,
    pub revision: i64,
    pub versions: i64,
}

#[tracing::instrument(skip(db))]
pub async fn by_assignment<'c>(
    db: impl AnyExecutor<'c>,
    assignment_id: i64,
) -> sqlx::Result<Option<ScorecardRow>> {
    sqlx::query_as(
        "SELECT id, status, draft, revision, versions FROM scorecards \
         WHERE assignment_id = $1",
    )
    .bind(assignment_id)
    .fetch_optional(db)
    .await
}

/// Who owns a new scorecard (its assignment, application and author, by id).
#[derive(Debug, Clone, Copy)]
#[allow(clippy::struct_field_names)]
pub struct Owner {
    pub assignment_id: i64,
    pub application_id: i64,
    pub user_id: i64,
}

/// Starts a scorecard at revision 1; `None` when another request started it first.
#[tracing::instrument(skip(conn, draft))]
pub async fn insert(
    conn: &mut AnyConnection,
    owner: Owner,
    draft: &str,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO scorecards (assignment_id, application_id, user_id, status, draft, revision, \
         versions, created_at, updated_at) VALUES ($1, $2, $3, 'draft', $4, 1, 0, $5, $5) \
         ON CONFLICT (assignment_id) DO NOTHING RETURNING id",
    )
    .bind(owner.assignment_id)
    .bind(owner.application_id)
    .bind(owner.user_id)
    .bind(draft)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await
}

/// Saves the draft if it is still at revision `seen`; true when saved.
#[tracing::instrument(skip(conn, draft))]
pub async fn update_draft(
    conn: &mut AnyConnection,
    id: i64,
    draft: &str,
    seen: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE scorecards SET draft = $1, revision = revision + 1, updated_at = $2 \
         WHERE id = $3 AND revision = $4",
    )
    .bind(draft)
    .bind(now)
    .bind(id)
    .bind(seen)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new submitted version (the draft as it is at revision `seen`); true when recorded.
#[tracing::instrument(skip(conn, content, warnings))]
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    conn: &mut AnyConnection,
    id: i64,
    seen: i64,
    version: i64,
    overall: Rating,
    content: &str,
    warnings: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let status = if version == 1 {
        ScorecardStatus::Submitted
    } else {
        ScorecardStatus::Amended
    };
    let done = sqlx::query(
        "UPDATE scorecards SET status = $1, draft = $2, revision = revision + 1, versions = $3, \
         submitted_at = COALESCE(submitted_at, $4), updated_at = $4 WHERE id = $5 AND revision = $6",
    )
    .bind(status)
    .bind(content)
    .bind(version)
    .bind(now)
    .bind(id)
    .bind(seen)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO scorecard_versions (scorecard_id, version, overall, content, warnings, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(version)
    .bind(overall)
    .bind(content)
    .bind(warnings)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(true)
}

/// A submitted version.
#[derive(Debug, Clone, FromRow)]
pub struct VersionRow {
    pub scorecard_id: i64,
    pub version: i64,
    pub content: String,
    pub warnings: String,
    pub submitted_at: i64,
}

/// Every version of the given scorecards, newest first.
#[tracing::instrument(skip(db, ids))]
pub async fn versions<'c>(db: impl AnyExecutor<'c>, ids: &[i64]) -> sqlx::Result<Vec<VersionRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT scorecard_id, version, content, warnings, submitted_at FROM scorecard_versions \
         WHERE scorecard_id IN ({}) ORDER BY scorecard_id, version DESC",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

/// The interview a scorecard is about, as its pages head it.
#[derive(Debug, Clone, FromRow)]
pub struct InterviewHead {
    pub interview_id: i64,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub stage_id: i64,
    pub application_id: i64,
    pub candidate_name: String,
    pub opening_title: String,
}

const HEAD: &str = "SELECT i.id AS interview_id, i.title, i.starts_at, i.ends_at, \
     i.stage_id, i.application_id, c.name AS candidate_name, o.title AS opening_title \
     FROM interviews i JOIN applications a ON a.id = i.application_id \
     JOIN candidates c ON c.id = a.candidate_id JOIN openings o ON o.id = a.opening_id";

#[tracing::instrument(skip(db))]
pub async fn interview_head<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
) -> sqlx::Result<Option<InterviewHead>> {
    sqlx::query_as(&format!("{HEAD} WHERE i.id = $1"))
        .bind(interview_id)
        .fetch_optional(db)
        .await
}

/// A scorecard with its interview and author, for readers.
#[derive(Debug, Clone, FromRow)]
pub struct CardHead {
    pub id: i64,
    pub status: ScorecardStatus,
    pub user_id: i64,
    pub author: String,
    pub interview_id: i64,
}

#[tracing::instrument(skip(db))]
pub async fn card_head<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Option<CardHead>> {
    sqlx::query_as(
        "SELECT s.id, s.status, s.user_id, u.name AS author, ia.interview_id FROM scorecards s \
         JOIN users u ON u.id = s.user_id JOIN interview_assignments ia ON ia.id = s.assignment_id \
         WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The viewer's live-mode notes on an interview, item by item.
#[tracing::instrument(skip(db))]
pub async fn live_notes<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
    user_id: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT ai.title, n.body FROM agenda_items ai \
         JOIN interview_notes n ON n.agenda_item_id = ai.id AND n.user_id = $2 \
         WHERE ai.interview_id = $1 AND n.body <> '' ORDER BY ai.position, ai.id",
    )
    .bind(interview_id)
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// A submitted scorecard of an application, as lists show it.
#[derive(Debug, Clone, FromRow)]
pub struct CardLine {
    pub id: i64,
    pub user_id: i64,
    pub author: String,
    pub interview_title: String,
    pub stage_id: i64,
    pub status: ScorecardStatus,
}

/// The application's submitted scorecards (interviews not cancelled), in interview order.
#[tracing::instrument(skip(db))]
pub async fn submitted_in<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
) -> sqlx::Result<Vec<CardLine>> {
    sqlx::query_as(
        "SELECT s.id, s.user_id, u.name AS author, i.title AS interview_title, \
         i.stage_id, s.status FROM scorecards s \
         JOIN interview_assignments ia ON ia.id = s.assignment_id \
         JOIN interviews i ON i.id = ia.interview_id JOIN users u ON u.id = s.user_id \
         WHERE s.application_id = $1 AND s.status <> 'draft' AND i.status <> 'cancelled' \
         ORDER BY i.starts_at, i.id, u.name",
    )
    .bind(application_id)
    .fetch_all(db)
    .await
}

/// Each (not cancelled) interview assignment of an application with its scorecard status.
#[derive(Debug, Clone, FromRow)]
pub struct AssignmentFeedback {
    pub interview_id: i64,
    pub interview_title: String,
    pub stage_id: i64,
    pub ends_at: i64,
    pub user_id: i64,
    pub interviewer: String,
    pub scorecard_id: Option<i64>,
    pub status: Option<ScorecardStatus>,
}

#[tracing::instrument(skip(db))]
pub async fn feedback_of_application<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
) -> sqlx::Result<Vec<AssignmentFeedback>> {
    sqlx::query_as(
        "SELECT i.id AS interview_id, i.title AS interview_title, i.stage_id, i.ends_at, \
         ia.user_id, u.name AS interviewer, s.id AS scorecard_id, s.status \
         FROM interviews i JOIN interview_assignments ia ON ia.interview_id = i.id \
         JOIN users u ON u.id = ia.user_id LEFT JOIN scorecards s ON s.assignment_id = ia.id \
         WHERE i.application_id = $1 AND i.status <> 'cancelled' ORDER BY i.starts_at, i.id, u.name",
    )
    .bind(application_id)
    .fetch_all(db)
    .await
}

/// The status of `user_id`'s scorecards on the given interviews.
#[tracing::instrument(skip(db, interview_ids))]
pub async fn statuses_of<'c>(
    db: impl AnyExecutor<'c>,
    user_id: i64,
    interview_ids: &[i64],
) -> sqlx::Result<Vec<(i64, ScorecardStatus)>> {
    if interview_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT ia.interview_id, s.status FROM interview_assignments ia \
         JOIN scorecards s ON s.assignment_id = ia.id \
         WHERE ia.user_id = $1 AND ia.interview_id IN ({})",
        placeholders(2, interview_ids.len())
    );
    let mut query = sqlx::query_as(&sql).bind(user_id);
    for id in interview_ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

/// When the debrief of an application's stage begins, if one is scheduled.
#[tracing::instrument(skip(db))]
pub async fn debrief_start<'c>(
    db: impl AnyExecutor<'c>,
    application_id: i64,
    stage_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT starts_at FROM debriefs WHERE application_id = $1 AND stage_id = $2")
        .bind(application_id)
        .bind(stage_id)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip(db))]
pub async fn topics<'c>(db: impl AnyExecutor<'c>) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT name, terms FROM feedback_topics ORDER BY position, id")
        .fetch_all(db)
        .await
}

#[tracing::instrument(skip(conn, topics))]
pub async fn replace_topics(
    conn: &mut AnyConnection,
    topics: &[(String, String)],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM feedback_topics")
        .execute(&mut *conn)
        .await?;
    for (position, (name, terms)) in topics.iter().enumerate() {
        sqlx::query("INSERT INTO feedback_topics (position, name, terms) VALUES ($1, $2, $3)")
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(name)
            .bind(terms)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
