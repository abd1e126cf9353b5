//! The rules for openings and interview plans.

use super::repo::{self, OpeningFields, SkillRow};
use super::{
    OpeningDetail, OpeningFormData, OpeningStatus, OpeningSummary, PersonRef, PlanData, SkillRef,
    Stage, StageKind, Template,
};
use crate::access;
use crate::audit::repo::{self as audit, NewEntry};
use crate::auth::CurrentUser;
use crate::db::{now, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::markdown;
use crate::skills::service as skills;
use crate::users::repo as users;
use crate::values::Name;
use anyhow::Context;
use serde_json::json;
use std::collections::BTreeMap;

/// The longest description accepted (characters).
pub const DESCRIPTION_MAX: usize = 20_000;
/// Interview lengths accepted for templates and interviews (minutes).
pub const DURATION_RANGE: std::ops::RangeInclusive<i64> = 5..=480;

fn skill_refs(rows: impl IntoIterator<Item = SkillRow>) -> Vec<SkillRef> {
    rows.into_iter()
        .map(|r| SkillRef {
            id: r.skill_id,
            name: r.name,
        })
        .collect()
}

/// Required skill areas that no template in an interview stage covers.
pub fn uncovered(required: &[SkillRef], stages: &[Stage]) -> Vec<SkillRef> {
    required
        .iter()
        .filter(|skill| {
            !stages
                .iter()
                .filter(|s| s.kind == StageKind::Interview)
                .flat_map(|s| &s.templates)
                .any(|t| t.skill_areas.iter().any(|a| a.id == skill.id))
        })
        .cloned()
        .collect()
}

pub async fn list(db: &Db, user: &CurrentUser) -> AppResult<Vec<OpeningSummary>> {
    let rows = repo::list_for(db, user.id, user.is_admin())
        .await
        .context("listing openings")?;
    Ok(rows
        .into_iter()
        .map(|r| OpeningSummary {
            id: r.id,
            title: r.title,
            team: r.team,
            level: r.level,
            location: r.location,
            status: OpeningStatus::parse(&r.status).unwrap_or(OpeningStatus::Draft),
            hiring_manager: r.hiring_manager,
            active_candidates: r.active_candidates,
        })
        .collect())
}

/// The stages of an opening with their templates and skill areas.
pub async fn stages(db: &Db, opening_id: i64) -> AppResult<Vec<Stage>> {
    let stage_rows = repo::stages(db, opening_id)
        .await
        .context("loading stages")?;
    let template_rows = repo::templates(db, opening_id)
        .await
        .context("loading templates")?;
    let mut skills_by_template: BTreeMap<i64, Vec<SkillRef>> = BTreeMap::new();
    for row in repo::template_skills(db, opening_id)
        .await
        .context("loading template skill areas")?
    {
        skills_by_template
            .entry(row.owner_id)
            .or_default()
            .push(SkillRef {
                id: row.skill_id,
                name: row.name,
            });
    }
    Ok(stage_rows
        .into_iter()
        .map(|s| Stage {
            templates: template_rows
                .iter()
                .filter(|t| t.stage_id == s.id)
                .map(|t| Template {
                    id: t.id,
                    name: t.name.clone(),
                    duration_minutes: t.duration_minutes,
                    skill_areas: skills_by_template.remove(&t.id).unwrap_or_default(),
                })
                .collect(),
            id: s.id,
            position: s.position,
            kind: StageKind::parse(&s.kind).unwrap_or(StageKind::Review),
            name: s.name,
            skip_for_internal: s.skip_for_internal,
        })
        .collect())
}

/// An opening with its plan (the caller has checked access).
pub async fn detail(db: &Db, opening_id: i64) -> AppResult<OpeningDetail> {
    let row = repo::find(db, opening_id)
        .await
        .context("loading the opening")?
        .ok_or(AppError::NotFound)?;
    let required_skills = skill_refs(
        repo::required_skills(db, opening_id)
            .await
            .context("loading required skill areas")?,
    );
    let stages = stages(db, opening_id).await?;
    Ok(OpeningDetail {
        uncovered_by_plan: uncovered(&required_skills, &stages),
        description_html: markdown::to_safe_html(&row.description),
        id: row.id,
        title: row.title,
        team: row.team,
        level: row.level,
        location: row.location,
        status: OpeningStatus::parse(&row.status).unwrap_or(OpeningStatus::Draft),
        description: row.description,
        hiring_manager_id: row.hiring_manager_id,
        hiring_manager: row.hiring_manager,
        required_skills,
        stages,
    })
}

/// What the new/edit opening form needs.
pub async fn form_data(
    db: &Db,
    user: &CurrentUser,
    opening_id: Option<i64>,
) -> AppResult<OpeningFormData> {
    let opening = if let Some(id) = opening_id {
        access::require_opening_manager(db, user, id).await?;
        Some(detail(db, id).await?)
    } else {
        access::require_planner(db, user).await?;
        None
    };
    let managers = repo::active_people(db)
        .await
        .context("listing people")?
        .into_iter()
        .map(|p| PersonRef {
            id: p.id,
            name: p.name,
        })
        .collect();
    Ok(OpeningFormData {
        opening,
        managers,
        can_choose_manager: user.is_admin(),
        me: user.id,
        skill_areas: skills::list(db).await?,
    })
}

/// What the opening form sends.
#[derive(Debug, Clone, Default)]
pub struct OpeningInput {
    pub title: String,
    pub team: String,
    pub level: String,
    pub location: String,
    pub description: String,
    pub hiring_manager_id: String,
    pub status: String,
    pub skills: Vec<i64>,
}

struct ValidOpening {
    title: Name,
    team: Name,
    level: Name,
    location: Name,
    description: String,
    hiring_manager_id: i64,
    status: OpeningStatus,
    skills: Vec<i64>,
}

impl ValidOpening {
    fn fields(&self) -> OpeningFields<'_> {
        OpeningFields {
            title: self.title.as_str(),
            team: self.team.as_str(),
            level: self.level.as_str(),
            location: self.location.as_str(),
            description: &self.description,
            hiring_manager_id: self.hiring_manager_id,
            status: self.status.as_str(),
        }
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "title": self.title.as_str(), "team": self.team.as_str(), "level": self.level.as_str(),
            "location": self.location.as_str(), "hiring_manager_id": self.hiring_manager_id,
            "status": self.status.as_str(), "skill_areas": self.skills,
        })
    }
}

