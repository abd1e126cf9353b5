//! Scorecards and the debrief in a real browser: three interviewers give feedback (one
//! starting from their live-mode notes, autosaved, refused until complete, reading nobody
//! else's before their own is in), one of them late; the hiring manager schedules the
//! debrief, sees the disagreement, cannot decide over a coverage gap without a reason, then
//! hires once the late scorecard is in — and the board shows Maria hired.

use crate::cases;
use crate::live::give_standard_agenda;
use crate::support::with_browser;
use anyhow::{bail, ensure, Context};
use app::debriefs::api::GetApplicationFeedback;
use app::interviews::api::CancelInterview;
use app::interviews::CancelInput;
use app::scorecards::api::SaveScorecard;
use app::scorecards::{ScorecardInput, SkillInput};
use hireloop_tests::browser::{Browser, PATIENCE};
use hireloop_tests::fixture::{app_error, schedule, schedule_input};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult, TestUser};
use serde_json::json;
use std::time::{Duration, Instant};

cases! {
    http: [],
    browser: [
        three_interviewers_a_late_scorecard_and_a_debrief_that_hires,
    ],
}

const LIVE_NOTE: &str = "Rewrote route planning; strong on data.";
const BACKEND_EVIDENCE: &str =
    "Designed the job queue with retries and back-pressure, and explained the trade-offs.";
const IVAN_COMMUNICATION: &str =
    "Explained the design clearly and checked that I followed each step.";
const TOM_COMMUNICATION: &str =
    "Explanations wandered; lost the thread twice when summarising the design.";
const TOM_PRIVATE: &str = "Seemed tired; worth a second chat about team fit.";
const PRIYA_DATA: &str = "Normalised the schema and justified every index with a query plan.";
const RATIONALE: &str = "Strong back-end and data work; communication concerns talked through.";

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

/// Waits until the scorecard's autosave says the draft is saved.
async fn wait_autosaved(b: &Browser) -> TestResult {
    wait_eval(
        b,
        "document.getElementById('autosave-status').textContent.startsWith('Saved')",
        &json!(true),
    )
    .await
}

