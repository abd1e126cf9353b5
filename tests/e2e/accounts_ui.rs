//! Accounts in a real browser (headless Chromium), with and without JavaScript.

use crate::cases;
use crate::support::with_browser;
use anyhow::{ensure, Context};
use hireloop_tests::{spawn_app, Backend, Options, TestResult};
use serde_json::json;

cases! {
    http: [],
    browser: [
        first_admin_sets_up_signs_out_and_back_in,
        forms_work_without_javascript,
        admin_invites_a_user_who_sets_a_password_and_is_later_deactivated,
    ],
}

async fn first_admin_sets_up_signs_out_and_back_in(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    with_browser(&app.address, true, |b| async move {
        b.goto("/").await?;
        b.wait_for_path("/login").await?;
        b.wait_for_text("This Hireloop has no accounts yet.")
            .await?;
        b.click_link("Create the first admin").await?;
        b.wait_for_text("Welcome to Hireloop").await?;
        b.wait_hydrated().await?;
        b.fill("Your name", "Grace Hopper").await?;
        b.fill("Email", "grace@example.com").await?;
        b.choose("Time zone", "Europe/Berlin").await?;
        b.fill("Password", "a long passphrase").await?;
        b.fill("Repeat the password", "a different passphrase")
            .await?;
        b.click_button("Create admin account").await?;
        b.wait_for_text("The two passwords do not match.").await?;
        ensure!(
            b.field_error("Password").await?.as_deref() == Some("The two passwords do not match."),
            "the message sits next to the password field"
        );
        // Shown in place: what was typed stays, focus is on the field in error, and the
        // address is still the form's.
        let name = b.field("Your name").await?.prop("value").await?;
        ensure!(
            name.as_deref() == Some("Grace Hopper"),
            "what was typed stays: {name:?}"
        );
        let focused = b
            .eval("return document.activeElement ? document.activeElement.id : null")
            .await?;
        ensure!(
            focused == json!("field-password"),
            "focus is on the field in error: {focused}"
        );
        ensure!(b.path().await? == "/setup", "the address is unchanged");
        b.fill("Password", "a long passphrase").await?;
        b.fill("Repeat the password", "a long passphrase").await?;
        b.click_button("Create admin account").await?;
        b.wait_for_text("Hello, Grace Hopper").await?;
        b.wait_for_text("in Europe/Berlin").await?;
        ensure!(b.has_link("Admin").await?, "admins see the Admin link");

        b.wait_hydrated().await?;
        b.click_button("Sign out").await?;
        b.wait_for_path("/login").await?;
        b.wait_for_text("Sign in to Hireloop").await?;
        ensure!(
            !b.text()
                .await?
                .contains("This Hireloop has no accounts yet."),
            "set-up is done"
        );

        // Only client code can do this: reveal the password.
        b.wait_hydrated().await?;
        b.fill("Password", "wrong password").await?;
        b.click_button("Show password").await?;
        let kind = b.field("Password").await?.attr("type").await?;
        ensure!(
            kind.as_deref() == Some("text"),
            "the toggle revealed the password: {kind:?}"
        );
        b.wait_for_text("Hide password").await?;

        // A wrong password shows the generic message, without reloading the page.
        b.eval("window.__still_same_page = true; return null")
            .await?;
        b.fill("Email", "grace@example.com").await?;
        b.click_button("Sign in").await?;
        b.wait_for_text("That email and password do not match an active account.")
            .await?;
        ensure!(
            b.eval("return window.__still_same_page === true").await? == json!(true),
            "the form was submitted by client code (no page load)"
        );

        b.fill("Password", "a long passphrase").await?;
        b.click_button("Sign in").await?;
        b.wait_for_text("Hello, Grace Hopper").await?;
        b.goto("/setup").await?;
        b.wait_for_text("Page not found").await?;
        Ok(())
    })
    .await?;
    app.stop().await;
    Ok(())
}

