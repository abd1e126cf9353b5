//! The rules for coding challenges: what a valid challenge is, the library's search and
//! filters, and what the ratings say about a challenge.

use super::repo::{self, ChallengeFields, ChallengeRow, ListFilter, PartRow};
use super::{
    retire_suggestion, ChallengeDetail, ChallengeFilters, ChallengeFormData, ChallengeInput,
    ChallengeLine, ChallengeListData, ChallengePageData, ChallengeQuery, ChallengeStatus,
    ChallengeSummary, Effectiveness, Outcomes, RatingNote, CHALLENGES_PAGE_SIZE,
    DEFAULT_EXTENSION_ROWS, DIFFICULTY_RANGE, MAX_EXTENSIONS, MINUTES_RANGE, RECENT_NOTES,
};
use crate::access::{Planner, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::db::{begin_write, decode_choice, Backend, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::markdown;
use crate::paging::Paged;
use crate::skills::{service as skills, SkillRef};
use crate::values::{parse_text, Name};
use anyhow::{anyhow, Context};
use serde_json::json;
use sqlx::any::AnyExecutor;
use std::collections::BTreeMap;

/// The longest prompt, rubric or hints accepted (characters).
pub const TEXT_MAX: usize = 20_000;
/// The longest extension or starter code accepted (characters).
pub const PART_MAX: usize = 10_000;
/// The most challenges [`matching_active`] returns.
pub const MATCHING_MAX: i64 = 200;

/// A challenge's fields once parsed.
struct ValidChallenge {
    title: Name,
    prompt: String,
    skills: Vec<i64>,
    difficulty: i64,
    expected_minutes: i64,
    starter_code: String,
    extensions: Vec<String>,
    rubric: String,
    hints: String,
    /// `None`: keep the current status (active for a new challenge).
    status: Option<ChallengeStatus>,
}

fn parse_difficulty(raw: &str) -> Result<i64, String> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|d| DIFFICULTY_RANGE.contains(d))
        .ok_or_else(|| "Choose a difficulty from 1 (warm-up) to 5 (hardest).".to_owned())
}

fn parse_minutes(raw: &str) -> Result<i64, String> {
    let minutes: i64 = raw
        .trim()
        .parse()
        .map_err(|_| "Enter the expected time in whole minutes, e.g. 20.".to_owned())?;
    if MINUTES_RANGE.contains(&minutes) {
        Ok(minutes)
    } else {
        Err(format!(
            "A challenge is expected to take between {} and {} minutes.",
            MINUTES_RANGE.start(),
            MINUTES_RANGE.end()
        ))
    }
}

/// Code as typed: indentation kept, blank lines around it and trailing blanks dropped.
fn parse_code(raw: &str) -> Result<String, String> {
    let code = raw.trim_end();
    let code = code.find(|c: char| !c.is_whitespace()).map_or("", |first| {
        // From the start of the line holding the first visible character.
        let line_start = code[..first].rfind('\n').map_or(0, |n| n + 1);
        &code[line_start..]
    });
    if code.chars().count() > PART_MAX {
        return Err(format!(
            "The starter code can be at most {PART_MAX} characters."
        ));
    }
    if code
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(
            "The starter code contains invisible control characters; please retype it.".into(),
        );
    }
    Ok(code.to_owned())
}

/// The extension rows that were filled in, in order; a row's problem is reported under
/// `extensions.{row}` (the row's index in the form).
fn parse_extensions(rows: &[String], errors: &mut FieldErrors) -> Vec<String> {
    let mut kept = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let what = format!("extension {}", index + 1);
        if let Some(text) = errors.take(
            &format!("extensions.{index}"),
            parse_text(row, PART_MAX, &what),
        ) {
            if !text.is_empty() {
                kept.push(text);
            }
        }
    }
    if kept.len() > MAX_EXTENSIONS {
        errors.add(
            "extensions",
            format!("A challenge can have at most {MAX_EXTENSIONS} extensions."),
        );
    }
    kept
}

impl TryFrom<&ChallengeInput> for ValidChallenge {
    type Error = FieldErrors;

