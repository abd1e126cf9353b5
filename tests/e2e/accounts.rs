//! Accounts, sessions and their security properties, over HTTP against the real server.

use crate::cases;
use crate::support::json;
use anyhow::{ensure, Context};
use hireloop_tests::{spawn_app, Backend, Options, TestApp, TestResult};
use reqwest::StatusCode;
use std::time::{Duration, Instant};

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
        deactivated_user_is_logged_out_at_once,
        member_cannot_reach_admin_pages_or_functions,
        anonymous_visitors_are_sent_to_sign_in,
        admin_creates_user_with_one_time_link,
        admin_edit_validates_and_keeps_one_admin,
        password_change_ends_other_sessions,
        own_timezone_is_validated,
        plain_form_posts_redirect_with_errors_shown_next_to_fields,
        unknown_pages_are_404,
        failed_migration_stops_start_up,
        command_line_migrates_creates_admin_and_loads_demo_data,
    ],
    browser: [],
}

async fn health_and_schema(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let (status, body) = app.page(&TestApp::client(), "/health").await?;
    ensure!(status == StatusCode::OK && body == "ok", "{status} {body}");
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await?;
    ensure!(tables == 0, "a fresh database has no users");
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

    let form = [
        ("name", "Grace Hopper"),
        ("email", "Grace@Example.com"),
        ("timezone", "America/New_York"),
        ("password", "a long passphrase"),
        ("password_confirm", "a long passphrase"),
    ];
    let (status, body) = app.call(&client, "setup", &form).await?;
    ensure!(status == StatusCode::OK, "setup: {status} {body}");
    // The new admin is signed in.
    let (_, me) = app.call(&client, "get_current_user", &[]).await?;
    let me = json(&me)?;
    ensure!(
        me["email"] == "grace@example.com" && me["role"] == "Admin",
        "{me}"
    );

    // A second attempt, from anyone, is refused and changes nothing.
    let (status, body) = app.call(&TestApp::client(), "setup", &form).await?;
    ensure!(
        status == StatusCode::CONFLICT,
        "second setup: {status} {body}"
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await?;
    ensure!(count == 1, "still one user, got {count}");
    // And the page is gone.
    let (status, html) = app.page(&TestApp::client(), "/setup").await?;
    ensure!(
        status == StatusCode::NOT_FOUND,
        "setup page after set-up: {status}"
    );
    ensure!(!html.contains("Create admin account"), "no form any more");
    app.stop().await;
    Ok(())
}

async fn setup_form_rejects_bad_input_and_saves_nothing(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let client = TestApp::client();
    let (status, body) = app
        .call(
            &client,
            "setup",
            &[
                ("name", "  "),
                ("email", "not-an-email"),
                ("timezone", "Mars/Base"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    let error = json(&body)?;
    let fields = error["Invalid"].as_array().context("field errors")?;
    let named: Vec<&str> = fields.iter().filter_map(|f| f[0].as_str()).collect();
    ensure!(
        named == ["name", "email", "timezone", "password"],
        "{named:?}"
    );
    let (_, body) = app
        .call(
            &client,
            "setup",
            &[
                ("name", "Grace"),
                ("email", "grace@example.com"),
                ("timezone", "UTC"),
                ("password", "a long passphrase"),
                ("password_confirm", "a different one"),
            ],
        )
        .await?;
    ensure!(body.contains("The two passwords do not match."), "{body}");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await?;
    let marked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM instance")
        .fetch_one(&app.db)
        .await?;
    ensure!(
        users == 0 && marked == 0,
        "nothing saved: {users} users, {marked} marks"
    );
    app.stop().await;
    Ok(())
}

async fn timed_login(
    app: &TestApp,
    email: &str,
    password: &str,
) -> anyhow::Result<(Duration, StatusCode, String)> {
    let started = Instant::now();
    let (status, body) = app
        .call(
            &TestApp::client(),
            "login",
            &[("email", email), ("password", password)],
        )
        .await?;
    Ok((started.elapsed(), status, body))
}

async fn wrong_password_and_unknown_email_look_the_same(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let user = app.create_user("Ada Known", "member").await?;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..3 {
        let (elapsed, status, body) = timed_login(&app, &user.email, "wrong password!").await?;
        known.push(elapsed);
        ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
        let (elapsed, status2, body2) =
            timed_login(&app, "nobody@example.com", "wrong password!").await?;
        unknown.push(elapsed);
        ensure!(
            status2 == status && body2 == body,
            "same answer: {body} vs {body2}"
        );
        ensure!(
            body.contains("That email and password do not match an active account."),
            "{body}"
        );
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
    let user = app.create_user("Target User", "member").await?;
    for _ in 0..3 {
        let (_, status, _) = timed_login(&app, &user.email, "guess guess guess").await?;
        ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    }
    let (_, status, body) = timed_login(&app, &user.email, "guess guess guess").await?;
    ensure!(status == StatusCode::TOO_MANY_REQUESTS, "{status} {body}");
    let error = json(&body)?;
    let wait = error["RateLimited"].as_u64().context("wait seconds")?;
    ensure!((1..=60).contains(&wait), "wait {wait}");
    // Even the right password waits now; the message names the wait.
    let (status, body) = app
        .call(
            &TestApp::client(),
            "login",
            &[
                ("email", &user.email.to_uppercase()),
                ("password", &user.password),
            ],
        )
        .await?;
    ensure!(status == StatusCode::TOO_MANY_REQUESTS, "{status} {body}");
    let (_, html) = app
        .page(
            &TestApp::client(),
            &format!("/login?__path=%2Fapi%2Flogin&__err={}", url_safe_b64(&body)),
        )
        .await?;
    ensure!(
        html.contains("Too many attempts. Try again in"),
        "the page names the wait"
    );
    // Another account is not affected.
    let other = app.create_user("Other User", "member").await?;
    app.login(&other).await?;
    app.stop().await;
    Ok(())
}

/// The error as Leptos puts it into a redirect (URL-safe base64, query-escaped).
fn url_safe_b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE
        .encode(text)
        .replace('=', "%3D")
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
        let (_, status, _) =
            timed_login(&app, &format!("someone{n}@example.com"), "password guess").await?;
        ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    }
    let (_, status, body) = timed_login(&app, "someone9@example.com", "password guess").await?;
    ensure!(status == StatusCode::TOO_MANY_REQUESTS, "{status} {body}");
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

async fn raw_login(
    app: &TestApp,
    cookie: Option<&str>,
    email: &str,
    password: &str,
) -> anyhow::Result<reqwest::Response> {
    let mut request = TestApp::bare_client()
        .post(app.url("/api/login"))
        .header("Accept", "application/json")
        .form(&[("email", email), ("password", password)]);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    Ok(request.send().await?)
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

async fn whoami(app: &TestApp, cookie: &str) -> anyhow::Result<serde_json::Value> {
    let response = TestApp::bare_client()
        .post(app.url("/api/get_current_user"))
        .header("Cookie", cookie)
        .send()
        .await?;
    json(&response.text().await?)
}

async fn session_is_rotated_on_login_and_removed_on_logout(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let user = app.create_user("Rotating User", "member").await?;
    let first = raw_login(&app, None, &user.email, &user.password).await?;
    let first_cookie = cookie_pair(&session_cookie(&first).context("a session cookie")?);
    // Signing in again from that browser gives a new session id; the old one is dead.
    let second = raw_login(&app, Some(&first_cookie), &user.email, &user.password).await?;
    let second_cookie = cookie_pair(&session_cookie(&second).context("a new session cookie")?);
    ensure!(first_cookie != second_cookie, "the id changed on sign-in");
    ensure!(
        whoami(&app, &first_cookie).await?.is_null(),
        "old id no longer works"
    );
    ensure!(
        whoami(&app, &second_cookie).await?["id"] == user.id,
        "new id works"
    );

    // Sign out: cookie cleared, stored session gone, the id is useless.
    let response = TestApp::bare_client()
        .post(app.url("/api/logout"))
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
    ensure!(whoami(&app, &second_cookie).await?.is_null(), "logged out");
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
        let user = app.create_user("Cookie User", "member").await?;
        let response = raw_login(&app, None, &user.email, &user.password).await?;
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

async fn deactivated_user_is_logged_out_at_once(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app.create_user("Admin Person", "admin").await?;
    let member = app.create_user("Leaving Member", "member").await?;
    let member_client = app.login(&member).await?;
    let (status, _) = app.call(&member_client, "get_dashboard", &[]).await?;
    ensure!(status == StatusCode::OK, "member is in: {status}");

    let admin_client = app.login(&admin).await?;
    let (status, body) = app
        .call(
            &admin_client,
            "set_user_active",
            &[("id", &member.id.to_string()), ("active", "false")],
        )
        .await?;
    ensure!(status == StatusCode::OK, "deactivate: {status} {body}");

    let (status, _) = app.call(&member_client, "get_dashboard", &[]).await?;
    ensure!(
        status == StatusCode::UNAUTHORIZED,
        "member is out at once: {status}"
    );
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(member.id)
        .fetch_one(&app.db)
        .await?;
    ensure!(sessions == 0, "their sessions were deleted: {sessions}");
    let (_, status, body) = timed_login(&app, &member.email, &member.password).await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY,
        "no sign-in: {status}"
    );
    ensure!(
        body.contains("do not match an active account"),
        "generic message: {body}"
    );
    // The audit log names who did it.
    let actor: Option<i64> = sqlx::query_scalar(
        "SELECT actor_id FROM audit_log WHERE entity = 'user' AND entity_id = $1 AND action = 'deactivate'",
    )
    .bind(member.id)
    .fetch_optional(&app.db)
    .await?;
    ensure!(actor == Some(admin.id), "audited: {actor:?}");

    // Reactivated, they can sign in again.
    app.call(
        &admin_client,
        "set_user_active",
        &[("id", &member.id.to_string()), ("active", "true")],
    )
    .await?;
    app.login(&member).await?;
    app.stop().await;
    Ok(())
}

async fn member_cannot_reach_admin_pages_or_functions(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app.create_user("The Admin", "admin").await?;
    let member = app.create_user("Just Member", "member").await?;
    let client = app.login(&member).await?;
    let admin_id = admin.id.to_string();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("list_users", vec![]),
        ("new_user_form", vec![]),
        (
            "create_user",
            vec![
                ("name", "Sneaky"),
                ("email", "sneaky@example.com"),
                ("timezone", "UTC"),
                ("role", "admin"),
                ("password_mode", "password"),
                ("password", "sneaky password"),
            ],
        ),
        ("get_user_edit", vec![("id", &admin_id)]),
        (
            "update_user",
            vec![
                ("id", &admin_id),
                ("name", "X"),
                ("email", "x@example.com"),
                ("timezone", "UTC"),
                ("role", "member"),
            ],
        ),
        (
            "set_user_active",
            vec![("id", &admin_id), ("active", "false")],
        ),
        ("issue_password_link", vec![("id", &admin_id)]),
    ];
    for (endpoint, args) in &calls {
        let (status, body) = app.call(&client, endpoint, args).await?;
        ensure!(
            status == StatusCode::FORBIDDEN,
            "{endpoint}: {status} {body}"
        );
        ensure!(body.contains("Forbidden"), "{endpoint}: {body}");
        // Anonymous callers are turned away too.
        let (status, _) = app.call(&TestApp::client(), endpoint, args).await?;
        ensure!(
            status == StatusCode::UNAUTHORIZED,
            "{endpoint} anonymous: {status}"
        );
    }
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await?;
    ensure!(users == 2, "nothing was created: {users}");
    let admin_role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(admin.id)
        .fetch_one(&app.db)
        .await?;
    let admin_active = app::users::repo::find_by_id(&app.db, admin.id)
        .await?
        .is_some_and(|u| u.active);
    ensure!(admin_role == "admin" && admin_active, "admin untouched");
    let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM password_links")
        .fetch_one(&app.db)
        .await?;
    ensure!(links == 0, "no links issued");
    let (status, html) = app.page(&client, "/admin/users").await?;
    ensure!(status == StatusCode::FORBIDDEN, "admin page: {status}");
    ensure!(
        html.contains("No access") && !html.contains(&admin.email),
        "no data on the page"
    );
    app.stop().await;
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

async fn admin_creates_user_with_one_time_link(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app.create_user("Link Admin", "admin").await?;
    let client = app.login(&admin).await?;
    let (status, body) = app
        .call(
            &client,
            "create_user",
            &[
                ("name", "New Hire"),
                ("email", "new.hire@example.com"),
                ("timezone", "Asia/Tokyo"),
                ("role", "member"),
                ("password_mode", "link"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    let id = json(&body)?["id"].as_i64().context("id")?;
    // The link is shown once, on the user's page.
    let (_, body) = app
        .call(&client, "get_user_edit", &[("id", &id.to_string())])
        .await?;
    let data = json(&body)?;
    let link = data[1].as_str().context("link shown")?.to_owned();
    ensure!(
        link.starts_with(&app.address) && link.contains("/set-password/"),
        "{link}"
    );
    let (_, body) = app
        .call(&client, "get_user_edit", &[("id", &id.to_string())])
        .await?;
    ensure!(json(&body)?[1].is_null(), "shown only once");
    let token = link.rsplit('/').next().context("token")?;
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM password_links WHERE token_hash = $1")
            .bind(token)
            .fetch_one(&app.db)
            .await?;
    ensure!(stored == 0, "the token itself is not stored");

    // The new user cannot sign in before setting a password.
    let (_, status, _) = timed_login(&app, "new.hire@example.com", "anything at all").await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    let anon = TestApp::client();
    let (_, owner) = app
        .call(&anon, "password_link_owner", &[("token", token)])
        .await?;
    ensure!(owner == "\"New Hire\"", "{owner}");
    let (status, body) = app
        .call(
            &anon,
            "redeem_password_link",
            &[
                ("token", token),
                ("new_password", "short"),
                ("new_password_confirm", "short"),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("at least 10"),
        "{body}"
    );
    let (status, body) = app
        .call(
            &anon,
            "redeem_password_link",
            &[
                ("token", token),
                ("new_password", "my own passphrase"),
                ("new_password_confirm", "my own passphrase"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    let (_, status, body) = timed_login(&app, "new.hire@example.com", "my own passphrase").await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    // Used up.
    let (status, body) = app
        .call(
            &anon,
            "redeem_password_link",
            &[
                ("token", token),
                ("new_password", "another passphrase"),
                ("new_password_confirm", "another passphrase"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::CONFLICT, "{status} {body}");
    let (_, owner) = app
        .call(&anon, "password_link_owner", &[("token", token)])
        .await?;
    ensure!(owner == "null", "{owner}");

    // Initial-password mode.
    let (status, body) = app
        .call(
            &client,
            "create_user",
            &[
                ("name", "Second Hire"),
                ("email", "second@example.com"),
                ("timezone", "UTC"),
                ("role", "admin"),
                ("password_mode", "password"),
                ("password", "initial passphrase"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    let (_, status, _) = timed_login(&app, "SECOND@example.com", "initial passphrase").await?;
    ensure!(status == StatusCode::OK, "case-insensitive email sign-in");
    app.stop().await;
    Ok(())
}

async fn admin_edit_validates_and_keeps_one_admin(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app.create_user("Only Admin", "admin").await?;
    let other = app.create_user("Other Person", "member").await?;
    let client = app.login(&admin).await?;
    let id = other.id.to_string();
    // Bad input: a message per field, nothing saved.
    let (status, body) = app
        .call(
            &client,
            "update_user",
            &[
                ("id", &id),
                ("name", ""),
                ("email", "bad"),
                ("timezone", "Nowhere"),
                ("role", "owner"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    for field in ["name", "email", "timezone", "role"] {
        ensure!(body.contains(&format!("\"{field}\"")), "{field} in {body}");
    }
    // A duplicate email, in another case.
    let (status, body) = app
        .call(
            &client,
            "update_user",
            &[
                ("id", &id),
                ("name", "Other Person"),
                ("email", &admin.email.to_uppercase()),
                ("timezone", "UTC"),
                ("role", "member"),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("already exists"),
        "{body}"
    );
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(other.id)
        .fetch_one(&app.db)
        .await?;
    ensure!(email == other.email, "unchanged: {email}");
    // The only admin cannot demote or deactivate themselves.
    let (status, body) = app
        .call(
            &client,
            "update_user",
            &[
                ("id", &admin.id.to_string()),
                ("name", "Only Admin"),
                ("email", &admin.email),
                ("timezone", "UTC"),
                ("role", "member"),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("only active admin"),
        "{body}"
    );
    let (status, _) = app
        .call(
            &client,
            "set_user_active",
            &[("id", &admin.id.to_string()), ("active", "false")],
        )
        .await?;
    ensure!(status == StatusCode::CONFLICT, "{status}");
    // A valid edit is saved and audited with before and after.
    let (status, body) = app
        .call(
            &client,
            "update_user",
            &[
                ("id", &id),
                ("name", "Other Renamed"),
                ("email", "renamed@example.com"),
                ("timezone", "Europe/Paris"),
                ("role", "admin"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE entity_id = $1 AND action = 'update'",
    )
    .bind(other.id)
    .fetch_one(&app.db)
    .await?;
    ensure!(
        before.contains("Other Person") && after.contains("Other Renamed"),
        "{before} -> {after}"
    );
    app.stop().await;
    Ok(())
}

async fn password_change_ends_other_sessions(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let user = app.create_user("Changing User", "member").await?;
    let laptop = app.login(&user).await?;
    let phone = app.login(&user).await?;
    let (status, body) = app
        .call(
            &laptop,
            "change_password",
            &[
                ("current_password", "not my password"),
                ("new_password", "brand new passphrase"),
                ("new_password_confirm", "brand new passphrase"),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("current_password"),
        "{body}"
    );
    let (status, body) = app
        .call(
            &laptop,
            "change_password",
            &[
                ("current_password", &user.password),
                ("new_password", "brand new passphrase"),
                ("new_password_confirm", "brand new passphrase"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    let (status, _) = app.call(&laptop, "get_dashboard", &[]).await?;
    ensure!(status == StatusCode::OK, "this session continues");
    let (status, _) = app.call(&phone, "get_dashboard", &[]).await?;
    ensure!(
        status == StatusCode::UNAUTHORIZED,
        "the other session ended: {status}"
    );
    let (_, status, _) = timed_login(&app, &user.email, "brand new passphrase").await?;
    ensure!(status == StatusCode::OK, "new password works");
    app.stop().await;
    Ok(())
}

async fn own_timezone_is_validated(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let user = app.create_user("Zoned User", "member").await?;
    let client = app.login(&user).await?;
    let (status, body) = app
        .call(
            &client,
            "update_my_timezone",
            &[("timezone", "Atlantis/Capital")],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("not a known time zone"),
        "{body}"
    );
    let (status, _) = app
        .call(
            &client,
            "update_my_timezone",
            &[("timezone", "Pacific/Auckland")],
        )
        .await?;
    ensure!(status == StatusCode::OK);
    let (_, me) = app.call(&client, "get_current_user", &[]).await?;
    ensure!(json(&me)?["timezone"] == "Pacific/Auckland", "{me}");
    app.stop().await;
    Ok(())
}

async fn plain_form_posts_redirect_with_errors_shown_next_to_fields(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app.create_user("Form Admin", "admin").await?;
    let client = TestApp::client();
    // Wrong password without JavaScript: back to the form, with the message on the page.
    let (status, location) = app
        .post_form(
            &client,
            "login",
            "/login",
            &[("email", &admin.email), ("password", "wrong password")],
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
    let (status, location) = app
        .post_form(
            &client,
            "login",
            "/login",
            &[
                ("email", &admin.email),
                ("password", &admin.password),
                ("next", "/admin/users"),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::FOUND && location.as_deref() == Some("/admin/users"),
        "{location:?}"
    );
    // A field error renders next to its field (aria-describedby ties them).
    let (_, location) = app
        .post_form(
            &client,
            "create_user",
            "/admin/users/new",
            &[
                ("name", "No Email"),
                ("email", "nope"),
                ("timezone", "UTC"),
                ("role", "member"),
                ("password_mode", "link"),
            ],
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
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await?;
    ensure!(count == 1, "nothing saved");
    app.stop().await;
    Ok(())
}

async fn unknown_pages_are_404(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let (status, html) = app.page(&TestApp::client(), "/no/such/page").await?;
    ensure!(status == StatusCode::NOT_FOUND, "{status}");
    ensure!(html.contains("Page not found"), "friendly page");
    let admin = app.create_user("Admin 404", "admin").await?;
    let client = app.login(&admin).await?;
    let (status, html) = app.page(&client, "/admin/users/999999").await?;
    ensure!(
        status == StatusCode::NOT_FOUND && html.contains("Page not found"),
        "{status}"
    );
    app.stop().await;
    Ok(())
}

async fn failed_migration_stops_start_up(backend: Backend) -> TestResult {
    let dir = tempfile::tempdir_in(hireloop_tests::scratch::dir())?;
    let url = hireloop_tests::app::fresh_database_url(backend, dir.path()).await?;
    let settings = hireloop::config::Settings::for_database(&url);
    let db = hireloop::startup::prepare_database(&settings).await?;
    // Someone edited an applied migration: its checksum no longer matches.
    sqlx::query("UPDATE _sqlx_migrations SET checksum = $1")
        .bind(vec![0_u8; 48])
        .execute(&db)
        .await?;
    db.close().await;
    let Err(error) = hireloop::startup::Application::build(settings).await else {
        anyhow::bail!("the server started on a database it could not migrate");
    };
    let message = format!("{error:#}");
    ensure!(message.contains("database migration failed"), "{message}");
    Ok(())
}

async fn command_line_migrates_creates_admin_and_loads_demo_data(backend: Backend) -> TestResult {
    let binary = hireloop_tests::app::site_root()
        .join("..")
        .join("debug")
        .join("hireloop");
    ensure!(
        binary.exists(),
        "build the server first (`make test` does): {}",
        binary.display()
    );
    let dir = tempfile::tempdir_in(hireloop_tests::scratch::dir())?;
    let url = hireloop_tests::app::fresh_database_url(backend, dir.path()).await?;
    let run = |args: &[&str], password: Option<&str>| {
        let mut command = std::process::Command::new(&binary);
        command
            .args(args)
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .current_dir(dir.path());
        command.env_remove("HIRELOOP_ADMIN_PASSWORD");
        if let Some(password) = password {
            command.env("HIRELOOP_ADMIN_PASSWORD", password);
        }
        command.output()
    };
    let output = run(&["migrate"], None)?;
    ensure!(
        output.status.success(),
        "migrate: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = run(
        &[
            "create-admin",
            "--email",
            "boss@example.com",
            "--name",
            "The Boss",
        ],
        Some("short"),
    )?;
    ensure!(!output.status.success(), "a short password is refused");
    ensure!(
        String::from_utf8_lossy(&output.stderr).contains("at least 10 characters"),
        "says why"
    );
    let output = run(
        &[
            "create-admin",
            "--email",
            "boss@example.com",
            "--name",
            "The Boss",
            "--timezone",
            "Europe/Oslo",
        ],
        Some("a long admin passphrase"),
    )?;
    ensure!(
        output.status.success(),
        "create-admin: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = run(&["demo-data"], None)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    ensure!(
        output.status.success() && stdout.contains("ada@hireloop.test"),
        "demo-data: {stdout}"
    );
    let output = run(&["demo-data"], None)?;
    ensure!(
        String::from_utf8_lossy(&output.stdout).contains("0 new accounts"),
        "idempotent"
    );
    // The admin can sign in to a server on that database.
    let mut settings = hireloop::config::Settings::for_database(&url);
    settings.site_root = hireloop_tests::app::site_root();
    let app = hireloop::startup::Application::build(settings).await?;
    let port = app.port();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_with_shutdown(async {
        let _ = rx.await;
    }));
    let response = TestApp::bare_client()
        .post(format!("http://127.0.0.1:{port}/api/login"))
        .header("Accept", "application/json")
        .form(&[
            ("email", "boss@example.com"),
            ("password", "a long admin passphrase"),
        ])
        .send()
        .await?;
    ensure!(response.status() == StatusCode::OK, "{}", response.status());
    let _ = tx.send(());
    Ok(())
}