async fn forms_work_without_javascript(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    with_browser(&app.address, false, |b| async move {
        b.goto("/setup").await?;
        b.wait_for_text("Welcome to Hireloop").await?;
        ensure!(
            !b.eval_is_available().await,
            "scripts are really off in this browser"
        );
        b.fill("Your name", "Linus").await?;
        b.fill("Email", "not an email").await?;
        b.fill("Password", "a long passphrase").await?;
        b.fill("Repeat the password", "a long passphrase").await?;
        b.click_button("Create admin account").await?;
        b.wait_for_text("Enter an email address like name@example.com.")
            .await?;
        ensure!(
            b.field_error("Email").await?.as_deref()
                == Some("Enter an email address like name@example.com."),
            "the message sits next to the email field"
        );
        // A round trip later, a browser running scripts would long have hydrated the page
        // and revealed the password toggle; this one has done neither.
        ensure!(
            b.client()
                .find_all(fantoccini::Locator::Css("html[data-hydrated]"))
                .await?
                .is_empty(),
            "the page was never hydrated"
        );
        let toggle_visible = b
            .client()
            .find(fantoccini::Locator::XPath(
                "//button[normalize-space(.)='Show password']",
            ))
            .await?
            .is_displayed()
            .await?;
        ensure!(!toggle_visible, "the show-password toggle stays hidden");
        b.fill("Your name", "Linus").await?;
        b.fill("Email", "linus@example.com").await?;
        b.fill("Password", "a long passphrase").await?;
        b.fill("Repeat the password", "a long passphrase").await?;
        b.click_button("Create admin account").await?;
        b.wait_for_text("Hello, Linus").await?;

        b.click_link("Admin").await?;
        b.click_link("Manage users").await?;
        b.click_link("New user").await?;
        b.wait_for_text("First password").await?;
        b.fill("Name", "Margaret").await?;
        b.fill("Email", "margaret@example").await?;
        b.click_button("Create user").await?;
        b.wait_for_text("Enter an email address like name@example.com.")
            .await?;
        b.fill("Name", "Margaret").await?;
        b.fill("Email", "margaret@example.com").await?;
        b.choose("Time zone", "America/Chicago").await?;
        b.click_button("Create user").await?;
        b.wait_for_text("One-time set-password link").await?;
        let link = b
            .field("Set-password link")
            .await?
            .prop("value")
            .await?
            .context("link")?;
        ensure!(link.contains("/set-password/"), "{link}");
        b.click_button("Sign out").await?;
        b.wait_for_text("Sign in to Hireloop").await?;
        Ok(())
    })
    .await?;
    app.stop().await;
    Ok(())
}

async fn admin_invites_a_user_who_sets_a_password_and_is_later_deactivated(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app
        .create_user("Ada Admin", app::values::Role::Admin)
        .await?;
    let base = app.address.clone();
    with_browser(&app.address, true, |b| async move {
        b.goto("/login").await?;
        b.fill("Email", &admin.email).await?;
        b.fill("Password", &admin.password).await?;
        b.click_button("Sign in").await?;
        b.wait_for_text("Hello, Ada Admin").await?;
        b.click_link("Admin").await?;
        b.click_link("Manage users").await?;
        b.click_link("New user").await?;
        b.wait_for_text("First password").await?;
        b.wait_hydrated().await?;
        b.fill("Name", "Nadia Newcomer").await?;
        b.fill("Email", "nadia@example.com").await?;
        b.choose("Time zone", "Asia/Tokyo").await?;
        b.click_button("Create user").await?;
        b.wait_for_text("One-time set-password link").await?;
        let link = b
            .field("Set-password link")
            .await?
            .prop("value")
            .await?
            .context("link")?;
        let path = link.trim_start_matches(&base).to_owned();

        // The new user opens the link in their own browser.
        with_browser(&base, true, |nadia| async move {
            nadia.goto(&path).await?;
            nadia.wait_for_text("Hello Nadia Newcomer").await?;
            nadia.wait_hydrated().await?;
            nadia.fill("New password", "nadias passphrase").await?;
            nadia
                .fill("Repeat the new password", "nadias passphrase")
                .await?;
            nadia.click_button("Set password").await?;
            nadia
                .wait_for_text("Your password is set. Sign in with it.")
                .await?;
            nadia.fill("Email", "nadia@example.com").await?;
            nadia.fill("Password", "nadias passphrase").await?;
            nadia.click_button("Sign in").await?;
            nadia.wait_for_text("Hello, Nadia Newcomer").await?;
            nadia.wait_for_text("in Asia/Tokyo").await?;
            ensure!(!nadia.has_link("Admin").await?, "members do not see Admin");

            // The admin deactivates her; her next page load signs her out.
            b.wait_for_text("Deactivate user").await?;
            b.click_button("Deactivate user").await?;
            b.wait_for_text("Reactivate user").await?;
            nadia.goto("/account").await?;
            nadia.wait_for_path("/login").await?;
            nadia.wait_for_text("Sign in to Hireloop").await?;
            Ok(())
        })
        .await
    })
    .await?;
    app.stop().await;
    Ok(())
}
