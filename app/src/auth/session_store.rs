//! tower-sessions' store trait over the application's own pool, so sessions live in the
//! same database (SQLite or PostgreSQL) and survive restarts and load balancing.

use crate::clock::Clock;
use crate::db::Db;
use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// The session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "uid";
/// The session key holding the user's session epoch at sign-in (see `users.session_epoch`).
pub const EPOCH_KEY: &str = "epoch";

/// Sessions in the `sessions` table; the user id is copied into its own column so that all
/// of a user's sessions can be ended at once.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    clock: Clock,
}

impl DbSessionStore {
    pub fn new(db: Db, clock: Clock) -> Self {
        Self { db, clock }
    }
}

fn backend(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn encode(record: &Record) -> session_store::Result<(Vec<u8>, Option<i64>, i64)> {
    let data =
        rmp_serde::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user_id = record
        .data
        .get(USER_ID_KEY)
        .and_then(serde_json::Value::as_i64);
    Ok((data, user_id, record.expiry_date.unix_timestamp()))
}

#[async_trait]
impl SessionStore for DbSessionStore {
    #[tracing::instrument(skip_all)]
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let (data, user_id, expires_at) = encode(record)?;
            let inserted = sqlx::query(
                "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(record.id.to_string())
            .bind(user_id)
            .bind(data)
            .bind(expires_at)
            .execute(&self.db)
            .await
            .map_err(backend)?;
            if inserted.rows_affected() == 1 {
                return Ok(());
            }
            // An id collision is astronomically unlikely, but the contract asks us to handle it.
            record.id = Id::default();
        }
    }

    #[tracing::instrument(skip_all)]
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (data, user_id, expires_at) = encode(record)?;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, \
             expires_at = excluded.expires_at",
        )
        .bind(record.id.to_string())
        .bind(user_id)
        .bind(data)
        .bind(expires_at)
        .execute(&self.db)
        .await
        .map_err(backend)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let data: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
                .bind(id.to_string())
                .bind(self.clock.now())
                .fetch_optional(&self.db)
                .await
                .map_err(backend)?;
        data.map(|bytes| {
            rmp_serde::from_slice(&bytes).map_err(|e| session_store::Error::Decode(e.to_string()))
        })
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(self.clock.now())
            .execute(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Removes the sessions that expired by `now`; returns how many (a background job).
pub async fn delete_expired_sessions(
    db: &Db,
    _system: &crate::access::System,
    now: i64,
) -> anyhow::Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await
        .map_err(anyhow::Error::from)?
        .rows_affected())
}

/// Ends every session of `user_id` (deactivation, password change by an admin).
#[tracing::instrument(skip(conn))]
pub async fn end_all_sessions(conn: &mut sqlx::AnyConnection, user_id: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?
        .rows_affected())
}
