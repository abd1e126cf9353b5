//! The pipeline in a real browser: a hiring manager builds an opening and a loop; an
//! interviewer finds their kit; an internal candidate's manager finds nothing.

use crate::cases;
use crate::support::with_browser;
use anyhow::ensure;
use hireloop_tests::browser::Browser;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestResult, TestUser};
use std::sync::Arc;

cases! {
    http: [],
    browser: [
        hiring_manager_builds_an_opening_adds_candidates_and_schedules_a_loop,
        interviewer_sees_only_their_interviews_and_the_kit,
        internal_candidates_manager_finds_no_trace_in_the_browser,
    ],
}

async fn sign_in(b: &Browser, user: &TestUser) -> TestResult {
    b.goto("/login").await?;
    b.fill("Email", &user.email).await?;
    b.fill("Password", &user.password).await?;
    b.click_button("Sign in").await?;
    b.wait_for_text(&format!("Hello, {}", user.name)).await
}

async fn add_stage(b: &Browser, name: &str, kind: &str, internal_skip: bool) -> TestResult {
    b.fill("Stage name", name).await?;
    b.choose("What happens in it", kind).await?;
    if internal_skip {
        b.check("Internal candidates skip this stage").await?;
    }
    b.click_button("Add stage").await?;
    b.wait_for_text(&format!("Save {name}")).await
}

async fn add_interview(
    b: &Browser,
    stage: &str,
    name: &str,
    minutes: &str,
    skill_id: i64,
) -> TestResult {
    b.click_summary(&format!("Add an interview to {stage}"))
        .await?;
    b.fill(&format!("Interview name ({stage})"), name).await?;
    b.fill(&format!("Length in minutes ({stage})"), minutes)
        .await?;
    b.check_by_id(&format!(
        "template-{}-skill-{skill_id}",
        b.stage_id(stage).await?
    ))
    .await?;
    b.click_button(&format!("Add interview to {stage}")).await?;
    b.wait_for_text(&format!("Remove {name}")).await
}

#[allow(clippy::too_many_arguments)]
async fn schedule(
    b: &Arc<Browser>,
    day: &str,
    template: &str,
    person: &str,
    row_skill: Option<i64>,
    start: &str,
    end: &str,
    confirm: bool,
) -> TestResult {
    b.click_link(&format!("Schedule {template}")).await?;
    b.wait_for_text("The loop so far").await?;
    b.wait_hydrated().await?;
    b.set_value("Date", day).await?;
    b.set_value("Starts at", start).await?;
    b.set_value("Ends at", end).await?;
    b.fill("Place or video link", "https://meet.example/loop")
        .await?;
    b.choose("Interviewer 1", person).await?;
    if let Some(skill) = row_skill {
        b.check_by_id(&format!("row-1-skill-{skill}")).await?;
    }
    b.click_button("Schedule interview").await?;
    if confirm {
        b.wait_for_text("Check the loop before saving:").await?;
        b.check("Schedule even if the loop misses a required skill area or has two owners for one")
            .await?;
        b.click_button("Schedule interview").await?;
    }
    b.wait_for_text("Interview scheduled.").await
}

