//! SQL for `challenges`, `challenge_skill_areas` and `challenge_extensions`, the library's
//! full-text search (FTS5 on SQLite, a `tsvector` on PostgreSQL), and the statistics read
//! from the ratings on `interview_assignments`.

use super::ChallengeStatus;
use crate::db::{placeholders, Backend};
use sqlx::any::AnyExecutor;
use sqlx::FromRow;

/// A challenge's own columns.
#[derive(Debug, Clone, FromRow)]
pub struct ChallengeRow {
    pub id: i64,
    pub title: String,
    pub difficulty: i64,
    pub expected_minutes: i64,
    pub status: ChallengeStatus,
}

/// The fields of a challenge as entered.
#[derive(Debug)]
pub struct ChallengeFields<'a> {
    pub title: &'a str,
    pub prompt: &'a str,
    pub difficulty: i64,
    pub expected_minutes: i64,
    pub starter_code: &'a str,
    pub rubric: &'a str,
    pub hints: &'a str,
    pub status: ChallengeStatus,
}

#[tracing::instrument(skip_all)]
pub async fn insert<'c>(
    db: impl AnyExecutor<'c>,
    c: &ChallengeFields<'_>,
    author_id: Option<i64>,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO challenges (title, prompt, difficulty, expected_minutes, starter_code, \
         rubric, hints, status, author_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
    )
    .bind(c.title)
    .bind(c.prompt)
    .bind(c.difficulty)
    .bind(c.expected_minutes)
    .bind(c.starter_code)
    .bind(c.rubric)
    .bind(c.hints)
    .bind(c.status)
    .bind(author_id)
    .bind(now)
    .fetch_one(db)
    .await
}

#[tracing::instrument(skip_all, fields(id))]
pub async fn update<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    c: &ChallengeFields<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE challenges SET title = $1, prompt = $2, difficulty = $3, expected_minutes = $4, \
         starter_code = $5, rubric = $6, hints = $7, status = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(c.title)
    .bind(c.prompt)
    .bind(c.difficulty)
    .bind(c.expected_minutes)
    .bind(c.starter_code)
    .bind(c.rubric)
    .bind(c.hints)
    .bind(c.status)
    .bind(now)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

#[tracing::instrument(skip(db))]
pub async fn set_status<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    status: ChallengeStatus,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE challenges SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status)
        .bind(now)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Replaces a challenge's skill areas and extensions (in the caller's transaction).
