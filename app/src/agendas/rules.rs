//! The agenda's rules as pure functions: parsing a form's rows into items, and the
//! arithmetic of minutes against the interview's duration and the challenge's needs.

use super::{AgendaItemInput, MAX_ITEMS};
use crate::error::FieldErrors;

/// The longest item, in minutes (a whole working day).
pub const MAX_ITEM_MINUTES: i64 = 480;
const MAX_TITLE: usize = 120;
const MAX_GUIDANCE: usize = 1000;

/// An agenda item that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidItem {
    pub title: String,
    pub minutes: i64,
    pub guidance: String,
    pub coding: bool,
}

/// Whole minutes, at least one.
pub fn parse_minutes(raw: &str) -> Result<i64, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("Enter the minutes for this item.".into());
    }
    match raw.parse::<i64>() {
        Ok(m) if m < 1 => Err("An item needs at least 1 minute.".into()),
        Ok(m) if m > MAX_ITEM_MINUTES => Err(format!(
            "An item can be at most {MAX_ITEM_MINUTES} minutes."
        )),
        Ok(m) => Ok(m),
        Err(_) => Err("Enter whole minutes, for example 5.".into()),
    }
}

fn blank(row: &AgendaItemInput) -> bool {
    row.title.trim().is_empty() && row.minutes.trim().is_empty() && row.guidance.trim().is_empty()
}

/// Parses a form's rows: blank and removed rows are dropped, the rest sorted by their
/// order number (ties keep the form's order). Messages are keyed `items.{row}.{field}`; a
/// message about the agenda as a whole is keyed `items`.
pub fn parse_items(rows: &[AgendaItemInput], errors: &mut FieldErrors) -> Vec<ValidItem> {
    let mut kept: Vec<(i64, ValidItem)> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        if row.remove.is_checked() || blank(row) {
            continue;
        }
        let key = |field: &str| format!("items.{index}.{field}");
        let title = errors.take(
            &key("title"),
            crate::values::parse_text(&row.title, MAX_TITLE, "the title").and_then(|t| {
                if t.is_empty() {
                    Err("Give the item a title.".into())
                } else if t.contains('\n') {
                    Err("The title must be one line.".into())
                } else {
                    Ok(t)
                }
            }),
        );
        let minutes = errors.take(&key("minutes"), parse_minutes(&row.minutes));
        let guidance = errors.take(
            &key("guidance"),
            crate::values::parse_text(&row.guidance, MAX_GUIDANCE, "the guidance"),
        );
        let order = match row.order.trim() {
            "" => Some(i64::try_from(index).unwrap_or(i64::MAX).saturating_add(1)),
            raw => errors.take(
                &key("order"),
                raw.parse::<i64>()
                    .map_err(|_| "Enter the item's place as a whole number.".to_owned()),
            ),
        };
        if let (Some(title), Some(minutes), Some(guidance), Some(order)) =
            (title, minutes, guidance, order)
        {
            kept.push((
                order,
                ValidItem {
                    title,
                    minutes,
                    guidance,
                    coding: row.coding.is_checked(),
                },
            ));
        }
    }
    kept.sort_by_key(|(order, _)| *order);
    let items: Vec<ValidItem> = kept.into_iter().map(|(_, item)| item).collect();
    if errors.is_empty() {
        if items.is_empty() {
            errors.add("items", "An agenda needs at least one item.");
        } else if items.len() > MAX_ITEMS {
            errors.add(
                "items",
                format!("An agenda can have at most {MAX_ITEMS} items."),
            );
        } else if items.iter().filter(|i| i.coding).count() > 1 {
            errors.add("items", "Only one item can be the coding challenge.");
        }
    }
    items
}

/// The agenda's minutes in all.
pub fn total<'a>(minutes: impl IntoIterator<Item = &'a i64>) -> i64 {
    minutes.into_iter().sum()
}

/// How an agenda's total compares with the interview's duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    /// Minutes left unplanned.
    Spare(i64),
    Exact,
    /// Minutes beyond the duration.
    Over(i64),
}

pub fn balance(total: i64, duration: i64) -> Balance {
    match total.cmp(&duration) {
        std::cmp::Ordering::Less => Balance::Spare(duration - total),
        std::cmp::Ordering::Equal => Balance::Exact,
        std::cmp::Ordering::Greater => Balance::Over(total - duration),
    }
}

fn minutes_word(n: i64) -> String {
    format!("{n} minute{}", if n == 1 { "" } else { "s" })
}

impl Balance {
    /// "40 of 45 minutes planned: 5 minutes to spare." and the like.
    pub fn describe(self, total: i64, duration: i64) -> String {
        let head = format!("{total} of {duration} minutes planned");
        match self {
            Self::Spare(n) => format!("{head}: {} to spare.", minutes_word(n)),
            Self::Exact => format!("{head}: no time to spare."),
            Self::Over(n) => format!("{head}: {} over.", minutes_word(n)),
        }
    }
}

