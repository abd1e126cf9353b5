//! The coding-challenge library: prompts that start simple and extend, with an
//! interviewer-only rubric, kept by admins and hiring managers, rated after each use and
//! retired when they stop telling anything. Owns `challenges`, `challenge_skill_areas` and
//! `challenge_extensions` (and reads the ratings interviewers leave on their assignments).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::paging::{PageNumber, Paged};
use crate::skills::{SkillArea, SkillRef};
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;

crate::choice_enum! {
    /// Whether a challenge is offered for new interviews.
    pub enum ChallengeStatus("challenge status", "Choose a status: active or retired.") {
        Active = "active" / "Active",
        Retired = "retired" / "Retired",
    }
}

#[cfg(feature = "ssr")]
crate::text_enum_column!(ChallengeStatus);

/// Difficulties, from a warm-up (1) to the hardest (5).
pub const DIFFICULTY_RANGE: RangeInclusive<i64> = 1..=5;
/// How long a challenge may be expected to take (whole minutes).
pub const MINUTES_RANGE: RangeInclusive<i64> = 1..=240;
/// The most follow-up steps one challenge has (and the most rows the form offers).
pub const MAX_EXTENSIONS: usize = 10;
/// How many extension rows the form shows unless asked for more.
pub const DEFAULT_EXTENSION_ROWS: usize = 3;
/// Challenges per page of the library.
pub const CHALLENGES_PAGE_SIZE: usize = 25;
/// Rating notes shown on a challenge's page.
pub const RECENT_NOTES: usize = 10;
/// Ratings a challenge needs before its average can suggest retiring it.
pub const RETIRE_MIN_RATINGS: i64 = 5;

/// A challenge as lists and pickers show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeSummary {
    pub id: i64,
    pub title: String,
    pub difficulty: i64,
    pub expected_minutes: i64,
    pub status: ChallengeStatus,
    pub skill_areas: Vec<SkillRef>,
}

/// A challenge with everything an interviewer needs, raw (for the form) and rendered as
/// sanitised HTML (for reading). The rubric and hints are for interviewers only: whoever
/// shows them holds the proof that the viewer may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeDetail {
    pub summary: ChallengeSummary,
    /// Markdown, as typed.
    pub prompt: String,
    pub prompt_html: String,
    /// The follow-up steps in order, as typed.
    pub extensions: Vec<String>,
    pub extensions_html: Vec<String>,
    pub starter_code: String,
    pub rubric: String,
    pub rubric_html: String,
    pub hints: String,
    pub hints_html: String,
    /// Who wrote it (`None` once their account is gone).
    pub author: Option<String>,
}

/// How often a challenge was used and how its interviewers rated it afterwards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effectiveness {
    /// Interviewer assignments with the challenge in interviews that are not cancelled.
    pub uses: i64,
    pub ratings: i64,
    /// The sum of the ratings (1–5 each), so that the average stays exact.
    pub rating_sum: i64,
}

impl Effectiveness {
    /// The average rating in tenths, rounded half up (34 for 3.4), if rated at all.
    pub fn average_tenths(&self) -> Option<i64> {
        (self.ratings > 0).then(|| (self.rating_sum * 20 + self.ratings) / (2 * self.ratings))
    }

    /// The average with one decimal ("3.4"), or a dash when nobody rated it.
    pub fn average_text(&self) -> String {
        self.average_tenths()
            .map_or_else(|| "–".to_owned(), |t| format!("{}.{}", t / 10, t % 10))
    }
}

/// When to suggest retiring a challenge: it is active, has at least
/// [`RETIRE_MIN_RATINGS`] ratings, and they average below 2.5. The sentence says why.
pub fn retire_suggestion(status: ChallengeStatus, effect: &Effectiveness) -> Option<String> {
    // average < 2.5  ⇔  sum / n < 5 / 2  ⇔  2 · sum < 5 · n (exact, no rounding).
    let weak = 2 * effect.rating_sum < 5 * effect.ratings;
    (status == ChallengeStatus::Active && effect.ratings >= RETIRE_MIN_RATINGS && weak).then(|| {
        format!(
            "Consider retiring this challenge: its {} ratings average {} out of 5, so it no longer tells interviewers much.",
            effect.ratings,
            effect.average_text()
        )
    })
}

/// How the candidates who got a challenge fared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcomes {
    /// Distinct applications that got it.
    pub candidates: i64,
    /// Of those, how many moved past the (latest) stage they got it in, or were hired.
    pub advanced: i64,
    pub hired: i64,
}

/// An interviewer's rating of a challenge with their note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingNote {
    pub rating: i64,
    pub note: String,
    /// The day it was rated, in the viewer's time zone.
    pub date: String,
}

/// What the challenge's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengePageData {
    pub challenge: ChallengeDetail,
    pub effectiveness: Effectiveness,
    pub outcomes: Outcomes,
    /// The most recent notes, newest first (at most [`RECENT_NOTES`]).
    pub notes: Vec<RatingNote>,
    pub retire_suggestion: Option<String>,
}

/// A line of the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeLine {
    pub summary: ChallengeSummary,
    pub effectiveness: Effectiveness,
}

/// The library's filters in the address (`?q=…&skill=…&difficulty=…&status=…&page=…`), as
/// typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChallengeQuery {
    /// Words to find in titles and prompts.
    pub q: String,
    /// A skill area id.
    pub skill: String,
    /// 1 to 5.
    pub difficulty: String,
    /// `active` (the default), `retired` or `all`.
    pub status: String,
    pub page: String,
}

