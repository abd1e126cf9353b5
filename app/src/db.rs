//! The database connection: SQLite (embedded default) or PostgreSQL (production, shared by
//! several server instances), chosen by the URL at run time.
//!
//! Both go through sqlx's `Any` driver so that each repository holds one copy of its SQL.
//! The SQL is therefore written in the dialect both engines share: `$n` placeholders,
//! `RETURNING`, `ON CONFLICT`, timestamps as UTC Unix seconds in `BIGINT` columns.

use anyhow::{bail, Context};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

/// The connection pool every repository function borrows from.
pub type Db = AnyPool;

/// Which engine a pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            bail!(
                "DATABASE_URL must start with sqlite:// or postgres:// (got {})",
                redact_url(url)
            )
        }
    }

    pub fn of_pool(db: &Db) -> Self {
        if db.connect_options().database_url.scheme() == "sqlite" {
            Self::Sqlite
        } else {
            Self::Postgres
        }
    }

    fn migrator(self) -> &'static Migrator {
        static SQLITE: Migrator = sqlx::migrate!("../migrations/sqlite");
        static POSTGRES: Migrator = sqlx::migrate!("../migrations/postgres");
        match self {
            Self::Sqlite => &SQLITE,
            Self::Postgres => &POSTGRES,
        }
    }
}

/// Hides the password in a database URL so it can be logged.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "<unparseable URL>".to_owned(),
    }
}

/// Opens a pool, creating the SQLite file (and its folder) on first use.
#[tracing::instrument(skip_all, fields(url = %redact_url(url)))]
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of_url(url)?;
    let url = match backend {
        Backend::Sqlite => prepare_sqlite_url(url)?,
        Backend::Postgres => url.to_owned(),
    };
    let options = AnyConnectOptions::from_str(&url).context("reading DATABASE_URL")?;
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // WAL lets readers proceed during a write; busy_timeout makes writers
                    // queue instead of failing; foreign keys are off by default in SQLite.
                    // Temporary sort tables stay in memory, and each connection caches up to
                    // 8 MB of pages (the default is 2 MB).
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                         PRAGMA temp_store = MEMORY; PRAGMA cache_size = -8000;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .context("connecting to the database")?;
    Ok(pool)
}

/// Adds `mode=rwc` (create if missing) and makes sure the file's folder exists.
fn prepare_sqlite_url(url: &str) -> anyhow::Result<String> {
    let path_part = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = path_part.split_once('?').unwrap_or((path_part, ""));
    if path == ":memory:" {
        return Ok(url.to_owned());
    }
    if !path.is_empty() {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).with_context(|| {
                    format!("creating the database folder {}", parent.display())
                })?;
            }
        }
    }
    if query.contains("mode=") {
        Ok(url.to_owned())
    } else if query.is_empty() {
        Ok(format!("sqlite://{path}?mode=rwc"))
    } else {
        Ok(format!("sqlite://{path}?{query}&mode=rwc"))
    }
}

/// Brings the schema up to date. Any failure is fatal: the server must not run on a
/// half-migrated database.
#[tracing::instrument(skip_all)]
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    let backend = Backend::of_pool(db);
    backend
        .migrator()
        .run(db)
        .await
        .with_context(|| format!("database migration failed ({backend:?})"))
}

/// A boolean column: `BOOLEAN` on PostgreSQL, `INTEGER` 0/1 on SQLite (whose `BOOLEAN`
/// the `Any` driver cannot read). Row structs use `#[sqlx(try_from = "Flag")] field: bool`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0
    }
}

impl sqlx::Type<sqlx::Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <bool as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <bool as sqlx::Type<sqlx::Any>>::compatible(ty)
            || <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        match <bool as sqlx::Decode<sqlx::Any>>::decode(value.clone()) {
            Ok(flag) => Ok(Self(flag)),
            Err(_) => <i64 as sqlx::Decode<sqlx::Any>>::decode(value).map(|n| Self(n != 0)),
        }
    }
}

/// A write transaction on the application database. It dereferences to the connection;
/// finish it with [`Tx::commit`] (dropping it rolls back).
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
    /// SQLite's place in the queue of writers (released after the commit).
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.inner.commit().await
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

/// SQLite lets one transaction write at a time. Writers of this process queue here, in
/// order, instead of in SQLite's busy handler (which polls with growing sleeps, so a writer
/// can wait 100 ms after the lock is free and newcomers can overtake it).
fn write_queue(db: &Db) -> Option<std::sync::Arc<tokio::sync::Mutex<()>>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static QUEUES: OnceLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    if Backend::of_pool(db) != Backend::Sqlite {
        return None;
    }
    let key = db.connect_options().database_url.to_string();
    let mut queues = QUEUES.get_or_init(Mutex::default).lock().ok()?;
    Some(queues.entry(key).or_default().clone())
}

