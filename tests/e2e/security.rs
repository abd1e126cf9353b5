//! Security properties over HTTP: who may edit a candidate, kits of cancelled interviews,
//! ids that cannot be probed, cross-site requests, redirects after sign-in, messages only the
//! server writes, response headers, user-written Markdown, password work and its limits,
//! rate-limit keys, slow clients and set-password links.

use crate::accounts::login_args;
use crate::cases;
use anyhow::{ensure, Context};
use app::auth::api::{ChangePassword, PasswordLinkOwner, RedeemPasswordLink, SetupFirstAdmin};
use app::auth::{AdminInput, NewPasswordInput, PasswordChangeInput};
use app::candidates::api::{CreateCandidate, GetCandidate, UpdateCandidate};
use app::candidates::{CandidateInput, CreateOutcome};
use app::error::AppError;
use app::interviews::api::{CancelInterview, GetKit};
use app::interviews::CancelInput;
use app::openings::api::{DeleteStage, DeleteTemplate, GetOpening, GetPlan};
use app::users::api::{CreateUser, IssuePasswordLink, SetUserActive};
use app::users::NewUserInput;
use app::values::Role;
use hireloop_tests::fixture::external;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use reqwest::StatusCode;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

cases! {
    http: [
        only_an_admin_or_the_sole_owner_edits_a_candidate,
        a_cancelled_interview_closes_its_kit_to_its_interviewers,
        ids_of_openings_stages_and_templates_cannot_be_probed,
        cross_site_posts_are_refused_before_anything_runs,
        sign_in_only_returns_to_this_site,
        pages_show_only_messages_the_server_wrote,
        pages_and_answers_carry_security_headers,
        user_markdown_loads_nothing_and_keeps_the_page_outline,
        password_work_comes_after_cheap_checks_and_is_capped,
        rate_limits_key_on_the_trusted_hop_and_cannot_lock_a_user_out,
        slow_clients_are_cut_off,
        set_password_links_end_with_a_password_change_or_deactivation,
    ],
    browser: [],
}

/// Maria's record, relabelled as an internal candidate managed by `manager`.
fn maria_as_internal(manager: i64) -> CandidateInput {
    CandidateInput {
        kind: "internal".into(),
        current_title: "Engineer".into(),
        current_team: "Platform".into(),
        current_manager_id: manager.to_string(),
        start_date: "2020-01-01".into(),
        ..external("Maria Garcia", "maria@example.com")
    }
}

async fn only_an_admin_or_the_sole_owner_edits_a_candidate(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hannah = app.login(&fx.people.hiring_manager).await?;
    let sam = app.login(&fx.people.manager).await?;
    // Sam adds Maria (Hannah's candidate) to his own opening: he may ...
    app.call(
        &sam,
        app::applications::api::ApplyCandidate {
            candidate_id: fx.maria,
            input: app::applications::ApplyInput {
                opening_id: fx.support_lead.to_string(),
            },
        },
    )
    .await?
    .ok()?;
    // ... but he cannot relabel her as an internal candidate managed by Hannah, which would
    // hide her from Hannah's board.
    let before = app.digest().await?;
    let takeover = UpdateCandidate {
        id: fx.maria,
        input: maria_as_internal(fx.people.hiring_manager.id),
    };
    app.call(&sam, takeover.clone())
        .await?
        .refused(StatusCode::FORBIDDEN)?;
    // Nor may Hannah, who added her, now that someone else's opening has her too.
    app.call(&hannah, takeover)
        .await?
        .refused(StatusCode::FORBIDDEN)?;
    app.ensure_unchanged(&before, "refused edits").await?;
    let maria = app
        .call(&hannah, GetCandidate { id: fx.maria })
        .await?
        .ok()?;
    ensure!(!maria.can_edit && maria.internal.is_none(), "{maria:?}");
    // The person who added a record edits it while its applications are theirs alone, but
    // may not name as current manager someone who hires for one of those openings.
    let CreateOutcome::Created { id: lena } = app
        .call(
            &hannah,
            CreateCandidate {
                input: CandidateInput {
                    apply_to: fx.backend.to_string(),
                    ..external("Lena Fischer", "lena@example.com")
                },
            },
        )
        .await?
        .ok()?
    else {
        anyhow::bail!("Lena is new");
    };
    let as_internal = |manager: i64| UpdateCandidate {
        id: lena,
        input: CandidateInput {
            kind: "internal".into(),
            current_title: "Analyst".into(),
            current_team: "Finance".into(),
            current_manager_id: manager.to_string(),
            start_date: "2019-05-01".into(),
            ..external("Lena Fischer", "lena@example.com")
        },
    };
    let fields = app
        .call(&hannah, as_internal(fx.people.hiring_manager.id))
        .await?
        .invalid()?;
    ensure!(
        fields
            .get("current_manager_id")
            .is_some_and(|m| m.contains("Ask an admin")),
        "{fields:?}"
    );
    app.call(&hannah, as_internal(fx.people.tom.id))
        .await?
        .ok()?;
    // The change is audited with the record before and after.
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE entity = 'candidate' \
         AND entity_id = $1 AND action = 'update'",
    )
    .bind(lena)
    .fetch_one(&app.db)
    .await?;
    ensure!(
        before.contains("\"internal\":null") && after.contains("\"current_manager_id\""),
        "{before} -> {after}"
    );
    // An admin may record a hiring manager as the current manager (and then runs it).
    let admin = app.login(&fx.people.admin).await?;
    app.call(&admin, as_internal(fx.people.hiring_manager.id))
        .await?
        .ok()?;
    app.stop().await;
    Ok(())
}

