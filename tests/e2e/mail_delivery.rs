//! Delivery under faults — a busy, unreachable or refusing SMTP server, bad addresses, a
//! clock that jumps — and by separate processes: one killed in the middle of a batch, two
//! at once on one database.

use crate::cases;
use crate::mail::{mail_app, to, QUIET, WAIT};
use anyhow::{ensure, Context};
use app::clock::Clock;
use app::mail::deliver::{owner_name, Worker};
use app::mail::outbox::{queue, NewMail};
use app::mail::transport::{Mailer, MailerConfig, SmtpConfig, TlsMode};
use app::mail::MailKind;
use hireloop_tests::smtp::{Received, SmtpListener, SmtpOptions};
use hireloop_tests::{Backend, Fixture, TestApp, TestResult};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

cases! {
    http: [
        faults_retry_or_fail_and_nothing_is_lost,
        a_delivery_process_killed_mid_batch_loses_nothing,
        two_delivery_processes_send_each_message_once,
    ],
    browser: [],
}

async fn status_of(
    app: &TestApp,
    email: &str,
    kind: MailKind,
) -> anyhow::Result<Vec<(String, Option<String>, i64)>> {
    Ok(sqlx::query_as(
        "SELECT m.status, m.last_error, m.attempts FROM mail_outbox m JOIN users u ON u.id = m.recipient_id \
         WHERE lower(u.email) = lower($1) AND m.kind = $2 ORDER BY m.id",
    )
    .bind(email)
    .bind(kind.as_str())
    .fetch_all(&app.db)
    .await?)
}

fn smtp_mailer(port: u16, credentials: Option<(&str, &str)>) -> anyhow::Result<Mailer> {
    Mailer::new(&MailerConfig {
        smtp: Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            tls: TlsMode::None,
            user: credentials.map(|c| c.0.to_owned()),
            password: credentials.map(|c| c.1.to_owned()),
            connections: 4,
        }),
        dir: std::env::temp_dir(),
        from_address: "hireloop@example.com".into(),
        from_name: "Hireloop".into(),
        reply_to: None,
        host: "127.0.0.1".into(),
    })
}

async fn deliver_with(
    app: &TestApp,
    mailer: &Mailer,
) -> anyhow::Result<app::mail::deliver::Report> {
    Worker {
        db: &app.db,
        clock: &app.clock,
        mailer,
        base: &app.address,
        owner: owner_name(),
    }
    .run(Duration::from_mins(1))
    .await
}

/// An address the SMTP listener refuses (550).
const REJECTED: &str = "sam.rejected@example.com";

