//! Accounts, sessions and their security properties, over HTTP against the real server.

use crate::cases;
use crate::users::new_user;
use anyhow::{ensure, Context};
use app::auth::api::{GetCurrentUser, Login, SetupFirstAdmin};
use app::auth::{AdminInput, LoginInput};
use app::error::AppError;
use app::values::Role;
use hireloop_tests::{spawn_app, Answer, Backend, Options, TestApp, TestResult};
use reqwest::StatusCode;
use std::time::{Duration, Instant};

pub(crate) fn login_args(email: &str, password: &str) -> Login {
    Login {
        input: LoginInput {
            email: email.into(),
            password: password.into(),
            next: String::new(),
        },
    }
}

fn setup_args(
    name: &str,
    email: &str,
    timezone: &str,
    password: &str,
    confirm: &str,
) -> SetupFirstAdmin {
    SetupFirstAdmin {
        input: AdminInput {
            name: name.into(),
            email: email.into(),
            timezone: timezone.into(),
            password: password.into(),
            password_confirm: confirm.into(),
        },
    }
}

cases! {
    http: [
        health_and_schema,
        first_admin_setup_happens_exactly_once,
        setup_form_rejects_bad_input_and_saves_nothing,
        wrong_password_and_unknown_email_look_the_same,
        login_is_rate_limited_per_account,
        login_is_rate_limited_per_address,
        session_is_rotated_on_login_and_removed_on_logout,
        session_cookie_is_httponly_samesite_and_optionally_secure,
        anonymous_visitors_are_sent_to_sign_in,
        plain_form_posts_redirect_with_errors_shown_next_to_fields,
        posts_from_the_bundle_get_the_next_address_in_a_header,
    ],
    browser: [],
}

async fn health_and_schema(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let (status, body) = app.page(&TestApp::client(), "/health").await?;
    ensure!(status == StatusCode::OK && body == "ok", "{status} {body}");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await?;
    ensure!(users == 0, "a fresh database has no users");
    app.stop().await;
    Ok(())
}

async fn first_admin_setup_happens_exactly_once(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let client = TestApp::client();
    let (status, html) = app.page(&client, "/setup").await?;
    ensure!(status == StatusCode::OK, "setup page: {status}");
    ensure!(
        html.contains("Create the first admin account"),
        "the set-up form is offered"
    );
    let form = || {
        setup_args(
            "Grace Hopper",
            "Grace@Example.com",
            "America/New_York",
            "a long passphrase",
            "a long passphrase",
        )
    };
    app.call(&client, form()).await?.ok()?;
    // The new admin is signed in.
    let me = app
        .call(&client, GetCurrentUser {})
        .await?
        .ok()?
        .context("signed in")?;
    ensure!(
        me.email == "grace@example.com" && me.role == Role::Admin,
        "{me:?}"
    );
    // A second attempt, from anyone, is refused and changes nothing.
    let before = app.digest().await?;
    let error = app
        .call(&TestApp::client(), form())
        .await?
        .refused(StatusCode::CONFLICT)?;
    ensure!(
        error == AppError::Conflict("Hireloop is already set up. Sign in instead.".into()),
        "{error:?}"
    );
    app.ensure_unchanged(&before, "a second set-up").await?;
    // And the page is gone.
    let (status, html) = app.page(&TestApp::client(), "/setup").await?;
    ensure!(
        status == StatusCode::NOT_FOUND,
        "setup page after set-up: {status}"
    );
    ensure!(
        html.contains("Page not found") && !html.contains("Create the first admin account"),
        "no form any more"
    );
    app.stop().await;
    Ok(())
}

