//! The rules of live interview mode: who moves the clock and how, notes, ratings.

use super::clock::{ClockState, Control};
use super::repo::{self, ClockRow};
use super::{
    AssignedChallenge, ControlInput, LiveData, LiveItem, LiveSnapshot, NoteInput, RatingInput,
    MAX_NOTE,
};
use crate::access::{KitScope, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::db::{begin_write, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::interviews::InterviewStatus;
use anyhow::Context;
use serde_json::json;
use std::collections::HashMap;

fn to_state(row: Option<&ClockRow>, spent: Vec<i64>) -> ClockState {
    match row {
        None => ClockState {
            spent,
            ..ClockState::default()
        },
        Some(row) => ClockState {
            started_at: Some(row.started_at),
            current: usize::try_from(row.current_position).unwrap_or(0),
            item_started_elapsed: row.item_started_elapsed,
            paused_at: row.paused_at,
            paused_total: row.paused_total,
            finished_at: row.finished_at,
            spent,
        },
    }
}

/// The clock of an interview as saved, at `now` (server milliseconds).
pub async fn snapshot(db: &Db, scope: &KitScope, now: i64) -> AppResult<LiveSnapshot> {
    let id = scope.interview_id();
    let row = repo::clock(db, id).await.context("loading the clock")?;
    let times = repo::item_times(db, id)
        .await
        .context("loading the agenda")?;
    Ok(LiveSnapshot {
        clock: to_state(row.as_ref(), times.iter().map(|t| t.2).collect()),
        server_now: now,
    })
}

/// Applies a clock button. A press that another device already made (or that means nothing
/// now) changes nothing and answers with the clock as it is.
pub async fn control(
    db: &Db,
    scope: &KitScope,
    input: &ControlInput,
    now: i64,
) -> AppResult<LiveSnapshot> {
    let control = input.parse().map_err(|m| AppError::invalid("action", m))?;
    let id = scope.interview_id();
    let mut tx = begin_write(db).await?;
    let facts = repo::facts(&mut *tx, id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    if facts.status == InterviewStatus::Cancelled {
        return Err(AppError::Conflict("This interview is cancelled.".into()));
    }
    let times = repo::item_times(&mut *tx, id)
        .await
        .context("loading the agenda")?;
    if times.is_empty() {
        return Err(AppError::Conflict(
            "This interview has no agenda yet. Add items to its agenda first.".into(),
        ));
    }
    let row = repo::clock(&mut *tx, id)
        .await
        .context("loading the clock")?;
    let mut state = to_state(row.as_ref(), times.iter().map(|t| t.2).collect());
    let before = state.clone();
    if state.apply(control, times.len(), now) {
        let saved = match (&row, control) {
            (None, Control::Start) => repo::insert_clock(&mut tx, id, now)
                .await
                .context("starting the clock")?,
            (Some(row), _) => {
                let next = ClockRow {
                    started_at: row.started_at,
                    current_position: i64::try_from(state.current).unwrap_or(0),
                    item_started_elapsed: state.item_started_elapsed,
                    paused_at: state.paused_at,
                    paused_total: state.paused_total,
                    finished_at: state.finished_at,
                    // Strictly newer than the version read, even within one millisecond.
                    updated_at: now.max(row.updated_at + 1),
                };
                repo::update_clock(&mut tx, id, &next, row.updated_at)
                    .await
                    .context("saving the clock")?
            }
            (None, _) => false,
        };
        if saved {
            for ((item_id, ..), (old, new)) in
                times.iter().zip(before.spent.iter().zip(&state.spent))
            {
                if old != new {
                    repo::set_spent(&mut tx, *item_id, *new)
                        .await
                        .context("saving the time spent")?;
                }
            }
            if matches!(control, Control::Start) {
                audit::record(
                    &mut *tx,
                    NewEntry::new(
                        scope.actor_id(),
                        "interview",
                        id,
                        "start",
                        format!("Started {} (live)", facts.title),
                    )
                    .opening(scope.opening_id())
                    .candidate(scope.candidate_id()),
                    now.div_euclid(1000),
                )
                .await?;
            }
        }
    }
    tx.commit().await.context("committing the clock")?;
    snapshot(db, scope, now).await
}

/// Saves the viewer's notes on one agenda item (the draft of their feedback).
pub async fn save_note(db: &Db, scope: &KitScope, input: &NoteInput, now: i64) -> AppResult<i64> {
    let body = crate::values::parse_text(&input.body, MAX_NOTE, "the note")
        .map_err(|m| AppError::invalid("body", m))?;
    let user = scope.actor_id().ok_or(AppError::Forbidden)?;
    if !repo::item_in(db, input.item_id, scope.interview_id())
        .await
        .context("checking the agenda item")?
    {
        return Err(AppError::NotFound);
    }
    let mut tx = begin_write(db).await?;
    repo::save_note(&mut tx, input.item_id, user, &body, now)
        .await
        .context("saving the note")?;
    tx.commit().await.context("committing the note")?;
    Ok(now)
}

/// Records the viewer's rating of the challenge they gave, once the interview has begun (its
/// start time has passed or its live clock has started).
pub async fn rate(db: &Db, scope: &KitScope, input: &RatingInput, now: i64) -> AppResult<()> {
    let mut errors = FieldErrors::new();
    let rating = errors.take(
        "rating",
        match input.rating.trim().parse::<i64>() {
            Ok(r) if (1..=5).contains(&r) => Ok(r),
            _ => Err("Choose a rating from 1 to 5.".to_owned()),
        },
    );
    let note = errors.take(
        "note",
        crate::values::parse_text(&input.note, 2000, "the note"),
    );
    let assignment = errors.take(
        "assignment_id",
        input
            .assignment_id
            .trim()
            .parse::<i64>()
            .map_err(|_| "Choose the challenge you gave.".to_owned()),
    );
    errors.finish()?;
    let (Some(rating), Some(note), Some(assignment)) = (rating, note, assignment) else {
        return Err(AppError::Unexpected);
    };
    let user = scope.actor_id().ok_or(AppError::Forbidden)?;
    let id = scope.interview_id();
    let mut tx = begin_write(db).await?;
    let facts = repo::facts(&mut *tx, id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    let started = repo::clock(&mut *tx, id)
        .await
        .context("loading the clock")?
        .is_some();
    if now < facts.starts_at && !started {
        return Err(AppError::Conflict(
            "You can rate the challenge once the interview has begun.".into(),
        ));
    }
    // Only the interviewer who gave the challenge rates it; anyone else finds nothing.
    if !repo::rate(&mut tx, assignment, id, user, rating, &note, now)
        .await
        .context("saving the rating")?
    {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut *tx,
        NewEntry::new(
            Some(user),
            "interview",
            id,
            "rate_challenge",
            format!("Rated the challenge of {}", facts.title),
        )
        .opening(scope.opening_id())
        .candidate(scope.candidate_id())
        .after(json!({"rating": rating})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the rating")?;
    Ok(())
}

/// Everything the live page shows, for the viewer.
pub async fn page(db: &Db, scope: &KitScope, now_ms: i64) -> AppResult<LiveData> {
    let id = scope.interview_id();
    let facts = repo::facts(db, id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    let user = scope.actor_id().unwrap_or(0);
    let items = crate::agendas::service::items(db, scope).await?;
    let mut notes: HashMap<i64, String> = repo::notes(db, id, user)
        .await
        .context("loading the notes")?
        .into_iter()
        .collect();
    let snapshot = snapshot(db, scope, now_ms).await?;
    let can_rate = now_ms.div_euclid(1000) >= facts.starts_at || snapshot.clock.started();
    let mut challenges = Vec::new();
    for a in repo::challenge_assignments(db, id)
        .await
        .context("loading the challenges")?
    {
        // One interview has a handful of interviewers; each challenge is one lookup.
        if let Some(challenge) = crate::challenges::service::load(db, a.challenge_id).await? {
            let mine = a.user_id == user;
            challenges.push(AssignedChallenge {
                assignment_id: a.assignment_id,
                interviewer: a.interviewer,
                mine,
                challenge,
                rating: if mine { a.challenge_rating } else { None },
                rating_note: if mine {
                    a.challenge_note.unwrap_or_default()
                } else {
                    String::new()
                },
            });
        }
    }
    let tz = scope.timezone();
    Ok(LiveData {
        interview_id: id,
        title: facts.title,
        candidate_name: facts.candidate_name,
        opening_title: facts.opening_title,
        when: crate::time::range(facts.starts_at, facts.ends_at, tz),
        meeting_link: super::meeting_link(&facts.location),
        location: facts.location,
        duration_minutes: facts.duration_minutes,
        resume_link: if facts.has_pdf {
            format!("/candidates/{}/resume.pdf", facts.candidate_id)
        } else {
            format!("/interviews/{id}/kit#resume")
        },
        cancelled: facts.status == InterviewStatus::Cancelled,
        items: items
            .into_iter()
            .map(|i| LiveItem {
                note: notes.remove(&i.id).unwrap_or_default(),
                id: i.id,
                title: i.title,
                minutes: i.minutes,
                guidance: i.guidance,
                coding: i.coding,
            })
            .collect(),
        snapshot,
        challenges,
        can_rate,
    })
}
