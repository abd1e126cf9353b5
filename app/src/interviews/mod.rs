//! Interviews: scheduling loops from a stage's templates with interviewers who each own
//! skill areas, the checks that keep a loop sound, rescheduling and cancelling with
//! history, "My interviews" and the interview kit. Owns `interviews`,
//! `interview_assignments` and `assignment_skill_areas`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub(crate) mod repo;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use crate::candidates::CandidateDetail;
use crate::openings::Template;
use crate::skills::SkillRef;
use crate::users::PersonRef;
use crate::values::Checkbox;
use serde::{Deserialize, Serialize};

crate::choice_enum! {
    /// Whether an interview is still on.
    pub enum InterviewStatus("interview status", "Choose a status.") {
        Scheduled = "scheduled" / "Scheduled",
        Cancelled = "cancelled" / "Cancelled",
    }
}

#[cfg(feature = "ssr")]
crate::text_enum_column!(InterviewStatus);

/// The most interviewers one interview may have (and the most rows the form offers).
pub const MAX_INTERVIEWERS: usize = 8;
/// How many interviewer rows the scheduling form shows unless asked for more.
pub const DEFAULT_INTERVIEWER_ROWS: usize = 2;

/// An interviewer in an interview, with the skill areas they own in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub skill_areas: Vec<SkillRef>,
}

/// An interview as lists show it (times in the viewer's zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterviewLine {
    pub id: i64,
    pub title: String,
    pub when: String,
    pub location: String,
    pub cancelled: bool,
    pub cancel_reason: Option<String>,
    pub assignments: Vec<Assignment>,
}

/// How a loop covers the opening's required skill areas.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoopCoverage {
    pub required: Vec<SkillRef>,
    /// Required skill areas nobody in the loop owns.
    pub missing: Vec<SkillRef>,
    /// Skill areas owned by more than one interviewer, with their names.
    pub duplicated: Vec<(SkillRef, Vec<String>)>,
}

impl LoopCoverage {
    /// The problems, as sentences.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings: Vec<String> = self
            .missing
            .iter()
            .map(|s| {
                format!(
                    "Nobody in this loop covers {} (required for this opening).",
                    s.name
                )
            })
            .collect();
        warnings.extend(self.duplicated.iter().map(|(skill, people)| {
            format!(
                "{} is owned by {}: give each interviewer a different skill area.",
                skill.name,
                rules::and_list(people)
            )
        }));
        warnings
    }
}

/// What the scheduling form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleFormData {
    pub application_id: i64,
    pub candidate_name: String,
    pub opening_title: String,
    pub stage_name: String,
    pub template: Option<Template>,
    pub templates: Vec<Template>,
    pub people: Vec<PersonRef>,
    pub skill_areas: Vec<SkillRef>,
    pub timezones: Vec<String>,
    /// Defaults: the scheduler's zone, tomorrow's date, 10:00, and the end from the template.
    pub timezone: String,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    /// The loop so far (interviews in this stage).
    pub current_loop: Vec<InterviewLine>,
    pub coverage: LoopCoverage,
    /// How many interviewer rows the form shows.
    pub rows: usize,
}

/// The interview page for the hiring manager (reschedule, cancel, history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterviewDetail {
    pub line: InterviewLine,
    pub application_id: i64,
    pub candidate_name: String,
    pub opening_title: String,
    pub timezone: String,
    pub timezones: Vec<String>,
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub history: Vec<crate::audit::AuditEntryView>,
    /// Each interviewer's coding challenge and the ones they could get.
    pub challenges: Vec<ChallengeSlot>,
}

/// An interviewer's coding challenge in an interview, and the library's choices for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeSlot {
    pub assignment_id: i64,
    pub interviewer: String,
    /// The skill areas they own, as a list.
    pub skills: String,
    pub current_id: Option<i64>,
    pub current_title: Option<String>,
    /// Active challenges testing one of their skill areas: `(id, label)`.
    pub choices: Vec<(String, String)>,
}

/// What the "give a challenge" form sends (an empty challenge takes it away).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssignChallengeInput {
    pub assignment_id: String,
    pub challenge_id: String,
}

/// One of the user's own interviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyInterview {
    pub interview_id: i64,
    pub title: String,
    pub candidate_name: String,
    pub opening_title: String,
    pub when: String,
    pub location: String,
    pub my_skills: Vec<String>,
    pub cancelled: bool,
    /// Where the viewer's feedback stands (none for a cancelled interview).
    pub feedback: Option<crate::scorecards::Feedback>,
}

/// "My interviews": upcoming first (the next ones), then a page of the past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyInterviews {
    pub timezone: String,
    /// Ended interviews whose scorecard is not submitted, the latest first.
    pub overdue: Vec<MyInterview>,
    pub overdue_more: bool,
    pub upcoming: Vec<MyInterview>,
    /// More upcoming interviews than shown.
    pub upcoming_more: bool,
    pub past: crate::paging::Paged<MyInterview>,
}

/// Everything an interviewer needs to prepare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kit {
    pub interview: InterviewLine,
    pub opening_title: String,
    pub stage_name: String,
    pub candidate: CandidateDetail,
    /// The skill areas the viewer owns in this interview (empty for a manager viewing it).
    pub my_skills: Vec<SkillRef>,
    /// The other interviewers of the loop and what each covers.
    pub others: Vec<Assignment>,
    /// The loop's schedule.
    pub schedule: Vec<InterviewLine>,
}

/// One interviewer row of the scheduling form: who, and which skill areas they own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InterviewerInput {
    /// A user id as chosen in the picker (empty: the row is not used).
    pub user_id: String,
    pub skills: Vec<i64>,
}

/// What the scheduling form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScheduleInput {
    /// The stage's interview template this interview comes from (empty: a free-form one).
    pub template_id: String,
    pub title: String,
    /// `YYYY-MM-DD`, `HH:MM` and `HH:MM` in `timezone` (an IANA name).
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub timezone: String,
    /// A room or a video link.
    pub location: String,
    pub interviewers: Vec<InterviewerInput>,
    /// The scheduler read the loop's warnings and saves anyway.
    pub confirm: Checkbox,
}

/// What the reschedule form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RescheduleInput {
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub timezone: String,
    pub location: String,
}

/// What the cancel form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CancelInput {
    pub reason: String,
}
