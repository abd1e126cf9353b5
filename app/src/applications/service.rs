//! The rules for applications: applying (internal candidates skip their track's stages),
//! moving between stages, status changes with reasons, and the history other features add
//! notes to. The board and the application page are in [`super::views`].

pub use super::repo::ApplicationRow as Application;
use super::repo::{self, NewEvent};
use super::{ApplicationStatus, MoveInput, StatusInput};
use crate::access::{ApplicationScope, CandidateScope, KitScope, OpeningScope, Planner, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::candidates::service::{self as candidates, CandidateFacts, Prepared};
use crate::candidates::{CandidateInput, CreateOutcome};
use crate::db::{begin_write, unique_or, Db};
use crate::error::{AppError, AppResult};
use crate::openings::{service as openings, OpeningStatus, Stage};
use crate::values::parse_text;
use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The stage an application starts in: the first of the plan, or for an internal candidate
/// the first their track does not skip.
pub fn entry_stage(stages: &[Stage], internal: bool) -> Option<&Stage> {
    stages.iter().find(|s| !(internal && s.skip_for_internal))
}

/// A note other features add to an application's history. Times are kept as UTC seconds and
/// shown in each reader's own zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HistoryNote {
    InterviewScheduled {
        title: String,
        starts_at: i64,
        ends_at: i64,
    },
    InterviewRescheduled {
        title: String,
        from_starts_at: i64,
        from_ends_at: i64,
        starts_at: i64,
        ends_at: i64,
    },
    InterviewCancelled {
        title: String,
        reason: String,
    },
}

/// The application behind a proof.
pub async fn find(db: &Db, scope: &ApplicationScope) -> AppResult<Application> {
    repo::find(db, scope.application_id())
        .await
        .context("loading the application")?
        .ok_or(AppError::NotFound)
}

/// What the interview kit shows about the application: the opening and the stage.
#[derive(Debug, Clone)]
pub struct KitContext {
    pub opening_title: String,
    pub stage_name: String,
}

pub async fn kit_context(db: &Db, scope: &KitScope) -> AppResult<KitContext> {
    let application = repo::find(db, scope.application_id())
        .await
        .context("loading the application")?
        .ok_or(AppError::NotFound)?;
    Ok(KitContext {
        opening_title: application.opening_title,
        stage_name: application.stage_name,
    })
}

/// Adds `note` to an application's history inside the caller's transaction.
pub async fn record_note(
    conn: &mut sqlx::AnyConnection,
    scope: &ApplicationScope,
    note: &HistoryNote,
    now: i64,
) -> AppResult<()> {
    let detail = serde_json::to_string(note).context("encoding a history note")?;
    repo::record_event(
        conn,
        &NewEvent {
            application_id: scope.application_id(),
            actor_id: scope.actor_id(),
            from_stage_id: None,
            to_stage_id: None,
            from_status: None,
            to_status: None,
            note: "",
            detail: Some(detail),
        },
        now,
    )
    .await
    .context("recording history")?;
    Ok(())
}

/// Applies a candidate inside the caller's transaction. Returns the application id.
async fn apply_in(
    conn: &mut sqlx::AnyConnection,
    actor: &impl Scope,
    candidate: &CandidateFacts,
    opening_id: i64,
    stages: &[Stage],
    now: i64,
) -> AppResult<i64> {
    let Some(stage) = entry_stage(stages, candidate.is_internal) else {
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
            &mut *conn,
            candidate.id,
            opening_id,
            stage.id,
            actor.actor_id(),
            now,
        )
        .await,
        "creating the application",
        || {
            AppError::Conflict(format!(
                "{} already applied to this opening.",
                candidate.name
            ))
        },
    )?;
    let note = if skipped.is_empty() {
        "Applied".to_owned()
    } else {
        format!("Applied (internal track: skipped {})", skipped.join(", "))
    };
    repo::record_event(
        &mut *conn,
        &NewEvent {
            application_id: id,
            actor_id: actor.actor_id(),
            from_stage_id: None,
            to_stage_id: Some(stage.id),
            from_status: None,
            to_status: Some(ApplicationStatus::Active),
            note: &note,
            detail: None,
        },
        now,
    )
    .await
    .context("recording history")?;
    audit::record(
        &mut *conn,
        NewEntry::new(
            actor.actor_id(),
            "application",
            id,
            "create",
            format!("{} applied; {note}", candidate.name),
        )
        .opening(opening_id)
        .candidate(candidate.id)
        .after(json!({"stage": stage.name, "skipped": skipped})),
        now,
    )
    .await?;
    Ok(id)
}

