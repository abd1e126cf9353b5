//! Mail delivery at volume: 10,000 prep reminders due at once, delivered by the release
//! `hireloop run-jobs --once` to an SMTP listener inside this process. Every run checks that
//! each reminder arrived exactly once (by Message-ID, against the outbox rows) and at its
//! row's recipient. On PostgreSQL the same again with two delivery processes started
//! together on the one database.
//!
//! The data is the demo company at scale 1 (`hireloop demo-data --scale 1`, as the pages
//! use), whose outbox already holds the prep reminders of every past interview, sent: the
//! claim has to find the due rows among a company's history. 10,000 interviewer
//! assignments of interviews that were not cancelled, to active accounts that are not the
//! candidate's current manager, the latest interviews first, each get the prep reminder the
//! app queues when an interview's lead time has already passed
//! (`prep:<assignment>:<sequence>:now`), written with `app::mail::outbox::queue` in one
//! transaction, due now. Mail the demo's own interviews queued that would fall due during
//! the run is set aside first, so that exactly the 10,000 go out.

use crate::servers::{self, Engine};
use anyhow::{bail, Context};
use app::db::Db;
use app::mail::outbox::{self, NewMail};
use app::mail::MailKind;
use hireloop_tests::smtp::{SmtpListener, SmtpOptions};
use sqlx::Executor as _;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The name `--only` matches.
pub const NAME: &str = "Mail delivery";
/// The demo data's scale: enough interviews for 10,000 reminders whatever `--scale` says.
const SCALE: f64 = 1.0;
/// The target from the issue: all delivered in under a minute.
pub const TARGET_SECONDS: f64 = 60.0;
/// A run that has not finished after this long is stopped and counted as failed: a minute,
/// and 50 ms a reminder (ten times the target's pace).
fn timeout(reminders: usize) -> Duration {
    Duration::from_mins(1)
        + Duration::from_millis(50) * u32::try_from(reminders).unwrap_or(u32::MAX)
}
/// How often the listener and the processes are looked at while a run goes on.
const POLL: Duration = Duration::from_millis(5);

/// One delivery run.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub engine: Engine,
    pub processes: usize,
    pub reminders: usize,
    /// From spawning the processes until the last one exited.
    pub seconds: f64,
    /// From spawning until the listener held every reminder (none if it never did).
    pub all_received_after: Option<f64>,
    /// From spawning until the first message arrived (start-up: connect, migrate check).
    pub first_received_after: Option<f64>,
    /// Messages the listener accepted.
    pub received: usize,
    /// Outbox rows marked sent.
    pub sent_rows: usize,
    /// Rows whose Message-ID never arrived.
    pub lost: usize,
    /// Copies beyond the first of a Message-ID.
    pub duplicated: usize,
    /// Messages whose Message-ID matches no row (or that have none).
    pub unknown: usize,
    /// Messages whose envelope recipient is not their row's recipient.
    pub misaddressed: usize,
    /// Rows claimed more than once (a lease taken over, or a retry).
    pub claimed_again: usize,
    /// What each process's deliver-mail job reported ("N sent, ...").
    pub reports: Vec<String>,
    /// Whether every process exited successfully in time.
    pub exited_ok: bool,
}

impl Delivery {
    /// Reminders per second, spawn to exit.
    pub fn per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.reminders as f64 / self.seconds
        } else {
            0.0
        }
    }

    /// Correctness: nothing lost, duplicated, unknown or misaddressed, every row sent.
    pub fn problems(&self) -> Vec<String> {
        let what = format!(
            "{}, {} process{}",
            self.engine.label(),
            self.processes,
            if self.processes == 1 { "" } else { "es" }
        );
        let mut problems = Vec::new();
        if !self.exited_ok {
            problems.push(format!("{what}: a delivery process failed or timed out"));
        }
        for (count, label) in [
            (self.lost, "lost"),
            (self.duplicated, "duplicated"),
            (self.unknown, "unknown Message-IDs received"),
            (self.misaddressed, "delivered to the wrong recipient"),
        ] {
            if count > 0 {
                problems.push(format!("{what}: {count} {label}"));
            }
        }
        if self.sent_rows != self.reminders {
            problems.push(format!(
                "{what}: {} of {} outbox rows marked sent",
                self.sent_rows, self.reminders
            ));
        }
        problems
    }

    /// Under a minute, and correct.
    pub fn met(&self) -> bool {
        self.seconds < TARGET_SECONDS && self.problems().is_empty()
    }
}