/// The longest search text taken from the address (the rest is ignored).
pub const SEARCH_MAX: usize = 200;

/// The library's filters once read (`None` = any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeFilters {
    pub text: String,
    pub skill: Option<i64>,
    pub difficulty: Option<i64>,
    /// `None`: active and retired ones.
    pub status: Option<ChallengeStatus>,
    pub page: PageNumber,
}

impl From<&ChallengeQuery> for ChallengeFilters {
    /// Unknown values mean "any", as a hand-edited address should; the status defaults to
    /// active challenges.
    fn from(query: &ChallengeQuery) -> Self {
        Self {
            text: query.q.trim().chars().take(SEARCH_MAX).collect(),
            skill: query.skill.trim().parse().ok(),
            difficulty: query
                .difficulty
                .trim()
                .parse()
                .ok()
                .filter(|d| DIFFICULTY_RANGE.contains(d)),
            status: match query.status.trim() {
                "all" => None,
                other => Some(ChallengeStatus::parse(other).unwrap_or(ChallengeStatus::Active)),
            },
            page: PageNumber::parse(Some(&query.page)),
        }
    }
}

impl ChallengeFilters {
    /// Whether the filters leave out more than retired challenges.
    pub fn narrows(&self) -> bool {
        !self.text.is_empty()
            || self.skill.is_some()
            || self.difficulty.is_some()
            || self.status != Some(ChallengeStatus::Active)
    }
}

/// What the library page needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeListData {
    pub challenges: Paged<ChallengeLine>,
    pub filters: ChallengeFilters,
    /// Every skill area, for the filter.
    pub skill_areas: Vec<SkillArea>,
}

/// What the new or edit challenge form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeFormData {
    pub challenge: Option<ChallengeDetail>,
    pub skill_areas: Vec<SkillArea>,
    /// How many extension rows to show.
    pub rows: usize,
}

/// What the challenge form sends (new and edit).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChallengeInput {
    pub title: String,
    /// Markdown.
    pub prompt: String,
    pub skills: Vec<i64>,
    /// 1 to 5, as chosen.
    pub difficulty: String,
    /// Whole minutes, as typed.
    pub expected_minutes: String,
    pub starter_code: String,
    /// The extension rows in order (Markdown); empty rows are left out.
    pub extensions: Vec<String>,
    /// Markdown, for interviewers only.
    pub rubric: String,
    /// Markdown, for interviewers only.
    pub hints: String,
    /// `active` or `retired`; empty keeps the current status (active for a new challenge).
    pub status: String,
}

/// How a difficulty reads in the picker and on the page ("1 – warm-up", "3").
pub fn difficulty_label(difficulty: i64) -> String {
    match difficulty {
        1 => "1 – warm-up".to_owned(),
        5 => "5 – hardest".to_owned(),
        d => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rated(ratings: i64, rating_sum: i64) -> Effectiveness {
        Effectiveness {
            uses: ratings + 2,
            ratings,
            rating_sum,
        }
    }

    #[test]
    fn averages_have_one_decimal_rounded_half_up() {
        assert_eq!(rated(0, 0).average_text(), "–");
        assert_eq!(rated(3, 10).average_text(), "3.3");
        assert_eq!(rated(3, 11).average_text(), "3.7");
        assert_eq!(rated(4, 9).average_text(), "2.3");
        assert_eq!(rated(2, 5).average_text(), "2.5");
        assert_eq!(rated(1, 5).average_text(), "5.0");
    }

    #[test]
    fn retiring_is_suggested_for_well_rated_weak_active_challenges_only() {
        use ChallengeStatus::{Active, Retired};
        // Five ratings averaging 2.4: suggested, with the numbers.
        let message = retire_suggestion(Active, &rated(5, 12)).expect("suggested");
        assert!(
            message.starts_with("Consider retiring this challenge:")
                && message.contains("5 ratings average 2.4"),
            "{message}"
        );
        // Exactly 2.5 is not below 2.5.
        assert_eq!(retire_suggestion(Active, &rated(6, 15)), None);
        // Too few ratings to tell, however bad.
        assert_eq!(retire_suggestion(Active, &rated(4, 4)), None);
        assert_eq!(retire_suggestion(Active, &rated(0, 0)), None);
        // Already retired.
        assert_eq!(retire_suggestion(Retired, &rated(5, 5)), None);
        assert!(retire_suggestion(Active, &rated(20, 49)).is_some());
    }

    #[test]
    fn filters_from_the_address_are_forgiving() {
        let filters = ChallengeFilters::from(&ChallengeQuery {
            q: "  rate limiter ".into(),
            skill: "7".into(),
            difficulty: "9".into(),
            status: "bogus".into(),
            page: "2".into(),
        });
        assert_eq!(filters.text, "rate limiter");
        assert_eq!(filters.skill, Some(7));
        assert_eq!(filters.difficulty, None);
        assert_eq!(filters.status, Some(ChallengeStatus::Active));
        assert_eq!(filters.page.number(), 2);
        let all = ChallengeFilters::from(&ChallengeQuery {
            status: "all".into(),
            difficulty: "3".into(),
            ..ChallengeQuery::default()
        });
        assert_eq!((all.status, all.difficulty), (None, Some(3)));
        let retired = ChallengeFilters::from(&ChallengeQuery {
            status: "retired".into(),
            ..ChallengeQuery::default()
        });
        assert_eq!(retired.status, Some(ChallengeStatus::Retired));
    }
}
