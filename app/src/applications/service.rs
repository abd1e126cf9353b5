//! The rules for applications: applying (internal candidates skip their track's stages),
//! moving between stages, status changes with reasons, and the board.

use super::repo::{self, NewEvent};
use super::{
    ApplicationDetail, ApplicationStatus, Board, BoardCard, BoardColumn, BoardFilters,
    HistoryEntry, StageRef, UpcomingInterview,
};
use crate::access;
use crate::audit::repo::{self as audit, NewEntry};
use crate::auth::CurrentUser;
use crate::candidates::{repo as candidates, service as candidate_service, CreateOutcome};
use crate::db::{now, unique_or, Db};
use crate::error::{AppError, AppResult};
use crate::interviews::{repo as interviews, service as interview_service};
use crate::openings::{
    repo as openings, service as opening_service, OpeningStatus, Stage, StageKind,
};
use crate::time;
use anyhow::Context;
use serde_json::json;
use std::collections::BTreeMap;

/// The stage an application starts in: the first of the plan, or for an internal candidate
/// the first their track does not skip.
pub fn entry_stage(stages: &[Stage], internal: bool) -> Option<&Stage> {
    stages.iter().find(|s| !(internal && s.skip_for_internal))
}

/// Applies a candidate inside `tx` (the caller checked access). Returns the application id.
async fn apply_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user: &CurrentUser,
    candidate_id: i64,
    candidate_name: &str,
    internal: bool,
    opening_id: i64,
    stages: &[Stage],
) -> AppResult<i64> {
    let Some(stage) = entry_stage(stages, internal) else {
        return Err(AppError::Conflict(
            "This opening has no interview plan yet (or every stage is skipped for internal candidates).".into(),
        ));
    };
    let skipped: Vec<&str> = stages
        .iter()
        .take_while(|s| s.id != stage.id)
        .map(|s| s.name.as_str())
        .collect();
    let id = unique_or(
        repo::insert(
            &mut **tx,
            candidate_id,
            opening_id,
            stage.id,
            user.id,
            now(),
        )
        .await,
        "creating the application",
        || AppError::Conflict(format!("{candidate_name} already applied to this opening.")),
    )?;
    let note = if skipped.is_empty() {
        "Applied".to_owned()
    } else {
        format!("Applied (internal track: skipped {})", skipped.join(", "))
    };
    repo::record_event(
        &mut **tx,
        &NewEvent {
            application_id: id,
            actor_id: user.id,
            from_stage_id: None,
            to_stage_id: Some(stage.id),
            from_status: None,
            to_status: Some("active"),
            note: &note,
        },
        now(),
    )
    .await
    .context("recording history")?;
    audit::record(
        &mut **tx,
        NewEntry::new(
            user,
            "application",
            id,
            "create",
            format!("{candidate_name} applied; {note}"),
        )
        .opening(opening_id)
        .candidate(candidate_id)
        .after(json!({"stage": stage.name, "skipped": skipped})),
        now(),
    )
    .await
    .context("auditing the application")?;
    Ok(id)
}

async fn open_opening_stages(db: &Db, opening_id: i64) -> AppResult<Vec<Stage>> {
    let opening = openings::find(db, opening_id)
        .await
        .context("loading the opening")?
        .ok_or(AppError::NotFound)?;
    if OpeningStatus::parse(&opening.status).ok() == Some(OpeningStatus::Closed) {
        return Err(AppError::Conflict("This opening is closed.".into()));
    }
    opening_service::stages(db, opening_id).await
}

/// Applies a visible candidate to an opening the user manages.
pub async fn apply(
    db: &Db,
    user: &CurrentUser,
    candidate_id: i64,
    opening_id: i64,
) -> AppResult<i64> {
    access::require_candidate_viewer(db, user, candidate_id).await?;
    access::require_opening_manager(db, user, opening_id).await?;
    let candidate = candidates::find(db, candidate_id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)?;
    let stages = open_opening_stages(db, opening_id).await?;
    let mut tx = db.begin().await.context("starting an application")?;
    let id = apply_in(
        &mut tx,
        user,
        candidate.id,
        &candidate.name,
        candidate.is_internal,
        opening_id,
        &stages,
    )
    .await?;
    tx.commit().await.context("committing the application")?;
    Ok(id)
}

