//! The rules for skill areas.

use super::repo;
use super::SkillArea;
use crate::audit::repo::{self as audit, NewEntry};
use crate::auth::CurrentUser;
use crate::db::{now, unique_or, Db};
use crate::error::{AppError, AppResult};
use crate::values::Name;
use anyhow::Context;
use serde_json::json;

impl From<repo::SkillAreaRow> for SkillArea {
    fn from(row: repo::SkillAreaRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            archived: row.archived,
            uses: row.uses,
        }
    }
}

pub async fn list(db: &Db) -> AppResult<Vec<SkillArea>> {
    Ok(repo::list(db)
        .await
        .context("listing skill areas")?
        .into_iter()
        .map(SkillArea::from)
        .collect())
}

fn taken() -> AppError {
    AppError::invalid("name", "A skill area with this name already exists.")
}

pub async fn create(db: &Db, actor: &CurrentUser, name: &str) -> AppResult<i64> {
    let name = Name::parse_labelled(name, "a name for the skill area")
        .map_err(|m| AppError::invalid("name", m))?;
    let mut tx = db.begin().await.context("starting to add a skill area")?;
    let id = unique_or(
        repo::insert(&mut *tx, name.as_str(), now()).await,
        "adding a skill area",
        taken,
    )?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            actor,
            "skill_area",
            id,
            "create",
            format!("Added skill area {name}"),
        )
        .after(json!({"name": name.as_str()})),
        now(),
    )
    .await
    .context("auditing the skill area")?;
    tx.commit().await.context("committing the skill area")?;
    Ok(id)
}

/// Renames a skill area; everything that refers to it follows, and the old name stays in
/// the audit log.
pub async fn rename(db: &Db, actor: &CurrentUser, id: i64, name: &str) -> AppResult<()> {
    let name = Name::parse_labelled(name, "a name for the skill area")
        .map_err(|m| AppError::invalid("name", m))?;
    let mut tx = db.begin().await.context("starting a rename")?;
    let before = repo::find(&mut *tx, id)
        .await
        .context("loading the skill area")?
        .ok_or(AppError::NotFound)?;
    unique_or(
        repo::rename(&mut *tx, id, name.as_str(), now()).await,
        "renaming a skill area",
        taken,
    )?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            actor,
            "skill_area",
            id,
            "rename",
            format!("Renamed skill area {} to {name}", before.name),
        )
        .before(json!({"name": before.name}))
        .after(json!({"name": name.as_str()})),
        now(),
    )
    .await
    .context("auditing the rename")?;
    tx.commit().await.context("committing the rename")?;
    Ok(())
}

pub async fn set_archived(db: &Db, actor: &CurrentUser, id: i64, archived: bool) -> AppResult<()> {
    let mut tx = db.begin().await.context("starting to archive")?;
    let before = repo::find(&mut *tx, id)
        .await
        .context("loading the skill area")?
        .ok_or(AppError::NotFound)?;
    repo::set_archived(&mut *tx, id, archived, now())
        .await
        .context("archiving")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            actor,
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
        now(),
    )
    .await
    .context("auditing the archive")?;
    tx.commit().await.context("committing the archive")?;
    Ok(())
}

/// Deletes an unused skill area. One that is in use can only be archived.
pub async fn delete(db: &Db, actor: &CurrentUser, id: i64) -> AppResult<()> {
    let mut tx = db.begin().await.context("starting a delete")?;
    let before = repo::find(&mut *tx, id)
        .await
        .context("loading the skill area")?
        .ok_or(AppError::NotFound)?;
    if before.uses > 0 {
        return Err(AppError::Conflict(format!(
            "{} is in use ({} references) and cannot be deleted. Archive it instead.",
            before.name, before.uses
        )));
    }
    repo::delete(&mut *tx, id).await.context("deleting")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            actor,
            "skill_area",
            id,
            "delete",
            format!("Deleted skill area {}", before.name),
        )
        .before(json!({"name": before.name})),
        now(),
    )
    .await
    .context("auditing the delete")?;
    tx.commit().await.context("committing the delete")?;
    Ok(())
}

/// Checks that every id names an existing, non-archived skill area.
pub async fn check_active<'c>(
    db: impl sqlx::any::AnyExecutor<'c>,
    ids: &[i64],
    field: &str,
) -> AppResult<()> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let found = repo::count_active_among(db, &unique)
        .await
        .context("checking skill areas")?;
    if usize::try_from(found).ok() == Some(unique.len()) {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            "Choose skill areas from the list (archived ones cannot be used).",
        ))
    }
}
