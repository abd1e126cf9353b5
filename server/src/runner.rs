//! Periodic background work: one runner inside `hireloop serve` (stopped gracefully with the
//! server) and a one-shot form, `hireloop run-jobs --once`, for cron and tests.
//!
//! A job is a named async function that does one bounded batch of work and returns a short
//! report. The runner calls each job when it is due. Shutdown never interrupts a job: the
//! runner stops waiting, lets the job that is running finish, and returns — so nothing is
//! left half-done when the process stops. Jobs must be safe to run on several server
//! instances at once (they claim their work in the database, not in memory).

use app::access::System;
use app::clock::Clock;
use app::db::Db;
use app::mail::deliver::{owner_name, Worker};
use app::mail::transport::Mailer;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What a job gets to work with.
#[derive(Clone)]
pub struct JobContext {
    pub db: Db,
    pub clock: Clock,
    /// How mail leaves the server.
    pub mailer: Arc<Mailer>,
    /// The public URL (links in mail), without a trailing slash.
    pub base_url: String,
    /// How often the delivery worker looks for due mail ...
    pub mail_every: Duration,
    /// ... and how long one run may go on.
    pub mail_budget: Duration,
}

impl JobContext {
    /// A context for tests and tools: mail goes to files in `mail_dir`.
    pub fn with_files(db: Db, clock: Clock, mail_dir: &std::path::Path) -> anyhow::Result<Self> {
        let mailer = Mailer::new(&app::mail::transport::MailerConfig {
            smtp: None,
            dir: mail_dir.to_owned(),
            from_address: "hireloop@localhost".into(),
            from_name: "Hireloop".into(),
            reply_to: None,
            host: "localhost".into(),
        })?;
        Ok(Self {
            db,
            clock,
            mailer: Arc::new(mailer),
            base_url: "http://localhost".into(),
            mail_every: Duration::from_secs(15),
            mail_budget: Duration::from_secs(30),
        })
    }
}

type JobFuture = Pin<Box<dyn Future<Output = anyhow::Result<String>> + Send>>;
type JobFn = Arc<dyn Fn(JobContext, System) -> JobFuture + Send + Sync>;

/// A named piece of periodic work.
#[derive(Clone)]
pub struct Job {
    name: &'static str,
    every: Duration,
    run: JobFn,
}