/// Adds a candidate and, if asked, applies them to an opening — all or nothing.
pub async fn create_and_apply(
    db: &Db,
    user: &CurrentUser,
    input: &candidate_service::CandidateInput,
    apply_to: Option<i64>,
) -> AppResult<(CreateOutcome, Option<i64>)> {
    let target = match apply_to {
        Some(opening_id) => {
            access::require_opening_manager(db, user, opening_id)
                .await
                .map_err(|_| AppError::invalid("apply_to", "Choose an opening you manage."))?;
            Some((opening_id, open_opening_stages(db, opening_id).await?))
        }
        None => None,
    };
    let candidate = match candidate_service::prepare(db, user, input).await? {
        candidate_service::Prepared::Existing(existing) => return Ok((existing, None)),
        candidate_service::Prepared::New(candidate) => candidate,
    };
    let mut tx = db.begin().await.context("starting a new candidate")?;
    let id = candidate_service::insert_in(&mut tx, user, &candidate).await?;
    let application = match &target {
        Some((opening_id, stages)) => Some(
            apply_in(
                &mut tx,
                user,
                id,
                candidate.name(),
                candidate.is_internal(),
                *opening_id,
                stages,
            )
            .await?,
        ),
        None => None,
    };
    tx.commit().await.context("committing the new candidate")?;
    Ok((CreateOutcome::Created { id }, application))
}

/// Moves an active application to another stage of its plan.
pub async fn move_to_stage(
    db: &Db,
    user: &CurrentUser,
    application_id: i64,
    stage_id: i64,
) -> AppResult<()> {
    let scope = access::require_application_manager(db, user, application_id).await?;
    let application = repo::find(db, application_id)
        .await
        .context("loading the application")?
        .ok_or(AppError::NotFound)?;
    if application.status != "active" {
        return Err(AppError::Conflict(
            "Reopen the application before moving it.".into(),
        ));
    }
    let stage = openings::find_stage(db, stage_id)
        .await
        .context("loading the stage")?
        .filter(|s| s.opening_id == scope.opening_id)
        .ok_or_else(|| AppError::invalid("stage_id", "Choose a stage of this opening's plan."))?;
    if stage.id == application.stage_id {
        return Err(AppError::invalid(
            "stage_id",
            format!("The application is already in {}.", stage.name),
        ));
    }
    let mut tx = db.begin().await.context("starting a move")?;
    repo::set_stage(&mut *tx, application_id, stage.id, now())
        .await
        .context("moving the application")?;
    repo::record_event(
        &mut *tx,
        &NewEvent {
            application_id,
            actor_id: user.id,
            from_stage_id: Some(application.stage_id),
            to_stage_id: Some(stage.id),
            from_status: None,
            to_status: None,
            note: "",
        },
        now(),
    )
    .await
    .context("recording history")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            user,
            "application",
            application_id,
            "move",
            format!("Moved from {} to {}", application.stage_name, stage.name),
        )
        .opening(scope.opening_id)
        .candidate(scope.candidate_id)
        .before(json!({"stage": application.stage_name}))
        .after(json!({"stage": stage.name})),
        now(),
    )
    .await
    .context("auditing the move")?;
    tx.commit().await.context("committing the move")?;
    Ok(())
}

