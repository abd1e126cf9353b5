//! The rules of debriefs: scheduling one per application and stage, the page that runs it
//! (the matrix, disagreement, coverage, internal context) and recording decisions.

use super::repo::{self, DebriefRow, NewDecisionRow};
use super::rules::{self, coverage_gaps, disagreement};
use super::{
    Candidate, Cell, Column, DebriefData, DebriefInput, DebriefLine, Decision, DecisionInput,
    DecisionView, FeedbackLine, FeedbackOverview, Participant, Row,
};
use crate::access::{ApplicationScope, DebriefScope, Scope};
use crate::applications::service::{self as applications, Outcome};
use crate::applications::StageRef;
use crate::audit::service::{self as audit, NewEntry};
use crate::candidates::service as candidates;
use crate::db::{begin_write, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::interviews::service::slots::{parse_location, parse_slot};
use crate::scorecards::service::{self as scorecards, SubmittedCard};
use crate::scorecards::{Feedback, ScorecardStatus};
use crate::time;
use anyhow::Context;
use serde_json::json;
use std::collections::BTreeSet;

/// The application page's feedback part: each interviewer's feedback (overdue flagged), the
/// debriefs, and what the scheduling form offers.
pub async fn overview(db: &Db, scope: &ApplicationScope, now: i64) -> AppResult<FeedbackOverview> {
    let tz = scope.timezone();
    let opening = scope.opening_id();
    let stages = repo::stages(db, opening)
        .await
        .context("loading the stages")?;
    let stage_name = |id: i64| {
        stages
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let feedback = scorecards::feedback_of_application(db, scope.application_id()).await?;
    let with_interviews: BTreeSet<i64> = feedback.iter().map(|f| f.stage_id).collect();
    let people = repo::interviewers_of(db, scope.application_id())
        .await
        .context("loading the interviewers")?;
    let mut candidates: Vec<Candidate> = Vec::new();
    for (user_id, name, _) in &people {
        if !candidates.iter().any(|c| c.user_id == *user_id) {
            candidates.push(Candidate {
                user_id: *user_id,
                name: name.clone(),
                in_stage: false,
            });
        }
    }
    let debriefs = repo::of_application(db, scope.application_id())
        .await
        .context("loading the debriefs")?;
    Ok(FeedbackOverview {
        application_id: scope.application_id(),
        feedback: feedback
            .iter()
            .map(|f| FeedbackLine {
                interview_title: f.interview_title.clone(),
                stage_name: stage_name(f.stage_id),
                interviewer: f.interviewer.clone(),
                feedback: Feedback::of(f.ends_at, f.status, now),
                scorecard_id: f
                    .scorecard_id
                    .filter(|_| f.status.is_some_and(ScorecardStatus::is_in)),
            })
            .collect(),
        debriefs: debriefs
            .into_iter()
            .map(|d| DebriefLine {
                id: d.id,
                stage_name: d.stage_name,
                when: time::datetime(d.starts_at, tz),
                status: d.status,
                decision: d.decision.map(|d| d.label().to_owned()),
            })
            .collect(),
        stages: stages
            .iter()
            .filter(|s| with_interviews.contains(&s.id))
            .map(|s| StageRef {
                id: s.id,
                name: s.name.clone(),
            })
            .collect(),
        people: candidates,
        timezone: scope
            .actor()
            .map_or_else(|| "UTC".to_owned(), |u| u.timezone.clone()),
    })
}

/// Schedules the debrief of a stage, or moves the one it has (time, place, participants).
pub async fn schedule(
    db: &Db,
    scope: &ApplicationScope,
    input: &DebriefInput,
    now: i64,
) -> AppResult<i64> {
    let mut errors = FieldErrors::new();
    let stages = repo::stages(db, scope.opening_id())
        .await
        .context("loading the stages")?;
    let stage = input
        .stage_id
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| stages.iter().find(|s| s.id == id));
    if stage.is_none() {
        errors.add("stage_id", "Choose the stage the debrief is about.");
    }
    let slot = parse_slot(
        &input.date,
        &input.start_time,
        &input.end_time,
        &input.timezone,
        now,
        &mut errors,
    );
    let location = errors.take("location", parse_location(&input.location));
    let people = repo::interviewers_of(db, scope.application_id())
        .await
        .context("loading the interviewers")?;
    let mut participants: Vec<i64> = input.participants.clone();
    participants.sort_unstable();
    participants.dedup();
    if participants
        .iter()
        .any(|p| !people.iter().any(|(id, ..)| id == p))
    {
        errors.add(
            "participants",
            "Participants are chosen from the application's interviewers.",
        );
    } else if participants.is_empty() {
        errors.add("participants", "Choose who takes part.");
    }
    errors.finish()?;
    let (Some(stage), Some((slot, _)), Some(location)) = (stage, slot, location) else {
        return Err(AppError::invalid("form", "Check the form."));
    };
    let mut tx = begin_write(db).await?;
    let existing = repo::of_stage(&mut *tx, scope.application_id(), stage.id)
        .await
        .context("loading the debrief")?;
    let (id, action) = if let Some((id, _)) = existing {
        repo::reschedule(
            &mut tx,
            id,
            slot.start,
            slot.duration_minutes,
            &location,
            now,
        )
        .await
        .context("moving the debrief")?;
        (id, "reschedule")
    } else {
        let id = repo::insert(
            &mut tx,
            scope.application_id(),
            stage.id,
            slot.start,
            slot.duration_minutes,
            &location,
            scope.actor_id(),
            now,
        )
        .await
        .context("scheduling the debrief")?
        .ok_or_else(|| {
            AppError::Conflict(
                "This stage's debrief was scheduled meanwhile; reload the page.".into(),
            )
        })?;
        (id, "schedule")
    };
    repo::set_participants(&mut tx, id, &participants)
        .await
        .context("saving the participants")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            scope.actor_id(),
            "debrief",
            id,
            action,
            format!(
                "Debrief of {} {}",
                stage.name,
                if action == "schedule" {
                    "scheduled"
                } else {
                    "moved"
                }
            ),
        )
        .opening(scope.opening_id())
        .candidate(scope.candidate_id())
        .after(json!({
            "starts_at": slot.start,
            "minutes": slot.duration_minutes,
            "location": location,
            "participants": participants,
        })),
        now,
    )
    .await?;
    crate::mail::outbox::debrief_scheduled(&mut tx, id, now)
        .await
        .context("queueing the debrief invitations")?;
    tx.commit().await.context("committing the debrief")?;
    Ok(id)
}