async fn a_cancelled_interview_closes_its_kit_to_its_interviewers(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let ivan = app.login(&fx.people.interviewer).await?;
    let hannah = app.login(&fx.people.hiring_manager).await?;
    let kit = GetKit {
        interview_id: fx.maria_interview,
    };
    app.call(&ivan, kit.clone()).await?.ok()?;
    app.call(
        &hannah,
        CancelInterview {
            id: fx.maria_interview,
            input: CancelInput {
                reason: "Maria withdrew".into(),
            },
        },
    )
    .await?
    .ok()?;
    let hidden = app.call(&ivan, kit.clone()).await?;
    let missing = app
        .call(
            &ivan,
            GetKit {
                interview_id: 987_654,
            },
        )
        .await?;
    ensure!(
        hidden.body == missing.body && hidden.status == StatusCode::NOT_FOUND,
        "{} {}",
        hidden.status,
        hidden.body
    );
    // Ivan's other loop (Jordan) still opens; the hiring manager still reads the record.
    app.call(
        &ivan,
        GetKit {
            interview_id: fx.jordan_interview,
        },
    )
    .await?
    .ok()?;
    let record = app.call(&hannah, kit).await?.ok()?;
    ensure!(record.interview.cancelled);
    app.stop().await;
    Ok(())
}

async fn ids_of_openings_stages_and_templates_cannot_be_probed(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    // Sam manages another opening; Backend Engineer's ids must look like made-up ones.
    let sam = app.login(&fx.people.manager).await?;
    let template = fx.loop_templates[0].id;
    let same = |what: &str, real: Answer2, fake: Answer2| {
        ensure!(
            real.status == StatusCode::NOT_FOUND && real == fake,
            "{what}: {real:?} vs {fake:?}"
        );
        anyhow::Ok(())
    };
    same(
        "opening",
        app.call(&sam, GetOpening { id: fx.backend }).await?.into(),
        app.call(&sam, GetOpening { id: 987_654 }).await?.into(),
    )?;
    same(
        "plan",
        app.call(
            &sam,
            GetPlan {
                opening_id: fx.backend,
            },
        )
        .await?
        .into(),
        app.call(
            &sam,
            GetPlan {
                opening_id: 987_654,
            },
        )
        .await?
        .into(),
    )?;
    let stage = app
        .call(
            &sam,
            DeleteStage {
                stage_id: fx.review_stage,
            },
        )
        .await?;
    let no_stage = app.call(&sam, DeleteStage { stage_id: 987_654 }).await?;
    ensure!(
        stage.status == StatusCode::NOT_FOUND && stage.body == no_stage.body,
        "stage: {} {}",
        stage.status,
        stage.body
    );
    let tpl = app
        .call(
            &sam,
            DeleteTemplate {
                template_id: template,
            },
        )
        .await?;
    let no_tpl = app
        .call(
            &sam,
            DeleteTemplate {
                template_id: 987_654,
            },
        )
        .await?;
    ensure!(
        tpl.status == StatusCode::NOT_FOUND && tpl.body == no_tpl.body,
        "template: {} {}",
        tpl.status,
        tpl.body
    );
    // Pages answer alike too.
    let (real, real_html) = app.page(&sam, &format!("/openings/{}", fx.backend)).await?;
    let (fake, _) = app.page(&sam, "/openings/987654").await?;
    ensure!(
        real == StatusCode::NOT_FOUND && fake == real && !real_html.contains("Backend Engineer"),
        "{real}"
    );
    app.stop().await;
    Ok(())
}