/// Rejects (a reason is required), withdraws, hires or reopens an application.
pub async fn set_status(
    db: &Db,
    user: &CurrentUser,
    application_id: i64,
    status: &str,
    reason: &str,
) -> AppResult<()> {
    let scope = access::require_application_manager(db, user, application_id).await?;
    let status = ApplicationStatus::parse(status).map_err(|m| AppError::invalid("status", m))?;
    let reason = reason.trim();
    if status == ApplicationStatus::Rejected && reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "Give a reason for the rejection.",
        ));
    }
    if reason.chars().count() > 1000 {
        return Err(AppError::invalid(
            "reason",
            "Keep the reason under 1000 characters.",
        ));
    }
    let application = repo::find(db, application_id)
        .await
        .context("loading the application")?
        .ok_or(AppError::NotFound)?;
    if application.status == status.as_str() {
        return Err(AppError::invalid(
            "status",
            format!(
                "The application is already {}.",
                status.label().to_lowercase()
            ),
        ));
    }
    let reason = (!reason.is_empty()).then_some(reason);
    let mut tx = db.begin().await.context("starting a status change")?;
    repo::set_status(&mut *tx, application_id, status.as_str(), reason, now())
        .await
        .context("changing the status")?;
    repo::record_event(
        &mut *tx,
        &NewEvent {
            application_id,
            actor_id: user.id,
            from_stage_id: None,
            to_stage_id: None,
            from_status: Some(&application.status),
            to_status: Some(status.as_str()),
            note: reason.unwrap_or_default(),
        },
        now(),
    )
    .await
    .context("recording history")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            user,
            "application",
            application_id,
            "status",
            format!("Marked {}", status.label().to_lowercase()),
        )
        .opening(scope.opening_id)
        .candidate(scope.candidate_id)
        .before(json!({"status": application.status, "reason": application.status_reason}))
        .after(json!({"status": status.as_str(), "reason": reason})),
        now(),
    )
    .await
    .context("auditing the status change")?;
    tx.commit().await.context("committing the status change")?;
    Ok(())
}

/// The board of an opening with filters, upcoming interviews and loop warnings.
pub async fn board(
    db: &Db,
    user: &CurrentUser,
    opening_id: i64,
    filters: BoardFilters,
) -> AppResult<Board> {
    access::require_opening_manager(db, user, opening_id).await?;
    let tz = time::zone(&user.timezone);
    let hidden_from = access::hidden_from(user);
    let now = now();
    let stages = opening_service::stages(db, opening_id).await?;
    let status = filters.status.unwrap_or(ApplicationStatus::Active);
    let cards = repo::cards(db, opening_id, hidden_from, now)
        .await
        .context("loading the board")?;
    let columns = stages
        .iter()
        .filter(|s| filters.stage.is_none_or(|id| id == s.id))
        .map(|stage| BoardColumn {
            stage: StageRef {
                id: stage.id,
                name: stage.name.clone(),
            },
            kind: stage.kind,
            skip_for_internal: stage.skip_for_internal,
            cards: cards
                .iter()
                .filter(|c| c.stage_id == stage.id && c.status == status.as_str())
                .filter(|c| filters.internal.is_none_or(|i| i == c.is_internal))
                .map(|c| BoardCard {
                    id: c.id,
                    candidate_id: c.candidate_id,
                    candidate_name: c.candidate_name.clone(),
                    is_internal: c.is_internal,
                    status,
                    days_in_stage: time::days_between(c.stage_entered_at, now),
                    next_interview: c.next_interview_at.map(|t| time::datetime(t, tz)),
                })
                .collect(),
        })
        .collect();

    let mut names: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for row in interviews::interviewer_names_for_opening(db, opening_id)
        .await
        .context("loading interviewers")?
    {
        names.entry(row.interview_id).or_default().push(row.name);
    }
    let upcoming = interviews::upcoming_for_opening(db, opening_id, hidden_from, now)
        .await
        .context("loading upcoming interviews")?
        .into_iter()
        .map(|r| UpcomingInterview {
            interview_id: r.interview_id,
            application_id: r.application_id,
            candidate_name: r.candidate_name,
            title: r.title,
            when: time::range(r.starts_at, r.ends_at, tz),
            interviewers: names.remove(&r.interview_id).unwrap_or_default(),
        })
        .collect();

    let mut loop_warnings = Vec::new();
    for card in cards.iter().filter(|c| c.status == "active") {
        let in_interview_stage = stages
            .iter()
            .any(|s| s.id == card.stage_id && s.kind == StageKind::Interview);
        if !in_interview_stage {
            continue;
        }
        if let Some(application) = repo::find(db, card.id)
            .await
            .context("loading an application")?
        {
            let (lines, coverage) = interview_service::coverage_of(db, &application, tz).await?;
            let started = lines.iter().any(|l| !l.cancelled);
            let warnings = coverage.warnings();
            if started && !warnings.is_empty() {
                loop_warnings.push((card.id, card.candidate_name.clone(), warnings));
            }
        }
    }
    Ok(Board {
        opening_id,
        stages: stages
            .iter()
            .map(|s| StageRef {
                id: s.id,
                name: s.name.clone(),
            })
            .collect(),
        columns,
        filters,
        upcoming,
        loop_warnings,
    })
}

