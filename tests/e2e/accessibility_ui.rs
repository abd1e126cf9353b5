//! Every page, audited with axe-core (WCAG 2.1 A and AA) in a real browser with the
//! Content-Security-Policy on: no serious or critical violation anywhere, including forms
//! showing their errors.

use crate::cases;
use crate::support::with_browser;
use anyhow::Context;
use hireloop_tests::browser::Browser;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestResult, TestUser};

cases! {
    http: [],
    browser: [every_page_passes_an_accessibility_audit],
}

async fn sign_in(b: &Browser, user: &TestUser) -> TestResult {
    b.goto("/login").await?;
    b.fill("Email", &user.email).await?;
    b.fill("Password", &user.password).await?;
    b.click_button("Sign in").await?;
    b.wait_for_text(&format!("Hello, {}", user.name)).await
}

/// Opens `path`, waits for `text` and for the page to be interactive, then audits it.
async fn audit(b: &Browser, path: &str, text: &str) -> TestResult {
    b.goto(path).await?;
    b.wait_for_text(text)
        .await
        .with_context(|| format!("opening {path}"))?;
    b.wait_hydrated().await?;
    b.audit_accessibility(path).await
}

async fn every_page_passes_an_accessibility_audit(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let admin = fx.people.admin.clone();
    let hannah = fx.people.hiring_manager.clone();
    let ivan = fx.people.interviewer.clone();
    let fx2 = fx.clone();
    with_browser(&app.address, true, |b| async move {
        audit(&b, "/login", "Sign in to Hireloop").await?;
        audit(&b, "/no/such/page", "Page not found").await?;
        // A form showing its errors.
        b.goto("/login").await?;
        b.wait_hydrated().await?;
        b.fill("Email", "not an email").await?;
        b.click_button("Sign in").await?;
        b.wait_for_text("Enter an email address like name@example.com.")
            .await?;
        b.audit_accessibility("/login with errors").await?;

        sign_in(&b, &admin).await?;
        let fx = &fx2;
        let pages = [
            ("/".to_owned(), "Hello, Ada Admin"),
            ("/openings".to_owned(), "Backend Engineer"),
            ("/openings/new".to_owned(), "New opening"),
            (format!("/openings/{}", fx.backend), "Board"),
            (format!("/openings/{}/edit", fx.backend), "Edit opening"),
            (
                format!("/openings/{}/plan", fx.backend),
                "Interview plan: Backend Engineer",
            ),
            (
                format!("/openings/{}/audit", fx.backend),
                "History of this opening",
            ),
            ("/candidates".to_owned(), "Maria Garcia"),
            ("/candidates/new".to_owned(), "Add candidate"),
            (format!("/candidates/{}", fx.maria), "Maria Garcia"),
            (format!("/candidates/{}/edit", fx.maria), "Edit candidate"),
            (
                format!("/applications/{}", fx.maria_application),
                "Interview loop",
            ),
            (
                format!("/applications/{}/schedule", fx.maria_application),
                "The loop so far",
            ),
            (format!("/interviews/{}", fx.maria_interview), "Reschedule"),
            (
                format!("/interviews/{}/kit", fx.maria_interview),
                "Interview kit",
            ),
            ("/my-interviews".to_owned(), "Upcoming"),
            ("/admin".to_owned(), "Manage users"),
            ("/admin/skill-areas".to_owned(), "Add skill area"),
            ("/admin/audit".to_owned(), "Audit log"),
            ("/admin/users".to_owned(), "Olga Outsider"),
            ("/admin/users/new".to_owned(), "First password"),
            (
                format!("/admin/users/{}", fx.people.member.id),
                "Olga Outsider",
            ),
            ("/account".to_owned(), "Your account"),
        ];
        for (path, text) in &pages {
            audit(&b, path, text).await?;
        }
        // The scheduling form with its loop warnings and field errors.
        b.goto(&format!("/applications/{}/schedule", fx.maria_application))
            .await?;
        b.wait_hydrated().await?;
        b.fill("Place or video link", "").await?;
        b.click_button("Schedule interview").await?;
        b.wait_for_text("Enter a room or a video link.").await?;
        b.audit_accessibility("the scheduling form with errors")
            .await?;
        Ok(())
    })
    .await?;
    for (user, pages) in [
        (
            hannah,
            vec![
                (format!("/openings/{}", fx.backend), "Board"),
                (
                    format!("/applications/{}", fx.jordan_application),
                    "Internal context",
                ),
            ],
        ),
        (
            ivan,
            vec![
                ("/my-interviews".to_owned(), "Upcoming"),
                (
                    format!("/interviews/{}/kit", fx.jordan_interview),
                    "You evaluate",
                ),
                (format!("/openings/{}", fx.backend), "Page not found"),
            ],
        ),
    ] {
        with_browser(&app.address, true, |b| async move {
            sign_in(&b, &user).await?;
            for (path, text) in &pages {
                audit(&b, path, text).await?;
            }
            Ok(())
        })
        .await?;
    }
    app.stop().await;
    Ok(())
}