/// What one engine's mail benchmark produced.
pub struct MailRun {
    pub runs: Vec<Delivery>,
    pub seed_seconds: f64,
    /// Outbox rows the seeded data holds (sent history and the demo's queued mail).
    pub history: i64,
    /// Of those, waiting rows that would have fallen due during the run, set aside.
    pub set_aside: u64,
    /// SMTP connections per process (`HIRELOOP_SMTP_CONNECTIONS`; none: the default).
    pub connections: Option<u32>,
    pub queue_seconds: Vec<f64>,
    /// Of the chosen reminders, how many are for interviews still to come.
    pub upcoming: usize,
}

/// An assignment that gets a reminder.
struct Pick {
    assignment_id: i64,
    user_id: i64,
    interview_id: i64,
    application_id: i64,
    stage_id: i64,
    sequence: i64,
}

/// Seeds a fresh `engine` database, then delivers `reminders` due reminders with one
/// process (and, on PostgreSQL, with two), each with `connections` SMTP connections (none:
/// the server's default).
pub async fn bench(
    engine: Engine,
    reminders: usize,
    connections: Option<u32>,
) -> anyhow::Result<MailRun> {
    let url = servers::new_database(engine, "mail").await?;
    eprintln!(
        "Mail delivery: seeding {} at scale {SCALE} ...",
        engine.label()
    );
    let seed_seconds = servers::seed(&url, SCALE)?;
    let db = app::db::connect(&url, 2).await?;
    let now = chrono::Utc::now().timestamp();
    let history: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox")
        .fetch_one(&db)
        .await?;
    // Nothing but the benchmark's reminders may fall due while it runs (the timeout, and
    // a margin).
    let set_aside = sqlx::query(
        "DELETE FROM mail_outbox WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1",
    )
    .bind(now + 2 * i64::try_from(timeout(reminders).as_secs())?)
    .execute(&db)
    .await?
    .rows_affected();
    let picks = choose(&db, reminders).await?;
    let upcoming = count_upcoming(&db, &picks, now).await?;
    let process_counts: &[usize] = if engine == Engine::Postgres {
        &[1, 2]
    } else {
        &[1]
    };
    let mut runs = Vec::new();
    let mut queue_seconds = Vec::new();
    let (first_id,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) + 1 FROM mail_outbox")
        .fetch_one(&db)
        .await?;
    for &processes in process_counts {
        queue_seconds.push(requeue(&db, engine, &picks, first_id).await?);
        eprintln!(
            "Mail delivery: {} reminders, {} with {processes} process(es) ...",
            picks.len(),
            engine.label()
        );
        let run = deliver(
            &db,
            &url,
            Setup {
                engine,
                processes,
                reminders: picks.len(),
                first_id,
                connections,
            },
        )
        .await?;
        eprintln!(
            "Mail delivery: {:.1} s, {} received, {} lost, {} duplicated",
            run.seconds, run.received, run.lost, run.duplicated
        );
        runs.push(run);
    }
    db.close().await;
    Ok(MailRun {
        runs,
        seed_seconds,
        history,
        set_aside,
        connections,
        queue_seconds,
        upcoming,
    })
}