#[tracing::instrument(skip(conn, extensions))]
pub async fn set_parts(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    skills: &[i64],
    extensions: &[String],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM challenge_skill_areas WHERE challenge_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for skill in skills {
        sqlx::query(
            "INSERT INTO challenge_skill_areas (challenge_id, skill_area_id) VALUES ($1, $2)",
        )
        .bind(id)
        .bind(skill)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("DELETE FROM challenge_extensions WHERE challenge_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (position, body) in (1_i64..).zip(extensions) {
        sqlx::query(
            "INSERT INTO challenge_extensions (challenge_id, position, body) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(position)
        .bind(body)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One row of [`load`]: the challenge (`part` 0), a skill area (1) or an extension (2),
/// in one shape so that a single statement reads them all on any executor.
#[derive(Debug, Clone, FromRow)]
pub struct PartRow {
    pub part: i64,
    /// Difficulty (0), skill area id (1), position (2).
    pub num: i64,
    /// Expected minutes (0).
    pub num2: i64,
    /// Title (0), skill area name (1), body (2).
    pub t1: String,
    pub t2: String,
    pub t3: String,
    pub t4: String,
    pub t5: String,
    pub t6: String,
    pub t7: Option<String>,
}

/// A challenge with its skill areas and extensions (prompt, starter code, rubric, hints,
/// status and author in `t2`..`t7` of the first row), in one statement.
#[tracing::instrument(skip(db))]
pub async fn load<'c>(db: impl AnyExecutor<'c>, id: i64) -> sqlx::Result<Vec<PartRow>> {
    sqlx::query_as(
        "SELECT CAST(0 AS BIGINT) AS part, c.difficulty AS num, c.expected_minutes AS num2, \
         c.title AS t1, c.prompt AS t2, c.starter_code AS t3, c.rubric AS t4, c.hints AS t5, \
         c.status AS t6, u.name AS t7 \
         FROM challenges c LEFT JOIN users u ON u.id = c.author_id WHERE c.id = $1 \
         UNION ALL \
         SELECT CAST(1 AS BIGINT), s.id, CAST(0 AS BIGINT), s.name, '', '', '', '', '', NULL \
         FROM challenge_skill_areas cs JOIN skill_areas s ON s.id = cs.skill_area_id \
         WHERE cs.challenge_id = $1 \
         UNION ALL \
         SELECT CAST(2 AS BIGINT), e.position, e.id, e.body, '', '', '', '', '', NULL \
         FROM challenge_extensions e WHERE e.challenge_id = $1 \
         ORDER BY 1, 2, 3",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

/// The skill areas of the challenges `ids`, as (challenge, skill id, name), by name.
#[tracing::instrument(skip(db))]
pub async fn skills_of<'c>(
    db: impl AnyExecutor<'c>,
    ids: &[i64],
) -> sqlx::Result<Vec<(i64, i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT cs.challenge_id, s.id, s.name FROM challenge_skill_areas cs \
         JOIN skill_areas s ON s.id = cs.skill_area_id \
         WHERE cs.challenge_id IN ({}) ORDER BY lower(s.name), s.id",
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query_as(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

const SELECT_ROW: &str =
    "SELECT c.id, c.title, c.difficulty, c.expected_minutes, c.status FROM challenges c";

/// Active challenges sharing a skill area with `skills`, by title (at most `limit`).
#[tracing::instrument(skip(db))]
pub async fn active_with_skills<'c>(
    db: impl AnyExecutor<'c>,
    skills: &[i64],
    limit: i64,
) -> sqlx::Result<Vec<ChallengeRow>> {
    if skills.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{SELECT_ROW} WHERE c.status = 'active' AND EXISTS (SELECT 1 FROM challenge_skill_areas cs \
         WHERE cs.challenge_id = c.id AND cs.skill_area_id IN ({})) \
         ORDER BY c.title, c.id LIMIT ${}",
        placeholders(1, skills.len()),
        skills.len() + 1
    );
    let mut query = sqlx::query_as(&sql);
    for id in skills {
        query = query.bind(*id);
    }
    query.bind(limit).fetch_all(db).await
}

/// The library's filters, ready for SQL.
#[derive(Debug)]
pub struct ListFilter<'a> {
    /// A full-text query for the engine (see [`fts5_query`] and [`tsquery`]).
    pub search: Option<&'a str>,
    pub skill: Option<i64>,
    pub difficulty: Option<i64>,
    pub status: Option<ChallengeStatus>,
}

/// A page of the library, by title.
#[tracing::instrument(skip(db))]
pub async fn list<'c>(
    db: impl AnyExecutor<'c>,
    backend: Backend,
    filter: &ListFilter<'_>,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<ChallengeRow>> {
    let mut conditions = Vec::new();
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    if filter.search.is_some() {
        conditions.push(match backend {
            Backend::Sqlite => format!(
                "c.id IN (SELECT rowid FROM challenges_fts WHERE challenges_fts MATCH {})",
                next()
            ),
            Backend::Postgres => format!("c.search @@ to_tsquery('simple', {})", next()),
        });
    }
    if filter.skill.is_some() {
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM challenge_skill_areas cs WHERE cs.challenge_id = c.id \
             AND cs.skill_area_id = {})",
            next()
        ));
    }
    if filter.difficulty.is_some() {
        conditions.push(format!("c.difficulty = {}", next()));
    }
    if filter.status.is_some() {
        conditions.push(format!("c.status = {}", next()));
    }
    let filters = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let (limit_at, offset_at) = (next(), next());
    let sql = format!(
        "{SELECT_ROW} {filters} ORDER BY c.title, c.id LIMIT {limit_at} OFFSET {offset_at}"
    );
    let mut query = sqlx::query_as(&sql);
    if let Some(search) = filter.search {
        query = query.bind(search);
    }
    if let Some(skill) = filter.skill {
        query = query.bind(skill);
    }
    if let Some(difficulty) = filter.difficulty {
        query = query.bind(difficulty);
    }
    if let Some(status) = filter.status {
        query = query.bind(status);
    }
    query.bind(limit).bind(offset).fetch_all(db).await
}

