//! Structured feedback: one scorecard per interviewer per interview — a rating with
//! evidence for each skill area the interviewer owns, the opening's questions, an overall
//! recommendation — drafted (the live-mode notes land here), submitted, amended, every
//! version kept. Interviewers read no other scorecard of an application before their own
//! are in. Owns `scorecards`, `scorecard_versions`, `scorecard_questions` and
//! `feedback_topics`.

pub mod api;
#[cfg(feature = "hydrate")]
pub mod autosave;
pub mod check;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use crate::values::Checkbox;
use serde::{Deserialize, Serialize};

/// The longest evidence for one rating, and the longest of any other text, in characters.
pub const MAX_EVIDENCE: usize = 5_000;
pub const MAX_TEXT: usize = 20_000;
/// The most questions an opening's scorecard has.
pub const MAX_QUESTIONS: usize = 12;

crate::choice_enum! {
    /// A rating on the four-point scale, with no neutral middle.
    pub enum Rating("rating", "Choose Strong no, No, Yes or Strong yes.") {
        StrongNo = "strong_no" / "Strong no",
        No = "no" / "No",
        Yes = "yes" / "Yes",
        StrongYes = "strong_yes" / "Strong yes",
    }
}

impl Rating {
    /// The rating's step on the scale, 1 (Strong no) to 4 (Strong yes).
    pub fn step(self) -> i64 {
        match self {
            Self::StrongNo => 1,
            Self::No => 2,
            Self::Yes => 3,
            Self::StrongYes => 4,
        }
    }

    /// Yes or Strong yes.
    pub fn is_positive(self) -> bool {
        self.step() >= 3
    }

    /// The style class of the rating (the label is always shown too).
    pub fn class(self) -> &'static str {
        match self {
            Self::StrongNo => "rating strong-no",
            Self::No => "rating no",
            Self::Yes => "rating yes",
            Self::StrongYes => "rating strong-yes",
        }
    }
}

crate::choice_enum! {
    /// Where a scorecard stands.
    pub enum ScorecardStatus("scorecard status", "Choose a status.") {
        Draft = "draft" / "Draft",
        Submitted = "submitted" / "Submitted",
        /// Submitted, then amended at least once.
        Amended = "amended" / "Amended",
    }
}

#[cfg(feature = "ssr")]
crate::text_enum_column!(Rating, ScorecardStatus);

impl ScorecardStatus {
    /// Submitted at least once.
    pub fn is_in(self) -> bool {
        self != Self::Draft
    }
}

/// A rating of one skill area with the evidence behind it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SkillEntry {
    pub skill_area_id: i64,
    pub skill_area: String,
    pub rating: Option<Rating>,
    pub evidence: String,
}

/// An answer to one of the opening's scorecard questions. Behavioural questions are answered
/// as situation, task, action and result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnswerEntry {
    pub question_id: i64,
    pub prompt: String,
    pub behavioural: bool,
    pub answer: String,
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
}

impl AnswerEntry {
    /// The answer's texts with what each is, for the feedback check.
    pub fn parts(&self) -> [(&'static str, &str); 5] {
        [
            ("answer", &self.answer),
            ("situation", &self.situation),
            ("task", &self.task),
            ("action", &self.action),
            ("result", &self.result),
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.parts().iter().all(|(_, text)| text.trim().is_empty())
    }
}

/// What a scorecard says: the draft, and each submitted version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScorecardContent {
    pub skills: Vec<SkillEntry>,
    pub answers: Vec<AnswerEntry>,
    pub overall: Option<Rating>,
    /// Things in the resume that did not add up, and how they were explained.
    pub resume_gaps: String,
    /// The questions the candidate asked.
    pub candidate_questions: String,
    /// Notes from the interview (live mode's notes start here).
    pub notes: String,
    /// For the hiring manager only.
    pub private_note: String,
}

/// One skill-area row of the scorecard form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SkillInput {
    pub skill_area_id: String,
    pub rating: String,
    pub evidence: String,
}

/// One question of the scorecard form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnswerInput {
    pub question_id: String,
    pub answer: String,
    pub situation: String,
    pub task: String,
    pub action: String,
    pub result: String,
}