/// The assignments that get a reminder: interviews not cancelled, active interviewers who
/// are not the candidate's current manager (the app sends those nothing), latest first.
async fn choose(db: &Db, reminders: usize) -> anyhow::Result<Vec<Pick>> {
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT ia.id, ia.user_id, i.id, i.application_id, i.stage_id, i.calendar_sequence \
         FROM interview_assignments ia JOIN interviews i ON i.id = ia.interview_id \
         JOIN applications a ON a.id = i.application_id \
         JOIN candidates c ON c.id = a.candidate_id JOIN users u ON u.id = ia.user_id \
         WHERE i.status <> 'cancelled' AND u.active = TRUE \
         AND (c.current_manager_id IS NULL OR c.current_manager_id <> ia.user_id) \
         AND NOT EXISTS (SELECT 1 FROM mail_outbox m WHERE m.idempotency_key = \
           'prep:' || CAST(ia.id AS TEXT) || ':' || CAST(i.calendar_sequence AS TEXT) || ':now') \
         ORDER BY i.starts_at DESC, ia.id LIMIT $1",
    )
    .bind(i64::try_from(reminders)?)
    .fetch_all(db)
    .await
    .context("choosing the assignments to remind")?;
    if rows.len() < reminders {
        bail!(
            "the demo data at scale {SCALE} has only {} assignments to remind, not {reminders}",
            rows.len()
        );
    }
    Ok(rows
        .into_iter()
        .map(
            |(assignment_id, user_id, interview_id, application_id, stage_id, sequence)| Pick {
                assignment_id,
                user_id,
                interview_id,
                application_id,
                stage_id,
                sequence,
            },
        )
        .collect())
}

async fn count_upcoming(db: &Db, picks: &[Pick], now: i64) -> anyhow::Result<usize> {
    let starts: Vec<(i64, i64)> = sqlx::query_as("SELECT id, starts_at FROM interviews")
        .fetch_all(db)
        .await?;
    let starts: HashMap<i64, i64> = starts.into_iter().collect();
    Ok(picks
        .iter()
        .filter(|p| starts.get(&p.interview_id).is_some_and(|&at| at > now))
        .count())
}

/// Removes the reminders of an earlier run (rows from `first_id` on) and queues one due
/// prep reminder per pick, in one transaction, the way the app queues a reminder whose lead
/// time has passed; the seconds it took.
async fn requeue(db: &Db, engine: Engine, picks: &[Pick], first_id: i64) -> anyhow::Result<f64> {
    let removed = sqlx::query("DELETE FROM mail_outbox WHERE id >= $1")
        .bind(first_id)
        .execute(db)
        .await?
        .rows_affected();
    if engine == Engine::Postgres && removed > 0 {
        // The rows of the earlier run are gone for good: each run starts alike. (A plain
        // string runs as a simple query, outside any transaction block, as VACUUM needs.)
        db.execute("VACUUM mail_outbox").await?;
    }
    let started = Instant::now();
    let now = chrono::Utc::now().timestamp();
    let mut tx = db.begin().await?;
    for pick in picks {
        let mail = NewMail {
            key: format!("prep:{}:{}:now", pick.assignment_id, pick.sequence),
            kind: MailKind::Prep,
            recipient_id: Some(pick.user_id),
            recipient: String::new(),
            interview_id: Some(pick.interview_id),
            assignment_id: Some(pick.assignment_id),
            debrief_id: None,
            application_id: Some(pick.application_id),
            stage_id: Some(pick.stage_id),
            sequence: pick.sequence,
            nudge: 0,
            due_at: now,
        };
        if !outbox::queue(&mut tx, &mail, now).await? {
            bail!("the reminder {} was queued twice", mail.key);
        }
    }
    tx.commit().await?;
    let seconds = started.elapsed().as_secs_f64();
    if engine == Engine::Postgres {
        db.execute("ANALYZE mail_outbox").await?;
    }
    Ok(seconds)
}

/// A delivery process and where its output goes.
struct Process {
    child: Child,
    stdout: PathBuf,
    exited: Option<bool>,
}

fn spawn(
    url: &str,
    smtp_port: u16,
    connections: Option<u32>,
    name: &str,
) -> anyhow::Result<Process> {
    let dir = hireloop_tests::scratch::dir();
    let stdout = dir.join(format!("bench-{name}.out"));
    let stderr = dir.join(format!("bench-{name}.log"));
    let mut command = Command::new(servers::release_binary()?);
    command
        .args(["run-jobs", "--once"])
        .env("DATABASE_URL", url)
        .env("HIRELOOP_SMTP_HOST", "127.0.0.1")
        .env("HIRELOOP_SMTP_PORT", smtp_port.to_string())
        .env("HIRELOOP_SMTP_TLS", "none")
        .env("RUST_LOG", "warn");
    match connections {
        Some(n) => command.env("HIRELOOP_SMTP_CONNECTIONS", n.to_string()),
        None => command.env_remove("HIRELOOP_SMTP_CONNECTIONS"),
    };
    let child = command
        .current_dir(servers::root())
        .stdout(std::fs::File::create(&stdout)?)
        .stderr(std::fs::File::create(&stderr)?)
        .spawn()
        .context("starting hireloop run-jobs --once")?;
    Ok(Process {
        child,
        stdout,
        exited: None,
    })
}

