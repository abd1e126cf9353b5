//! Openings (roles being hired for), their required skill areas and their interview plans:
//! ordered stages, interview templates in interview stages, and which stages internal
//! candidates skip. Owns `openings`, `opening_skill_areas`, `stages`,
//! `interview_templates` and `template_skill_areas`.

pub mod api;
pub mod pages;
pub mod plan;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::skills::{SkillArea, SkillRef};
use crate::users::PersonRef;
use crate::values::Checkbox;
use serde::{Deserialize, Serialize};

crate::choice_enum! {
    /// Where an opening is in its life.
    pub enum OpeningStatus("opening status", "Choose a status: draft, open, on hold or closed.") {
        Draft = "draft" / "Draft",
        Open = "open" / "Open",
        OnHold = "on_hold" / "On hold",
        Closed = "closed" / "Closed",
    }
}

crate::choice_enum! {
    /// What happens in a stage of the plan.
    pub enum StageKind("stage kind", "Choose what happens in this stage.") {
        /// Someone reads the application; no interviews.
        Review = "review" / "Review",
        /// Interviews are scheduled from the stage's templates.
        Interview = "interview" / "Interviews",
        /// The team meets to decide.
        Debrief = "debrief" / "Debrief",
        Offer = "offer" / "Offer",
    }
}

crate::choice_enum! {
    /// Which way a stage moves in the plan.
    pub enum Direction("direction", "Choose up or down.") {
        Up = "up" / "Up",
        Down = "down" / "Down",
    }
}

#[cfg(feature = "ssr")]
crate::text_enum_column!(OpeningStatus, StageKind);

/// An interview in an interview stage's template list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: i64,
    pub name: String,
    pub duration_minutes: i64,
    pub skill_areas: Vec<SkillRef>,
    /// The agenda template each interview scheduled from it starts with.
    #[serde(default)]
    pub agenda: Option<(i64, String)>,
}

/// A stage of the interview plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: i64,
    pub position: i64,
    pub name: String,
    pub kind: StageKind,
    pub skip_for_internal: bool,
    pub templates: Vec<Template>,
}

/// A line of the openings list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningSummary {
    pub id: i64,
    pub title: String,
    pub team: String,
    pub level: String,
    pub location: String,
    pub status: OpeningStatus,
    pub hiring_manager: String,
    /// Active applications the viewer may see.
    pub active_candidates: i64,
}

/// An opening with its plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningDetail {
    pub id: i64,
    pub title: String,
    pub team: String,
    pub level: String,
    pub location: String,
    pub status: OpeningStatus,
    pub description: String,
    /// The description rendered and sanitised.
    pub description_html: String,
    pub hiring_manager_id: i64,
    pub hiring_manager: String,
    pub required_skills: Vec<SkillRef>,
    pub stages: Vec<Stage>,
    /// Required skill areas that no interview template of the plan covers.
    pub uncovered_by_plan: Vec<SkillRef>,
}

/// What the opening form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningFormData {
    pub opening: Option<OpeningDetail>,
    pub managers: Vec<PersonRef>,
    /// Admins pick any hiring manager; hiring managers open roles for themselves.
    pub can_choose_manager: bool,
    pub me: i64,
    pub skill_areas: Vec<SkillArea>,
}

/// What the plan editor needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanData {
    pub opening: OpeningDetail,
    pub skill_areas: Vec<SkillArea>,
    /// Other openings the viewer manages, to copy a plan from.
    pub copy_sources: Vec<PersonRef>,
    /// The plan has no stages yet, so a plan can be copied into it.
    pub can_copy: bool,
    /// Agenda templates to choose for an interview: `(id, "name (n min)")`.
    pub agendas: Vec<(String, String)>,
}

/// What the opening form sends (new and edit).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpeningInput {
    pub title: String,
    pub team: String,
    pub level: String,
    pub location: String,
    /// Markdown.
    pub description: String,
    /// A user id, as chosen in the picker.
    pub hiring_manager_id: String,
    /// `draft`, `open`, `on_hold` or `closed`.
    pub status: String,
    /// The required skill areas.
    pub skills: Vec<i64>,
}

/// What the form for a new stage sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StageInput {
    pub name: String,
    /// `review`, `interview`, `debrief` or `offer`.
    pub kind: String,
    pub skip_for_internal: Checkbox,
}

/// What a stage's own form sends (what happens in a stage does not change once it exists).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StageUpdateInput {
    pub name: String,
    pub skip_for_internal: Checkbox,
}

/// What the form for an interview template in a stage sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateInput {
    pub name: String,
    /// Whole minutes, as typed.
    pub duration_minutes: String,
    pub skills: Vec<i64>,
    /// The agenda template's id as chosen (empty: none).
    pub agenda_template_id: String,
}

/// What the "copy a plan" form sends: the opening to copy from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CopyPlanInput {
    pub source_id: String,
}

/// What the "agenda of a plan interview" form sends (empty: no agenda).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateAgendaInput {
    pub agenda_template_id: String,
}
