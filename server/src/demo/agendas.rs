//! The demo's agenda templates: the standard 45-minute technical interview, and a
//! 60-minute one for deep dives.

use super::{app_error, planner};
use anyhow::Context;
use app::agendas::{AgendaItemInput, AgendaTemplateInput};
use app::db::Db;
use app::values::Checkbox;

/// The name of the standard 45-minute agenda.
pub const STANDARD: &str = "Technical interview (45 minutes)";
/// The name of the 60-minute agenda.
pub const LONG: &str = "Technical deep dive (60 minutes)";

/// `(title, minutes, guidance, coding)`.
type Item = (&'static str, i64, &'static str, bool);

const STANDARD_ITEMS: &[Item] = &[
    (
        "Welcome and a break offer",
        2,
        "Introduce yourself, offer water or a break, say how the time is spent.",
        false,
    ),
    (
        "The role and the team",
        5,
        "What the team does and why this role matters; keep it short.",
        false,
    ),
    (
        "Resume deep-dive",
        18,
        "Specific questions about their projects: what they did, what they would change.",
        false,
    ),
    (
        "Coding challenge",
        15,
        "Start simple, then extend if they finish early. Ask them to think aloud.",
        true,
    ),
    (
        "Candidate's questions",
        5,
        "Their questions are worth writing down; close warmly with the next steps.",
        false,
    ),
];

const LONG_ITEMS: &[Item] = &[
    (
        "Welcome and a break offer",
        2,
        "Introduce yourself, offer water or a break, say how the time is spent.",
        false,
    ),
    (
        "The role and the team",
        5,
        "What the team does and why this role matters; keep it short.",
        false,
    ),
    (
        "Resume deep-dive",
        20,
        "Go deep on one system they built: data, failure modes, trade-offs.",
        false,
    ),
    (
        "Coding challenge",
        25,
        "Start simple, then extend. Leave room for the conversation it starts.",
        true,
    ),
    (
        "Candidate's questions",
        8,
        "Their questions are worth writing down; close warmly with the next steps.",
        false,
    ),
];

/// Adds the demo agenda templates (unless they exist); returns their ids by name.
pub async fn seed(db: &Db, now: i64) -> anyhow::Result<Vec<(&'static str, i64)>> {
    let planner = planner(db, "ada@hireloop.test").await?;
    let mut ids = Vec::new();
    for (name, items) in [(STANDARD, STANDARD_ITEMS), (LONG, LONG_ITEMS)] {
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM agenda_templates WHERE name = $1")
                .bind(name)
                .fetch_optional(db)
                .await
                .context("looking for a demo agenda")?;
        let id = if let Some(id) = existing {
            id
        } else {
            let input = AgendaTemplateInput {
                name: name.into(),
                items: items
                    .iter()
                    .map(|(title, minutes, guidance, coding)| AgendaItemInput {
                        title: (*title).into(),
                        minutes: minutes.to_string(),
                        guidance: (*guidance).into(),
                        coding: Checkbox(*coding),
                        ..AgendaItemInput::default()
                    })
                    .collect(),
            };
            app::agendas::service::create_template(db, &planner, &input, now)
                .await
                .map_err(app_error("adding a demo agenda"))?
        };
        ids.push((name, id));
    }
    Ok(ids)
}

/// The agenda for a plan interview of `minutes` minutes in a technical loop.
pub fn for_length(ids: &[(&'static str, i64)], minutes: i64) -> String {
    let name = if minutes >= 60 { LONG } else { STANDARD };
    ids.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, id)| id.to_string())
        .unwrap_or_default()
}