async fn faults_retry_or_fail_and_nothing_is_lost(backend: Backend) -> TestResult {
    let (app, smtp, fx) = mail_app(
        backend,
        SmtpOptions {
            reject_recipients: Vec::new(),
            credentials: Some(("hireloop".into(), "s3cret".into())),
            fail_first: 0,
        },
    )
    .await?;
    let (ivan, sam, tom) = (&fx.people.interviewer, &fx.people.manager, &fx.people.tom);
    let admin = app.login(&fx.people.admin).await?;
    // A malformed address in the data.
    sqlx::query("UPDATE users SET email = 'tom at example' WHERE id = $1")
        .bind(tom.id)
        .execute(&app.db)
        .await?;
    // Day 1, 15:00: the preps of Ivan's two interviews on day 2 (10:00, 14:00) are due.
    let day1 = app.clock.now() + 86_400 + 3 * 3600;
    app.clock.set(day1);

    // The server unreachable: everything waits for a retry.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let report = deliver_with(&app, &smtp_mailer(closed, Some(("hireloop", "s3cret")))?).await?;
    ensure!(report.sent == 0 && report.retrying > 0, "{report}");
    let ivans = status_of(&app, &ivan.email, MailKind::Prep).await?;
    ensure!(
        ivans.iter().all(|r| r.0 == "pending"
            && r.1
                .as_deref()
                .is_some_and(|e| e.contains("could not be reached"))),
        "{ivans:?}"
    );

    // Wrong credentials: waits again, and says so.
    app.clock.advance(120);
    let report = deliver_with(
        &app,
        &smtp_mailer(smtp.port(), Some(("hireloop", "wrong")))?,
    )
    .await?;
    ensure!(report.sent == 0 && report.retrying > 0, "{report}");
    let ivans = status_of(&app, &ivan.email, MailKind::Prep).await?;
    ensure!(
        ivans.iter().all(|r| r.0 == "pending"
            && r.1
                .as_deref()
                .is_some_and(|e| e.contains("refused the credentials"))),
        "{ivans:?}"
    );
    let page = app
        .call(
            &admin,
            app::mail::api::GetMailPage {
                status: Some("pending".into()),
                page: None,
            },
        )
        .await?
        .ok()?;
    ensure!(
        page.rows.items.iter().any(|r| r
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("refused the credentials"))),
        "the admin page shows why"
    );

    // A clock that jumps back: nothing goes early; forward again: everything once.
    app.clock.set(day1 - 2 * 86_400);
    app.deliver().await?;
    ensure!(
        smtp.settle(QUIET).await.is_empty(),
        "sent while the clock was back"
    );
    app.clock.set(day1 + 3600);
    let report = app.deliver().await?;
    let all = smtp.settle(QUIET).await;
    ensure!(
        to(&all, &ivan.email).len() == 2 && to(&all, &sam.email).len() == 1,
        "{report}: {:?}",
        all.iter()
            .map(|m| (m.envelope_to.clone(), m.subject()))
            .collect::<Vec<_>>()
    );
    let toms = status_of(&app, "tom at example", MailKind::Prep).await?;
    ensure!(
        toms.len() == 1
            && toms[0].0 == "failed"
            && toms[0]
                .1
                .as_deref()
                .is_some_and(|e| e.contains("not a valid email address")),
        "{toms:?}"
    );
    let failed = app
        .call(
            &admin,
            app::mail::api::GetMailPage {
                status: Some("failed".into()),
                page: None,
            },
        )
        .await?
        .ok()?;
    ensure!(
        failed.failed >= 1
            && failed.rows.items.iter().any(|r| r
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("not a valid email address"))),
        "{failed:?}"
    );
    app.stop().await;

    // A busy server (451) is retried with backoff; a rejected recipient fails for good.
    let (app, smtp, fx) = mail_app(
        backend,
        SmtpOptions {
            reject_recipients: vec![REJECTED.into()],
            credentials: None,
            fail_first: 1,
        },
    )
    .await?;
    let (ivan, sam) = (&fx.people.interviewer, &fx.people.manager);
    sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
        .bind(REJECTED)
        .bind(sam.id)
        .execute(&app.db)
        .await?;
    // Day 1, 15:00: Ivan's two preps, Tom's and Sam's are due; the first message the
    // server takes gets 451.
    app.clock.advance(86_400 + 3 * 3600);
    let first = app.deliver().await?;
    ensure!(first.retrying == 1, "{first}");
    let busy: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT status, last_error, attempts FROM mail_outbox WHERE last_error LIKE '%451%'",
    )
    .fetch_all(&app.db)
    .await?;
    ensure!(busy.len() == 1 && busy[0].0 == "pending", "{busy:?}");
    let before_retry = smtp.settle(QUIET).await.len();
    // Not before its backoff; after it, once.
    app.deliver().await?;
    ensure!(
        smtp.settle(QUIET).await.len() == before_retry,
        "retried before the backoff"
    );
    app.clock.advance(60);
    app.deliver().await?;
    let all = smtp.settle(QUIET).await;
    ensure!(
        all.len() == before_retry + 1,
        "the retried message came once"
    );
    ensure!(
        to(&all, &ivan.email).len() == 2 && to(&all, &fx.people.tom.email).len() == 1,
        "{:?}",
        all.iter().map(Received::subject).collect::<Vec<_>>()
    );
    let ids: BTreeSet<Option<String>> = all.iter().map(Received::message_id).collect();
    ensure!(ids.len() == all.len(), "no duplicate Message-ID");
    let sams = status_of(&app, REJECTED, MailKind::Prep).await?;
    ensure!(
        sams.iter()
            .all(|r| r.0 == "failed" && r.1.as_deref().is_some_and(|e| e.contains("550"))),
        "{sams:?}"
    );
    ensure!(sams.len() == 1 && to(&all, REJECTED).is_empty());
    app.stop().await;
    Ok(())
}

/// Queues `n` due prep reminders (to the fixture's interviewers) directly in the outbox.
async fn queue_many(app: &TestApp, fx: &Fixture, n: usize) -> anyhow::Result<()> {
    let assignments: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT ia.id, ia.user_id, ia.interview_id FROM interview_assignments ia ORDER BY ia.id",
    )
    .fetch_all(&app.db)
    .await?;
    ensure!(!assignments.is_empty());
    let mut tx = app::db::begin_write(&app.db).await?;
    for i in 0..n {
        let (assignment, user, interview) = assignments[i % assignments.len()];
        let mail = NewMail {
            key: format!("bulk:{i}"),
            kind: MailKind::Prep,
            recipient_id: Some(user),
            recipient: String::new(),
            interview_id: Some(interview),
            assignment_id: Some(assignment),
            debrief_id: None,
            application_id: Some(fx.maria_application),
            stage_id: None,
            sequence: 0,
            nudge: 0,
            due_at: app.clock.now(),
        };
        queue(&mut tx, &mail, app.clock.now()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Starts this test binary as a delivery process (see [`child_main`]).
fn spawn_child(
    app: &TestApp,
    smtp: &SmtpListener,
    now: i64,
) -> anyhow::Result<std::process::Child> {
    std::process::Command::new(std::env::current_exe()?)
        .env(CHILD_DB, &app.database_url)
        .env(CHILD_SMTP, smtp.port().to_string())
        .env(CHILD_NOW, now.to_string())
        .env(CHILD_BASE, &app.address)
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("starting a delivery process")
}

/// Every queued bulk row's Message-ID → how often it arrived.
async fn arrivals(
    app: &TestApp,
    smtp: &SmtpListener,
) -> anyhow::Result<(usize, BTreeMap<String, usize>, i64)> {
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT message_id FROM mail_outbox WHERE idempotency_key LIKE 'bulk:%'",
    )
    .fetch_all(&app.db)
    .await?;
    let mut seen: BTreeMap<String, usize> = keys.iter().map(|k| (k.clone(), 0)).collect();
    let mut strangers = 0;
    for message in smtp.messages() {
        let id = message.message_id().unwrap_or_default();
        let key = id
            .trim_start_matches('<')
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned();
        match seen.get_mut(&key) {
            Some(count) => *count += 1,
            None => strangers += 1,
        }
    }
    let sent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE idempotency_key LIKE 'bulk:%' AND status = 'sent'",
    )
    .fetch_one(&app.db)
    .await?;
    Ok((strangers, seen, sent))
}