/// The application page.
pub async fn detail(
    db: &Db,
    user: &CurrentUser,
    application_id: i64,
) -> AppResult<ApplicationDetail> {
    access::require_application_manager(db, user, application_id).await?;
    let application = repo::find(db, application_id)
        .await
        .context("loading the application")?
        .ok_or(AppError::NotFound)?;
    let tz = time::zone(&user.timezone);
    let candidate_row = candidates::find(db, application.candidate_id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)?;
    let hidden_from_hiring_manager = candidate_row.is_internal
        && candidate_row.current_manager_id == Some(application.hiring_manager_id);
    let stages = opening_service::stages(db, application.opening_id).await?;
    let templates = stages
        .iter()
        .find(|s| s.id == application.stage_id)
        .map(|s| s.templates.clone())
        .unwrap_or_default();
    let (_, coverage) = interview_service::coverage_of(db, &application, tz).await?;
    let (interviews, _) = interview_service::loop_of(db, application.id, None, tz).await?;
    let history = repo::events(db, application_id)
        .await
        .context("loading history")?
        .into_iter()
        .map(|e| {
            let mut parts = Vec::new();
            match (e.from_stage, e.to_stage) {
                (Some(from), Some(to)) => parts.push(format!("Moved from {from} to {to}")),
                (None, Some(to)) => parts.push(format!("Entered {to}")),
                _ => {}
            }
            if let (Some(from), Some(to)) = (&e.from_status, &e.to_status) {
                parts.push(format!("Status {from} → {to}"));
            }
            if !e.note.is_empty() {
                parts.push(e.note);
            }
            HistoryEntry {
                at: time::datetime(e.at, tz),
                actor: e.actor,
                text: parts.join(". "),
            }
        })
        .collect();
    Ok(ApplicationDetail {
        id: application.id,
        candidate: candidate_service::candidate_view(candidate_row),
        opening_id: application.opening_id,
        opening_title: application.opening_title,
        stage: StageRef {
            id: application.stage_id,
            name: application.stage_name,
        },
        stage_kind: StageKind::parse(&application.stage_kind).unwrap_or(StageKind::Review),
        status: ApplicationStatus::parse(&application.status).unwrap_or(ApplicationStatus::Active),
        status_reason: application.status_reason,
        days_in_stage: time::days_between(application.stage_entered_at, now()),
        stages: stages
            .iter()
            .map(|s| StageRef {
                id: s.id,
                name: s.name.clone(),
            })
            .collect(),
        templates,
        interviews,
        coverage,
        history,
        hidden_from_hiring_manager,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(id: i64, skip: bool) -> Stage {
        Stage {
            id,
            position: id,
            name: format!("stage {id}"),
            kind: StageKind::Review,
            skip_for_internal: skip,
            templates: Vec::new(),
        }
    }

    #[test]
    fn internal_candidates_start_after_the_stages_their_track_skips() {
        let plan = vec![
            stage(1, true),
            stage(2, true),
            stage(3, false),
            stage(4, false),
        ];
        assert_eq!(entry_stage(&plan, false).map(|s| s.id), Some(1));
        assert_eq!(entry_stage(&plan, true).map(|s| s.id), Some(3));
        assert!(entry_stage(&[stage(1, true)], true).is_none());
        assert!(entry_stage(&[], false).is_none());
    }
}
