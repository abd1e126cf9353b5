//! What managers and interviewers see: an application's loop and its coverage, the
//! scheduling form, the interview page, "My interviews" and the interview kit.

use super::super::repo::{self, InterviewRow};
use super::super::rules::{self, Ownership};
use super::super::{
    Assignment, InterviewDetail, InterviewLine, InterviewStatus, Kit, LoopCoverage, MyInterview,
    MyInterviews, ScheduleFormData, DEFAULT_INTERVIEWER_ROWS, MAX_INTERVIEWERS,
};
use crate::access::{ApplicationScope, InterviewScope, KitScope, Myself, OpeningScope, Scope};
use crate::applications::service as applications;
use crate::applications::UpcomingInterview;
use crate::audit::service as audit;
use crate::candidates::service as candidates;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::openings::{service as openings, Stage};
use crate::paging::{PageNumber, Paged};
use crate::scorecards::service as scorecards;
use crate::skills::{service as skills, SkillRef};
use crate::time;
use crate::users::service as users;
use anyhow::Context;
use chrono_tz::Tz;
use std::collections::BTreeMap;

fn line(interview: &InterviewRow, assignments: Vec<Assignment>, tz: Tz) -> InterviewLine {
    InterviewLine {
        id: interview.id,
        title: interview.title.clone(),
        when: time::range(interview.starts_at, interview.ends_at, tz),
        location: interview.location.clone(),
        cancelled: interview.status == InterviewStatus::Cancelled,
        cancel_reason: interview.cancel_reason.clone(),
        assignments,
    }
}

/// The interviews of an application as lines (times in `tz`), and who owns what in the
/// non-cancelled interviews of `stage_id` (all stages when `None`).
pub(super) async fn loop_of(
    db: &Db,
    application_id: i64,
    stage_id: Option<i64>,
    tz: Tz,
) -> AppResult<(Vec<InterviewLine>, Vec<Ownership>)> {
    let interviews = repo::of_application(db, application_id)
        .await
        .context("loading interviews")?;
    let assignments = repo::assignments_of_application(db, application_id)
        .await
        .context("loading assignments")?;
    let mut skills: BTreeMap<i64, Vec<SkillRef>> = BTreeMap::new();
    for row in repo::assignment_skills_of_application(db, application_id)
        .await
        .context("loading assignment skill areas")?
    {
        skills.entry(row.assignment_id).or_default().push(SkillRef {
            id: row.skill_id,
            name: row.name,
        });
    }
    let mut lines = Vec::new();
    let mut owners = Vec::new();
    for interview in interviews
        .into_iter()
        .filter(|i| stage_id.is_none_or(|s| i.stage_id == s))
    {
        let these: Vec<Assignment> = assignments
            .iter()
            .filter(|a| a.interview_id == interview.id)
            .map(|a| Assignment {
                id: a.id,
                user_id: a.user_id,
                name: a.name.clone(),
                skill_areas: skills.get(&a.id).cloned().unwrap_or_default(),
            })
            .collect();
        if interview.status != InterviewStatus::Cancelled {
            owners.extend(these.iter().map(|a| Ownership {
                user_id: a.user_id,
                name: a.name.clone(),
                skills: a.skill_areas.clone(),
            }));
        }
        lines.push(line(&interview, these, tz));
    }
    Ok((lines, owners))
}

/// The opening's required skill areas that a stage's loop should cover.
pub(super) async fn expected_for_stage(
    db: &Db,
    opening: &OpeningScope,
    stages: &[Stage],
    stage_id: i64,
) -> AppResult<Vec<SkillRef>> {
    let required = openings::required_skills(db, opening).await?;
    Ok(expected_in(&required, stages, stage_id))
}

fn expected_in(required: &[SkillRef], stages: &[Stage], stage_id: i64) -> Vec<SkillRef> {
    let template_skills: Vec<SkillRef> = stages
        .iter()
        .filter(|s| s.id == stage_id)
        .flat_map(|s| s.templates.iter())
        .flat_map(|t| t.skill_areas.iter().cloned())
        .collect();
    rules::expected_skills(required, &template_skills)
}

