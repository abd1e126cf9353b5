//! Multi-row inserts for loading large data sets: rows are collected and written a few
//! hundred at a time, inside the caller's transaction, with ids chosen by the loader (so
//! rows can point at each other without reading ids back).

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

/// One column value. NULLs carry their type: PostgreSQL checks a parameter's type even
/// when its value is NULL.
#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    Text(String),
    Bool(bool),
    Blob(Vec<u8>),
    NullInt,
    NullText,
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Self::NullInt, Self::Int)
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        v.map_or(Self::NullText, Self::Text)
    }
}

/// Rows for one table, flushed in batches.
pub struct Table {
    name: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Value>>,
    written: u64,
    max_rows: usize,
}

/// Both engines accept far more parameters per statement; this keeps statements small.
const MAX_PARAMETERS: usize = 4_000;

impl Table {
    pub fn new(name: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            name,
            columns,
            rows: Vec::new(),
            written: 0,
            max_rows: usize::MAX,
        }
    }

    /// At most `rows` rows per statement (for rows carrying large values).
    #[must_use]
    pub fn batch(mut self, rows: usize) -> Self {
        self.max_rows = rows.max(1);
        self
    }

    fn batch_rows(&self) -> usize {
        (MAX_PARAMETERS / self.columns.len()).clamp(1, self.max_rows)
    }

    /// Queues a row, writing a batch when one is full.
    pub async fn push(&mut self, conn: &mut AnyConnection, row: Vec<Value>) -> sqlx::Result<()> {
        debug_assert_eq!(row.len(), self.columns.len(), "{}", self.name);
        self.rows.push(row);
        if self.rows.len() >= self.batch_rows() {
            self.flush(conn).await?;
        }
        Ok(())
    }

    /// Writes what is queued; returns how many rows the table received in all.
    pub async fn finish(mut self, conn: &mut AnyConnection) -> sqlx::Result<u64> {
        self.flush(conn).await?;
        Ok(self.written)
    }

    async fn flush(&mut self, conn: &mut AnyConnection) -> sqlx::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        let width = self.columns.len();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.name,
            self.columns.join(", ")
        );
        for r in 0..rows.len() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&(r * width + c + 1).to_string());
            }
            sql.push(')');
        }
        let mut query = sqlx::query(&sql);
        for value in rows.into_iter().flatten() {
            query = bind(query, value);
        }
        let done = query.execute(&mut *conn).await?;
        self.written += done.rows_affected();
        Ok(())
    }
}

fn bind<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    value: Value,
) -> Query<'q, Any, AnyArguments<'q>> {
    match value {
        Value::Int(v) => query.bind(v),
        Value::Text(v) => query.bind(v),
        Value::Bool(v) => query.bind(v),
        Value::Blob(v) => query.bind(v),
        Value::NullInt => query.bind(None::<i64>),
        Value::NullText => query.bind(None::<String>),
    }
}

/// The largest id in `table` (0 when empty), to number new rows after it.
pub async fn max_id(conn: &mut AnyConnection, table: &str) -> sqlx::Result<i64> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
        .fetch_one(&mut *conn)
        .await?;
    Ok(max.unwrap_or(0))
}

/// After rows were inserted with explicit ids, PostgreSQL's identity sequence must move past
/// them (SQLite picks max(id) + 1 by itself).
pub async fn sync_identity(conn: &mut AnyConnection, table: &str) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
         (SELECT COALESCE(MAX(id), 1) FROM {table}))"
    ))
    .execute(&mut *conn)
    .await
    .map(|_| ())
}
