//! What the opening's board and the application page show.

use super::repo::{self, CardFilter, EventRow};
use super::service::{find, HistoryNote};
use super::{
    ApplicationDetail, ApplicationStatus, Board, BoardCard, BoardColumn, BoardFilters,
    HistoryEntry, OpeningPageData, StageRef, CARDS_PER_COLUMN, CARDS_PER_STAGE_PAGE,
    LOOP_WARNINGS_SHOWN,
};
use crate::access::{ApplicationScope, OpeningScope, Scope};
use crate::candidates::service as candidates;
use crate::db::Db;
use crate::error::AppResult;
use crate::interviews::service as interviews;
use crate::openings::{service as openings, Stage};
use crate::skills::SkillRef;
use crate::time;
use anyhow::Context;
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// The board of an opening with filters, upcoming interviews and loop warnings. On the
/// whole board each column shows its first cards; with a stage filter, that stage shows a
/// page of them. A handful of queries, however many applications the opening has.
pub async fn board(
    db: &Db,
    scope: &OpeningScope,
    filters: BoardFilters,
    now: i64,
) -> AppResult<Board> {
    let stages = openings::stages(db, scope).await?;
    let required = openings::required_skills(db, scope).await?;
    board_with(db, scope, filters, now, &stages, &required).await
}

/// The opening's page: its overview and its board, sharing the plan they both read.
pub async fn opening_page(
    db: &Db,
    scope: &OpeningScope,
    filters: BoardFilters,
    now: i64,
) -> AppResult<OpeningPageData> {
    let opening = openings::detail(db, scope).await?;
    let board = board_with(
        db,
        scope,
        filters,
        now,
        &opening.stages,
        &opening.required_skills,
    )
    .await?;
    Ok(OpeningPageData { opening, board })
}

/// [`board`] for a plan and required skill areas already loaded.
async fn board_with(
    db: &Db,
    scope: &OpeningScope,
    filters: BoardFilters,
    now: i64,
    stages: &[Stage],
    required: &[SkillRef],
) -> AppResult<Board> {
    let tz = scope.timezone();
    let opening_id = scope.opening_id();
    let status = filters.status.unwrap_or(ApplicationStatus::Active);
    let filter = CardFilter {
        opening_id,
        hidden_from: scope.hidden_from(),
        status,
        internal: filters.internal,
        stage: filters.stage,
    };
    let (from, per_stage) = if filters.stage.is_some() {
        (
            filters.page.offset(CARDS_PER_STAGE_PAGE),
            CARDS_PER_STAGE_PAGE,
        )
    } else {
        (0, CARDS_PER_COLUMN)
    };
    let cards = repo::cards(
        db,
        filter,
        now,
        from,
        i64::try_from(per_stage).unwrap_or(i64::MAX),
    )
    .await
    .context("loading the board")?;
    // Each card carries its stage's total; a stage without a card on the first page has
    // none. Only a page past the end of a stage needs counting apart.
    let counts: BTreeMap<i64, i64> = if from == 0 || !cards.is_empty() {
        cards.iter().map(|c| (c.stage_id, c.stage_total)).collect()
    } else {
        repo::card_counts(db, filter)
            .await
            .context("counting the board")?
            .into_iter()
            .collect()
    };
    let columns: Vec<BoardColumn> = stages
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
                .filter(|c| c.stage_id == stage.id)
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
            total: counts.get(&stage.id).copied().unwrap_or(0),
        })
        .collect();
    let more = filters.stage.is_some_and(|stage| {
        let shown = from + i64::try_from(per_stage).unwrap_or(i64::MAX);
        counts.get(&stage).is_some_and(|&total| total > shown)
    });

    let upcoming = interviews::upcoming_for_opening(db, scope, now).await?;

    // The cards shown whose loop has started and has problems (active ones only).
    let shown: Vec<i64> = if status == ApplicationStatus::Active {
        cards.iter().map(|c| c.id).collect()
    } else {
        Vec::new()
    };
    let problems = interviews::loop_warnings(db, scope, stages, required, &shown).await?;
    let loop_warnings_total = problems.len();
    let loop_warnings = problems
        .into_iter()
        .take(LOOP_WARNINGS_SHOWN)
        .map(|p| (p.application_id, p.candidate_name, p.warnings))
        .collect();
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
        loop_warnings_total,
        more,
    })
}

