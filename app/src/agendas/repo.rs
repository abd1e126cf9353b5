//! The SQL of agendas.

use super::rules::ValidItem;
use super::{AgendaItem, AgendaTemplateSummary};
use crate::db::Flag;
use sqlx::any::AnyExecutor;
use sqlx::{AnyConnection, FromRow};

/// The most templates the list shows (a company keeps a handful).
const TEMPLATE_LIMIT: i64 = 200;

#[tracing::instrument(skip(db))]
pub async fn templates<'c>(db: impl AnyExecutor<'c>) -> sqlx::Result<Vec<AgendaTemplateSummary>> {
    sqlx::query_as(
        "SELECT t.id, t.name, \
         (SELECT COUNT(*) FROM agenda_template_items i WHERE i.template_id = t.id) AS items, \
         (SELECT CAST(COALESCE(SUM(i.minutes), 0) AS BIGINT) FROM agenda_template_items i WHERE i.template_id = t.id) AS total_minutes, \
         (SELECT COUNT(*) FROM interview_templates it WHERE it.agenda_template_id = t.id) AS used_by \
         FROM agenda_templates t ORDER BY t.name, t.id LIMIT $1",
    )
    .bind(TEMPLATE_LIMIT)
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn template_name<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT name FROM agenda_templates WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip(db))]
pub async fn template_items<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
) -> sqlx::Result<Vec<AgendaItem>> {
    sqlx::query_as(
        "SELECT id, position, title, minutes, guidance, is_coding AS coding \
         FROM agenda_template_items WHERE template_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn insert_template<'c>(
    db: impl AnyExecutor<'c>,
    name: &str,
    by: Option<i64>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO agenda_templates (name, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $3) RETURNING id",
    )
    .bind(name)
    .bind(by)
    .bind(now)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn rename_template<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    name: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE agenda_templates SET name = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(now)
        .execute(db)
        .await
        .map(|_| ())
}

#[tracing::instrument(skip(db))]
pub async fn delete_template<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM agenda_templates WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Replaces a template's (`table` `agenda_template_items`, owner `template_id`) or an
/// interview's (`agenda_items`, `interview_id`) items.
async fn replace(
    conn: &mut AnyConnection,
    table: &str,
    owner_column: &str,
    owner: i64,
    items: &[ValidItem],
) -> sqlx::Result<()> {
    sqlx::query(&format!("DELETE FROM {table} WHERE {owner_column} = $1"))
        .bind(owner)
        .execute(&mut *conn)
        .await?;
    let insert = format!(
        "INSERT INTO {table} ({owner_column}, position, title, minutes, guidance, is_coding) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    );
    for (position, item) in (1_i64..).zip(items) {
        sqlx::query(&insert)
            .bind(owner)
            .bind(position)
            .bind(&item.title)
            .bind(item.minutes)
            .bind(&item.guidance)
            .bind(item.coding)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[tracing::instrument(skip(conn, items))]
pub async fn replace_template_items(
    conn: &mut AnyConnection,
    id: i64,
    items: &[ValidItem],
) -> sqlx::Result<()> {
    replace(conn, "agenda_template_items", "template_id", id, items).await
}

#[tracing::instrument(skip(conn, items))]
pub async fn replace_interview_items(
    conn: &mut AnyConnection,
    interview_id: i64,
    items: &[ValidItem],
) -> sqlx::Result<()> {
    replace(conn, "agenda_items", "interview_id", interview_id, items).await
}

#[tracing::instrument(skip(db))]
pub async fn interview_items<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
) -> sqlx::Result<Vec<AgendaItem>> {
    sqlx::query_as(
        "SELECT id, position, title, minutes, guidance, is_coding AS coding \
         FROM agenda_items WHERE interview_id = $1 ORDER BY position, id",
    )
    .bind(interview_id)
    .fetch_all(db)
    .await
}

/// Copies the agenda template of interview template `template_id` (if it has one) into
/// interview `interview_id`.
#[tracing::instrument(skip(db))]
pub async fn copy_from_plan<'c>(
    db: impl AnyExecutor<'c>,
    template_id: i64,
    interview_id: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO agenda_items (interview_id, position, title, minutes, guidance, is_coding) \
         SELECT $2, i.position, i.title, i.minutes, i.guidance, i.is_coding \
         FROM agenda_template_items i JOIN interview_templates t ON t.agenda_template_id = i.template_id \
         WHERE t.id = $1",
    )
    .bind(template_id)
    .bind(interview_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// What the agenda editor shows about the interview.
#[derive(Debug, Clone, FromRow)]
pub struct InterviewFacts {
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub duration_minutes: i64,
    pub status: crate::interviews::InterviewStatus,
    pub candidate_name: String,
    #[sqlx(try_from = "Flag")]
    pub started: bool,
}

#[tracing::instrument(skip(db))]
pub async fn interview_facts<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
) -> sqlx::Result<Option<InterviewFacts>> {
    sqlx::query_as(
        "SELECT i.title, i.starts_at, i.ends_at, i.duration_minutes, i.status, c.name AS candidate_name, \
         EXISTS (SELECT 1 FROM interview_clocks k WHERE k.interview_id = i.id) AS started \
         FROM interviews i JOIN applications a ON a.id = i.application_id \
         JOIN candidates c ON c.id = a.candidate_id WHERE i.id = $1",
    )
    .bind(interview_id)
    .fetch_optional(db)
    .await
}

/// The longest challenge assigned in an interview: its title and expected minutes.
#[tracing::instrument(skip(db))]
pub async fn longest_challenge<'c>(
    db: impl AnyExecutor<'c>,
    interview_id: i64,
) -> sqlx::Result<Option<(String, i64)>> {
    sqlx::query_as(
        "SELECT c.title, c.expected_minutes FROM interview_assignments ia \
         JOIN challenges c ON c.id = ia.challenge_id WHERE ia.interview_id = $1 \
         ORDER BY c.expected_minutes DESC, c.id LIMIT 1",
    )
    .bind(interview_id)
    .fetch_optional(db)
    .await
}
