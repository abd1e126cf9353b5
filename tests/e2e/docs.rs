//! Not a test: `cargo test -p hireloop-tests --test e2e -- --ignored docs::` refreshes the
//! README screenshot from the demo data, in the same headless Chromium the tests use.

use crate::support::with_browser;
use anyhow::Context;
use hireloop_tests::{spawn_app, Backend, Options, TestResult};

pub async fn readme_screenshot(_: Backend) -> TestResult {
    let app = spawn_app(Backend::Sqlite, Options::default()).await?;
    hireloop::demo::seed(&app.db).await?;
    let target =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../style/screenshot.png");
    with_browser(&app.address, true, |b| async move {
        b.goto("/login").await?;
        b.fill("Email", "hannah@hireloop.test").await?;
        b.fill("Password", hireloop::demo::DEMO_PASSWORD).await?;
        b.click_button("Sign in").await?;
        b.wait_for_text("Hello, Hannah Kim").await?;
        b.click_link("Backend Engineer").await?;
        b.wait_for_text("Board").await?;
        b.wait_hydrated().await?;
        b.client().set_window_size(1400, 1000).await?;
        b.eval("document.getElementById('board-heading').scrollIntoView(); return null")
            .await?;
        let png = b.client().screenshot().await?;
        std::fs::write(&target, png).with_context(|| format!("writing {}", target.display()))?;
        Ok(())
    })
    .await?;
    app.stop().await;
    Ok(())
}

/// Not a test: `HIRELOOP_SHOTS=dir cargo test -p hireloop-tests --test e2e -- --ignored
/// docs::page_tour` saves screenshots of the main pages (demo data) for a visual review.
pub async fn page_tour(_: Backend) -> TestResult {
    let dir = std::env::var("HIRELOOP_SHOTS").context("set HIRELOOP_SHOTS to a folder")?;
    std::fs::create_dir_all(&dir)?;
    let app = spawn_app(Backend::Sqlite, Options::default()).await?;
    hireloop::demo::seed(&app.db).await?;
    let shot = |b: std::sync::Arc<hireloop_tests::Browser>, name: &'static str| {
        let path = std::path::Path::new(&dir).join(format!("{name}.png"));
        async move {
            b.wait_hydrated().await?;
            let png = b.client().screenshot().await?;
            std::fs::write(path, png)?;
            anyhow::Ok(())
        }
    };
    let pages: Vec<(&str, &str, &str)> = vec![
        ("hannah@hireloop.test", "/openings/1", "opening"),
        ("hannah@hireloop.test", "/openings/1/plan", "plan"),
        ("hannah@hireloop.test", "/applications/1", "application"),
        (
            "hannah@hireloop.test",
            "/applications/1/schedule?template=3",
            "schedule",
        ),
        ("hannah@hireloop.test", "/candidates/1", "candidate"),
        ("hannah@hireloop.test", "/candidates/new", "candidate-new"),
        ("ivan@hireloop.test", "/my-interviews", "my-interviews"),
        ("ivan@hireloop.test", "/interviews/1/kit", "kit"),
        ("ada@hireloop.test", "/admin/skill-areas", "skill-areas"),
        ("ada@hireloop.test", "/admin/audit", "audit"),
        ("ada@hireloop.test", "/admin/users", "users"),
    ];
    for (email, path, name) in pages {
        with_browser(&app.address, true, |b| async move {
            b.client().set_window_size(1280, 1400).await?;
            b.goto("/login").await?;
            b.fill("Email", email).await?;
            b.fill("Password", hireloop::demo::DEMO_PASSWORD).await?;
            b.click_button("Sign in").await?;
            b.wait_for_text("Hello,").await?;
            b.goto(path).await?;
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            shot(b, name).await
        })
        .await?;
    }
    app.stop().await;
    Ok(())
}
