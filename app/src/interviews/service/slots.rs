//! Reading the time slot and place a scheduler entered.

use crate::error::FieldErrors;
use crate::openings::service::DURATION_RANGE;
use crate::time::{self, EntryError};
use crate::values::TimeZoneName;
use chrono_tz::Tz;

/// New interviews may start at most this long ago (recording yesterday's phone screen is
/// fine; last month's is a typo).
pub const PAST_LIMIT_SECS: i64 = 24 * 3600;
/// ... and at most this far ahead.
pub const FUTURE_LIMIT_SECS: i64 = 366 * 24 * 3600;

/// A validated time slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: i64,
    pub duration_minutes: i64,
}

impl Slot {
    pub fn end(self) -> i64 {
        self.start + self.duration_minutes * 60
    }
}

/// Reads a date, start and end time entered in `timezone`; `now` bounds how far in the past
/// and future the slot may be. Problems are recorded in `errors` under the field names.
pub fn parse_slot(
    date: &str,
    start_time: &str,
    end_time: &str,
    timezone: &str,
    now: i64,
    errors: &mut FieldErrors,
) -> Option<(Slot, Tz)> {
    let tz = errors.take("timezone", TimeZoneName::parse(timezone))?.tz();
    let start = match time::parse_local(date, start_time, tz) {
        Ok(t) => Some(t),
        Err(EntryError::Date(m)) => {
            errors.add("date", m);
            None
        }
        Err(EntryError::Time(m)) => {
            errors.add("start_time", m);
            None
        }
    };
    let end = match time::parse_local(date, end_time, tz) {
        Ok(t) => Some(t),
        Err(EntryError::Date(_)) => None,
        Err(EntryError::Time(m)) => {
            errors.add("end_time", m);
            None
        }
    };
    let (start, end) = (start?, end?);
    if end <= start {
        errors.add("end_time", "The end must be after the start.");
        return None;
    }
    let minutes = (end - start) / 60;
    if !DURATION_RANGE.contains(&minutes) {
        errors.add(
            "end_time",
            format!(
                "An interview lasts between {} and {} minutes.",
                DURATION_RANGE.start(),
                DURATION_RANGE.end()
            ),
        );
        return None;
    }
    if start < now - PAST_LIMIT_SECS {
        errors.add(
            "date",
            "That date is in the past. Choose today or a later day.",
        );
        return None;
    }
    if start > now + FUTURE_LIMIT_SECS {
        errors.add("date", "That is more than a year ahead.");
        return None;
    }
    Some((
        Slot {
            start,
            duration_minutes: minutes,
        },
        tz,
    ))
}

/// Reads the room or video link.
pub fn parse_location(raw: &str) -> Result<String, String> {
    let location = raw.trim();
    if location.is_empty() {
        Err("Enter a room or a video link.".into())
    } else if location.chars().count() > 500 {
        Err("Keep the place or link under 500 characters.".into())
    } else if location.chars().any(char::is_control) {
        Err("Use a single line.".into())
    } else {
        Ok(location.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000; // 2026-11-18

    fn slot(date: &str, start: &str, end: &str, tz: &str) -> Result<Slot, FieldErrors> {
        let mut errors = FieldErrors::new();
        match parse_slot(date, start, end, tz, NOW, &mut errors) {
            Some((slot, _)) => Ok(slot),
            None => Err(errors),
        }
    }

    #[test]
    fn a_slot_is_entered_in_the_schedulers_zone() {
        let s = slot("2026-11-24", "14:00", "14:45", "Europe/Berlin").expect("valid");
        assert_eq!(s.duration_minutes, 45);
        assert_eq!(
            time::datetime(s.start, chrono_tz::UTC),
            "Tue 24 Nov 2026, 13:00 UTC (UTC)"
        );
    }

    #[test]
    fn bad_slots_name_the_field() {
        let e = slot("2026-11-24", "14:00", "13:00", "UTC").expect_err("end before start");
        assert_eq!(e.get("end_time"), Some("The end must be after the start."));
        let e = slot("2026-11-24", "14:00", "14:00", "UTC").expect_err("zero length");
        assert!(e.get("end_time").is_some());
        let e = slot("2025-01-01", "14:00", "15:00", "UTC").expect_err("far past");
        assert!(e.get("date").is_some_and(|m| m.contains("past")));
        let e = slot("2028-01-01", "14:00", "15:00", "UTC").expect_err("far future");
        assert!(e.get("date").is_some());
        let e = slot("2026-11-24", "14:00", "15:00", "Moon/Base").expect_err("zone");
        assert!(e.get("timezone").is_some());
        let e = slot("2026-11-24", "09:00", "18:30", "UTC").expect_err("too long");
        assert!(e.get("end_time").is_some());
    }

    #[test]
    fn locations_are_required_single_lines() {
        assert_eq!(
            parse_location(" https://meet.example/abc "),
            Ok("https://meet.example/abc".into())
        );
        assert!(parse_location("  ").is_err());
        assert!(parse_location("two\nlines").is_err());
    }
}
