//! Live interview mode: the page an interviewer keeps open during the interview — the
//! agenda on a clock the server keeps (so a reload or a second device shows the same
//! time), notes per item that autosave as the draft of their feedback, and the challenge
//! at hand. Owns `interview_clocks` and `interview_notes`.

pub mod api;
pub mod clock;
pub mod pages;
#[cfg(feature = "ssr")]
mod repo;
#[cfg(feature = "ssr")]
pub mod service;

use crate::challenges::ChallengeDetail;
use clock::{ClockState, Control};
use serde::{Deserialize, Serialize};

/// The longest note on one agenda item, in characters.
pub const MAX_NOTE: usize = 20_000;

/// An agenda item with the viewer's notes on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveItem {
    pub id: i64,
    pub title: String,
    pub minutes: i64,
    pub guidance: String,
    pub coding: bool,
    pub note: String,
}

/// The clock as the server saw it at `server_now` (its own time, in Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSnapshot {
    pub clock: ClockState,
    pub server_now: i64,
}

/// A challenge assigned in the interview, with whose it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignedChallenge {
    pub assignment_id: i64,
    pub interviewer: String,
    /// The viewer's own assignment.
    pub mine: bool,
    pub challenge: ChallengeDetail,
    /// The viewer's rating of it, if they gave one.
    pub rating: Option<i64>,
    pub rating_note: String,
}

/// Everything the live page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveData {
    pub interview_id: i64,
    pub title: String,
    pub candidate_name: String,
    pub opening_title: String,
    pub when: String,
    pub location: String,
    /// The location, when it is a web address.
    pub meeting_link: Option<String>,
    pub duration_minutes: i64,
    pub resume_link: String,
    pub cancelled: bool,
    pub items: Vec<LiveItem>,
    pub snapshot: LiveSnapshot,
    pub challenges: Vec<AssignedChallenge>,
    /// The interview has begun: challenges can be rated.
    pub can_rate: bool,
}

crate::choice_enum! {
    /// What the clock's buttons ask for.
    pub enum LiveAction("clock action", "Choose start, next, back, pause or resume.") {
        Start = "start" / "Start",
        Next = "next" / "Next",
        Back = "back" / "Back",
        Pause = "pause" / "Pause",
        Resume = "resume" / "Resume",
    }
}

/// What a clock button sends: the action and the item the viewer was on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ControlInput {
    pub action: String,
    pub from: String,
}

impl ControlInput {
    /// The control this input asks for.
    pub fn parse(&self) -> Result<Control, String> {
        let action = LiveAction::parse(&self.action)?;
        // Optional for Start and Pause, but never anything other than an item's number.
        let from = match self.from.trim() {
            "" => None,
            raw => Some(raw.parse::<usize>().map_err(|_| {
                "The clock's position is not an item's number; reload the page.".to_owned()
            })?),
        };
        let from =
            || from.ok_or_else(|| "The clock's position is missing; reload the page.".to_owned());
        Ok(match action {
            LiveAction::Start => Control::Start,
            LiveAction::Next => Control::Next { from: from()? },
            LiveAction::Back => Control::Back { from: from()? },
            LiveAction::Pause => Control::Pause,
            LiveAction::Resume => Control::Resume,
        })
    }
}

/// What a note box sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NoteInput {
    pub item_id: i64,
    pub body: String,
}

/// What the challenge rating form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RatingInput {
    pub assignment_id: String,
    /// 1-5: did the challenge tell you something about the candidate?
    pub rating: String,
    pub note: String,
}

/// The location as a link, when it is an http(s) address.
pub fn meeting_link(location: &str) -> Option<String> {
    let location = location.trim();
    let lower = location.to_ascii_lowercase();
    ((lower.starts_with("https://") || lower.starts_with("http://"))
        && !location.contains(char::is_whitespace))
    .then(|| location.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            meeting_link(" https://meet.example.com/abc "),
            Some("https://meet.example.com/abc".into())
        );
        assert_eq!(meeting_link("Room 4"), None);
        assert_eq!(meeting_link("javascript:alert(1)"), None);
        assert_eq!(meeting_link("https://x.test/a b"), None);
    }

    #[test]
    fn controls_parse_with_their_position() {
        let input = |action: &str, from: &str| ControlInput {
            action: action.into(),
            from: from.into(),
        };
        assert_eq!(input("next", "2").parse(), Ok(Control::Next { from: 2 }));
        assert_eq!(input("start", "").parse(), Ok(Control::Start));
        assert!(input("next", "").parse().is_err());
        assert!(input("explode", "1").parse().is_err());
        assert!(input("start", "x").parse().is_err());
    }
}
