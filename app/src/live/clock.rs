//! The live agenda clock as pure arithmetic, shared by the server (which keeps the truth)
//! and the browser (which ticks between syncs). All times are Unix milliseconds of the
//! server's clock; "active" time leaves out paused spans.

use serde::{Deserialize, Serialize};

/// The clock's saved state. `current == items` means the interview is finished.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockState {
    pub started_at: Option<i64>,
    pub current: usize,
    /// Active time at which the current item was entered.
    pub item_started_elapsed: i64,
    pub paused_at: Option<i64>,
    pub paused_total: i64,
    pub finished_at: Option<i64>,
    /// Active time spent on each item before the current stay on it.
    pub spent: Vec<i64>,
}

/// A change asked of the clock. `Next` and `Back` name the item they move from, so that two
/// devices pressing at once move the clock once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Start,
    Next { from: usize },
    Back { from: usize },
    Pause,
    Resume,
}

const MINUTE: i64 = 60_000;

impl ClockState {
    pub fn started(&self) -> bool {
        self.started_at.is_some()
    }

    pub fn paused(&self) -> bool {
        self.paused_at.is_some()
    }

    pub fn finished(&self) -> bool {
        self.finished_at.is_some()
    }

    /// Active time since the start.
    pub fn elapsed(&self, now: i64) -> i64 {
        let Some(started) = self.started_at else {
            return 0;
        };
        let end = self.finished_at.or(self.paused_at).unwrap_or(now);
        (end - started - self.paused_total).max(0)
    }

    /// Active time spent on item `index` so far.
    pub fn spent_on(&self, index: usize, now: i64) -> i64 {
        let before = self.spent.get(index).copied().unwrap_or(0);
        if index == self.current && self.started() && !self.finished() {
            before + (self.elapsed(now) - self.item_started_elapsed).max(0)
        } else {
            before
        }
    }

    /// Time left in item `index` of `minutes[index]` minutes (negative: over).
    pub fn item_left(&self, minutes: &[i64], index: usize, now: i64) -> i64 {
        minutes.get(index).copied().unwrap_or(0) * MINUTE - self.spent_on(index, now)
    }

    /// Time left in an interview of `duration` minutes (negative: over).
    pub fn interview_left(&self, duration: i64, now: i64) -> i64 {
        duration * MINUTE - self.elapsed(now)
    }

    /// The time the current and later items still need by their boxes.
    pub fn remaining_need(&self, minutes: &[i64], now: i64) -> i64 {
        (self.current..minutes.len())
            .map(|i| self.item_left(minutes, i, now).max(0))
            .sum()
    }

    /// Applies `control` at `now` to a clock over `items` items. Returns false when it
    /// changes nothing (already started, moved by another device, nothing to go back to).
    pub fn apply(&mut self, control: Control, items: usize, now: i64) -> bool {
        if self.spent.len() < items {
            self.spent.resize(items, 0);
        }
        match control {
            Control::Start => {
                if self.started() || items == 0 {
                    return false;
                }
                *self = Self {
                    started_at: Some(now),
                    spent: vec![0; items],
                    ..Self::default()
                };
            }
            Control::Next { from } => {
                if !self.started() || self.finished() || from != self.current {
                    return false;
                }
                self.leave_item(now);
                if self.current + 1 < items {
                    self.current += 1;
                    self.item_started_elapsed = self.elapsed(now);
                } else {
                    self.resume_at(now);
                    self.current = items;
                    self.finished_at = Some(now);
                }
            }
            Control::Back { from } => {
                if !self.started() || from != self.current || self.current == 0 {
                    return false;
                }
                if let Some(finished) = self.finished_at.take() {
                    // Reopening: the time since finishing counts as a pause.
                    self.paused_total += now - finished;
                } else {
                    self.leave_item(now);
                }
                self.current -= 1;
                self.item_started_elapsed = self.elapsed(now);
            }
            Control::Pause => {
                if !self.started() || self.paused() || self.finished() {
                    return false;
                }
                self.paused_at = Some(now);
            }
            Control::Resume => {
                if !self.paused() {
                    return false;
                }
                self.resume_at(now);
            }
        }
        true
    }

    fn leave_item(&mut self, now: i64) {
        let spent = self.spent_on(self.current, now);
        if let Some(slot) = self.spent.get_mut(self.current) {
            *slot = spent;
        }
    }

    fn resume_at(&mut self, now: i64) {
        if let Some(paused) = self.paused_at.take() {
            self.paused_total += now - paused;
        }
    }
}

/// A countdown as "m:ss" (rounded up, so a box shows "0:00" only when it is used up), or
/// the overrun as "+m:ss over" (rounded down).
pub fn countdown(left_ms: i64) -> String {
    if left_ms >= 0 {
        let seconds = (left_ms + 999) / 1000;
        format!("{}:{:02}", seconds / 60, seconds % 60)
    } else {
        let seconds = -left_ms / 1000;
        format!("+{}:{:02} over", seconds / 60, seconds % 60)
    }
}

