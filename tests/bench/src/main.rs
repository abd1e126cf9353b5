//! `make bench`: seeds a database at a company's scale, runs the release server, and loads
//! the pages people live in and a write mix with Goose, beside a bare axum + sqlx baseline
//! measured in the same run. Then the same on PostgreSQL with one and two server instances,
//! and the heaviest pages at other scales; and mail delivery: 10,000 due reminders sent to
//! an SMTP listener by `hireloop run-jobs --once` (one process, and two on PostgreSQL).
//! Prints Markdown tables and, with `--write`, puts them into `BENCHMARKS.md`. Exits with an
//! error when a reminder was lost or duplicated.

// Goose's attack is one large future awaited once per page; the reports turn counts and
// microseconds (far below 2^52) into floating-point rates.
#![allow(clippy::large_futures, clippy::cast_precision_loss)]

mod baseline;
mod count;
mod load;
mod mail;
mod pages;
mod report;
mod servers;

use anyhow::Context;
use clap::{Parser, Subcommand};
use count::{Counted, Counter};
use load::{Load, Measured};
use pages::{Targets, ANONYMOUS, PAGES, WRITES};
use report::Line;
use servers::{Baseline, Engine, Server};
use std::fmt::Write as _;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "hireloop-bench",
    about = "Hireloop under load, beside a bare baseline"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the baseline page (started by the benchmark itself).
    Baseline {
        #[arg(long)]
        database_url: String,
        #[arg(long)]
        port: u16,
        #[arg(long)]
        user_id: i64,
    },
}

#[derive(clap::Args, Clone)]
struct RunArgs {
    /// Data volume: 1 = 10,000 candidates, 2,000 openings, 30,000 applications, ...
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Seconds of load per page.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrent simulated users.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Which databases: sqlite, postgres (comma-separated).
    #[arg(long, default_value = "sqlite,postgres", value_delimiter = ',')]
    engines: Vec<String>,
    /// Also measure the heaviest pages at these other scales (SQLite).
    #[arg(long, value_delimiter = ',', default_value = "0.1,5")]
    growth: Vec<f64>,
    /// Skip the other scales.
    #[arg(long)]
    no_growth: bool,
    /// Only count statements and bytes (one request at a time), no load.
    #[arg(long)]
    count_only: bool,
    /// Only pages and writes whose name contains this text (or one of several, `a|b`);
    /// `Mail` selects the mail delivery benchmark.
    #[arg(long)]
    only: Option<String>,
    /// Due reminders the mail delivery benchmark queues and delivers.
    #[arg(long, default_value_t = 10_000)]
    mail_reminders: usize,
    /// SMTP connections of each delivery process (default: the server's own default).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=32))]
    mail_connections: Option<u32>,
    /// Write the tables into this file between its result markers.
    #[arg(long)]
    write: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Baseline {
            database_url,
            port,
            user_id,
        }) => baseline::serve(&database_url, port, user_id).await,
        None => run(cli.run).await,
    };
    hireloop_tests::postgres::shutdown();
    if let Err(error) = outcome {
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

fn selected(args: &RunArgs, name: &str) -> bool {
    args.only
        .as_ref()
        .is_none_or(|only| only.split('|').any(|part| name.contains(part)))
}

/// What one engine's run produced, for the later sections.
struct EngineRun {
    baseline: Measured,
    lines: Vec<Line>,
    database_url: String,
    targets: Arc<Targets>,
}

async fn run(args: RunArgs) -> anyhow::Result<()> {
    let load = Load {
        clients: args.clients,
        seconds: args.seconds,
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Run on {} ({} cores), commit {}, `--scale {} --clients {} --seconds {}`.\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
        git_commit(),
        args.scale,
        args.clients,
        args.seconds
    );
    out.push_str(&report::bundle(std::path::Path::new("target/site/pkg"))?);
    let mut sqlite_run = None;
    // Pages and writes run unless `--only` picked none of them (`--only Mail`).
    let any_page = PAGES.iter().any(|p| selected(&args, p.name))
        || WRITES.iter().any(|w| selected(&args, w.name));
    let mut mail_problems = Vec::new();
    for engine in &args.engines {
        let engine = match engine.as_str() {
            "sqlite" => Engine::Sqlite,
            "postgres" => Engine::Postgres,
            other => anyhow::bail!("unknown engine {other} (sqlite, postgres)"),
        };
        if any_page {
            let run = engine_run(&args, engine, load, &mut out).await?;
            if engine == Engine::Postgres && !args.count_only {
                two_instances(&args, &run, load, &mut out).await?;
            }
            if engine == Engine::Sqlite {
                sqlite_run = Some(run);
            }
        }
        if selected(&args, mail::NAME) && !args.count_only {
            let run = mail::bench(engine, args.mail_reminders, args.mail_connections).await?;
            out.push_str(&mail::report(engine, &run));
            mail_problems.extend(run.runs.iter().flat_map(mail::Delivery::problems));
        }
        if let Some(file) = &args.write {
            report::write_into(file, &out)?;
        }
    }
    if let Some(run) = sqlite_run {
        if !args.growth.is_empty() && !args.no_growth && !args.count_only {
            growth(&args, &run, load, &mut out).await?;
        }
    }
    println!("{out}");
    if let Some(file) = &args.write {
        report::write_into(file, &out)?;
        eprintln!("Wrote the results into {}", file.display());
    }
    if !mail_problems.is_empty() {
        anyhow::bail!(
            "mail delivery was not exactly once: {}",
            mail_problems.join("; ")
        );
    }
    Ok(())
}

fn git_commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(servers::root())
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}