impl Job {
    /// A job that runs `run` every `every` (the first time right after start-up).
    pub fn new<F, Fut>(name: &'static str, every: Duration, run: F) -> Self
    where
        F: Fn(JobContext, System) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<String>> + Send + 'static,
    {
        Self {
            name,
            every,
            run: Arc::new(move |ctx, scope| Box::pin(run(ctx, scope))),
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// The outcome of one run of one job.
#[derive(Debug)]
pub struct JobOutcome {
    pub job: &'static str,
    pub result: anyhow::Result<String>,
}

/// Runs the registered jobs.
#[derive(Clone)]
pub struct Runner {
    context: JobContext,
    jobs: Vec<Job>,
}

impl Runner {
    pub fn new(context: JobContext, jobs: Vec<Job>) -> Self {
        Self { context, jobs }
    }

    /// The jobs every Hireloop server runs.
    pub fn standard(context: JobContext) -> Self {
        let jobs = standard_jobs(context.mail_every);
        Self::new(context, jobs)
    }

    pub fn jobs(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.jobs.iter().map(Job::name)
    }

    async fn run_job(&self, job: &Job) -> JobOutcome {
        let result = (job.run)(self.context.clone(), System::job(job.name)).await;
        match &result {
            Ok(report) => tracing::debug!(job = job.name, %report, "background job ran"),
            Err(error) => tracing::warn!(
                job = job.name,
                error = format!("{error:#}"),
                "background job failed"
            ),
        }
        JobOutcome {
            job: job.name,
            result,
        }
    }

    /// Runs every job once, one after the other (`hireloop run-jobs --once`).
    pub async fn run_once(&self) -> Vec<JobOutcome> {
        let mut outcomes = Vec::with_capacity(self.jobs.len());
        for job in &self.jobs {
            outcomes.push(self.run_job(job).await);
        }
        outcomes
    }

    /// Runs each job whenever it is due until `shutdown` turns true; a job that is running
    /// when that happens finishes first.
    pub async fn run_until(self, mut shutdown: watch::Receiver<bool>) {
        let start = tokio::time::Instant::now();
        let mut next: Vec<tokio::time::Instant> = self.jobs.iter().map(|_| start).collect();
        loop {
            if *shutdown.borrow() {
                break;
            }
            let now = tokio::time::Instant::now();
            for (index, job) in self.jobs.iter().enumerate() {
                if next[index] <= now {
                    self.run_job(job).await;
                    next[index] = tokio::time::Instant::now() + job.every;
                }
                if *shutdown.borrow() {
                    return;
                }
            }
            let Some(wake) = next.iter().min().copied() else {
                // No jobs: wait for the shutdown only.
                let _ = shutdown.changed().await;
                break;
            };
            tokio::select! {
                () = tokio::time::sleep_until(wake) => {}
                changed = shutdown.changed() => {
                    if changed.is_err() || *shutdown.borrow() {
                        break;
                    }
                }
            }
        }
        tracing::info!("background jobs stopped");
    }
}

/// Hireloop's periodic work.
fn standard_jobs(mail_every: Duration) -> Vec<Job> {
    vec![
        Job::new("deliver-mail", mail_every, |ctx, _scope| async move {
            let worker = Worker {
                db: &ctx.db,
                clock: &ctx.clock,
                mailer: &ctx.mailer,
                base: &ctx.base_url,
                owner: owner_name(),
            };
            Ok(worker.run(ctx.mail_budget).await?.to_string())
        }),
        Job::new(
            "delete-expired-sessions",
            Duration::from_hours(1),
            |ctx, scope| async move {
                let removed = app::auth::session_store::delete_expired_sessions(
                    &ctx.db,
                    &scope,
                    ctx.clock.now(),
                )
                .await?;
                Ok(format!("{removed} expired sessions removed"))
            },
        ),
        Job::new(
            "optimize-database",
            Duration::from_hours(6),
            |ctx, _scope| async move {
                app::db::optimize(&ctx.db).await?;
                Ok("planner statistics refreshed where stale".to_owned())
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn memory_db() -> Db {
        app::db::connect("sqlite::memory:", 1).await.expect("db")
    }

    #[tokio::test]
    async fn run_once_runs_every_job_and_reports_failures() {
        let dir = std::env::temp_dir().join("hireloop-runner-test-mail");
        let context =
            JobContext::with_files(memory_db().await, Clock::system(), &dir).expect("context");
        let runner = Runner::new(
            context,
            vec![
                Job::new("ok", Duration::from_mins(1), |_, _| async {
                    Ok("done".to_owned())
                }),
                Job::new("broken", Duration::from_mins(1), |_, _| async {
                    anyhow::bail!("no luck")
                }),
            ],
        );
        let outcomes = runner.run_once().await;
        assert_eq!(outcomes.len(), 2);
        assert_eq!(
            outcomes[0].result.as_ref().ok().map(String::as_str),
            Some("done")
        );
        assert!(outcomes[1].result.is_err());
    }

    #[tokio::test]
    async fn shutdown_lets_the_running_job_finish() {
        let dir = std::env::temp_dir().join("hireloop-runner-test-mail");
        let context =
            JobContext::with_files(memory_db().await, Clock::system(), &dir).expect("context");
        // Virtual time from here on: the test does not wait for real.
        tokio::time::pause();
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = watch::channel(false);
        let job = {
            let (started, finished) = (started.clone(), finished.clone());
            Job::new("slow", Duration::from_secs(10), move |_, _| {
                let (started, finished) = (started.clone(), finished.clone());
                async move {
                    started.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    finished.fetch_add(1, Ordering::SeqCst);
                    Ok(String::new())
                }
            })
        };
        let handle = tokio::spawn(Runner::new(context, vec![job]).run_until(rx));
        // Let the first run start, then ask to stop while it is in the middle.
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(started.load(Ordering::SeqCst), 1);
        tx.send(true).expect("send");
        handle.await.expect("runner");
        assert_eq!(
            finished.load(Ordering::SeqCst),
            1,
            "the running job finished"
        );
        assert_eq!(
            started.load(Ordering::SeqCst),
            1,
            "no new run after the stop"
        );
    }
}