/// Every interview of an application (times in the viewer's zone), and how the loop of the
/// stage `stage_id` covers the skill areas it should.
pub async fn application_loop(
    db: &Db,
    scope: &ApplicationScope,
    stages: &[Stage],
    stage_id: i64,
) -> AppResult<(Vec<InterviewLine>, LoopCoverage)> {
    let tz = scope.timezone();
    let expected = expected_for_stage(db, &scope.opening(), stages, stage_id).await?;
    let (_, owners) = loop_of(db, scope.application_id(), Some(stage_id), tz).await?;
    let (lines, _) = loop_of(db, scope.application_id(), None, tz).await?;
    Ok((lines, rules::coverage(&expected, &owners)))
}

/// What a started loop of an active application misses or doubles, for the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopProblems {
    pub application_id: i64,
    pub candidate_name: String,
    pub warnings: Vec<String>,
}

/// The loop problems of the active applications `ids` of an opening whose current-stage
/// loop has started (the cards on the board), longest in their stage first. Two queries.
pub async fn loop_warnings(
    db: &Db,
    scope: &OpeningScope,
    stages: &[Stage],
    required: &[SkillRef],
    ids: &[i64],
) -> AppResult<Vec<LoopProblems>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = repo::loops_of_applications(db, scope.opening_id(), scope.hidden_from(), ids)
        .await
        .context("loading the loops")?;
    // Rows come grouped by application, then by assignment.
    let mut loops: Vec<(i64, i64, String, Vec<Ownership>)> = Vec::new();
    let mut last_assignment = None;
    for row in rows {
        if loops.last().is_none_or(|l| l.0 != row.application_id) {
            loops.push((
                row.application_id,
                row.stage_id,
                row.candidate_name,
                Vec::new(),
            ));
            last_assignment = None;
        }
        let Some((.., owners)) = loops.last_mut() else {
            continue;
        };
        if last_assignment != Some(row.assignment_id) {
            owners.push(Ownership {
                user_id: row.user_id,
                name: row.user_name,
                skills: Vec::new(),
            });
            last_assignment = Some(row.assignment_id);
        }
        if let (Some(owner), Some(id), Some(name)) =
            (owners.last_mut(), row.skill_id, row.skill_name)
        {
            owner.skills.push(SkillRef { id, name });
        }
    }
    Ok(loops
        .into_iter()
        .filter_map(|(application_id, stage_id, candidate_name, owners)| {
            let expected = expected_in(required, stages, stage_id);
            let warnings = rules::coverage(&expected, &owners).warnings();
            (!warnings.is_empty()).then_some(LoopProblems {
                application_id,
                candidate_name,
                warnings,
            })
        })
        .collect())
}

/// The scheduled interviews of an opening that have not ended (the next 20), without
/// hidden candidacies.
pub async fn upcoming_for_opening(
    db: &Db,
    scope: &OpeningScope,
    now: i64,
) -> AppResult<Vec<UpcomingInterview>> {
    let tz = scope.timezone();
    let rows = repo::upcoming_for_opening(db, scope.opening_id(), scope.hidden_from(), now)
        .await
        .context("loading upcoming interviews")?;
    let ids: Vec<i64> = rows.iter().map(|r| r.interview_id).collect();
    let mut names: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for row in repo::interviewer_names(db, &ids)
        .await
        .context("loading interviewers")?
    {
        names.entry(row.interview_id).or_default().push(row.name);
    }
    Ok(rows
        .into_iter()
        .map(|r| UpcomingInterview {
            interview_id: r.interview_id,
            application_id: r.application_id,
            candidate_name: r.candidate_name,
            title: r.title,
            when: time::range(r.starts_at, r.ends_at, tz),
            interviewers: names.remove(&r.interview_id).unwrap_or_default(),
        })
        .collect())
}

