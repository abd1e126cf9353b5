//! Accounts, sessions and their security properties, over HTTP against the real server.

use crate::cases;
use anyhow::{ensure, Context};
use app::auth::api::{
    ChangePassword, GetCurrentUser, Login, PasswordLinkOwner, RedeemPasswordLink, SetupFirstAdmin,
};
use app::auth::{AdminInput, LoginInput, NewPasswordInput, PasswordChangeInput};
use app::dashboard::GetDashboard;
use app::error::AppError;
use app::users::api::{
    CreateUser, GetUserEdit, IssuePasswordLink, ListUsers, NewUserForm, SetUserActive,
    UpdateMyTimezone, UpdateUser,
};
use app::users::{NewUserInput, ProfileInput, TimezoneInput};
use app::values::Role;
use hireloop_tests::{spawn_app, Answer, Backend, Options, TestApp, TestResult};
use reqwest::StatusCode;
use std::time::{Duration, Instant};

fn login_args(email: &str, password: &str) -> Login {
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

fn new_user(name: &str, email: &str, role: &str, mode: &str, password: &str) -> CreateUser {
    CreateUser {
        input: NewUserInput {
            name: name.into(),
            email: email.into(),
            timezone: "UTC".into(),
            role: role.into(),
            password_mode: mode.into(),
            password: password.into(),
        },
    }
}

fn profile(id: i64, name: &str, email: &str, timezone: &str, role: &str) -> UpdateUser {
    UpdateUser {
        id,
        input: ProfileInput {
            name: name.into(),
            email: email.into(),
            timezone: timezone.into(),
            role: role.into(),
        },
    }
}

fn redeem(token: &str, password: &str) -> RedeemPasswordLink {
    RedeemPasswordLink {
        token: token.into(),
        input: NewPasswordInput {
            new_password: password.into(),
            new_password_confirm: password.into(),
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
        command_line_migrates_creates_admin_loads_demo_data_and_runs_jobs,
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

async fn timed_login(
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
fn bad_credentials() -> AppError {
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
    let answer = app
        .call(
            &TestApp::client(),
            login_args(&user.email.to_uppercase(), &user.password),
        )
        .await?;
    let body = answer.body.clone();
    answer.refused(StatusCode::TOO_MANY_REQUESTS)?;
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
    let other = app.create_user("Other User", Role::Member).await?;
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
    let mut request = TestApp::bare_client()
        .post(app.url("/api/login"))
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
    let response = TestApp::bare_client()
        .post(app.url("/api/get_current_user"))
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

async fn deactivated_user_is_logged_out_at_once(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app.create_user("Admin Person", Role::Admin).await?;
    let member = app.create_user("Leaving Member", Role::Member).await?;
    let member_client = app.login(&member).await?;
    let dashboard = app.call(&member_client, GetDashboard {}).await?.ok()?;
    ensure!(dashboard.name == "Leaving Member", "member is in");

    let admin_client = app.login(&admin).await?;
    app.call(
        &admin_client,
        SetUserActive {
            id: member.id,
            active: false,
        },
    )
    .await?
    .ok()?;
    let error = app
        .call(&member_client, GetDashboard {})
        .await?
        .refused(StatusCode::UNAUTHORIZED)?;
    ensure!(error == AppError::Unauthenticated, "member is out at once");
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(member.id)
        .fetch_one(&app.db)
        .await?;
    ensure!(sessions == 0, "their sessions were deleted: {sessions}");
    let (_, answer) = timed_login(&app, &member.email, &member.password).await?;
    ensure!(
        answer.refused(StatusCode::UNPROCESSABLE_ENTITY)? == bad_credentials(),
        "no sign-in, and the generic message"
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
        SetUserActive {
            id: member.id,
            active: true,
        },
    )
    .await?
    .ok()?;
    app.login(&member).await?;
    app.stop().await;
    Ok(())
}

async fn member_cannot_reach_admin_pages_or_functions(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app.create_user("The Admin", Role::Admin).await?;
    let member = app.create_user("Just Member", Role::Member).await?;
    let client = app.login(&member).await?;
    let before = app.digest().await?;
    let anonymous = TestApp::client();
    for (who, expected) in [
        (&client, StatusCode::FORBIDDEN),
        (&anonymous, StatusCode::UNAUTHORIZED),
    ] {
        app.call(who, ListUsers {}).await?.refused(expected)?;
        app.call(who, NewUserForm {}).await?.refused(expected)?;
        app.call(
            who,
            new_user(
                "Sneaky",
                "sneaky@example.com",
                "admin",
                "password",
                "sneaky password",
            ),
        )
        .await?
        .refused(expected)?;
        app.call(who, GetUserEdit { id: admin.id })
            .await?
            .refused(expected)?;
        app.call(
            who,
            profile(admin.id, "X", "x@example.com", "UTC", "member"),
        )
        .await?
        .refused(expected)?;
        app.call(
            who,
            SetUserActive {
                id: admin.id,
                active: false,
            },
        )
        .await?
        .refused(expected)?;
        app.call(who, IssuePasswordLink { id: admin.id })
            .await?
            .refused(expected)?;
    }
    app.ensure_unchanged(&before, "refused admin calls").await?;
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
    let admin = app.create_user("Link Admin", Role::Admin).await?;
    let client = app.login(&admin).await?;
    let mut create = new_user("New Hire", "new.hire@example.com", "member", "link", "");
    create.input.timezone = "Asia/Tokyo".into();
    let created = app.call(&client, create).await?.ok()?;
    ensure!(
        created.password_link.is_none(),
        "the link is not in the JSON answer"
    );
    // The link is shown once, on the user's page.
    let (edit, link) = app
        .call(&client, GetUserEdit { id: created.id })
        .await?
        .ok()?;
    ensure!(edit.user.timezone == "Asia/Tokyo" && !edit.user.has_password);
    let link = link.context("link shown")?;
    ensure!(
        link.starts_with(&app.address) && link.contains("/set-password/"),
        "{link}"
    );
    let (_, again) = app
        .call(&client, GetUserEdit { id: created.id })
        .await?
        .ok()?;
    ensure!(again.is_none(), "shown only once");
    let token = link.rsplit('/').next().context("token")?;
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM password_links WHERE token_hash = $1")
            .bind(token)
            .fetch_one(&app.db)
            .await?;
    ensure!(stored == 0, "the token itself is not stored");

    // The new user cannot sign in before setting a password.
    let (_, answer) = timed_login(&app, "new.hire@example.com", "anything at all").await?;
    answer.refused(StatusCode::UNPROCESSABLE_ENTITY)?;
    let anon = TestApp::client();
    let owner = app
        .call(
            &anon,
            PasswordLinkOwner {
                token: token.into(),
            },
        )
        .await?
        .ok()?;
    ensure!(owner.as_deref() == Some("New Hire"), "{owner:?}");
    let fields = app.call(&anon, redeem(token, "short")).await?.invalid()?;
    ensure!(
        fields
            .get("new_password")
            .is_some_and(|m| m.contains("at least 10")),
        "{fields:?}"
    );
    app.call(&anon, redeem(token, "my own passphrase"))
        .await?
        .ok()?;
    let (_, answer) = timed_login(&app, "new.hire@example.com", "my own passphrase").await?;
    answer.ok()?;
    // Used up.
    app.call(&anon, redeem(token, "another passphrase"))
        .await?
        .refused(StatusCode::CONFLICT)?;
    let owner = app
        .call(
            &anon,
            PasswordLinkOwner {
                token: token.into(),
            },
        )
        .await?
        .ok()?;
    ensure!(owner.is_none(), "{owner:?}");

    // Initial-password mode.
    app.call(
        &client,
        new_user(
            "Second Hire",
            "second@example.com",
            "admin",
            "password",
            "initial passphrase",
        ),
    )
    .await?
    .ok()?;
    let (_, answer) = timed_login(&app, "SECOND@example.com", "initial passphrase").await?;
    answer.ok().context("case-insensitive email sign-in")?;
    app.stop().await;
    Ok(())
}

async fn admin_edit_validates_and_keeps_one_admin(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin = app.create_user("Only Admin", Role::Admin).await?;
    let other = app.create_user("Other Person", Role::Member).await?;
    let client = app.login(&admin).await?;
    // Bad input: a message per field, nothing saved.
    let before = app.digest().await?;
    let fields = app
        .call(&client, profile(other.id, "", "bad", "Nowhere", "owner"))
        .await?
        .invalid()?;
    for field in ["name", "email", "timezone", "role"] {
        ensure!(fields.get(field).is_some(), "{field} in {fields:?}");
    }
    // A duplicate email, in another case.
    let fields = app
        .call(
            &client,
            profile(
                other.id,
                "Other Person",
                &admin.email.to_uppercase(),
                "UTC",
                "member",
            ),
        )
        .await?
        .invalid()?;
    ensure!(
        fields
            .get("email")
            .is_some_and(|m| m.contains("already exists")),
        "{fields:?}"
    );
    // The only admin cannot demote or deactivate themselves.
    let fields = app
        .call(
            &client,
            profile(admin.id, "Only Admin", &admin.email, "UTC", "member"),
        )
        .await?
        .invalid()?;
    ensure!(
        fields
            .get("role")
            .is_some_and(|m| m.contains("only active admin")),
        "{fields:?}"
    );
    app.call(
        &client,
        SetUserActive {
            id: admin.id,
            active: false,
        },
    )
    .await?
    .refused(StatusCode::CONFLICT)?;
    app.ensure_unchanged(&before, "refused edits").await?;
    // A valid edit is saved and audited with before and after.
    app.call(
        &client,
        profile(
            other.id,
            "Other Renamed",
            "renamed@example.com",
            "Europe/Paris",
            "admin",
        ),
    )
    .await?
    .ok()?;
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
    let user = app.create_user("Changing User", Role::Member).await?;
    let laptop = app.login(&user).await?;
    let phone = app.login(&user).await?;
    let change = |current: &str| ChangePassword {
        input: PasswordChangeInput {
            current_password: current.into(),
            new_password: "brand new passphrase".into(),
            new_password_confirm: "brand new passphrase".into(),
        },
    };
    let fields = app
        .call(&laptop, change("not my password"))
        .await?
        .invalid()?;
    ensure!(fields.get("current_password").is_some(), "{fields:?}");
    app.call(&laptop, change(&user.password)).await?.ok()?;
    app.call(&laptop, GetDashboard {})
        .await?
        .ok()
        .context("this session continues")?;
    app.call(&phone, GetDashboard {})
        .await?
        .refused(StatusCode::UNAUTHORIZED)
        .context("the other session ended")?;
    let (_, answer) = timed_login(&app, &user.email, "brand new passphrase").await?;
    answer.ok().context("the new password works")?;
    app.stop().await;
    Ok(())
}

async fn own_timezone_is_validated(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let user = app.create_user("Zoned User", Role::Member).await?;
    let client = app.login(&user).await?;
    let zone = |name: &str| UpdateMyTimezone {
        input: TimezoneInput {
            timezone: name.into(),
        },
    };
    let fields = app
        .call(&client, zone("Atlantis/Capital"))
        .await?
        .invalid()?;
    ensure!(
        fields
            .get("timezone")
            .is_some_and(|m| m.contains("not a known time zone")),
        "{fields:?}"
    );
    app.call(&client, zone("Pacific/Auckland")).await?.ok()?;
    let me = app
        .call(&client, GetCurrentUser {})
        .await?
        .ok()?
        .context("signed in")?;
    ensure!(me.timezone == "Pacific/Auckland", "{me:?}");
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

async fn unknown_pages_are_404(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let (status, html) = app.page(&TestApp::client(), "/no/such/page").await?;
    ensure!(status == StatusCode::NOT_FOUND, "{status}");
    ensure!(html.contains("Page not found"), "friendly page");
    let admin = app.create_user("Admin 404", Role::Admin).await?;
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

async fn command_line_migrates_creates_admin_loads_demo_data_and_runs_jobs(
    backend: Backend,
) -> TestResult {
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
    // The background jobs in their one-shot form: an expired session is removed.
    let db = app::db::connect(&url, 1).await?;
    sqlx::query("INSERT INTO sessions (id, user_id, data, expires_at) VALUES ('old', NULL, $1, 1)")
        .bind(vec![0_u8])
        .execute(&db)
        .await?;
    let output = run(&["run-jobs", "--once"], None)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    ensure!(
        output.status.success()
            && stdout.contains("delete-expired-sessions: 1 expired sessions removed"),
        "run-jobs: {stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE id = 'old'")
        .fetch_one(&db)
        .await?;
    ensure!(left == 0, "the expired session is gone");
    db.close().await;
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
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(serde_qs::to_string(&login_args(
            "boss@example.com",
            "a long admin passphrase",
        ))?)
        .send()
        .await?;
    ensure!(response.status() == StatusCode::OK, "{}", response.status());
    let _ = tx.send(());
    Ok(())
}
