//! The rules for scheduling, rescheduling and cancelling interviews, and what
//! interviewers see.

use super::repo::{self, InterviewRow, NewInterview};
use super::rules::{self, Booking, Ownership};
use super::{
    Assignment, InterviewDetail, InterviewLine, Kit, LoopCoverage, MyInterview, MyInterviews,
    ScheduleFormData,
};
use crate::access;
use crate::applications::repo::{self as applications, ApplicationRow};
use crate::audit::repo::{self as audit, NewEntry};
use crate::auth::CurrentUser;
use crate::candidates::{repo as candidates, service as candidate_service};
use crate::db::{now, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::openings::{repo as openings, service as opening_service, PersonRef, SkillRef};
use crate::time::{self, EntryError};
use crate::users::repo as users;
use crate::values::{Name, TimeZoneName};
use anyhow::Context;
use chrono_tz::Tz;
use serde_json::json;
use std::collections::BTreeMap;

/// New interviews may start at most this long ago (recording yesterday's phone screen is
/// fine; last month's is a typo).
pub const PAST_LIMIT_SECS: i64 = 24 * 3600;
/// ... and at most this far ahead.
pub const FUTURE_LIMIT_SECS: i64 = 366 * 24 * 3600;
/// How many interviewer rows the form offers.
pub const INTERVIEWER_ROWS: usize = 4;

/// A validated time slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: i64,
    pub duration_minutes: i64,
}

impl Slot {
    pub fn end(self) -> i64 {
        self.start + self.duration_minutes * 60
    }
}

/// Reads a date, start and end time entered in `timezone`; `now` bounds how far in the past
/// and future the slot may be.
pub fn parse_slot(
    date: &str,
    start_time: &str,
    end_time: &str,
    timezone: &str,
    now: i64,
    errors: &mut FieldErrors,
) -> Option<(Slot, Tz)> {
    let tz = errors.take("timezone", TimeZoneName::parse(timezone))?.tz();
    let start = match time::parse_local(date, start_time, tz) {
        Ok(t) => Some(t),
        Err(EntryError::Date(m)) => {
            errors.add("date", m);
            None
        }
        Err(EntryError::Time(m)) => {
            errors.add("start_time", m);
            None
        }
    };
    let end = match time::parse_local(date, end_time, tz) {
        Ok(t) => Some(t),
        Err(EntryError::Date(_)) => None,
        Err(EntryError::Time(m)) => {
            errors.add("end_time", m);
            None
        }
    };
    let (start, end) = (start?, end?);
    if end <= start {
        errors.add("end_time", "The end must be after the start.");
        return None;
    }
    let minutes = (end - start) / 60;
    if !opening_service::DURATION_RANGE.contains(&minutes) {
        errors.add(
            "end_time",
            format!(
                "An interview lasts between {} and {} minutes.",
                opening_service::DURATION_RANGE.start(),
                opening_service::DURATION_RANGE.end()
            ),
        );
        return None;
    }
    if start < now - PAST_LIMIT_SECS {
        errors.add(
            "date",
            "That date is in the past. Choose today or a later day.",
        );
        return None;
    }
    if start > now + FUTURE_LIMIT_SECS {
        errors.add("date", "That is more than a year ahead.");
        return None;
    }
    Some((
        Slot {
            start,
            duration_minutes: minutes,
        },
        tz,
    ))
}

fn parse_location(raw: &str, errors: &mut FieldErrors) -> Option<String> {
    let location = raw.trim();
    if location.is_empty() {
        errors.add("location", "Enter a room or a video link.");
        None
    } else if location.chars().count() > 500 {
        errors.add("location", "Keep the place or link under 500 characters.");
        None
    } else if location.chars().any(char::is_control) {
        errors.add("location", "Use a single line.");
        None
    } else {
        Some(location.to_owned())
    }
}