/// What the page and the decision both need: the submitted scorecards of the stage, the
/// required skill areas, and which of them have evidence.
struct Evidence {
    cards: Vec<SubmittedCard>,
    required: Vec<(i64, String)>,
    evidenced: Vec<i64>,
}

async fn evidence(db: &Db, scope: &DebriefScope, debrief: &DebriefRow) -> AppResult<Evidence> {
    let cards = scorecards::for_debrief(db, scope, debrief.stage_id, debrief.starts_at).await?;
    let required = repo::required_skills(db, debrief.opening_id)
        .await
        .context("loading the required skill areas")?;
    let evidenced = cards
        .iter()
        .filter_map(|c| c.versions.first())
        .flat_map(|v| v.content.skills.iter())
        .filter(|s| s.rating.is_some() && !s.evidence.trim().is_empty())
        .map(|s| s.skill_area_id)
        .collect();
    Ok(Evidence {
        cards,
        required,
        evidenced,
    })
}

async fn find(db: &Db, scope: &DebriefScope) -> AppResult<DebriefRow> {
    repo::find(db, scope.debrief_id())
        .await
        .context("loading the debrief")?
        .ok_or(AppError::NotFound)
}

/// The stages after the debrief's: where an advance may go.
fn later_stages(stages: &[repo::StageRow], debrief: &DebriefRow) -> Vec<StageRef> {
    stages
        .iter()
        .filter(|s| s.position > debrief.stage_position)
        .map(|s| StageRef {
            id: s.id,
            name: s.name.clone(),
        })
        .collect()
}

