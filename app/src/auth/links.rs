//! One-time set-password links: issued by admins (or with a new account), stored only as
//! hashes, used up once. Owns the `password_links` table (through the auth repository).

use super::repo;
use crate::error::AppResult;
use anyhow::Context;
use sha2::{Digest, Sha256};
use sqlx::any::AnyExecutor;

/// How long a one-time set-password link works.
pub const PASSWORD_LINK_HOURS: i64 = 72;

/// A fresh random token and the hash that is stored for it.
pub fn new_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// Links are stored only as SHA-256 hashes: a database leak does not reveal usable links.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues a one-time set-password link for `user_id` inside the caller's transaction (older
/// links are revoked). Returns the token to put in the URL.
pub async fn issue(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    created_by: Option<i64>,
    now: i64,
) -> AppResult<String> {
    let (token, hash) = new_token();
    revoke_all(&mut *conn, user_id, now).await?;
    repo::insert_password_link(
        &mut *conn,
        &hash,
        user_id,
        created_by,
        now,
        now + PASSWORD_LINK_HOURS * 3600,
    )
    .await
    .context("storing the password link")?;
    Ok(token)
}

/// Makes every outstanding link of `user_id` unusable.
pub async fn revoke_all<'c>(db: impl AnyExecutor<'c>, user_id: i64, now: i64) -> AppResult<()> {
    repo::revoke_links_of(db, user_id, now)
        .await
        .context("revoking set-password links")?;
    Ok(())
}

/// The user a still valid link is for.
pub async fn owner<'c>(db: impl AnyExecutor<'c>, token: &str, now: i64) -> AppResult<Option<i64>> {
    Ok(repo::find_valid_link(db, &token_hash(token), now)
        .await
        .context("checking a password link")?)
}

/// Uses a link up; returns its user, or `None` if it had expired or was used.
pub async fn consume<'c>(
    db: impl AnyExecutor<'c>,
    token: &str,
    now: i64,
) -> AppResult<Option<i64>> {
    Ok(repo::consume_link(db, &token_hash(token), now)
        .await
        .context("using up the link")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_a, token_hash(&a));
        assert_ne!(hash_a, a);
    }
}
