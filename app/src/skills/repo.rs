//! SQL for `skill_areas`.

use sqlx::any::AnyExecutor;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub struct SkillAreaRow {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "crate::db::Flag")]
    pub archived: bool,
}

/// A skill area with what refers to it.
#[derive(Debug, Clone, FromRow)]
pub struct SkillAreaUse {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "crate::db::Flag")]
    pub archived: bool,
    pub openings: i64,
    pub plan_interviews: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    pub interviewed: bool,
}

const SELECT: &str = "SELECT s.id, s.name, s.archived FROM skill_areas s";

// Openings and plan interviews are counted (bounded by the plans); interview assignments,
// which grow with every interview ever held, are only checked for existence. Each part is
// an index lookup on the skill area.
const SELECT_USES: &str = "SELECT s.id, s.name, s.archived, \
     (SELECT COUNT(*) FROM opening_skill_areas o WHERE o.skill_area_id = s.id) AS openings, \
     (SELECT COUNT(*) FROM template_skill_areas t WHERE t.skill_area_id = s.id) AS plan_interviews, \
     EXISTS (SELECT 1 FROM assignment_skill_areas a WHERE a.skill_area_id = s.id) AS interviewed \
     FROM skill_areas s";

#[tracing::instrument(skip(db))]
pub async fn list<'c>(db: impl AnyExecutor<'c>) -> sqlx::Result<Vec<SkillAreaRow>> {
    sqlx::query_as(&format!("{SELECT} ORDER BY s.archived, lower(s.name)"))
        .fetch_all(db)
        .await
}

#[tracing::instrument(skip(db))]
pub async fn list_with_uses<'c>(db: impl AnyExecutor<'c>) -> sqlx::Result<Vec<SkillAreaUse>> {
    sqlx::query_as(&format!("{SELECT_USES} ORDER BY s.archived, lower(s.name)"))
        .fetch_all(db)
        .await
}

#[tracing::instrument(skip(db))]
pub async fn find<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Option<SkillAreaUse>> {
    sqlx::query_as(&format!("{SELECT_USES} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip(db))]
pub async fn insert<'c>(db: impl AnyExecutor<'c>, name: &str, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO skill_areas (name, archived, created_at, updated_at) \
         VALUES ($1, FALSE, $2, $2) RETURNING id",
    )
    .bind(name)
    .bind(now)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn rename<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    name: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE skill_areas SET name = $1, updated_at = $2 WHERE id = $3")
        .bind(name)
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

#[tracing::instrument(skip(db))]
pub async fn set_archived<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    archived: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE skill_areas SET archived = $1, updated_at = $2 WHERE id = $3")
        .bind(archived)
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

#[tracing::instrument(skip(db))]
pub async fn delete<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM skill_areas WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// How many of `ids` exist and are not archived.
#[tracing::instrument(skip(db))]
pub async fn count_active_among<'c>(db: impl AnyExecutor<'c>, ids: &[i64]) -> sqlx::Result<i64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let placeholders = (1..=ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT COUNT(*) FROM skill_areas WHERE archived = FALSE AND id IN ({placeholders})"
    );
    let mut query = sqlx::query_scalar(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_one(db).await
}

/// The names of the skill areas `ids`.
#[tracing::instrument(skip(db))]
pub async fn names<'c>(db: impl AnyExecutor<'c>, ids: &[i64]) -> sqlx::Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = (1..=ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT id, name FROM skill_areas WHERE id IN ({placeholders}) ORDER BY lower(name)"
    );
    let mut query = sqlx::query_as(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}