async fn connect(url: &str) -> anyhow::Result<sqlx::AnyPool> {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new()
        .max_connections(2)
        .connect(url)
        .await
        .context("connecting to the benchmark database")
}

/// Seeds and finds the records to load.
async fn prepare(
    engine: Engine,
    scale: f64,
    out: &mut String,
) -> anyhow::Result<(String, Arc<Targets>)> {
    let url = servers::new_database(engine, &format!("scale-{scale}")).await?;
    eprintln!("Seeding {} at scale {scale} ...", engine.label());
    let seconds = servers::seed(&url, scale)?;
    let _ = writeln!(
        out,
        "Seeding {} at scale {scale}: {seconds:.1} s.\n",
        engine.label()
    );
    let db = connect(&url).await?;
    let targets = Arc::new(Targets::find(&db, chrono::Utc::now().timestamp()).await?);
    db.close().await;
    Ok((url, targets))
}

/// Statements and bytes of every selected page and write, one request at a time.
async fn count_all(
    args: &RunArgs,
    url: &str,
    targets: &Targets,
) -> anyhow::Result<(Vec<Counted>, Vec<Counted>)> {
    let server = Server::start("count", url, true).await?;
    let counter = Counter::new(&server.url())?;
    let mut pages = Vec::new();
    for page in PAGES {
        pages.push(if selected(args, page.name) {
            counter.page(page, targets).await?
        } else {
            Counted::default()
        });
    }
    reset_moves(url, targets).await?;
    let mut writes = Vec::new();
    for write in WRITES {
        writes.push(if selected(args, write.name) {
            counter.write(write, targets).await?
        } else {
            Counted::default()
        });
    }
    server.stop();
    Ok((pages, writes))
}

async fn reset_moves(url: &str, targets: &Targets) -> anyhow::Result<()> {
    let db = connect(url).await?;
    pages::reset_moves(&db, targets).await?;
    db.close().await;
    Ok(())
}

async fn measure_baseline(url: &str, targets: &Targets, load: Load) -> anyhow::Result<Measured> {
    let baseline = Baseline::start(url, targets.ivan).await?;
    let measured = load::read(
        load,
        &[baseline.url()],
        ANONYMOUS,
        "/my-interviews",
        "Baseline",
    )
    .await?;
    baseline.stop();
    load::settle().await;
    Ok(measured)
}