async fn validate(db: &Db, user: &CurrentUser, input: &OpeningInput) -> AppResult<ValidOpening> {
    let mut errors = FieldErrors::new();
    let title = errors.take("title", Name::parse_labelled(&input.title, "a title"));
    let team = errors.take("team", Name::parse_labelled(&input.team, "a team"));
    let level = errors.take(
        "level",
        Name::parse_labelled(&input.level, "a level (e.g. Senior)"),
    );
    let location = errors.take(
        "location",
        Name::parse_labelled(&input.location, "a location (e.g. Remote, Berlin)"),
    );
    let description = input.description.trim().to_owned();
    if description.chars().count() > DESCRIPTION_MAX {
        errors.add(
            "description",
            format!("The description can be at most {DESCRIPTION_MAX} characters."),
        );
    }
    let status = errors.take("status", OpeningStatus::parse(&input.status));
    let manager = if let Ok(id) = input.hiring_manager_id.trim().parse::<i64>() {
        let row = users::find_by_id(db, id)
            .await
            .context("loading the manager")?;
        if row.is_some_and(|r| r.active) {
            if !user.is_admin() && id != user.id {
                errors.add(
                    "hiring_manager_id",
                    "You can open roles only for yourself as hiring manager.",
                );
            }
            Some(id)
        } else {
            errors.add(
                "hiring_manager_id",
                "Choose an active user as hiring manager.",
            );
            None
        }
    } else {
        errors.add("hiring_manager_id", "Choose the hiring manager.");
        None
    };
    if let Err(AppError::Invalid(skill_errors)) =
        skills::check_active(db, &input.skills, "skills").await
    {
        for (field, message) in skill_errors.iter() {
            errors.add(field, message);
        }
    }
    errors.finish()?;
    match (title, team, level, location, status, manager) {
        (
            Some(title),
            Some(team),
            Some(level),
            Some(location),
            Some(status),
            Some(hiring_manager_id),
        ) => {
            let mut skills = input.skills.clone();
            skills.sort_unstable();
            skills.dedup();
            Ok(ValidOpening {
                title,
                team,
                level,
                location,
                description,
                hiring_manager_id,
                status,
                skills,
            })
        }
        _ => Err(AppError::Unexpected),
    }
}

