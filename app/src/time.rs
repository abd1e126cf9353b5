//! Times: stored as UTC Unix seconds, entered in the scheduler's zone, shown in the viewer's
//! zone with the zone named.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The zone of a stored IANA name (UTC if the name is unknown).
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

fn at(ts: i64, tz: Tz) -> DateTime<Tz> {
    DateTime::<Utc>::from_timestamp(ts, 0)
        .unwrap_or_default()
        .with_timezone(&tz)
}

/// "Tue 24 Nov 2026, 14:00 CET (Europe/Berlin)".
pub fn datetime(ts: i64, tz: Tz) -> String {
    let local = at(ts, tz);
    format!("{} ({})", local.format("%a %-d %b %Y, %H:%M %Z"), tz.name())
}

/// "Tue 24 Nov 2026, 14:00–14:45 CET (Europe/Berlin)".
pub fn range(start: i64, end: i64, tz: Tz) -> String {
    let from = at(start, tz);
    let to = at(end, tz);
    if from.date_naive() == to.date_naive() {
        format!(
            "{}–{} ({})",
            from.format("%a %-d %b %Y, %H:%M"),
            to.format("%H:%M %Z"),
            tz.name()
        )
    } else {
        format!(
            "{} – {} ({})",
            from.format("%a %-d %b %Y, %H:%M %Z"),
            to.format("%a %-d %b %Y, %H:%M %Z"),
            tz.name()
        )
    }
}

/// "24 Nov 2026" in the viewer's zone.
pub fn date(ts: i64, tz: Tz) -> String {
    at(ts, tz).format("%-d %b %Y").to_string()
}

/// The local date (`YYYY-MM-DD`) and time (`HH:MM`) of `ts` in `tz`, for form defaults.
pub fn local_parts(ts: i64, tz: Tz) -> (String, String) {
    let local = at(ts, tz);
    (
        local.format("%Y-%m-%d").to_string(),
        local.format("%H:%M").to_string(),
    )
}

/// Which part of a date-time entry was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryError {
    Date(String),
    Time(String),
}

/// Reads a date (`YYYY-MM-DD`) and a time (`HH:MM`) entered in `tz` as a UTC timestamp.
/// A time skipped by a daylight-saving change is refused; a repeated one means the first.
pub fn parse_local(date: &str, time: &str, tz: Tz) -> Result<i64, EntryError> {
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| EntryError::Date("Enter a date like 2026-11-24.".into()))?;
    let clock = NaiveTime::parse_from_str(time.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M:%S"))
        .map_err(|_| EntryError::Time("Enter a time like 14:30.".into()))?;
    match tz.from_local_datetime(&NaiveDateTime::new(day, clock)) {
        LocalResult::Single(t) => Ok(t.timestamp()),
        LocalResult::Ambiguous(first, _) => Ok(first.timestamp()),
        LocalResult::None => Err(EntryError::Time(format!(
            "{} does not exist on that day in {} (the clocks change). Pick another time.",
            clock.format("%H:%M"),
            tz.name()
        ))),
    }
}

/// Whole days between two timestamps (for "days in stage").
pub fn days_between(from: i64, to: i64) -> i64 {
    (to - from).max(0) / 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_entry_becomes_utc() {
        let berlin: Tz = "Europe/Berlin".parse().expect("tz");
        // 24 Nov 2026 14:00 in Berlin (CET, UTC+1) is 13:00 UTC.
        let ts = parse_local("2026-11-24", "14:00", berlin).expect("parses");
        assert_eq!(
            ts,
            Utc.with_ymd_and_hms(2026, 11, 24, 13, 0, 0)
                .unwrap()
                .timestamp()
        );
        assert_eq!(
            datetime(ts, berlin),
            "Tue 24 Nov 2026, 14:00 CET (Europe/Berlin)"
        );
        let tokyo: Tz = "Asia/Tokyo".parse().expect("tz");
        assert_eq!(
            datetime(ts, tokyo),
            "Tue 24 Nov 2026, 22:00 JST (Asia/Tokyo)"
        );
        assert_eq!(
            range(ts, ts + 45 * 60, berlin),
            "Tue 24 Nov 2026, 14:00–14:45 CET (Europe/Berlin)"
        );
    }

    #[test]
    fn daylight_saving_gaps_are_refused_and_repeats_take_the_first() {
        let berlin: Tz = "Europe/Berlin".parse().expect("tz");
        // 29 Mar 2026: clocks jump from 02:00 to 03:00.
        assert!(matches!(
            parse_local("2026-03-29", "02:30", berlin),
            Err(EntryError::Time(_))
        ));
        // 25 Oct 2026: 02:30 happens twice; the first (CEST, UTC+2) is taken.
        let ts = parse_local("2026-10-25", "02:30", berlin).expect("parses");
        assert_eq!(
            ts,
            Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0)
                .unwrap()
                .timestamp()
        );
    }

    #[test]
    fn malformed_entries_name_the_field() {
        assert!(matches!(
            parse_local("24/11/2026", "14:00", chrono_tz::UTC),
            Err(EntryError::Date(_))
        ));
        assert!(matches!(
            parse_local("2026-11-24", "2pm", chrono_tz::UTC),
            Err(EntryError::Time(_))
        ));
        assert!(matches!(
            parse_local("2026-02-30", "10:00", chrono_tz::UTC),
            Err(EntryError::Date(_))
        ));
    }

    #[test]
    fn days_in_stage_round_down() {
        assert_eq!(days_between(0, 86_399), 0);
        assert_eq!(days_between(0, 86_400 * 3 + 5), 3);
        assert_eq!(days_between(10, 0), 0);
    }
}