/// Starts a transaction that will write. On SQLite it waits for its turn among this
/// process's writers, then takes the write lock at once (`BEGIN IMMEDIATE`): a deferred
/// transaction that reads first and then writes cannot wait for the lock when another
/// writer got in between, and fails with "database is locked" whatever the busy timeout.
/// PostgreSQL locks rows as it goes.
pub async fn begin_write(db: &Db) -> anyhow::Result<Tx> {
    let turn = match write_queue(db) {
        Some(queue) => Some(queue.lock_owned().await),
        None => None,
    };
    let statement = if turn.is_some() {
        "BEGIN IMMEDIATE"
    } else {
        "BEGIN"
    };
    let inner = db
        .begin_with(statement)
        .await
        .context("starting a transaction")?;
    Ok(Tx { inner, _turn: turn })
}

/// Refreshes the query planner's statistics where they are stale: SQLite's
/// `PRAGMA optimize` (bounded by `analysis_limit`), run periodically and at shutdown.
/// PostgreSQL's autovacuum does this by itself.
pub async fn optimize(db: &Db) -> anyhow::Result<()> {
    if Backend::of_pool(db) == Backend::Sqlite {
        db.execute("PRAGMA analysis_limit = 400; PRAGMA optimize;")
            .await
            .context("optimizing the database")?;
    }
    Ok(())
}

/// `$start, $start+1, …` for `count` values of an `IN (…)` list.
pub fn placeholders(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a stored [`Choice`](crate::values::Choice); an unknown value is an error naming it
/// (sqlx adds the column's name), never a silent default.
pub fn decode_choice<T: crate::values::Choice>(raw: &str) -> Result<T, sqlx::error::BoxDynError> {
    T::from_stored(raw).ok_or_else(|| format!("unknown {} {raw:?} in the database", T::WHAT).into())
}

/// Lets rows decode [`Choice`](crate::values::Choice) columns directly and queries bind them
/// (stored as their `as_str` text on both engines).
#[macro_export]
macro_rules! text_enum_column {
    ($($ty:ty),+ $(,)?) => {$(
        impl sqlx::Type<sqlx::Any> for $ty {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <str as sqlx::Type<sqlx::Any>>::type_info()
            }

            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <str as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Any> for $ty {
            fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let raw = <String as sqlx::Decode<sqlx::Any>>::decode(value)?;
                $crate::db::decode_choice::<$ty>(&raw)
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Any> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&'q str as sqlx::Encode<'q, sqlx::Any>>::encode($crate::values::Choice::as_str(*self), buf)
            }
        }
    )+};
}

text_enum_column!(crate::values::Role);

/// A database result where a unique-constraint violation is the user's conflict (`conflict`)
/// and any other failure is unexpected (logged with `context`).
pub fn unique_or<T>(
    result: sqlx::Result<T>,
    context: &'static str,
    conflict: impl FnOnce() -> crate::error::AppError,
) -> crate::error::AppResult<T> {
    match result {
        Ok(value) => Ok(value),
        Err(e) if is_unique_violation(&e) => Err(conflict()),
        Err(e) => Err(anyhow::Error::new(e).context(context).into()),
    }
}

/// True when `error` is a unique-constraint violation (on either engine).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db_error) => {
            matches!(db_error.kind(), sqlx::error::ErrorKind::UniqueViolation)
                || db_error
                    .code()
                    .is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        // A folder that does not exist yet, so that the check below can fail.
        let dir = std::env::temp_dir().join(format!(
            "hireloop-db-url-test-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        assert!(!dir.exists());
        let url = format!("sqlite://{}/x.db", dir.display());
        let prepared = prepare_sqlite_url(&url).expect("url");
        assert!(prepared.ends_with("x.db?mode=rwc"), "{prepared}");
        assert!(dir.exists(), "the folder was created");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            prepare_sqlite_url("sqlite://a.db?mode=ro").expect("url"),
            "sqlite://a.db?mode=ro"
        );
    }

    #[test]
    fn passwords_are_hidden_in_urls() {
        let shown = redact_url("postgres://app:s3cret@db.internal:5432/hireloop");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("db.internal"));
    }

    #[tokio::test]
    async fn an_unknown_stored_state_is_an_error_naming_column_and_value() {
        use crate::values::Role;
        use sqlx::Row;
        let db = connect("sqlite::memory:", 1).await.expect("db");
        let row = sqlx::query("SELECT 'admin' AS role, 'owner' AS other_role")
            .fetch_one(&db)
            .await
            .expect("row");
        assert_eq!(row.try_get::<Role, _>("role").ok(), Some(Role::Admin));
        let error = row
            .try_get::<Role, _>("other_role")
            .expect_err("unknown value")
            .to_string();
        assert!(
            error.contains("other_role") && error.contains("\"owner\"") && error.contains("role"),
            "{error}"
        );
        let bound: String = sqlx::query_scalar("SELECT $1")
            .bind(Role::Member)
            .fetch_one(&db)
            .await
            .expect("bind");
        assert_eq!(bound, "member");
    }

    #[test]
    fn backend_follows_the_scheme() {
        assert_eq!(
            Backend::of_url("sqlite://data/x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::of_url("postgres://localhost/x").ok(),
            Some(Backend::Postgres)
        );
        assert!(Backend::of_url("mysql://localhost/x").is_err());
    }
}
