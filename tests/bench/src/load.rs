//! Driving the servers with Goose: simulated users sign in once, then load one page (or
//! make writes) as fast as the server answers, for a fixed time. Each request is timed
//! from sending to the last byte of the body.

use crate::pages::{Targets, Write, WriterState, PASSWORD, WRITES};
use goose::config::GooseConfiguration;
use goose::goose::{GooseUser, Scenario, Transaction, TransactionFunction};
use goose::metrics::GooseMetrics;
use goose::prelude::{GooseAttack, TransactionError, TransactionResult};
use rand::SeedableRng;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How hard and how long to push.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub clients: usize,
    pub seconds: u64,
}

/// What one page or write measured.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    pub requests: usize,
    pub failures: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// A few distinct failure messages.
    pub errors: Vec<String>,
}

type Boxed<'r> = Pin<Box<dyn Future<Output = TransactionResult> + Send + 'r>>;

fn function<F>(f: F) -> TransactionFunction
where
    F: for<'r> Fn(&'r mut GooseUser) -> Boxed<'r> + Send + Sync + 'static,
{
    Arc::new(f)
}

#[allow(clippy::unnecessary_box_returns)] // Goose's transactions fail with this box.
fn custom_error(message: String) -> Box<TransactionError> {
    Box::new(TransactionError::Custom(message))
}

fn origin(user: &GooseUser) -> String {
    user.base_url.origin().ascii_serialization()
}

/// Posts a server function's form the way the browser bundle does (JSON answer).
async fn post(
    user: &GooseUser,
    path: &str,
    body: String,
) -> Result<(u16, String), Box<TransactionError>> {
    let url = user
        .base_url
        .join(path)
        .map_err(|e| custom_error(e.to_string()))?;
    let response = user
        .client
        .post(url)
        .header("Origin", origin(user))
        .header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|e| custom_error(e.to_string()))?;
    let status = response.status().as_u16();
    let text = response
        .text()
        .await
        .map_err(|e| custom_error(e.to_string()))?;
    Ok((status, text))
}

async fn sign_in(user: &mut GooseUser, email: &'static str) -> TransactionResult {
    let body = serde_qs::to_string(&app::auth::api::Login {
        input: app::auth::LoginInput {
            email: email.into(),
            password: PASSWORD.into(),
            next: "/".into(),
        },
    })
    .map_err(|e| custom_error(e.to_string()))?;
    let path = <app::auth::api::Login as leptos::server_fn::ServerFn>::PATH;
    let (status, text) = post(user, path, body).await?;
    if status != 200 {
        return Err(custom_error(format!(
            "signing in as {email}: {status} {text}"
        )));
    }
    Ok(())
}

/// Loads `path` and records the whole exchange under `PAGE <name>`. A redirect to the
/// sign-in page counts as a failure (the session was lost).
async fn read_page(user: &mut GooseUser, path: &str, name: &str) -> TransactionResult {
    let url = user
        .base_url
        .join(path)
        .map_err(|e| custom_error(e.to_string()))?;
    let started = Instant::now();
    let outcome = match user
        .client
        .get(url)
        .header("Accept", "text/html")
        .send()
        .await
    {
        Ok(response) => {
            let status = response.status().as_u16();
            let landed = response.url().path().to_owned();
            match response.bytes().await {
                Ok(_) if status == 200 && (landed == path || !landed.starts_with("/login")) => {
                    Ok(status)
                }
                Ok(_) => Err((status, format!("{status} at {landed}"))),
                Err(e) => Err((status, e.to_string())),
            }
        }
        Err(e) => Err((0, e.to_string())),
    };
    let elapsed = started.elapsed();
    let (ok, status, error) = match outcome {
        Ok(status) => (true, status, None),
        Err((status, error)) => (false, status, Some(error)),
    };
    if let Some(error) = &error {
        note_failure(name, error);
    }
    user.record_custom_request_duration("PAGE", name, elapsed, ok, Some(status), error.as_deref())
        .await
}

async fn make_write(
    user: &mut GooseUser,
    targets: &Targets,
    write: &Write,
    run: usize,
) -> TransactionResult {
    let mut state = user
        .get_session_data::<WriterState>()
        .cloned()
        .unwrap_or_else(|| WriterState {
            index: user.weighted_users_index,
            run,
            rng: rand::rngs::StdRng::seed_from_u64(user.weighted_users_index as u64),
            calls: 0,
        });
    let call = (write.call)(targets, &mut state);
    state.calls += 1;
    user.set_session_data(state);
    let (path, body) = call.map_err(|e| custom_error(format!("{e:#}")))?;
    let started = Instant::now();
    let outcome = post(user, &path, body).await;
    let elapsed = started.elapsed();
    let (ok, status, error) = match outcome {
        Ok((200, _)) => (true, 200, None),
        Ok((status, text)) => (false, status, Some(format!("{status}: {text}"))),
        Err(e) => (false, 0, Some(e.to_string())),
    };
    if let Some(error) = &error {
        note_failure(write.name, error);
    }
    user.record_custom_request_duration(
        "WRITE",
        write.name,
        elapsed,
        ok,
        Some(status),
        error.as_deref(),
    )
    .await
}