pub async fn create(db: &Db, user: &CurrentUser, input: &OpeningInput) -> AppResult<i64> {
    access::require_planner(db, user).await?;
    let opening = validate(db, user, input).await?;
    let mut tx = db.begin().await.context("starting a new opening")?;
    let id = repo::insert(&mut *tx, &opening.fields(), user.id, now())
        .await
        .context("creating the opening")?;
    repo::set_required_skills(&mut tx, id, &opening.skills)
        .await
        .context("storing required skill areas")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            user,
            "opening",
            id,
            "create",
            format!("Opened {}", opening.title),
        )
        .opening(id)
        .after(opening.snapshot()),
        now(),
    )
    .await
    .context("auditing the opening")?;
    tx.commit().await.context("committing the opening")?;
    Ok(id)
}

pub async fn update(db: &Db, user: &CurrentUser, id: i64, input: &OpeningInput) -> AppResult<()> {
    access::require_opening_manager(db, user, id).await?;
    let before = detail(db, id).await?;
    // A hiring manager may keep themselves; handing the role on is an admin's decision.
    let opening = validate(db, user, input).await?;
    let mut tx = db.begin().await.context("starting an opening update")?;
    repo::update(&mut *tx, id, &opening.fields(), now())
        .await
        .context("updating the opening")?;
    repo::set_required_skills(&mut tx, id, &opening.skills)
        .await
        .context("storing required skill areas")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            user,
            "opening",
            id,
            "update",
            format!("Updated {}", opening.title),
        )
        .opening(id)
        .before(json!({
            "title": before.title, "team": before.team, "level": before.level,
            "location": before.location, "hiring_manager_id": before.hiring_manager_id,
            "status": before.status.as_str(),
            "skill_areas": before.required_skills.iter().map(|s| s.id).collect::<Vec<_>>(),
        }))
        .after(opening.snapshot()),
        now(),
    )
    .await
    .context("auditing the update")?;
    tx.commit().await.context("committing the update")?;
    Ok(())
}

/// What the plan editor needs.
pub async fn plan_data(db: &Db, user: &CurrentUser, opening_id: i64) -> AppResult<PlanData> {
    access::require_opening_manager(db, user, opening_id).await?;
    let opening = detail(db, opening_id).await?;
    let copy_sources = repo::copy_sources(db, opening_id, user.id, user.is_admin())
        .await
        .context("listing plans to copy")?
        .into_iter()
        .map(|p| PersonRef {
            id: p.id,
            name: p.name,
        })
        .collect();
    let has_applications = repo::count_applications(db, opening_id)
        .await
        .context("counting applications")?
        > 0;
    Ok(PlanData {
        opening,
        skill_areas: skills::list(db).await?,
        copy_sources,
        has_applications,
    })
}

fn plan_entry<'a>(
    user: &CurrentUser,
    opening_id: i64,
    entity: &'a str,
    entity_id: i64,
    action: &'a str,
    summary: String,
) -> NewEntry<'a> {
    NewEntry::new(user, entity, entity_id, action, summary).opening(opening_id)
}

