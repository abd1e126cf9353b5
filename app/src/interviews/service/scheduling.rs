//! Scheduling, rescheduling and cancelling interviews, with the checks that keep a loop
//! sound: no double booking, never the internal candidate's own manager, and a confirmation
//! when the loop misses a required skill area or gives one to two interviewers.

use super::super::repo::{self, InterviewRow, NewInterview};
use super::super::rules::{self, Booking, Ownership};
use super::super::{
    CancelInput, InterviewStatus, RescheduleInput, ScheduleInput, MAX_INTERVIEWERS,
};
use super::slots::{parse_location, parse_slot, Slot};
use super::views::{expected_for_stage, loop_of};
use crate::access::{ApplicationScope, InterviewScope, Scope};
use crate::applications::service::{self as applications, HistoryNote};
use crate::applications::ApplicationStatus;
use crate::audit::service::{self as audit, NewEntry};
use crate::candidates::service::{self as candidates, CandidateFacts};
use crate::db::{begin_write, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::openings::service as openings;
use crate::skills::service as skills;
use crate::time;
use crate::users::service as users;
use crate::values::{parse_text, Name};
use anyhow::Context;
use chrono_tz::Tz;
use serde_json::json;

/// The form field of row `index`'s interviewer (and of their skill areas).
fn interviewer_field(index: usize) -> String {
    format!("interviewers.{index}.user_id")
}

fn skills_field(index: usize) -> String {
    format!("interviewers.{index}.skills")
}

/// An interviewer row once parsed: who, and which skill areas they own.
#[derive(Debug, Clone)]
struct RowChoice {
    index: usize,
    user_id: i64,
    skills: Vec<i64>,
}

/// The scheduling form once parsed (what it refers to is checked afterwards).
struct ScheduleRequest {
    template_id: Option<i64>,
    title: Name,
    slot: Slot,
    location: String,
    rows: Vec<RowChoice>,
    confirmed: bool,
}

impl ScheduleRequest {
    /// Parses the form; `now` bounds how far in the past and future the slot may be.
    fn parse(input: &ScheduleInput, now: i64) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let template_id = match input.template_id.trim() {
            "" | "0" => None,
            raw => errors.take(
                "template_id",
                raw.parse::<i64>()
                    .map_err(|_| "That interview is not part of this stage.".to_owned()),
            ),
        };
        let title = errors.take(
            "title",
            Name::parse_labelled(&input.title, "a title for the interview"),
        );
        let slot = parse_slot(
            &input.date,
            &input.start_time,
            &input.end_time,
            &input.timezone,
            now,
            &mut errors,
        );
        let location = errors.take("location", parse_location(&input.location));
        let rows = parse_rows(&input.interviewers, &mut errors);
        match (title, slot, location) {
            (Some(title), Some((slot, _)), Some(location)) if errors.is_empty() => Ok(Self {
                template_id,
                title,
                slot,
                location,
                rows,
                confirmed: input.confirm.is_checked(),
            }),
            _ => Err(errors),
        }
    }
}

/// Reads the interviewer rows: a row with nobody chosen is skipped; each chosen interviewer
/// needs at least one skill area and appears once.
fn parse_rows(rows: &[super::super::InterviewerInput], errors: &mut FieldErrors) -> Vec<RowChoice> {
    if rows.len() > MAX_INTERVIEWERS {
        errors.add(
            "form",
            format!("An interview has at most {MAX_INTERVIEWERS} interviewers."),
        );
        return Vec::new();
    }
    let mut out: Vec<RowChoice> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let raw = row.user_id.trim();
        if raw.is_empty() {
            if !row.skills.is_empty() {
                errors.add(
                    &interviewer_field(index),
                    "Choose who owns these skill areas.",
                );
            }
            continue;
        }
        let Ok(user_id) = raw.parse::<i64>() else {
            errors.add(
                &interviewer_field(index),
                "Choose an interviewer from the list.",
            );
            continue;
        };
        if out.iter().any(|r| r.user_id == user_id) {
            errors.add(
                &interviewer_field(index),
                "This person is already in this interview.",
            );
            continue;
        }
        if row.skills.is_empty() {
            errors.add(
                &skills_field(index),
                "Choose the skill areas this interviewer owns in this interview.",
            );
        }
        let mut skills = row.skills.clone();
        skills.sort_unstable();
        skills.dedup();
        out.push(RowChoice {
            index,
            user_id,
            skills,
        });
    }
    if out.is_empty() && errors.get(&interviewer_field(0)).is_none() {
        errors.add(&interviewer_field(0), "Assign at least one interviewer.");
    }
    out
}