async fn setup_form_rejects_bad_input_and_saves_nothing(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let client = TestApp::client();
    let before = app.digest().await?;
    let fields = app
        .call(
            &client,
            setup_args("  ", "not-an-email", "Mars/Base", "short", "short"),
        )
        .await?
        .invalid()?;
    let named: Vec<&str> = fields.iter().map(|(field, _)| field).collect();
    ensure!(
        named == ["name", "email", "timezone", "password"],
        "{named:?}"
    );
    let fields = app
        .call(
            &client,
            setup_args(
                "Grace",
                "grace@example.com",
                "UTC",
                "a long passphrase",
                "a different one",
            ),
        )
        .await?
        .invalid()?;
    ensure!(
        fields.get("password") == Some("The two passwords do not match."),
        "{fields:?}"
    );
    app.ensure_unchanged(&before, "a refused set-up").await?;
    app.stop().await;
    Ok(())
}

pub(crate) async fn timed_login(
    app: &TestApp,
    email: &str,
    password: &str,
) -> anyhow::Result<(Duration, Answer<String>)> {
    let started = Instant::now();
    let answer = app
        .call(&TestApp::client(), login_args(email, password))
        .await?;
    Ok((started.elapsed(), answer))
}

/// The error every failed sign-in gets.
pub(crate) fn bad_credentials() -> AppError {
    AppError::invalid("form", app::auth::service::BAD_CREDENTIALS)
}

async fn wrong_password_and_unknown_email_look_the_same(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let user = app.create_user("Ada Known", Role::Member).await?;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..3 {
        let (elapsed, answer) = timed_login(&app, &user.email, "wrong password!").await?;
        known.push(elapsed);
        let (elapsed2, answer2) =
            timed_login(&app, "nobody@example.com", "wrong password!").await?;
        unknown.push(elapsed2);
        ensure!(
            answer.body == answer2.body,
            "same answer: {} vs {}",
            answer.body,
            answer2.body
        );
        let error = answer.refused(StatusCode::UNPROCESSABLE_ENTITY)?;
        ensure!(error == bad_credentials(), "{error:?}");
    }
    // Both paths do the same password-hash work: an unknown email is not answered
    // measurably faster (without the dummy verification it would be ~50x faster).
    let known = known.into_iter().min().context("timings")?;
    let unknown = unknown.into_iter().min().context("timings")?;
    ensure!(
        unknown.as_secs_f64() >= known.as_secs_f64() * 0.3,
        "unknown email answered in {unknown:?}, known in {known:?}"
    );
    app.stop().await;
    Ok(())
}

async fn login_is_rate_limited_per_account(backend: Backend) -> TestResult {
    let app = spawn_app(
        backend,
        Options {
            login_account_burst: 3,
            ..Options::default()
        },
    )
    .await?;
    let user = app.create_user("Target User", Role::Member).await?;
    for _ in 0..3 {
        let (_, answer) = timed_login(&app, &user.email, "guess guess guess").await?;
        answer.refused(StatusCode::UNPROCESSABLE_ENTITY)?;
    }
    let (_, answer) = timed_login(&app, &user.email, "guess guess guess").await?;
    let AppError::RateLimited(wait) = answer.refused(StatusCode::TOO_MANY_REQUESTS)? else {
        anyhow::bail!("expected a rate limit");
    };
    ensure!((1..=60).contains(&wait), "wait {wait}");
    // Even the right password waits now; the message names the wait.
    app.call(
        &TestApp::client(),
        login_args(&user.email.to_uppercase(), &user.password),
    )
    .await?
    .refused(StatusCode::TOO_MANY_REQUESTS)?;
    // Without JavaScript the form comes back with the wait named on the page.
    let browser = TestApp::client();
    let (status, location) = app
        .post_form(&browser, login_args(&user.email, &user.password), "/login")
        .await?;
    ensure!(status == StatusCode::FOUND, "{status}");
    let location = location.context("redirect")?;
    let (status, html) = app
        .page(&browser, location.trim_start_matches(&app.address))
        .await?;
    ensure!(
        status == StatusCode::OK && html.contains("Too many attempts. Try again in"),
        "the page names the wait: {status}"
    );
    // Another account is not affected.
    let other = app.create_user("Other User", Role::Member).await?;
    app.login(&other).await?;
    app.stop().await;
    Ok(())
}

