//! The one source of "now" on the server. Services and pages take the time from here (or as
//! an argument that came from here), never from the system clock directly, so tests can move
//! time forward — the live agenda timer, overdue feedback and reminders all depend on it —
//! without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A clock that reads the system time plus an adjustable offset (always zero in production).
/// Cheap to clone; clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_millis: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// The current time as UTC Unix seconds, the representation stored in the database.
    pub fn now(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }

    /// The current time as UTC Unix milliseconds (for the live agenda timer).
    pub fn now_millis(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.offset_millis.load(Ordering::Relaxed)
    }

    /// Moves this clock (and every clone of it) forward by `seconds` (backwards if negative).
    pub fn advance(&self, seconds: i64) {
        self.offset_millis
            .fetch_add(seconds.saturating_mul(1000), Ordering::Relaxed);
    }

    /// Sets this clock (and every clone) so that it now reads `unix_seconds`; time flows on
    /// from there.
    pub fn set(&self, unix_seconds: i64) {
        let system = chrono::Utc::now().timestamp_millis();
        self.offset_millis.store(
            unix_seconds.saturating_mul(1000) - system,
            Ordering::Relaxed,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_offset() {
        let clock = Clock::system();
        let other = clock.clone();
        let before = clock.now();
        other.advance(3600);
        let after = clock.now();
        assert!((3600..3602).contains(&(after - before)), "{before} {after}");
        clock.set(1_000_000);
        assert!((1_000_000..1_000_002).contains(&other.now()));
        assert_eq!(other.now_millis().div_euclid(1000), other.now());
    }
}
