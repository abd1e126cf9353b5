//! The debrief: per application and stage, the hiring manager schedules it, runs it from one
//! page — every scorecard side by side, where ratings disagree, which required skill areas
//! have no evidence — and records the decision and why. Owns `debriefs`,
//! `debrief_participants` and `debrief_decisions`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use crate::applications::{ApplicationStatus, StageRef};
use crate::candidates::InternalContext;
use crate::scorecards::{Feedback, Rating, VersionView};
use serde::{Deserialize, Serialize};

/// The longest rationale or override reason, in characters.
pub const MAX_RATIONALE: usize = 5_000;

crate::choice_enum! {
    /// Where a debrief stands.
    pub enum DebriefStatus("debrief status", "Choose a status.") {
        Scheduled = "scheduled" / "Scheduled",
        /// A decision has been recorded.
        Held = "held" / "Held",
    }
}

crate::choice_enum! {
    /// What the debrief decides.
    pub enum Decision("decision", "Choose advance, hire, no hire or hold.") {
        Advance = "advance" / "Advance to a next stage",
        Hire = "hire" / "Hire",
        NoHire = "no_hire" / "No hire",
        Hold = "hold" / "Hold",
    }
}

#[cfg(feature = "ssr")]
crate::text_enum_column!(DebriefStatus, Decision);

/// What the debrief scheduling form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DebriefInput {
    pub stage_id: String,
    /// `YYYY-MM-DD`, `HH:MM` and `HH:MM` in `timezone`.
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub timezone: String,
    pub location: String,
    /// User ids.
    pub participants: Vec<i64>,
}

/// What the decision form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    /// How many decisions the decider had seen (a newer one means someone decided meanwhile).
    pub seen: String,
    pub decision: String,
    /// For "advance": the stage to move to.
    pub to_stage_id: String,
    pub rationale: String,
    /// Deciding although a required skill area has no submitted evidence.
    pub override_reason: String,
}

/// Someone who may take part in a debrief, for the scheduling form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub user_id: i64,
    pub name: String,
    /// Interviewed in the stage (checked by default).
    pub in_stage: bool,
}

/// A scheduled debrief, as the application page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebriefLine {
    pub id: i64,
    pub stage_name: String,
    pub when: String,
    pub status: DebriefStatus,
    /// The standing decision.
    pub decision: Option<String>,
}

/// One interviewer's feedback on one interview, for the application page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackLine {
    pub interview_title: String,
    pub stage_name: String,
    pub interviewer: String,
    pub feedback: Feedback,
    /// The scorecard, once submitted.
    pub scorecard_id: Option<i64>,
}

/// The application page's "Feedback and debriefs" part, and the scheduling form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackOverview {
    pub application_id: i64,
    pub feedback: Vec<FeedbackLine>,
    pub debriefs: Vec<DebriefLine>,
    /// Stages with interviews (a debrief is per stage).
    pub stages: Vec<StageRef>,
    pub people: Vec<Candidate>,
    pub timezone: String,
}

/// A rating in the matrix, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub rating: Rating,
    pub evidence: String,
}

/// One interviewer's column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub scorecard_id: i64,
    pub interviewer: String,
    pub interview_title: String,
    pub overall: Rating,
    pub submitted_at: String,
    /// Amended after the debrief began.
    pub amended_after_debrief: bool,
    /// The check's warnings on the standing version.
    pub warnings: Vec<String>,
    /// Every version, newest first.
    pub versions: Vec<VersionView>,
}

/// A skill area's row of the matrix: one cell per column (None: not rated by them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub skill_area: String,
    pub required: bool,
    pub cells: Vec<Option<Cell>>,
    /// Ratings two or more steps apart.
    pub disagreement: Option<String>,
}

/// A decision as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    pub number: i64,
    pub decision: Decision,
    pub to_stage: Option<String>,
    pub rationale: String,
    pub override_reason: Option<String>,
    pub decided_by: String,
    pub decided_at: String,
}

/// A participant and whether their feedback is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub name: String,
    /// Interviewed in this stage.
    pub interviewer: bool,
    pub submitted: bool,
}

/// The debrief page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebriefData {
    pub id: i64,
    pub application_id: i64,
    pub candidate_name: String,
    pub opening_title: String,
    pub stage_name: String,
    pub when: String,
    pub location: String,
    pub status: DebriefStatus,
    pub application_status: ApplicationStatus,
    pub current_stage: String,
    pub participants: Vec<Participant>,
    /// For internal candidates: current role and team, tenure, and the track used.
    pub internal: Option<InternalContext>,
    pub track: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub overall_disagreement: Option<String>,
    /// "Ivan Interviewer (Technical deep dive)": feedback not in yet.
    pub waiting_for: Vec<String>,
    /// Required skill areas with no submitted evidence.
    pub coverage_gaps: Vec<String>,
    pub decisions: Vec<DecisionView>,
    /// Stages a decision may advance to.
    pub advance_to: Vec<StageRef>,
    /// The viewer is the hiring manager or an admin: may decide, reads private notes.
    pub manages: bool,
}
