//! Who may call what: every server function (and the resume routes) against every role.
//! An allowed call must succeed and show its effect (a write changes the database, a read
//! leaves it alone); a denied call must be refused with the right status, change nothing at
//! all (a digest of every table), and reveal no names.

use crate::cases;
use anyhow::{ensure, Context};
use app::error::AppError;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

cases! {
    http: [
        every_server_function_enforces_its_roles,
        malformed_arguments_are_bad_input_and_change_nothing,
    ],
    browser: [],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // every role is used by the matrix; the fuzz test uses two
pub(crate) enum Role {
    Anonymous,
    Member,
    Interviewer,
    Manager,
    HiringManager,
    Admin,
    /// The interviewer once all his own feedback on Maria is submitted (only the scorecard
    /// and debrief calls are made in this role: no anchoring is what it tests).
    Submitted,
}

pub(crate) use Role::{Admin, Anonymous, HiringManager, Interviewer, Manager, Member, Submitted};

const ROLES: [Role; 7] = [
    Anonymous,
    Member,
    Interviewer,
    Manager,
    HiringManager,
    Admin,
    Submitted,
];
pub(crate) const SIGNED_IN: &[Role] = &[Member, Interviewer, Manager, HiringManager, Admin];
pub(crate) const PLANNERS: &[Role] = &[Manager, HiringManager, Admin];
pub(crate) const OPENING_MANAGERS: &[Role] = &[HiringManager, Admin];
pub(crate) const ADMINS: &[Role] = &[Admin];
pub(crate) const EVERYONE: &[Role] = &[
    Anonymous,
    Member,
    Interviewer,
    Manager,
    HiringManager,
    Admin,
];

/// What an allowed call does to the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Reads,
    Writes,
}

/// What came back from one call: status, whether it decoded as the function's success, body.
struct Outcome {
    status: StatusCode,
    succeeded: bool,
    body: String,
}

type Run = Box<
    dyn for<'a> Fn(
            &'a TestApp,
            &'a reqwest::Client,
        ) -> Pin<Box<dyn Future<Output = anyhow::Result<Outcome>> + Send + 'a>>
        + Send
        + Sync,
>;

pub(crate) struct Call {
    /// The server function's path, or the route.
    pub(crate) name: String,
    /// The form-encoded arguments of a server function (`None` for the resume routes).
    pub(crate) body: Option<String>,
    pub(crate) allowed: &'static [Role],
    pub(crate) effect: Effect,
    run: Run,
}