/// A duration in words for screen readers: "2 minutes 15 seconds".
pub fn in_words(ms: i64) -> String {
    let seconds = ms.abs() / 1000;
    let (m, s) = (seconds / 60, seconds % 60);
    let unit = |n: i64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (m, s) {
        (0, s) => unit(s, "second"),
        (m, 0) => unit(m, "minute"),
        (m, s) => format!("{} {}", unit(m, "minute"), unit(s, "second")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_000_000;
    const MIN: i64 = 60_000;
    /// The standard 45-minute technical interview.
    const AGENDA: [i64; 5] = [2, 5, 18, 15, 5];

    fn started() -> ClockState {
        let mut clock = ClockState::default();
        assert!(clock.apply(Control::Start, 5, T0));
        clock
    }

    #[test]
    fn a_running_item_counts_down_and_then_over() {
        let clock = started();
        assert_eq!(clock.item_left(&AGENDA, 0, T0 + MIN), MIN);
        assert_eq!(countdown(clock.item_left(&AGENDA, 0, T0 + MIN)), "1:00");
        let over = clock.item_left(&AGENDA, 0, T0 + 4 * MIN + 15_000);
        assert_eq!(countdown(over), "+2:15 over");
        assert_eq!(in_words(over), "2 minutes 15 seconds");
        assert_eq!(clock.interview_left(45, T0 + 5 * MIN), 40 * MIN);
    }

    #[test]
    fn next_and_back_keep_each_items_time() {
        let mut clock = started();
        assert!(clock.apply(Control::Next { from: 0 }, 5, T0 + 3 * MIN));
        assert_eq!(clock.spent[0], 3 * MIN);
        assert_eq!(clock.current, 1);
        // A second device pressing Next from the same item changes nothing.
        assert!(!clock.apply(Control::Next { from: 0 }, 5, T0 + 3 * MIN + 500));
        assert!(clock.apply(Control::Back { from: 1 }, 5, T0 + 4 * MIN));
        assert_eq!(clock.current, 0);
        assert_eq!(clock.spent[1], MIN);
        // Back on item 0: it resumes at its 3 minutes used.
        assert_eq!(clock.spent_on(0, T0 + 5 * MIN), 4 * MIN);
        assert_eq!(clock.item_left(&AGENDA, 0, T0 + 5 * MIN), -2 * MIN);
    }

    #[test]
    fn paused_time_does_not_count() {
        let mut clock = started();
        assert!(clock.apply(Control::Pause, 5, T0 + MIN));
        assert_eq!(clock.elapsed(T0 + 10 * MIN), MIN);
        assert!(!clock.apply(Control::Pause, 5, T0 + 10 * MIN));
        assert!(clock.apply(Control::Resume, 5, T0 + 10 * MIN));
        assert_eq!(clock.elapsed(T0 + 11 * MIN), 2 * MIN);
        assert_eq!(clock.item_left(&AGENDA, 0, T0 + 11 * MIN), 0);
    }

    #[test]
    fn the_remaining_items_need_their_boxes_and_finishing_stops_the_clock() {
        let mut clock = started();
        assert_eq!(clock.remaining_need(&AGENDA, T0), 45 * MIN);
        assert!(clock.apply(Control::Next { from: 0 }, 5, T0 + 4 * MIN));
        // Two minutes over on the first item: 43 minutes of boxes remain, 41 minutes of time.
        assert_eq!(clock.remaining_need(&AGENDA, T0 + 4 * MIN), 43 * MIN);
        assert_eq!(clock.interview_left(45, T0 + 4 * MIN), 41 * MIN);
        for (from, minute) in (1..5).zip(5_i64..) {
            assert!(clock.apply(Control::Next { from }, 5, T0 + minute * MIN));
        }
        assert!(clock.finished());
        assert_eq!(clock.current, 5);
        let at_end = clock.elapsed(T0 + 8 * MIN);
        assert_eq!(clock.elapsed(T0 + 60 * MIN), at_end);
        // Going back reopens the last item without counting the time in between.
        assert!(clock.apply(Control::Back { from: 5 }, 5, T0 + 60 * MIN));
        assert_eq!(clock.current, 4);
        assert_eq!(clock.elapsed(T0 + 60 * MIN), at_end);
    }

    #[test]
    fn nothing_moves_before_the_start() {
        let mut clock = ClockState::default();
        assert!(!clock.apply(Control::Next { from: 0 }, 5, T0));
        assert!(!clock.apply(Control::Pause, 5, T0));
        assert!(!clock.apply(Control::Start, 0, T0));
        assert_eq!(clock.elapsed(T0 + MIN), 0);
        assert_eq!(countdown(0), "0:00");
        assert_eq!(countdown(1), "0:01");
    }
}