async fn hiring_manager_builds_an_opening_adds_candidates_and_schedules_a_loop(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hannah = fx.people.hiring_manager.clone();
    let skills = fx.skills;
    let (day3, day4) = (app.day(3), app.day(4));
    with_browser(&app.address, true, |b| async move {
        sign_in(&b, &hannah).await?;
        b.click_link("Openings").await?;
        b.click_link("New opening").await?;
        b.wait_hydrated().await?;
        b.fill("Role title", "Data Engineer").await?;
        b.fill("Team", "Data").await?;
        b.fill("Level", "Senior").await?;
        b.fill("Location", "Remote").await?;
        b.fill("Description (Markdown)", "Own the **pipelines**.")
            .await?;
        for area in ["Back-end", "Data modelling", "Communication"] {
            b.check(area).await?;
        }
        b.click_button("Create opening").await?;
        b.wait_for_text("Interview plan: Data Engineer").await?;
        add_stage(&b, "Application review", "Review", false).await?;
        add_stage(&b, "Phone screen", "Interviews", true).await?;
        add_stage(&b, "Technical loop", "Interviews", false).await?;
        add_interview(
            &b,
            "Technical loop",
            "Pipelines deep dive",
            "60",
            skills.backend,
        )
        .await?;
        add_interview(&b, "Technical loop", "Schema design", "45", skills.data).await?;
        add_interview(
            &b,
            "Technical loop",
            "Working together",
            "45",
            skills.communication,
        )
        .await?;
        ensure!(
            !b.text().await?.contains("No interview covers"),
            "the plan covers every required area"
        );

        b.click_link("Opening").await?;
        b.wait_for_text("Required skill areas").await?;
        b.click_link("Add candidate").await?;
        b.wait_for_text("Kind of candidate").await?;
        b.fill("Name", "Lena Fischer").await?;
        b.fill("Email", "lena@example.com").await?;
        b.fill(
            "Resume (paste text or Markdown)",
            "# Lena\n\nSpark, Rust, Kafka.",
        )
        .await?;
        b.click_button("Add candidate").await?;
        b.wait_for_text("Lena Fischer").await?;
        b.wait_for_text("Data Engineer — Application review (active)")
            .await?;

        b.goto("/candidates/new").await?;
        b.wait_hydrated().await?;
        b.check("Internal transfer (an employee moving from another team)")
            .await?;
        b.fill("Name", "Kai Moreno").await?;
        b.fill("Email", "kai@example.com").await?;
        b.fill("Current role", "Support engineer").await?;
        b.fill("Current team", "Customer Support").await?;
        b.choose("Current manager", "Sam Supportlead").await?;
        b.set_value("Start date at the company", "2021-03-01")
            .await?;
        b.choose("Add to opening (optional)", "Data Engineer")
            .await?;
        b.click_button("Add candidate").await?;
        b.wait_for_text("Internal transfer").await?;
        b.wait_for_text("does not see this candidacy").await?;

        // Lena's loop: three interviewers, each on a different skill area.
        b.goto("/candidates").await?;
        b.click_link("Lena Fischer").await?;
        b.click_link("Data Engineer").await?;
        b.wait_for_text("Interview loop").await?;
        b.choose("Move Lena Fischer to", "Technical loop").await?;
        b.click_button("Move").await?;
        b.wait_for_text("Technical loop · 0 days in stage").await?;
        schedule(
            &b,
            &day3,
            "Pipelines deep dive",
            "Ivan Interviewer",
            None,
            "09:00",
            "10:00",
            true,
        )
        .await?;
        b.wait_for_text("Nobody in this loop covers Data modelling")
            .await?;
        schedule(
            &b,
            &day3,
            "Schema design",
            "Priya Nair",
            None,
            "10:15",
            "11:00",
            true,
        )
        .await?;
        schedule(
            &b,
            &day3,
            "Working together",
            "Tom Okafor",
            None,
            "11:15",
            "12:00",
            false,
        )
        .await?;
        let text = b.text().await?;
        ensure!(
            !text.contains("not covered") && !text.contains("Nobody in this loop covers"),
            "covered: {text}"
        );
        ensure!(
            text.contains("Ivan Interviewer owns Back-end")
                && text.contains("Tom Okafor owns Communication"),
            "{text}"
        );
        // A fourth interviewer on an owned area is flagged.
        b.click_link("Schedule another interview").await?;
        b.wait_for_text("The loop so far").await?;
        b.wait_hydrated().await?;
        b.fill("Interview title", "Extra back-end").await?;
        b.set_value("Date", &day4).await?;
        b.fill("Place or video link", "Room 1").await?;
        b.choose("Interviewer 1", "Priya Nair").await?;
        b.check_by_id(&format!("row-1-skill-{}", skills.backend))
            .await?;
        b.click_button("Schedule interview").await?;
        b.wait_for_text("Back-end is owned by Ivan Interviewer and Priya Nair")
            .await?;

        // The board shows both candidates, the internal one badged.
        b.click_link("Application").await?;
        b.click_link("Data Engineer").await?;
        b.wait_for_text("Board").await?;
        let text = b.text().await?;
        ensure!(
            text.contains("Lena Fischer")
                && text.contains("Kai Moreno")
                && text.contains("Internal"),
            "{text}"
        );
        ensure!(text.contains("Next interview:"), "{text}");
        Ok(())
    })
    .await?;
    app.stop().await;
    Ok(())
}