/// Adds a stage at the end of the plan.
pub async fn add_stage(
    db: &Db,
    user: &CurrentUser,
    opening_id: i64,
    name: &str,
    kind: &str,
    skip_for_internal: bool,
) -> AppResult<i64> {
    access::require_opening_manager(db, user, opening_id).await?;
    let mut errors = FieldErrors::new();
    let name = errors.take("name", Name::parse_labelled(name, "a stage name"));
    let kind = errors.take("kind", StageKind::parse(kind));
    errors.finish()?;
    let (Some(name), Some(kind)) = (name, kind) else {
        return Err(AppError::Unexpected);
    };
    let mut tx = db.begin().await.context("starting to add a stage")?;
    let id = repo::insert_stage(
        &mut *tx,
        opening_id,
        name.as_str(),
        kind.as_str(),
        skip_for_internal,
    )
    .await
    .context("adding the stage")?;
    audit::record(
        &mut *tx,
        plan_entry(user, opening_id, "stage", id, "create", format!("Added stage {name}"))
            .after(json!({"name": name.as_str(), "kind": kind.as_str(), "skip_for_internal": skip_for_internal})),
        now(),
    )
    .await
    .context("auditing the stage")?;
    tx.commit().await.context("committing the stage")?;
    Ok(id)
}

async fn stage_in_managed_opening(
    db: &Db,
    user: &CurrentUser,
    stage_id: i64,
) -> AppResult<repo::StageRow> {
    let stage = repo::find_stage(db, stage_id)
        .await
        .context("loading the stage")?
        .ok_or(AppError::NotFound)?;
    access::require_opening_manager(db, user, stage.opening_id).await?;
    Ok(stage)
}

/// Renames a stage and sets whether internal candidates skip it.
pub async fn update_stage(
    db: &Db,
    user: &CurrentUser,
    stage_id: i64,
    name: &str,
    skip_for_internal: bool,
) -> AppResult<()> {
    let stage = stage_in_managed_opening(db, user, stage_id).await?;
    let name =
        Name::parse_labelled(name, "a stage name").map_err(|m| AppError::invalid("name", m))?;
    let mut tx = db.begin().await.context("starting a stage update")?;
    repo::update_stage(&mut *tx, stage_id, name.as_str(), skip_for_internal)
        .await
        .context("updating the stage")?;
    audit::record(
        &mut *tx,
        plan_entry(
            user,
            stage.opening_id,
            "stage",
            stage_id,
            "update",
            format!("Updated stage {name}"),
        )
        .before(json!({"name": stage.name, "skip_for_internal": stage.skip_for_internal}))
        .after(json!({"name": name.as_str(), "skip_for_internal": skip_for_internal})),
        now(),
    )
    .await
    .context("auditing the stage update")?;
    tx.commit().await.context("committing the stage update")?;
    Ok(())
}

/// Moves a stage one place up or down in the plan.
pub async fn move_stage(db: &Db, user: &CurrentUser, stage_id: i64, up: bool) -> AppResult<()> {
    let stage = stage_in_managed_opening(db, user, stage_id).await?;
    let mut tx = db.begin().await.context("starting a stage move")?;
    let stages = repo::stages(&mut *tx, stage.opening_id)
        .await
        .context("loading the plan")?;
    let index = stages
        .iter()
        .position(|s| s.id == stage_id)
        .ok_or(AppError::NotFound)?;
    let other = if up {
        index.checked_sub(1)
    } else {
        Some(index + 1).filter(|i| *i < stages.len())
    };
    let Some(other) = other.map(|i| &stages[i]) else {
        return Ok(());
    };
    // Positions are renumbered densely so a swap never collides.
    let mut order: Vec<i64> = stages.iter().map(|s| s.id).collect();
    let other_index = order.iter().position(|id| *id == other.id).unwrap_or(index);
    order.swap(index, other_index);
    for (position, id) in order.iter().enumerate() {
        repo::set_stage_position(&mut *tx, *id, i64::try_from(position).unwrap_or(0) + 1)
            .await
            .context("renumbering stages")?;
    }
    audit::record(
        &mut *tx,
        plan_entry(
            user,
            stage.opening_id,
            "stage",
            stage_id,
            "move",
            format!(
                "Moved stage {} {}",
                stage.name,
                if up { "up" } else { "down" }
            ),
        ),
        now(),
    )
    .await
    .context("auditing the move")?;
    tx.commit().await.context("committing the move")?;
    Ok(())
}