async fn a_delivery_process_killed_mid_batch_loses_nothing(backend: Backend) -> TestResult {
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    queue_many(&app, &fx, 1000).await?;
    let now = app.clock.now();
    let mut child = spawn_child(&app, &smtp, now)?;
    let started = std::time::Instant::now();
    while smtp.count() < 200 {
        ensure!(
            started.elapsed() < WAIT,
            "the first process sent only {}",
            smtp.count()
        );
        ensure!(
            child.try_wait()?.is_none(),
            "the first process ended before the kill"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(child.id())?),
        nix::sys::signal::Signal::SIGKILL,
    )?;
    let _ = child.wait()?;
    let at_kill = smtp.count();
    ensure!(
        at_kill < 1000,
        "killed too late to test anything: {at_kill}"
    );
    // Restarted after its claims' lease ran out.
    let mut second = spawn_child(&app, &smtp, now + app::mail::deliver::LEASE_SECONDS + 1)?;
    let status = tokio::task::spawn_blocking(move || second.wait()).await??;
    ensure!(status.success(), "the second process failed: {status}");
    let (strangers, seen, sent) = arrivals(&app, &smtp).await?;
    let lost = seen.values().filter(|c| **c == 0).count();
    let repeated: usize = seen.values().map(|c| c.saturating_sub(1)).sum();
    ensure!(
        strangers == 0 && lost == 0 && sent == 1000,
        "lost {lost}, sent {sent}, strangers {strangers}"
    );
    // Only the messages in flight at the kill can come twice, each with its own Message-ID.
    ensure!(
        repeated <= 4,
        "{repeated} repeats (at most the 4 in flight)"
    );
    eprintln!("killed after {at_kill} of 1000 messages; {repeated} came twice, with their own Message-IDs");
    app.stop().await;
    Ok(())
}

async fn two_delivery_processes_send_each_message_once(backend: Backend) -> TestResult {
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    queue_many(&app, &fx, 1000).await?;
    let now = app.clock.now();
    let started = std::time::Instant::now();
    let mut children = vec![
        spawn_child(&app, &smtp, now)?,
        spawn_child(&app, &smtp, now)?,
    ];
    for child in &mut children {
        let mut child = std::mem::replace(child, spawn_noop()?);
        let status = tokio::task::spawn_blocking(move || child.wait()).await??;
        ensure!(status.success(), "a delivery process failed: {status}");
    }
    eprintln!(
        "two delivery processes (debug build) sent 1,000 messages in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let (strangers, seen, sent) = arrivals(&app, &smtp).await?;
    let wrong: Vec<(&String, &usize)> = seen.iter().filter(|(_, c)| **c != 1).collect();
    ensure!(
        strangers == 0 && wrong.is_empty() && sent == 1000,
        "{} not exactly once, sent {sent}",
        wrong.len()
    );
    app.stop().await;
    Ok(())
}

fn spawn_noop() -> anyhow::Result<std::process::Child> {
    Ok(std::process::Command::new("true").spawn()?)
}

const CHILD_DB: &str = "HIRELOOP_TEST_DELIVER_DB";
const CHILD_SMTP: &str = "HIRELOOP_TEST_DELIVER_SMTP";
const CHILD_NOW: &str = "HIRELOOP_TEST_DELIVER_NOW";
const CHILD_BASE: &str = "HIRELOOP_TEST_DELIVER_BASE";

/// When this binary was started as a delivery process: delivers everything due (as a
/// server instance's worker would) and exits.
pub fn child_main() -> Option<std::process::ExitCode> {
    let db_url = std::env::var(CHILD_DB).ok()?;
    let run = async move {
        let port: u16 = std::env::var(CHILD_SMTP)?.parse()?;
        let now: i64 = std::env::var(CHILD_NOW)?.parse()?;
        let base = std::env::var(CHILD_BASE)?;
        let db = app::db::connect(&db_url, 4).await?;
        let clock = Clock::system();
        clock.set(now);
        let mailer = smtp_mailer(port, None)?;
        let report = Worker {
            db: &db,
            clock: &clock,
            mailer: &mailer,
            base: &base,
            owner: owner_name(),
        }
        .run(Duration::from_mins(2))
        .await?;
        println!("{report}");
        anyhow::Ok(())
    };
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(run));
    Some(match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("delivery process: {error:#}");
            std::process::ExitCode::FAILURE
        }
    })
}