/// The search words of `text`: runs of letters and digits (what both engines' tokenizers
/// index), at most eight, so that no character of the user's can reach the query syntax.
fn search_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .collect()
}

/// An FTS5 query finding every word of `text` as a word prefix: each word a double-quoted
/// string (quotes doubled) followed by `*`. `None` when `text` has no words.
pub fn fts5_query(text: &str) -> Option<String> {
    let words = search_words(text);
    (!words.is_empty()).then(|| {
        words
            .iter()
            .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// A PostgreSQL `to_tsquery` text finding every word of `text` as a prefix (`word:*`,
/// joined with `&`). The words hold only letters and digits, so none is an operator.
pub fn tsquery(text: &str) -> Option<String> {
    let words = search_words(text);
    (!words.is_empty()).then(|| {
        words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ")
    })
}

/// What the statistics may count of interview `i`: not the interviews of an internal
/// candidate whose current manager is the viewer at placeholder `$n` (`-1` hides nobody,
/// for admins). The hidden applications are few and found once through the candidates'
/// manager index, instead of joining every use to its application and candidate.
fn counted(n: usize) -> String {
    format!(
        "i.application_id NOT IN (SELECT ha.id FROM candidates hc \
         JOIN applications ha ON ha.candidate_id = hc.id \
         WHERE hc.current_manager_id = ${n} AND hc.is_internal = TRUE)"
    )
}

/// Uses, ratings and the ratings' sum of each challenge of `ids` (those never used are left
/// out), counting only interviews that are not cancelled, of candidacies the viewer may
/// know of (`hidden_from`: see [`counted`]). Read from the assignments' challenge index
/// alone: the few cancelled interviews and the viewer's hidden ones are excluded as lists.
#[tracing::instrument(skip(db))]
pub async fn effectiveness_of<'c>(
    db: impl AnyExecutor<'c>,
    ids: &[i64],
    hidden_from: i64,
) -> sqlx::Result<Vec<(i64, i64, i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT ia.challenge_id, COUNT(*), COUNT(ia.challenge_rating), \
         CAST(COALESCE(SUM(ia.challenge_rating), 0) AS BIGINT) \
         FROM interview_assignments ia \
         WHERE ia.challenge_id IN ({}) \
         AND ia.interview_id NOT IN (SELECT id FROM interviews WHERE status = 'cancelled') \
         AND ia.interview_id NOT IN (SELECT hi.id FROM candidates hc \
             JOIN applications ha ON ha.candidate_id = hc.id \
             JOIN interviews hi ON hi.application_id = ha.id \
             WHERE hc.current_manager_id = $1 AND hc.is_internal = TRUE) \
         GROUP BY ia.challenge_id",
        placeholders(2, ids.len()),
    );
    let mut query = sqlx::query_as(&sql).bind(hidden_from);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

/// A challenge's statistics in one statement.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct StatsRow {
    pub uses: i64,
    pub ratings: i64,
    pub rating_sum: i64,
    pub candidates: i64,
    pub advanced: i64,
    pub hired: i64,
}

/// Uses and ratings of one challenge, and how the applications that got it fared: moved
/// past the latest stage in which they got it, or hired.
#[tracing::instrument(skip(db))]
pub async fn stats<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    hidden_from: i64,
) -> sqlx::Result<StatsRow> {
    let sql = format!(
        "WITH used AS ( \
             SELECT ia.challenge_rating AS rating, i.application_id, s.position \
             FROM interview_assignments ia JOIN interviews i ON i.id = ia.interview_id \
             JOIN stages s ON s.id = i.stage_id \
             WHERE ia.challenge_id = $1 AND i.status = 'scheduled' AND {} \
         ), got AS ( \
             SELECT application_id, MAX(position) AS position FROM used GROUP BY application_id \
         ) \
         SELECT u.uses, u.ratings, u.rating_sum, o.candidates, o.advanced, o.hired FROM \
         (SELECT COUNT(*) AS uses, COUNT(rating) AS ratings, \
                 CAST(COALESCE(SUM(rating), 0) AS BIGINT) AS rating_sum FROM used) u \
         CROSS JOIN \
         (SELECT COUNT(*) AS candidates, \
                 CAST(COALESCE(SUM(CASE WHEN a.status = 'hired' OR st.position > g.position \
                      THEN 1 ELSE 0 END), 0) AS BIGINT) AS advanced, \
                 CAST(COALESCE(SUM(CASE WHEN a.status = 'hired' THEN 1 ELSE 0 END), 0) \
                      AS BIGINT) AS hired \
          FROM got g JOIN applications a ON a.id = g.application_id \
          JOIN stages st ON st.id = a.stage_id) o",
        counted(2)
    );
    sqlx::query_as(&sql)
        .bind(id)
        .bind(hidden_from)
        .fetch_one(db)
        .await
}

