//! Openings: the list, the opening with its plan, and creating and editing one.

use super::super::repo::{self, OpeningFields, SkillRow};
use super::super::{
    OpeningDetail, OpeningFormData, OpeningInput, OpeningStatus, OpeningSummary, Stage, StageKind,
    Template,
};
use crate::access::{Myself, OpeningScope, Planner, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::db::{begin_write, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::markdown;
use crate::paging::{PageNumber, Paged};
use crate::skills::{service as skills, SkillRef};
use crate::users::service as users;
use crate::values::{parse_text, Name};
use anyhow::Context;
use serde_json::json;
use std::collections::BTreeMap;

/// The longest description accepted (characters).
pub const DESCRIPTION_MAX: usize = 20_000;

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

/// A page of the openings the user manages (every opening for admins): open ones first;
/// `current_only` leaves closed ones out.
pub async fn list(
    db: &Db,
    me: &Myself,
    current_only: bool,
    page: PageNumber,
    size: usize,
) -> AppResult<Paged<OpeningSummary>> {
    let user = me.user();
    let rows = repo::list_for(
        db,
        user.id,
        user.is_admin(),
        current_only,
        i64::try_from(size + 1).unwrap_or(i64::MAX),
        page.offset(size),
    )
    .await
    .context("listing openings")?;
    let page = Paged::from_rows(rows, page, size);
    let ids: Vec<i64> = page.items.iter().map(|r| r.id).collect();
    let counts: BTreeMap<i64, i64> = repo::active_counts(db, &ids, user.id, user.is_admin())
        .await
        .context("counting candidates")?
        .into_iter()
        .collect();
    Ok(page.map(|r| OpeningSummary {
        active_candidates: counts.get(&r.id).copied().unwrap_or(0),
        id: r.id,
        title: r.title,
        team: r.team,
        level: r.level,
        location: r.location,
        status: r.status,
        hiring_manager: r.hiring_manager,
    }))
}

/// The stages of an opening with their templates and skill areas.
pub async fn stages(db: &Db, scope: &OpeningScope) -> AppResult<Vec<Stage>> {
    stages_of(db, scope.opening_id()).await
}

pub(super) async fn stages_of(db: &Db, opening_id: i64) -> AppResult<Vec<Stage>> {
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
                    agenda: t.agenda_id.zip(t.agenda.clone()),
                })
                .collect(),
            id: s.id,
            position: s.position,
            kind: s.kind,
            name: s.name,
            skip_for_internal: s.skip_for_internal,
        })
        .collect())
}

/// The skill areas an opening requires.
pub async fn required_skills(db: &Db, scope: &OpeningScope) -> AppResult<Vec<SkillRef>> {
    Ok(skill_refs(
        repo::required_skills(db, scope.opening_id())
            .await
            .context("loading required skill areas")?,
    ))
}

/// The opening's status, for rules that depend on it (applying to a closed opening).
pub async fn status(db: &Db, scope: &OpeningScope) -> AppResult<OpeningStatus> {
    Ok(repo::find(db, scope.opening_id())
        .await
        .context("loading the opening")?
        .ok_or(AppError::NotFound)?
        .status)
}

/// An opening with its plan.
pub async fn detail(db: &Db, scope: &OpeningScope) -> AppResult<OpeningDetail> {
    let row = repo::find(db, scope.opening_id())
        .await
        .context("loading the opening")?
        .ok_or(AppError::NotFound)?;
    let required_skills = required_skills(db, scope).await?;
    let stages = stages(db, scope).await?;
    Ok(OpeningDetail {
        uncovered_by_plan: uncovered(&required_skills, &stages),
        description_html: markdown::to_safe_html(&row.description),
        id: row.id,
        title: row.title,
        team: row.team,
        level: row.level,
        location: row.location,
        status: row.status,
        description: row.description,
        hiring_manager_id: row.hiring_manager_id,
        hiring_manager: row.hiring_manager,
        required_skills,
        stages,
    })
}

/// What the form for a new opening needs.
pub async fn new_form(db: &Db, planner: &Planner) -> AppResult<OpeningFormData> {
    form(db, planner.user(), None).await
}

/// What the form for editing an opening needs.
pub async fn edit_form(db: &Db, scope: &OpeningScope) -> AppResult<OpeningFormData> {
    let opening = detail(db, scope).await?;
    form(db, scope.user(), Some(opening)).await
}

async fn form(
    db: &Db,
    user: &crate::auth::CurrentUser,
    opening: Option<OpeningDetail>,
) -> AppResult<OpeningFormData> {
    Ok(OpeningFormData {
        opening,
        managers: users::active_people(db).await?,
        can_choose_manager: user.is_admin(),
        me: user.id,
        skill_areas: skills::all(db).await?,
    })
}

/// An opening's fields once parsed.
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

impl TryFrom<&OpeningInput> for ValidOpening {
    type Error = FieldErrors;

