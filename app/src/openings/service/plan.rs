//! Interview plans: stages in order, interview templates in interview stages, which stages
//! internal candidates skip, and copying a plan from another opening.

use super::super::repo::{self, StageRow, TemplateOwner};
use super::super::{
    CopyPlanInput, Direction, PlanData, StageInput, StageKind, StageUpdateInput,
    TemplateAgendaInput, TemplateInput,
};
use super::{detail, parse_duration, stages_of};
use crate::access::{self, OpeningScope, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::auth::CurrentUser;
use crate::db::{begin_write, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::skills::service as skills;
use crate::users::PersonRef;
use crate::values::Name;
use anyhow::Context;
use serde_json::json;

/// A stage, with the proof that the user manages its opening.
#[derive(Debug, Clone)]
pub struct ManagedStage {
    scope: OpeningScope,
    stage: StageRow,
}

/// A template, with the proof that the user manages its opening.
#[derive(Debug, Clone)]
pub struct ManagedTemplate {
    scope: OpeningScope,
    template: TemplateOwner,
}

/// The stage `stage_id`, if the user manages its opening.
pub async fn managed_stage(db: &Db, user: CurrentUser, stage_id: i64) -> AppResult<ManagedStage> {
    let stage = repo::find_stage(db, stage_id)
        .await
        .context("loading the stage")?
        .ok_or(AppError::NotFound)?;
    let scope = access::require_opening_manager(db, user, stage.opening_id).await?;
    Ok(ManagedStage { scope, stage })
}

/// The template `template_id`, if the user manages its opening.
pub async fn managed_template(
    db: &Db,
    user: CurrentUser,
    template_id: i64,
) -> AppResult<ManagedTemplate> {
    let template = repo::find_template(db, template_id)
        .await
        .context("loading the template")?
        .ok_or(AppError::NotFound)?;
    let scope = access::require_opening_manager(db, user, template.opening_id).await?;
    Ok(ManagedTemplate { scope, template })
}

/// The stage a template of `scope`'s opening belongs to, or `None` if the template is not
/// part of that opening's plan.
pub async fn template_stage(
    db: &Db,
    scope: &OpeningScope,
    template_id: i64,
) -> AppResult<Option<i64>> {
    Ok(repo::find_template(db, template_id)
        .await
        .context("loading the template")?
        .filter(|t| t.opening_id == scope.opening_id())
        .map(|t| t.stage_id))
}

/// What the plan editor needs.
pub async fn plan_data(db: &Db, scope: &OpeningScope) -> AppResult<PlanData> {
    let user = scope.user();
    let opening = detail(db, scope).await?;
    let copy_sources = repo::copy_sources(db, scope.opening_id(), user.id, user.is_admin())
        .await
        .context("listing plans to copy")?
        .into_iter()
        .map(|p| PersonRef {
            id: p.id,
            name: p.name,
        })
        .collect();
    let can_copy = opening.stages.is_empty();
    Ok(PlanData {
        opening,
        skill_areas: skills::all(db).await?,
        copy_sources,
        can_copy,
        agendas: crate::agendas::service::template_choices(db).await?,
    })
}

fn plan_entry<'a>(
    scope: &OpeningScope,
    entity: &'a str,
    entity_id: i64,
    action: &'a str,
    summary: String,
) -> NewEntry<'a> {
    NewEntry::new(scope.actor_id(), entity, entity_id, action, summary).opening(scope.opening_id())
}

fn stage_name(name: &str) -> Result<Name, String> {
    Name::parse_labelled(name, "a stage name")
}

