//! SQL for the set-up marker and one-time password links.

use sqlx::any::AnyExecutor;

/// Marks the instance as set up; `false` when it already was (first admin exists).
#[tracing::instrument(skip(db))]
pub async fn mark_initialised<'c>(db: impl AnyExecutor<'c>, now: i64) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "INSERT INTO instance (id, initialised_at) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
    )
    .bind(now)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

#[tracing::instrument(skip(db))]
pub async fn is_initialised<'c>(db: impl AnyExecutor<'c>) -> sqlx::Result<bool> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM instance")
        .fetch_one(db)
        .await?;
    Ok(count > 0)
}

#[tracing::instrument(skip_all, fields(user_id))]
pub async fn insert_password_link<'c>(
    db: impl AnyExecutor<'c>,
    token_hash: &str,
    user_id: i64,
    created_by: Option<i64>,
    now: i64,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO password_links (token_hash, user_id, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await
    .map(|_| ())
}

/// The user a still-valid link belongs to.
#[tracing::instrument(skip_all)]
pub async fn find_valid_link<'c>(
    db: impl AnyExecutor<'c>,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT user_id FROM password_links WHERE token_hash = $1 AND used_at IS NULL \
         AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// Uses up a link; only one of several concurrent redemptions gets `Some(user_id)`.
#[tracing::instrument(skip_all)]
pub async fn consume_link<'c>(
    db: impl AnyExecutor<'c>,
    token_hash: &str,
    now: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "UPDATE password_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
         AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(db)
    .await
}

/// Older unused links stop working when a new one is issued for the same user.
#[tracing::instrument(skip(db))]
pub async fn revoke_links_of<'c>(
    db: impl AnyExecutor<'c>,
    user_id: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE password_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// The shared secret `name`, created with `fresh` if it does not exist yet (several instances
/// starting at once all end up with the first one stored).
#[tracing::instrument(skip(db, fresh))]
pub async fn instance_secret(db: &crate::db::Db, name: &str, fresh: &str) -> sqlx::Result<String> {
    sqlx::query(
        "INSERT INTO instance_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(fresh)
    .execute(db)
    .await?;
    sqlx::query_scalar("SELECT value FROM instance_secrets WHERE name = $1")
        .bind(name)
        .fetch_one(db)
        .await
}