    fn try_from(input: &ChallengeInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.take(
            "title",
            Name::parse_labelled(&input.title, "a title for the challenge"),
        );
        let prompt = errors.take(
            "prompt",
            parse_text(&input.prompt, TEXT_MAX, "the prompt").and_then(|p| {
                if p.is_empty() {
                    Err("Enter the prompt: what the candidate is asked to do.".into())
                } else {
                    Ok(p)
                }
            }),
        );
        let mut skills = input.skills.clone();
        skills.sort_unstable();
        skills.dedup();
        if skills.is_empty() {
            errors.add(
                "skills",
                "Choose at least one skill area the challenge tests.",
            );
        }
        let difficulty = errors.take("difficulty", parse_difficulty(&input.difficulty));
        let expected_minutes =
            errors.take("expected_minutes", parse_minutes(&input.expected_minutes));
        let starter_code = errors
            .take("starter_code", parse_code(&input.starter_code))
            .unwrap_or_default();
        let extensions = parse_extensions(&input.extensions, &mut errors);
        let rubric = errors
            .take("rubric", parse_text(&input.rubric, TEXT_MAX, "the rubric"))
            .unwrap_or_default();
        let hints = errors
            .take("hints", parse_text(&input.hints, TEXT_MAX, "the hints"))
            .unwrap_or_default();
        let status = if input.status.trim().is_empty() {
            Some(None)
        } else {
            errors
                .take("status", ChallengeStatus::parse(&input.status))
                .map(Some)
        };
        match (title, prompt, difficulty, expected_minutes, status) {
            (Some(title), Some(prompt), Some(difficulty), Some(expected_minutes), Some(status))
                if errors.is_empty() =>
            {
                Ok(Self {
                    title,
                    prompt,
                    skills,
                    difficulty,
                    expected_minutes,
                    starter_code,
                    extensions,
                    rubric,
                    hints,
                    status,
                })
            }
            _ => Err(errors),
        }
    }
}

impl ValidChallenge {
    fn fields(&self, status: ChallengeStatus) -> ChallengeFields<'_> {
        ChallengeFields {
            title: self.title.as_str(),
            prompt: &self.prompt,
            difficulty: self.difficulty,
            expected_minutes: self.expected_minutes,
            starter_code: &self.starter_code,
            rubric: &self.rubric,
            hints: &self.hints,
            status,
        }
    }

    fn snapshot(&self, status: ChallengeStatus) -> serde_json::Value {
        json!({
            "title": self.title.as_str(), "difficulty": self.difficulty,
            "expected_minutes": self.expected_minutes, "status": status.as_str(),
            "skill_areas": self.skills, "extensions": self.extensions.len(),
        })
    }
}

fn snapshot_of(c: &ChallengeDetail) -> serde_json::Value {
    json!({
        "title": c.summary.title, "difficulty": c.summary.difficulty,
        "expected_minutes": c.summary.expected_minutes, "status": c.summary.status.as_str(),
        "skill_areas": c.summary.skill_areas.iter().map(|s| s.id).collect::<Vec<_>>(),
        "extensions": c.extensions.len(),
    })
}

/// Parses the form and checks that its skill areas exist and are not archived.
async fn validate(db: &Db, input: &ChallengeInput) -> AppResult<ValidChallenge> {
    let challenge = ValidChallenge::try_from(input).map_err(AppError::Invalid)?;
    if let Err(message) = skills::check_active(db, &challenge.skills).await? {
        return Err(AppError::invalid("skills", message));
    }
    Ok(challenge)
}

/// Adds a challenge to the library, written by the planner, with its skill areas and
/// extensions (all or nothing).
pub async fn create(
    db: &Db,
    planner: &Planner,
    input: &ChallengeInput,
    now: i64,
) -> AppResult<i64> {
    let challenge = validate(db, input).await?;
    let status = challenge.status.unwrap_or(ChallengeStatus::Active);
    let mut tx = begin_write(db).await?;
    let id = repo::insert(&mut *tx, &challenge.fields(status), planner.actor_id(), now)
        .await
        .context("adding the challenge")?;
    repo::set_parts(&mut tx, id, &challenge.skills, &challenge.extensions)
        .await
        .context("storing the challenge's skill areas and extensions")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            planner.actor_id(),
            "challenge",
            id,
            "create",
            format!("Added coding challenge {}", challenge.title),
        )
        .after(challenge.snapshot(status)),
        now,
    )
    .await?;
    tx.commit().await.context("committing the challenge")?;
    Ok(id)
}