async fn interviewer_sees_only_their_interviews_and_the_kit(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let ivan = fx.people.interviewer.clone();
    let backend_opening = fx.backend;
    with_browser(&app.address, true, |b| async move {
        sign_in(&b, &ivan).await?;
        ensure!(
            !b.has_link("Candidates").await?,
            "interviewers have no candidate list"
        );
        b.click_link("My interviews").await?;
        b.wait_for_text("Upcoming").await?;
        let text = b.text().await?;
        ensure!(
            text.contains("Back-end deep dive — Maria Garcia")
                && text.contains("Data modelling — Jordan Blake"),
            "{text}"
        );
        ensure!(
            !text.contains("Communication — Maria Garcia"),
            "not Tom's interview with Maria, which Ivan is not part of: {text}"
        );
        ensure!(
            text.contains("(Europe/Berlin)"),
            "in Ivan's time zone: {text}"
        );
        b.click_link("Kit for Maria Garcia").await?;
        b.wait_for_text("Interview kit: Back-end deep dive with Maria Garcia")
            .await?;
        let text = b.text().await?;
        ensure!(
            text.contains("You evaluate") && text.contains("Back-end"),
            "{text}"
        );
        ensure!(
            text.contains("Sam Supportlead covers Product sense"),
            "the others and their areas: {text}"
        );
        ensure!(text.contains("Likes Rust"), "the resume: {text}");
        // Nothing else: not the opening, its board, or other candidates.
        b.goto(&format!("/openings/{backend_opening}")).await?;
        b.wait_for_text("Page not found").await?;
        b.goto("/candidates").await?;
        b.wait_for_text("No access").await?;
        b.goto("/openings").await?;
        b.wait_for_text("You are not the hiring manager of any opening")
            .await?;
        Ok(())
    })
    .await?;
    app.stop().await;
    Ok(())
}

async fn internal_candidates_manager_finds_no_trace_in_the_browser(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let sam = fx.people.manager.clone();
    let (jordan, jordan_application, jordan_interview) =
        (fx.jordan, fx.jordan_application, fx.jordan_interview);
    with_browser(&app.address, true, |b| async move {
        sign_in(&b, &sam).await?;
        let mut seen = b.text().await?;
        b.click_link("My interviews").await?;
        b.wait_for_text("Kit for Maria Garcia").await?;
        seen.push_str(&b.text().await?);
        b.click_link("Candidates").await?;
        b.fill("Search by name or email", "Jordan").await?;
        b.click_button("Search").await?;
        b.wait_for_text("No candidates found.").await?;
        seen.push_str(&b.text().await?);
        b.goto("/candidates").await?;
        b.wait_for_text("Maria Garcia").await?;
        seen.push_str(&b.text().await?);
        b.click_link("Openings").await?;
        b.click_link("Support Lead").await?;
        b.wait_for_text("Board").await?;
        seen.push_str(&b.text().await?);
        for path in [
            format!("/candidates/{jordan}"),
            format!("/applications/{jordan_application}"),
            format!("/interviews/{jordan_interview}/kit"),
            format!("/interviews/{jordan_interview}"),
        ] {
            b.goto(&path).await?;
            b.wait_for_text("Page not found").await?;
            seen.push_str(&b.text().await?);
        }
        ensure!(
            !seen.contains("Jordan") && !seen.contains("Blake"),
            "no trace of Jordan anywhere: {seen}"
        );
        Ok(())
    })
    .await?;
    app.stop().await;
    Ok(())
}
