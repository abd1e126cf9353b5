//! Openings (roles being hired for), their required skill areas and their interview plans:
//! ordered stages, interview templates in interview stages, and which stages internal
//! candidates skip. Owns `openings`, `opening_skill_areas`, `stages`,
//! `interview_templates` and `template_skill_areas`.

pub mod api;
pub mod pages;
pub mod plan;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::skills::SkillArea;
use serde::{Deserialize, Serialize};

/// Where an opening is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpeningStatus {
    Draft,
    Open,
    OnHold,
    Closed,
}

impl OpeningStatus {
    pub const ALL: [Self; 4] = [Self::Draft, Self::Open, Self::OnHold, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::OnHold => "on_hold",
            Self::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Open => "Open",
            Self::OnHold => "On hold",
            Self::Closed => "Closed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or_else(|| "Choose a status: draft, open, on hold or closed.".to_owned())
    }
}

/// What happens in a stage of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StageKind {
    /// Someone reads the application; no interviews.
    Review,
    /// Interviews are scheduled from the stage's templates.
    Interview,
    /// The team meets to decide.
    Debrief,
    Offer,
}

impl StageKind {
    pub const ALL: [Self; 4] = [Self::Review, Self::Interview, Self::Debrief, Self::Offer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Review => "review",
            Self::Interview => "interview",
            Self::Debrief => "debrief",
            Self::Offer => "offer",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Review => "Review",
            Self::Interview => "Interviews",
            Self::Debrief => "Debrief",
            Self::Offer => "Offer",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or_else(|| "Choose what happens in this stage.".to_owned())
    }
}

/// A skill area by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillRef {
    pub id: i64,
    pub name: String,
}

/// An interview in an interview stage's template list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: i64,
    pub name: String,
    pub duration_minutes: i64,
    pub skill_areas: Vec<SkillRef>,
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

/// A person who can be picked (hiring manager, interviewer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub id: i64,
    pub name: String,
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
    /// Applications exist, so stages cannot be replaced wholesale.
    pub has_applications: bool,
}
