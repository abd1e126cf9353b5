//! Accounts in a real browser (headless Chromium).

use crate::cases;

cases! {
    http: [],
    browser: [],
}
