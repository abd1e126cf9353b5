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
