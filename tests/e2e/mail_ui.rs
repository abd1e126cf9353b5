//! Mail in a real browser: the admin sends a test email (written to a file here) and reads
//! it on its own page, is refused bad reminder times next to the fields (nothing saved),
//! then saves good ones; Ivan switches his short reminders off (the reminder due next is
//! then not sent) and makes a private calendar feed, which answers without a session,
//! lists his interview with Maria, and stops working once replaced or turned off. The
//! reminder-times form is also checked with scripts off.

use crate::cases;
use crate::support::with_browser;
use anyhow::{bail, ensure, Context};
use hireloop_tests::browser::{Browser, PATIENCE};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult, TestUser};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

cases! {
    http: [],
    browser: [
        admin_tests_mail_sets_reminder_times_and_ivan_subscribes_to_his_calendar,
        reminder_times_are_checked_without_javascript,
    ],
}

const PREP: &str = "Prep reminders, hours before the interview";
const SHORT: &str = "Short reminder, minutes before the interview";
const SHORT_REMINDERS: &str = "Also remind me 1 hour before each interview";
const FEED: &str = "Calendar feed address";

async fn sign_in(b: &Browser, user: &TestUser) -> TestResult {
    b.goto("/login").await?;
    b.fill("Email", &user.email).await?;
    b.fill("Password", &user.password).await?;
    b.click_button("Sign in").await?;
    b.wait_for_text(&format!("Hello, {}", user.name)).await
}

/// The value of the form control labelled `label`.
async fn value_of(b: &Browser, label: &str) -> anyhow::Result<String> {
    b.field(label)
        .await?
        .prop("value")
        .await?
        .with_context(|| format!("{label:?} has no value"))
}

