//! SQL for openings and their interview plans.

use super::{OpeningStatus, StageKind};
use sqlx::any::AnyExecutor;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct OpeningRow {
    pub id: i64,
    pub title: String,
    pub team: String,
    pub level: String,
    pub location: String,
    pub description: String,
    pub hiring_manager_id: i64,
    pub hiring_manager: String,
    pub status: OpeningStatus,
}

const SELECT_OPENING: &str = "SELECT o.id, o.title, o.team, o.level, o.location, o.description, \
     o.hiring_manager_id, u.name AS hiring_manager, o.status \
     FROM openings o JOIN users u ON u.id = o.hiring_manager_id";

#[tracing::instrument(skip(db))]
pub async fn find<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Option<OpeningRow>> {
    sqlx::query_as(&format!("{SELECT_OPENING} WHERE o.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct OpeningListRow {
    pub id: i64,
    pub title: String,
    pub team: String,
    pub level: String,
    pub location: String,
    pub status: OpeningStatus,
    pub hiring_manager: String,
}

/// Openings the viewer manages (all of them for admins), open ones first.
#[tracing::instrument(skip(db))]
pub async fn list_for<'c>(
    db: impl AnyExecutor<'c>,
    viewer: i64,
    is_admin: bool,
    current_only: bool,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<OpeningListRow>> {
    sqlx::query_as(
        "SELECT o.id, o.title, o.team, o.level, o.location, o.status, u.name AS hiring_manager \
         FROM openings o JOIN users u ON u.id = o.hiring_manager_id \
         WHERE ($2 = TRUE OR o.hiring_manager_id = $1) AND ($3 = FALSE OR o.status <> 'closed') \
         ORDER BY CASE o.status WHEN 'open' THEN 0 WHEN 'draft' THEN 1 WHEN 'on_hold' THEN 2 ELSE 3 END, \
         o.title, o.id LIMIT $4 OFFSET $5",
    )
    .bind(viewer)
    .bind(is_admin)
    .bind(current_only)
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await
}

/// Active applications the viewer may see, per opening of `ids` (openings without any
/// are left out). One query for a page of openings.
#[tracing::instrument(skip(db))]
pub async fn active_counts<'c>(
    db: impl AnyExecutor<'c>,
    ids: &[i64],
    viewer: i64,
    is_admin: bool,
) -> sqlx::Result<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT a.opening_id, COUNT(*) FROM applications a \
         JOIN candidates c ON c.id = a.candidate_id \
         WHERE a.opening_id IN ({}) AND a.status = 'active' \
         AND ($1 = TRUE OR NOT (c.is_internal = TRUE AND COALESCE(c.current_manager_id, -1) = $2)) \
         GROUP BY a.opening_id",
        crate::db::placeholders(3, ids.len())
    );
    let mut query = sqlx::query_as(&sql).bind(is_admin).bind(viewer);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

/// The fields of an opening as entered.
#[derive(Debug)]
pub struct OpeningFields<'a> {
    pub title: &'a str,
    pub team: &'a str,
    pub level: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub hiring_manager_id: i64,
    pub status: OpeningStatus,
}

#[tracing::instrument(skip_all)]
pub async fn insert<'c>(
    db: impl AnyExecutor<'c>,
    o: &OpeningFields<'_>,
    created_by: i64,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO openings (title, team, level, location, description, hiring_manager_id, \
         status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(o.title)
    .bind(o.team)
    .bind(o.level)
    .bind(o.location)
    .bind(o.description)
    .bind(o.hiring_manager_id)
    .bind(o.status)
    .bind(created_by)
    .bind(now)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all, fields(id))]
pub async fn update<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    o: &OpeningFields<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE openings SET title = $1, team = $2, level = $3, location = $4, description = $5, \
         hiring_manager_id = $6, status = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(o.title)
    .bind(o.team)
    .bind(o.level)
    .bind(o.location)
    .bind(o.description)
    .bind(o.hiring_manager_id)
    .bind(o.status)
    .bind(now)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct SkillRow {
    pub owner_id: i64,
    pub skill_id: i64,
    pub name: String,
}

#[tracing::instrument(skip(db))]
pub async fn required_skills<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
) -> sqlx::Result<Vec<SkillRow>> {
    sqlx::query_as(
        "SELECT os.opening_id AS owner_id, s.id AS skill_id, s.name FROM opening_skill_areas os \
         JOIN skill_areas s ON s.id = os.skill_area_id WHERE os.opening_id = $1 ORDER BY lower(s.name)",
    )
    .bind(opening_id)
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(conn))]
pub async fn set_required_skills(
    conn: &mut sqlx::AnyConnection,
    opening_id: i64,
    skills: &[i64],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM opening_skill_areas WHERE opening_id = $1")
        .bind(opening_id)
        .execute(&mut *conn)
        .await?;
    for skill in skills {
        sqlx::query("INSERT INTO opening_skill_areas (opening_id, skill_area_id) VALUES ($1, $2)")
            .bind(opening_id)
            .bind(skill)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct StageRow {
    pub id: i64,
    pub opening_id: i64,
    pub position: i64,
    pub name: String,
    pub kind: StageKind,
    #[sqlx(try_from = "crate::db::Flag")]
    pub skip_for_internal: bool,
}

const SELECT_STAGE: &str =
    "SELECT id, opening_id, position, name, kind, skip_for_internal FROM stages";

#[tracing::instrument(skip(db))]
pub async fn stages<'c>(db: impl AnyExecutor<'c>, opening_id: i64) -> sqlx::Result<Vec<StageRow>> {
    sqlx::query_as(&format!(
        "{SELECT_STAGE} WHERE opening_id = $1 ORDER BY position, id"
    ))
    .bind(opening_id)
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn find_stage<'c>(
    db: impl AnyExecutor<'c>,
    stage_id: i64,
) -> sqlx::Result<Option<StageRow>> {
    sqlx::query_as(&format!("{SELECT_STAGE} WHERE id = $1"))
        .bind(stage_id)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip(db))]
