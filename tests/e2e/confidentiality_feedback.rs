//! placeholder

use crate::cases;

cases! {
    http: [],
    browser: [],
}
