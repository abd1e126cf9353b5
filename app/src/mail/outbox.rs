//! Queueing mail: called inside the transaction of the change that causes it (schedule,
//! reschedule, cancel, submit, debrief), so the change and its mail commit together or not
//! at all. Each row's idempotency key names what it is for (kind, assignment or debrief,
//! the interview's calendar sequence, the lead time), so queueing it twice is a no-op.
//! Nothing about an application is ever queued for the candidate's current manager.

use super::settings::{MailSettings, NUDGE_EVERY};
use super::MailKind;
use sqlx::{AnyConnection, FromRow};

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewMail {
    pub key: String,
    pub kind: MailKind,
    pub recipient_id: Option<i64>,
    /// The address, for messages to someone without an account (the test email).
    pub recipient: String,
    pub interview_id: Option<i64>,
    pub assignment_id: Option<i64>,
    pub debrief_id: Option<i64>,
    pub application_id: Option<i64>,
    pub stage_id: Option<i64>,
    pub sequence: i64,
    pub nudge: i64,
    pub due_at: i64,
}

impl NewMail {
    fn new(key: String, kind: MailKind, recipient_id: i64, due_at: i64) -> Self {
        Self {
            key,
            kind,
            recipient_id: Some(recipient_id),
            recipient: String::new(),
            interview_id: None,
            assignment_id: None,
            debrief_id: None,
            application_id: None,
            stage_id: None,
            sequence: 0,
            nudge: 0,
            due_at,
        }
    }
}

/// The local part of a message's Message-ID: a digest of its idempotency key, so every
/// copy of one row carries the same ID and no two rows share one.
pub fn message_key(idempotency_key: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(format!("hireloop-mail:{idempotency_key}"))[..20])
}

/// Queues a message unless one with its key is queued or went out (a stopped one comes
/// back: a debrief moved back to its first time); true when it was queued.
#[tracing::instrument(skip(conn, mail), fields(key = %mail.key))]
pub async fn queue(conn: &mut AnyConnection, mail: &NewMail, now: i64) -> sqlx::Result<bool> {
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO mail_outbox (idempotency_key, kind, recipient_id, recipient, interview_id, \
         assignment_id, debrief_id, application_id, stage_id, sequence, nudge, message_id, status, \
         due_at, next_attempt_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', $13, $13, $14, $14) \
         ON CONFLICT (idempotency_key) DO UPDATE SET status = 'pending', outcome = NULL, \
         due_at = excluded.due_at, next_attempt_at = excluded.next_attempt_at, attempts = 0, \
         updated_at = excluded.updated_at WHERE mail_outbox.status = 'cancelled' RETURNING id",
    )
    .bind(&mail.key)
    .bind(mail.kind)
    .bind(mail.recipient_id)
    .bind(&mail.recipient)
    .bind(mail.interview_id)
    .bind(mail.assignment_id)
    .bind(mail.debrief_id)
    .bind(mail.application_id)
    .bind(mail.stage_id)
    .bind(mail.sequence)
    .bind(mail.nudge)
    .bind(message_key(&mail.key))
    .bind(mail.due_at)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(inserted.is_some())
}

/// The reminder settings, as stored.
pub async fn settings(conn: &mut AnyConnection) -> sqlx::Result<MailSettings> {
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "SELECT prep_lead_hours, short_lead_minutes, overdue_after_hours FROM mail_settings WHERE id = 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(
        row.map_or_else(MailSettings::default, |(prep, short, overdue)| {
            MailSettings::from_stored(&prep, short, overdue)
        }),
    )
}

#[derive(Debug, FromRow)]
struct InterviewFacts {
    application_id: i64,
    stage_id: i64,
    starts_at: i64,
    ends_at: i64,
    calendar_sequence: i64,
    manager_id: Option<i64>,
}

async fn interview_facts(
    conn: &mut AnyConnection,
    interview_id: i64,
) -> sqlx::Result<InterviewFacts> {
    sqlx::query_as(
        "SELECT i.application_id, i.stage_id, i.starts_at, i.ends_at, i.calendar_sequence, \
         c.current_manager_id AS manager_id \
         FROM interviews i JOIN applications a ON a.id = i.application_id \
         JOIN candidates c ON c.id = a.candidate_id WHERE i.id = $1",
    )
    .bind(interview_id)
    .fetch_one(&mut *conn)
    .await
}

