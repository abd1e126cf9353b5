//! Applications (candidate × opening): the stage they are in, their status, the full stage
//! history, and the board that shows them per stage. Owns `applications` and
//! `application_events`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod views;

use crate::candidates::CandidateDetail;
use crate::interviews::{InterviewLine, LoopCoverage};
use crate::openings::{StageKind, Template};
use serde::{Deserialize, Serialize};

crate::choice_enum! {
    /// Where an application stands.
    pub enum ApplicationStatus("application status", "Choose a status.") {
        Active = "active" / "Active",
        Rejected = "rejected" / "Rejected",
        Withdrawn = "withdrawn" / "Withdrawn",
        Hired = "hired" / "Hired",
    }
}

#[cfg(feature = "ssr")]
crate::text_enum_column!(ApplicationStatus);

/// A stage by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRef {
    pub id: i64,
    pub name: String,
}

/// A card on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardCard {
    pub id: i64,
    pub candidate_id: i64,
    pub candidate_name: String,
    pub is_internal: bool,
    pub status: ApplicationStatus,
    pub days_in_stage: i64,
    /// The next scheduled interview, in the viewer's time zone.
    pub next_interview: Option<String>,
}

/// A column of the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub stage: StageRef,
    pub kind: StageKind,
    pub skip_for_internal: bool,
    /// The cards shown: the longest in the stage first, a column's first few on the whole
    /// board, a page of them when the board shows this stage only.
    pub cards: Vec<BoardCard>,
    /// How many applications match in this stage.
    pub total: i64,
}

/// Cards per column on the whole board.
pub const CARDS_PER_COLUMN: usize = 12;
/// Cards per page when the board shows one stage.
pub const CARDS_PER_STAGE_PAGE: usize = 50;
/// Loop warnings listed on the board.
pub const LOOP_WARNINGS_SHOWN: usize = 20;

/// The board filters (`None` = any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardFilters {
    pub stage: Option<i64>,
    /// The page of the one stage shown (with `stage`).
    pub page: crate::paging::PageNumber,
    /// Defaults to active applications.
    pub status: Option<ApplicationStatus>,
    /// `Some(true)`: internal only; `Some(false)`: external only.
    pub internal: Option<bool>,
}

/// An upcoming interview on the opening page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpcomingInterview {
    pub interview_id: i64,
    pub application_id: i64,
    pub candidate_name: String,
    pub title: String,
    pub when: String,
    pub interviewers: Vec<String>,
}

/// Everything the opening page shows below the opening itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub opening_id: i64,
    pub stages: Vec<StageRef>,
    pub columns: Vec<BoardColumn>,
    pub filters: BoardFilters,
    pub upcoming: Vec<UpcomingInterview>,
    /// Active applications whose loop in the current stage has started and leaves a
    /// required skill area uncovered or owned twice (the first few).
    pub loop_warnings: Vec<(i64, String, Vec<String>)>,
    /// How many applications have loop warnings in all.
    pub loop_warnings_total: usize,
    /// More cards follow in the one stage shown.
    pub more: bool,
}

/// An opening's page: the overview and the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningPageData {
    pub opening: crate::openings::OpeningDetail,
    pub board: Board,
}

/// One entry of an application's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: String,
    pub actor: Option<String>,
    pub text: String,
}

/// The application page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetail {
    pub id: i64,
    pub candidate: CandidateDetail,
    pub opening_id: i64,
    pub opening_title: String,
    pub stage: StageRef,
    pub stage_kind: StageKind,
    pub status: ApplicationStatus,
    pub status_reason: Option<String>,
    pub days_in_stage: i64,
    pub stages: Vec<StageRef>,
    /// Templates of the current stage, to schedule from.
    pub templates: Vec<Template>,
    pub interviews: Vec<InterviewLine>,
    pub coverage: LoopCoverage,
    pub history: Vec<HistoryEntry>,
    /// The internal candidate's current manager is this opening's hiring manager (who
    /// therefore does not see this application).
    pub hidden_from_hiring_manager: bool,
}

/// The board's filter form (a plain GET form; empty means any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BoardQuery {
    /// A stage id.
    pub stage: String,
    /// An application status (default: active).
    pub status: String,
    /// `internal` or `external`.
    pub kind: String,
    /// The page, when one stage is shown.
    pub page: String,
}

impl From<&BoardQuery> for BoardFilters {
    /// Unknown values mean "any", as a hand-edited address should.
    fn from(query: &BoardQuery) -> Self {
        Self {
            stage: query.stage.trim().parse().ok(),
            page: crate::paging::PageNumber::parse(Some(&query.page)),
            status: ApplicationStatus::parse(&query.status).ok(),
            internal: match query.kind.trim() {
                "internal" => Some(true),
                "external" => Some(false),
                _ => None,
            },
        }
    }
}

/// What the "Add to opening" form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplyInput {
    /// The opening's id, as chosen in the picker.
    pub opening_id: String,
}

/// What the "Move to" form on a card sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MoveInput {
    /// The stage's id, as chosen in the picker.
    pub stage_id: String,
}

/// What the status forms send (reject with a reason, withdraw, hire, reopen).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusInput {
    pub status: String,
    /// Required when rejecting.
    pub reason: String,
}