/// An interviewer whose account and skill areas were checked.
struct Interviewer {
    index: usize,
    user_id: i64,
    name: String,
    skills: Vec<i64>,
}

/// Checks that every chosen interviewer is an active account and every skill area is usable.
async fn check_rows(db: &Db, rows: Vec<RowChoice>) -> AppResult<Vec<Interviewer>> {
    let mut errors = FieldErrors::new();
    let mut people = Vec::new();
    for row in rows {
        match users::person(db, row.user_id).await? {
            None => errors.add(
                &interviewer_field(row.index),
                "Choose an interviewer from the list.",
            ),
            Some((name, false)) => {
                errors.add(
                    &interviewer_field(row.index),
                    format!("{name} is deactivated."),
                );
            }
            Some((name, true)) => {
                if let Err(message) = skills::check_active(db, &row.skills).await? {
                    errors.add(&skills_field(row.index), message);
                }
                people.push(Interviewer {
                    index: row.index,
                    user_id: row.user_id,
                    name,
                    skills: row.skills,
                });
            }
        }
    }
    errors.finish()?;
    Ok(people)
}

/// Refuses interviewers who are booked at an overlapping time (the clash is named, in the
/// scheduler's zone) or who manage the internal candidate. Runs inside the transaction that
/// locked the interviewers.
async fn check_people(
    conn: &mut sqlx::AnyConnection,
    people: &[Interviewer],
    slot: Slot,
    exclude_interview: i64,
    candidate: &CandidateFacts,
    viewer_tz: Tz,
    field: impl Fn(&Interviewer) -> String,
) -> AppResult<FieldErrors> {
    let mut errors = FieldErrors::new();
    for person in people {
        if candidate.current_manager_id == Some(person.user_id) {
            errors.add(
                &field(person),
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
                &field(person),
                format!(
                    "{} already has an interview {}. Pick another time or interviewer.",
                    person.name,
                    time::range(clash.start, clash.end, viewer_tz)
                ),
            );
        }
    }
    Ok(errors)
}

/// Schedules an interview of the application's current stage. Double bookings and the
/// candidate's own manager are refused; a loop that misses or doubles a skill area needs
/// the form's confirmation.
pub async fn schedule(
    db: &Db,
    scope: &ApplicationScope,
    input: &ScheduleInput,
    now: i64,
) -> AppResult<i64> {
    let application = applications::find(db, scope).await?;
    if application.status != ApplicationStatus::Active {
        return Err(AppError::Conflict(
            "Only active applications get new interviews.".into(),
        ));
    }
    let request = ScheduleRequest::parse(input, now).map_err(AppError::Invalid)?;
    let opening = scope.opening();
    if let Some(template_id) = request.template_id {
        if openings::template_stage(db, &opening, template_id).await? != Some(application.stage_id)
        {
            return Err(AppError::invalid(
                "template_id",
                "That interview is not part of this stage.",
            ));
        }
    }
    let people = check_rows(db, request.rows.clone()).await?;
    let candidate = candidates::facts(db, scope).await?;
    let viewer_tz = scope.timezone();

    // Coverage over the whole loop of this stage, including the new interview. Read before
    // the transaction so the write lock is held only for the booking check and the writes.
    let stages = openings::stages(db, &opening).await?;
    let required = expected_for_stage(db, &opening, &stages, application.stage_id).await?;
    let (_, mut owners) =
        loop_of(db, application.id, Some(application.stage_id), viewer_tz).await?;
    let all_skills: Vec<i64> = people.iter().flat_map(|p| p.skills.clone()).collect();
    let names = skills::refs(db, &all_skills).await?;
    owners.extend(people.iter().map(|p| {
        Ownership {
            user_id: p.user_id,
            name: p.name.clone(),
            skills: names
                .iter()
                .filter(|s| p.skills.contains(&s.id))
                .cloned()
                .collect(),
        }
    }));
    let warnings = rules::coverage(&required, &owners).warnings();

    let mut tx = begin_write(db).await?;
    let ids: Vec<i64> = people.iter().map(|p| p.user_id).collect();
    repo::lock_people(&mut tx, &ids)
        .await
        .context("reserving the interviewers")?;
    check_people(
        &mut tx,
        &people,
        request.slot,
        0,
        &candidate,
        viewer_tz,
        |p| interviewer_field(p.index),
    )
    .await?
    .finish()?;
    if !warnings.is_empty() && !request.confirmed {
        return Err(AppError::NeedsConfirmation(warnings));
    }

    let slot = request.slot;
    let title = request.title;
    let id = repo::insert(
        &mut *tx,
        &NewInterview {
            application_id: application.id,
            stage_id: application.stage_id,
            template_id: request.template_id,
            title: title.as_str(),
            starts_at: slot.start,
            duration_minutes: slot.duration_minutes,
            location: &request.location,
            scheduled_by: scope.actor_id(),
        },
        now,
    )
    .await
    .context("saving the interview")?;
    for person in &people {
        repo::insert_assignment(&mut tx, id, person.user_id, &person.skills)
            .await
            .context("assigning an interviewer")?;
    }
    if let Some(template_id) = request.template_id {
        crate::agendas::service::copy_from_plan(&mut tx, template_id, id).await?;
    }
    applications::record_note(
        &mut tx,
        scope,
        &HistoryNote::InterviewScheduled {
            title: title.as_str().to_owned(),
            starts_at: slot.start,
            ends_at: slot.end(),
        },
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        NewEntry::new(scope.actor_id(), "interview", id, "schedule", format!("Scheduled {title} with {}", candidate.name))
            .opening(scope.opening_id())
            .candidate(candidate.id)
            .after(json!({
                "title": title.as_str(), "starts_at": slot.start, "duration_minutes": slot.duration_minutes,
                "location": request.location,
                "interviewers": people.iter().map(|p| json!({"user_id": p.user_id, "skill_areas": p.skills})).collect::<Vec<_>>(),
                "warnings_confirmed": warnings,
            })),
        now,
    )
    .await?;
    crate::mail::outbox::interview_scheduled(&mut tx, id, now)
        .await
        .context("queueing the interview's reminders")?;
    tx.commit().await.context("committing the interview")?;
    Ok(id)
}