async fn login_is_rate_limited_per_address(backend: Backend) -> TestResult {
    let app = spawn_app(
        backend,
        Options {
            login_ip_burst: 4,
            ..Options::default()
        },
    )
    .await?;
    for n in 0..4 {
        let (_, answer) =
            timed_login(&app, &format!("someone{n}@example.com"), "password guess").await?;
        answer.refused(StatusCode::UNPROCESSABLE_ENTITY)?;
    }
    let (_, answer) = timed_login(&app, "someone9@example.com", "password guess").await?;
    answer.refused(StatusCode::TOO_MANY_REQUESTS)?;
    app.stop().await;
    Ok(())
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hireloop_session="))
        .map(ToOwned::to_owned)
}

/// Signs in with an explicit cookie header (or none), to watch the session cookie itself.
async fn raw_login(
    app: &TestApp,
    cookie: Option<&str>,
    email: &str,
    password: &str,
) -> anyhow::Result<reqwest::Response> {
    let body = serde_qs::to_string(&login_args(email, password))?;
    let mut request = app
        .post(&TestApp::bare_client(), "/api/login")
        .header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    Ok(request.send().await?)
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

async fn whoami(app: &TestApp, cookie: &str) -> anyhow::Result<Option<app::auth::CurrentUser>> {
    let response = app
        .post(&TestApp::bare_client(), "/api/get_current_user")
        .header("Cookie", cookie)
        .send()
        .await?;
    ensure!(response.status() == StatusCode::OK, "{}", response.status());
    Ok(serde_json::from_str(&response.text().await?)?)
}

async fn session_is_rotated_on_login_and_removed_on_logout(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let user = app.create_user("Rotating User", Role::Member).await?;
    let first = raw_login(&app, None, &user.email, &user.password).await?;
    let first_cookie = cookie_pair(&session_cookie(&first).context("a session cookie")?);
    ensure!(
        whoami(&app, &first_cookie).await?.map(|u| u.id) == Some(user.id),
        "the first session works"
    );
    // Signing in again from that browser gives a new session id; the old one is dead.
    let second = raw_login(&app, Some(&first_cookie), &user.email, &user.password).await?;
    let second_cookie = cookie_pair(&session_cookie(&second).context("a new session cookie")?);
    ensure!(first_cookie != second_cookie, "the id changed on sign-in");
    ensure!(
        whoami(&app, &first_cookie).await?.is_none(),
        "old id no longer works"
    );
    ensure!(
        whoami(&app, &second_cookie).await?.map(|u| u.id) == Some(user.id),
        "new id works"
    );

    // Sign out: cookie cleared, stored session gone, the id is useless.
    let response = app
        .post(&TestApp::bare_client(), "/api/logout")
        .header("Cookie", &second_cookie)
        .send()
        .await?;
    let cleared = session_cookie(&response).context("logout clears the cookie")?;
    ensure!(cleared.contains("Max-Age=0"), "{cleared}");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(user.id)
        .fetch_one(&app.db)
        .await?;
    ensure!(left == 0, "sessions left after logout: {left}");
    ensure!(whoami(&app, &second_cookie).await?.is_none(), "logged out");
    app.stop().await;
    Ok(())
}

async fn session_cookie_is_httponly_samesite_and_optionally_secure(backend: Backend) -> TestResult {
    for secure in [false, true] {
        let app = spawn_app(
            backend,
            Options {
                secure_cookies: secure,
                ..Options::default()
            },
        )
        .await?;
        let user = app.create_user("Cookie User", Role::Member).await?;
        let response = raw_login(&app, None, &user.email, &user.password).await?;
        ensure!(response.status() == StatusCode::OK, "{}", response.status());
        let cookie = session_cookie(&response).context("cookie")?;
        ensure!(cookie.contains("HttpOnly"), "{cookie}");
        ensure!(cookie.contains("SameSite=Lax"), "{cookie}");
        ensure!(
            cookie.contains("; Secure") == secure,
            "secure={secure}: {cookie}"
        );
        app.stop().await;
    }
    Ok(())
}

async fn anonymous_visitors_are_sent_to_sign_in(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let client = TestApp::client();
    for path in ["/", "/admin/users", "/account"] {
        let response = client
            .get(app.url(path))
            .header("Accept", "text/html")
            .send()
            .await?;
        ensure!(
            response.status() == StatusCode::FOUND,
            "{path}: {}",
            response.status()
        );
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        ensure!(location.starts_with("/login?next="), "{path} -> {location}");
    }
    app.stop().await;
    Ok(())
}

async fn plain_form_posts_redirect_with_errors_shown_next_to_fields(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app.create_user("Form Admin", Role::Admin).await?;
    let client = TestApp::client();
    // Wrong password without JavaScript: back to the form, with the message on the page.
    let (status, location) = app
        .post_form(
            &client,
            login_args(&admin.email, "wrong password"),
            "/login",
        )
        .await?;
    ensure!(status == StatusCode::FOUND, "{status}");
    let location = location.context("redirect")?;
    let path = location.trim_start_matches(&app.address);
    let (_, html) = app.page(&client, path).await?;
    ensure!(
        html.contains("That email and password do not match an active account."),
        "message shown"
    );
    // Right password: straight to where they were going.
    let mut login = login_args(&admin.email, &admin.password);
    login.input.next = "/admin/users".into();
    let (status, location) = app.post_form(&client, login, "/login").await?;
    ensure!(
        status == StatusCode::FOUND && location.as_deref() == Some("/admin/users"),
        "{location:?}"
    );
    // A field error renders next to its field (aria-describedby ties them).
    let before = app.digest().await?;
    let (_, location) = app
        .post_form(
            &client,
            new_user("No Email", "nope", "member", "link", ""),
            "/admin/users/new",
        )
        .await?;
    let location = location.context("redirect")?;
    let (_, html) = app
        .page(&client, location.trim_start_matches(&app.address))
        .await?;
    let start = html.find("field-email").unwrap_or(0);
    ensure!(
        html.contains(r#"aria-describedby="field-email-error""#)
            && html.contains(r#"id="field-email-error" class="field-error">Enter an email address like name@example.com."#),
        "email error next to the field: {}",
        &html[start..(start + 1200).min(html.len())]
    );
    app.ensure_unchanged(&before, "a refused form").await?;
    app.stop().await;
    Ok(())
}

/// A form posted by the browser bundle (`x-hireloop-enhanced`) gets the redirect's target in
/// a header instead of a redirect: the signed error page, or the next page.
async fn posts_from_the_bundle_get_the_next_address_in_a_header(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app.create_user("Bundle Admin", Role::Admin).await?;
    let client = TestApp::client();
    let post = |args: Login| {
        let client = client.clone();
        let app = &app;
        async move {
            let body = serde_qs::to_string(&args)?;
            let response = app
                .post(&client, <Login as leptos::server_fn::ServerFn>::PATH)
                .header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Referer", app.url("/login"))
                .header("x-hireloop-enhanced", "1")
                .body(body)
                .send()
                .await?;
            let target = response
                .headers()
                .get("x-hireloop-location")
                .and_then(|v| v.to_str().ok())
                .map(ToOwned::to_owned);
            anyhow::Ok((
                response.status(),
                response.headers().contains_key("location"),
                target,
            ))
        }
    };
    let (status, redirect, target) = post(login_args(&admin.email, "wrong password")).await?;
    ensure!(
        status == StatusCode::NO_CONTENT && !redirect,
        "{status} {redirect}"
    );
    let target = target.context("the error page's address")?;
    ensure!(
        target.contains("__err=") && target.contains("__sig="),
        "a signed error: {target}"
    );
    let (_, html) = app
        .page(&client, target.trim_start_matches(&app.address))
        .await?;
    ensure!(
        html.contains("That email and password do not match an active account."),
        "the error page shows the message"
    );
    let mut login = login_args(&admin.email, &admin.password);
    login.input.next = "/admin/users".into();
    let (status, _, target) = post(login).await?;
    ensure!(
        status == StatusCode::NO_CONTENT && target.as_deref() == Some("/admin/users"),
        "{status} {target:?}"
    );
    app.stop().await;
    Ok(())
}
