//! When reminders go out (an admin's choice for everyone) and what each user chose for
//! themselves (short reminders, the private calendar feed).

use crate::error::FieldErrors;
use serde::{Deserialize, Serialize};

/// At most this many prep reminders before one interview.
pub const MAX_PREP_LEADS: usize = 3;

/// When reminders go out, in seconds before (or after) the interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailSettings {
    /// Prep reminders, this long before the start (largest first).
    pub prep_leads: Vec<i64>,
    /// The short reminder, this long before the start (0: none).
    pub short_lead: i64,
    /// The first overdue-feedback nudge, this long after the end.
    pub overdue_after: i64,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            prep_leads: vec![24 * 3600],
            short_lead: 3600,
            overdue_after: 2 * 3600,
        }
    }
}

/// Overdue nudges: the first after `overdue_after`, then one a day, at most this many.
pub const MAX_NUDGES: i64 = 5;
/// Between two overdue nudges.
pub const NUDGE_EVERY: i64 = 24 * 3600;

/// What the admin's form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailSettingsInput {
    /// Hours, separated by commas ("48, 24").
    pub prep_lead_hours: String,
    pub short_lead_minutes: String,
    pub overdue_after_hours: String,
}

impl MailSettings {
    /// The form's values for these settings.
    pub fn input(&self) -> MailSettingsInput {
        MailSettingsInput {
            prep_lead_hours: self
                .prep_leads
                .iter()
                .map(|s| (s / 3600).to_string())
                .collect::<Vec<_>>()
                .join(", "),
            short_lead_minutes: (self.short_lead / 60).to_string(),
            overdue_after_hours: (self.overdue_after / 3600).to_string(),
        }
    }

    /// Reads the admin's form; every bad field gets its own message.
    pub fn parse(input: &MailSettingsInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let prep = errors.take("prep_lead_hours", parse_leads(&input.prep_lead_hours));
        let short = errors.take(
            "short_lead_minutes",
            parse_number(&input.short_lead_minutes, 0, 12 * 60, "minutes").map(|m| m * 60),
        );
        let overdue = errors.take(
            "overdue_after_hours",
            parse_number(&input.overdue_after_hours, 1, 7 * 24, "hours").map(|h| h * 3600),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        match (prep, short, overdue) {
            (Some(prep_leads), Some(short_lead), Some(overdue_after)) => Ok(Self {
                prep_leads,
                short_lead,
                overdue_after,
            }),
            _ => Err(FieldErrors::new()),
        }
    }

    /// The stored form of the prep lead times.
    pub fn stored_prep_leads(&self) -> String {
        self.input().prep_lead_hours
    }

    /// Settings as stored (a malformed row falls back to the defaults, field by field).
    pub fn from_stored(prep_lead_hours: &str, short_lead_minutes: i64, overdue_hours: i64) -> Self {
        let defaults = Self::default();
        Self {
            prep_leads: parse_leads(prep_lead_hours).unwrap_or(defaults.prep_leads),
            short_lead: short_lead_minutes.clamp(0, 12 * 60) * 60,
            overdue_after: overdue_hours.clamp(1, 7 * 24) * 3600,
        }
    }
}

fn parse_number(raw: &str, min: i64, max: i64, unit: &str) -> Result<i64, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(format!("Enter a number of {unit}."));
    }
    let value: i64 = raw
        .parse()
        .map_err(|_| format!("Enter a whole number of {unit}, e.g. {max}."))?;
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(format!("Enter between {min} and {max} {unit}."))
    }
}

/// "48, 24" → [48 h, 24 h] in seconds, largest first, no repeats.
fn parse_leads(raw: &str) -> Result<Vec<i64>, String> {
    let mut leads = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let hours = parse_number(part, 1, 14 * 24, "hours")
            .map_err(|m| format!("{m} ({part:?} is not)"))?;
        if !leads.contains(&(hours * 3600)) {
            leads.push(hours * 3600);
        }
    }
    if leads.is_empty() {
        return Err("Enter at least one lead time in hours, e.g. 24.".into());
    }
    if leads.len() > MAX_PREP_LEADS {
        return Err(format!("At most {MAX_PREP_LEADS} prep reminders."));
    }
    leads.sort_unstable_by(|a, b| b.cmp(a));
    Ok(leads)
}

/// A user's own email settings, on their account page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyMailSettings {
    pub short_reminders: bool,
    /// How long before an interview the short reminder comes, in words ("1 hour"); empty
    /// when an admin turned short reminders off for everyone.
    pub short_lead: String,
    /// Whether a calendar feed exists (its address is shown once, when made).
    pub has_feed: bool,
    /// The feed's address, right after it was made.
    pub new_feed_url: Option<String>,
}

/// What the account page's reminder form sends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShortRemindersInput {
    pub short_reminders: crate::values::Checkbox,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(prep: &str, short: &str, overdue: &str) -> MailSettingsInput {
        MailSettingsInput {
            prep_lead_hours: prep.into(),
            short_lead_minutes: short.into(),
            overdue_after_hours: overdue.into(),
        }
    }

    #[test]
    fn lead_times_read_largest_first_without_repeats() {
        let settings = MailSettings::parse(&input(" 24, 48 ,24", "30", "2")).expect("valid");
        assert_eq!(settings.prep_leads, vec![48 * 3600, 24 * 3600]);
        assert_eq!(settings.short_lead, 1800);
        assert_eq!(settings.overdue_after, 7200);
        assert_eq!(settings.input().prep_lead_hours, "48, 24");
        let round = MailSettings::parse(&settings.input()).expect("round trip");
        assert_eq!(round, settings);
    }

    #[test]
    fn bad_values_are_named_per_field() {
        let errors = MailSettings::parse(&input("24, soon", "-5", "")).expect_err("invalid");
        assert!(errors
            .get("prep_lead_hours")
            .is_some_and(|m| m.contains("soon")));
        assert!(errors.get("short_lead_minutes").is_some());
        assert!(errors.get("overdue_after_hours").is_some());
        let errors = MailSettings::parse(&input("1,2,3,4", "0", "2")).expect_err("too many");
        assert!(errors.get("prep_lead_hours").is_some());
        assert!(errors.get("short_lead_minutes").is_none(), "0 turns it off");
        let errors = MailSettings::parse(&input("", "60", "2")).expect_err("none");
        assert!(errors.get("prep_lead_hours").is_some());
    }

    #[test]
    fn a_malformed_stored_row_falls_back_to_defaults() {
        let settings = MailSettings::from_stored("never", 99_999, 0);
        assert_eq!(settings.prep_leads, vec![24 * 3600]);
        assert_eq!(settings.short_lead, 12 * 3600);
        assert_eq!(settings.overdue_after, 3600);
    }
}
