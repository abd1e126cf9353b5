//! The challenge library in a real browser: a hiring manager writes a challenge through
//! labelled fields, is told what is wrong with it, finds it by searching, opens it, and
//! both pages pass an accessibility audit.

use crate::cases;
use crate::support::with_browser;
use anyhow::ensure;
use hireloop_tests::browser::Browser;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestResult, TestUser};

cases! {
    http: [],
    browser: [challenges_are_written_found_and_read_in_the_browser],
}

async fn sign_in(b: &Browser, user: &TestUser) -> TestResult {
    b.goto("/login").await?;
    b.fill("Email", &user.email).await?;
    b.fill("Password", &user.password).await?;
    b.click_button("Sign in").await?;
    b.wait_for_text(&format!("Hello, {}", user.name)).await
}

async fn challenges_are_written_found_and_read_in_the_browser(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hannah = fx.people.hiring_manager.clone();
    with_browser(&app.address, true, |b| async move {
        sign_in(&b, &hannah).await?;
        b.click_link("Challenges").await?;
        b.wait_for_text("The library is empty.").await?;
        b.click_link("New challenge").await?;
        b.wait_for_text("New coding challenge").await?;
        b.wait_hydrated().await?;
        b.fill("Title", "Storage for sign-up accounts").await?;
        b.fill(
            "Prompt (Markdown)",
            "Design the storage for **user accounts**: fields, types, lengths, validation.",
        )
        .await?;
        b.check("Data modelling").await?;
        b.choose("Difficulty", "2").await?;
        b.fill("Expected minutes", "500").await?;
        b.fill("Extension 1", "Email verification").await?;
        b.fill("Extension 2", "Login throttling").await?;
        b.fill(
            "Rubric (Markdown, interviewers only)",
            "**Strong**: Unicode names.",
        )
        .await?;
        b.click_button("Create challenge").await?;
        b.wait_for_text("A challenge is expected to take between 1 and 240 minutes.")
            .await?;
        let message = b.field_error("Expected minutes").await?;
        ensure!(
            message.as_deref()
                == Some("A challenge is expected to take between 1 and 240 minutes."),
            "the message sits at its field: {message:?}"
        );
        b.audit_accessibility("/challenges/new with errors").await?;
        b.fill("Expected minutes", "25").await?;
        b.check("Data modelling").await?;
        b.click_button("Create challenge").await?;
        b.wait_for_text("Interviewers only").await?;
        let text = b.text().await?;
        ensure!(
            text.contains("Storage for sign-up accounts")
                && text.contains("Email verification")
                && text.contains("Login throttling")
                && text.contains("Hannah Manager"),
            "the new challenge's page: {text}"
        );
        b.wait_hydrated().await?;
        b.audit_accessibility("a challenge's page").await?;

        // Found again by a word of its prompt.
        b.click_link("Coding challenges").await?;
        b.wait_for_text("Search titles and prompts").await?;
        b.fill("Search titles and prompts", "validat").await?;
        b.click_button("Filter").await?;
        b.wait_for_text("Storage for sign-up accounts").await?;
        ensure!(
            b.path().await?.contains("q=validat"),
            "the search is in the address"
        );
        b.wait_hydrated().await?;
        b.audit_accessibility("/challenges").await?;
        b.fill("Search titles and prompts", "nothing-like-it")
            .await?;
        b.click_button("Filter").await?;
        b.wait_for_text("No challenge matches these filters.")
            .await?;
        b.fill("Search titles and prompts", "Stor").await?;
        b.click_button("Filter").await?;
        b.click_link("Storage for sign-up accounts").await?;
        b.wait_for_text("Interviewers only").await?;
        b.click_button("Retire challenge").await?;
        b.wait_for_text("Restore challenge").await?;
        Ok(())
    })
    .await?;
    app.stop().await;
    Ok(())
}