/// The debrief page: every submitted scorecard of the stage side by side.
pub async fn page(db: &Db, scope: &DebriefScope, now: i64) -> AppResult<DebriefData> {
    let tz = scope.timezone();
    let debrief = find(db, scope).await?;
    let Evidence {
        cards,
        required,
        evidenced,
    } = evidence(db, scope, &debrief).await?;
    let candidate = candidates::profile(db, scope, now).await?;
    let stages = repo::stages(db, debrief.opening_id)
        .await
        .context("loading the stages")?;
    let track = candidate.internal.as_ref().map(|_| {
        let skipped: Vec<&str> = stages
            .iter()
            .filter(|s| bool::from(s.skip_for_internal))
            .map(|s| s.name.as_str())
            .collect();
        if skipped.is_empty() {
            "Internal track (no stages skipped)".to_owned()
        } else {
            format!("Internal track: skips {}", skipped.join(", "))
        }
    });
    // Columns: one per submitted scorecard, with its standing version.
    let columns: Vec<Column> = cards
        .iter()
        .filter_map(|card| {
            let latest = card.versions.first()?;
            Some(Column {
                scorecard_id: card.id,
                interviewer: card.author.clone(),
                interview_title: card.interview_title.clone(),
                overall: latest.content.overall?,
                submitted_at: latest.submitted_at.clone(),
                amended_after_debrief: card.versions.iter().any(|v| v.after_debrief),
                warnings: latest.warnings.clone(),
                versions: card.versions.clone(),
            })
        })
        .collect();
    // Rows: the required skill areas, then any other area someone rated.
    let mut areas: Vec<(i64, String, bool)> = required
        .iter()
        .map(|(id, name)| (*id, name.clone(), true))
        .collect();
    for column in &columns {
        for skill in &column.versions[0].content.skills {
            if !areas.iter().any(|(id, ..)| *id == skill.skill_area_id) {
                areas.push((skill.skill_area_id, skill.skill_area.clone(), false));
            }
        }
    }
    let rows: Vec<Row> = areas
        .into_iter()
        .map(|(id, name, required)| {
            let cells: Vec<Option<Cell>> = columns
                .iter()
                .map(|c| {
                    c.versions[0]
                        .content
                        .skills
                        .iter()
                        .find(|s| s.skill_area_id == id)
                        .and_then(|s| {
                            s.rating.map(|rating| Cell {
                                rating,
                                evidence: s.evidence.clone(),
                            })
                        })
                })
                .collect();
            let ratings: Vec<_> = cells.iter().flatten().map(|c| c.rating).collect();
            Row {
                skill_area: name,
                required,
                disagreement: disagreement(&ratings),
                cells,
            }
        })
        .collect();
    let overall: Vec<_> = columns.iter().map(|c| c.overall).collect();
    let feedback = scorecards::feedback_of_application(db, debrief.application_id).await?;
    let in_stage: Vec<_> = feedback
        .iter()
        .filter(|f| f.stage_id == debrief.stage_id)
        .collect();
    let waiting_for = in_stage
        .iter()
        .filter(|f| !f.status.is_some_and(ScorecardStatus::is_in))
        .map(|f| format!("{} ({})", f.interviewer, f.interview_title))
        .collect();
    let participants = repo::participants(db, debrief.id)
        .await
        .context("loading the participants")?
        .into_iter()
        .map(|(user_id, name)| {
            let own: Vec<_> = in_stage.iter().filter(|f| f.user_id == user_id).collect();
            Participant {
                name,
                interviewer: !own.is_empty(),
                submitted: !own.is_empty()
                    && own
                        .iter()
                        .all(|f| f.status.is_some_and(ScorecardStatus::is_in)),
            }
        })
        .collect();
    let decisions = repo::decisions(db, debrief.id)
        .await
        .context("loading the decisions")?
        .into_iter()
        .map(|d| DecisionView {
            number: d.number,
            decision: d.decision,
            to_stage: d.to_stage,
            rationale: d.rationale,
            override_reason: d.override_reason,
            decided_by: d.decided_by.unwrap_or_default(),
            decided_at: time::datetime(d.decided_at, tz),
        })
        .collect();
    Ok(DebriefData {
        id: debrief.id,
        application_id: debrief.application_id,
        candidate_name: candidate.name,
        opening_title: debrief.opening_title.clone(),
        stage_name: debrief.stage_name.clone(),
        when: time::range(
            debrief.starts_at,
            debrief.starts_at + debrief.duration_minutes * 60,
            tz,
        ),
        location: debrief.location.clone(),
        status: debrief.status,
        application_status: debrief.application_status,
        current_stage: debrief.current_stage.clone(),
        participants,
        internal: candidate.internal,
        track,
        overall_disagreement: disagreement(&overall),
        columns,
        rows,
        waiting_for,
        coverage_gaps: coverage_gaps(&required, &evidenced)
            .into_iter()
            .map(ToOwned::to_owned)
            .collect(),
        decisions,
        advance_to: later_stages(&stages, &debrief),
        manages: scope.manager().is_some(),
    })
}

