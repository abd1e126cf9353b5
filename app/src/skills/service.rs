//! The rules for skill areas.

use super::repo;
use super::{SkillArea, SkillAreaInput, SkillRef, SkillUse};
use crate::access::{Admin, Planner, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::db::{begin_write, unique_or, Db};
use crate::error::{AppError, AppResult};
use crate::values::Name;
use anyhow::Context;
use serde_json::json;
use sqlx::any::AnyExecutor;

impl From<repo::SkillAreaRow> for SkillArea {
    fn from(row: repo::SkillAreaRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            archived: row.archived,
            uses: None,
        }
    }
}

/// Every skill area, for the admin page and the plan editor; with use counts for admins only
/// (they count interviews of candidacies that others may not know about).
pub async fn list(db: &Db, planner: &Planner) -> AppResult<Vec<SkillArea>> {
    if !planner.user().is_admin() {
        return all(db).await;
    }
    Ok(repo::list_with_uses(db)
        .await
        .context("listing skill areas")?
        .into_iter()
        .map(|row| SkillArea {
            id: row.id,
            name: row.name,
            archived: row.archived,
            uses: Some(SkillUse {
                openings: row.openings,
                plan_interviews: row.plan_interviews,
                interviewed: row.interviewed,
            }),
        })
        .collect())
}

/// Every skill area (names are reference data every form shows; no personal data).
pub async fn all(db: &Db) -> AppResult<Vec<SkillArea>> {
    Ok(repo::list(db)
        .await
        .context("listing skill areas")?
        .into_iter()
        .map(SkillArea::from)
        .collect())
}

/// The skill areas that are not archived, by name, for pickers.
pub async fn active(db: &Db) -> AppResult<Vec<SkillRef>> {
    Ok(all(db)
        .await?
        .into_iter()
        .filter(|s| !s.archived)
        .map(|s| s.as_ref())
        .collect())
}

/// The names of the skill areas `ids` (unknown ids are left out).
pub async fn refs<'c>(db: impl AnyExecutor<'c>, ids: &[i64]) -> AppResult<Vec<SkillRef>> {
    Ok(repo::names(db, ids)
        .await
        .context("loading skill area names")?
        .into_iter()
        .map(|(id, name)| SkillRef { id, name })
        .collect())
}

fn taken() -> AppError {
    AppError::invalid("name", "A skill area with this name already exists.")
}

fn parse_name(input: &SkillAreaInput) -> AppResult<Name> {
    Name::parse_labelled(&input.name, "a name for the skill area")
        .map_err(|m| AppError::invalid("name", m))
}

pub async fn create(db: &Db, admin: &Admin, input: &SkillAreaInput, now: i64) -> AppResult<i64> {
    let name = parse_name(input)?;
    let mut tx = begin_write(db).await?;
    let id = unique_or(
        repo::insert(&mut *tx, name.as_str(), now).await,
        "adding a skill area",
        taken,
    )?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            admin.actor_id(),
            "skill_area",
            id,
            "create",
            format!("Added skill area {name}"),
        )
        .after(json!({"name": name.as_str()})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the skill area")?;
    Ok(id)
}

/// Renames a skill area; everything that refers to it follows, and the old name stays in
/// the audit log.
pub async fn rename(
    db: &Db,
    admin: &Admin,
    id: i64,
    input: &SkillAreaInput,
    now: i64,
) -> AppResult<()> {
    let name = parse_name(input)?;
    let mut tx = begin_write(db).await?;
    let before = repo::find(&mut *tx, id)
        .await
        .context("loading the skill area")?
        .ok_or(AppError::NotFound)?;
    unique_or(
        repo::rename(&mut *tx, id, name.as_str(), now).await,
        "renaming a skill area",
        taken,
    )?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            admin.actor_id(),
            "skill_area",
            id,
            "rename",
            format!("Renamed skill area {} to {name}", before.name),
        )
        .before(json!({"name": before.name}))
        .after(json!({"name": name.as_str()})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the rename")?;
    Ok(())
}

pub async fn set_archived(
    db: &Db,
    admin: &Admin,
    id: i64,
    archived: bool,
    now: i64,
) -> AppResult<()> {
    let mut tx = begin_write(db).await?;
    let before = repo::find(&mut *tx, id)
        .await
        .context("loading the skill area")?
        .ok_or(AppError::NotFound)?;
    repo::set_archived(&mut *tx, id, archived, now)
        .await
        .context("archiving")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            admin.actor_id(),
            "skill_area",
            id,
            if archived { "archive" } else { "restore" },
            format!(
                "{} skill area {}",
                if archived { "Archived" } else { "Restored" },
                before.name
            ),
        )
        .before(json!({"archived": before.archived}))
        .after(json!({"archived": archived})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the archive")?;
    Ok(())
}

/// Deletes an unused skill area. One that is in use can only be archived.
pub async fn delete(db: &Db, admin: &Admin, id: i64, now: i64) -> AppResult<()> {
    let mut tx = begin_write(db).await?;
    let before = repo::find(&mut *tx, id)
        .await
        .context("loading the skill area")?
        .ok_or(AppError::NotFound)?;
    let uses = SkillUse {
        openings: before.openings,
        plan_interviews: before.plan_interviews,
        interviewed: before.interviewed,
    };
    if uses.in_use() {
        return Err(AppError::Conflict(format!(
            "{} is in use ({}) and cannot be deleted. Archive it instead.",
            before.name,
            uses.describe()
        )));
    }
    repo::delete(&mut *tx, id).await.context("deleting")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            admin.actor_id(),
            "skill_area",
            id,
            "delete",
            format!("Deleted skill area {}", before.name),
        )
        .before(json!({"name": before.name})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the delete")?;
    Ok(())
}

/// Checks that every id names an existing, non-archived skill area; the error is the message
/// for the form field. Returns the ids sorted, without repeats.
pub async fn check_active<'c>(
    db: impl AnyExecutor<'c>,
    ids: &[i64],
) -> AppResult<Result<Vec<i64>, String>> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let found = repo::count_active_among(db, &unique)
        .await
        .context("checking skill areas")?;
    if usize::try_from(found).ok() == Some(unique.len()) {
        Ok(Ok(unique))
    } else {
        Ok(Err(
            "Choose skill areas from the list (archived ones cannot be used).".into(),
        ))
    }
}