/// Adds a stage at the end of the plan.
pub async fn add_stage(
    db: &Db,
    scope: &OpeningScope,
    input: &StageInput,
    now: i64,
) -> AppResult<i64> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", stage_name(&input.name));
    let kind = errors.take("kind", StageKind::parse(&input.kind));
    errors.finish()?;
    let (Some(name), Some(kind)) = (name, kind) else {
        return Err(AppError::Unexpected);
    };
    let skip = input.skip_for_internal.is_checked();
    let mut tx = begin_write(db).await?;
    let id = repo::insert_stage(&mut *tx, scope.opening_id(), name.as_str(), kind, skip)
        .await
        .context("adding the stage")?;
    audit::record(
        &mut *tx,
        plan_entry(scope, "stage", id, "create", format!("Added stage {name}")).after(
            json!({"name": name.as_str(), "kind": kind.as_str(), "skip_for_internal": skip}),
        ),
        now,
    )
    .await?;
    tx.commit().await.context("committing the stage")?;
    Ok(id)
}

/// Renames a stage and sets whether internal candidates skip it.
pub async fn update_stage(
    db: &Db,
    managed: &ManagedStage,
    input: &StageUpdateInput,
    now: i64,
) -> AppResult<()> {
    let stage = &managed.stage;
    let name = stage_name(&input.name).map_err(|m| AppError::invalid("name", m))?;
    let skip = input.skip_for_internal.is_checked();
    let mut tx = begin_write(db).await?;
    repo::update_stage(&mut *tx, stage.id, name.as_str(), skip)
        .await
        .context("updating the stage")?;
    audit::record(
        &mut *tx,
        plan_entry(
            &managed.scope,
            "stage",
            stage.id,
            "update",
            format!("Updated stage {name}"),
        )
        .before(json!({"name": stage.name, "skip_for_internal": stage.skip_for_internal}))
        .after(json!({"name": name.as_str(), "skip_for_internal": skip})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the stage update")?;
    Ok(())
}

/// Moves a stage one place up or down in the plan.
pub async fn move_stage(
    db: &Db,
    managed: &ManagedStage,
    direction: Direction,
    now: i64,
) -> AppResult<()> {
    let stage = &managed.stage;
    let mut tx = begin_write(db).await?;
    let stages = repo::stages(&mut *tx, stage.opening_id)
        .await
        .context("loading the plan")?;
    let index = stages
        .iter()
        .position(|s| s.id == stage.id)
        .ok_or(AppError::NotFound)?;
    let other = match direction {
        Direction::Up => index.checked_sub(1),
        Direction::Down => Some(index + 1).filter(|i| *i < stages.len()),
    };
    let Some(other) = other else {
        return Ok(());
    };
    // Positions are renumbered densely so a swap never collides.
    let mut order: Vec<i64> = stages.iter().map(|s| s.id).collect();
    order.swap(index, other);
    for (position, id) in (1_i64..).zip(order.iter()) {
        repo::set_stage_position(&mut *tx, *id, position)
            .await
            .context("renumbering stages")?;
    }
    audit::record(
        &mut *tx,
        plan_entry(
            &managed.scope,
            "stage",
            stage.id,
            "move",
            format!("Moved stage {} {}", stage.name, direction.as_str()),
        ),
        now,
    )
    .await?;
    tx.commit().await.context("committing the move")?;
    Ok(())
}

/// Deletes a stage nobody has been in yet.
pub async fn delete_stage(db: &Db, managed: &ManagedStage, now: i64) -> AppResult<()> {
    let stage = &managed.stage;
    let mut tx = begin_write(db).await?;
    let references = repo::stage_references(&mut *tx, stage.id)
        .await
        .context("checking the stage's use")?;
    // The refusal reads the same whoever's history it is, so it reveals nothing about
    // candidacies the user may not see.
    if references > 0 {
        return Err(AppError::Conflict(format!(
            "{} has been used, so it keeps its history and cannot be deleted. Rename it instead.",
            stage.name
        )));
    }
    repo::delete_stage(&mut *tx, stage.id)
        .await
        .context("deleting the stage")?;
    audit::record(
        &mut *tx,
        plan_entry(
            &managed.scope,
            "stage",
            stage.id,
            "delete",
            format!("Deleted stage {}", stage.name),
        )
        .before(json!({"name": stage.name, "kind": stage.kind.as_str()})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the delete")?;
    Ok(())
}

/// An interview template once parsed.
struct ValidTemplate {
    name: Name,
    duration: i64,
    skills: Vec<i64>,
    agenda: Option<i64>,
}

impl TryFrom<&TemplateInput> for ValidTemplate {
    type Error = FieldErrors;

    fn try_from(input: &TemplateInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.take(
            "name",
            Name::parse_labelled(&input.name, "a name for the interview"),
        );
        let duration = errors.take("duration_minutes", parse_duration(&input.duration_minutes));
        let agenda = errors.take(
            "agenda_template_id",
            match input.agenda_template_id.trim() {
                "" => Ok(None),
                raw => raw
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| "Choose an agenda template from the list.".to_owned()),
            },
        );
        if input.skills.is_empty() {
            errors.add(
                "skills",
                "Choose at least one skill area this interview covers.",
            );
        }
        match (name, duration, agenda) {
            (Some(name), Some(duration), Some(agenda)) if errors.is_empty() => Ok(Self {
                name,
                duration,
                skills: input.skills.clone(),
                agenda,
            }),
            _ => Err(errors),
        }
    }
}

/// Adds an interview template to an interview stage.
pub async fn add_template(
    db: &Db,
    managed: &ManagedStage,
    input: &TemplateInput,
    now: i64,
) -> AppResult<i64> {
    let stage = &managed.stage;
    if stage.kind != StageKind::Interview {
        return Err(AppError::invalid(
            "form",
            "Interview templates belong to interview stages.",
        ));
    }
    let template = ValidTemplate::try_from(input).map_err(AppError::Invalid)?;
    let skills = skills::check_active(db, &template.skills)
        .await?
        .map_err(|m| AppError::invalid("skills", m))?;
    let mut tx = begin_write(db).await?;
    if let Some(agenda) = template.agenda {
        if !crate::agendas::service::template_exists(&mut *tx, agenda).await? {
            return Err(AppError::invalid(
                "agenda_template_id",
                "Choose an agenda template from the list.",
            ));
        }
    }
    let id = repo::insert_template(
        &mut tx,
        stage.id,
        template.name.as_str(),
        template.duration,
        &skills,
        template.agenda,
    )
    .await
    .context("adding the template")?;
    audit::record(
        &mut *tx,
        plan_entry(
            &managed.scope,
            "template",
            id,
            "create",
            format!("Added interview {} to {}", template.name, stage.name),
        )
        .after(json!({"name": template.name.as_str(), "duration_minutes": template.duration, "skill_areas": skills, "agenda_template": template.agenda})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the template")?;
    Ok(id)
}

/// Points a plan interview at another agenda template (or none). Interviews already
/// scheduled keep their own agendas.
pub async fn set_template_agenda(
    db: &Db,
    managed: &ManagedTemplate,
    input: &TemplateAgendaInput,
    now: i64,
) -> AppResult<()> {
    let agenda = match input.agenda_template_id.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| {
            AppError::invalid(
                "agenda_template_id",
                "Choose an agenda template from the list.",
            )
        })?),
    };
    let template = &managed.template;
    let mut tx = begin_write(db).await?;
    if let Some(agenda) = agenda {
        if !crate::agendas::service::template_exists(&mut *tx, agenda).await? {
            return Err(AppError::invalid(
                "agenda_template_id",
                "Choose an agenda template from the list.",
            ));
        }
    }
    repo::set_template_agenda(&mut *tx, template.id, agenda)
        .await
        .context("setting the agenda")?;
    audit::record(
        &mut *tx,
        plan_entry(
            &managed.scope,
            "template",
            template.id,
            "agenda",
            format!("Changed the agenda of interview {}", template.name),
        )
        .after(json!({"agenda_template": agenda})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the agenda")?;
    Ok(())
}

/// Removes an interview template from its stage.
pub async fn delete_template(db: &Db, managed: &ManagedTemplate, now: i64) -> AppResult<()> {
    let template = &managed.template;
    let mut tx = begin_write(db).await?;
    repo::delete_template(&mut *tx, template.id)
        .await
        .context("deleting the template")?;
    audit::record(
        &mut *tx,
        plan_entry(
            &managed.scope,
            "template",
            template.id,
            "delete",
            format!("Removed interview {}", template.name),
        )
        .before(json!({"name": template.name})),
        now,
    )
    .await?;
    tx.commit()
        .await
        .context("committing the template delete")?;
    Ok(())
}

/// Fills an opening's empty plan with a copy of another opening's plan, which the user must
/// manage too. Only an empty plan takes a copy: whether it could be replaced then depends on
/// nothing the user may not see (no applications can be in a plan without stages).
pub async fn copy_plan(
    db: &Db,
    scope: &OpeningScope,
    input: &CopyPlanInput,
    now: i64,
) -> AppResult<()> {
    let choose = || AppError::invalid("source_id", "Choose an opening to copy from.");
    let source_id = input
        .source_id
        .trim()
        .parse::<i64>()
        .map_err(|_| choose())?;
    if source_id == scope.opening_id() {
        return Err(AppError::invalid(
            "source_id",
            "Choose another opening to copy from.",
        ));
    }
    let source_scope = access::require_opening_manager(db, scope.user().clone(), source_id)
        .await
        .map_err(|_| {
            AppError::invalid("source_id", "Choose an opening you manage to copy from.")
        })?;
    let source = stages_of(db, source_scope.opening_id()).await?;
    if source.is_empty() {
        return Err(AppError::invalid(
            "source_id",
            "That opening has no plan yet.",
        ));
    }
    let opening_id = scope.opening_id();
    let mut tx = begin_write(db).await?;
    if !repo::stages(&mut *tx, opening_id)
        .await
        .context("loading the plan")?
        .is_empty()
    {
        return Err(AppError::Conflict(
            "This opening already has a plan. A plan is copied only into an opening without stages: delete its stages first, or edit them.".into(),
        ));
    }
    for stage in &source {
        let stage_id = repo::insert_stage(
            &mut *tx,
            opening_id,
            &stage.name,
            stage.kind,
            stage.skip_for_internal,
        )
        .await
        .context("copying a stage")?;
        for template in &stage.templates {
            let skills: Vec<i64> = template.skill_areas.iter().map(|s| s.id).collect();
            repo::insert_template(
                &mut tx,
                stage_id,
                &template.name,
                template.duration_minutes,
                &skills,
                template.agenda.as_ref().map(|(id, _)| *id),
            )
            .await
            .context("copying a template")?;
        }
    }
    audit::record(
        &mut *tx,
        NewEntry::new(scope.actor_id(), "opening", opening_id, "copy_plan", format!("Copied the interview plan of opening #{source_id}"))
            .opening(opening_id)
            .after(json!({"source_opening_id": source_id, "stages": source.iter().map(|s| &s.name).collect::<Vec<_>>()})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the copy")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_needs_a_name_a_length_and_a_skill_area() {
        let errors = ValidTemplate::try_from(&TemplateInput {
            name: String::new(),
            duration_minutes: "4".into(),
            skills: vec![],
            agenda_template_id: "x".into(),
        })
        .err()
        .expect("invalid");
        assert!(errors.get("name").is_some());
        assert!(errors.get("duration_minutes").is_some());
        assert!(errors.get("skills").is_some());
        assert!(errors.get("agenda_template_id").is_some());
        let valid = ValidTemplate::try_from(&TemplateInput {
            name: "Deep dive".into(),
            duration_minutes: "60".into(),
            skills: vec![2],
            agenda_template_id: "7".into(),
        })
        .expect("valid");
        assert_eq!(valid.duration, 60);
        assert_eq!(valid.agenda, Some(7));
    }
}