/// Waits until the message next to the field labelled `label` contains `expected`.
async fn wait_field_error(b: &Browser, label: &str, expected: &str) -> TestResult {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let found = b.field_error(label).await.ok().flatten();
        if found.as_deref().is_some_and(|m| m.contains(expected)) {
            return Ok(());
        }
        if Instant::now() > deadline {
            let body = b.text().await.unwrap_or_default();
            bail!("no {expected:?} next to {label:?} (found {found:?}); the page shows:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `script` (an expression) gives something other than `null`.
async fn wait_eval(b: &Browser, script: &str) -> anyhow::Result<serde_json::Value> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let value = b.eval(&format!("return {script};")).await?;
        if !value.is_null() {
            return Ok(value);
        }
        if Instant::now() > deadline {
            let body = b.text().await.unwrap_or_default();
            bail!("{script} stayed null; the page shows:\n{body}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The input inside the `<label>` that reads `label` (a JavaScript expression).
fn input_in_label(label: &str) -> String {
    format!(
        "([...document.querySelectorAll('label')].find(l => l.textContent.trim() === {}) || {{}}).querySelector?.('input')",
        json!(label)
    )
}

/// Whether the checkbox inside the label `label` is ticked.
async fn is_ticked(b: &Browser, label: &str) -> anyhow::Result<bool> {
    let value = wait_eval(b, &format!("({})?.checked ?? null", input_in_label(label))).await?;
    value
        .as_bool()
        .with_context(|| format!("{label:?} is not a checkbox: {value}"))
}

/// The read-only calendar feed address shown once after it is made.
async fn feed_address(b: &Browser) -> anyhow::Result<String> {
    let value = wait_eval(b, &format!("({})?.value ?? null", input_in_label(FEED))).await?;
    value
        .as_str()
        .map(ToOwned::to_owned)
        .with_context(|| format!("no feed address: {value}"))
}

/// What the message page says next to `fact` (its `<dt>`).
async fn fact(b: &Browser, fact: &str) -> anyhow::Result<String> {
    let value = wait_eval(
        b,
        &format!(
            "[...document.querySelectorAll('dl.facts dt')].find(d => d.textContent.trim() === {})?.nextElementSibling?.textContent.trim() ?? null",
            json!(fact)
        ),
    )
    .await?;
    value
        .as_str()
        .map(ToOwned::to_owned)
        .with_context(|| format!("{fact:?}: {value}"))
}

/// Waits until the path starts with `prefix`; answers the path.
async fn wait_for_path_under(b: &Browser, prefix: &str) -> anyhow::Result<String> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let path = b.path().await?;
        if path.starts_with(prefix) {
            return Ok(path);
        }
        if Instant::now() > deadline {
            bail!("expected to reach {prefix}…, still at {path}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The calendar feed at `url`, fetched as a calendar app does (no cookies): status,
/// content type and body (lines unfolded).
async fn fetch_feed(url: &str) -> anyhow::Result<(StatusCode, String, String)> {
    let response = TestApp::bare_client()
        .get(url)
        .send()
        .await
        .with_context(|| format!("fetching {url}"))?;
    let status = response.status();
    let kind = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await?.replace("\r\n ", "");
    Ok((status, kind, body))
}

/// Ensures the feed at `url` answers Ivan's calendar, with his interview of Maria.
async fn ensure_feed_works(url: &str) -> TestResult {
    let (status, kind, body) = fetch_feed(url).await?;
    ensure!(status == StatusCode::OK, "{url}: {status} {body}");
    ensure!(kind.starts_with("text/calendar"), "{url}: {kind}");
    ensure!(
        body.contains("BEGIN:VCALENDAR") && body.contains("Maria Garcia"),
        "{url}: {body}"
    );
    Ok(())
}

async fn ensure_feed_gone(url: &str) -> TestResult {
    let (status, _, body) = fetch_feed(url).await?;
    ensure!(status == StatusCode::NOT_FOUND, "{url}: {status} {body}");
    ensure!(!body.contains("Maria"), "{url}: {body}");
    Ok(())
}

/// On the Sent mail page: bad reminder times are refused next to their fields and nothing
/// is saved; good ones are saved.
async fn reminder_times_refused_then_saved(b: &Browser) -> TestResult {
    b.fill(PREP, "24, soon").await?;
    b.fill(SHORT, "-5").await?;
    b.click_button("Save reminder times").await?;
    wait_field_error(b, PREP, "\"soon\" is not").await?;
    wait_field_error(b, SHORT, "Enter between 0 and 720 minutes.").await?;
    ensure!(
        b.field_error("First feedback nudge, hours after the interview")
            .await?
            .is_none(),
        "the nudge field was fine"
    );
    ensure!(!b.text().await?.contains("Reminder times saved."));
    b.goto("/admin/mail").await?;
    b.wait_for_text("When reminders go out").await?;
    for (label, expected) in [(PREP, "24"), (SHORT, "60")] {
        let value = value_of(b, label).await?;
        ensure!(value == expected, "after refusal {label:?} is {value:?}");
    }
    b.fill(PREP, "48, 24").await?;
    b.click_button("Save reminder times").await?;
    b.wait_for_text("Reminder times saved.").await?;
    let value = value_of(b, PREP).await?;
    ensure!(value == "48, 24", "saved prep reminders show as {value:?}");
    ensure!(b.field_error(PREP).await?.is_none(), "no error once saved");
    Ok(())
}

/// Ada opens Sent mail, sends herself a test email and reads it, then sets reminder times.
async fn admin_tests_mail(b: &Browser, app: &TestApp, fx: &Fixture) -> TestResult {
    sign_in(b, &fx.people.admin).await?;
    b.wait_hydrated().await?;
    b.click_link("Admin").await?;
    b.click_link("Open sent mail").await?;
    b.wait_for_text("No SMTP server is configured").await?;
    b.wait_for_text("When reminders go out").await?;
    b.wait_hydrated().await?;
    b.audit_accessibility("Sent mail").await?;

    b.click_button("Send a test email").await?;
    let path = wait_for_path_under(b, "/admin/mail/").await?;
    let id: i64 = path
        .trim_start_matches("/admin/mail/")
        .parse()
        .with_context(|| format!("the test email led to {path}"))?;
    b.wait_for_text("Hireloop test email").await?;
    let status = fact(b, "Status").await?;
    ensure!(status == "Sent", "the test email's status: {status:?}");
    let to = fact(b, "To").await?;
    ensure!(to == fx.people.admin.email, "the test email went to {to:?}");
    b.wait_hydrated().await?;
    b.audit_accessibility("a message").await?;
    // Without SMTP, the message is a file.
    let mut files = Vec::new();
    for entry in std::fs::read_dir(app.mail_dir()).context("reading the mail folder")? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "eml") {
            files.push(std::fs::read_to_string(&path)?);
        }
    }
    ensure!(
        files
            .iter()
            .any(|f| f.contains("Subject: Hireloop test email")
                && f.contains(&fx.people.admin.email)),
        "no .eml file of the test email among {} files",
        files.len()
    );

    b.click_link("Sent mail").await?;
    b.wait_for_text("When reminders go out").await?;
    ensure!(
        b.has_link("Hireloop test email").await?,
        "the test email is listed"
    );
    ensure!(
        b.eval(&format!(
            "return !!document.querySelector('a[href=\"/admin/mail/{id}\"]')"
        ))
        .await?
            == json!(true),
        "the list links to the message"
    );
    b.wait_hydrated().await?;
    reminder_times_refused_then_saved(b).await
}

/// Ivan switches his short reminders off and makes, replaces and turns off his feed.
async fn ivan_sets_up_his_mail(b: &Browser, base: &str, fx: &Fixture) -> TestResult {
    sign_in(b, &fx.people.interviewer).await?;
    ivan_switches_short_reminders_off(b).await?;
    ivan_makes_a_calendar_feed(b, base).await
}

/// Unticks the short reminders on the account page and saves; a reload keeps it off.
async fn ivan_switches_short_reminders_off(b: &Browser) -> TestResult {
    b.goto("/account").await?;
    b.wait_for_text("Calendar feed").await?;
    b.wait_hydrated().await?;
    ensure!(
        is_ticked(b, SHORT_REMINDERS).await?,
        "short reminders start on"
    );
    b.eval(&format!(
        "{}.click(); return null",
        input_in_label(SHORT_REMINDERS)
    ))
    .await?;
    ensure!(!is_ticked(b, SHORT_REMINDERS).await?, "the box is unticked");
    b.click_button("Save reminder setting").await?;
    b.wait_for_text("Reminder setting saved.").await?;
    b.goto("/account").await?;
    b.wait_for_text("Calendar feed").await?;
    ensure!(
        !is_ticked(b, SHORT_REMINDERS).await?,
        "after a reload the box stays unticked"
    );
    ensure!(!b.text().await?.contains("Reminder setting saved."));
    Ok(())
}

/// Makes a feed address (it answers without a session), replaces it (the old one stops
/// working) and turns the feed off.
async fn ivan_makes_a_calendar_feed(b: &Browser, base: &str) -> TestResult {
    b.goto("/account").await?;
    b.wait_for_text("You have no calendar feed.").await?;
    b.wait_hydrated().await?;
    b.click_button("Make a calendar feed address").await?;
    let first = feed_address(b).await?;
    ensure!(
        first.starts_with(&format!("{base}/calendar/")),
        "{first} is not on {base}"
    );
    b.wait_for_text("Your calendar feed is on.").await?;
    b.wait_hydrated().await?;
    b.audit_accessibility("Your account, with a new feed address")
        .await?;
    ensure_feed_works(&first).await?;
    // Shown once: a reload no longer has it.
    b.goto("/account").await?;
    b.wait_for_text("Your calendar feed is on.").await?;
    ensure!(
        b.eval(&format!("return ({}) ? true : false", input_in_label(FEED)))
            .await?
            == json!(false),
        "the address is shown only once"
    );

    b.click_button("Make a new feed address").await?;
    b.wait_for_text("Your new calendar feed address").await?;
    let second = feed_address(b).await?;
    ensure!(second != first, "a new address: {second}");
    ensure_feed_gone(&first).await?;
    ensure_feed_works(&second).await?;

    b.click_button("Turn the calendar feed off").await?;
    b.wait_for_text("Calendar feed turned off.").await?;
    b.wait_for_text("You have no calendar feed.").await?;
    ensure_feed_gone(&second).await?;
    Ok(())
}

async fn admin_tests_mail_sets_reminder_times_and_ivan_subscribes_to_his_calendar(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let (server, people) = (&app, &fx);
    with_browser(&app.address, true, |b| async move {
        admin_tests_mail(&b, server, people).await
    })
    .await
    .context("Ada's sent mail")?;
    with_browser(&app.address, true, |b| async move {
        ivan_sets_up_his_mail(&b, &server.address, people).await
    })
    .await
    .context("Ivan's account")?;

    // Half an hour before Maria's interview (day 2, 10:00 UTC; the fixture's, with Ivan and
    // Sam): the short reminders are due. Sam's goes out; Ivan's is not sent.
    app.clock.advance(45 * 3600 + 30 * 60);
    app.deliver().await?;
    let short_of = |user: i64| {
        sqlx::query_as::<_, (String, Option<String>)>(
            "SELECT status, outcome FROM mail_outbox \
             WHERE kind = 'short' AND recipient_id = $1 AND interview_id = $2",
        )
        .bind(user)
        .bind(fx.maria_interview)
        .fetch_all(&app.db)
    };
    let ivans = short_of(fx.people.interviewer.id).await?;
    ensure!(
        ivans
            == [(
                "cancelled".to_owned(),
                Some("The recipient switched short reminders off.".to_owned())
            )],
        "Ivan's short reminder: {ivans:?}"
    );
    let sams = short_of(fx.people.manager.id).await?;
    ensure!(
        sams.len() == 1 && sams[0].0 == "sent",
        "Sam's short reminder: {sams:?}"
    );
    // The admin sees why it was not sent.
    let ada = app.login(&fx.people.admin).await?;
    let (status, html) = app.page(&ada, "/admin/mail?status=cancelled").await?;
    ensure!(
        status == StatusCode::OK && html.contains("The recipient switched short reminders off."),
        "{status}: {html}"
    );
    app.stop().await;
    Ok(())
}

async fn reminder_times_are_checked_without_javascript(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app
        .create_user("Ada Admin", app::values::Role::Admin)
        .await?;
    with_browser(&app.address, false, |b| async move {
        sign_in(&b, &admin).await?;
        b.goto("/admin/mail").await?;
        b.wait_for_text("No SMTP server is configured").await?;
        ensure!(
            !b.eval_is_available().await,
            "scripts are really off in this browser"
        );
        reminder_times_refused_then_saved(&b).await
    })
    .await?;
    app.stop().await;
    Ok(())
}
