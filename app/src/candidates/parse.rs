//! Parsing a candidate form's free-text fields, and how long someone has been in a role.

use chrono::{Datelike, NaiveDate};

/// The longest pasted resume accepted (characters).
pub const RESUME_TEXT_MAX: usize = 100_000;
const LINKS_MAX: usize = 10;

/// "3 years, 2 months" between `start` and `today`.
pub fn tenure(start: NaiveDate, today: NaiveDate) -> String {
    let mut months = (today.year() - start.year()) * 12 + i32::try_from(today.month()).unwrap_or(0)
        - i32::try_from(start.month()).unwrap_or(0);
    if today.day() < start.day() {
        months -= 1;
    }
    let months = months.max(0);
    let (years, months) = (months / 12, months % 12);
    let part = |n: i32, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let parts: Vec<String> = [
        part(years, "year", "years"),
        part(months, "month", "months"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "less than a month".into()
    } else {
        parts.join(", ")
    }
}

/// Parses the links field: one `http(s)://` URL per line.
pub fn parse_links(raw: &str) -> Result<Vec<String>, String> {
    let links: Vec<String> = raw
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(ToOwned::to_owned)
        .collect();
    if links.len() > LINKS_MAX {
        return Err(format!("Add at most {LINKS_MAX} links."));
    }
    for link in &links {
        let valid = (link.starts_with("https://") || link.starts_with("http://"))
            && link.len() <= 500
            && link.len() > "https://".len()
            && !link.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err(format!(
                "{link} is not a web address (one https://… link per line)."
            ));
        }
    }
    Ok(links)
}

/// Parses an optional phone number.
pub fn parse_phone(raw: &str) -> Result<String, String> {
    let phone = raw.trim();
    let valid = phone.len() <= 40
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./x".contains(c));
    if valid {
        Ok(phone.to_owned())
    } else {
        Err("Enter a phone number with digits, spaces and + ( ) - . only.".into())
    }
}

/// Parses an internal candidate's start date (not in the future).
pub fn parse_start_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| "Enter the start date like 2023-04-01.".to_owned())?;
    if date > today {
        return Err("The start date cannot be in the future.".into());
    }
    if date.year() < 1950 {
        return Err("Check the start date.".into());
    }
    Ok(date)
}

/// The UTC date of `now` (Unix seconds).
pub(super) fn date_of(now: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn tenure_reads_naturally() {
        assert_eq!(
            tenure(date("2023-03-01"), date("2026-05-15")),
            "3 years, 2 months"
        );
        assert_eq!(tenure(date("2025-11-20"), date("2026-11-19")), "11 months");
        assert_eq!(tenure(date("2025-11-20"), date("2026-11-20")), "1 year");
        assert_eq!(
            tenure(date("2026-11-01"), date("2026-11-20")),
            "less than a month"
        );
    }

    #[test]
    fn links_are_web_addresses_one_per_line() {
        assert_eq!(
            parse_links(" https://github.com/ada \n\nhttp://ada.dev\n"),
            Ok(vec![
                "https://github.com/ada".to_owned(),
                "http://ada.dev".to_owned()
            ])
        );
        assert!(parse_links("javascript:alert(1)").is_err());
        assert!(parse_links("github.com/ada").is_err());
        assert!(parse_links(&"https://x.dev\n".repeat(11)).is_err());
    }

    #[test]
    fn phones_and_start_dates_are_checked() {
        assert_eq!(
            parse_phone(" +49 (30) 123-456 "),
            Ok("+49 (30) 123-456".into())
        );
        assert!(parse_phone("call me maybe").is_err());
        assert!(parse_start_date("2031-01-01", date("2026-11-23")).is_err());
        assert!(parse_start_date("01/02/2020", date("2026-11-23")).is_err());
        assert_eq!(
            parse_start_date("2020-02-01", date("2026-11-23")),
            Ok(date("2020-02-01"))
        );
    }
}