/// Failures seen, a few per page or write (reported under the tables).
static FAILURES: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

fn note_failure(name: &str, error: &str) {
    if let Ok(mut failures) = FAILURES.lock() {
        if failures.iter().filter(|(n, _)| n == name).count() < 3 {
            failures.push((name.to_owned(), error.chars().take(200).collect()));
        }
    }
}

/// The failures noted for `name` since the last call for it.
fn take_failures(name: &str) -> Vec<String> {
    FAILURES.lock().map_or_else(
        |_| Vec::new(),
        |mut failures| {
            let (mine, rest): (Vec<_>, Vec<_>) = failures.drain(..).partition(|(n, _)| n == name);
            *failures = rest;
            mine.into_iter().map(|(_, e)| e).collect()
        },
    )
}

fn configuration(load: Load) -> GooseConfiguration {
    let mut config = GooseConfiguration::default();
    config.users = Some(load.clients);
    // Start every user at once; Goose resets the counts once all have started.
    config.increase_rate = Some("1000".into());
    config.run_time = Some(load.seconds.to_string());
    config.quiet = 1;
    config.no_print_metrics = true;
    config.no_error_summary = true;
    config.no_telnet = true;
    config.no_transaction_metrics = true;
    config.no_scenario_metrics = true;
    config.timeout = Some("30".into());
    config
}

async fn attack(load: Load, scenarios: Vec<Scenario>) -> anyhow::Result<GooseMetrics> {
    let mut attack = GooseAttack::initialize_with_config(configuration(load))?;
    for scenario in scenarios {
        attack = attack.register_scenario(scenario);
    }
    Ok(attack.execute().await?)
}

fn measured(metrics: &GooseMetrics, key: &str, seconds: u64) -> Measured {
    let Some(aggregate) = metrics.requests.get(key) else {
        return Measured::default();
    };
    let data = &aggregate.raw_data;
    let duration = if metrics.duration > 0 {
        metrics.duration as f64
    } else {
        seconds as f64
    };
    let name = key.split_once(' ').map_or(key, |(_, name)| name);
    let errors = take_failures(name);
    Measured {
        requests: aggregate.success_count + aggregate.fail_count,
        failures: aggregate.fail_count,
        per_second: data.counter as f64 / duration,
        p50_ms: data.percentile_us(0.50) as f64 / 1000.0,
        p99_ms: data.percentile_us(0.99) as f64 / 1000.0,
        errors,
    }
}

/// `clients` users load `path` as `email` (empty: anonymous), spread over `hosts`.
pub async fn read(
    load: Load,
    hosts: &[String],
    email: &'static str,
    path: &str,
    name: &'static str,
) -> anyhow::Result<Measured> {
    let scenarios = hosts
        .iter()
        .enumerate()
        .map(|(n, host)| {
            let mut scenario = Scenario::new(&format!("{name} #{n}")).set_host(host);
            if !email.is_empty() {
                scenario = scenario.register_transaction(
                    Transaction::new(function(move |user| Box::pin(sign_in(user, email))))
                        .set_on_start(),
                );
            }
            let path = path.to_owned();
            scenario.register_transaction(Transaction::new(function(move |user| {
                let path = path.clone();
                Box::pin(async move { read_page(user, &path, name).await })
            })))
        })
        .collect();
    let metrics = attack(load, scenarios).await?;
    Ok(measured(&metrics, &format!("PAGE {name}"), load.seconds))
}

/// The write mix: each write's users sign in as its author and repeat it. `run` tells
/// runs on the same database apart (they book other slots).
pub async fn writes(
    load: Load,
    hosts: &[String],
    targets: &Arc<Targets>,
    run: usize,
) -> anyhow::Result<Vec<(&'static str, Measured)>> {
    let mut scenarios = Vec::new();
    for (w, write) in WRITES.iter().enumerate() {
        for (n, host) in hosts.iter().enumerate() {
            let targets = Arc::clone(targets);
            let email = write.user;
            scenarios.push(
                Scenario::new(&format!("{} #{n}", write.name))
                    .set_host(host)
                    .register_transaction(
                        Transaction::new(function(move |user| Box::pin(sign_in(user, email))))
                            .set_on_start(),
                    )
                    .register_transaction(Transaction::new(function(move |user| {
                        let targets = Arc::clone(&targets);
                        Box::pin(async move { make_write(user, &targets, &WRITES[w], run).await })
                    }))),
            );
        }
    }
    let metrics = attack(load, scenarios).await?;
    Ok(WRITES
        .iter()
        .map(|w| {
            (
                w.name,
                measured(&metrics, &format!("WRITE {}", w.name), load.seconds),
            )
        })
        .collect())
}

/// A pause between runs, so one run's tail does not fall into the next.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}