/// What one delivery run is.
#[derive(Clone, Copy)]
struct Setup {
    engine: Engine,
    processes: usize,
    reminders: usize,
    /// The first outbox row the benchmark queued (the rows before it are the seeded ones).
    first_id: i64,
    connections: Option<u32>,
}

/// Runs the delivery processes at once against a new listener, times them and checks what
/// arrived against the outbox.
async fn deliver(db: &Db, url: &str, setup: Setup) -> anyhow::Result<Delivery> {
    let Setup {
        engine,
        processes,
        reminders,
        first_id,
        connections,
    } = setup;
    let listener = SmtpListener::start(SmtpOptions::default())?;
    let started = Instant::now();
    let mut running = Vec::new();
    for n in 0..processes {
        let name = format!("mail-{}-{processes}-{n}", engine.label());
        running.push(spawn(url, listener.port(), connections, &name)?);
    }
    let (mut first, mut all) = (None, None);
    let mut timed_out = false;
    loop {
        let received = listener.count();
        let elapsed = started.elapsed();
        if first.is_none() && received > 0 {
            first = Some(elapsed.as_secs_f64());
        }
        if all.is_none() && received >= reminders {
            all = Some(elapsed.as_secs_f64());
        }
        for process in running.iter_mut().filter(|p| p.exited.is_none()) {
            if let Some(status) = process.child.try_wait()? {
                process.exited = Some(status.success());
            }
        }
        if running.iter().all(|p| p.exited.is_some()) {
            break;
        }
        if elapsed > timeout(reminders) {
            timed_out = true;
            for process in running.iter_mut().filter(|p| p.exited.is_none()) {
                let _ = process.child.kill();
                let _ = process.child.wait();
                process.exited = Some(false);
            }
            break;
        }
        tokio::time::sleep(POLL).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    let reports = running
        .iter()
        .map(|p| {
            let out = std::fs::read_to_string(&p.stdout).unwrap_or_default();
            out.lines()
                .find_map(|line| line.strip_prefix("deliver-mail: "))
                .unwrap_or("no report")
                .to_owned()
        })
        .collect();
    let exited_ok = !timed_out && running.iter().all(|p| p.exited == Some(true));
    let mut delivery = Delivery {
        engine,
        processes,
        reminders,
        seconds,
        all_received_after: all,
        first_received_after: first,
        received: 0,
        sent_rows: 0,
        lost: 0,
        duplicated: 0,
        unknown: 0,
        misaddressed: 0,
        claimed_again: 0,
        reports,
        exited_ok,
    };
    check(db, &listener, first_id, &mut delivery).await?;
    Ok(delivery)
}

/// The local part of a Message-ID (`<key@host>` or a bare key).
fn local_part(id: &str) -> &str {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    id.split_once('@').map_or(id, |(local, _)| local)
}

/// Compares what the listener received with the benchmark's outbox rows (from `first_id`).
async fn check(
    db: &Db,
    listener: &SmtpListener,
    first_id: i64,
    delivery: &mut Delivery,
) -> anyhow::Result<()> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT message_id, recipient, status, attempts FROM mail_outbox WHERE id >= $1",
    )
    .bind(first_id)
    .fetch_all(db)
    .await
    .context("reading the outbox after delivery")?;
    delivery.sent_rows = rows.iter().filter(|r| r.2 == "sent").count();
    delivery.claimed_again = rows.iter().filter(|r| r.3 != 1).count();
    let recipients: HashMap<String, String> = rows
        .into_iter()
        .map(|(id, recipient, ..)| (local_part(&id).to_owned(), recipient))
        .collect();
    let messages = listener.messages();
    delivery.received = messages.len();
    let mut copies: HashMap<String, usize> = HashMap::new();
    for message in &messages {
        let Some(id) = message.message_id() else {
            delivery.unknown += 1;
            continue;
        };
        let key = local_part(&id).to_owned();
        match recipients.get(&key) {
            None => delivery.unknown += 1,
            Some(recipient) => {
                let to_it = message.envelope_to.len() == 1
                    && message.envelope_to[0].eq_ignore_ascii_case(recipient);
                if !to_it {
                    delivery.misaddressed += 1;
                }
                *copies.entry(key).or_default() += 1;
            }
        }
    }
    delivery.duplicated = copies.values().map(|n| n - 1).sum();
    delivery.lost = recipients
        .keys()
        .filter(|key| !copies.contains_key(*key))
        .count();
    Ok(())
}