async fn engine_run(
    args: &RunArgs,
    engine: Engine,
    load: Load,
    out: &mut String,
) -> anyhow::Result<EngineRun> {
    let (url, targets) = prepare(engine, args.scale, out).await?;
    eprintln!("Counting statements ...");
    let (page_counts, write_counts) = count_all(args, &url, &targets).await?;
    if args.count_only {
        let lines: Vec<Line> = PAGES
            .iter()
            .zip(page_counts)
            .map(|(p, c)| (p.name.to_owned(), c, false))
            .chain(
                WRITES
                    .iter()
                    .zip(write_counts)
                    .map(|(w, c)| (format!("Write: {}", w.name), c, true)),
            )
            .filter(|(name, ..)| selected(args, name))
            .map(|(name, counted, is_write)| Line {
                name,
                measured: Measured::default(),
                counted,
                rss_mb: 0.0,
                is_write,
            })
            .collect();
        out.push_str(&report::table(
            &format!("{} (counts only)", engine.label()),
            &Measured::default(),
            &lines,
        ));
        return Ok(EngineRun {
            baseline: Measured::default(),
            lines,
            database_url: url,
            targets,
        });
    }

    eprintln!("Baseline ...");
    let before = measure_baseline(&url, &targets, load).await?;
    let server = Server::start("load", &url, false).await?;
    let mut lines = Vec::new();
    for (page, counted) in PAGES.iter().zip(page_counts) {
        if !selected(args, page.name) {
            continue;
        }
        eprintln!("{} ...", page.name);
        let path = (page.path)(&targets);
        let measured = load::read(load, &[server.url()], page.user, &path, page.name).await?;
        lines.push(Line {
            name: page.name.to_owned(),
            measured,
            counted,
            rss_mb: server.peak_rss_mb(),
            is_write: false,
        });
        load::settle().await;
    }
    if WRITES.iter().any(|w| selected(args, w.name)) {
        eprintln!("Write mix ...");
        reset_moves(&url, &targets).await?;
        let measured = load::writes(load, &[server.url()], &targets, 1).await?;
        for ((name, measured), counted) in measured.into_iter().zip(write_counts) {
            lines.push(Line {
                name: format!("Write: {name}"),
                measured,
                counted,
                rss_mb: server.peak_rss_mb(),
                is_write: true,
            });
        }
    }
    server.stop();
    load::settle().await;
    let after = measure_baseline(&url, &targets, load).await?;
    // The baseline before and after the pages, averaged: drift of the machine cancels out.
    let baseline = Measured {
        requests: before.requests + after.requests,
        failures: before.failures + after.failures,
        per_second: f64::midpoint(before.per_second, after.per_second),
        p50_ms: f64::midpoint(before.p50_ms, after.p50_ms),
        p99_ms: f64::midpoint(before.p99_ms, after.p99_ms),
        errors: before.errors,
    };
    out.push_str(&report::table(
        &format!(
            "{}, scale {}, {} clients",
            engine.label(),
            args.scale,
            load.clients
        ),
        &baseline,
        &lines,
    ));
    Ok(EngineRun {
        baseline,
        lines,
        database_url: url,
        targets,
    })
}

