//! The rules for agenda templates and interviews' agendas.

use super::repo;
use super::rules::{self, ValidItem};
use super::{
    AgendaEditorData, AgendaInput, AgendaItem, AgendaTemplateData, AgendaTemplateInput,
    AgendaTemplateSummary, CodingNeed, UseTemplateInput, DEFAULT_BLANK_ROWS, MAX_ITEMS,
};
use crate::access::{KitScope, Planner, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::db::{begin_write, unique_or, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::interviews::InterviewStatus;
use crate::values::Name;
use anyhow::Context;
use serde_json::json;
use sqlx::AnyConnection;

/// How many blank rows to offer: `asked`, or the default, within the item limit.
fn blank_rows(asked: usize, existing: usize) -> usize {
    let wanted = if asked == 0 {
        DEFAULT_BLANK_ROWS
    } else {
        asked
    };
    wanted.min(MAX_ITEMS.saturating_sub(existing).max(1))
}

fn snapshot(items: &[ValidItem]) -> serde_json::Value {
    json!(items
        .iter()
        .map(|i| json!({"title": i.title, "minutes": i.minutes, "coding": i.coding}))
        .collect::<Vec<_>>())
}

impl From<AgendaItem> for ValidItem {
    /// A saved item is valid by construction (the rules ran when it was saved).
    fn from(item: AgendaItem) -> Self {
        Self {
            title: item.title,
            minutes: item.minutes,
            guidance: item.guidance,
            coding: item.coding,
        }
    }
}

fn snapshot_rows(items: Vec<AgendaItem>) -> serde_json::Value {
    snapshot(&items.into_iter().map(ValidItem::from).collect::<Vec<_>>())
}

pub async fn templates(db: &Db, _planner: &Planner) -> AppResult<Vec<AgendaTemplateSummary>> {
    Ok(repo::templates(db)
        .await
        .context("listing agenda templates")?)
}

/// Agenda templates as picker choices: `(id, "name (n min)")`.
pub async fn template_choices(db: &Db) -> AppResult<Vec<(String, String)>> {
    Ok(repo::templates(db)
        .await
        .context("listing agenda templates")?
        .into_iter()
        .filter(|t| t.items > 0)
        .map(|t| {
            (
                t.id.to_string(),
                format!("{} ({} min)", t.name, t.total_minutes),
            )
        })
        .collect())
}

fn taken() -> AppError {
    AppError::invalid("name", "An agenda template with this name already exists.")
}

fn parse_name(raw: &str) -> Result<Name, String> {
    Name::parse_labelled(raw, "a name for the agenda template")
}

/// Adds an agenda template (its items are added in its editor, or here).
pub async fn create_template(
    db: &Db,
    planner: &Planner,
    input: &AgendaTemplateInput,
    now: i64,
) -> AppResult<i64> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", parse_name(&input.name));
    let items = if input
        .items
        .iter()
        .all(|r| r.title.trim().is_empty() && r.minutes.trim().is_empty())
    {
        Vec::new()
    } else {
        rules::parse_items(&input.items, &mut errors)
    };
    errors.finish()?;
    let name = name.ok_or(AppError::Unexpected)?;
    let mut tx = begin_write(db).await?;
    let id = unique_or(
        repo::insert_template(&mut *tx, name.as_str(), planner.actor_id(), now).await,
        "adding an agenda template",
        taken,
    )?;
    repo::replace_template_items(&mut tx, id, &items)
        .await
        .context("saving the agenda items")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            planner.actor_id(),
            "agenda_template",
            id,
            "create",
            format!("Added agenda template {name}"),
        )
        .after(json!({"name": name.as_str(), "items": snapshot(&items)})),
        now,
    )
    .await?;
    tx.commit()
        .await
        .context("committing the agenda template")?;
    Ok(id)
}

