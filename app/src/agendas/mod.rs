//! Time-boxed agendas: agenda templates (kept by admins and hiring managers) and each
//! interview's own copy, edited by its hiring manager and interviewers before it starts.
//! Owns `agenda_templates`, `agenda_template_items` and `agenda_items`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;

use crate::values::Checkbox;
use serde::{Deserialize, Serialize};

/// How many blank rows an agenda form offers for new items unless asked for more.
pub const DEFAULT_BLANK_ROWS: usize = 2;
/// The most items an agenda may have.
pub const MAX_ITEMS: usize = 20;

/// One item of an agenda (a template's or an interview's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AgendaItem {
    pub id: i64,
    pub position: i64,
    pub title: String,
    pub minutes: i64,
    pub guidance: String,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "crate::db::Flag"))]
    pub coding: bool,
}

/// An agenda template as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AgendaTemplateSummary {
    pub id: i64,
    pub name: String,
    pub items: i64,
    pub total_minutes: i64,
    /// Interview templates in plans that use it.
    pub used_by: i64,
}

/// An agenda template with its items, for its editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaTemplateData {
    pub id: i64,
    pub name: String,
    pub items: Vec<AgendaItem>,
    /// Blank rows to offer for new items.
    pub blank_rows: usize,
}

/// The assigned coding challenge an agenda's coding item must leave time for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodingNeed {
    pub challenge: String,
    pub expected_minutes: i64,
}

/// An interview's agenda, for its editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaEditorData {
    pub interview_id: i64,
    pub title: String,
    pub candidate_name: String,
    pub when: String,
    pub duration_minutes: i64,
    pub items: Vec<AgendaItem>,
    pub blank_rows: usize,
    /// Templates to start from: `(id, "name (n min)")`.
    pub templates: Vec<(String, String)>,
    /// The live clock has started: the agenda can no longer change.
    pub started: bool,
    pub cancelled: bool,
    /// The longest challenge assigned in this interview.
    pub coding: Option<CodingNeed>,
}

/// One row of an agenda form. A row left entirely blank is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgendaItemInput {
    pub title: String,
    /// Whole minutes, as typed.
    pub minutes: String,
    pub guidance: String,
    pub coding: Checkbox,
    /// Where the item goes (a number; rows are sorted by it).
    pub order: String,
    pub remove: Checkbox,
}

/// What an interview's agenda form sends: every row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgendaInput {
    pub items: Vec<AgendaItemInput>,
}

/// What an agenda template's form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgendaTemplateInput {
    pub name: String,
    pub items: Vec<AgendaItemInput>,
}

/// What the "start from a template" form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UseTemplateInput {
    pub template_id: String,
}

/// The warnings an agenda editor shows (a coding item too short for its challenge, a total
/// over the duration).
pub fn service_warnings(d: &AgendaEditorData) -> Vec<String> {
    let mut warnings = Vec::new();
    let total = rules::total(d.items.iter().map(|i| &i.minutes));
    if let rules::Balance::Over(n) = rules::balance(total, d.duration_minutes) {
        warnings.push(format!(
            "The agenda is {n} minutes longer than the interview ({} minutes).",
            d.duration_minutes
        ));
    }
    if let Some(need) = &d.coding {
        let coding_minutes = d.items.iter().find(|i| i.coding).map(|i| i.minutes);
        warnings.extend(rules::shortfall_warning(
            &need.challenge,
            need.expected_minutes,
            coding_minutes,
        ));
    }
    warnings
}
