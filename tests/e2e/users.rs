//! Account management over HTTP: admins create, edit and deactivate users; everyone changes
//! their own password and time zone; the command line.

use crate::accounts::{bad_credentials, login_args, timed_login};
use crate::cases;
use anyhow::{ensure, Context};
use app::auth::api::{ChangePassword, GetCurrentUser, PasswordLinkOwner, RedeemPasswordLink};
use app::auth::{NewPasswordInput, PasswordChangeInput};
use app::dashboard::GetDashboard;
use app::error::AppError;
use app::users::api::{
    CreateUser, GetUserEdit, IssuePasswordLink, ListUsers, NewUserForm, SetUserActive,
    UpdateMyTimezone, UpdateUser,
};
use app::users::{NewUserInput, ProfileInput, TimezoneInput};
use app::values::Role;
use hireloop_tests::{spawn_app, Backend, Options, TestApp, TestResult};
use reqwest::StatusCode;

cases! {
    http: [
        deactivated_user_is_logged_out_at_once,
        member_cannot_reach_admin_pages_or_functions,
        admin_creates_user_with_one_time_link,
        admin_edit_validates_and_keeps_one_admin,
        password_change_ends_other_sessions,
        own_timezone_is_validated,
        unknown_pages_are_404,
        failed_migration_stops_start_up,
        command_line_migrates_creates_admin_loads_demo_data_and_runs_jobs,
    ],
    browser: [],
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
        .header("Origin", format!("http://127.0.0.1:{port}"))
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

pub(crate) fn new_user(
    name: &str,
    email: &str,
    role: &str,
    mode: &str,
    password: &str,
) -> CreateUser {
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
