//! The delivery worker: claims due rows with a lease, writes them out, sends them a few at a
//! time and marks each the moment the server accepted it (so a crash can repeat at most the
//! messages in flight, each with its own Message-ID, which makes a repeat recognisable).
//! Transient failures retry with exponential backoff; permanent ones stop and show on the
//! admin page. Safe to run in several processes on one database.

use super::compose::{self, Context, Prepared};
use super::outbox::{self, NewMail};
use super::repo::{self, Claimed, Content, Finish};
use super::transport::{Mailer, SendError};
use super::MailKind;
use crate::clock::Clock;
use crate::db::{begin_write, Backend, Db};
use anyhow::Context as _;
use futures::StreamExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Rows claimed at once: at least this many, and enough to keep every connection busy for a
/// few rounds.
const BATCH: i64 = 50;
/// How long a claim holds: a worker that died releases its rows after this.
pub const LEASE_SECONDS: i64 = 600;
/// Attempts before a message is given up (about three days of retries).
pub const MAX_ATTEMPTS: i64 = 12;

/// The wait before attempt `attempts + 1`: 1 minute, doubling, at most 6 hours.
pub fn backoff(attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    (60_i64 << doublings).min(6 * 3600)
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} sent, {} to retry, {} failed, {} not sent",
            self.sent, self.retrying, self.failed, self.skipped
        )
    }
}

/// The worker of one process.
pub struct Worker<'a> {
    pub db: &'a Db,
    pub clock: &'a Clock,
    pub mailer: &'a Mailer,
    /// The public URL, without a trailing slash.
    pub base: &'a str,
    /// Names this worker's claims (unique per process and run).
    pub owner: String,
}

/// A name for a worker's claims, unique per process.
pub fn owner_name() -> String {
    use rand::Rng;
    format!(
        "{}-{:08x}",
        std::process::id(),
        rand::thread_rng().gen::<u32>()
    )
}

impl Worker<'_> {
    /// Delivers due mail until none is due or `budget` has passed (the batch in hand is
    /// finished first).
    pub async fn run(&self, budget: Duration) -> anyhow::Result<Report> {
        let started = Instant::now();
        let mut report = Report::default();
        loop {
            let now = self.clock.now();
            let batch = BATCH.max(i64::try_from(self.mailer.concurrency() * 4).unwrap_or(BATCH));
            let claimed = repo::claim(self.db, &self.owner, now, now + LEASE_SECONDS, batch)
                .await
                .context("claiming due mail")?;
            if claimed.is_empty() {
                break;
            }
            let unreachable = self.batch(claimed, &mut report).await?;
            if unreachable || started.elapsed() >= budget {
                break;
            }
        }
        Ok(report)
    }

    /// Sends one claimed batch; true when the server could not be reached.
    async fn batch(&self, claimed: Vec<Claimed>, report: &mut Report) -> anyhow::Result<bool> {
        let ctx = Context {
            mailer: self.mailer,
            base: self.base,
            now: self.clock.now(),
        };
        let prepared = compose::prepare(self.db, &claimed, &ctx)
            .await
            .context("reading what the mail is about")?;
        let mut sends = Vec::new();
        for (row, prepared) in claimed.into_iter().zip(prepared) {
            match prepared {
                Prepared::Send(outgoing, content) => sends.push((row, outgoing, content)),
                Prepared::Skip(reason) => {
                    self.finish(&row, &Finish::Skipped { reason }, &Content::default())
                        .await?;
                    report.skipped += 1;
                }
                Prepared::Fail(error) => {
                    self.finish(&row, &Finish::Failed { error }, &Content::default())
                        .await?;
                    report.failed += 1;
                }
            }
        }
        let unreachable = AtomicBool::new(false);
        let unreachable = &unreachable;
        // Each message is sent and then marked in its own task, several at a time: a mark
        // never waits for another message's send, and the window in which a crash could
        // repeat a message is the handful in flight.
        let mut results = futures::stream::iter(sends)
            .map(|(row, outgoing, content)| async move {
                // Once the server is known to be unreachable, the rest wait for the retry.
                let result = if unreachable.load(Ordering::Relaxed) {
                    Err(SendError::Unreachable(
                        "Not tried: the SMTP server could not be reached a moment before.".into(),
                    ))
                } else {
                    self.mailer.send(&outgoing).await
                };
                if let Err(SendError::Unreachable(_)) = &result {
                    unreachable.store(true, Ordering::Relaxed);
                }
                let finish = self.outcome(&row, result);
                self.finish(&row, &finish, &content).await.map(|()| finish)
            })
            .buffer_unordered(self.mailer.concurrency());
        while let Some(finished) = results.next().await {
            match finished? {
                Finish::Sent => report.sent += 1,
                Finish::Retry { .. } => report.retrying += 1,
                Finish::Failed { .. } => report.failed += 1,
                Finish::Skipped { .. } => report.skipped += 1,
            }
        }
        Ok(unreachable.load(Ordering::Relaxed))
    }

    /// How a send attempt ends for the row.
    fn outcome(&self, row: &Claimed, result: Result<(), SendError>) -> Finish {
        match result {
            Ok(()) => Finish::Sent,
            Err(SendError::Permanent(error)) => Finish::Failed { error },
            Err(error @ (SendError::Transient(_) | SendError::Unreachable(_))) => {
                if row.attempts >= MAX_ATTEMPTS {
                    Finish::Failed {
                        error: format!(
                            "Given up after {} attempts. Last error: {}",
                            row.attempts,
                            error.message()
                        ),
                    }
                } else {
                    Finish::Retry {
                        at: self.clock.now() + backoff(row.attempts),
                        error: error.message().to_owned(),
                    }
                }
            }
        }
    }

    /// Records an attempt's end; a sent overdue nudge queues the next one with it.
    async fn finish(
        &self,
        row: &Claimed,
        finish: &Finish,
        content: &Content,
    ) -> anyhow::Result<()> {
        let now = self.clock.now();
        let mut tx = begin_write(self.db).await?;
        if Backend::of_pool(self.db) == Backend::Postgres {
            // A mark lost to a crash of the database server (not of this process) means at
            // most one repeat, with the same Message-ID: not worth a disk flush per message.
            sqlx::query("SET LOCAL synchronous_commit = off")
                .execute(&mut *tx)
                .await
                .context("relaxing the commit of a delivery mark")?;
        }
        let recorded = repo::finish(&mut *tx, row.id, &self.owner, finish, content, now)
            .await
            .context("recording a delivery")?;
        if recorded && row.kind == MailKind::Overdue && matches!(finish, Finish::Sent) {
            let sent = NewMail {
                key: row.idempotency_key.clone(),
                kind: row.kind,
                recipient_id: row.recipient_id,
                recipient: String::new(),
                interview_id: row.interview_id,
                assignment_id: row.assignment_id,
                debrief_id: row.debrief_id,
                application_id: row.application_id,
                stage_id: row.stage_id,
                sequence: row.sequence,
                nudge: row.nudge,
                due_at: row.due_at,
            };
            outbox::next_nudge(&mut tx, &sent, now)
                .await
                .context("queueing the next nudge")?;
        }
        tx.commit().await.context("committing a delivery")?;
        if !recorded {
            tracing::warn!(id = row.id, "another worker took this message over");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_up_to_six_hours() {
        assert_eq!(backoff(1), 60);
        assert_eq!(backoff(2), 120);
        assert_eq!(backoff(5), 960);
        assert_eq!(backoff(10), 6 * 3600);
        assert_eq!(backoff(0), 60);
        assert_eq!(backoff(1000), 6 * 3600);
    }
}