/// What the scheduling form needs, prefilled from `template_id` when given, with `rows`
/// interviewer rows (at least the template's default, at most the maximum).
pub async fn schedule_form(
    db: &Db,
    scope: &ApplicationScope,
    template_id: Option<i64>,
    rows: usize,
    now: i64,
) -> AppResult<ScheduleFormData> {
    let application = applications::find(db, scope).await?;
    let candidate = candidates::facts(db, scope).await?;
    let stages = openings::stages(db, &scope.opening()).await?;
    let templates = stages
        .iter()
        .find(|s| s.id == application.stage_id)
        .map(|s| s.templates.clone())
        .unwrap_or_default();
    let template = template_id.and_then(|id| templates.iter().find(|t| t.id == id).cloned());
    let tz = scope.timezone();
    let tomorrow_ten = {
        let (date, _) = time::local_parts(now + 86_400, tz);
        time::parse_local(&date, "10:00", tz).unwrap_or(now + 86_400)
    };
    let (date, start_time) = time::local_parts(tomorrow_ten, tz);
    let minutes = template.as_ref().map_or(45, |t| t.duration_minutes);
    let (_, end_time) = time::local_parts(tomorrow_ten + minutes * 60, tz);
    let expected = expected_for_stage(db, &scope.opening(), &stages, application.stage_id).await?;
    let (current_loop, owners) =
        loop_of(db, application.id, Some(application.stage_id), tz).await?;
    Ok(ScheduleFormData {
        application_id: application.id,
        candidate_name: candidate.name,
        opening_title: application.opening_title,
        stage_name: application.stage_name,
        template,
        templates,
        people: users::active_people(db).await?,
        skill_areas: skills::active(db).await?,
        timezones: users::timezone_names(),
        timezone: scope.user().timezone.clone(),
        date,
        start_time,
        end_time,
        current_loop,
        coverage: rules::coverage(&expected, &owners),
        rows: rows.clamp(DEFAULT_INTERVIEWER_ROWS, MAX_INTERVIEWERS),
    })
}

/// The interview page for those who manage it.
pub async fn detail(db: &Db, scope: &InterviewScope) -> AppResult<InterviewDetail> {
    let interview = repo::find(db, scope.interview_id())
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    let application_scope = scope.application();
    let application = applications::find(db, application_scope).await?;
    let tz = scope.timezone();
    let (lines, _) = loop_of(db, application.id, None, tz).await?;
    let line = lines
        .into_iter()
        .find(|l| l.id == interview.id)
        .ok_or(AppError::NotFound)?;
    let candidate = candidates::facts(db, application_scope).await?;
    let (date, start_time) = time::local_parts(interview.starts_at, tz);
    let (_, end_time) = time::local_parts(interview.ends_at, tz);
    let challenges = super::challenges::slots(db, scope, &line.assignments).await?;
    Ok(InterviewDetail {
        challenges,
        line,
        application_id: application.id,
        candidate_name: candidate.name,
        opening_title: application.opening_title,
        timezone: scope.application().user().timezone.clone(),
        timezones: users::timezone_names(),
        date,
        start_time,
        end_time,
        history: audit::for_interview(db, scope).await?,
    })
}

/// How many upcoming interviews "My interviews" lists (more are rare: say so).
pub const UPCOMING_SHOWN: usize = 50;
/// Overdue feedback shown at most at the top of "My interviews".
pub const OVERDUE_SHOWN: usize = 20;
/// Past interviews per page.
pub const PAST_PAGE_SIZE: usize = 25;

/// Rows as the viewer reads them, with the skill areas of each assignment.
async fn mine(
    db: &Db,
    me: &Myself,
    rows: Vec<repo::MyInterviewRow>,
    now: i64,
) -> AppResult<Vec<MyInterview>> {
    let tz = me.timezone();
    let ids: Vec<i64> = rows.iter().map(|r| r.assignment_id).collect();
    let ends: Vec<(i64, i64)> = rows.iter().map(|r| (r.interview_id, r.ends_at)).collect();
    let mut feedback = scorecards::my_feedback(db, me, &ends, now).await?;
    let mut skills: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for row in repo::skills_of_assignments(db, &ids)
        .await
        .context("loading your skill areas")?
    {
        skills.entry(row.assignment_id).or_default().push(row.name);
    }
    Ok(rows
        .into_iter()
        .map(|row| MyInterview {
            interview_id: row.interview_id,
            title: row.title,
            candidate_name: row.candidate_name,
            opening_title: row.opening_title,
            when: time::range(row.starts_at, row.ends_at, tz),
            location: row.location,
            my_skills: skills.remove(&row.assignment_id).unwrap_or_default(),
            cancelled: row.status == InterviewStatus::Cancelled,
            feedback: feedback
                .remove(&row.interview_id)
                .filter(|_| row.status != InterviewStatus::Cancelled),
        })
        .collect())
}

/// The user's next `limit` scheduled (not cancelled) interviews, for the dashboard.
pub async fn next_interviews(
    db: &Db,
    me: &Myself,
    now: i64,
    limit: usize,
) -> AppResult<Vec<MyInterview>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = repo::upcoming_of_interviewer(db, me.user().id, now, false, limit)
        .await
        .context("loading your interviews")?;
    mine(db, me, rows, now).await
}

