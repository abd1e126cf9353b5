//! The admin's view of mail (the outbox, a test email, reminder times) and each user's own
//! settings (short reminders, the private calendar feed).

use super::outbox::{self, message_key};
use super::repo;
use super::settings::{MailSettings, MailSettingsInput, MyMailSettings};
use super::transport::{Mailer, Outgoing};
use super::{MailMessage, MailPage, MailRow, MailStatus};
use crate::access::{Admin, Myself};
use crate::audit::service::{self as audit, NewEntry};
use crate::db::{begin_write, Db};
use crate::error::{AppError, AppResult};
use crate::paging::{PageNumber, Paged};
use crate::time;
use anyhow::Context;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Messages per page of the admin's list.
pub const PAGE_SIZE: usize = 50;

fn row_view(row: repo::ListRow, tz: chrono_tz::Tz) -> MailRow {
    let recipient = if row.recipient.is_empty() {
        row.recipient_email.unwrap_or_default()
    } else {
        row.recipient
    };
    MailRow {
        id: row.id,
        kind: row.kind,
        recipient,
        subject: row.subject,
        status: row.status,
        due: time::datetime(row.due_at, tz),
        sent: row.sent_at.map(|t| time::datetime(t, tz)),
        attempts: row.attempts,
        last_error: row.last_error,
        outcome: row.outcome,
    }
}

/// The outbox, newest first (`status`: only those).
pub async fn page(
    db: &Db,
    admin: &Admin,
    mailer: &Mailer,
    status: Option<MailStatus>,
    page: PageNumber,
) -> AppResult<MailPage> {
    let tz = time::zone(&admin.user().timezone);
    let size = i64::try_from(PAGE_SIZE).unwrap_or(50);
    let rows = repo::list(db, status, size + 1, page.offset(PAGE_SIZE))
        .await
        .context("listing mail")?;
    let (waiting, failed) = repo::counts(db).await.context("counting mail")?;
    Ok(MailPage {
        transport: mailer.describe().to_owned(),
        waiting,
        failed,
        rows: Paged::from_rows(rows, page, PAGE_SIZE).map(|r| row_view(r, tz)),
    })
}

/// One message in full.
pub async fn message(db: &Db, admin: &Admin, mailer: &Mailer, id: i64) -> AppResult<MailMessage> {
    let tz = time::zone(&admin.user().timezone);
    let row = repo::message(db, id)
        .await
        .context("loading a message")?
        .ok_or(AppError::NotFound)?;
    let file = if row.row.status == MailStatus::Sent {
        mailer.file_of(&row.message_id)
    } else {
        None
    };
    Ok(MailMessage {
        file,
        message_id: mailer.message_id(&row.message_id),
        body_text: row.body_text,
        body_html: row.body_html,
        attachment_name: row.attachment_name,
        attachment: row.attachment,
        row: row_view(row.row, tz),
    })
}

/// Sends a test email to the admin at once, through the configured transport, and keeps it
/// in the outbox with what happened.
pub async fn send_test(db: &Db, admin: &Admin, mailer: &Mailer, now: i64) -> AppResult<i64> {
    let user = admin.user();
    let key = format!("test:{}:{now}:{}", user.id, rand_suffix());
    let blocks = vec![
        super::render::Block::Para(format!("Hello {},", user.name)),
        super::render::Block::Para(
            "This is a test email from Hireloop. If you can read it, reminders and calendar invites reach your team the same way.".into(),
        ),
        super::render::Block::Facts(vec![("Sent through".into(), mailer.describe().to_owned())]),
    ];
    let outgoing = Outgoing {
        to: user.email.clone(),
        to_name: user.name.clone(),
        subject: "Hireloop test email".into(),
        text: super::render::text(&blocks),
        html: super::render::html(&blocks),
        calendar: None,
        message_key: message_key(&key),
    };
    let result = mailer.send(&outgoing).await;
    let (status, error) = match &result {
        Ok(()) => (MailStatus::Sent, None),
        Err(e) => (MailStatus::Failed, Some(e.message().to_owned())),
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO mail_outbox (idempotency_key, kind, recipient_id, recipient, subject, body_text, \
         body_html, message_id, status, due_at, next_attempt_at, attempts, last_error, sent_at, \
         created_at, updated_at) VALUES ($1, 'test', $2, $3, $4, $5, $6, $7, $8, $9, $9, 1, $10, $11, $9, $9) \
         RETURNING id",
    )
    .bind(&key)
    .bind(user.id)
    .bind(&user.email)
    .bind(&outgoing.subject)
    .bind(&outgoing.text)
    .bind(&outgoing.html)
    .bind(&outgoing.message_key)
    .bind(status)
    .bind(now)
    .bind(error.as_deref())
    .bind(result.is_ok().then_some(now))
    .fetch_one(db)
    .await
    .context("recording the test email")?;
    Ok(id)
}

