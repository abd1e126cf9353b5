//! Calendar invites (`.ics`, RFC 5545) built with the `icalendar` crate. An interviewer's
//! event keeps one UID for the life of the interview (per interview and assignment) and a
//! SEQUENCE that grows with every reschedule and the cancel, so calendar clients update or
//! remove the event they already have. Times are written as UTC instants: the event lands
//! at the right moment in every zone, whatever daylight-saving change lies between now and
//! then, and each client shows it in its own zone.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, EventLike, EventStatus};
use sha2::{Digest, Sha256};

/// Whether the invite adds/updates the event or removes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
    /// A subscription feed (no scheduling method).
    Publish,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
            Method::Publish => "PUBLISH",
        }
    }
}

/// One interview as a calendar event.
#[derive(Debug, Clone)]
pub struct Invite<'a> {
    pub uid: String,
    pub sequence: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub summary: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub url: &'a str,
    /// The organizer's and the attendee's addresses (mail only).
    pub organizer: Option<&'a str>,
    pub attendee: Option<&'a str>,
}

/// The UID of an interviewer's event: stable per interview and assignment, and revealing
/// neither (a digest), at the instance's host.
pub fn uid(interview_id: i64, assignment_id: i64, host: &str) -> String {
    let digest = Sha256::digest(format!("hireloop-interview:{interview_id}:{assignment_id}"));
    format!("{}@{host}", hex::encode(&digest[..16]))
}

fn instant(ts: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(ts, 0).unwrap_or_default()
}

fn event(invite: &Invite<'_>, method: Method, now: i64) -> icalendar::Event {
    let mut event = icalendar::Event::new();
    event
        .uid(&invite.uid)
        .sequence(u32::try_from(invite.sequence.max(0)).unwrap_or(u32::MAX))
        .timestamp(instant(now))
        .starts(instant(invite.starts_at))
        .ends(instant(invite.ends_at))
        .summary(invite.summary)
        .description(invite.description);
    if !invite.location.is_empty() {
        event.location(invite.location);
    }
    if !invite.url.is_empty() {
        event.url(invite.url);
    }
    if let Some(organizer) = invite.organizer {
        event.add_property("ORGANIZER", format!("mailto:{organizer}"));
    }
    if let Some(attendee) = invite.attendee {
        event.add_property("ATTENDEE", format!("mailto:{attendee}"));
    }
    event.status(if method == Method::Cancel {
        EventStatus::Cancelled
    } else {
        EventStatus::Confirmed
    });
    event.done()
}

/// A calendar with the given events.
pub fn calendar(invites: &[Invite<'_>], method: Method, name: Option<&str>, now: i64) -> String {
    let mut calendar = Calendar::new();
    calendar.append_property(("PRODID", "-//Hireloop//Interviews//EN"));
    calendar.append_property(("METHOD", method.as_str()));
    if let Some(name) = name {
        calendar.name(name);
    }
    for invite in invites {
        calendar.push(event(invite, method, now));
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite(sequence: i64) -> Invite<'static> {
        Invite {
            uid: uid(7, 11, "hire.example.com"),
            sequence,
            // 2026-03-29 08:00 UTC: the morning Europe turns its clocks forward.
            starts_at: 1_774_771_200,
            ends_at: 1_774_771_200 + 2700,
            summary: "Interview: Maria Keller",
            description: "Skill areas: Back-end; a long line that the format folds, with ü and é, to check the folding keeps every character intact",
            location: "Room 4",
            url: "https://hire.example.com/interviews/7/kit",
            organizer: Some("hireloop@example.com"),
            attendee: Some("ivan@example.com"),
        }
    }

    #[test]
    fn uids_are_stable_per_interview_and_assignment() {
        assert_eq!(uid(7, 11, "h"), uid(7, 11, "h"));
        assert_ne!(uid(7, 11, "h"), uid(7, 12, "h"));
        assert_ne!(uid(7, 11, "h"), uid(8, 11, "h"));
        let (digest, host) = uid(7, 11, "h")
            .split_once('@')
            .map(|(d, h)| (d.to_owned(), h.to_owned()))
            .unwrap_or_default();
        assert_eq!(host, "h");
        assert_eq!(digest.len(), 32);
        assert!(digest.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn a_request_and_a_cancel_carry_the_uid_sequence_and_utc_times() {
        let request = calendar(&[invite(0)], Method::Request, None, 1_774_000_000);
        assert!(request.contains("METHOD:REQUEST"), "{request}");
        assert!(request.contains("SEQUENCE:0"), "{request}");
        assert!(request.contains("DTSTART:20260329T080000Z"), "{request}");
        assert!(request.contains("DTEND:20260329T084500Z"), "{request}");
        assert!(request.contains("STATUS:CONFIRMED"), "{request}");
        assert!(
            request.contains(&uid(7, 11, "hire.example.com")),
            "{request}"
        );
        assert!(
            request.lines().all(|l| l.len() <= 75 + 2),
            "folded: {request}"
        );
        let cancel = calendar(&[invite(2)], Method::Cancel, None, 1_774_000_000);
        assert!(cancel.contains("METHOD:CANCEL"), "{cancel}");
        assert!(cancel.contains("SEQUENCE:2"), "{cancel}");
        assert!(cancel.contains("STATUS:CANCELLED"), "{cancel}");
    }
}