/// Two server instances on one PostgreSQL: throughput against one instance, and the
/// things that must hold across instances.
async fn two_instances(
    args: &RunArgs,
    one: &EngineRun,
    load: Load,
    out: &mut String,
) -> anyhow::Result<()> {
    let a = Server::start("a", &one.database_url, false).await?;
    let b = Server::start("b", &one.database_url, false).await?;
    let hosts = [a.url(), b.url()];
    let _ = writeln!(
        out,
        "#### PostgreSQL, two server instances on one database\n\n\
         The load generator spreads its {} users evenly over both instances (on this 2-core \
         machine both instances and the load generator share the same cores).\n",
        load.clients
    );
    let _ = writeln!(
        out,
        "| Page or write | one instance req/s | two instances req/s | two: p99 ms | failures |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    let chosen = [
        "My interviews (busiest interviewer)",
        "Board (800 applications)",
        "Application",
    ];
    for page in PAGES
        .iter()
        .filter(|p| chosen.contains(&p.name) && selected(args, p.name))
    {
        eprintln!("Two instances: {} ...", page.name);
        let path = (page.path)(&one.targets);
        let two = load::read(load, &hosts, page.user, &path, page.name).await?;
        let single = one
            .lines
            .iter()
            .find(|l| l.name == page.name)
            .map_or(0.0, |l| l.measured.per_second);
        let _ = writeln!(
            out,
            "| {} | {single:.0} | {:.0} | {:.2} | {} |",
            page.name, two.per_second, two.p99_ms, two.failures
        );
        load::settle().await;
    }
    if WRITES.iter().any(|w| selected(args, w.name)) {
        eprintln!("Two instances: write mix ...");
        reset_moves(&one.database_url, &one.targets).await?;
        for (name, two) in load::writes(load, &hosts, &one.targets, 2).await? {
            let single = one
                .lines
                .iter()
                .find(|l| l.name == format!("Write: {name}"))
                .map_or(0.0, |l| l.measured.per_second);
            let _ = writeln!(
                out,
                "| Write: {name} | {single:.0} | {:.0} | {:.2} | {} |",
                two.per_second, two.p99_ms, two.failures
            );
        }
    }
    out.push('\n');
    let checks = crate::count::cross_instance_checks(&a.url(), &b.url(), &one.targets).await?;
    for check in checks {
        let _ = writeln!(out, "- {check}");
    }
    out.push('\n');
    a.stop();
    b.stop();
    Ok(())
}

/// The heaviest pages (by p99 at the main scale) at other scales: how cost grows with data.
async fn growth(
    args: &RunArgs,
    main: &EngineRun,
    load: Load,
    out: &mut String,
) -> anyhow::Result<()> {
    let mut reads: Vec<&Line> = main.lines.iter().filter(|l| !l.is_write).collect();
    reads.sort_by(|x, y| y.measured.p99_ms.total_cmp(&x.measured.p99_ms));
    let heaviest: Vec<String> = reads.iter().take(3).map(|l| l.name.clone()).collect();
    let short = Load {
        clients: load.clients,
        seconds: load.seconds.div_ceil(2).max(3),
    };
    let mut rows: Vec<(f64, String, Measured, Counted)> = Vec::new();
    for line in main.lines.iter().filter(|l| heaviest.contains(&l.name)) {
        rows.push((
            args.scale,
            line.name.clone(),
            line.measured.clone(),
            line.counted,
        ));
    }
    for &scale in &args.growth {
        let mut notes = String::new();
        let (url, targets) = prepare(Engine::Sqlite, scale, &mut notes).await?;
        let server = Server::start("count", &url, true).await?;
        let counter = Counter::new(&server.url())?;
        let mut page_counts = Vec::new();
        for page in PAGES
            .iter()
            .filter(|p| heaviest.iter().any(|h| h == p.name))
        {
            page_counts.push((page, counter.page(page, &targets).await?));
        }
        server.stop();
        let server = Server::start("load", &url, false).await?;
        for (page, counts) in page_counts {
            eprintln!("Scale {scale}: {} ...", page.name);
            let path = (page.path)(&targets);
            let measured = load::read(short, &[server.url()], page.user, &path, page.name).await?;
            rows.push((scale, page.name.to_owned(), measured, counts));
            load::settle().await;
        }
        server.stop();
        out.push_str(&notes);
    }
    rows.sort_by(|x, y| x.1.cmp(&y.1).then(x.0.total_cmp(&y.0)));
    let _ = writeln!(
        out,
        "#### How cost grows with data (SQLite, the three heaviest pages)\n\n\
         | Page | scale | req/s | p50 ms | p99 ms | SQL / req | KB |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for (scale, name, m, c) in rows {
        let _ = writeln!(
            out,
            "| {name} | {scale} | {:.0} | {:.2} | {:.2} | {} | {:.1} |",
            m.per_second,
            m.p50_ms,
            m.p99_ms,
            c.statements,
            c.bytes as f64 / 1000.0
        );
    }
    let _ = writeln!(
        out,
        "\n(Baseline at scale {}: {:.0} req/s.)\n",
        args.scale, main.baseline.per_second
    );
    Ok(())
}