fn rand_suffix() -> String {
    use rand::Rng;
    format!("{:08x}", rand::thread_rng().gen::<u32>())
}

/// The reminder times.
pub async fn settings(db: &Db, _admin: &Admin) -> AppResult<MailSettingsInput> {
    let mut conn = db.acquire().await.context("connecting")?;
    Ok(outbox::settings(&mut conn)
        .await
        .context("loading the reminder times")?
        .input())
}

/// Saves the reminder times (for interviews scheduled or moved from now on).
pub async fn save_settings(
    db: &Db,
    admin: &Admin,
    input: &MailSettingsInput,
    now: i64,
) -> AppResult<()> {
    let settings = MailSettings::parse(input).map_err(AppError::Invalid)?;
    let mut tx = begin_write(db).await?;
    let before = outbox::settings(&mut tx)
        .await
        .context("loading the reminder times")?;
    sqlx::query(
        "UPDATE mail_settings SET prep_lead_hours = $1, short_lead_minutes = $2, \
         overdue_after_hours = $3, updated_at = $4 WHERE id = 1",
    )
    .bind(settings.stored_prep_leads())
    .bind(settings.short_lead / 60)
    .bind(settings.overdue_after / 3600)
    .bind(now)
    .execute(&mut *tx)
    .await
    .context("saving the reminder times")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            Some(admin.user().id),
            "mail_settings",
            1,
            "update",
            "Changed when reminders go out",
        )
        .before(json!(before.input()))
        .after(json!(settings.input())),
        now,
    )
    .await?;
    tx.commit().await.context("committing the reminder times")?;
    Ok(())
}

fn lead_words(seconds: i64) -> String {
    if seconds < 60 {
        String::new()
    } else {
        super::render::minutes(seconds / 60)
    }
}

/// The user's own settings.
pub async fn my_settings(db: &Db, me: &Myself) -> AppResult<MyMailSettings> {
    let row: Option<(crate::db::Flag, Option<String>)> =
        sqlx::query_as("SELECT short_reminders, calendar_token_hash FROM users WHERE id = $1")
            .bind(me.user().id)
            .fetch_optional(db)
            .await
            .context("loading your email settings")?;
    let (short, token) = row.ok_or(AppError::NotFound)?;
    let mut conn = db.acquire().await.context("connecting")?;
    let settings = outbox::settings(&mut conn)
        .await
        .context("loading the reminder times")?;
    Ok(MyMailSettings {
        short_reminders: short.0,
        short_lead: lead_words(settings.short_lead),
        has_feed: token.is_some(),
        new_feed_url: None,
    })
}

/// Turns the user's short reminders on or off (the ones already queued follow the setting:
/// it is read when they are sent).
pub async fn save_short_reminders(db: &Db, me: &Myself, on: bool, now: i64) -> AppResult<()> {
    let mut tx = begin_write(db).await?;
    sqlx::query("UPDATE users SET short_reminders = $1, updated_at = $2 WHERE id = $3")
        .bind(on)
        .bind(now)
        .bind(me.user().id)
        .execute(&mut *tx)
        .await
        .context("saving your reminder setting")?;
    tx.commit()
        .await
        .context("committing your reminder setting")?;
    Ok(())
}

/// The stored form of a feed token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes a new secret feed address for the user; the old one stops working at once.
pub async fn regenerate_feed(db: &Db, me: &Myself, base: &str, now: i64) -> AppResult<String> {
    use rand::RngCore;
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let mut tx = begin_write(db).await?;
    sqlx::query("UPDATE users SET calendar_token_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(token_hash(&token))
        .bind(now)
        .bind(me.user().id)
        .execute(&mut *tx)
        .await
        .context("saving your calendar feed")?;
    tx.commit().await.context("committing your calendar feed")?;
    Ok(format!("{base}/calendar/{token}.ics"))
}

/// Turns the user's feed off (its address stops working).
pub async fn remove_feed(db: &Db, me: &Myself, now: i64) -> AppResult<()> {
    let mut tx = begin_write(db).await?;
    sqlx::query("UPDATE users SET calendar_token_hash = NULL, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(me.user().id)
        .execute(&mut *tx)
        .await
        .context("removing your calendar feed")?;
    tx.commit().await.context("committing your calendar feed")?;
    Ok(())
}
