//! The rules for openings (this file's children: the openings themselves, and their
//! interview plans).

mod opening;
mod plan;

pub use opening::*;
pub use plan::*;

/// Interview lengths accepted for templates and interviews (minutes).
pub const DURATION_RANGE: std::ops::RangeInclusive<i64> = 5..=480;

/// Parses an interview length in minutes.
pub fn parse_duration(raw: &str) -> Result<i64, String> {
    let minutes: i64 = raw
        .trim()
        .parse()
        .map_err(|_| "Enter the length in whole minutes, e.g. 45.".to_owned())?;
    if minutes <= 0 {
        return Err("The length must be more than zero minutes.".into());
    }
    if !DURATION_RANGE.contains(&minutes) {
        return Err(format!(
            "Interviews last between {} and {} minutes.",
            DURATION_RANGE.start(),
            DURATION_RANGE.end()
        ));
    }
    Ok(minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_positive_bounded_minutes() {
        assert_eq!(parse_duration(" 45 "), Ok(45));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("-30").is_err());
        assert!(parse_duration("4").is_err());
        assert!(parse_duration("481").is_err());
        assert!(parse_duration("forty").is_err());
    }
}