async fn find(db: &Db, scope: &InterviewScope) -> AppResult<InterviewRow> {
    repo::find(db, scope.interview_id())
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)
}

/// Moves an interview to another time (same interviewers, checked for clashes again).
pub async fn reschedule(
    db: &Db,
    scope: &InterviewScope,
    input: &RescheduleInput,
    now: i64,
) -> AppResult<()> {
    let interview = find(db, scope).await?;
    if interview.status == InterviewStatus::Cancelled {
        return Err(AppError::Conflict(
            "This interview was cancelled; schedule a new one instead.".into(),
        ));
    }
    let application = scope.application();
    let candidate = candidates::facts(db, application).await?;
    let viewer_tz = scope.timezone();
    let mut errors = FieldErrors::new();
    let slot = parse_slot(
        &input.date,
        &input.start_time,
        &input.end_time,
        &input.timezone,
        now,
        &mut errors,
    );
    let location = errors.take("location", parse_location(&input.location));
    errors.finish()?;
    let (Some((slot, _)), Some(location)) = (slot, location) else {
        return Err(AppError::Unexpected);
    };
    let (lines, _) = loop_of(db, application.application_id(), None, viewer_tz).await?;
    let people: Vec<Interviewer> = lines
        .iter()
        .find(|l| l.id == interview.id)
        .map(|l| {
            l.assignments
                .iter()
                .enumerate()
                .map(|(index, a)| Interviewer {
                    index,
                    user_id: a.user_id,
                    name: a.name.clone(),
                    skills: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut tx = begin_write(db).await?;
    let ids: Vec<i64> = people.iter().map(|p| p.user_id).collect();
    repo::lock_people(&mut tx, &ids)
        .await
        .context("reserving the interviewers")?;
    check_people(
        &mut tx,
        &people,
        slot,
        interview.id,
        &candidate,
        viewer_tz,
        |_| "start_time".to_owned(),
    )
    .await?
    .finish()?;
    repo::reschedule(
        &mut tx,
        interview.id,
        slot.start,
        slot.duration_minutes,
        &location,
        now,
    )
    .await
    .context("moving the interview")?;
    applications::record_note(
        &mut tx,
        application,
        &HistoryNote::InterviewRescheduled {
            title: interview.title.clone(),
            from_starts_at: interview.starts_at,
            from_ends_at: interview.ends_at,
            starts_at: slot.start,
            ends_at: slot.end(),
        },
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        NewEntry::new(scope.actor_id(), "interview", interview.id, "reschedule", format!("Rescheduled {}", interview.title))
            .opening(application.opening_id())
            .candidate(application.candidate_id())
            .before(json!({"starts_at": interview.starts_at, "duration_minutes": interview.duration_minutes, "location": interview.location}))
            .after(json!({"starts_at": slot.start, "duration_minutes": slot.duration_minutes, "location": location})),
        now,
    )
    .await?;
    crate::mail::outbox::interview_rescheduled(&mut tx, interview.id, now)
        .await
        .context("updating the interview's reminders")?;
    tx.commit().await.context("committing the reschedule")?;
    Ok(())
}

/// Cancels an interview; it stays in the history with the reason.
pub async fn cancel(
    db: &Db,
    scope: &InterviewScope,
    input: &CancelInput,
    now: i64,
) -> AppResult<()> {
    let interview = find(db, scope).await?;
    if interview.status == InterviewStatus::Cancelled {
        return Err(AppError::Conflict(
            "This interview is already cancelled.".into(),
        ));
    }
    let reason =
        parse_text(&input.reason, 500, "the reason").map_err(|m| AppError::invalid("reason", m))?;
    if reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "Say why the interview is cancelled.",
        ));
    }
    let reason = reason.as_str();
    let application = scope.application();
    let mut tx = begin_write(db).await?;
    repo::cancel(&mut *tx, interview.id, reason, now)
        .await
        .context("cancelling the interview")?;
    applications::record_note(
        &mut tx,
        application,
        &HistoryNote::InterviewCancelled {
            title: interview.title.clone(),
            reason: reason.to_owned(),
        },
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            scope.actor_id(),
            "interview",
            interview.id,
            "cancel",
            format!("Cancelled {}", interview.title),
        )
        .opening(application.opening_id())
        .candidate(application.candidate_id())
        .before(json!({"status": InterviewStatus::Scheduled.as_str()}))
        .after(json!({"status": InterviewStatus::Cancelled.as_str(), "reason": reason})),
        now,
    )
    .await?;
    crate::mail::outbox::interview_cancelled(&mut tx, interview.id, now)
        .await
        .context("cancelling the interview's reminders")?;
    tx.commit().await.context("committing the cancellation")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interviews::InterviewerInput;

    fn row(user: &str, skills: &[i64]) -> InterviewerInput {
        InterviewerInput {
            user_id: user.into(),
            skills: skills.to_vec(),
        }
    }

    #[test]
    fn interviewer_rows_name_the_row_with_the_problem() {
        let mut errors = FieldErrors::new();
        let rows = parse_rows(
            &[
                row("", &[]),
                row("7", &[2, 1, 2]),
                row("7", &[3]),
                row("x", &[1]),
                row("", &[4]),
            ],
            &mut errors,
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].skills, vec![1, 2]);
        assert_eq!(rows[0].index, 1);
        assert!(errors
            .get("interviewers.2.user_id")
            .is_some_and(|m| m.contains("already")));
        assert!(errors.get("interviewers.3.user_id").is_some());
        assert!(errors
            .get("interviewers.4.user_id")
            .is_some_and(|m| m.contains("Choose who")));
        assert!(errors.get("interviewers.0.user_id").is_none());
    }

    #[test]
    fn a_loop_needs_someone_and_at_most_the_maximum() {
        let mut errors = FieldErrors::new();
        assert!(parse_rows(&[row("", &[])], &mut errors).is_empty());
        assert_eq!(
            errors.get("interviewers.0.user_id"),
            Some("Assign at least one interviewer.")
        );
        let mut errors = FieldErrors::new();
        let many: Vec<InterviewerInput> = (1..=MAX_INTERVIEWERS + 1)
            .map(|i| row(&i.to_string(), &[1]))
            .collect();
        assert!(parse_rows(&many, &mut errors).is_empty());
        assert!(errors.get("form").is_some());
        let mut errors = FieldErrors::new();
        let most: Vec<InterviewerInput> = (1..=MAX_INTERVIEWERS)
            .map(|i| row(&i.to_string(), &[1]))
            .collect();
        assert_eq!(parse_rows(&most, &mut errors).len(), MAX_INTERVIEWERS);
        assert!(errors.is_empty());
    }

    #[test]
    fn a_row_without_skill_areas_is_refused() {
        let mut errors = FieldErrors::new();
        parse_rows(&[row("5", &[])], &mut errors);
        assert!(errors.get("interviewers.0.skills").is_some());
    }
}