/// The interviews of an application as lines (times in `tz`), and who owns what in the
/// non-cancelled interviews of `stage_id`.
pub async fn loop_of(
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
        let cancelled = interview.status == "cancelled";
        if !cancelled {
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

fn line(interview: &InterviewRow, assignments: Vec<Assignment>, tz: Tz) -> InterviewLine {
    InterviewLine {
        id: interview.id,
        title: interview.title.clone(),
        when: time::range(interview.starts_at, interview.ends_at, tz),
        location: interview.location.clone(),
        cancelled: interview.status == "cancelled",
        cancel_reason: interview.cancel_reason.clone(),
        assignments,
    }
}

/// How the loop of an application's current stage covers the skill areas it should.
pub async fn coverage_of(
    db: &Db,
    application: &ApplicationRow,
    tz: Tz,
) -> AppResult<(Vec<InterviewLine>, LoopCoverage)> {
    let expected = expected_for_stage(db, application.opening_id, application.stage_id).await?;
    let (lines, owners) = loop_of(db, application.id, Some(application.stage_id), tz).await?;
    Ok((lines, rules::coverage(&expected, &owners)))
}

/// The opening's required skill areas that a stage's loop should cover.
async fn expected_for_stage(db: &Db, opening_id: i64, stage_id: i64) -> AppResult<Vec<SkillRef>> {
    let required: Vec<SkillRef> = openings::required_skills(db, opening_id)
        .await
        .context("loading required skill areas")?
        .into_iter()
        .map(|r| SkillRef {
            id: r.skill_id,
            name: r.name,
        })
        .collect();
    let template_skills: Vec<SkillRef> = opening_service::stages(db, opening_id)
        .await?
        .into_iter()
        .filter(|s| s.id == stage_id)
        .flat_map(|s| s.templates)
        .flat_map(|t| t.skill_areas)
        .collect();
    Ok(rules::expected_skills(&required, &template_skills))
}

async fn managed_application(
    db: &Db,
    user: &CurrentUser,
    application_id: i64,
) -> AppResult<ApplicationRow> {
    access::require_application_manager(db, user, application_id).await?;
    applications::find(db, application_id)
        .await
        .context("loading the application")?
        .ok_or(AppError::NotFound)
}

/// What the scheduling form needs, prefilled from `template_id` when given.
pub async fn schedule_form(
    db: &Db,
    user: &CurrentUser,
    application_id: i64,
    template_id: Option<i64>,
) -> AppResult<ScheduleFormData> {
    let application = managed_application(db, user, application_id).await?;
    let candidate = candidates::find(db, application.candidate_id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)?;
    let stages = opening_service::stages(db, application.opening_id).await?;
    let templates = stages
        .into_iter()
        .find(|s| s.id == application.stage_id)
        .map(|s| s.templates)
        .unwrap_or_default();
    let template = template_id.and_then(|id| templates.iter().find(|t| t.id == id).cloned());
    let tz = time::zone(&user.timezone);
    let tomorrow_ten = {
        let (date, _) = time::local_parts(now() + 86_400, tz);
        time::parse_local(&date, "10:00", tz).unwrap_or(now() + 86_400)
    };
    let (date, start_time) = time::local_parts(tomorrow_ten, tz);
    let minutes = template.as_ref().map_or(45, |t| t.duration_minutes);
    let (_, end_time) = time::local_parts(tomorrow_ten + minutes * 60, tz);
    let (current_loop, coverage) = coverage_of(db, &application, tz).await?;
    let people = openings::active_people(db)
        .await
        .context("listing people")?
        .into_iter()
        .map(|p| PersonRef {
            id: p.id,
            name: p.name,
        })
        .collect();
    let skill_areas = crate::skills::repo::list(db)
        .await
        .context("listing skill areas")?
        .into_iter()
        .filter(|s| !s.archived)
        .map(|s| SkillRef {
            id: s.id,
            name: s.name,
        })
        .collect();
    Ok(ScheduleFormData {
        application_id,
        candidate_name: candidate.name,
        opening_title: application.opening_title,
        stage_name: application.stage_name,
        template,
        templates,
        people,
        skill_areas,
        timezones: crate::users::service::timezone_names(),
        timezone: user.timezone.clone(),
        date,
        start_time,
        end_time,
        current_loop,
        coverage,
    })
}

/// What the scheduling form sends.
#[derive(Debug, Clone, Default)]
pub struct ScheduleInput {
    pub application_id: i64,
    pub template_id: Option<i64>,
    pub title: String,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub timezone: String,
    pub location: String,
    /// Interviewer rows: the user id as entered and the skill areas they own.
    pub interviewers: Vec<(String, Vec<i64>)>,
    /// The scheduler read the loop warnings and wants to save anyway.
    pub confirmed: bool,
}

struct Interviewer {
    row: usize,
    user_id: i64,
    name: String,
    skills: Vec<i64>,
}

async fn parse_interviewers(
    db: &Db,
    rows: &[(String, Vec<i64>)],
    errors: &mut FieldErrors,
) -> AppResult<Vec<Interviewer>> {
    let mut out: Vec<Interviewer> = Vec::new();
    for (index, (raw_id, skills)) in rows.iter().enumerate() {
        let row = index + 1;
        let field = format!("interviewer_{row}");
        if raw_id.trim().is_empty() {
            if !skills.is_empty() {
                errors.add(&field, "Choose who owns these skill areas.");
            }
            continue;
        }
        let Ok(user_id) = raw_id.trim().parse::<i64>() else {
            errors.add(&field, "Choose an interviewer from the list.");
            continue;
        };
        let Some(user) = users::find_by_id(db, user_id)
            .await
            .context("loading an interviewer")?
        else {
            errors.add(&field, "Choose an interviewer from the list.");
            continue;
        };
        if !user.active {
            errors.add(&field, format!("{} is deactivated.", user.name));
            continue;
        }
        if out.iter().any(|i| i.user_id == user_id) {
            errors.add(
                &field,
                format!("{} is already in this interview.", user.name),
            );
            continue;
        }
        if skills.is_empty() {
            errors.add(
                &format!("skills_{row}"),
                format!(
                    "Choose the skill areas {} owns in this interview.",
                    user.name
                ),
            );
        } else if crate::skills::service::check_active(db, skills, "x")
            .await
            .is_err()
        {
            errors.add(
                &format!("skills_{row}"),
                "Choose skill areas from the list.",
            );
        }
        let mut skills = skills.clone();
        skills.sort_unstable();
        skills.dedup();
        out.push(Interviewer {
            row,
            user_id,
            name: user.name,
            skills,
        });
    }
    if out.is_empty() && errors.get("interviewer_1").is_none() {
        errors.add("interviewer_1", "Assign at least one interviewer.");
    }
    Ok(out)
}

/// Refuses interviewers who are booked at an overlapping time (the clash is named, in the
/// scheduler's zone) or who manage the internal candidate.
#[allow(clippy::too_many_arguments)]
async fn check_people(
    conn: &mut sqlx::AnyConnection,
    people: &[Interviewer],
    slot: Slot,
    exclude_interview: i64,
    candidate: &candidates::CandidateRow,
    viewer_tz: Tz,
    errors: &mut FieldErrors,
) -> AppResult<()> {
    for person in people {
        let field = format!("interviewer_{}", person.row);
        if candidate.is_internal && candidate.current_manager_id == Some(person.user_id) {
            errors.add(
                &field,
                format!(
                    "{} is {}'s current manager and cannot interview them: an internal candidate's manager is kept out of their candidacy.",
                    person.name, candidate.name
                ),
            );
            continue;
        }
        let booked: Vec<Booking> = repo::bookings(
            &mut *conn,
            person.user_id,
            slot.start,
            slot.end(),
            exclude_interview,
        )
        .await
        .context("checking bookings")?
        .into_iter()
        .map(|b| Booking {
            user_id: b.user_id,
            start: b.starts_at,
            end: b.ends_at,
        })
        .collect();
        if let Some(clash) = rules::clashes(person.user_id, slot.start, slot.end(), &booked).first()
        {
            errors.add(
                &field,
                format!(
                    "{} already has an interview {}. Pick another time or interviewer.",
                    person.name,
                    time::range(clash.start, clash.end, viewer_tz)
                ),
            );
        }
    }
    Ok(())
}

/// Schedules an interview of the application's current stage. Double bookings and the
/// candidate's own manager are refused; a loop that misses or doubles a skill area needs
/// `confirmed`.
pub async fn schedule(db: &Db, user: &CurrentUser, input: &ScheduleInput) -> AppResult<i64> {
    let application = managed_application(db, user, input.application_id).await?;
    if application.status != "active" {
        return Err(AppError::Conflict(
            "Only active applications get new interviews.".into(),
        ));
    }
    let candidate = candidates::find(db, application.candidate_id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)?;
    let viewer_tz = time::zone(&user.timezone);
    let mut errors = FieldErrors::new();
    let title = errors.take(
        "title",
        Name::parse_labelled(&input.title, "a title for the interview"),
    );
    let slot = parse_slot(
        &input.date,
        &input.start_time,
        &input.end_time,
        &input.timezone,
        now(),
        &mut errors,
    );
    let location = parse_location(&input.location, &mut errors);
    let template_id = match input.template_id {
        Some(id) => {
            let owner = openings::find_template(db, id)
                .await
                .context("loading the template")?;
            if owner.as_ref().map(|t| t.stage_id) == Some(application.stage_id) {
                Some(id)
            } else {
                errors.add("template_id", "That interview is not part of this stage.");
                None
            }
        }
        None => None,
    };
    let people = parse_interviewers(db, &input.interviewers, &mut errors).await?;
    let mut tx = db.begin().await.context("starting to schedule")?;
    let ids: Vec<i64> = people.iter().map(|p| p.user_id).collect();
    repo::lock_people(&mut tx, &ids)
        .await
        .context("reserving the interviewers")?;
    if let Some((slot, _)) = slot {
        check_people(
            &mut tx,
            &people,
            slot,
            0,
            &candidate,
            viewer_tz,
            &mut errors,
        )
        .await?;
    }
    errors.finish()?;
    let (Some(title), Some((slot, _)), Some(location)) = (title, slot, location) else {
        return Err(AppError::Unexpected);
    };

    // Coverage over the whole loop of this stage, including the new interview.
    let required = expected_for_stage(db, application.opening_id, application.stage_id).await?;
    let (_, mut owners) =
        loop_of(db, application.id, Some(application.stage_id), viewer_tz).await?;
    let skill_names: BTreeMap<i64, String> = crate::skills::repo::list(db)
        .await
        .context("listing skill areas")?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    owners.extend(people.iter().map(|p| {
        Ownership {
            user_id: p.user_id,
            name: p.name.clone(),
            skills: p
                .skills
                .iter()
                .map(|id| SkillRef {
                    id: *id,
                    name: skill_names.get(id).cloned().unwrap_or_default(),
                })
                .collect(),
        }
    }));
    let warnings = rules::coverage(&required, &owners).warnings();
    if !warnings.is_empty() && !input.confirmed {
        return Err(AppError::NeedsConfirmation(warnings));
    }

    let id = repo::insert(
        &mut *tx,
        &NewInterview {
            application_id: application.id,
            stage_id: application.stage_id,
            template_id,
            title: title.as_str(),
            starts_at: slot.start,
            duration_minutes: slot.duration_minutes,
            location: &location,
            scheduled_by: user.id,
        },
        now(),
    )
    .await
    .context("saving the interview")?;
    for person in &people {
        repo::insert_assignment(&mut tx, id, person.user_id, &person.skills)
            .await
            .context("assigning an interviewer")?;
    }
    let when_utc = time::range(slot.start, slot.end(), chrono_tz::UTC);
    applications::note(
        &mut *tx,
        application.id,
        user.id,
        &format!("Scheduled {title} for {when_utc}"),
        now(),
    )
    .await
    .context("recording history")?;
    audit::record(
        &mut *tx,
        NewEntry::new(user, "interview", id, "schedule", format!("Scheduled {title} with {}", candidate.name))
            .opening(application.opening_id)
            .candidate(candidate.id)
            .after(json!({
                "title": title.as_str(), "starts_at": slot.start, "duration_minutes": slot.duration_minutes,
                "location": location,
                "interviewers": people.iter().map(|p| json!({"user_id": p.user_id, "skill_areas": p.skills})).collect::<Vec<_>>(),
                "warnings_confirmed": warnings,
            })),
        now(),
    )
    .await
    .context("auditing the interview")?;
    tx.commit().await.context("committing the interview")?;
    Ok(id)
}

async fn managed_interview(
    db: &Db,
    user: &CurrentUser,
    interview_id: i64,
) -> AppResult<(InterviewRow, ApplicationRow)> {
    let interview = repo::find(db, interview_id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    let application = managed_application(db, user, interview.application_id).await?;
    Ok((interview, application))
}

/// Moves an interview to another time (same interviewers, checked for clashes again).
pub async fn reschedule(
    db: &Db,
    user: &CurrentUser,
    interview_id: i64,
    date: &str,
    start_time: &str,
    end_time: &str,
    timezone: &str,
    location: &str,
) -> AppResult<()> {
    let (interview, application) = managed_interview(db, user, interview_id).await?;
    if interview.status == "cancelled" {
        return Err(AppError::Conflict(
            "This interview was cancelled; schedule a new one instead.".into(),
        ));
    }
    let candidate = candidates::find(db, application.candidate_id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)?;
    let viewer_tz = time::zone(&user.timezone);
    let mut errors = FieldErrors::new();
    let slot = parse_slot(date, start_time, end_time, timezone, now(), &mut errors);
    let location = parse_location(location, &mut errors);
    let (lines, _) = loop_of(db, application.id, None, viewer_tz).await?;
    let people: Vec<Interviewer> = lines
        .iter()
        .find(|l| l.id == interview_id)
        .map(|l| {
            l.assignments
                .iter()
                .enumerate()
                .map(|(i, a)| Interviewer {
                    row: i + 1,
                    user_id: a.user_id,
                    name: a.name.clone(),
                    skills: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut tx = db.begin().await.context("starting to reschedule")?;
    let ids: Vec<i64> = people.iter().map(|p| p.user_id).collect();
    repo::lock_people(&mut tx, &ids)
        .await
        .context("reserving the interviewers")?;
    if let Some((slot, _)) = slot {
        let mut clash_errors = FieldErrors::new();
        check_people(
            &mut tx,
            &people,
            slot,
            interview_id,
            &candidate,
            viewer_tz,
            &mut clash_errors,
        )
        .await?;
        for (_, message) in clash_errors.iter() {
            errors.add("start_time", message);
        }
    }
    errors.finish()?;
    let (Some((slot, _)), Some(location)) = (slot, location) else {
        return Err(AppError::Unexpected);
    };
    repo::reschedule(
        &mut *tx,
        interview_id,
        slot.start,
        slot.duration_minutes,
        &location,
        now(),
    )
    .await
    .context("moving the interview")?;
    applications::note(
        &mut *tx,
        application.id,
        user.id,
        &format!(
            "Rescheduled {} from {} to {}",
            interview.title,
            time::range(interview.starts_at, interview.ends_at, chrono_tz::UTC),
            time::range(slot.start, slot.end(), chrono_tz::UTC)
        ),
        now(),
    )
    .await
    .context("recording history")?;
    audit::record(
        &mut *tx,
        NewEntry::new(user, "interview", interview_id, "reschedule", format!("Rescheduled {}", interview.title))
            .opening(application.opening_id)
            .candidate(application.candidate_id)
            .before(json!({"starts_at": interview.starts_at, "duration_minutes": interview.duration_minutes, "location": interview.location}))
            .after(json!({"starts_at": slot.start, "duration_minutes": slot.duration_minutes, "location": location})),
        now(),
    )
    .await
    .context("auditing the reschedule")?;
    tx.commit().await.context("committing the reschedule")?;
    Ok(())
}

/// Cancels an interview; it stays in the history with the reason.
pub async fn cancel(db: &Db, user: &CurrentUser, interview_id: i64, reason: &str) -> AppResult<()> {
    let (interview, application) = managed_interview(db, user, interview_id).await?;
    if interview.status == "cancelled" {
        return Err(AppError::Conflict(
            "This interview is already cancelled.".into(),
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "Say why the interview is cancelled.",
        ));
    }
    if reason.chars().count() > 500 {
        return Err(AppError::invalid(
            "reason",
            "Keep the reason under 500 characters.",
        ));
    }
    let mut tx = db.begin().await.context("starting to cancel")?;
    repo::cancel(&mut *tx, interview_id, reason, now())
        .await
        .context("cancelling the interview")?;
    applications::note(
        &mut *tx,
        application.id,
        user.id,
        &format!("Cancelled {}: {reason}", interview.title),
        now(),
    )
    .await
    .context("recording history")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            user,
            "interview",
            interview_id,
            "cancel",
            format!("Cancelled {}", interview.title),
        )
        .opening(application.opening_id)
        .candidate(application.candidate_id)
        .before(json!({"status": "scheduled"}))
        .after(json!({"status": "cancelled", "reason": reason})),
        now(),
    )
    .await
    .context("auditing the cancellation")?;
    tx.commit().await.context("committing the cancellation")?;
    Ok(())
}

/// The interview page for its hiring manager.
pub async fn detail(db: &Db, user: &CurrentUser, interview_id: i64) -> AppResult<InterviewDetail> {
    let (interview, application) = managed_interview(db, user, interview_id).await?;
    let tz = time::zone(&user.timezone);
    let (lines, _) = loop_of(db, application.id, None, tz).await?;
    let line = lines
        .into_iter()
        .find(|l| l.id == interview_id)
        .ok_or(AppError::NotFound)?;
    let candidate = candidates::find(db, application.candidate_id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)?;
    let (date, start_time) = time::local_parts(interview.starts_at, tz);
    let (_, end_time) = time::local_parts(interview.ends_at, tz);
    let history = crate::audit::repo::for_entity(db, "interview", interview_id)
        .await
        .context("loading the history")?
        .into_iter()
        .map(|r| crate::audit::AuditEntryView {
            id: r.id,
            at: time::datetime(r.at, tz),
            actor: r.actor_name,
            entity: r.entity,
            entity_id: r.entity_id,
            action: r.action,
            summary: r.summary,
            before: r.before_json,
            after: r.after_json,
        })
        .collect();
    Ok(InterviewDetail {
        line,
        application_id: application.id,
        candidate_name: candidate.name,
        opening_title: application.opening_title,
        timezone: user.timezone.clone(),
        timezones: crate::users::service::timezone_names(),
        date,
        start_time,
        end_time,
        history,
    })
}

/// The user's interviews in their own time zone.
pub async fn my_interviews(db: &Db, user: &CurrentUser) -> AppResult<MyInterviews> {
    let tz = time::zone(&user.timezone);
    let rows = repo::of_interviewer(db, user.id)
        .await
        .context("loading your interviews")?;
    let mut skills: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for row in repo::skills_of_interviewer(db, user.id)
        .await
        .context("loading your skill areas")?
    {
        skills.entry(row.assignment_id).or_default().push(row.name);
    }
    let now = now();
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for row in rows {
        let item = MyInterview {
            interview_id: row.interview_id,
            title: row.title,
            candidate_name: row.candidate_name,
            opening_title: row.opening_title,
            when: time::range(row.starts_at, row.ends_at, tz),
            location: row.location,
            my_skills: skills.remove(&row.assignment_id).unwrap_or_default(),
            cancelled: row.status == "cancelled",
        };
        if row.ends_at > now {
            upcoming.push(item);
        } else {
            past.push(item);
        }
    }
    past.reverse();
    Ok(MyInterviews {
        timezone: user.timezone.clone(),
        upcoming,
        past,
    })
}

/// The interview kit: for the interviewers of this interview, and the people who manage
/// the application. Anyone else finds nothing.
pub async fn kit(db: &Db, user: &CurrentUser, interview_id: i64) -> AppResult<Kit> {
    let interview = repo::find(db, interview_id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    let facts = access::repo::application_facts(db, interview.application_id)
        .await
        .context("loading the application")?
        .ok_or(AppError::NotFound)?;
    let tz = time::zone(&user.timezone);
    let (lines, _) = loop_of(db, interview.application_id, Some(interview.stage_id), tz).await?;
    let this = lines
        .iter()
        .find(|l| l.id == interview_id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let assigned = this.assignments.iter().any(|a| a.user_id == user.id);
    let manages = access::require_application_manager(db, user, interview.application_id)
        .await
        .is_ok();
    if !(manages || (assigned && !facts.hidden_from(user.id))) {
        return Err(AppError::NotFound);
    }
    let application = applications::find(db, interview.application_id)
        .await
        .context("loading the application")?
        .ok_or(AppError::NotFound)?;
    let candidate_row = candidates::find(db, application.candidate_id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)?;
    let my_skills = this
        .assignments
        .iter()
        .find(|a| a.user_id == user.id)
        .map(|a| a.skill_areas.clone())
        .unwrap_or_default();
    let others = lines
        .iter()
        .filter(|l| !l.cancelled)
        .flat_map(|l| l.assignments.iter())
        .filter(|a| a.user_id != user.id)
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
        opening_title: application.opening_title,
        stage_name: application.stage_name,
        candidate: candidate_service::candidate_view(candidate_row),
        my_skills,
        others,
        schedule: lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000; // 2026-11-18

    fn slot(date: &str, start: &str, end: &str, tz: &str) -> Result<Slot, FieldErrors> {
        let mut errors = FieldErrors::new();
        match parse_slot(date, start, end, tz, NOW, &mut errors) {
            Some((slot, _)) => Ok(slot),
            None => Err(errors),
        }
    }

    #[test]
    fn a_slot_is_entered_in_the_schedulers_zone() {
        let s = slot("2026-11-24", "14:00", "14:45", "Europe/Berlin").expect("valid");
        assert_eq!(s.duration_minutes, 45);
        assert_eq!(
            time::datetime(s.start, chrono_tz::UTC),
            "Tue 24 Nov 2026, 13:00 UTC (UTC)"
        );
    }

    #[test]
    fn bad_slots_name_the_field() {
        let e = slot("2026-11-24", "14:00", "13:00", "UTC").expect_err("end before start");
        assert_eq!(e.get("end_time"), Some("The end must be after the start."));
        let e = slot("2026-11-24", "14:00", "14:00", "UTC").expect_err("zero length");
        assert!(e.get("end_time").is_some());
        let e = slot("2025-01-01", "14:00", "15:00", "UTC").expect_err("far past");
        assert!(e.get("date").is_some_and(|m| m.contains("past")));
        let e = slot("2028-01-01", "14:00", "15:00", "UTC").expect_err("far future");
        assert!(e.get("date").is_some());
        let e = slot("2026-11-24", "14:00", "15:00", "Moon/Base").expect_err("zone");
        assert!(e.get("timezone").is_some());
        let e = slot("2026-11-24", "09:00", "18:30", "UTC").expect_err("too long");
        assert!(e.get("end_time").is_some());
    }

    #[test]
    fn locations_are_required_single_lines() {
        let mut errors = FieldErrors::new();
        assert_eq!(
            parse_location(" https://meet.example/abc ", &mut errors),
            Some("https://meet.example/abc".into())
        );
        assert_eq!(parse_location("  ", &mut errors), None);
        assert!(errors.get("location").is_some());
    }
}
