//! A user's private calendar feed: an `.ics` subscription of their own upcoming interviews,
//! at an address with a secret token (stored only as its digest). It lists exactly what My
//! interviews lists as upcoming (not cancelled) — the same query — and each event has the
//! UID of the invite the interviewer got by mail, so the two do not show twice.

use super::ics::{self, Invite, Method};
use super::service::token_hash;
use crate::db::Db;
use crate::interviews::repo::upcoming_of_interviewer;
use crate::interviews::service::views::UPCOMING_SHOWN;
use anyhow::Context;

/// The feed of the user whose token this is, or `None` for an unknown (or revoked) token.
pub async fn calendar(
    db: &Db,
    token: &str,
    base: &str,
    host: &str,
    now: i64,
) -> anyhow::Result<Option<String>> {
    let token = token.trim_end_matches(".ics");
    if token.len() != 48 || !token.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let user: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM users WHERE calendar_token_hash = $1 AND active = TRUE",
    )
    .bind(token_hash(token))
    .fetch_optional(db)
    .await
    .context("finding a calendar feed")?;
    let Some((user_id, name)) = user else {
        return Ok(None);
    };
    let limit = i64::try_from(UPCOMING_SHOWN).unwrap_or(50);
    let rows = upcoming_of_interviewer(db, user_id, now, false, limit)
        .await
        .context("loading the feed's interviews")?;
    let texts: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                format!("Interview: {} ({})", r.candidate_name, r.title),
                format!(
                    "Interview with {} for {}.",
                    r.candidate_name, r.opening_title
                ),
                format!("{base}/interviews/{}/kit", r.interview_id),
            )
        })
        .collect();
    let invites: Vec<Invite<'_>> = rows
        .iter()
        .zip(&texts)
        .map(|(r, (summary, description, url))| Invite {
            uid: ics::uid(r.interview_id, r.assignment_id, host),
            sequence: 0,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            summary,
            description,
            location: &r.location,
            url,
            organizer: None,
            attendee: None,
        })
        .collect();
    Ok(Some(ics::calendar(
        &invites,
        Method::Publish,
        Some(&format!("Hireloop interviews of {name}")),
        now,
    )))
}

/// `GET /calendar/{token}.ics`: the feed, for calendar apps (no session: the token is the
/// key). An unknown or revoked token is a plain 404.
pub async fn handler(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let base = &state.settings.public_base_url;
    match calendar(&state.db, &token, base, state.mailer.host(), state.now()).await {
        Ok(Some(body)) => (
            [
                (http::header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (http::header::CACHE_CONTROL, "private, no-store"),
            ],
            body,
        )
            .into_response(),
        Ok(None) => (http::StatusCode::NOT_FOUND, "No such calendar feed.").into_response(),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "serving a calendar feed");
            (
                http::StatusCode::INTERNAL_SERVER_ERROR,
                "The feed is unavailable.",
            )
                .into_response()
        }
    }
}
