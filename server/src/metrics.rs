//! Counting the SQL statements the server runs, for the benchmark's "queries per request".
//!
//! sqlx logs every statement it executes as a tracing event with the target `sqlx::query`
//! (for SQLite on its worker thread, so the count cannot be tied to a request's task). With
//! `count_queries` on, a tracing layer counts those events process-wide and
//! `/debug/statements` answers the total; the benchmark reads it before and after requests
//! it sends one at a time. Off by default: sqlx then skips formatting the statements.

use std::sync::atomic::{AtomicU64, Ordering};
use tracing::Subscriber;
use tracing_subscriber::layer::Context;
use tracing_subscriber::Layer;

static STATEMENTS: AtomicU64 = AtomicU64::new(0);

/// The tracing target sqlx logs statements under.
pub const TARGET: &str = "sqlx::query";

/// Counts statement events (give it a filter that lets only [`TARGET`] through).
pub struct StatementCounter;

impl<S: Subscriber> Layer<S> for StatementCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() == TARGET {
            STATEMENTS.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Statements counted since the process started.
pub fn statements() -> u64 {
    STATEMENTS.load(Ordering::Relaxed)
}

/// The handler of `/debug/statements`.
pub async fn statements_handler() -> String {
    statements().to_string()
}