/// Deletes a stage nobody has been in yet.
pub async fn delete_stage(db: &Db, user: &CurrentUser, stage_id: i64) -> AppResult<()> {
    let stage = stage_in_managed_opening(db, user, stage_id).await?;
    let mut tx = db.begin().await.context("starting a stage delete")?;
    let references = repo::stage_references(&mut *tx, stage_id)
        .await
        .context("checking the stage's use")?;
    if references > 0 {
        return Err(AppError::Conflict(format!(
            "Candidates have been in {}; it keeps their history and cannot be deleted. Rename it instead.",
            stage.name
        )));
    }
    repo::delete_stage(&mut *tx, stage_id)
        .await
        .context("deleting the stage")?;
    audit::record(
        &mut *tx,
        plan_entry(
            user,
            stage.opening_id,
            "stage",
            stage_id,
            "delete",
            format!("Deleted stage {}", stage.name),
        )
        .before(json!({"name": stage.name, "kind": stage.kind})),
        now(),
    )
    .await
    .context("auditing the delete")?;
    tx.commit().await.context("committing the delete")?;
    Ok(())
}

/// Parses an interview length in minutes.
pub fn parse_duration(raw: &str) -> Result<i64, String> {
    let minutes: i64 = raw
        .trim()
        .parse()
        .map_err(|_| "Enter the length in whole minutes, e.g. 45.".to_owned())?;
    if minutes <= 0 {
        return Err("The length must be more than zero minutes.".into());
    }
    if !DURATION_RANGE.contains(&minutes) {
        return Err(format!(
            "Interviews last between {} and {} minutes.",
            DURATION_RANGE.start(),
            DURATION_RANGE.end()
        ));
    }
    Ok(minutes)
}

/// Adds an interview template to an interview stage.
pub async fn add_template(
    db: &Db,
    user: &CurrentUser,
    stage_id: i64,
    name: &str,
    duration: &str,
    skills: &[i64],
) -> AppResult<i64> {
    let stage = stage_in_managed_opening(db, user, stage_id).await?;
    let mut errors = FieldErrors::new();
    if StageKind::parse(&stage.kind).ok() != Some(StageKind::Interview) {
        errors.add("form", "Interview templates belong to interview stages.");
    }
    let name = errors.take(
        "name",
        Name::parse_labelled(name, "a name for the interview"),
    );
    let duration = errors.take("duration_minutes", parse_duration(duration));
    if skills.is_empty() {
        errors.add(
            "skills",
            "Choose at least one skill area this interview covers.",
        );
    } else if let Err(AppError::Invalid(e)) = skills::check_active(db, skills, "skills").await {
        for (f, m) in e.iter() {
            errors.add(f, m);
        }
    }
    errors.finish()?;
    let (Some(name), Some(duration)) = (name, duration) else {
        return Err(AppError::Unexpected);
    };
    let mut skills = skills.to_vec();
    skills.sort_unstable();
    skills.dedup();
    let mut tx = db.begin().await.context("starting to add a template")?;
    let id = repo::insert_template(&mut tx, stage_id, name.as_str(), duration, &skills)
        .await
        .context("adding the template")?;
    audit::record(
        &mut *tx,
        plan_entry(
            user,
            stage.opening_id,
            "template",
            id,
            "create",
            format!("Added interview {name} to {}", stage.name),
        )
        .after(json!({"name": name.as_str(), "duration_minutes": duration, "skill_areas": skills})),
        now(),
    )
    .await
    .context("auditing the template")?;
    tx.commit().await.context("committing the template")?;
    Ok(id)
}