/// (assignment id, user id) of an interview's interviewers.
async fn assignments(conn: &mut AnyConnection, interview_id: i64) -> sqlx::Result<Vec<(i64, i64)>> {
    sqlx::query_as(
        "SELECT id, user_id FROM interview_assignments WHERE interview_id = $1 ORDER BY id",
    )
    .bind(interview_id)
    .fetch_all(&mut *conn)
    .await
}

/// Stops the interview's messages that have not gone out (of the given kinds), saying why.
async fn stop_pending(
    conn: &mut AnyConnection,
    interview_id: i64,
    kinds: &[MailKind],
    outcome: &str,
    now: i64,
) -> sqlx::Result<u64> {
    let list = crate::db::placeholders(4, kinds.len());
    let sql = format!(
        "UPDATE mail_outbox SET status = 'cancelled', outcome = $1, lease_owner = NULL, \
         lease_until = NULL, updated_at = $2 \
         WHERE interview_id = $3 AND status IN ('pending', 'sending') AND kind IN ({list})"
    );
    let mut query = sqlx::query(&sql).bind(outcome).bind(now).bind(interview_id);
    for kind in kinds {
        query = query.bind(*kind);
    }
    Ok(query.execute(&mut *conn).await?.rows_affected())
}

/// Queues an interview's reminders and the first overdue nudge for its current sequence.
/// `updated`: assignments that get a "moved" message now (which is their late prep).
async fn queue_reminders(
    conn: &mut AnyConnection,
    interview_id: i64,
    facts: &InterviewFacts,
    now: i64,
    updated: &[i64],
) -> sqlx::Result<()> {
    let settings = settings(conn).await?;
    let sequence = facts.calendar_sequence;
    for (assignment_id, user_id) in assignments(conn, interview_id).await? {
        if facts.manager_id == Some(user_id) {
            continue;
        }
        let base = |key: String, kind: MailKind, due: i64| {
            let mut mail = NewMail::new(key, kind, user_id, due);
            mail.interview_id = Some(interview_id);
            mail.assignment_id = Some(assignment_id);
            mail.application_id = Some(facts.application_id);
            mail.stage_id = Some(facts.stage_id);
            mail.sequence = sequence;
            mail
        };
        if facts.starts_at > now {
            // Each prep reminder at its lead time; the ones whose time has passed become
            // one reminder now (the invite should not wait).
            let mut late = false;
            for lead in &settings.prep_leads {
                let due = facts.starts_at - lead;
                if due >= now {
                    let key = format!("prep:{assignment_id}:{sequence}:{lead}");
                    queue(conn, &base(key, MailKind::Prep, due), now).await?;
                } else {
                    late = true;
                }
            }
            if late && !updated.contains(&assignment_id) {
                let key = format!("prep:{assignment_id}:{sequence}:now");
                queue(conn, &base(key, MailKind::Prep, now), now).await?;
            }
            let short_due = facts.starts_at - settings.short_lead;
            if settings.short_lead > 0 && short_due > now {
                let key = format!("short:{assignment_id}:{sequence}");
                queue(conn, &base(key, MailKind::Short, short_due), now).await?;
            }
        }
        let mut nudge = base(
            format!("overdue:{assignment_id}:{sequence}:1"),
            MailKind::Overdue,
            (facts.ends_at + settings.overdue_after).max(now),
        );
        nudge.nudge = 1;
        queue(conn, &nudge, now).await?;
    }
    Ok(())
}

/// After an interview was scheduled (in its transaction).
pub async fn interview_scheduled(
    conn: &mut AnyConnection,
    interview_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    let facts = interview_facts(conn, interview_id).await?;
    queue_reminders(conn, interview_id, &facts, now, &[]).await
}

async fn next_sequence(conn: &mut AnyConnection, interview_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE interviews SET calendar_sequence = calendar_sequence + 1, updated_at = $2 WHERE id = $1",
    )
    .bind(interview_id)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|_| ())
}

