//! Candidates — external applicants and internal-transfer employees — with their resumes.
//! A candidate can apply to several openings. Owns `candidates`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod parse;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod resume;
#[cfg(feature = "ssr")]
pub mod service;

use crate::users::PersonRef;
use serde::{Deserialize, Serialize};

crate::choice_enum! {
    /// How a candidate came to us.
    pub enum Source("candidate source", "Choose where the candidate came from.") {
        Referral = "referral" / "Referral",
        JobBoard = "job_board" / "Job board",
        Sourced = "sourced" / "Sourced",
        Agency = "agency" / "Agency",
        Internal = "internal" / "Internal transfer",
    }
}

impl Source {
    /// The sources an external candidate can have.
    pub const EXTERNAL: [Self; 4] = [Self::Referral, Self::JobBoard, Self::Sourced, Self::Agency];
}

crate::choice_enum! {
    /// Whether a candidate comes from outside or is an employee moving internally.
    pub enum CandidateKind("candidate kind", "Choose external or internal.") {
        External = "external" / "External",
        Internal = "internal" / "Internal transfer",
    }
}

#[cfg(feature = "ssr")]
crate::text_enum_column!(Source);

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

crate::choice_enum! {
    /// Why an uploaded resume was not stored. The upload redirects back with the code; the
    /// page shows the message for it (never text from the address itself).
    pub enum ResumeProblem("resume problem", "Upload the resume again.") {
        Missing = "missing" / "Choose a PDF file to upload.",
        TooLarge = "too_large" / "The PDF is larger than 5 MB.",
        NotPdf = "not_pdf" / "That file is not a PDF.",
        CutOff = "cut_off" / "The upload was cut off or is too large (5 MB at most).",
    }
}

/// The largest PDF resume accepted.
pub const RESUME_PDF_MAX_BYTES: usize = 5 * 1024 * 1024;

/// What the candidate form sends (new and edit).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CandidateInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    /// `external` or `internal`.
    pub kind: String,
    /// How an external candidate came to us (`referral`, `job_board`, ...).
    pub source: String,
    /// One web address per line.
    pub links: String,
    /// Pasted text or Markdown.
    pub resume_text: String,
    /// Internal candidates: their current role, team, manager (a user id) and start date
    /// (`YYYY-MM-DD`).
    pub current_title: String,
    pub current_team: String,
    pub current_manager_id: String,
    pub start_date: String,
    /// When adding: the id of an opening to apply the new candidate to (empty for none).
    pub apply_to: String,
}
