//! SQL for `candidates`.

use super::Source;
use crate::access::sql::candidate_visible as candidate_visible_sql;
use sqlx::any::AnyExecutor;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct CandidateRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub source: Source,
    pub links: String,
    pub resume_text: String,
    pub resume_pdf_name: Option<String>,
    pub resume_pdf_size: Option<i64>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_internal: bool,
    pub current_title: Option<String>,
    pub current_team: Option<String>,
    pub current_manager_id: Option<i64>,
    pub current_manager: Option<String>,
    pub start_date: Option<String>,
    pub created_by: Option<i64>,
}

const SELECT: &str = "SELECT c.id, c.name, c.email, c.phone, c.source, c.links, c.resume_text, \
     c.resume_pdf_name, c.resume_pdf_size, c.is_internal, c.current_title, c.current_team, \
     c.current_manager_id, m.name AS current_manager, c.start_date, c.created_by \
     FROM candidates c LEFT JOIN users m ON m.id = c.current_manager_id";

#[tracing::instrument(skip(db))]
pub async fn find<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Option<CandidateRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Candidates with this (lower-cased) email that `viewer` may see.
#[tracing::instrument(skip_all)]
pub async fn visible_with_email<'c>(
    db: impl AnyExecutor<'c>,
    email: &str,
    viewer: i64,
    is_admin: bool,
) -> sqlx::Result<Vec<CandidateRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE c.email = $1 AND {} ORDER BY c.id",
        candidate_visible_sql(2, 3)
    ))
    .bind(email)
    .bind(viewer)
    .bind(is_admin)
    .fetch_all(db)
    .await
}

/// A line of the candidates list.
#[derive(Debug, Clone, FromRow)]
pub struct SummaryRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub source: Source,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_internal: bool,
}

/// Visible candidates whose name or email contains `query` (case-insensitive), by name,
/// `limit` from `offset` (the name index gives the order, so a page reads few rows).
#[tracing::instrument(skip(db))]
pub async fn search<'c>(
    db: impl AnyExecutor<'c>,
    query: &str,
    viewer: i64,
    is_admin: bool,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<SummaryRow>> {
    let pattern = format!("%{}%", query.to_lowercase().replace(['%', '_'], ""));
    sqlx::query_as(&format!(
        "SELECT c.id, c.name, c.email, c.source, c.is_internal FROM candidates c \
         WHERE ($1 = '%%' OR lower(c.name) LIKE $1 OR c.email LIKE $1) AND {} \
         ORDER BY lower(c.name), c.id LIMIT $4 OFFSET $5",
        candidate_visible_sql(2, 3)
    ))
    .bind(pattern)
    .bind(viewer)
    .bind(is_admin)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// A candidate's fields as entered.
#[derive(Debug)]
pub struct CandidateFields<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub source: Source,
    pub links: &'a str,
    pub resume_text: &'a str,
    pub is_internal: bool,
    pub current_title: Option<&'a str>,
    pub current_team: Option<&'a str>,
    pub current_manager_id: Option<i64>,
    pub start_date: Option<&'a str>,
}

#[tracing::instrument(skip_all)]
pub async fn insert<'c>(
    db: impl AnyExecutor<'c>,
    c: &CandidateFields<'_>,
    created_by: i64,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO candidates (name, email, phone, source, links, resume_text, is_internal, \
         current_title, current_team, current_manager_id, start_date, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    )
    .bind(c.name)
    .bind(c.email)
    .bind(c.phone)
    .bind(c.source)
    .bind(c.links)
    .bind(c.resume_text)
    .bind(c.is_internal)
    .bind(c.current_title)
    .bind(c.current_team)
    .bind(c.current_manager_id)
    .bind(c.start_date)
    .bind(created_by)
    .bind(now)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all, fields(id))]
pub async fn update<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    c: &CandidateFields<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE candidates SET name = $1, email = $2, phone = $3, source = $4, links = $5, \
         resume_text = $6, is_internal = $7, current_title = $8, current_team = $9, \
         current_manager_id = $10, start_date = $11, updated_at = $12 WHERE id = $13",
    )
    .bind(c.name)
    .bind(c.email)
    .bind(c.phone)
    .bind(c.source)
    .bind(c.links)
    .bind(c.resume_text)
    .bind(c.is_internal)
    .bind(c.current_title)
    .bind(c.current_team)
    .bind(c.current_manager_id)
    .bind(c.start_date)
    .bind(now)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Stores a candidate's resume PDF (replacing any earlier one).
#[tracing::instrument(skip(conn, bytes))]
pub async fn set_resume_pdf(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    name: &str,
    bytes: Vec<u8>,
    now: i64,
) -> sqlx::Result<()> {
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    sqlx::query(
        "UPDATE candidates SET resume_pdf_name = $1, resume_pdf_size = $2, updated_at = $3 \
         WHERE id = $4",
    )
    .bind(name)
    .bind(size)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO resume_files (candidate_id, content) VALUES ($1, $2) \
         ON CONFLICT (candidate_id) DO UPDATE SET content = excluded.content",
    )
    .bind(id)
    .bind(bytes)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct PdfRow {
    pub resume_pdf: Option<Vec<u8>>,
    pub resume_pdf_name: Option<String>,
}

#[tracing::instrument(skip(db))]
pub async fn resume_pdf<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Option<PdfRow>> {
    sqlx::query_as(
        "SELECT f.content AS resume_pdf, c.resume_pdf_name FROM candidates c \
         LEFT JOIN resume_files f ON f.candidate_id = c.id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ApplicationLine {
    pub id: i64,
    pub opening_id: i64,
    pub opening_title: String,
    pub stage: String,
    pub status: crate::applications::ApplicationStatus,
    pub hiring_manager_id: i64,
}

/// A candidate's applications (the caller filters what the viewer may see).
#[tracing::instrument(skip(db))]
pub async fn applications<'c>(
    db: impl AnyExecutor<'c>,
    candidate_id: i64,
) -> sqlx::Result<Vec<ApplicationLine>> {
    sqlx::query_as(
        "SELECT a.id, a.opening_id, o.title AS opening_title, s.name AS stage, a.status, \
         o.hiring_manager_id FROM applications a JOIN openings o ON o.id = a.opening_id \
         JOIN stages s ON s.id = a.stage_id WHERE a.candidate_id = $1 ORDER BY a.created_at DESC, a.id DESC",
    )
    .bind(candidate_id)
    .fetch_all(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct OpeningChoice {
    pub id: i64,
    pub title: String,
}

/// Openings the viewer manages (all for admins) that are not closed, optionally excluding
/// those `candidate_id` already applied to.
#[tracing::instrument(skip(db))]
pub async fn managed_openings<'c>(
    db: impl AnyExecutor<'c>,
    viewer: i64,
    is_admin: bool,
    candidate_id: i64,
) -> sqlx::Result<Vec<OpeningChoice>> {
    sqlx::query_as(
        "SELECT o.id, o.title FROM openings o WHERE ($2 = TRUE OR o.hiring_manager_id = $1) \
         AND o.status <> 'closed' \
         AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.opening_id = o.id AND a.candidate_id = $3) \
         AND EXISTS (SELECT 1 FROM stages s WHERE s.opening_id = o.id) \
         ORDER BY o.title, o.id",
    )
    .bind(viewer)
    .bind(is_admin)
    .bind(candidate_id)
    .fetch_all(db)
    .await
}
