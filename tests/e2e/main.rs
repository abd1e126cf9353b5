//! Hireloop's end-to-end suite. Every test runs twice: on SQLite and on PostgreSQL
//! (`sqlite::name`, `postgres::name`); filter with the usual `cargo test -- <pattern>`.
//!
//! A custom harness (libtest-mimic) lets the run start shared processes (the PostgreSQL
//! cluster, chromedriver) once and stop them, and remove every file, when the run ends —
//! also when tests fail.

mod access;
mod access_calls;
mod access_challenges;
mod access_live;
mod access_mail;
mod access_scorecards;
mod accessibility_ui;
mod accounts;
mod accounts_ui;
mod board;
mod challenge_assignments;
mod challenges;
mod challenges_search;
mod challenges_stats;
mod challenges_ui;
mod confidentiality;
mod confidentiality_feedback;
mod confidentiality_live;
mod docs;
mod fuzz;
mod live;
mod live_ui;
mod mail;
mod mail_delivery;
mod mail_privacy;
mod mail_ui;
mod pipeline;
mod pipeline_ui;
mod resumes;
mod scale;
mod scheduling;
mod scorecards;
mod scorecards_ui;
mod security;
mod support;
mod timezones;
mod users;

use hireloop_tests::{browser, postgres, scratch, Backend};
use libtest_mimic::{Arguments, Failed, Trial};
use std::process::ExitCode;
use std::time::Duration;
use support::Case;

/// No single test may run longer than this (the suite must never hang).
const TEST_TIMEOUT: Duration = Duration::from_mins(4);

fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(accounts::cases());
    cases.extend(live::cases());
    cases.extend(confidentiality_live::cases());
    cases.extend(challenge_assignments::cases());
    cases.extend(live_ui::cases());
    cases.extend(mail::cases());
    cases.extend(mail_delivery::cases());
    cases.extend(mail_privacy::cases());
    cases.extend(scorecards::cases());
    cases.extend(scorecards_ui::cases());
    cases.extend(confidentiality_feedback::cases());
    cases.extend(users::cases());
    cases.extend(accounts_ui::cases());
    cases.extend(pipeline::cases());
    cases.extend(resumes::cases());
    cases.extend(board::cases());
    cases.extend(challenges::cases());
    cases.extend(challenges_search::cases());
    cases.extend(challenges_stats::cases());
    cases.extend(challenges_ui::cases());
    cases.extend(scheduling::cases());
    cases.extend(timezones::cases());
    cases.extend(access::cases());
    cases.extend(confidentiality::cases());
    cases.extend(security::cases());
    cases.extend(fuzz::cases());
    cases.extend(scale::cases());
    cases.extend(pipeline_ui::cases());
    cases.extend(accessibility_ui::cases());
    cases.extend(mail_ui::cases());
    cases
}

fn run_case(case: Case, backend: Backend) -> Result<(), Failed> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("building a runtime: {e}"))?;
    let outcome = runtime
        .block_on(async move { tokio::time::timeout(TEST_TIMEOUT, (case.run)(backend)).await });
    runtime.shutdown_timeout(Duration::from_secs(5));
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(format!("{error:#}").into()),
        Err(_) => Err(format!("timed out after {} s", TEST_TIMEOUT.as_secs()).into()),
    }
}

/// `HIRELOOP_TEST_LOG=path` writes the servers' logs (`RUST_LOG` filter) to that file.
fn init_logging() {
    let Ok(path) = std::env::var("HIRELOOP_TEST_LOG") else {
        return;
    };
    let Ok(file) = std::fs::File::create(&path) else {
        eprintln!("cannot write the log to {path}");
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_thread_ids(true)
        .try_init();
}

fn main() -> ExitCode {
    // The mail tests start this binary again as a separate delivery process.
    if let Some(code) = mail_delivery::child_main() {
        return code;
    }
    init_logging();
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for backend in Backend::ALL {
        for case in all_cases() {
            let name = format!("{}::{}", backend.name(), case.name);
            let kind = if case.browser { "browser" } else { "http" };
            trials.push(Trial::test(name, move || run_case(case, backend)).with_kind(kind));
        }
    }
    trials.push(
        Trial::test("docs::readme_screenshot", || {
            run_case(
                Case {
                    name: "readme_screenshot",
                    browser: true,
                    run: |backend| Box::pin(docs::readme_screenshot(backend)),
                },
                Backend::Sqlite,
            )
        })
        .with_ignored_flag(true),
    );
    trials.push(
        Trial::test("docs::page_tour", || {
            run_case(
                Case {
                    name: "page_tour",
                    browser: true,
                    run: |backend| Box::pin(docs::page_tour(backend)),
                },
                Backend::Sqlite,
            )
        })
        .with_ignored_flag(true),
    );
    install_interrupt_cleanup();
    let conclusion = libtest_mimic::run(&args, trials);
    cleanup();
    conclusion.exit_code()
}

/// Stops everything the run started and removes its files.
fn cleanup() {
    browser::shutdown();
    postgres::shutdown();
    scratch::remove();
}

/// Ctrl-C or SIGTERM during a run still cleans up before exiting.
fn install_interrupt_cleanup() {
    std::thread::spawn(|| {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            else {
                return;
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        });
        eprintln!("interrupted: stopping test processes");
        cleanup();
        std::process::exit(130);
    });
}
