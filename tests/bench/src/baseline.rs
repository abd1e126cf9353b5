//! The baseline: a bare axum + sqlx handler with no framework, no session and no access
//! checks, running the main query of "My interviews" for one user and writing comparable
//! HTML. Every page's throughput is reported as a share of this one's, measured in the same
//! run on the same machine, so the noise of a shared machine cancels out.

use anyhow::Context;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use sqlx::AnyPool;
use std::fmt::Write as _;
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// The queries "My interviews" runs for its two lists (kept identical to the product's
/// repository by hand: the baseline must not use the product's code).
const MINE: &str = "SELECT i.id AS interview_id, ia.id AS assignment_id, i.title, \
     c.name AS candidate_name, o.title AS opening_title, i.starts_at, i.ends_at, i.location, \
     i.status FROM interview_assignments ia JOIN interviews i ON i.id = ia.interview_id \
     JOIN applications a ON a.id = i.application_id JOIN candidates c ON c.id = a.candidate_id \
     JOIN openings o ON o.id = a.opening_id \
     WHERE ia.user_id = $1 AND NOT (c.is_internal = TRUE AND COALESCE(c.current_manager_id, -1) = $1)";

fn upcoming_sql() -> String {
    format!(
        "{MINE} AND ia.starts_at > $5 AND ia.ends_at > $2 AND ($3 = TRUE OR i.status = 'scheduled') \
         ORDER BY ia.starts_at, ia.interview_id LIMIT $4"
    )
}

fn past_sql() -> String {
    format!(
        "{MINE} AND ia.starts_at <= $2 AND ia.ends_at <= $2 \
         ORDER BY ia.starts_at DESC, ia.interview_id DESC LIMIT $3 OFFSET $4"
    )
}

#[derive(sqlx::FromRow)]
struct Row {
    interview_id: i64,
    #[allow(dead_code)]
    assignment_id: i64,
    title: String,
    candidate_name: String,
    opening_title: String,
    starts_at: i64,
    ends_at: i64,
    location: String,
    status: String,
}

#[derive(Clone)]
struct Baseline {
    db: AnyPool,
    user_id: i64,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn when(starts_at: i64, ends_at: i64) -> String {
    let zone = chrono_tz::Europe::Berlin;
    let start = chrono::DateTime::from_timestamp(starts_at, 0)
        .unwrap_or_default()
        .with_timezone(&zone);
    let end = chrono::DateTime::from_timestamp(ends_at, 0)
        .unwrap_or_default()
        .with_timezone(&zone);
    format!(
        "{} – {}",
        start.format("%a %-d %b %Y, %H:%M"),
        end.format("%H:%M")
    )
}

async fn my_interviews(State(state): State<Baseline>) -> Html<String> {
    let now = chrono::Utc::now().timestamp();
    let upcoming: Vec<Row> = sqlx::query_as(&upcoming_sql())
        .bind(state.user_id)
        .bind(now)
        .bind(true)
        .bind(51_i64)
        .bind(now - 480 * 60)
        .fetch_all(&state.db)
        .await
        .unwrap_or_default();
    let past: Vec<Row> = sqlx::query_as(&past_sql())
        .bind(state.user_id)
        .bind(now)
        .bind(26_i64)
        .bind(0_i64)
        .fetch_all(&state.db)
        .await
        .unwrap_or_default();
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>My interviews</title>\
         <link rel=\"stylesheet\" href=\"/pkg/hireloop.css\"></head><body><main><h1>My interviews</h1>",
    );
    for (heading, rows) in [("Upcoming", upcoming), ("Past", past)] {
        let _ = write!(html, "<h2>{heading}</h2><table><tbody>");
        for row in rows {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{} — {} ({})<br><span>{}</span></td><td>{}</td>\
                 <td><a href=\"/interviews/{}/kit\">Kit for {}</a></td></tr>",
                when(row.starts_at, row.ends_at),
                escape(&row.title),
                escape(&row.candidate_name),
                escape(&row.opening_title),
                escape(&row.location),
                escape(&row.status),
                row.interview_id,
                escape(&row.candidate_name),
            );
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</main></body></html>");
    Html(html)
}

/// Serves the baseline until killed.
pub async fn serve(database_url: &str, port: u16, user_id: i64) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let db = sqlx::any::AnyPoolOptions::new()
        .max_connections(10)
        .connect(database_url)
        .await
        .context("connecting the baseline")?;
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/my-interviews", get(my_interviews))
        .with_state(Baseline { db, user_id })
        // Browsers (and the load generator) ask for gzip; the baseline answers as Hireloop
        // does, so that both pay for the same bytes on the wire.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .context("binding the baseline")?;
    // Small responses on kept-alive connections must not wait for delayed ACKs.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .await
        .context("serving the baseline")
}