/// A typed server-function call for the matrix.
pub(crate) fn call<S>(args: S, allowed: &'static [Role], effect: Effect) -> Call
where
    S: ServerFn<Error = AppError> + Serialize + Clone + Send + Sync + 'static,
    S::Output: DeserializeOwned + std::fmt::Debug,
{
    Call {
        name: S::PATH.to_owned(),
        body: serde_qs::to_string(&args).ok(),
        allowed,
        effect,
        run: Box::new(move |app, client| {
            let args = args.clone();
            Box::pin(async move {
                let answer = app.call(client, args).await?;
                Ok(Outcome {
                    status: answer.status,
                    succeeded: answer.status == StatusCode::OK && answer.result.is_ok(),
                    body: answer.body,
                })
            })
        }),
    }
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec()
}

/// The resume upload route (multipart; answers with a redirect).
pub(crate) fn upload_call(candidate: i64, allowed: &'static [Role]) -> Call {
    Call {
        name: "POST /candidates/{id}/resume".into(),
        body: None,
        allowed,
        effect: Effect::Writes,
        run: Box::new(move |app, client| {
            Box::pin(async move {
                let form = reqwest::multipart::Form::new().part(
                    "resume",
                    reqwest::multipart::Part::bytes(pdf()).file_name("cv.pdf"),
                );
                let response = app
                    .post(client, &format!("/candidates/{candidate}/resume"))
                    .multipart(form)
                    .send()
                    .await?;
                let status = response.status();
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let body = response.text().await?;
                // A stored upload sends the browser back to the candidate with the news.
                let stored = location.ends_with("resume=uploaded");
                let status = match (status, location.as_str()) {
                    (s, _) if stored && s.is_redirection() => StatusCode::OK,
                    (s, l) if s.is_redirection() && l.starts_with("/login") => {
                        StatusCode::UNAUTHORIZED
                    }
                    (s, _) => s,
                };
                Ok(Outcome {
                    status,
                    succeeded: stored,
                    body: format!("{location} {body}"),
                })
            })
        }),
    }
}

/// The resume download route.
pub(crate) fn download_call(candidate: i64, allowed: &'static [Role]) -> Call {
    Call {
        name: "GET /candidates/{id}/resume.pdf".into(),
        body: None,
        allowed,
        effect: Effect::Reads,
        run: Box::new(move |app, client| {
            Box::pin(async move {
                let response = client
                    .get(app.url(&format!("/candidates/{candidate}/resume.pdf")))
                    .send()
                    .await?;
                let status = response.status();
                let bytes = response.bytes().await?;
                Ok(Outcome {
                    status,
                    succeeded: status == StatusCode::OK && bytes.as_ref() == pdf().as_slice(),
                    body: String::from_utf8_lossy(&bytes).into_owned(),
                })
            })
        }),
    }
}

pub(crate) async fn client_for(
    app: &TestApp,
    fx: &Fixture,
    role: Role,
) -> anyhow::Result<reqwest::Client> {
    Ok(match role {
        Anonymous => TestApp::client(),
        Member => app.login(&fx.people.member).await?,
        Interviewer | Submitted => app.login(&fx.people.interviewer).await?,
        Manager => app.login(&fx.people.manager).await?,
        HiringManager => app.login(&fx.people.hiring_manager).await?,
        Admin => app.login(&fx.people.admin).await?,
    })
}

async fn every_server_function_enforces_its_roles(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    // Maria has a PDF resume from the start, so every allowed reader finds one.
    let hm = app.login(&fx.people.hiring_manager).await?;
    let seed = upload_call(fx.maria, OPENING_MANAGERS);
    ensure!(
        (seed.run)(&app, &hm).await?.succeeded,
        "seeding Maria's resume"
    );
    let mut checked = 0;
    let mut names = std::collections::BTreeSet::new();
    for (n, role) in ROLES.into_iter().enumerate() {
        let client = client_for(&app, &fx, role).await?;
        let n = i64::try_from(n)?;
        for c in crate::access_calls::calls_for(&app, &fx, role, n).await? {
            names.insert(c.name.clone());
            let before = app.digest().await?;
            let outcome = (c.run)(&app, &client).await?;
            let what = format!(
                "{role:?} {}: {} {}",
                c.name,
                outcome.status,
                outcome.body.chars().take(300).collect::<String>()
            );
            if c.allowed.contains(&role) {
                ensure!(outcome.succeeded, "should succeed: {what}");
                let after = app.digest().await?;
                match c.effect {
                    Effect::Writes => ensure!(after != before, "a write changed nothing: {what}"),
                    Effect::Reads => ensure!(after == before, "a read changed data: {what}"),
                }
            } else {
                let expected: &[u16] = if role == Anonymous {
                    &[401]
                } else {
                    &[403, 404]
                };
                ensure!(
                    expected.contains(&outcome.status.as_u16()) && !outcome.succeeded,
                    "should be denied: {what}"
                );
                app.ensure_unchanged(&before, &format!("denied {what}"))
                    .await?;
                ensure!(
                    !outcome.body.contains("Jordan") && !outcome.body.contains("Maria"),
                    "a denied call leaked data: {what}"
                );
            }
            checked += 1;
        }
    }
    // Every server function of the app is in the matrix (signing in and out, set-up and the
    // password forms have their own tests).
    let own_tests = [
        "/api/login",
        "/api/logout",
        "/api/setup",
        "/api/change_password",
        "/api/redeem_password_link",
    ];
    let missing: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|p| !own_tests.contains(&p.as_str()) && !names.contains(p))
        .collect();
    ensure!(
        missing.is_empty(),
        "server functions missing from the matrix: {missing:?}"
    );
    ensure!(checked > 350, "checked {checked} calls");
    app.stop().await;
    Ok(())
}

async fn malformed_arguments_are_bad_input_and_change_nothing(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let before = app.digest().await?;
    let stage = fx.loop_stage.to_string();
    let cases: Vec<(&str, String)> = vec![
        ("/api/get_opening", "id=abc".into()),
        ("/api/move_application", "input%5Bstage_id%5D=3".into()),
        ("/api/schedule_interview", "input%5Btitle%5D=x".into()),
        (
            "/api/add_template",
            format!("stage_id={stage}&input%5Bname%5D=X&input%5Bduration_minutes%5D=30&input%5Bskills%5D%5B%5D=zz"),
        ),
        ("/api/set_user_active", "id=1&active=maybe".into()),
    ];
    for (path, body) in cases {
        let (status, text) = app.call_raw(&hm, path, &body).await?;
        ensure!(
            status == StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {status} {text}"
        );
        let error: AppError = serde_json::from_str(&text).with_context(|| text.clone())?;
        ensure!(
            error
                .field("form")
                .is_some_and(|m| m.starts_with("The form could not be read")),
            "{path}: {error:?}"
        );
    }
    app.ensure_unchanged(&before, "malformed calls").await?;
    app.stop().await;
    Ok(())
}
