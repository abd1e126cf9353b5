//! Live interview mode in a real browser: the clock (driven through the server's test
//! clock, never by sleeping for minutes), the keyboard, autosaving notes, a reload and a
//! server restart; the agenda editor's running total; a repeated challenge refused in the
//! UI; and people outside the loop finding nothing.

use crate::cases;
use crate::live::{assign, assignment_of, challenge, give_standard_agenda};
use anyhow::{bail, ensure};
use hireloop_tests::browser::{Browser, PATIENCE};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestResult, TestUser};
use serde_json::json;
use std::time::{Duration, Instant};

cases! {
    http: [],
    browser: [
        an_interviewer_runs_the_interview_on_the_clock,
        the_agenda_editor_and_challenges_speak_up_in_the_browser,
    ],
}

async fn sign_in(b: &Browser, user: &TestUser) -> TestResult {
    b.goto("/login").await?;
    b.fill("Email", &user.email).await?;
    b.fill("Password", &user.password).await?;
    b.click_button("Sign in").await?;
    b.wait_for_text(&format!("Hello, {}", user.name)).await
}

/// Waits until `script` (an expression) evaluates to `expected` in the page.
async fn wait_eval(b: &Browser, script: &str, expected: &serde_json::Value) -> TestResult {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let value = b.eval(&format!("return {script};")).await?;
        if &value == expected {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{script} stayed {value}, expected {expected}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Presses `key` on the page (not in a field), as the keyboard shortcuts expect.
async fn press(b: &Browser, key: &str) -> TestResult {
    b.eval(&format!(
        "window.dispatchEvent(new KeyboardEvent('keydown', {{ key: {} }})); return true;",
        json!(key)
    ))
    .await?;
    Ok(())
}

async fn an_interviewer_runs_the_interview_on_the_clock(backend: Backend) -> TestResult {
    let mut app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let interview = fx.maria_interview;
    give_standard_agenda(&app, &hm, interview).await?;
    let storage = challenge(
        &app,
        &fx,
        "Storage for sign-up accounts",
        15,
        vec![fx.skills.backend],
    )
    .await?;
    let ivans = assignment_of(&app, &hm, interview, "Ivan Interviewer").await?;
    app.call(&hm, assign(interview, ivans, storage))
        .await?
        .ok()?;
    let live = format!("/interviews/{interview}/live");

    let b = Browser::open(&app.address, true).await?;
    let result = async {
        sign_in(&b, &fx.people.interviewer).await?;
        b.goto(&format!("/interviews/{interview}/kit")).await?;
        b.click_link("Open live interview mode").await?;
        b.wait_for_text("Not started").await?;
        b.wait_hydrated().await?;
        // A place that is not a web address stays text.
        ensure!(b.text().await?.contains("Room 4 / https://meet.example/x"));
        ensure!(!b.has_link("Join the meeting (Room 4 / https://meet.example/x)").await?);
        b.wait_for_text("Challenge: Storage for sign-up accounts").await?;
        b.wait_for_text("Look for tests.").await?;
        b.audit_accessibility("live interview mode").await?;

        // The server's test clock reads noon today, hours away from this browser's clock:
        // the countdown still shows the item's full box.
        b.click_button("Start").await?;
        b.wait_for_text("left in Welcome and a break offer").await?;
        let figure = b
            .eval("return document.querySelector('.countdown-figure').textContent;")
            .await?;
        let figure = figure.as_str().unwrap_or_default().to_owned();
        ensure!(figure == "2:00" || figure.starts_with("1:5"), "the first box: {figure}");
        b.wait_for_text("Running").await?;

        b.click_button("Next item").await?;
        b.wait_for_text("left in The role and the team").await?;
        wait_eval(
            &b,
            "document.querySelector('[aria-live=polite]').textContent",
            &json!("Now: The role and the team, 5 minutes."),
        )
        .await?;
        // The item's five minutes pass on the server's clock; the browser learns it at its
        // next sync and says so in words.
        app.clock.advance(6 * 60);
        b.wait_for_text("over on The role and the team").await?;
        let over = b
            .eval("return document.querySelector('.countdown').textContent;")
            .await?;
        // Six minutes on a five-minute box, plus the real seconds until the sync.
        ensure!(over.as_str().unwrap_or_default().contains("+1:"), "{over}");
        wait_eval(
            &b,
            "document.querySelector('[aria-live=polite]').textContent",
            &json!("The role and the team is over its time."),
        )
        .await?;

        // Keyboard: P pauses and resumes; Backspace goes back; Space moves on.
        press(&b, "p").await?;
        b.wait_for_text("Paused").await?;
        press(&b, "P").await?;
        b.wait_for_text("Running").await?;
        press(&b, "Backspace").await?;
        b.wait_for_text("left in Welcome and a break offer").await?;
        press(&b, " ").await?;
        b.wait_for_text("over on The role and the team").await?;

        // Notes autosave.
        let label = "Notes on The role and the team";
        b.fill(label, "Asked about on-call; good questions back.").await?;
        let status = "document.getElementById([...document.querySelectorAll('label')]\
                      .find(l => l.textContent === 'Notes on The role and the team').htmlFor + '-status').textContent";
        wait_eval(&b, status, &json!("Saved")).await?;

        // A reload shows the same clock and the notes.
        b.goto(&live).await?;
        b.wait_hydrated().await?;
        b.wait_for_text("over on The role and the team").await?;
        let note = b.field(label).await?.prop("value").await?;
        ensure!(note.as_deref() == Some("Asked about on-call; good questions back."), "{note:?}");
        Ok::<(), anyhow::Error>(())
    }
    .await;
    if let Err(error) = result {
        b.close().await;
        return Err(error);
    }

    // The network drops (the server goes away): the clock keeps ticking and notes wait.
    app.take_down().await?;
    let status = "document.getElementById([...document.querySelectorAll('label')]\
                  .find(l => l.textContent === 'Notes on Resume deep-dive').htmlFor + '-status').textContent";
    let offline = async {
        let figure = "return document.querySelector('.countdown-figure').textContent;";
        let before = b.eval(figure).await?;
        b.fill(
            "Notes on Resume deep-dive",
            "Rewrote route planning; strong on data.",
        )
        .await?;
        wait_eval(&b, status, &json!("Not saved, retrying")).await?;
        let after = b.eval(figure).await?;
        ensure!(
            before != after,
            "the clock kept ticking offline: {before} {after}"
        );
        Ok::<(), anyhow::Error>(())
    }
    .await;
    // It comes back (a restart, with fresh connections): the queued note is sent, and the
    // clock and the notes are all there after a reload.
    app.bring_up().await?;
    let result = async {
        offline?;
        wait_eval(&b, status, &json!("Saved")).await?;
        b.goto(&live).await?;
        b.wait_hydrated().await?;
        b.wait_for_text("over on The role and the team").await?;
        let queued = b
            .field("Notes on Resume deep-dive")
            .await?
            .prop("value")
            .await?;
        ensure!(
            queued.as_deref() == Some("Rewrote route planning; strong on data."),
            "{queued:?}"
        );
        let note = b
            .field("Notes on The role and the team")
            .await?
            .prop("value")
            .await?;
        ensure!(
            note.as_deref() == Some("Asked about on-call; good questions back."),
            "{note:?}"
        );
        // Rating is for after the interview has begun.
        app.clock.advance(3 * 86_400);
        b.goto(&live).await?;
        b.choose(
            "Did it tell you something about the candidate?",
            "4 — a lot",
        )
        .await?;
        b.fill(
            "Note on the challenge",
            "Showed how they think about names.",
        )
        .await?;
        b.click_button("Save rating").await?;
        b.wait_for_text("your rating is saved").await?;
        // On a phone propped beside the laptop: nothing runs off the side, the clock's
        // buttons are there, and the page still passes the audit.
        b.client().set_window_size(390, 844).await?;
        b.goto(&live).await?;
        b.wait_hydrated().await?;
        let fits = b
            .eval("return document.documentElement.scrollWidth <= window.innerWidth;")
            .await?;
        ensure!(
            fits == json!(true),
            "the live page scrolls sideways on a phone"
        );
        b.click_button("Back").await?;
        b.wait_for_text("left in Welcome and a break offer").await?;
        b.audit_accessibility("live interview mode on a phone")
            .await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    b.close().await;
    result?;
    app.stop().await;
    Ok(())
}

async fn the_agenda_editor_and_challenges_speak_up_in_the_browser(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    give_standard_agenda(&app, &hm, fx.maria_tom_interview).await?;
    let storage = challenge(
        &app,
        &fx,
        "Storage for sign-up accounts",
        15,
        vec![fx.skills.backend, fx.skills.communication],
    )
    .await?;
    let ivans = assignment_of(&app, &hm, fx.maria_interview, "Ivan Interviewer").await?;
    app.call(&hm, assign(fx.maria_interview, ivans, storage))
        .await?
        .ok()?;

    let b = Browser::open(&app.address, true).await?;
    let result = async {
        sign_in(&b, &fx.people.hiring_manager).await?;
        // The agenda editor: the total follows the typing, over-long agendas are refused.
        b.goto(&format!("/interviews/{}/agenda", fx.maria_tom_interview))
            .await?;
        b.wait_for_text("45 of 45 minutes planned: no time to spare.")
            .await?;
        b.wait_hydrated().await?;
        b.audit_accessibility("the agenda editor").await?;
        b.fill("Item 3 minutes", "25").await?;
        b.wait_for_text("52 of 45 minutes planned: 7 minutes over.")
            .await?;
        b.click_button("Save agenda").await?;
        b.wait_for_text("The items add up to 52 minutes, 7 minutes more than the interview's 45.")
            .await?;
        b.fill("Item 3 minutes", "10").await?;
        b.wait_for_text("37 of 45 minutes planned: 8 minutes to spare.")
            .await?;
        b.click_button("Save agenda").await?;
        b.wait_for_text("Agenda saved.").await?;

        // Maria already had the storage challenge with Ivan: Tom cannot give it again.
        b.goto(&format!("/interviews/{}", fx.maria_tom_interview))
            .await?;
        b.wait_hydrated().await?;
        b.choose(
            "Challenge for Tom Okafor (Communication)",
            "Storage for sign-up accounts (difficulty 2, 15 min)",
        )
        .await?;
        b.click_button("Save challenge for Tom Okafor").await?;
        b.wait_for_text(
            "The candidate already had Storage for sign-up accounts in Back-end deep dive on",
        )
        .await?;
        b.audit_accessibility("the interview page with a refused challenge")
            .await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    b.close().await;
    result?;

    // Someone from another loop, and Jordan's manager, find no live page or rubric.
    for (user, interview) in [
        (&fx.people.tom, fx.maria_interview),
        (&fx.people.manager, fx.jordan_interview),
    ] {
        let b = Browser::open(&app.address, true).await?;
        let result = async {
            sign_in(&b, user).await?;
            b.goto(&format!("/interviews/{interview}/live")).await?;
            b.wait_for_text("Page not found").await?;
            let text = b.text().await?;
            ensure!(
                !text.contains("Look for tests")
                    && !text.contains("Maria")
                    && !text.contains("Jordan"),
                "{text}"
            );
            Ok::<(), anyhow::Error>(())
        }
        .await;
        b.close().await;
        result?;
    }
    app.stop().await;
    Ok(())
}