/// The user's interviews in their own time zone: those with feedback overdue, the upcoming
/// ones, then a page of the past.
pub async fn my_interviews(
    db: &Db,
    me: &Myself,
    now: i64,
    past_page: PageNumber,
) -> AppResult<MyInterviews> {
    let user = me.user();
    let upcoming = repo::upcoming_of_interviewer(
        db,
        user.id,
        now,
        true,
        i64::try_from(UPCOMING_SHOWN + 1).unwrap_or(i64::MAX),
    )
    .await
    .context("loading your interviews")?;
    let past = repo::past_of_interviewer(
        db,
        user.id,
        now,
        i64::try_from(PAST_PAGE_SIZE + 1).unwrap_or(i64::MAX),
        past_page.offset(PAST_PAGE_SIZE),
    )
    .await
    .context("loading your interviews")?;
    let overdue = repo::overdue_of_interviewer(
        db,
        user.id,
        now,
        i64::try_from(OVERDUE_SHOWN + 1).unwrap_or(i64::MAX),
    )
    .await
    .context("loading your overdue feedback")?;
    let upcoming = Paged::from_rows(upcoming, PageNumber::default(), UPCOMING_SHOWN);
    let past = Paged::from_rows(past, past_page, PAST_PAGE_SIZE);
    let overdue = Paged::from_rows(overdue, PageNumber::default(), OVERDUE_SHOWN);
    // One query for the skill areas (and one for the feedback) of all three lists.
    let (upcoming_count, upcoming_more) = (upcoming.items.len(), upcoming.more);
    let (overdue_count, overdue_more) = (overdue.items.len(), overdue.more);
    let mut all = mine(
        db,
        me,
        overdue
            .items
            .into_iter()
            .chain(upcoming.items)
            .chain(past.items)
            .collect(),
        now,
    )
    .await?;
    let mut upcoming = all.split_off(overdue_count);
    let past_items = upcoming.split_off(upcoming_count);
    Ok(MyInterviews {
        timezone: user.timezone.clone(),
        overdue: all,
        overdue_more,
        upcoming,
        upcoming_more,
        past: Paged {
            items: past_items,
            page: past.page,
            more: past.more,
        },
    })
}

/// The interview kit: everything an interviewer needs to prepare.
pub async fn kit(db: &Db, scope: &KitScope, now: i64) -> AppResult<Kit> {
    let interview = repo::find(db, scope.interview_id())
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    let tz = scope.timezone();
    let viewer = scope.user().id;
    let (lines, _) = loop_of(db, scope.application_id(), Some(interview.stage_id), tz).await?;
    let this = lines
        .iter()
        .find(|l| l.id == interview.id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let context = applications::kit_context(db, scope).await?;
    let my_skills = this
        .assignments
        .iter()
        .find(|a| a.user_id == viewer)
        .map(|a| a.skill_areas.clone())
        .unwrap_or_default();
    let others = lines
        .iter()
        .filter(|l| !l.cancelled)
        .flat_map(|l| l.assignments.iter())
        .filter(|a| a.user_id != viewer)
        .fold(Vec::<Assignment>::new(), |mut acc, a| {
            match acc.iter_mut().find(|x| x.user_id == a.user_id) {
                Some(existing) => {
                    for skill in &a.skill_areas {
                        if !existing.skill_areas.contains(skill) {
                            existing.skill_areas.push(skill.clone());
                        }
                    }
                }
                None => acc.push(a.clone()),
            }
            acc
        });
    Ok(Kit {
        interview: this,
        opening_title: context.opening_title,
        stage_name: context.stage_name,
        candidate: candidates::profile(db, scope, now).await?,
        my_skills,
        others,
        schedule: lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openings::{StageKind, Template};

    fn skill(id: i64) -> SkillRef {
        SkillRef {
            id,
            name: format!("skill {id}"),
        }
    }

    #[test]
    fn a_stage_is_expected_to_cover_what_its_templates_cover() {
        let stages = vec![Stage {
            id: 7,
            position: 1,
            name: "Phone screen".into(),
            kind: StageKind::Interview,
            skip_for_internal: false,
            templates: vec![Template {
                id: 1,
                name: "Call".into(),
                duration_minutes: 30,
                skill_areas: vec![skill(3)],
                agenda: None,
            }],
        }];
        let required = vec![skill(1), skill(3)];
        let ids = |v: Vec<SkillRef>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids(expected_in(&required, &stages, 7)), vec![3]);
        // A stage without templates is expected to cover every required area.
        assert_eq!(ids(expected_in(&required, &stages, 8)), vec![1, 3]);
    }
}