/// Assignments of the interview whose interviewer already got its calendar invite.
async fn invited(conn: &mut AnyConnection, interview_id: i64) -> sqlx::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT assignment_id FROM mail_outbox WHERE interview_id = $1 \
         AND kind IN ('prep', 'moved') AND status IN ('sent', 'sending') AND assignment_id IS NOT NULL",
    )
    .bind(interview_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// After an interview moved (in its transaction): the reminders for the old time are
/// stopped, the new time's queued, and whoever already has the invite gets the update now.
pub async fn interview_rescheduled(
    conn: &mut AnyConnection,
    interview_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    next_sequence(conn, interview_id, now).await?;
    stop_pending(
        conn,
        interview_id,
        &[
            MailKind::Prep,
            MailKind::Short,
            MailKind::Moved,
            MailKind::Overdue,
        ],
        "The interview was moved; the new time has its own reminders.",
        now,
    )
    .await?;
    let facts = interview_facts(conn, interview_id).await?;
    let invited = invited(conn, interview_id).await?;
    for (assignment_id, user_id) in assignments(conn, interview_id).await? {
        if facts.manager_id == Some(user_id) || !invited.contains(&assignment_id) {
            continue;
        }
        let mut mail = NewMail::new(
            format!("moved:{assignment_id}:{}", facts.calendar_sequence),
            MailKind::Moved,
            user_id,
            now,
        );
        mail.interview_id = Some(interview_id);
        mail.assignment_id = Some(assignment_id);
        mail.application_id = Some(facts.application_id);
        mail.sequence = facts.calendar_sequence;
        queue(conn, &mail, now).await?;
    }
    queue_reminders(conn, interview_id, &facts, now, &invited).await
}

/// After an interview was cancelled (in its transaction): nothing more about it goes out
/// except one cancellation to each interviewer, which withdraws the calendar event.
pub async fn interview_cancelled(
    conn: &mut AnyConnection,
    interview_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    next_sequence(conn, interview_id, now).await?;
    stop_pending(
        conn,
        interview_id,
        MailKind::ALL,
        "The interview was cancelled.",
        now,
    )
    .await?;
    let facts = interview_facts(conn, interview_id).await?;
    for (assignment_id, user_id) in assignments(conn, interview_id).await? {
        if facts.manager_id == Some(user_id) {
            continue;
        }
        let mut mail = NewMail::new(
            format!("cancelled:{assignment_id}:{}", facts.calendar_sequence),
            MailKind::Cancelled,
            user_id,
            now,
        );
        mail.interview_id = Some(interview_id);
        mail.assignment_id = Some(assignment_id);
        mail.application_id = Some(facts.application_id);
        mail.sequence = facts.calendar_sequence;
        queue(conn, &mail, now).await?;
    }
    Ok(())
}

/// The next overdue nudge after nudge `nudge` of an assignment went out (in the same
/// transaction as marking it sent); none after the last.
pub async fn next_nudge(conn: &mut AnyConnection, sent: &NewMail, now: i64) -> sqlx::Result<()> {
    if sent.nudge >= super::settings::MAX_NUDGES {
        return Ok(());
    }
    let (Some(assignment_id), Some(recipient_id)) = (sent.assignment_id, sent.recipient_id) else {
        return Ok(());
    };
    let mut next = NewMail::new(
        format!(
            "overdue:{assignment_id}:{}:{}",
            sent.sequence,
            sent.nudge + 1
        ),
        MailKind::Overdue,
        recipient_id,
        now + NUDGE_EVERY,
    );
    next.interview_id = sent.interview_id;
    next.assignment_id = sent.assignment_id;
    next.application_id = sent.application_id;
    next.stage_id = sent.stage_id;
    next.sequence = sent.sequence;
    next.nudge = sent.nudge + 1;
    queue(conn, &next, now).await.map(|_| ())
}

/// After a scorecard was submitted (in its transaction): its nudges stop, and when it was
/// the last one of the stage, the hiring manager hears that all feedback is in.
pub async fn scorecard_submitted(
    conn: &mut AnyConnection,
    assignment_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE mail_outbox SET status = 'cancelled', outcome = 'The scorecard was submitted.', \
         lease_owner = NULL, lease_until = NULL, updated_at = $2 \
         WHERE assignment_id = $1 AND kind = 'overdue' AND status IN ('pending', 'sending')",
    )
    .bind(assignment_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let stage: Option<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT i.application_id, i.stage_id, o.hiring_manager_id, c.current_manager_id \
         FROM interview_assignments ia JOIN interviews i ON i.id = ia.interview_id \
         JOIN applications a ON a.id = i.application_id JOIN openings o ON o.id = a.opening_id \
         JOIN candidates c ON c.id = a.candidate_id WHERE ia.id = $1",
    )
    .bind(assignment_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((application_id, stage_id, hiring_manager_id, manager_id)) = stage else {
        return Ok(());
    };
    let (missing,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM interview_assignments ia JOIN interviews i ON i.id = ia.interview_id \
         LEFT JOIN scorecards s ON s.assignment_id = ia.id \
         WHERE i.application_id = $1 AND i.stage_id = $2 AND i.status = 'scheduled' \
         AND (s.status IS NULL OR s.status = 'draft')",
    )
    .bind(application_id)
    .bind(stage_id)
    .fetch_one(&mut *conn)
    .await?;
    if missing > 0 || manager_id == Some(hiring_manager_id) {
        return Ok(());
    }
    let mut mail = NewMail::new(
        format!("stage_complete:{application_id}:{stage_id}"),
        MailKind::StageComplete,
        hiring_manager_id,
        now,
    );
    mail.application_id = Some(application_id);
    mail.stage_id = Some(stage_id);
    queue(conn, &mail, now).await.map(|_| ())
}

/// After a debrief was scheduled or moved (in its transaction): an invitation to each
/// participant for this time; invitations for an earlier time that have not gone out stop.
pub async fn debrief_scheduled(
    conn: &mut AnyConnection,
    debrief_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    let facts: (i64, i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT d.application_id, d.stage_id, d.starts_at, c.current_manager_id \
         FROM debriefs d JOIN applications a ON a.id = d.application_id \
         JOIN candidates c ON c.id = a.candidate_id WHERE d.id = $1",
    )
    .bind(debrief_id)
    .fetch_one(&mut *conn)
    .await?;
    let (application_id, stage_id, starts_at, manager_id) = facts;
    let participants: Vec<(i64,)> = sqlx::query_as(
        "SELECT user_id FROM debrief_participants WHERE debrief_id = $1 ORDER BY user_id",
    )
    .bind(debrief_id)
    .fetch_all(&mut *conn)
    .await?;
    let participants: Vec<i64> = participants
        .into_iter()
        .map(|p| p.0)
        .filter(|user_id| manager_id != Some(*user_id))
        .collect();
    let keys: Vec<String> = participants
        .iter()
        .map(|user_id| format!("debrief:{debrief_id}:{user_id}:{starts_at}"))
        .collect();
    // Invitations for another time, or to someone no longer taking part, stop; one for
    // this very time and person stays (queued or sent, it is the same invitation).
    let list = if keys.is_empty() {
        "''".to_owned()
    } else {
        crate::db::placeholders(3, keys.len())
    };
    let sql = format!(
        "UPDATE mail_outbox SET status = 'cancelled', outcome = 'The debrief was moved or its participants changed.', \
         lease_owner = NULL, lease_until = NULL, updated_at = $2 \
         WHERE debrief_id = $1 AND kind = 'debrief' AND status IN ('pending', 'sending') \
         AND idempotency_key NOT IN ({list})"
    );
    let mut stop = sqlx::query(&sql).bind(debrief_id).bind(now);
    for key in &keys {
        stop = stop.bind(key);
    }
    stop.execute(&mut *conn).await?;
    for (user_id, key) in participants.into_iter().zip(keys) {
        let mut mail = NewMail::new(key, MailKind::Debrief, user_id, now);
        mail.debrief_id = Some(debrief_id);
        mail.application_id = Some(application_id);
        mail.stage_id = Some(stage_id);
        queue(conn, &mail, now).await?;
    }
    Ok(())
}