pub async fn insert_stage<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
    name: &str,
    kind: StageKind,
    skip_for_internal: bool,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO stages (opening_id, position, name, kind, skip_for_internal) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM stages WHERE opening_id = $1), \
         $2, $3, $4) RETURNING id",
    )
    .bind(opening_id)
    .bind(name)
    .bind(kind)
    .bind(skip_for_internal)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn update_stage<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    name: &str,
    skip_for_internal: bool,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE stages SET name = $1, skip_for_internal = $2 WHERE id = $3")
        .bind(name)
        .bind(skip_for_internal)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

#[tracing::instrument(skip(db))]
pub async fn set_stage_position<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    position: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE stages SET position = $1 WHERE id = $2")
        .bind(position)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Applications, interviews and history entries that refer to a stage.
#[tracing::instrument(skip(db))]
pub async fn stage_references<'c>(db: impl AnyExecutor<'c>, stage_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM applications WHERE stage_id = $1) \
         + (SELECT COUNT(*) FROM interviews WHERE stage_id = $1) \
         + (SELECT COUNT(*) FROM application_events WHERE from_stage_id = $1 OR to_stage_id = $1)",
    )
    .bind(stage_id)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn delete_stage<'c>(db: impl AnyExecutor<'c>, stage_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM stages WHERE id = $1")
        .bind(stage_id)
        .execute(db)
        .await
        .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct TemplateRow {
    pub id: i64,
    pub stage_id: i64,
    pub name: String,
    pub duration_minutes: i64,
    pub agenda_id: Option<i64>,
    pub agenda: Option<String>,
}

#[tracing::instrument(skip(db))]
pub async fn templates<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
) -> sqlx::Result<Vec<TemplateRow>> {
    sqlx::query_as(
        "SELECT t.id, t.stage_id, t.name, t.duration_minutes, g.id AS agenda_id, g.name AS agenda FROM interview_templates t \
         JOIN stages s ON s.id = t.stage_id LEFT JOIN agenda_templates g ON g.id = t.agenda_template_id WHERE s.opening_id = $1 ORDER BY t.position, t.id",
    )
    .bind(opening_id)
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn template_skills<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
) -> sqlx::Result<Vec<SkillRow>> {
    sqlx::query_as(
        "SELECT ts.template_id AS owner_id, sa.id AS skill_id, sa.name FROM template_skill_areas ts \
         JOIN skill_areas sa ON sa.id = ts.skill_area_id \
         JOIN interview_templates t ON t.id = ts.template_id \
         JOIN stages s ON s.id = t.stage_id WHERE s.opening_id = $1 ORDER BY lower(sa.name)",
    )
    .bind(opening_id)
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(conn))]
pub async fn insert_template(
    conn: &mut sqlx::AnyConnection,
    stage_id: i64,
    name: &str,
    duration_minutes: i64,
    skills: &[i64],
    agenda_template_id: Option<i64>,
) -> sqlx::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO interview_templates (stage_id, position, name, duration_minutes, agenda_template_id) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM interview_templates WHERE stage_id = $1), \
         $2, $3, $4) RETURNING id",
    )
    .bind(stage_id)
    .bind(name)
    .bind(duration_minutes)
    .bind(agenda_template_id)
    .fetch_one(&mut *conn)
    .await?;
    for skill in skills {
        sqlx::query(
            "INSERT INTO template_skill_areas (template_id, skill_area_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(skill)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// A template with the opening it belongs to.
#[derive(Debug, Clone, FromRow)]
pub struct TemplateOwner {
    pub id: i64,
    pub name: String,
    pub stage_id: i64,
    pub opening_id: i64,
}

#[tracing::instrument(skip(db))]
pub async fn find_template<'c>(
    db: impl AnyExecutor<'c>,
    template_id: i64,
) -> sqlx::Result<Option<TemplateOwner>> {
    sqlx::query_as(
        "SELECT t.id, t.name, t.stage_id, s.opening_id FROM interview_templates t \
         JOIN stages s ON s.id = t.stage_id WHERE t.id = $1",
    )
    .bind(template_id)
    .fetch_optional(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn delete_template<'c>(db: impl AnyExecutor<'c>, template_id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM interview_templates WHERE id = $1")
        .bind(template_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// An opening by id and title.
#[derive(Debug, Clone, FromRow)]
pub struct OpeningRef {
    pub id: i64,
    pub name: String,
}

/// Other openings a viewer manages (all for admins) that have a plan, to copy one from.
#[tracing::instrument(skip(db))]
pub async fn copy_sources<'c>(
    db: impl AnyExecutor<'c>,
    opening_id: i64,
    viewer: i64,
    is_admin: bool,
) -> sqlx::Result<Vec<OpeningRef>> {
    sqlx::query_as(
        "SELECT o.id, o.title AS name FROM openings o WHERE o.id <> $1 \
         AND ($3 = TRUE OR o.hiring_manager_id = $2) \
         AND EXISTS (SELECT 1 FROM stages s WHERE s.opening_id = o.id) ORDER BY o.title, o.id",
    )
    .bind(opening_id)
    .bind(viewer)
    .bind(is_admin)
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn set_template_agenda<'c>(
    db: impl AnyExecutor<'c>,
    template_id: i64,
    agenda_template_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE interview_templates SET agenda_template_id = $2 WHERE id = $1")
        .bind(template_id)
        .bind(agenda_template_id)
        .execute(db)
        .await
        .map(|_| ())
}
