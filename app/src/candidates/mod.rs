//! Candidates — external applicants and internal-transfer employees — with their resumes.
//! A candidate can apply to several openings. Owns `candidates`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod resume;
#[cfg(feature = "ssr")]
pub mod service;

use crate::openings::PersonRef;
use serde::{Deserialize, Serialize};

/// How a candidate came to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    Referral,
    JobBoard,
    Sourced,
    Agency,
    Internal,
}

impl Source {
    /// The sources an external candidate can have.
    pub const EXTERNAL: [Self; 4] = [Self::Referral, Self::JobBoard, Self::Sourced, Self::Agency];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Referral => "referral",
            Self::JobBoard => "job_board",
            Self::Sourced => "sourced",
            Self::Agency => "agency",
            Self::Internal => "internal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Referral => "Referral",
            Self::JobBoard => "Job board",
            Self::Sourced => "Sourced",
            Self::Agency => "Agency",
            Self::Internal => "Internal transfer",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        [
            Self::Referral,
            Self::JobBoard,
            Self::Sourced,
            Self::Agency,
            Self::Internal,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw.trim())
        .ok_or_else(|| "Choose where the candidate came from.".to_owned())
    }
}

/// What the debrief and the kit show about an internal candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternalContext {
    pub current_title: String,
    pub current_team: String,
    pub current_manager_id: i64,
    pub current_manager: String,
    /// `YYYY-MM-DD`
    pub start_date: String,
    /// "3 years, 2 months"
    pub tenure: String,
}

/// One of a candidate's applications, as its viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateApplication {
    pub id: i64,
    pub opening_id: i64,
    pub opening_title: String,
    pub stage: String,
    pub status: String,
}

/// A candidate's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateDetail {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub source: Source,
    pub links: Vec<String>,
    pub resume_text: String,
    pub resume_html: String,
    /// File name and size of the uploaded PDF resume.
    pub resume_pdf: Option<(String, i64)>,
    pub internal: Option<InternalContext>,
    pub applications: Vec<CandidateApplication>,
    pub can_edit: bool,
    /// Openings the viewer manages that the candidate has not applied to yet.
    pub can_apply_to: Vec<PersonRef>,
}

/// A line of the candidate search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub is_internal: bool,
    pub source: Source,
}

/// What the candidate form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateFormData {
    pub candidate: Option<CandidateDetail>,
    /// People who can be an internal candidate's current manager.
    pub people: Vec<PersonRef>,
    /// Openings the viewer manages (to apply the new candidate to).
    pub openings: Vec<PersonRef>,
}

/// The result of adding a candidate: a new record, or the one that already has the email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreateOutcome {
    Created { id: i64 },
    Existing { id: i64, name: String },
}

/// The largest PDF resume accepted.
pub const RESUME_PDF_MAX_BYTES: usize = 5 * 1024 * 1024;
