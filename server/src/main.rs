//! The `hireloop` command line.

use anyhow::Context;
use clap::{Parser, Subcommand};
use hireloop::config::Settings;
use hireloop::metrics::{self, StatementCounter};
use hireloop::runner::{JobContext, Runner};
use hireloop::startup::{prepare_database, Application};
use std::net::SocketAddr;
use std::path::PathBuf;
use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

/// The allocator: under load the system allocator's arenas were shared between the runtime's
/// threads and SQLite's worker threads, and a fifth of a busy page's time went to them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Hireloop: interview and hiring pipeline tracker.
#[derive(Parser)]
#[command(name = "hireloop", version, about)]
struct Cli {
    /// A TOML configuration file (default: ./hireloop.toml when present).
    #[arg(long, global = true, env = "HIRELOOP_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080 (overrides HIRELOOP_ADDR).
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Create an admin account. The password comes from HIRELOOP_ADMIN_PASSWORD or a prompt.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// IANA time zone, e.g. Europe/Berlin.
        #[arg(long, default_value = "UTC")]
        timezone: String,
    },
    /// Load a small demo data set (safe to run again).
    DemoData {
        /// Also load a company's years of hiring, for benchmarks: 1 = 10,000 candidates,
        /// 2,000 openings, 30,000 applications, 50,000 interviews, 250,000 audit rows.
        #[arg(long)]
        scale: Option<f64>,
    },
    /// Run the background jobs (as `serve` does periodically), for cron or a one-off.
    RunJobs {
        /// Run every job once and exit (the only mode for now; `serve` runs them on a timer).
        #[arg(long)]
        once: bool,
    },
}

#[tokio::main]
async fn main() {
    if let Err(error) = run(Cli::parse()).await {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

/// Logs to standard error (`RUST_LOG` filters); with `count_queries`, also counts the
/// statements sqlx runs.
fn init_tracing(count_queries: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let log = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter);
    let counter = count_queries.then(|| {
        StatementCounter.with_filter(Targets::new().with_target(metrics::TARGET, Level::DEBUG))
    });
    tracing_subscriber::registry()
        .with(log)
        .with(counter)
        .init();
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = Settings::load(cli.config.as_deref())?;
    init_tracing(settings.count_queries);
    match cli.command.unwrap_or(Command::Serve { addr: None }) {
        Command::Serve { addr } => {
            if let Some(addr) = addr {
                settings.addr = addr;
            }
            let app = Application::build(settings.clone()).await?;
            tracing::info!(
                "Hireloop listening on http://{}:{}",
                settings.addr.ip(),
                app.port()
            );
            app.run_until_stopped().await
        }
        Command::Migrate => {
            prepare_database(&settings).await?;
            println!("The database schema is up to date.");
            Ok(())
        }
        Command::CreateAdmin {
            email,
            name,
            timezone,
        } => {
            let password = if let Ok(password) = std::env::var("HIRELOOP_ADMIN_PASSWORD") {
                password
            } else {
                let first = rpassword::prompt_password("Password for the new admin: ")
                    .context("reading the password")?;
                let second =
                    rpassword::prompt_password("Repeat it: ").context("reading the password")?;
                if first != second {
                    anyhow::bail!("the two passwords do not match");
                }
                first
            };
            let db = prepare_database(&settings).await?;
            let input = app::auth::AdminInput {
                name,
                email: email.clone(),
                timezone,
                password: password.clone(),
                password_confirm: password,
            };
            let now = app::clock::Clock::system().now();
            match app::auth::service::create_admin(&db, &input, now).await {
                Ok(_) => {
                    println!("Created admin {email}.");
                    Ok(())
                }
                Err(app::error::AppError::Invalid(fields)) => {
                    let problems: Vec<String> = fields
                        .iter()
                        .map(|(field, message)| format!("{field}: {message}"))
                        .collect();
                    anyhow::bail!("{}", problems.join("; "))
                }
                Err(other) => anyhow::bail!("{other}"),
            }
        }
        Command::DemoData { scale } => {
            let db = prepare_database(&settings).await?;
            let created = if let Some(scale) = scale {
                let report = hireloop::demo::scale::seed(&db, scale).await?;
                println!("Loaded scale {scale} in {:.1} s:", report.seconds);
                for (what, rows) in &report.rows {
                    println!("  {what:<22} {rows:>9}");
                }
                0
            } else {
                hireloop::demo::seed(&db).await?
            };
            println!("Demo data ready ({created} new accounts). Sign in with any of:");
            for user in hireloop::demo::DEMO_USERS {
                println!(
                    "  {:<24} {:<9} {}",
                    user.email,
                    user.role.as_str(),
                    user.does
                );
            }
            println!("Password for all: {}", hireloop::demo::DEMO_PASSWORD);
            Ok(())
        }
        Command::RunJobs { once } => {
            if !once {
                anyhow::bail!(
                    "use `hireloop run-jobs --once` (a running `hireloop serve` already runs them on a timer)"
                );
            }
            let db = prepare_database(&settings).await?;
            let base = settings.public_base_url(settings.addr);
            let runner = Runner::standard(JobContext {
                db,
                clock: app::clock::Clock::system(),
                mailer: std::sync::Arc::new(settings.mailer(&base)?),
                base_url: base,
                mail_every: std::time::Duration::from_secs(settings.mail_poll_secs.max(1)),
                // Once: until nothing is due.
                mail_budget: std::time::Duration::from_hours(1),
            });
            let mut failed = 0;
            for outcome in runner.run_once().await {
                match outcome.result {
                    Ok(report) => println!("{}: {report}", outcome.job),
                    Err(error) => {
                        failed += 1;
                        println!("{}: failed: {error:#}", outcome.job);
                    }
                }
            }
            if failed > 0 {
                anyhow::bail!("{failed} background job(s) failed");
            }
            Ok(())
        }
    }
}