/// Waits until the message next to the field labelled `label` contains `expected`.
async fn wait_field_error(b: &Browser, label: &str, expected: &str) -> TestResult {
    let deadline = Instant::now() + PATIENCE;
    loop {
        // The page's main part is replaced when the answer comes: a miss is retried.
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

/// The value of the form control labelled `label`.
async fn value_of(b: &Browser, label: &str) -> anyhow::Result<String> {
    b.field(label)
        .await?
        .prop("value")
        .await?
        .with_context(|| format!("{label:?} has no value"))
}

/// The texts of the elements `selector` finds, whitespace collapsed.
async fn texts(b: &Browser, selector: &str) -> anyhow::Result<Vec<String>> {
    let found = b
        .eval(&format!(
            "return [...document.querySelectorAll({})].map(e => e.textContent.replace(/\\s+/g, ' ').trim());",
            json!(selector)
        ))
        .await?;
    Ok(serde_json::from_value(found)?)
}

/// Unix time of `day` (`YYYY-MM-DD`) at `time` (`HH:MM`) UTC.
fn at(day: &str, time: &str) -> anyhow::Result<i64> {
    Ok(
        chrono::NaiveDateTime::parse_from_str(&format!("{day} {time}"), "%Y-%m-%d %H:%M")?
            .and_utc()
            .timestamp(),
    )
}

/// Submits `user`'s scorecard for `interview` through the server function, as their
/// browser would: `skills` as (skill area, rating, evidence).
async fn submit_by_call(
    app: &TestApp,
    user: &TestUser,
    interview: i64,
    skills: &[(i64, &str, &str)],
    overall: &str,
    private_note: &str,
) -> TestResult {
    let client = app.login(user).await?;
    let input = ScorecardInput {
        revision: "0".into(),
        intent: "submit".into(),
        skills: skills
            .iter()
            .map(|(id, rating, evidence)| SkillInput {
                skill_area_id: id.to_string(),
                rating: (*rating).into(),
                evidence: (*evidence).into(),
            })
            .collect(),
        overall: overall.into(),
        private_note: private_note.into(),
        ..ScorecardInput::default()
    };
    let saved = app
        .call(
            &client,
            SaveScorecard {
                interview_id: interview,
                input,
            },
        )
        .await?
        .ok()?;
    ensure!(
        saved.submitted,
        "{}'s scorecard was not submitted",
        user.name
    );
    Ok(())
}

/// Maria's loop for this story: Ivan on back-end and communication (with an agenda, for
/// live mode), Tom on communication (the fixture's), Priya on data modelling. Returns the
/// ids of Ivan's and Priya's interviews.
async fn loop_of_three(app: &TestApp, fx: &Fixture) -> anyhow::Result<(i64, i64)> {
    let hm = app.login(&fx.people.hiring_manager).await?;
    // The fixture's first interview (Ivan and Sam) makes way for the one Ivan runs alone.
    app.call(
        &hm,
        CancelInterview {
            id: fx.maria_interview,
            input: CancelInput {
                reason: "Sam is away; Ivan runs the deep dive alone.".into(),
            },
        },
    )
    .await?
    .ok()?;
    let day2 = app.day(2);
    let (ivan, priya, skills) = (fx.people.interviewer.id, fx.people.priya.id, fx.skills);
    let ivans = schedule(
        app,
        &fx.people.hiring_manager,
        fx.maria_application,
        &schedule_input(
            &fx.loop_templates[0],
            &day2,
            "09:00",
            "10:00",
            &[(ivan, &[skills.backend, skills.communication][..])],
        ),
    )
    .await
    .map_err(app_error("scheduling Ivan's interview"))?;
    let priyas = schedule(
        app,
        &fx.people.hiring_manager,
        fx.maria_application,
        &schedule_input(
            &fx.loop_templates[1],
            &day2,
            "15:00",
            "15:45",
            &[(priya, &[skills.data][..])],
        ),
    )
    .await
    .map_err(app_error("scheduling Priya's interview"))?;
    give_standard_agenda(app, &hm, ivans).await?;
    Ok((ivans, priyas))
}

/// The id of `interviewer`'s submitted scorecard, from the application's feedback as the
/// hiring manager reads it.
async fn scorecard_of(app: &TestApp, fx: &Fixture, interviewer: &str) -> anyhow::Result<i64> {
    let hm = app.login(&fx.people.hiring_manager).await?;
    let overview = app
        .call(
            &hm,
            GetApplicationFeedback {
                application_id: fx.maria_application,
            },
        )
        .await?
        .ok()?;
    overview
        .feedback
        .iter()
        .find(|f| f.interviewer == interviewer)
        .and_then(|f| f.scorecard_id)
        .with_context(|| format!("{interviewer} has no submitted scorecard"))
}

async fn three_interviewers_a_late_scorecard_and_a_debrief_that_hires(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let day2 = app.day(2);
    let day3 = app.day(3);
    let (ivans, priyas) = loop_of_three(&app, &fx).await?;
    // Every interview of the loop is over: feedback is due (and overdue).
    app.clock.set(at(&day2, "16:00")?);
    submit_by_call(
        &app,
        &fx.people.tom,
        fx.maria_tom_interview,
        &[(fx.skills.communication, "no", TOM_COMMUNICATION)],
        "no",
        TOM_PRIVATE,
    )
    .await?;
    let toms = scorecard_of(&app, &fx, "Tom Okafor").await?;

    let (server, people) = (&app, &fx);
    with_browser(&app.address, true, |b| async move {
        ivan_writes_his_scorecard(&b, people, ivans, toms).await
    })
    .await
    .context("Ivan's scorecard")?;
    with_browser(&app.address, true, |b| async move {
        hiring_manager_runs_the_debrief(&b, server, people, priyas, &day3).await
    })
    .await
    .context("the debrief")?;
    app.stop().await;
    Ok(())
}

/// Ivan notes in live mode, finds Tom's scorecard closed to him, fills his own (the notes
/// are already there, the draft autosaves and survives a reload), is refused until every
/// rating has evidence, submits, and then reads Tom's — without Tom's private note.
async fn ivan_writes_his_scorecard(
    b: &Browser,
    fx: &Fixture,
    interview: i64,
    toms: i64,
) -> TestResult {
    sign_in(b, &fx.people.interviewer).await?;
    b.goto(&format!("/interviews/{interview}/live")).await?;
    b.wait_for_text("Not started").await?;
    b.wait_hydrated().await?;
    b.fill("Notes on Resume deep-dive", LIVE_NOTE).await?;
    let status = "document.getElementById([...document.querySelectorAll('label')]\
                  .find(l => l.textContent === 'Notes on Resume deep-dive').htmlFor + '-status').textContent";
    wait_eval(b, status, &json!("Saved")).await?;

    // No anchoring: Tom's submitted scorecard is not there for Ivan before his own is in.
    b.goto(&format!("/scorecards/{toms}")).await?;
    b.wait_for_text("Page not found").await?;
    let text = b.text().await?;
    ensure!(
        !text.contains(TOM_COMMUNICATION) && !text.contains("Tom Okafor's scorecard"),
        "{text}"
    );

    let form = format!("/interviews/{interview}/scorecard");
    b.goto(&form).await?;
    b.wait_for_text("Scorecard: Maria Garcia").await?;
    b.wait_hydrated().await?;
    let text = b.text().await?;
    ensure!(text.contains("Feedback overdue"), "{text}");
    ensure!(
        text.contains("once all of yours are submitted")
            && !b.has_link("Tom Okafor — Communication").await?,
        "{text}"
    );
    // The live-mode notes start the draft.
    let notes = value_of(b, "Notes from the interview").await?;
    ensure!(
        notes == format!("Resume deep-dive:\n{LIVE_NOTE}"),
        "the notes start as {notes:?}"
    );
    b.audit_accessibility("the scorecard form").await?;

    // Typing is saved on its own; a reload finds it.
    b.choose("Rating for Back-end", "Strong yes").await?;
    b.fill("Evidence for Back-end", BACKEND_EVIDENCE).await?;
    b.choose("Rating for Communication", "Strong yes").await?;
    b.choose("Overall recommendation", "Strong yes").await?;
    wait_autosaved(b).await?;
    b.goto(&form).await?;
    b.wait_for_text("Scorecard: Maria Garcia").await?;
    b.wait_hydrated().await?;
    for (label, expected) in [
        ("Rating for Back-end", "strong_yes"),
        ("Evidence for Back-end", BACKEND_EVIDENCE),
        ("Rating for Communication", "strong_yes"),
        ("Evidence for Communication", ""),
        ("Overall recommendation", "strong_yes"),
    ] {
        let value = value_of(b, label).await?;
        ensure!(value == expected, "after a reload {label:?} is {value:?}");
    }
    let notes = value_of(b, "Notes from the interview").await?;
    ensure!(notes.ends_with(LIVE_NOTE), "the notes became {notes:?}");
    b.wait_for_text("Communication is rated Strong yes with no evidence.")
        .await?;

    // A rating without evidence is refused next to the evidence.
    b.click_button("Submit scorecard").await?;
    wait_field_error(
        b,
        "Evidence for Communication",
        "Give the evidence behind your rating of Communication",
    )
    .await?;
    ensure!(
        b.field_error("Evidence for Back-end").await?.is_none(),
        "the back-end evidence was given"
    );
    ensure!(!b.text().await?.contains("Scorecard submitted."));

    b.fill("Evidence for Communication", IVAN_COMMUNICATION)
        .await?;
    wait_autosaved(b).await?;
    b.click_button("Submit scorecard").await?;
    b.wait_for_text("Scorecard submitted. Thank you.").await?;
    b.wait_for_text("Your submitted scorecard").await?;
    let text = b.text().await?;
    ensure!(
        text.contains(BACKEND_EVIDENCE) && text.contains(IVAN_COMMUNICATION),
        "{text}"
    );
    ensure!(b.has_link("Amend your scorecard").await?);
    b.audit_accessibility("the submitted scorecard").await?;

    // Now Ivan reads Tom's scorecard, but not Tom's note to the hiring manager.
    b.click_link("Tom Okafor — Communication").await?;
    b.wait_for_text("Tom Okafor's scorecard: Maria Garcia")
        .await?;
    let text = b.text().await?;
    ensure!(text.contains(TOM_COMMUNICATION), "{text}");
    ensure!(!text.contains(TOM_PRIVATE), "Ivan reads Tom's private note");
    Ok(())
}

/// The hiring manager sees who is overdue, schedules the debrief, is refused a decision over
/// the coverage gap, and hires once Priya's late scorecard is in.
async fn hiring_manager_runs_the_debrief(
    b: &Browser,
    app: &TestApp,
    fx: &Fixture,
    priyas: i64,
    day3: &str,
) -> TestResult {
    sign_in(b, &fx.people.hiring_manager).await?;
    let application = format!("/applications/{}", fx.maria_application);
    b.goto(&application).await?;
    b.wait_for_text("Feedback overdue").await?;
    b.wait_hydrated().await?;
    let rows = texts(b, "section[aria-labelledby=feedback-heading] tbody tr").await?;
    let row = |name: &str| rows.iter().find(|r| r.contains(name)).cloned();
    ensure!(rows.len() == 3, "feedback rows: {rows:?}");
    ensure!(
        row("Ivan Interviewer").is_some_and(|r| r.contains("Feedback submitted")),
        "{rows:?}"
    );
    ensure!(
        row("Tom Okafor").is_some_and(|r| r.contains("Feedback submitted")),
        "{rows:?}"
    );
    ensure!(
        row("Priya Nair")
            .is_some_and(|r| r.contains("Feedback overdue") && !r.contains("scorecard")),
        "{rows:?}"
    );

    b.click_summary("Schedule a debrief").await?;
    b.choose("Debrief stage", "Technical loop").await?;
    b.set_value("Debrief date", day3).await?;
    b.set_value("Debrief start", "10:00").await?;
    b.set_value("Debrief end", "10:30").await?;
    b.fill("Debrief room or video link", "Room 2").await?;
    b.click_button("Schedule debrief").await?;
    b.wait_for_text("Debrief: Maria Garcia · Technical loop")
        .await?;
    let path = b.path().await?;
    let debrief = path
        .strip_prefix("/debriefs/")
        .and_then(|id| id.parse::<i64>().ok())
        .with_context(|| format!("scheduling led to {path}"))?;
    b.wait_hydrated().await?;

    // Priya is overdue: her skill area is a gap; Ivan and Tom disagree on communication.
    let text = b.text().await?;
    for expected in [
        "Not submitted yet",
        "Priya Nair (Data modelling)",
        "Priya Nair Feedback not submitted",
        "Required skill areas with no submitted evidence: Data modelling",
        "Application: Active in Technical loop",
        TOM_PRIVATE,
    ] {
        ensure!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
    let disagreements = texts(b, "table.matrix tr.disagreement th[scope=row]").await?;
    ensure!(
        disagreements.len() == 2
            && disagreements[0].starts_with("Communication")
            && disagreements[0].contains("Disagreement: No and Strong yes, 2 steps apart.")
            && disagreements[1].starts_with("Overall recommendation"),
        "disagreements: {disagreements:?}"
    );
    b.audit_accessibility("the debrief").await?;

    // Hire over the gap, without a reason: refused, nothing decided.
    b.choose("Decision", "Hire").await?;
    b.fill("Rationale", RATIONALE).await?;
    b.click_button("Record decision").await?;
    wait_field_error(
        b,
        "Reason to decide without full coverage",
        "Data modelling has no submitted evidence.",
    )
    .await?;
    let text = b.text().await?;
    ensure!(
        text.contains("No decision yet.") && text.contains("Application: Active in Technical loop"),
        "{text}"
    );

    // Priya submits, late; the gap closes.
    app.clock.advance(3600);
    submit_by_call(
        app,
        &fx.people.priya,
        priyas,
        &[(fx.skills.data, "yes", PRIYA_DATA)],
        "yes",
        "",
    )
    .await?;
    b.goto(&format!("/debriefs/{debrief}")).await?;
    b.wait_for_text("Every required skill area has submitted evidence.")
        .await?;
    b.wait_hydrated().await?;
    let text = b.text().await?;
    ensure!(
        text.contains("Priya Nair Feedback in")
            && !text.contains("Not submitted yet")
            && !text.contains("Reason to decide without full coverage"),
        "{text}"
    );
    b.choose("Decision", "Hire").await?;
    b.fill("Rationale", RATIONALE).await?;
    b.click_button("Record decision").await?;
    b.wait_for_text("Decision recorded.").await?;
    let text = b.text().await?;
    let rationale = format!("Rationale: {RATIONALE}");
    for expected in [
        "Hire — standing decision",
        rationale.as_str(),
        "Application: Hired in Technical loop",
    ] {
        ensure!(text.contains(expected), "no {expected:?} in:\n{text}");
    }

    b.click_link("Printable view").await?;
    b.wait_for_text("Back to the debrief").await?;
    b.wait_for_text(&format!("Hire — {RATIONALE}")).await?;
    b.audit_accessibility("the printable debrief").await?;

    // Maria is hired: on her application and on the board's hired filter, off the active one.
    b.goto(&application).await?;
    b.wait_for_text("Feedback and debriefs").await?;
    let status = texts(b, ".page-header .status-line .badge").await?;
    ensure!(
        status.first().map(String::as_str) == Some("Hired"),
        "{status:?}"
    );
    let board = format!("/openings/{}", fx.backend);
    b.goto(&format!("{board}?status=hired")).await?;
    b.wait_for_text("Board").await?;
    let hired = texts(b, ".board-card h4 a").await?;
    ensure!(hired == ["Maria Garcia"], "hired cards: {hired:?}");
    b.goto(&board).await?;
    b.wait_for_text("Board").await?;
    let active = texts(b, ".board-card h4 a").await?;
    ensure!(
        !active.iter().any(|c| c == "Maria Garcia") && active.iter().any(|c| c == "Amara Okoye"),
        "active cards: {active:?}"
    );
    Ok(())
}