/// The plan of an opening that takes applications (not closed).
async fn open_opening_stages(db: &Db, scope: &OpeningScope) -> AppResult<Vec<Stage>> {
    if openings::status(db, scope).await? == OpeningStatus::Closed {
        return Err(AppError::Conflict("This opening is closed.".into()));
    }
    openings::stages(db, scope).await
}

/// Applies a visible candidate to an opening the user manages.
pub async fn apply(
    db: &Db,
    candidate: &CandidateScope,
    opening: &OpeningScope,
    now: i64,
) -> AppResult<i64> {
    let facts = candidates::facts(db, candidate).await?;
    let stages = open_opening_stages(db, opening).await?;
    let mut tx = begin_write(db).await?;
    let id = apply_in(&mut tx, opening, &facts, opening.opening_id(), &stages, now).await?;
    tx.commit().await.context("committing the application")?;
    Ok(id)
}

/// Adds a candidate and, if the form asks, applies them to an opening — all or nothing.
pub async fn create_and_apply(
    db: &Db,
    planner: &Planner,
    input: &CandidateInput,
    now: i64,
) -> AppResult<(CreateOutcome, Option<i64>)> {
    let target = match input.apply_to.trim() {
        "" => None,
        raw => {
            let choose = || AppError::invalid("apply_to", "Choose an opening you manage.");
            let opening_id = raw.parse::<i64>().map_err(|_| choose())?;
            let scope =
                crate::access::require_opening_manager(db, planner.user().clone(), opening_id)
                    .await
                    .map_err(|_| choose())?;
            let stages = open_opening_stages(db, &scope).await?;
            Some((scope, stages))
        }
    };
    let candidate = match candidates::prepare(db, planner, input, now).await? {
        Prepared::Existing(existing) => return Ok((existing, None)),
        Prepared::New(candidate) => candidate,
    };
    let mut tx = begin_write(db).await?;
    let id = candidates::insert_in(&mut tx, planner, &candidate, now).await?;
    let application = match &target {
        Some((scope, stages)) => {
            let facts = CandidateFacts {
                id,
                name: candidate.name().to_owned(),
                is_internal: candidate.is_internal(),
                current_manager_id: None,
            };
            Some(apply_in(&mut tx, planner, &facts, scope.opening_id(), stages, now).await?)
        }
        None => None,
    };
    tx.commit().await.context("committing the new candidate")?;
    Ok((CreateOutcome::Created { id }, application))
}

/// Moves an active application to another stage of its plan.
pub async fn move_to_stage(
    db: &Db,
    scope: &ApplicationScope,
    input: &MoveInput,
    now: i64,
) -> AppResult<()> {
    let stage_id = input
        .stage_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("stage_id", "Choose a stage."))?;
    let application = find(db, scope).await?;
    if application.status != ApplicationStatus::Active {
        return Err(AppError::Conflict(
            "Reopen the application before moving it.".into(),
        ));
    }
    let stages = openings::stages(db, &scope.opening()).await?;
    let stage = stages
        .iter()
        .find(|s| s.id == stage_id)
        .ok_or_else(|| AppError::invalid("stage_id", "Choose a stage of this opening's plan."))?;
    if stage.id == application.stage_id {
        return Err(AppError::invalid(
            "stage_id",
            format!("The application is already in {}.", stage.name),
        ));
    }
    let mut tx = begin_write(db).await?;
    repo::set_stage(&mut *tx, application.id, stage.id, now)
        .await
        .context("moving the application")?;
    repo::record_event(
        &mut *tx,
        &NewEvent {
            application_id: application.id,
            actor_id: scope.actor_id(),
            from_stage_id: Some(application.stage_id),
            to_stage_id: Some(stage.id),
            from_status: None,
            to_status: None,
            note: "",
            detail: None,
        },
        now,
    )
    .await
    .context("recording history")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            scope.actor_id(),
            "application",
            application.id,
            "move",
            format!("Moved from {} to {}", application.stage_name, stage.name),
        )
        .opening(scope.opening_id())
        .candidate(scope.candidate_id())
        .before(json!({"stage": application.stage_name}))
        .after(json!({"stage": stage.name})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the move")?;
    Ok(())
}