/// The message when the items do not fit the interview, if they do not.
pub fn over_duration(items: &[ValidItem], duration: i64) -> Option<String> {
    let total = total(items.iter().map(|i| &i.minutes));
    match balance(total, duration) {
        Balance::Over(n) => Some(format!(
            "The items add up to {total} minutes, {} more than the interview's {duration}. \
             Shorten or remove items.",
            minutes_word(n)
        )),
        _ => None,
    }
}

/// By how many minutes the coding item falls short of the challenge's expected minutes
/// (`None` when it is long enough or there is no coding item).
pub fn coding_shortfall(coding_minutes: Option<i64>, expected: i64) -> Option<i64> {
    coding_minutes
        .filter(|m| *m < expected)
        .map(|m| expected - m)
}

/// The warning for a coding item shorter than its challenge needs.
pub fn shortfall_warning(
    challenge: &str,
    expected: i64,
    coding_minutes: Option<i64>,
) -> Option<String> {
    match coding_minutes {
        None => Some(format!(
            "No item is marked as the coding challenge; {challenge} expects {}.",
            minutes_word(expected)
        )),
        Some(minutes) => coding_shortfall(Some(minutes), expected).map(|short| {
            format!(
                "The coding item has {}, but {challenge} expects {}: {} short.",
                minutes_word(minutes),
                minutes_word(expected),
                minutes_word(short)
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Checkbox;

    fn row(title: &str, minutes: &str) -> AgendaItemInput {
        AgendaItemInput {
            title: title.into(),
            minutes: minutes.into(),
            ..AgendaItemInput::default()
        }
    }

    #[test]
    fn minutes_are_whole_and_at_least_one() {
        assert_eq!(parse_minutes(" 5 "), Ok(5));
        assert!(parse_minutes("0")
            .expect_err("refused")
            .contains("at least 1"));
        assert!(parse_minutes("-3")
            .expect_err("refused")
            .contains("at least 1"));
        assert!(parse_minutes("2.5").expect_err("refused").contains("whole"));
        assert!(parse_minutes("").is_err());
        assert!(parse_minutes("481").is_err());
    }

    #[test]
    fn rows_are_sorted_by_order_and_blank_or_removed_ones_dropped() {
        let mut errors = FieldErrors::new();
        let mut removed = row("Gone", "3");
        removed.remove = Checkbox(true);
        let mut last = row("Questions", "5");
        last.order = "9".into();
        let mut first = row("Welcome", "2");
        first.order = "0".into();
        let items = parse_items(
            &[last, row("", ""), removed, first, row("Resume", "18")],
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        assert_eq!(titles, ["Welcome", "Resume", "Questions"]);
    }

    #[test]
    fn each_bad_row_gets_its_own_message() {
        let mut errors = FieldErrors::new();
        parse_items(
            &[row("Intro", "0"), row("", "5"), row("Ok", "x")],
            &mut errors,
        );
        assert!(errors.get("items.0.minutes").is_some());
        assert!(errors.get("items.1.title").is_some());
        assert!(errors.get("items.2.minutes").is_some());
        assert!(errors.get("items").is_none());
    }

    #[test]
    fn one_coding_item_at_most_and_at_least_one_item() {
        let mut errors = FieldErrors::new();
        let mut a = row("A", "5");
        a.coding = Checkbox(true);
        let b = a.clone();
        parse_items(&[a, b], &mut errors);
        assert!(errors.get("items").expect("present").contains("Only one"));
        let mut errors = FieldErrors::new();
        parse_items(&[row("", "")], &mut errors);
        assert!(errors
            .get("items")
            .expect("present")
            .contains("at least one"));
    }

    #[test]
    fn the_balance_shows_slack_or_overrun() {
        assert_eq!(balance(40, 45), Balance::Spare(5));
        assert_eq!(balance(45, 45), Balance::Exact);
        assert_eq!(balance(47, 45), Balance::Over(2));
        assert_eq!(
            balance(40, 45).describe(40, 45),
            "40 of 45 minutes planned: 5 minutes to spare."
        );
        assert_eq!(
            balance(46, 45).describe(46, 45),
            "46 of 45 minutes planned: 1 minute over."
        );
        let items = |m: &[i64]| {
            m.iter()
                .map(|&minutes| ValidItem {
                    title: "x".into(),
                    minutes,
                    guidance: String::new(),
                    coding: false,
                })
                .collect::<Vec<_>>()
        };
        assert!(over_duration(&items(&[2, 5, 18, 15, 5]), 45).is_none());
        let message = over_duration(&items(&[2, 5, 18, 20, 5]), 45).expect("present");
        assert!(
            message.contains("50 minutes, 5 minutes more than the interview's 45"),
            "{message}"
        );
    }

    #[test]
    fn a_short_coding_item_is_reported_by_how_much() {
        assert_eq!(coding_shortfall(Some(10), 15), Some(5));
        assert_eq!(coding_shortfall(Some(15), 15), None);
        assert_eq!(coding_shortfall(None, 15), None);
        let warning = shortfall_warning("Rate limiter", 15, Some(10)).expect("present");
        assert!(warning.contains("5 minutes short"), "{warning}");
        assert!(shortfall_warning("Rate limiter", 15, Some(20)).is_none());
        assert!(shortfall_warning("Rate limiter", 15, None).is_some());
    }
}
