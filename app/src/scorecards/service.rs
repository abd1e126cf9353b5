//! The rules of scorecards: drafting (autosaved, one writer at a time), submitting and
//! amending (every version kept), reading (no anchoring), questions and the feedback check.

use super::check;
use super::repo::{self, Owner, VersionRow};
use super::rules::{self, Frame};
use super::{
    Feedback, Intent, QuestionsInput, QuestionsPage, ScorecardContent, ScorecardInput,
    ScorecardLink, ScorecardPage, ScorecardRead, ScorecardSaved, ScorecardStatus, Topic,
    TopicsInput, VersionView, MAX_QUESTIONS,
};
use crate::access::{
    self, Admin, AuthorScope, DebriefScope, Myself, OpeningScope, Scope, ScorecardScope,
};
use crate::audit::service::{self as audit, NewEntry};
use crate::db::{begin_write, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::time;
use crate::values::parse_text;
use anyhow::Context;
use chrono_tz::Tz;
use serde_json::json;
use std::collections::HashMap;

/// The message for a save from an out-of-date copy of the draft.
const STALE: &str = "This scorecard was saved from another tab or window after you opened it, \
     so this copy was not saved. Copy anything you need from here, then reload the page to see \
     the newer version.";

async fn frame(db: &Db, scope: &AuthorScope) -> AppResult<Frame> {
    Ok(Frame {
        skills: repo::assignment_skills(db, scope.assignment_id())
            .await
            .context("loading the skill areas")?,
        questions: repo::questions(db, scope.opening_id())
            .await
            .context("loading the questions")?,
    })
}

/// The topics the feedback check looks for.
pub async fn topics(db: &Db) -> AppResult<Vec<Topic>> {
    let rows = repo::topics(db).await.context("loading the topics")?;
    Ok(rows
        .into_iter()
        .map(|(name, terms)| Topic {
            name,
            terms: terms
                .split(',')
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect(),
        })
        .collect())
}

fn decode(raw: &str) -> AppResult<ScorecardContent> {
    Ok(serde_json::from_str(raw).context("reading a saved scorecard")?)
}

fn encode<T: serde::Serialize>(value: &T) -> AppResult<String> {
    Ok(serde_json::to_string(value).context("writing a scorecard")?)
}

fn version_views(
    rows: Vec<VersionRow>,
    debrief_start: Option<i64>,
    tz: Tz,
) -> AppResult<Vec<VersionView>> {
    rows.into_iter()
        .map(|row| {
            Ok(VersionView {
                version: row.version,
                submitted_at: time::datetime(row.submitted_at, tz),
                content: decode(&row.content)?,
                warnings: serde_json::from_str(&row.warnings)
                    .context("reading the warnings of a scorecard")?,
                after_debrief: row.version > 1
                    && debrief_start.is_some_and(|start| row.submitted_at >= start),
            })
        })
        .collect()
}

/// The live-mode notes as the start of a draft's notes.
fn notes_text(notes: &[(String, String)]) -> String {
    notes
        .iter()
        .map(|(title, body)| format!("{title}:\n{}", body.trim()))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The interviewer's scorecard page: their draft (started from their live-mode notes),
/// what the check says about it, their versions, and — once all their own feedback on the
/// application is in — the other interviewers' scorecards.
pub async fn page(db: &Db, scope: &AuthorScope, now: i64) -> AppResult<ScorecardPage> {
    let tz = scope.timezone();
    let head = repo::interview_head(db, scope.interview_id())
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    let frame = frame(db, scope).await?;
    let row = repo::by_assignment(db, scope.assignment_id())
        .await
        .context("loading the scorecard")?;
    let live_notes = repo::live_notes(db, scope.interview_id(), scope.user().id)
        .await
        .context("loading the live notes")?;
    let draft = match &row {
        Some(row) => frame.fit(&decode(&row.draft)?),
        None => ScorecardContent {
            notes: notes_text(&live_notes),
            ..frame.blank()
        },
    };
    let versions = match &row {
        Some(row) if row.versions > 0 => {
            let start = repo::debrief_start(db, head.application_id, head.stage_id)
                .await
                .context("loading the debrief")?;
            version_views(
                repo::versions(db, &[row.id])
                    .await
                    .context("loading the versions")?,
                start,
                tz,
            )?
        }
        _ => Vec::new(),
    };
    let unsubmitted_changes = versions
        .first()
        .is_some_and(|latest| frame.fit(&latest.content) != draft);
    let warnings = if draft == frame.blank() {
        Vec::new()
    } else {
        check::warnings(&draft, &topics(db).await?)
    };
    let others = if access::author_may_read_others(db, scope).await? {
        repo::submitted_in(db, scope.application_id())
            .await
            .context("loading the other scorecards")?
            .into_iter()
            .filter(|c| c.user_id != scope.user().id)
            .map(|c| ScorecardLink {
                id: c.id,
                interviewer: c.author,
                interview_title: c.interview_title,
                status: c.status,
            })
            .collect()
    } else {
        Vec::new()
    };
    let status = row.as_ref().map_or(ScorecardStatus::Draft, |r| r.status);
    Ok(ScorecardPage {
        interview_id: head.interview_id,
        interview_title: head.title,
        candidate_name: head.candidate_name,
        opening_title: head.opening_title,
        when: time::range(head.starts_at, head.ends_at, tz),
        begun: now >= head.starts_at,
        overdue: Feedback::of(head.ends_at, Some(status), now) == Feedback::Overdue,
        status,
        revision: row.as_ref().map_or(0, |r| r.revision),
        draft,
        unsubmitted_changes,
        warnings,
        live_notes,
        versions,
        others,
    })
}

fn parse_revision(raw: &str) -> AppResult<i64> {
    match raw.trim() {
        "" => Ok(0),
        raw => {
            raw.parse::<i64>().ok().filter(|r| *r >= 0).ok_or_else(|| {
                AppError::invalid("form", "The form is out of date; reload the page.")
            })
        }
    }
}

/// Saves the draft, or submits it. A save from a copy older than the saved draft is refused
/// (nothing is overwritten); submitting needs a complete scorecard, an interview that has
/// begun, and — when the feedback check warns — the interviewer's acknowledgement.
pub async fn save(
    db: &Db,
    scope: &AuthorScope,
    input: &ScorecardInput,
    now: i64,
) -> AppResult<ScorecardSaved> {
    let intent = Intent::parse(&input.intent).map_err(|m| AppError::invalid("form", m))?;
    let seen = parse_revision(&input.revision)?;
    let frame = frame(db, scope).await?;
    let content = rules::parse(input, &frame)?;
    let submit = intent == Intent::Submit;
    let mut warnings = Vec::new();
    let head = repo::interview_head(db, scope.interview_id())
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    if submit {
        rules::complete(&content)?;
        if now < head.starts_at {
            return Err(AppError::invalid(
                "form",
                format!(
                    "The interview has not begun yet ({}). Save your draft; submit after the interview.",
                    time::datetime(head.starts_at, scope.timezone())
                ),
            ));
        }
        warnings = check::warnings(&content, &topics(db).await?);
        if !warnings.is_empty() && !input.acknowledge.is_checked() {
            return Err(AppError::invalid(
                "acknowledge",
                format!(
                    "The feedback check found: {} Edit your feedback, or tick “Submit with these warnings” and submit again.",
                    warnings.join(" ")
                ),
            ));
        }
    }
    let draft = encode(&content)?;
    let mut tx = begin_write(db).await?;
    let row = repo::by_assignment(&mut *tx, scope.assignment_id())
        .await
        .context("loading the scorecard")?;
    let (id, revision, versions) = match row {
        None if seen == 0 => {
            let owner = Owner {
                assignment_id: scope.assignment_id(),
                application_id: scope.application_id(),
                user_id: scope.user().id,
            };
            let id = repo::insert(&mut tx, owner, &draft, now)
                .await
                .context("starting the scorecard")?
                .ok_or_else(|| AppError::Conflict(STALE.into()))?;
            (id, 1, 0)
        }
        Some(row) if row.revision == seen => {
            if !submit
                && !repo::update_draft(&mut tx, row.id, &draft, seen, now)
                    .await
                    .context("saving the draft")?
            {
                return Err(AppError::Conflict(STALE.into()));
            }
            if submit && row.versions > 0 {
                let latest = repo::versions(&mut *tx, &[row.id])
                    .await
                    .context("loading the versions")?;
                if let Some(latest) = latest.first() {
                    if frame.fit(&decode(&latest.content)?) == content {
                        return Err(AppError::invalid(
                            "form",
                            format!(
                                "Nothing has changed since version {}. Change the scorecard to amend it.",
                                latest.version
                            ),
                        ));
                    }
                }
            }
            let revision = if submit {
                row.revision
            } else {
                row.revision + 1
            };
            (row.id, revision, row.versions)
        }
        _ => return Err(AppError::Conflict(STALE.into())),
    };
    let mut revision = revision;
    if submit {
        let overall = content
            .overall
            .ok_or_else(|| AppError::invalid("overall", "Choose your overall recommendation."))?;
        let version = versions + 1;
        let recorded = repo::submit(
            &mut tx,
            id,
            revision,
            version,
            overall,
            &draft,
            &encode(&warnings)?,
            now,
        )
        .await
        .context("submitting the scorecard")?;
        if !recorded {
            return Err(AppError::Conflict(STALE.into()));
        }
        revision += 1;
        // The audit log says that feedback was given, never what it says.
        let summary = if version == 1 {
            format!("Submitted the scorecard for {}", head.title)
        } else {
            format!(
                "Amended the scorecard for {} (version {version})",
                head.title
            )
        };
        audit::record(
            &mut *tx,
            NewEntry::new(scope.actor_id(), "scorecard", id, "submit", summary)
                .opening(scope.opening_id())
                .candidate(scope.candidate_id()),
            now,
        )
        .await?;
        // The nudges stop with the submission (and the hiring manager may hear that the
        // stage's feedback is all in).
        crate::mail::outbox::scorecard_submitted(&mut tx, scope.assignment_id(), now)
            .await
            .context("updating the feedback reminders")?;
    }
    tx.commit().await.context("committing the scorecard")?;
    Ok(ScorecardSaved {
        revision,
        saved_at: time::datetime(now, scope.timezone()),
        submitted: submit,
    })
}

/// A scorecard for a reader: every version, newest first. The note to the hiring manager is
/// left out for anyone but its author and the people who manage the application.
pub async fn read(db: &Db, scope: &ScorecardScope) -> AppResult<ScorecardRead> {
    let tz = scope.timezone();
    let card = repo::card_head(db, scope.scorecard_id())
        .await
        .context("loading the scorecard")?
        .ok_or(AppError::NotFound)?;
    let head = repo::interview_head(db, card.interview_id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    let start = repo::debrief_start(db, head.application_id, head.stage_id)
        .await
        .context("loading the debrief")?;
    let mut versions = version_views(
        repo::versions(db, &[card.id])
            .await
            .context("loading the versions")?,
        start,
        tz,
    )?;
    let own = card.user_id == scope.user().id;
    if !scope.manages() && !own {
        for version in &mut versions {
            version.content.private_note.clear();
        }
    }
    Ok(ScorecardRead {
        id: card.id,
        interviewer: card.author,
        interview_title: head.title,
        candidate_name: head.candidate_name,
        application_id: head.application_id,
        when: time::range(head.starts_at, head.ends_at, tz),
        status: card.status,
        versions,
        manages: scope.manages(),
    })
}

/// A submitted scorecard as the debrief shows it.
#[derive(Debug, Clone)]
pub struct SubmittedCard {
    pub id: i64,
    pub author: String,
    pub user_id: i64,
    pub interview_title: String,
    pub versions: Vec<VersionView>,
}

/// The submitted scorecards of a debrief's stage, every version, newest first; private notes
/// only for the people who manage the application.
pub async fn for_debrief(
    db: &Db,
    scope: &DebriefScope,
    stage_id: i64,
    debrief_start: i64,
) -> AppResult<Vec<SubmittedCard>> {
    let tz = scope.timezone();
    let cards: Vec<_> = repo::submitted_in(db, scope.application_id())
        .await
        .context("loading the scorecards")?
        .into_iter()
        .filter(|c| c.stage_id == stage_id)
        .collect();
    let ids: Vec<i64> = cards.iter().map(|c| c.id).collect();
    let mut versions: HashMap<i64, Vec<VersionRow>> = HashMap::new();
    for row in repo::versions(db, &ids)
        .await
        .context("loading the versions")?
    {
        versions.entry(row.scorecard_id).or_default().push(row);
    }
    let manages = scope.manager().is_some();
    cards
        .into_iter()
        .map(|c| {
            let mut views = version_views(
                versions.remove(&c.id).unwrap_or_default(),
                Some(debrief_start),
                tz,
            )?;
            if !manages {
                for v in &mut views {
                    v.content.private_note.clear();
                }
            }
            Ok(SubmittedCard {
                id: c.id,
                author: c.author,
                user_id: c.user_id,
                interview_title: c.interview_title,
                versions: views,
            })
        })
        .collect()
}

/// Each interviewer's feedback on each (not cancelled) interview of an application.
pub async fn feedback_of_application(
    db: &Db,
    application_id: i64,
) -> AppResult<Vec<repo::AssignmentFeedback>> {
    Ok(repo::feedback_of_application(db, application_id)
        .await
        .context("loading the feedback")?)
}

pub use repo::AssignmentFeedback;

/// Where the user's own feedback stands on each of the given interviews (ends as given).
pub async fn my_feedback(
    db: &Db,
    me: &Myself,
    interviews: &[(i64, i64)],
    now: i64,
) -> AppResult<HashMap<i64, Feedback>> {
    let ids: Vec<i64> = interviews.iter().map(|(id, _)| *id).collect();
    let statuses: HashMap<i64, ScorecardStatus> = repo::statuses_of(db, me.user().id, &ids)
        .await
        .context("loading your feedback")?
        .into_iter()
        .collect();
    Ok(interviews
        .iter()
        .map(|(id, ends_at)| (*id, Feedback::of(*ends_at, statuses.get(id).copied(), now)))
        .collect())
}

/// An opening's scorecard questions, for their editor.
pub async fn questions_page(db: &Db, scope: &OpeningScope) -> AppResult<QuestionsPage> {
    let opening = crate::openings::service::detail(db, scope).await?;
    Ok(QuestionsPage {
        opening_id: scope.opening_id(),
        opening_title: opening.title,
        questions: repo::questions(db, scope.opening_id())
            .await
            .context("loading the questions")?,
    })
}

/// Saves an opening's scorecard questions (blank rows dropped). Answers to a kept question
/// stay with it; scorecards already submitted keep the questions they were written for.
pub async fn save_questions(
    db: &Db,
    scope: &OpeningScope,
    input: &QuestionsInput,
    now: i64,
) -> AppResult<()> {
    let existing = repo::questions(db, scope.opening_id())
        .await
        .context("loading the questions")?;
    let mut errors = FieldErrors::new();
    let mut rows = Vec::new();
    for (index, row) in input.questions.iter().enumerate() {
        let Some(prompt) = errors.take(
            &format!("questions.{index}.prompt"),
            parse_text(&row.prompt, 300, "the question"),
        ) else {
            continue;
        };
        let raw = row.id.trim();
        let id = raw
            .parse::<i64>()
            .ok()
            .filter(|id| existing.iter().any(|q| q.id == *id));
        if !raw.is_empty() && id.is_none() {
            errors.add(
                "questions",
                "A question was removed meanwhile; reload the page.",
            );
            continue;
        }
        if !prompt.is_empty() {
            rows.push((id, prompt, row.behavioural.is_checked()));
        }
    }
    if rows.len() > MAX_QUESTIONS {
        errors.add(
            "questions",
            format!("A scorecard has at most {MAX_QUESTIONS} questions."),
        );
    }
    errors.finish()?;
    let before: Vec<&str> = existing.iter().map(|q| q.prompt.as_str()).collect();
    let after: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    let mut tx = begin_write(db).await?;
    repo::replace_questions(&mut tx, scope.opening_id(), &rows)
        .await
        .context("saving the questions")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            scope.actor_id(),
            "opening",
            scope.opening_id(),
            "questions",
            "Changed the scorecard questions",
        )
        .opening(scope.opening_id())
        .before(json!({ "questions": before }))
        .after(json!({ "questions": after })),
        now,
    )
    .await?;
    tx.commit().await.context("committing the questions")?;
    Ok(())
}

/// The feedback check's topics as the form shows them.
pub async fn topics_text(db: &Db, _admin: &Admin) -> AppResult<String> {
    Ok(check::format_topics(&topics(db).await?))
}

/// Replaces the feedback check's topics.
pub async fn save_topics(db: &Db, admin: &Admin, input: &TopicsInput, now: i64) -> AppResult<()> {
    let parsed = check::parse_topics(&input.topics).map_err(|m| AppError::invalid("topics", m))?;
    let before = check::format_topics(&topics(db).await?);
    let rows: Vec<(String, String)> = parsed
        .iter()
        .map(|t| (t.name.clone(), t.terms.join(", ")))
        .collect();
    let mut tx = begin_write(db).await?;
    repo::replace_topics(&mut tx, &rows)
        .await
        .context("saving the topics")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            admin.actor_id(),
            "feedback_check",
            0,
            "update",
            "Changed the feedback check's topics",
        )
        .before(json!({ "topics": before }))
        .after(json!({ "topics": check::format_topics(&parsed) })),
        now,
    )
    .await?;
    tx.commit().await.context("committing the topics")?;
    Ok(())
}