/// The latest rating notes of a challenge: (rating, note, when), newest first.
#[tracing::instrument(skip(db))]
pub async fn recent_notes<'c>(
    db: impl AnyExecutor<'c>,
    id: i64,
    hidden_from: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, String, i64)>> {
    let sql = format!(
        "SELECT ia.challenge_rating, ia.challenge_note, \
         COALESCE(ia.challenge_rated_at, i.ends_at) AS rated_at \
         FROM interview_assignments ia JOIN interviews i ON i.id = ia.interview_id \
         WHERE ia.challenge_id = $1 AND i.status = 'scheduled' \
         AND ia.challenge_rating IS NOT NULL AND ia.challenge_note IS NOT NULL \
         AND ia.challenge_note <> '' AND {} \
         ORDER BY rated_at DESC, ia.id DESC LIMIT $3",
        counted(2)
    );
    sqlx::query_as(&sql)
        .bind(id)
        .bind(hidden_from)
        .bind(limit)
        .fetch_all(db)
        .await
}

/// Whether a challenge with this exact title exists (the demo data skips what it has).
#[tracing::instrument(skip(db))]
pub async fn title_exists<'c>(db: impl AnyExecutor<'c>, title: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM challenges WHERE title = $1")
        .bind(title)
        .fetch_one(db)
        .await
        .map(|n| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_becomes_quoted_prefix_words() {
        assert_eq!(
            fts5_query("Rate lim").as_deref(),
            Some("\"Rate\"* \"lim\"*")
        );
        assert_eq!(tsquery("Rate lim").as_deref(), Some("Rate:* & lim:*"));
        // Query syntax typed by a user is only ever words.
        assert_eq!(fts5_query("AND(").as_deref(), Some("\"AND\"*"));
        assert_eq!(tsquery("AND(").as_deref(), Some("AND:*"));
        assert_eq!(
            fts5_query("sign-up \"accounts\" NEAR/3 x*").as_deref(),
            Some("\"sign\"* \"up\"* \"accounts\"* \"NEAR\"* \"3\"* \"x\"*")
        );
        assert_eq!(
            tsquery("a|b & !c <-> 'd'").as_deref(),
            Some("a:* & b:* & c:* & d:*")
        );
        // Nothing searchable: no search at all.
        for nothing in ["", "   ", "\"", "()&|!:*'\\", "\"\"\""] {
            assert_eq!(fts5_query(nothing), None, "{nothing:?}");
            assert_eq!(tsquery(nothing), None, "{nothing:?}");
        }
        // Letters beyond ASCII are words too; at most eight words are searched.
        assert_eq!(fts5_query("Müller").as_deref(), Some("\"Müller\"*"));
        assert_eq!(
            tsquery("a b c d e f g h i j").map(|q| q.matches(":*").count()),
            Some(8)
        );
    }
}