/// The Markdown for one engine: the table, then how it was made and what was checked.
pub fn report(engine: Engine, run: &MailRun) -> String {
    let reminders = run.runs.first().map_or(0, |r| r.reminders);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "#### Mail delivery ({} due reminders), {}\n",
        thousands(reminders),
        engine.label()
    );
    let _ = writeln!(
        out,
        "| Engine | processes | reminders | seconds (spawn → exit) | all received after s | messages/s | sent rows | lost | duplicated | target (< {TARGET_SECONDS:.0} s, none lost or duplicated) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for d in &run.runs {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} | {} | {:.0} | {} | {} | {} | {} |",
            d.engine.label(),
            d.processes,
            d.reminders,
            d.seconds,
            d.all_received_after
                .map_or_else(|| "never".to_owned(), |s| format!("{s:.1}")),
            d.per_second(),
            d.sent_rows,
            d.lost,
            d.duplicated,
            if d.met() { "met" } else { "MISSED" }
        );
    }
    let queued = run
        .queue_seconds
        .iter()
        .map(|s| format!("{s:.1} s"))
        .collect::<Vec<_>>()
        .join(", ");
    let connections = match run.connections {
        None => "the server's default number of SMTP connections".to_owned(),
        Some(n) => format!("{n} SMTP connections per process, `--mail-connections {n}`"),
    };
    let _ = writeln!(
        out,
        "\nData: `hireloop demo-data --scale {SCALE}` ({:.1} s; its outbox holds {} rows, the \
         past interviews' sent reminders; {} waiting rows of the demo's own interviews that \
         would fall due during the run set aside), then {} prep reminders queued with \
         `app::mail::outbox::queue` in one transaction ({queued}), due now: one per \
         interviewer assignment of the latest interviews not cancelled ({} of them still to \
         come), to active accounts that are not the candidate's manager. Delivered by the \
         release `hireloop run-jobs --once` ({connections}) to an SMTP listener in the \
         benchmark process; the time runs from spawning the process(es) to the last exit \
         (the jobs after delivery included).\n",
        run.seed_seconds,
        thousands(usize::try_from(run.history).unwrap_or(0)),
        run.set_aside,
        thousands(reminders),
        thousands(run.upcoming)
    );
    for d in &run.runs {
        let _ = writeln!(
            out,
            "- {} process{}: first message after {}, deliver-mail reported {}; {} received, \
             {} unknown Message-IDs, {} to the wrong recipient, {} rows claimed more than once.",
            d.processes,
            if d.processes == 1 { "" } else { "es" },
            d.first_received_after
                .map_or_else(|| "never".to_owned(), |s| format!("{s:.2} s")),
            d.reports
                .iter()
                .map(|r| format!("“{r}”"))
                .collect::<Vec<_>>()
                .join(" and "),
            d.received,
            d.unknown,
            d.misaddressed,
            d.claimed_again
        );
    }
    let _ = writeln!(
        out,
        "\nReproduce: `make bench B=\"--only Mail --engines {}{}\"`.\n",
        match engine {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        },
        run.connections
            .map_or_else(String::new, |n| format!(" --mail-connections {n}"))
    );
    out
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