    fn try_from(input: &OpeningInput) -> Result<Self, FieldErrors> {
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
        let description = errors
            .take(
                "description",
                parse_text(&input.description, DESCRIPTION_MAX, "the description"),
            )
            .unwrap_or_default();
        let status = errors.take("status", OpeningStatus::parse(&input.status));
        let manager = errors.take(
            "hiring_manager_id",
            input
                .hiring_manager_id
                .trim()
                .parse::<i64>()
                .map_err(|_| "Choose the hiring manager.".to_owned()),
        );
        let mut skills = input.skills.clone();
        skills.sort_unstable();
        skills.dedup();
        match (title, team, level, location, status, manager) {
            (
                Some(title),
                Some(team),
                Some(level),
                Some(location),
                Some(status),
                Some(hiring_manager_id),
            ) if errors.is_empty() => Ok(Self {
                title,
                team,
                level,
                location,
                description,
                hiring_manager_id,
                status,
                skills,
            }),
            _ => Err(errors),
        }
    }
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
            status: self.status,
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

/// Parses the form, then checks what it refers to: an active hiring manager (the viewer
/// themselves unless they are an admin) and active skill areas.
async fn validate(
    db: &Db,
    user: &crate::auth::CurrentUser,
    input: &OpeningInput,
) -> AppResult<ValidOpening> {
    let opening = ValidOpening::try_from(input).map_err(AppError::Invalid)?;
    let mut errors = FieldErrors::new();
    if !users::is_active(db, opening.hiring_manager_id).await? {
        errors.add(
            "hiring_manager_id",
            "Choose an active user as hiring manager.",
        );
    } else if !user.is_admin() && opening.hiring_manager_id != user.id {
        errors.add(
            "hiring_manager_id",
            "You can open roles only for yourself as hiring manager.",
        );
    }
    if let Err(message) = skills::check_active(db, &opening.skills).await? {
        errors.add("skills", message);
    }
    errors.finish()?;
    Ok(opening)
}

async fn save_required_skills(
    conn: &mut sqlx::AnyConnection,
    opening_id: i64,
    skills: &[i64],
) -> AppResult<()> {
    repo::set_required_skills(conn, opening_id, skills)
        .await
        .context("storing required skill areas")?;
    Ok(())
}

/// Opens a role.
pub async fn create(db: &Db, planner: &Planner, input: &OpeningInput, now: i64) -> AppResult<i64> {
    let opening = validate(db, planner.user(), input).await?;
    let mut tx = begin_write(db).await?;
    let id = repo::insert(&mut *tx, &opening.fields(), planner.user().id, now)
        .await
        .context("creating the opening")?;
    save_required_skills(&mut tx, id, &opening.skills).await?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            planner.actor_id(),
            "opening",
            id,
            "create",
            format!("Opened {}", opening.title),
        )
        .opening(id)
        .after(opening.snapshot()),
        now,
    )
    .await?;
    tx.commit().await.context("committing the opening")?;
    Ok(id)
}

/// Edits an opening. A hiring manager may keep themselves; handing the role on is an admin's
/// decision.
pub async fn update(
    db: &Db,
    scope: &OpeningScope,
    input: &OpeningInput,
    now: i64,
) -> AppResult<()> {
    let before = detail(db, scope).await?;
    let opening = validate(db, scope.user(), input).await?;
    let id = scope.opening_id();
    let mut tx = begin_write(db).await?;
    repo::update(&mut *tx, id, &opening.fields(), now)
        .await
        .context("updating the opening")?;
    save_required_skills(&mut tx, id, &opening.skills).await?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            scope.actor_id(),
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
        now,
    )
    .await?;
    tx.commit().await.context("committing the update")?;
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
                    agenda: None,
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
    fn an_opening_form_is_parsed_in_one_place_with_a_message_per_field() {
        let input = OpeningInput {
            title: "  ".into(),
            team: "Platform".into(),
            level: "Senior".into(),
            location: "Remote".into(),
            hiring_manager_id: String::new(),
            status: "sunny".into(),
            skills: vec![3, 1, 3],
            ..OpeningInput::default()
        };
        let errors = ValidOpening::try_from(&input).err().expect("invalid");
        assert_eq!(errors.get("title"), Some("Enter a title."));
        assert_eq!(
            errors.get("hiring_manager_id"),
            Some("Choose the hiring manager.")
        );
        assert!(errors.get("status").is_some());
        assert!(errors.get("team").is_none());
        let valid = ValidOpening::try_from(&OpeningInput {
            title: "Backend Engineer".into(),
            hiring_manager_id: " 7 ".into(),
            status: "open".into(),
            ..input
        })
        .expect("valid");
        assert_eq!(valid.hiring_manager_id, 7);
        assert_eq!(valid.skills, vec![1, 3]);
        assert_eq!(valid.status, OpeningStatus::Open);
    }
}