/// Rejects (a reason is required), withdraws, hires or reopens an application.
pub async fn set_status(
    db: &Db,
    scope: &ApplicationScope,
    input: &StatusInput,
    now: i64,
) -> AppResult<()> {
    let status =
        ApplicationStatus::parse(&input.status).map_err(|m| AppError::invalid("status", m))?;
    let reason = parse_text(&input.reason, 1000, "the reason")
        .map_err(|m| AppError::invalid("reason", m))?;
    let reason = reason.as_str();
    if status == ApplicationStatus::Rejected && reason.is_empty() {
        return Err(AppError::invalid(
            "reason",
            "Give a reason for the rejection.",
        ));
    }
    let application = find(db, scope).await?;
    if application.status == status {
        return Err(AppError::invalid(
            "status",
            format!(
                "The application is already {}.",
                status.label().to_lowercase()
            ),
        ));
    }
    let reason = (!reason.is_empty()).then_some(reason);
    let mut tx = begin_write(db).await?;
    repo::set_status(&mut *tx, application.id, status, reason, now)
        .await
        .context("changing the status")?;
    repo::record_event(
        &mut *tx,
        &NewEvent {
            application_id: application.id,
            actor_id: scope.actor_id(),
            from_stage_id: None,
            to_stage_id: None,
            from_status: Some(application.status),
            to_status: Some(status),
            note: reason.unwrap_or_default(),
            detail: None,
        },
        now,
    )
    .await
    .context("recording history")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            scope.actor_id(),
            "application",
            application.id,
            "status",
            format!("Marked {}", status.label().to_lowercase()),
        )
        .opening(scope.opening_id())
        .candidate(scope.candidate_id())
        .before(json!({"status": application.status.as_str(), "reason": application.status_reason}))
        .after(json!({"status": status.as_str(), "reason": reason})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the status change")?;
    Ok(())
}

/// What a decision does to an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Hire,
    /// Rejected, with the rationale as the reason.
    Reject,
    /// Active, in this stage (id, name).
    MoveTo(i64, String),
    /// Active where it is.
    Keep,
}

/// Applies a decision inside the caller's transaction: the status and stage change with the
/// history lines and audit entries a manual change would make. `note` is the rationale.
pub async fn apply_outcome(
    conn: &mut sqlx::AnyConnection,
    scope: &ApplicationScope,
    outcome: &Outcome,
    note: &str,
    now: i64,
) -> AppResult<()> {
    let application = repo::find(&mut *conn, scope.application_id())
        .await
        .context("loading the application")?
        .ok_or(AppError::NotFound)?;
    let status = match outcome {
        Outcome::Hire => ApplicationStatus::Hired,
        Outcome::Reject => ApplicationStatus::Rejected,
        Outcome::MoveTo(..) | Outcome::Keep => ApplicationStatus::Active,
    };
    if status != application.status {
        let reason = (status == ApplicationStatus::Rejected).then_some(note);
        repo::set_status(&mut *conn, application.id, status, reason, now)
            .await
            .context("changing the status")?;
        repo::record_event(
            &mut *conn,
            &NewEvent {
                application_id: application.id,
                actor_id: scope.actor_id(),
                from_stage_id: None,
                to_stage_id: None,
                from_status: Some(application.status),
                to_status: Some(status),
                note,
                detail: None,
            },
            now,
        )
        .await
        .context("recording history")?;
        audit::record(
            &mut *conn,
            NewEntry::new(
                scope.actor_id(),
                "application",
                application.id,
                "status",
                format!("Marked {} at the debrief", status.label().to_lowercase()),
            )
            .opening(scope.opening_id())
            .candidate(scope.candidate_id())
            .before(json!({"status": application.status.as_str()}))
            .after(json!({"status": status.as_str()})),
            now,
        )
        .await?;
    }
    if let Outcome::MoveTo(stage_id, stage_name) = outcome {
        if *stage_id != application.stage_id {
            repo::set_stage(&mut *conn, application.id, *stage_id, now)
                .await
                .context("moving the application")?;
            repo::record_event(
                &mut *conn,
                &NewEvent {
                    application_id: application.id,
                    actor_id: scope.actor_id(),
                    from_stage_id: Some(application.stage_id),
                    to_stage_id: Some(*stage_id),
                    from_status: None,
                    to_status: None,
                    note,
                    detail: None,
                },
                now,
            )
            .await
            .context("recording history")?;
            audit::record(
                &mut *conn,
                NewEntry::new(
                    scope.actor_id(),
                    "application",
                    application.id,
                    "move",
                    format!(
                        "Moved from {} to {stage_name} at the debrief",
                        application.stage_name
                    ),
                )
                .opening(scope.opening_id())
                .candidate(scope.candidate_id())
                .before(json!({"stage": application.stage_name}))
                .after(json!({"stage": stage_name})),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openings::StageKind;

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

    #[test]
    fn history_notes_keep_times_as_data() {
        let note = HistoryNote::InterviewScheduled {
            title: "Deep dive".into(),
            starts_at: 1_795_716_000,
            ends_at: 1_795_718_700,
        };
        let stored = serde_json::to_string(&note).expect("json");
        assert!(
            stored.contains("\"kind\":\"interview_scheduled\""),
            "{stored}"
        );
        assert!(stored.contains("1795716000"), "{stored}");
        assert_eq!(
            serde_json::from_str::<HistoryNote>(&stored).ok(),
            Some(note)
        );
    }
}
