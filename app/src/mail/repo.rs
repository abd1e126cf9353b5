//! The SQL of the outbox: claiming due rows with a lease, marking them, and the admin's list.

use super::{MailKind, MailStatus};
use crate::db::{Backend, Db};
use sqlx::any::AnyExecutor;
use sqlx::FromRow;

/// A row claimed for delivery.
#[derive(Debug, Clone, FromRow)]
pub struct Claimed {
    pub id: i64,
    pub idempotency_key: String,
    pub kind: MailKind,
    pub recipient_id: Option<i64>,
    pub recipient: String,
    pub interview_id: Option<i64>,
    pub assignment_id: Option<i64>,
    pub debrief_id: Option<i64>,
    pub application_id: Option<i64>,
    pub stage_id: Option<i64>,
    pub sequence: i64,
    pub nudge: i64,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attachment_name: Option<String>,
    pub attachment: Option<String>,
    pub message_id: String,
    pub due_at: i64,
    pub attempts: i64,
}

const CLAIMED_COLUMNS: &str = "id, idempotency_key, kind, recipient_id, recipient, interview_id, \
    assignment_id, debrief_id, application_id, stage_id, sequence, nudge, subject, body_text, \
    body_html, attachment_name, attachment, message_id, due_at, attempts";

/// Claims up to `limit` due rows (waiting ones whose time has come, and claimed ones whose
/// lease ran out: their worker died) for `owner` until `lease_until`. One conditional
/// `UPDATE … RETURNING`: a row another worker claimed meanwhile no longer matches, so no two
/// workers — in this process or another instance — ever hold the same row. PostgreSQL also
/// skips rows another claim has locked instead of waiting for them.
#[tracing::instrument(skip(db))]
pub async fn claim(
    db: &Db,
    owner: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> sqlx::Result<Vec<Claimed>> {
    const DUE: &str = "((status = 'pending' AND next_attempt_at <= $3) \
                       OR (status = 'sending' AND lease_until < $3))";
    let skip_locked = if Backend::of_pool(db) == Backend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    sqlx::query_as(&format!(
        "UPDATE mail_outbox SET status = 'sending', lease_owner = $1, lease_until = $2, \
         attempts = attempts + 1, updated_at = $3 \
         WHERE id IN (SELECT id FROM mail_outbox WHERE {DUE} ORDER BY next_attempt_at, id LIMIT $4{skip_locked}) \
         AND {DUE} RETURNING {CLAIMED_COLUMNS}"
    ))
    .bind(owner)
    .bind(lease_until)
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// What a delivery attempt wrote out (kept with the row, shown on the admin page).
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attachment_name: Option<String>,
    pub attachment: Option<String>,
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub enum Finish {
    Sent,
    Retry {
        at: i64,
        error: String,
    },
    Failed {
        error: String,
    },
    /// Not sent, and never will be.
    Skipped {
        reason: String,
    },
}

/// Records how an attempt ended, unless another worker took the row over meanwhile (its
/// lease ran out). A row stopped meanwhile (the interview moved while the message was on its
/// way) is still recorded as sent: that is what happened.
#[tracing::instrument(skip(db, content))]
pub async fn finish<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    owner: &str,
    finish: &Finish,
    content: &Content,
    now: i64,
) -> sqlx::Result<bool> {
    let (status, next, error, outcome, sent_at) = match finish {
        Finish::Sent => (MailStatus::Sent, None, None, None, Some(now)),
        Finish::Retry { at, error } => (
            MailStatus::Pending,
            Some(*at),
            Some(error.as_str()),
            None,
            None,
        ),
        Finish::Failed { error } => (MailStatus::Failed, None, Some(error.as_str()), None, None),
        Finish::Skipped { reason } => (
            MailStatus::Cancelled,
            None,
            None,
            Some(reason.as_str()),
            None,
        ),
    };
    let done = sqlx::query(
        "UPDATE mail_outbox SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), \
         last_error = COALESCE($3, last_error), outcome = $4, sent_at = COALESCE($5, sent_at), \
         recipient = CASE WHEN $6 = '' THEN recipient ELSE $6 END, \
         subject = CASE WHEN $7 = '' THEN subject ELSE $7 END, \
         body_text = CASE WHEN $7 = '' THEN body_text ELSE $8 END, \
         body_html = CASE WHEN $7 = '' THEN body_html ELSE $9 END, \
         attachment_name = CASE WHEN $7 = '' THEN attachment_name ELSE $10 END, \
         attachment = CASE WHEN $7 = '' THEN attachment ELSE $11 END, \
         lease_owner = NULL, lease_until = NULL, updated_at = $12 \
         WHERE id = $13 AND status <> 'sent' AND (lease_owner = $14 OR lease_owner IS NULL)",
    )
    .bind(status)
    .bind(next)
    .bind(error)
    .bind(outcome)
    .bind(sent_at)
    .bind(&content.recipient)
    .bind(&content.subject)
    .bind(&content.body_text)
    .bind(&content.body_html)
    .bind(content.attachment_name.as_deref())
    .bind(content.attachment.as_deref())
    .bind(now)
    .bind(id)
    .bind(owner)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Debug, Clone, FromRow)]
pub struct ListRow {
    pub id: i64,
    pub kind: MailKind,
    pub recipient: String,
    pub recipient_email: Option<String>,
    pub subject: String,
    pub status: MailStatus,
    pub due_at: i64,
    pub sent_at: Option<i64>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub outcome: Option<String>,
}

const LIST_COLUMNS: &str = "m.id, m.kind, m.recipient, u.email AS recipient_email, m.subject, \
    m.status, m.due_at, m.sent_at, m.attempts, m.last_error, m.outcome";

/// The newest messages first (`status`: only those), one page.
#[tracing::instrument(skip(db))]
pub async fn list(
    db: &Db,
    status: Option<MailStatus>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ListRow>> {
    let filter = if status.is_some() {
        "WHERE m.status = $3"
    } else {
        ""
    };
    let query = format!(
        "SELECT {LIST_COLUMNS} FROM mail_outbox m LEFT JOIN users u ON u.id = m.recipient_id \
         {filter} ORDER BY m.id DESC LIMIT $1 OFFSET $2"
    );
    let mut query = sqlx::query_as(&query).bind(limit).bind(offset);
    if let Some(status) = status {
        query = query.bind(status);
    }
    query.fetch_all(db).await
}

/// How many messages wait and how many failed.
pub async fn counts(db: &Db) -> sqlx::Result<(i64, i64)> {
    let rows: Vec<(MailStatus, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM mail_outbox WHERE status IN ('pending', 'sending', 'failed') GROUP BY status",
    )
    .fetch_all(db)
    .await?;
    let waiting = rows
        .iter()
        .filter(|r| r.0 != MailStatus::Failed)
        .map(|r| r.1)
        .sum();
    let failed = rows
        .iter()
        .filter(|r| r.0 == MailStatus::Failed)
        .map(|r| r.1)
        .sum();
    Ok((waiting, failed))
}

#[derive(Debug, Clone, FromRow)]
pub struct MessageRow {
    #[sqlx(flatten)]
    pub row: ListRow,
    pub message_id: String,
    pub body_text: String,
    pub body_html: String,
    pub attachment_name: Option<String>,
    pub attachment: Option<String>,
}

pub async fn message(db: &Db, id: i64) -> sqlx::Result<Option<MessageRow>> {
    sqlx::query_as(&format!(
        "SELECT {LIST_COLUMNS}, m.message_id, m.body_text, m.body_html, m.attachment_name, \
         m.attachment FROM mail_outbox m LEFT JOIN users u ON u.id = m.recipient_id WHERE m.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}