pub async fn delete_template(db: &Db, user: &CurrentUser, template_id: i64) -> AppResult<()> {
    let template = repo::find_template(db, template_id)
        .await
        .context("loading the template")?
        .ok_or(AppError::NotFound)?;
    access::require_opening_manager(db, user, template.opening_id).await?;
    let mut tx = db.begin().await.context("starting a template delete")?;
    repo::delete_template(&mut *tx, template_id)
        .await
        .context("deleting the template")?;
    audit::record(
        &mut *tx,
        plan_entry(
            user,
            template.opening_id,
            "template",
            template_id,
            "delete",
            format!("Removed interview {}", template.name),
        )
        .before(json!({"name": template.name})),
        now(),
    )
    .await
    .context("auditing the template delete")?;
    tx.commit()
        .await
        .context("committing the template delete")?;
    Ok(())
}

/// Replaces an opening's (unused) plan with a copy of another opening's plan.
pub async fn copy_plan(
    db: &Db,
    user: &CurrentUser,
    opening_id: i64,
    source_id: i64,
) -> AppResult<()> {
    access::require_opening_manager(db, user, opening_id).await?;
    access::require_opening_manager(db, user, source_id)
        .await
        .map_err(|_| {
            AppError::invalid("source_id", "Choose an opening you manage to copy from.")
        })?;
    if source_id == opening_id {
        return Err(AppError::invalid(
            "source_id",
            "Choose another opening to copy from.",
        ));
    }
    let source = stages(db, source_id).await?;
    if source.is_empty() {
        return Err(AppError::invalid(
            "source_id",
            "That opening has no plan yet.",
        ));
    }
    let mut tx = db.begin().await.context("starting a plan copy")?;
    if repo::count_applications(&mut *tx, opening_id)
        .await
        .context("counting applications")?
        > 0
    {
        return Err(AppError::Conflict(
            "Candidates are already in this plan, so it cannot be replaced. Edit its stages instead.".into(),
        ));
    }
    repo::delete_plan(&mut *tx, opening_id)
        .await
        .context("clearing the old plan")?;
    for stage in &source {
        let stage_id = repo::insert_stage(
            &mut *tx,
            opening_id,
            &stage.name,
            stage.kind.as_str(),
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
            )
            .await
            .context("copying a template")?;
        }
    }
    audit::record(
        &mut *tx,
        NewEntry::new(user, "opening", opening_id, "copy_plan", format!("Copied the interview plan of opening #{source_id}"))
            .opening(opening_id)
            .after(json!({"source_opening_id": source_id, "stages": source.iter().map(|s| &s.name).collect::<Vec<_>>()})),
        now(),
    )
    .await
    .context("auditing the copy")?;
    tx.commit().await.context("committing the copy")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skill(id: i64) -> SkillRef {
        SkillRef {
            id,
            name: format!("skill {id}"),
        }
    }

    fn stage(kind: StageKind, template_skills: &[&[i64]]) -> Stage {
        Stage {
            id: 1,
            position: 1,
            name: "s".into(),
            kind,
            skip_for_internal: false,
            templates: template_skills
                .iter()
                .map(|ids| Template {
                    id: 1,
                    name: "t".into(),
                    duration_minutes: 45,
                    skill_areas: ids.iter().map(|id| skill(*id)).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn plan_coverage_lists_required_skills_no_interview_covers() {
        let required = vec![skill(1), skill(2), skill(3)];
        let stages = vec![
            stage(StageKind::Interview, &[&[1], &[2, 4]]),
            // Templates outside interview stages do not count.
            stage(StageKind::Review, &[&[3]]),
        ];
        let missing: Vec<i64> = uncovered(&required, &stages).iter().map(|s| s.id).collect();
        assert_eq!(missing, vec![3]);
        assert!(uncovered(&[], &stages).is_empty());
    }

    #[test]
    fn durations_are_positive_bounded_minutes() {
        assert_eq!(parse_duration(" 45 "), Ok(45));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("-30").is_err());
        assert!(parse_duration("4").is_err());
        assert!(parse_duration("481").is_err());
        assert!(parse_duration("forty").is_err());
    }
}
