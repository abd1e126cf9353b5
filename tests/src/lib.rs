//! Support for Hireloop's end-to-end tests: a throwaway PostgreSQL cluster, the real server
//! on port 0 with its own database, HTTP clients with cookies, and headless Chromium.
//!
//! Everything started here is stopped and its files removed when the test binary ends,
//! whether the tests passed or not (see `e2e/main.rs`).

pub mod app;
pub mod browser;
pub mod fixture;
pub mod postgres;
pub mod scratch;
pub mod smtp;

pub use app::{spawn_app, Answer, Backend, Digest, Options, TestApp, TestUser};
pub use browser::Browser;
pub use fixture::Fixture;

/// Result type of test bodies: any error fails the test with its message.
pub type TestResult = anyhow::Result<()>;
