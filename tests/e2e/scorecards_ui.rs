//! Scorecards and the debrief in a real browser.

use crate::cases;

cases! {
    http: [],
    browser: [],
}