/// Edits a challenge; interviews that used it keep pointing at it.
pub async fn update(
    db: &Db,
    planner: &Planner,
    id: i64,
    input: &ChallengeInput,
    now: i64,
) -> AppResult<()> {
    let challenge = validate(db, input).await?;
    let mut tx = begin_write(db).await?;
    let before = load(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    let status = challenge.status.unwrap_or(before.summary.status);
    repo::update(&mut *tx, id, &challenge.fields(status), now)
        .await
        .context("updating the challenge")?;
    repo::set_parts(&mut tx, id, &challenge.skills, &challenge.extensions)
        .await
        .context("storing the challenge's skill areas and extensions")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            planner.actor_id(),
            "challenge",
            id,
            "update",
            format!("Updated coding challenge {}", challenge.title),
        )
        .before(snapshot_of(&before))
        .after(challenge.snapshot(status)),
        now,
    )
    .await?;
    tx.commit().await.context("committing the challenge")?;
    Ok(())
}

/// Retires a challenge (no longer offered for new interviews) or brings it back.
pub async fn set_status(
    db: &Db,
    planner: &Planner,
    id: i64,
    status: ChallengeStatus,
    now: i64,
) -> AppResult<()> {
    let mut tx = begin_write(db).await?;
    let before = load(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    repo::set_status(&mut *tx, id, status, now)
        .await
        .context("changing the challenge's status")?;
    let (action, verb) = match status {
        ChallengeStatus::Active => ("restore", "Restored"),
        ChallengeStatus::Retired => ("retire", "Retired"),
    };
    audit::record(
        &mut *tx,
        NewEntry::new(
            planner.actor_id(),
            "challenge",
            id,
            action,
            format!("{verb} coding challenge {}", before.summary.title),
        )
        .before(json!({"status": before.summary.status.as_str()}))
        .after(json!({"status": status.as_str()})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the status")?;
    Ok(())
}

/// A challenge with everything in it, the rubric and hints included (the caller holds the
/// proof that the viewer may read them), or `None` when there is no such challenge.
pub async fn load<'c>(db: impl AnyExecutor<'c>, id: i64) -> AppResult<Option<ChallengeDetail>> {
    let rows = repo::load(db, id).await.context("loading the challenge")?;
    detail_from(id, rows)
}

fn detail_from(id: i64, rows: Vec<PartRow>) -> AppResult<Option<ChallengeDetail>> {
    let mut rows = rows.into_iter();
    let Some(head) = rows.next().filter(|r| r.part == 0) else {
        return Ok(None);
    };
    let status = decode_choice::<ChallengeStatus>(&head.t6)
        .map_err(|e| anyhow!("{e}").context("reading the challenge's status"))?;
    let mut skill_areas = Vec::new();
    let mut extensions = Vec::new();
    for row in rows {
        match row.part {
            1 => skill_areas.push(SkillRef {
                id: row.num,
                name: row.t1,
            }),
            _ => extensions.push(row.t1),
        }
    }
    skill_areas.sort_by_key(|s| (s.name.to_lowercase(), s.id));
    Ok(Some(ChallengeDetail {
        summary: ChallengeSummary {
            id,
            title: head.t1,
            difficulty: head.num,
            expected_minutes: head.num2,
            status,
            skill_areas,
        },
        prompt_html: markdown::to_safe_html(&head.t2),
        prompt: head.t2,
        extensions_html: extensions
            .iter()
            .map(|e| markdown::to_safe_html(e))
            .collect(),
        extensions,
        starter_code: head.t3,
        rubric_html: markdown::to_safe_html(&head.t4),
        rubric: head.t4,
        hints_html: markdown::to_safe_html(&head.t5),
        hints: head.t5,
        author: head.t7,
    }))
}

/// Summaries of `rows`, with their skill areas read in one query.
async fn summaries(db: &Db, rows: Vec<ChallengeRow>) -> AppResult<Vec<ChallengeSummary>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut skills_by: BTreeMap<i64, Vec<SkillRef>> = BTreeMap::new();
    for (challenge, id, name) in repo::skills_of(db, &ids)
        .await
        .context("loading the challenges' skill areas")?
    {
        skills_by
            .entry(challenge)
            .or_default()
            .push(SkillRef { id, name });
    }
    Ok(rows
        .into_iter()
        .map(|r| ChallengeSummary {
            skill_areas: skills_by.remove(&r.id).unwrap_or_default(),
            id: r.id,
            title: r.title,
            difficulty: r.difficulty,
            expected_minutes: r.expected_minutes,
            status: r.status,
        })
        .collect())
}

/// Active challenges that test at least one of the skill areas `skill_ids`, by title
/// (at most [`MATCHING_MAX`]): the choices when assigning an interviewer a challenge.
pub async fn matching_active(db: &Db, skill_ids: &[i64]) -> AppResult<Vec<ChallengeSummary>> {
    let mut skills = skill_ids.to_vec();
    skills.sort_unstable();
    skills.dedup();
    let rows = repo::active_with_skills(db, &skills, MATCHING_MAX)
        .await
        .context("finding matching challenges")?;
    summaries(db, rows).await
}

/// Whether the library holds a challenge with exactly this title.
pub async fn exists_titled(db: &Db, title: &str) -> AppResult<bool> {
    Ok(repo::title_exists(db, title)
        .await
        .context("looking for a challenge by title")?)
}

/// The id to hide internal candidacies from in statistics (`-1`: nobody).
fn hidden_id(planner: &Planner) -> i64 {
    planner.hidden_from().unwrap_or(-1)
}

/// A page of the library with the given filters, each challenge with its use and ratings.
pub async fn list(
    db: &Db,
    planner: &Planner,
    query: &ChallengeQuery,
) -> AppResult<ChallengeListData> {
    let filters = ChallengeFilters::from(query);
    let backend = Backend::of_pool(db);
    let search = match backend {
        Backend::Sqlite => repo::fts5_query(&filters.text),
        Backend::Postgres => repo::tsquery(&filters.text),
    };
    let filter = ListFilter {
        search: search.as_deref(),
        skill: filters.skill,
        difficulty: filters.difficulty,
        status: filters.status,
    };
    let size = CHALLENGES_PAGE_SIZE;
    let rows = repo::list(
        db,
        backend,
        &filter,
        i64::try_from(size + 1).unwrap_or(i64::MAX),
        filters.page.offset(size),
    )
    .await
    .context("listing challenges")?;
    let page = Paged::from_rows(rows, filters.page, size);
    let (number, more) = (page.page, page.more);
    let items = summaries(db, page.items).await?;
    let ids: Vec<i64> = items.iter().map(|c| c.id).collect();
    let effect: BTreeMap<i64, Effectiveness> = repo::effectiveness_of(db, &ids, hidden_id(planner))
        .await
        .context("counting the challenges' uses")?
        .into_iter()
        .map(|(id, uses, ratings, rating_sum)| {
            (
                id,
                Effectiveness {
                    uses,
                    ratings,
                    rating_sum,
                },
            )
        })
        .collect();
    Ok(ChallengeListData {
        challenges: Paged {
            items: items
                .into_iter()
                .map(|summary| ChallengeLine {
                    effectiveness: effect.get(&summary.id).copied().unwrap_or_default(),
                    summary,
                })
                .collect(),
            page: number,
            more,
        },
        filters,
        skill_areas: skills::all(db).await?,
    })
}

/// A challenge's page: the challenge, how it was used and rated, and how its candidates
/// fared.
pub async fn page(db: &Db, planner: &Planner, id: i64) -> AppResult<ChallengePageData> {
    let challenge = load(db, id).await?.ok_or(AppError::NotFound)?;
    let hidden = hidden_id(planner);
    let stats = repo::stats(db, id, hidden)
        .await
        .context("reading the challenge's statistics")?;
    let tz = planner.timezone();
    let notes = repo::recent_notes(
        db,
        id,
        hidden,
        i64::try_from(RECENT_NOTES).unwrap_or(i64::MAX),
    )
    .await
    .context("reading the challenge's rating notes")?
    .into_iter()
    .map(|(rating, note, at)| RatingNote {
        rating,
        note,
        date: crate::time::date(at, tz),
    })
    .collect();
    let effectiveness = Effectiveness {
        uses: stats.uses,
        ratings: stats.ratings,
        rating_sum: stats.rating_sum,
    };
    Ok(ChallengePageData {
        retire_suggestion: retire_suggestion(challenge.summary.status, &effectiveness),
        challenge,
        effectiveness,
        outcomes: Outcomes {
            candidates: stats.candidates,
            advanced: stats.advanced,
            hired: stats.hired,
        },
        notes,
    })
}

/// What the challenge form needs: the challenge when editing (`None` for a new one), the
/// skill areas, and `rows` extension rows (at least one empty row beyond those filled, at
/// least the default, at most the maximum).
pub async fn form(
    db: &Db,
    _planner: &Planner,
    id: Option<i64>,
    rows: usize,
) -> AppResult<ChallengeFormData> {
    let challenge = match id {
        Some(id) => Some(load(db, id).await?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let filled = challenge.as_ref().map_or(0, |c| c.extensions.len());
    Ok(ChallengeFormData {
        rows: rows
            .max(filled + 1)
            .clamp(DEFAULT_EXTENSION_ROWS, MAX_EXTENSIONS),
        challenge,
        skill_areas: skills::all(db).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ChallengeInput {
        ChallengeInput {
            title: " Rate limiter ".into(),
            prompt: "Limit requests per **client**.".into(),
            skills: vec![3, 1, 3],
            difficulty: "3".into(),
            expected_minutes: "25".into(),
            starter_code: "\n\n    fn allow() -> bool {\n        todo!()\n    }   \n\n".into(),
            extensions: vec!["Burst".into(), "   ".into(), "Distributed".into()],
            ..ChallengeInput::default()
        }
    }

    #[test]
    fn a_valid_form_is_normalised() {
        let valid = ValidChallenge::try_from(&input()).expect("a valid form");
        assert_eq!(valid.title.as_str(), "Rate limiter");
        assert_eq!(valid.skills, vec![1, 3]);
        assert_eq!((valid.difficulty, valid.expected_minutes), (3, 25));
        // Indentation survives; blank lines around the code do not.
        assert_eq!(
            valid.starter_code,
            "    fn allow() -> bool {\n        todo!()\n    }"
        );
        assert_eq!(valid.extensions, vec!["Burst", "Distributed"]);
        assert_eq!(valid.status, None);
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let bad = ChallengeInput {
            title: String::new(),
            prompt: "  ".into(),
            skills: vec![],
            difficulty: "6".into(),
            expected_minutes: "241".into(),
            starter_code: "x\u{0}".into(),
            extensions: vec!["fine".into(), "bad\u{7}".into()],
            status: "archived".into(),
            ..ChallengeInput::default()
        };
        let Err(errors) = ValidChallenge::try_from(&bad) else {
            panic!("accepted a bad form");
        };
        for field in [
            "title",
            "prompt",
            "skills",
            "difficulty",
            "expected_minutes",
            "starter_code",
            "extensions.1",
            "status",
        ] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        assert!(errors.get("extensions.0").is_none());
        assert_eq!(
            errors.get("expected_minutes"),
            Some("A challenge is expected to take between 1 and 240 minutes.")
        );
        let words = ChallengeInput {
            expected_minutes: "twenty".into(),
            difficulty: String::new(),
            ..input()
        };
        let Err(errors) = ValidChallenge::try_from(&words) else {
            panic!("accepted words for minutes");
        };
        assert_eq!(
            errors.get("expected_minutes"),
            Some("Enter the expected time in whole minutes, e.g. 20.")
        );
        assert!(errors.get("difficulty").is_some());
    }

    #[test]
    fn extensions_are_bounded() {
        let many = ChallengeInput {
            extensions: (0..=MAX_EXTENSIONS).map(|n| format!("Step {n}")).collect(),
            ..input()
        };
        let Err(errors) = ValidChallenge::try_from(&many) else {
            panic!("accepted too many extensions");
        };
        assert!(errors.get("extensions").is_some());
    }
}