pub async fn template(
    db: &Db,
    _planner: &Planner,
    id: i64,
    rows: usize,
) -> AppResult<AgendaTemplateData> {
    let name = repo::template_name(db, id)
        .await
        .context("loading the agenda template")?
        .ok_or(AppError::NotFound)?;
    let items = repo::template_items(db, id)
        .await
        .context("loading the agenda items")?;
    Ok(AgendaTemplateData {
        id,
        name,
        blank_rows: blank_rows(rows, items.len()),
        items,
    })
}

/// Saves a template's name and items as a whole.
pub async fn save_template(
    db: &Db,
    planner: &Planner,
    id: i64,
    input: &AgendaTemplateInput,
    now: i64,
) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", parse_name(&input.name));
    let items = rules::parse_items(&input.items, &mut errors);
    errors.finish()?;
    let name = name.ok_or(AppError::Unexpected)?;
    let mut tx = begin_write(db).await?;
    let before_name = repo::template_name(&mut *tx, id)
        .await
        .context("loading the agenda template")?
        .ok_or(AppError::NotFound)?;
    let before = repo::template_items(&mut *tx, id)
        .await
        .context("loading the agenda items")?;
    unique_or(
        repo::rename_template(&mut *tx, id, name.as_str(), now).await,
        "renaming an agenda template",
        taken,
    )?;
    repo::replace_template_items(&mut tx, id, &items)
        .await
        .context("saving the agenda items")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            planner.actor_id(),
            "agenda_template",
            id,
            "update",
            format!("Changed agenda template {name}"),
        )
        .before(json!({"name": before_name, "items": snapshot_rows(before)}))
        .after(json!({"name": name.as_str(), "items": snapshot(&items)})),
        now,
    )
    .await?;
    tx.commit()
        .await
        .context("committing the agenda template")?;
    Ok(())
}

/// Deletes a template; plans that used it keep their interviews, without an agenda to copy.
pub async fn delete_template(db: &Db, planner: &Planner, id: i64, now: i64) -> AppResult<()> {
    let mut tx = begin_write(db).await?;
    let name = repo::template_name(&mut *tx, id)
        .await
        .context("loading the agenda template")?
        .ok_or(AppError::NotFound)?;
    repo::delete_template(&mut *tx, id)
        .await
        .context("deleting the agenda template")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            planner.actor_id(),
            "agenda_template",
            id,
            "delete",
            format!("Deleted agenda template {name}"),
        )
        .before(json!({"name": name})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the delete")?;
    Ok(())
}

/// Checks that an agenda template exists (for the plan editor's picker).
pub async fn template_exists<'c>(db: impl sqlx::any::AnyExecutor<'c>, id: i64) -> AppResult<bool> {
    Ok(repo::template_name(db, id)
        .await
        .context("checking the agenda template")?
        .is_some())
}

/// Gives a newly scheduled interview the agenda of its plan's template, if it has one.
pub async fn copy_from_plan(
    conn: &mut AnyConnection,
    interview_template_id: i64,
    interview_id: i64,
) -> AppResult<()> {
    repo::copy_from_plan(conn, interview_template_id, interview_id)
        .await
        .context("copying the agenda")?;
    Ok(())
}

/// An interview's agenda items, in order.
pub async fn items(db: &Db, scope: &KitScope) -> AppResult<Vec<AgendaItem>> {
    Ok(repo::interview_items(db, scope.interview_id())
        .await
        .context("loading the agenda")?)
}

/// The longest challenge assigned in an interview, which its coding item must fit.
pub async fn coding_need(db: &Db, interview_id: i64) -> AppResult<Option<CodingNeed>> {
    Ok(repo::longest_challenge(db, interview_id)
        .await
        .context("loading the assigned challenges")?
        .map(|(challenge, expected_minutes)| CodingNeed {
            challenge,
            expected_minutes,
        }))
}

