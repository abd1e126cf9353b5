//! Malformed values for every server function, as an admin (who may call them all) and as a
//! member: very long text, control characters, bytes that are not UTF-8, huge and negative
//! numbers, and lists where one value is expected. Nothing may crash (no 5xx), every refusal
//! carries a message, and the database is left exactly as it was.

use crate::access::{client_for, Effect, Role};
use crate::cases;
use anyhow::ensure;
use app::error::AppError;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestResult};

cases! {
    http: [malformed_values_never_break_a_server_function],
    browser: [],
}

/// The pairs of a form body, decoded.
fn pairs(body: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

fn encode(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Every malformed variant of `body`: one field at a time.
fn variants(body: &str) -> Vec<(String, String)> {
    let fields = pairs(body);
    let mut out = Vec::new();
    for (index, (key, value)) in fields.iter().enumerate() {
        // A ticked checkbox is a presence flag: any value means "ticked".
        if value == "on" {
            continue;
        }
        let with = |replacement: &str| {
            let mut changed = fields.clone();
            replacement.clone_into(&mut changed[index].1);
            encode(&changed)
        };
        out.push((
            format!("{key}: 200,000 characters"),
            with(&"x".repeat(200_000)),
        ));
        out.push((
            format!("{key}: control characters"),
            with("a\u{0}b\u{7}\u{1b}[31mc\u{8}"),
        ));
        // Bytes that are not UTF-8, as a browser would percent-encode them.
        let mut raw = fields.clone();
        raw.remove(index);
        let mut broken = encode(&raw);
        if !broken.is_empty() {
            broken.push('&');
        }
        broken.extend(url::form_urlencoded::byte_serialize(key.as_bytes()));
        broken.push_str("=%FF%FE%C3");
        out.push((format!("{key}: not UTF-8"), broken));
        if value.parse::<i64>().is_ok() {
            out.push((format!("{key}: huge number"), with("99999999999999999999")));
            out.push((format!("{key}: negative"), with("-1")));
        }
        let is_list_item = key
            .rsplit_once('[')
            .is_some_and(|(_, index)| index.trim_end_matches(']').parse::<usize>().is_ok());
        if !is_list_item {
            let mut listed = fields.clone();
            listed.remove(index);
            listed.push((format!("{key}[0]"), "a".into()));
            listed.push((format!("{key}[1]"), "b".into()));
            out.push((format!("{key}: a list"), encode(&listed)));
        }
    }
    out
}

async fn malformed_values_never_break_a_server_function(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let mut sent = 0;
    for (n, role) in [(0, Role::Admin), (1, Role::Member)] {
        let client = client_for(&app, &fx, role).await?;
        for call in crate::access_calls::calls_for(&app, &fx, role, n).await? {
            let Some(body) = &call.body else { continue };
            let before = app.digest().await?;
            for (what, mutated) in variants(body) {
                let (status, text) = app.call_raw(&client, &call.name, &mutated).await?;
                let context = format!("{role:?} {} with {what}: {status}", call.name);
                ensure!(
                    !status.is_server_error(),
                    "{context} {}",
                    text.chars().take(300).collect::<String>()
                );
                if status.is_success() {
                    ensure!(
                        call.effect == Effect::Reads,
                        "a write accepted a malformed value: {context}"
                    );
                } else {
                    let error: AppError = serde_json::from_str(&text)
                        .map_err(|e| anyhow::anyhow!("{context}: not an error ({e}): {text}"))?;
                    ensure!(
                        !error.to_string().is_empty() && status.as_u16() == error.status(),
                        "{context}: {error:?}"
                    );
                }
                sent += 1;
            }
            app.ensure_unchanged(
                &before,
                &format!("{role:?} {} with malformed values", call.name),
            )
            .await?;
        }
    }
    ensure!(sent > 500, "sent {sent} malformed calls");
    app.stop().await;
    Ok(())
}