crate::choice_enum! {
    /// What a scorecard form post asks for.
    pub enum Intent("action", "Choose save or submit.") {
        /// Saved by the page while typing.
        Autosave = "autosave" / "Autosave",
        Draft = "draft" / "Save draft",
        Submit = "submit" / "Submit scorecard",
    }
}

/// What the scorecard form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScorecardInput {
    /// The draft's revision the form was loaded with (0: none saved yet).
    pub revision: String,
    pub intent: String,
    pub skills: Vec<SkillInput>,
    pub answers: Vec<AnswerInput>,
    pub overall: String,
    pub resume_gaps: String,
    pub candidate_questions: String,
    pub notes: String,
    pub private_note: String,
    /// Submit although the feedback check warned.
    pub acknowledge: Checkbox,
}

/// The answer to a save: the draft's new revision and when it was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorecardSaved {
    pub revision: i64,
    pub saved_at: String,
    pub submitted: bool,
}

/// A submitted version as readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub version: i64,
    pub submitted_at: String,
    pub content: ScorecardContent,
    pub warnings: Vec<String>,
    /// Submitted after the debrief of its stage began (an amendment).
    pub after_debrief: bool,
}

/// Another interviewer's scorecard in the same application, for the list beside one's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorecardLink {
    pub id: i64,
    pub interviewer: String,
    pub interview_title: String,
    pub status: ScorecardStatus,
}

/// The interviewer's own scorecard page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorecardPage {
    pub interview_id: i64,
    pub interview_title: String,
    pub candidate_name: String,
    pub opening_title: String,
    pub when: String,
    /// Submission is possible once the interview has begun.
    pub begun: bool,
    pub overdue: bool,
    pub status: ScorecardStatus,
    pub revision: i64,
    /// The draft (or, before the first save, one started from the live-mode notes).
    pub draft: ScorecardContent,
    /// The draft differs from the last submitted version.
    pub unsubmitted_changes: bool,
    /// What the feedback check says about the draft.
    pub warnings: Vec<String>,
    /// The live-mode notes, item by item.
    pub live_notes: Vec<(String, String)>,
    pub versions: Vec<VersionView>,
    /// Readable once all of the viewer's own scorecards in the application are in.
    pub others: Vec<ScorecardLink>,
}

/// A scorecard as a reader sees it (every version, newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorecardRead {
    pub id: i64,
    pub interviewer: String,
    pub interview_title: String,
    pub candidate_name: String,
    pub application_id: i64,
    pub when: String,
    pub status: ScorecardStatus,
    pub versions: Vec<VersionView>,
    /// The reader manages the application (private notes are shown to them only).
    pub manages: bool,
}

/// One of an opening's scorecard questions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: i64,
    pub prompt: String,
    pub behavioural: bool,
}

/// One row of the questions form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuestionInput {
    /// The question's id (empty: a new one).
    pub id: String,
    pub prompt: String,
    pub behavioural: Checkbox,
}

/// What the questions form sends (blank rows are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuestionsInput {
    pub questions: Vec<QuestionInput>,
}

/// An opening's scorecard questions, for its editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionsPage {
    pub opening_id: i64,
    pub opening_title: String,
    pub questions: Vec<Question>,
}

/// A topic the feedback check warns about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    pub name: String,
    pub terms: Vec<String>,
}

/// What the feedback-check form sends: one topic per line, `Name: term, term`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TopicsInput {
    pub topics: String,
}

/// An interviewer's feedback on one interview, as lists show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Feedback {
    /// The interview has not ended and nothing is submitted.
    NotDue,
    /// Ended, not submitted: overdue.
    Overdue,
    Submitted,
}

impl Feedback {
    /// From the interview's end, the scorecard's status and the time now.
    pub fn of(ends_at: i64, status: Option<ScorecardStatus>, now: i64) -> Self {
        match status {
            Some(s) if s.is_in() => Self::Submitted,
            _ if ends_at <= now => Self::Overdue,
            _ => Self::NotDue,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotDue => "Feedback after the interview",
            Self::Overdue => "Feedback overdue",
            Self::Submitted => "Feedback submitted",
        }
    }
}