pub async fn editor(db: &Db, scope: &KitScope, rows: usize) -> AppResult<AgendaEditorData> {
    let id = scope.interview_id();
    let facts = repo::interview_facts(db, id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    let items = repo::interview_items(db, id)
        .await
        .context("loading the agenda")?;
    let templates = template_choices(db).await?;
    let coding = coding_need(db, id).await?;
    let tz = scope.timezone();
    Ok(AgendaEditorData {
        interview_id: id,
        title: facts.title,
        candidate_name: facts.candidate_name,
        when: crate::time::range(facts.starts_at, facts.ends_at, tz),
        duration_minutes: facts.duration_minutes,
        blank_rows: blank_rows(rows, items.len()),
        items,
        templates,
        started: facts.started,
        cancelled: facts.status == InterviewStatus::Cancelled,
        coding,
    })
}

/// Refuses changes once the interview is cancelled or its live clock has started.
async fn ensure_editable(
    conn: &mut AnyConnection,
    interview_id: i64,
) -> AppResult<repo::InterviewFacts> {
    let facts = repo::interview_facts(&mut *conn, interview_id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    if facts.status == InterviewStatus::Cancelled {
        return Err(AppError::Conflict(
            "This interview is cancelled; its agenda can no longer change.".into(),
        ));
    }
    if facts.started {
        return Err(AppError::Conflict(
            "This interview has started; its agenda can no longer change.".into(),
        ));
    }
    Ok(facts)
}

/// Saves an interview's agenda as a whole: every item at least a minute, the total within
/// the interview's duration.
pub async fn save(db: &Db, scope: &KitScope, input: &AgendaInput, now: i64) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let items = rules::parse_items(&input.items, &mut errors);
    let id = scope.interview_id();
    let mut tx = begin_write(db).await?;
    let facts = ensure_editable(&mut tx, id).await?;
    if errors.is_empty() {
        if let Some(message) = rules::over_duration(&items, facts.duration_minutes) {
            errors.add("items", message);
        }
    }
    errors.finish()?;
    let before = repo::interview_items(&mut *tx, id)
        .await
        .context("loading the agenda")?;
    repo::replace_interview_items(&mut tx, id, &items)
        .await
        .context("saving the agenda")?;
    record_change(&mut tx, scope, &facts.title, before, &items, now).await?;
    tx.commit().await.context("committing the agenda")?;
    Ok(())
}

async fn record_change(
    conn: &mut AnyConnection,
    scope: &KitScope,
    title: &str,
    before: Vec<AgendaItem>,
    after: &[ValidItem],
    now: i64,
) -> AppResult<()> {
    audit::record(
        conn,
        NewEntry::new(
            scope.actor_id(),
            "interview",
            scope.interview_id(),
            "agenda",
            format!("Changed the agenda of {title}"),
        )
        .opening(scope.opening_id())
        .candidate(scope.candidate_id())
        .before(snapshot_rows(before))
        .after(snapshot(after)),
        now,
    )
    .await
}

/// Replaces an interview's agenda with a copy of a template's.
pub async fn use_template(
    db: &Db,
    scope: &KitScope,
    input: &UseTemplateInput,
    now: i64,
) -> AppResult<()> {
    let template_id = input
        .template_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("template_id", "Choose an agenda template."))?;
    let id = scope.interview_id();
    let mut tx = begin_write(db).await?;
    let facts = ensure_editable(&mut tx, id).await?;
    let template = repo::template_items(&mut *tx, template_id)
        .await
        .context("loading the agenda template")?;
    if template.is_empty() {
        return Err(AppError::invalid(
            "template_id",
            "Choose an agenda template from the list.",
        ));
    }
    let items: Vec<ValidItem> = template.into_iter().map(ValidItem::from).collect();
    if let Some(message) = rules::over_duration(&items, facts.duration_minutes) {
        return Err(AppError::invalid("template_id", message));
    }
    let before = repo::interview_items(&mut *tx, id)
        .await
        .context("loading the agenda")?;
    repo::replace_interview_items(&mut tx, id, &items)
        .await
        .context("saving the agenda")?;
    record_change(&mut tx, scope, &facts.title, before, &items, now).await?;
    tx.commit().await.context("committing the agenda")?;
    Ok(())
}
