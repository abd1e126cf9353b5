//! Giving an interviewer a coding challenge: one from the library that tests a skill area
//! they own, active, and new to the candidate.

use super::super::repo;
use super::super::{AssignChallengeInput, ChallengeSlot, InterviewStatus};
use crate::access::{InterviewScope, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::challenges::{service as challenges, ChallengeStatus};
use crate::db::{begin_write, Db};
use crate::error::{AppError, AppResult};
use crate::interviews::Assignment;
use anyhow::Context;
use serde_json::json;

/// Each interviewer's challenge and the ones they could get (matching their skill areas).
pub async fn slots(
    db: &Db,
    scope: &InterviewScope,
    assignments: &[Assignment],
) -> AppResult<Vec<ChallengeSlot>> {
    let rows = repo::assignment_challenges(db, scope.interview_id())
        .await
        .context("loading the assigned challenges")?;
    let skill_ids: Vec<i64> = assignments
        .iter()
        .flat_map(|a| a.skill_areas.iter().map(|s| s.id))
        .collect();
    let library = challenges::matching_active(db, &skill_ids).await?;
    Ok(assignments
        .iter()
        .map(|a| {
            let current = rows.iter().find(|r| r.assignment_id == a.id);
            let choices = library
                .iter()
                .filter(|c| {
                    c.skill_areas
                        .iter()
                        .any(|s| a.skill_areas.iter().any(|mine| mine.id == s.id))
                })
                .map(|c| {
                    (
                        c.id.to_string(),
                        format!(
                            "{} (difficulty {}, {} min)",
                            c.title, c.difficulty, c.expected_minutes
                        ),
                    )
                })
                .collect();
            ChallengeSlot {
                assignment_id: a.id,
                interviewer: a.name.clone(),
                skills: a
                    .skill_areas
                    .iter()
                    .map(|s| s.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                current_id: current.and_then(|r| r.challenge_id),
                current_title: current.and_then(|r| r.challenge_title.clone()),
                choices,
            }
        })
        .collect())
}

/// Gives an interviewer a challenge (or takes it away, with an empty choice).
pub async fn assign(
    db: &Db,
    scope: &InterviewScope,
    input: &AssignChallengeInput,
    now: i64,
) -> AppResult<()> {
    let assignment_id = input
        .assignment_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let challenge_id = match input.challenge_id.trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| unknown(assignment_id))?),
    };
    let interview_id = scope.interview_id();
    let mut tx = begin_write(db).await?;
    let interview = repo::find(&mut *tx, interview_id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    if interview.status == InterviewStatus::Cancelled {
        return Err(AppError::Conflict("This interview is cancelled.".into()));
    }
    if repo::clock_started(&mut *tx, interview_id)
        .await
        .context("checking the clock")?
    {
        return Err(AppError::Conflict(
            "This interview has started; its challenges can no longer change.".into(),
        ));
    }
    let owned = repo::assignment_skill_ids(&mut *tx, assignment_id, interview_id)
        .await
        .context("loading the assignment")?;
    let rows = repo::assignment_challenges(&mut *tx, interview_id)
        .await
        .context("loading the assigned challenges")?;
    let Some(before) = rows.iter().find(|r| r.assignment_id == assignment_id) else {
        return Err(AppError::NotFound);
    };
    let mut title = None;
    if let Some(challenge_id) = challenge_id {
        let challenge = challenges::load(&mut *tx, challenge_id)
            .await?
            .ok_or_else(|| unknown(assignment_id))?;
        let summary = &challenge.summary;
        if summary.status == ChallengeStatus::Retired {
            return Err(AppError::invalid(
                &field(assignment_id),
                format!("{} is retired and cannot be assigned.", summary.title),
            ));
        }
        if !summary.skill_areas.iter().any(|s| owned.contains(&s.id)) {
            return Err(AppError::invalid(
                &field(assignment_id),
                format!(
                    "{} does not test a skill area this interviewer owns here.",
                    summary.title
                ),
            ));
        }
        if let Some((other, starts_at)) = repo::earlier_use(
            &mut *tx,
            challenge_id,
            scope.application().candidate_id(),
            assignment_id,
        )
        .await
        .context("checking the candidate's earlier challenges")?
        {
            return Err(AppError::invalid(
                &field(assignment_id),
                format!(
                    "The candidate already had {} in {other} on {}. Choose another challenge.",
                    summary.title,
                    crate::time::date(starts_at, scope.timezone())
                ),
            ));
        }
        title = Some(summary.title.clone());
    }
    if before.challenge_id == challenge_id {
        return Ok(());
    }
    repo::set_challenge(&mut tx, assignment_id, challenge_id)
        .await
        .context("assigning the challenge")?;
    let summary = match &title {
        Some(t) => format!("Gave {t} to an interviewer of {}", interview.title),
        None => format!(
            "Took the challenge away from an interviewer of {}",
            interview.title
        ),
    };
    audit::record(
        &mut *tx,
        NewEntry::new(
            scope.actor_id(),
            "interview",
            interview_id,
            "challenge",
            summary,
        )
        .opening(scope.application().opening_id())
        .candidate(scope.application().candidate_id())
        .before(json!({"assignment": assignment_id, "challenge": before.challenge_title}))
        .after(json!({"assignment": assignment_id, "challenge": title})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the challenge")?;
    Ok(())
}

/// The form field of an assignment's challenge (each interviewer has their own form).
pub fn field(assignment_id: i64) -> String {
    format!("challenges.{assignment_id}")
}

fn unknown(assignment_id: i64) -> AppError {
    AppError::invalid(&field(assignment_id), "Choose a challenge from the list.")
}
