//! SQL for the `users` table.

use crate::values::Role;
use sqlx::any::AnyExecutor;
use sqlx::FromRow;

/// A stored account, including its password hash: never serialised, never sent to a browser,
/// and left out of its `Debug` output.
#[derive(Clone, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub timezone: String,
    pub role: Role,
    #[sqlx(try_from = "crate::db::Flag")]
    pub active: bool,
    pub password_hash: Option<String>,
    pub session_epoch: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("active", &self.active)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "**redacted**"),
            )
            .finish_non_exhaustive()
    }
}

const SELECT: &str = "SELECT id, name, email, timezone, role, active, password_hash, \
                      session_epoch, created_at, updated_at FROM users";

#[tracing::instrument(skip(db))]
pub async fn find_by_id<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// An account and whether it is the hiring manager of any opening: the user of every
/// signed-in request, read in one statement.
#[derive(Debug, FromRow)]
pub struct SessionRow {
    #[sqlx(flatten)]
    pub account: UserRow,
    #[sqlx(try_from = "crate::db::Flag")]
    pub manages_openings: bool,
}

#[tracing::instrument(skip(db))]
pub async fn find_for_session<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(
        "SELECT id, name, email, timezone, role, active, password_hash, session_epoch, \
         created_at, updated_at, \
         EXISTS (SELECT 1 FROM openings o WHERE o.hiring_manager_id = users.id) AS manages_openings \
         FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Looks an account up by its (already lower-cased) email.
#[tracing::instrument(skip_all)]
pub async fn find_by_email<'c>(
    db: impl AnyExecutor<'c>,
    email: &str,
) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE email = $1"))
        .bind(email)
        .fetch_optional(db)
        .await
}

#[tracing::instrument(skip(db))]
pub async fn list<'c>(db: impl AnyExecutor<'c>) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as(&format!("{SELECT} ORDER BY active DESC, name, id"))
        .fetch_all(db)
        .await
}

#[tracing::instrument(skip(db))]
pub async fn count_active_admins<'c>(db: impl AnyExecutor<'c>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = TRUE")
        .fetch_one(db)
        .await
}

/// The fields of a new account.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub timezone: &'a str,
    pub role: Role,
    pub password_hash: Option<&'a str>,
}

#[tracing::instrument(skip_all, fields(role = user.role.as_str()))]
pub async fn insert<'c>(
    db: impl AnyExecutor<'c>,
    user: &NewUser<'_>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO users (name, email, timezone, role, active, password_hash, session_epoch, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, TRUE, $5, 0, $6, $6) RETURNING id",
    )
    .bind(user.name)
    .bind(user.email)
    .bind(user.timezone)
    .bind(user.role)
    .bind(user.password_hash)
    .bind(now)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all, fields(id))]
pub async fn update_profile<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    name: &str,
    email: &str,
    timezone: &str,
    role: Role,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET name = $1, email = $2, timezone = $3, role = $4, updated_at = $5 \
         WHERE id = $6",
    )
    .bind(name)
    .bind(email)
    .bind(timezone)
    .bind(role)
    .bind(now)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Activates or deactivates an account; the epoch bump invalidates its sessions.
#[tracing::instrument(skip(db))]
pub async fn set_active<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    active: bool,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET active = $1, session_epoch = session_epoch + 1, updated_at = $2 \
         WHERE id = $3",
    )
    .bind(active)
    .bind(now)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Stores a new password hash and returns the new session epoch (other sessions end).
#[tracing::instrument(skip_all, fields(id))]
pub async fn set_password<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "UPDATE users SET password_hash = $1, session_epoch = session_epoch + 1, updated_at = $2 \
         WHERE id = $3 RETURNING session_epoch",
    )
    .bind(password_hash)
    .bind(now)
    .bind(id)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip(db))]
pub async fn set_timezone<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    timezone: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET timezone = $1, updated_at = $2 WHERE id = $3")
        .bind(timezone)
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// An active account by id and name, for pickers.
#[derive(Debug, Clone, FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
}

/// Active accounts, for pickers.
#[tracing::instrument(skip(db))]
pub async fn active_people<'c>(db: impl AnyExecutor<'c>) -> sqlx::Result<Vec<PersonRow>> {
    sqlx::query_as("SELECT id, name FROM users WHERE active = TRUE ORDER BY name, id")
        .fetch_all(db)
        .await
}