/// Records the debrief's decision (or a revision of it) and applies it to the application:
/// hire marks it hired, no hire rejects it with the rationale, advance moves it, hold keeps
/// it where it is. Refused while a required skill area has no submitted evidence unless an
/// override reason is given; refused as a conflict when someone decided meanwhile.
pub async fn decide(
    db: &Db,
    scope: &DebriefScope,
    input: &DecisionInput,
    now: i64,
) -> AppResult<()> {
    let manager = scope.manager().ok_or(AppError::Forbidden)?;
    let debrief = find(db, scope).await?;
    let Evidence {
        required,
        evidenced,
        ..
    } = evidence(db, scope, &debrief).await?;
    let gaps = coverage_gaps(&required, &evidenced);
    let stages = repo::stages(db, debrief.opening_id)
        .await
        .context("loading the stages")?;
    let later = later_stages(&stages, &debrief);
    let later_ids: Vec<i64> = later.iter().map(|s| s.id).collect();
    let decision = rules::parse_decision(input, &gaps, &later_ids)?;
    if decision.seen != debrief.decisions {
        return Err(someone_decided());
    }
    let outcome = match decision.decision {
        Decision::Hire => Outcome::Hire,
        Decision::NoHire => Outcome::Reject,
        Decision::Hold => Outcome::Keep,
        Decision::Advance => {
            let stage = later
                .iter()
                .find(|s| Some(s.id) == decision.to_stage)
                .ok_or_else(|| {
                    AppError::invalid("to_stage_id", "Choose the stage to advance to.")
                })?;
            Outcome::MoveTo(stage.id, stage.name.clone())
        }
    };
    let mut tx = begin_write(db).await?;
    let number = decision.seen + 1;
    let recorded = repo::decide(
        &mut tx,
        &NewDecisionRow {
            debrief_id: debrief.id,
            number,
            decision: decision.decision,
            to_stage_id: decision.to_stage,
            rationale: &decision.rationale,
            override_reason: decision.override_reason.as_deref(),
            decided_by: scope.actor_id(),
        },
        now,
    )
    .await
    .context("recording the decision")?;
    if !recorded {
        return Err(someone_decided());
    }
    applications::apply_outcome(&mut tx, &manager, &outcome, &decision.rationale, now).await?;
    let to_stage = match &outcome {
        Outcome::MoveTo(_, name) => Some(name.clone()),
        _ => None,
    };
    audit::record(
        &mut *tx,
        NewEntry::new(
            scope.actor_id(),
            "debrief",
            debrief.id,
            "decide",
            if number == 1 {
                format!("Decided: {}", decision.decision.label())
            } else {
                format!("Revised the decision: {}", decision.decision.label())
            },
        )
        .opening(scope.opening_id())
        .candidate(scope.candidate_id())
        .after(json!({
            "decision": decision.decision.as_str(),
            "to_stage": to_stage,
            "rationale": decision.rationale,
            "override_reason": decision.override_reason,
        })),
        now,
    )
    .await?;
    tx.commit().await.context("committing the decision")?;
    Ok(())
}

fn someone_decided() -> AppError {
    AppError::Conflict(
        "Someone recorded a decision for this debrief while you were deciding. Reload the page to read it; then revise it if you still need to."
            .into(),
    )
}