/// A status and a body, to compare two answers of different types.
#[derive(Debug, PartialEq, Eq)]
struct Answer2 {
    status: StatusCode,
    body: String,
}

impl<T> From<hireloop_tests::Answer<T>> for Answer2 {
    fn from(answer: hireloop_tests::Answer<T>) -> Self {
        Self {
            status: answer.status,
            body: answer.body,
        }
    }
}

async fn cross_site_posts_are_refused_before_anything_runs(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let admin = &fx.people.admin;
    let body = serde_qs::to_string(&login_args(&admin.email, &admin.password))?;
    let before = app.digest().await?;
    // Login CSRF: a page elsewhere posts the attacker's credentials to our sign-in.
    for (name, value) in [
        ("Origin", "https://evil.example"),
        ("Origin", "null"),
        ("Sec-Fetch-Site", "cross-site"),
        ("Referer", "https://evil.example/attack.html"),
    ] {
        let response = TestApp::bare_client()
            .post(app.url("/api/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "text/html")
            .header(name, value)
            .body(body.clone())
            .send()
            .await?;
        ensure!(
            response.status() == StatusCode::FORBIDDEN,
            "{name}: {value}: {}",
            response.status()
        );
        ensure!(
            !response.headers().contains_key("set-cookie"),
            "{name}: {value}: no session was started"
        );
    }
    // A request with no browser signal at all is not trusted either.
    let response = TestApp::bare_client()
        .post(app.url("/api/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.clone())
        .send()
        .await?;
    ensure!(response.status() == StatusCode::FORBIDDEN);
    // A signed-in user's session cannot be used from elsewhere.
    let hannah = app.login(&fx.people.hiring_manager).await?;
    let response = hannah
        .post(app.url("/api/delete_stage"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Origin", "https://evil.example")
        .body(format!("stage_id={}", fx.debrief_stage))
        .send()
        .await?;
    ensure!(response.status() == StatusCode::FORBIDDEN);
    let error: AppError = serde_json::from_str(&response.text().await?)?;
    ensure!(error == AppError::Forbidden);
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(admin.id)
        .fetch_one(&app.db)
        .await?;
    ensure!(sessions == 0, "the attacker's account was never signed in");
    app.ensure_unchanged(&before, "refused cross-site posts")
        .await?;
    // The site's own posts work: as a script would send them, and as a plain form (the
    // browser sends its Origin, or at least Sec-Fetch-Site: same-origin).
    app.login(admin).await?;
    let (status, location) = app
        .post_form(
            &TestApp::client(),
            login_args(&admin.email, &admin.password),
            "/login",
        )
        .await?;
    ensure!(
        status == StatusCode::FOUND && location.as_deref() == Some("/"),
        "{location:?}"
    );
    let response = TestApp::client()
        .post(app.url("/api/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .header("Sec-Fetch-Site", "same-origin")
        .body(body)
        .send()
        .await?;
    ensure!(response.status() == StatusCode::OK, "{}", response.status());
    app.stop().await;
    Ok(())
}

async fn sign_in_only_returns_to_this_site(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let user = app.create_user("Ada Next", Role::Member).await?;
    for (next, expected) in [
        ("/account", "/account"),
        ("/candidates?q=a", "/candidates?q=a"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("\u{0}", "/"),
        ("/%0d%0aSet-Cookie:x=y", "/%0d%0aSet-Cookie:x=y"),
    ] {
        let mut login = login_args(&user.email, &user.password);
        login.input.next = next.into();
        let (status, location) = app
            .post_form(&TestApp::client(), login.clone(), "/login")
            .await?;
        ensure!(
            status == StatusCode::FOUND && location.as_deref() == Some(expected),
            "{next:?}: {status} {location:?}"
        );
        let answer = app.call(&TestApp::client(), login).await?.ok()?;
        ensure!(answer == expected, "{next:?}: {answer}");
    }
    app.stop().await;
    Ok(())
}

/// The `__err` a form redirect would carry for `error`, URL-safe base64 of its JSON.
fn encoded_error(error: &AppError) -> anyhow::Result<String> {
    use base64::Engine as _;
    Ok(base64::engine::general_purpose::URL_SAFE.encode(serde_json::to_string(error)?))
}

async fn pages_show_only_messages_the_server_wrote(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let planted = "Your account is locked. Call +1 555 0100 to unlock it.";
    let forged = encoded_error(&AppError::Conflict(planted.into()))?;
    let client = TestApp::client();
    for sig in ["", "&__sig=00ff"] {
        let path = format!("/login?next=%2Faccount&__path=%2Fapi%2Flogin&__err={forged}{sig}");
        let response = client.get(app.url(&path)).send().await?;
        ensure!(
            response.status() == StatusCode::SEE_OTHER,
            "{}",
            response.status()
        );
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        ensure!(location == "/login?next=%2Faccount", "{location}");
        let (_, html) = app.page(&client, &location).await?;
        ensure!(
            !html.contains("Call +1 555"),
            "the planted text is not shown"
        );
    }
    // A real failed form post comes back signed, and its message is shown.
    let (_, location) = app
        .post_form(
            &client,
            login_args("nobody@example.com", "wrong password"),
            "/login",
        )
        .await?;
    let location = location.context("redirect")?;
    ensure!(location.contains("__sig="), "{location}");
    let (status, html) = app
        .page(&client, location.trim_start_matches(&app.address))
        .await?;
    ensure!(
        status == StatusCode::OK
            && html.contains("That email and password do not match an active account."),
        "{status}"
    );
    // The resume upload's outcome is a code the page turns into its own words.
    let hannah = app.login(&fx.people.hiring_manager).await?;
    let (_, html) = app
        .page(
            &hannah,
            &format!(
                "/candidates/{}?resume_error=Call%20%2B1%20555%200100",
                fx.maria
            ),
        )
        .await?;
    ensure!(!html.contains("Call +1 555"), "arbitrary text is not shown");
    let (_, html) = app
        .page(
            &hannah,
            &format!("/candidates/{}?resume_error=not_pdf", fx.maria),
        )
        .await?;
    ensure!(html.contains("That file is not a PDF."), "a known code is");
    app.stop().await;
    Ok(())
}

async fn pages_and_answers_carry_security_headers(backend: Backend) -> TestResult {
    for secure in [false, true] {
        let app = spawn_app(
            backend,
            Options {
                secure_cookies: secure,
                ..Options::default()
            },
        )
        .await?;
        let client = TestApp::client();
        let response = client.get(app.url("/login")).send().await?;
        let headers = response.headers().clone();
        let html = response.text().await?;
        let policy = headers["content-security-policy"].to_str()?.to_owned();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .context("a nonce in the policy")?
            .to_owned();
        ensure!(
            policy.contains("frame-ancestors 'none'")
                && policy.contains("script-src 'self'")
                && !policy.contains("unsafe-inline"),
            "{policy}"
        );
        ensure!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "the hydration script carries the nonce"
        );
        let second = client.get(app.url("/login")).send().await?;
        ensure!(
            second.headers()["content-security-policy"] != headers["content-security-policy"],
            "a new nonce per response"
        );
        ensure!(headers["cache-control"] == "no-store");
        ensure!(headers.contains_key("strict-transport-security") == secure);
        // A server function's answer with personal data is not cached either.
        let user = app.create_user("Cache Checker", Role::Member).await?;
        let signed_in = app.login(&user).await?;
        let response = app.post(&signed_in, "/api/get_current_user").send().await?;
        ensure!(response.headers()["cache-control"] == "no-store");
        ensure!(response.headers()["content-security-policy"] == "frame-ancestors 'none'");
        // The static bundle stays cacheable.
        let response = client.get(app.url("/pkg/hireloop.css")).send().await?;
        ensure!(
            response.status() == StatusCode::OK
                && response
                    .headers()
                    .get("cache-control")
                    .is_none_or(|v| v != "no-store"),
            "static files"
        );
        app.stop().await;
    }
    Ok(())
}

async fn user_markdown_loads_nothing_and_keeps_the_page_outline(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hannah = app.login(&fx.people.hiring_manager).await?;
    let CreateOutcome::Created { id } = app
        .call(
            &hannah,
            CreateCandidate {
                input: CandidateInput {
                    resume_text: "# Lena Fischer\n\n![me](https://tracker.example/pixel.gif)\n\n<img src=\"https://tracker.example/x.png\">\n\n## Work\n\n[my site](https://lena.dev)".into(),
                    ..external("Lena Fischer", "lena@example.com")
                },
            },
        )
        .await?
        .ok()?
    else {
        anyhow::bail!("Lena is new");
    };
    let (status, html) = app.page(&hannah, &format!("/candidates/{id}")).await?;
    ensure!(status == StatusCode::OK);
    ensure!(
        !html.contains("<img") && !html.contains("src=\"https://tracker.example"),
        "no image is loaded, let alone a remote one"
    );
    ensure!(
        html.contains("[image: me]"),
        "the image shows as its description"
    );
    ensure!(html.matches("<h1").count() == 1, "one page title");
    ensure!(
        html.contains("<h3>Lena Fischer</h3>") && html.contains("<h4>Work</h4>"),
        "the resume's headings sit below the page's"
    );
    ensure!(
        html.contains(
            r#"<a href="https://lena.dev" rel="noopener noreferrer nofollow">my site</a>"#
        ),
        "links keep where they came from to themselves"
    );
    app.stop().await;
    Ok(())
}

async fn password_work_comes_after_cheap_checks_and_is_capped(backend: Backend) -> TestResult {
    // A server that cannot hash at all: any request that reaches hashing is "busy".
    let app = spawn_app(
        backend,
        Options {
            password_hashers: Some(0),
            password_queue_ms: 20,
            ..Options::default()
        },
    )
    .await?;
    let user = app.create_user("Busy User", Role::Member).await?;
    let anyone = TestApp::client();
    let error = app
        .call(&anyone, login_args(&user.email, &user.password))
        .await?
        .refused(StatusCode::SERVICE_UNAVAILABLE)?;
    ensure!(error == AppError::Busy, "{error:?}");
    // A dead set-password link and a finished set-up are refused before any hashing.
    app.call(
        &anyone,
        RedeemPasswordLink {
            token: "0".repeat(64),
            input: NewPasswordInput {
                new_password: "a long passphrase".into(),
                new_password_confirm: "a long passphrase".into(),
            },
        },
    )
    .await?
    .refused(StatusCode::CONFLICT)?;
    app.call(
        &anyone,
        SetupFirstAdmin {
            input: AdminInput {
                name: "Mallory".into(),
                email: "mallory@example.com".into(),
                timezone: "UTC".into(),
                password: "a long passphrase".into(),
                password_confirm: "a long passphrase".into(),
            },
        },
    )
    .await?
    .refused(StatusCode::CONFLICT)?;
    app.stop().await;

    // One hasher: a burst of sign-ins is served one at a time, the overflow told to retry.
    let app = spawn_app(
        backend,
        Options {
            password_hashers: Some(1),
            password_queue_ms: 1,
            ..Options::default()
        },
    )
    .await?;
    let user = app.create_user("Popular User", Role::Member).await?;
    let attempts = (0..8).map(|_| {
        let app = &app;
        let user = &user;
        async move {
            app.call(
                &TestApp::client(),
                login_args(&user.email, "wrong password"),
            )
            .await
        }
    });
    let answers = futures::future::try_join_all(attempts).await?;
    let busy = answers
        .iter()
        .filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    let checked = answers
        .iter()
        .filter(|a| a.status == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    ensure!(
        busy > 0 && checked > 0 && busy + checked == 8,
        "busy {busy}, checked {checked}"
    );
    // Changing one's password is rate-limited like signing in.
    let limited = spawn_app(
        backend,
        Options {
            login_account_burst: 2,
            ..Options::default()
        },
    )
    .await?;
    let me = limited.create_user("Changer", Role::Member).await?;
    let client = limited.login(&me).await?;
    let change = || ChangePassword {
        input: PasswordChangeInput {
            current_password: "a wrong guess".into(),
            new_password: "brand new passphrase".into(),
            new_password_confirm: "brand new passphrase".into(),
        },
    };
    for _ in 0..2 {
        limited.call(&client, change()).await?.invalid()?;
    }
    limited
        .call(&client, change())
        .await?
        .refused(StatusCode::TOO_MANY_REQUESTS)?;
    limited.stop().await;
    app.stop().await;
    Ok(())
}

async fn rate_limits_key_on_the_trusted_hop_and_cannot_lock_a_user_out(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(
        backend,
        Options {
            behind_proxies: Some(1),
            login_ip_burst: 3,
            login_account_burst: 2,
            ..Options::default()
        },
    )
    .await?;
    let ada = app.create_user("Ada Target", Role::Member).await?;
    let attempt = |forwarded: &str, email: &str, password: &str| {
        let body = serde_qs::to_string(&login_args(email, password)).unwrap_or_default();
        let request = app
            .post(&TestApp::client(), "/api/login")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header("X-Forwarded-For", forwarded.to_owned())
            .body(body);
        async move { anyhow::Ok(request.send().await?.status()) }
    };
    // Forged entries left of our proxy's do not make new addresses.
    for n in 0..3 {
        let status = attempt(
            &format!("10.9.9.{n}, 203.0.113.5"),
            &format!("x{n}@example.com"),
            "guess guess",
        )
        .await?;
        ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    }
    let status = attempt("10.9.9.99, 203.0.113.5", "y@example.com", "guess guess").await?;
    ensure!(status == StatusCode::TOO_MANY_REQUESTS, "{status}");
    ensure!(
        attempt("10.9.9.99, 203.0.113.6", "y@example.com", "guess guess").await?
            == StatusCode::UNPROCESSABLE_ENTITY,
        "another client is not affected"
    );
    // IPv6 clients count by their /64.
    for n in 0..3 {
        attempt(
            &format!("2001:db8:7:7::{n}"),
            "z@example.com",
            "guess guess",
        )
        .await?;
    }
    ensure!(
        attempt("2001:db8:7:7::ffff", "z@example.com", "guess guess").await?
            == StatusCode::TOO_MANY_REQUESTS,
        "the same /64 shares one budget"
    );
    // An attacker spends Ada's budget from one address; Ada still signs in from hers.
    for _ in 0..2 {
        attempt("198.51.100.66", &ada.email, "not her password").await?;
    }
    ensure!(
        attempt("198.51.100.66", &ada.email, "not her password").await?
            == StatusCode::TOO_MANY_REQUESTS
    );
    ensure!(
        attempt("192.0.2.10", &ada.email, &ada.password).await? == StatusCode::OK,
        "Ada is not locked out"
    );
    app.stop().await;
    Ok(())
}

async fn slow_clients_are_cut_off(backend: Backend) -> TestResult {
    let app = spawn_app(
        backend,
        Options {
            header_read_timeout_secs: 1,
            upload_timeout_secs: 2,
            ..Options::default()
        },
    )
    .await?;
    let fx = Fixture::new(&app).await?;
    // Headers trickled in forever: the connection is closed after the header deadline.
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port)).await?;
    stream
        .write_all(b"GET /login HTTP/1.1\r\nHost: x\r\n")
        .await?;
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(6), stream.read_to_end(&mut buffer)).await;
    ensure!(
        read.is_ok(),
        "the server closed the connection within the deadline"
    );
    // An upload that stalls halfway is answered 408 after the upload deadline.
    let hannah = app.login(&fx.people.hiring_manager).await?;
    let cookie = app
        .post(&TestApp::bare_client(), "/api/login")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(serde_qs::to_string(&login_args(
            &fx.people.hiring_manager.email,
            &fx.people.hiring_manager.password,
        ))?)
        .send()
        .await?
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hireloop_session="))
        .and_then(|v| v.split(';').next())
        .context("session cookie")?
        .to_owned();
    drop(hannah);
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port)).await?;
    let head = format!(
        "POST /candidates/{}/resume HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: {}\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 1000000\r\n\r\n--XYZ\r\n",
        fx.maria, app.address
    );
    stream.write_all(head.as_bytes()).await?;
    let mut answer = vec![0_u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(8), stream.read(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    ensure!(
        matches!(read, Ok(Ok(n)) if n > 0) && text.starts_with("HTTP/1.1 408"),
        "{read:?} {text}"
    );
    app.stop().await;
    Ok(())
}

async fn set_password_links_end_with_a_password_change_or_deactivation(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let admin_user = app.create_user("Link Admin", Role::Admin).await?;
    let admin = app.login(&admin_user).await?;
    let bob = app.create_user("Bob Builder", Role::Member).await?;
    let link_for = |id: i64| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.call(&admin, IssuePasswordLink { id }).await?.ok()?;
            let (_, link) = app
                .call(&admin, app::users::api::GetUserEdit { id })
                .await?
                .ok()?;
            let link = link.context("the link is shown once")?;
            anyhow::Ok(link.rsplit('/').next().unwrap_or_default().to_owned())
        }
    };
    let alive = |token: String| {
        let app = &app;
        async move {
            anyhow::Ok(
                app.call(&TestApp::client(), PasswordLinkOwner { token })
                    .await?
                    .ok()?
                    .is_some(),
            )
        }
    };
    // Bob changes his password: an outstanding link dies with the old one.
    let token = link_for(bob.id).await?;
    ensure!(alive(token.clone()).await?);
    let bob_client = app.login(&bob).await?;
    app.call(
        &bob_client,
        ChangePassword {
            input: PasswordChangeInput {
                current_password: bob.password.clone(),
                new_password: "bobs new passphrase".into(),
                new_password_confirm: "bobs new passphrase".into(),
            },
        },
    )
    .await?
    .ok()?;
    ensure!(!alive(token).await?, "revoked by the password change");
    // Deactivation kills a link for good (reactivating does not revive it).
    let carol = app.create_user("Carol Gone", Role::Member).await?;
    let token = link_for(carol.id).await?;
    for active in [false, true] {
        app.call(
            &admin,
            SetUserActive {
                id: carol.id,
                active,
            },
        )
        .await?
        .ok()?;
    }
    ensure!(!alive(token).await?, "revoked by the deactivation");
    // A new account's link reaches its page without ever sitting in the admin's session.
    let created = app
        .call(
            &admin,
            CreateUser {
                input: NewUserInput {
                    name: "Nadia New".into(),
                    email: "nadia@example.com".into(),
                    timezone: "UTC".into(),
                    role: "member".into(),
                    password_mode: "link".into(),
                    password: String::new(),
                },
            },
        )
        .await?
        .ok()?;
    let sessions: Vec<Vec<u8>> = sqlx::query_scalar("SELECT data FROM sessions WHERE user_id = $1")
        .bind(admin_user.id)
        .fetch_all(&app.db)
        .await?;
    let (_, link) = app
        .call(&admin, app::users::api::GetUserEdit { id: created.id })
        .await?
        .ok()?;
    let token = link.context("shown on the user's page")?;
    let token = token.rsplit('/').next().unwrap_or_default();
    ensure!(
        !sessions
            .iter()
            .any(|data| data.windows(token.len()).any(|w| w == token.as_bytes())),
        "the raw link is not in the session"
    );
    app.stop().await;
    Ok(())
}