/// One history entry as the viewer reads it (times in their zone).
fn history_entry(e: EventRow, tz: Tz) -> HistoryEntry {
    let mut parts = Vec::new();
    match (e.from_stage, e.to_stage) {
        (Some(from), Some(to)) => parts.push(format!("Moved from {from} to {to}")),
        (None, Some(to)) => parts.push(format!("Entered {to}")),
        _ => {}
    }
    if let (Some(from), Some(to)) = (e.from_status, e.to_status) {
        parts.push(format!("Status {} → {}", from.as_str(), to.as_str()));
    }
    if !e.note.is_empty() {
        parts.push(e.note);
    }
    match e
        .detail_json
        .as_deref()
        .map(serde_json::from_str::<HistoryNote>)
    {
        Some(Ok(note)) => parts.push(note_text(&note, tz)),
        Some(Err(error)) => {
            tracing::warn!(%error, "unreadable history detail");
        }
        None => {}
    }
    HistoryEntry {
        at: time::datetime(e.at, tz),
        actor: e.actor,
        text: parts.join(". "),
    }
}

fn note_text(note: &HistoryNote, tz: Tz) -> String {
    match note {
        HistoryNote::InterviewScheduled {
            title,
            starts_at,
            ends_at,
        } => format!(
            "Scheduled {title} for {}",
            time::range(*starts_at, *ends_at, tz)
        ),
        HistoryNote::InterviewRescheduled {
            title,
            from_starts_at,
            from_ends_at,
            starts_at,
            ends_at,
        } => format!(
            "Rescheduled {title} from {} to {}",
            time::range(*from_starts_at, *from_ends_at, tz),
            time::range(*starts_at, *ends_at, tz)
        ),
        HistoryNote::InterviewCancelled { title, reason } => {
            format!("Cancelled {title}: {reason}")
        }
    }
}

/// The application page.
pub async fn detail(db: &Db, scope: &ApplicationScope, now: i64) -> AppResult<ApplicationDetail> {
    let application = find(db, scope).await?;
    let tz = scope.timezone();
    let candidate = candidates::profile(db, scope, now).await?;
    let facts = candidates::facts(db, scope).await?;
    let hidden_from_hiring_manager =
        facts.current_manager_id == Some(application.hiring_manager_id);
    let stages = openings::stages(db, &scope.opening()).await?;
    let templates = stages
        .iter()
        .find(|s| s.id == application.stage_id)
        .map(|s| s.templates.clone())
        .unwrap_or_default();
    let (interviews, coverage) =
        interviews::application_loop(db, scope, &stages, application.stage_id).await?;
    let history = repo::events(db, application.id)
        .await
        .context("loading history")?
        .into_iter()
        .map(|e| history_entry(e, tz))
        .collect();
    Ok(ApplicationDetail {
        id: application.id,
        candidate,
        opening_id: application.opening_id,
        opening_title: application.opening_title,
        stage: StageRef {
            id: application.stage_id,
            name: application.stage_name,
        },
        stage_kind: application.stage_kind,
        status: application.status,
        status_reason: application.status_reason,
        days_in_stage: time::days_between(application.stage_entered_at, now),
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

    #[test]
    fn scheduling_notes_read_in_the_viewers_zone() {
        let note = HistoryNote::InterviewScheduled {
            title: "Deep dive".into(),
            starts_at: 1_795_716_000,
            ends_at: 1_795_718_700,
        };
        let ny: Tz = "America/New_York".parse().expect("tz");
        assert_eq!(
            note_text(&note, ny),
            "Scheduled Deep dive for Thu 26 Nov 2026, 13:00–13:45 EST (America/New_York)"
        );
        let berlin: Tz = "Europe/Berlin".parse().expect("tz");
        assert!(note_text(&note, berlin).contains("19:00–19:45 CET"));
    }
}
