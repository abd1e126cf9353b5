//! Who may call what: every server function against every role, and the confidentiality of
//! internal candidates from their current manager.

use crate::cases;
use crate::support::json;
use anyhow::{ensure, Context};
use hireloop_tests::fixture::{actor, day, schedule_one};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use reqwest::StatusCode;

cases! {
    http: [
        every_server_function_enforces_its_roles,
        malformed_arguments_are_bad_input_and_change_nothing,
        an_internal_candidates_manager_finds_no_trace,
    ],
    browser: [],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Anonymous,
    Member,
    Interviewer,
    Manager,
    HiringManager,
    Admin,
}

use Role::{Admin, Anonymous, HiringManager, Interviewer, Manager, Member};

const ROLES: [Role; 6] = [
    Anonymous,
    Member,
    Interviewer,
    Manager,
    HiringManager,
    Admin,
];
const SIGNED_IN: &[Role] = &[Member, Interviewer, Manager, HiringManager, Admin];
const PLANNERS: &[Role] = &[Manager, HiringManager, Admin];
const OPENING_MANAGERS: &[Role] = &[HiringManager, Admin];
const ADMINS: &[Role] = &[Admin];
const EVERYONE: &[Role] = &[
    Anonymous,
    Member,
    Interviewer,
    Manager,
    HiringManager,
    Admin,
];

struct Call {
    endpoint: &'static str,
    args: Vec<(&'static str, String)>,
    allowed: &'static [Role],
}

fn call(
    endpoint: &'static str,
    args: Vec<(&'static str, String)>,
    allowed: &'static [Role],
) -> Call {
    Call {
        endpoint,
        args,
        allowed,
    }
}

/// Every server function, with arguments that would succeed for an allowed caller.
/// Destructive calls get a fresh target per role.
async fn calls_for(app: &TestApp, fx: &Fixture, role: Role, n: i64) -> anyhow::Result<Vec<Call>> {
    let admin = actor(app, &fx.people.admin).await?;
    let hm = actor(app, &fx.people.hiring_manager).await?;
    let err = |e: app::error::AppError| anyhow::anyhow!("{e:?}");
    let fresh_skill = app::skills::service::create(&app.db, &admin, &format!("Temporary {n}"))
        .await
        .map_err(err)?;
    let fresh_stage = app::openings::service::add_stage(
        &app.db,
        &admin,
        fx.backend,
        &format!("Spare {n}"),
        "review",
        false,
    )
    .await
    .map_err(err)?;
    let fresh_template = app::openings::service::add_template(
        &app.db,
        &admin,
        fx.loop_stage,
        &format!("Extra {n}"),
        "30",
        &[fx.skills.product],
    )
    .await
    .map_err(err)?;
    let throwaway = schedule_one(
        app,
        &hm,
        fx.maria_application,
        &fx.loop_templates[2],
        &day(10 + n),
        "08:00",
        "08:45",
        vec![(fx.people.tom.id.to_string(), vec![fx.skills.communication])],
    )
    .await
    .map_err(err)?;
    let me = match role {
        Admin => fx.people.admin.id,
        HiringManager => fx.people.hiring_manager.id,
        Manager => fx.people.manager.id,
        Interviewer => fx.people.interviewer.id,
        Member | Anonymous => fx.people.member.id,
    };
    let s = |v: i64| v.to_string();
    let opening_fields = |manager: i64| {
        vec![
            ("title", format!("Role {n}")),
            ("team", "Team".into()),
            ("level", "Senior".into()),
            ("location", "Remote".into()),
            ("hiring_manager_id", s(manager)),
            ("status", "open".into()),
        ]
    };
    let candidate_fields = |name: &str, email: String| {
        vec![
            ("kind", "external".into()),
            ("source", "referral".into()),
            ("name", name.into()),
            ("email", email),
        ]
    };
    let jordan_fields = vec![
        ("id", s(fx.jordan)),
        ("kind", "internal".into()),
        ("name", "Jordan Blake".into()),
        ("email", "jordan.blake@example.com".into()),
        ("current_title", "Support specialist".into()),
        ("current_team", "Customer Support".into()),
        ("current_manager_id", s(fx.people.manager.id)),
        ("start_date", "2022-04-04".into()),
    ];
    let mut update_opening = opening_fields(fx.people.hiring_manager.id);
    update_opening.push(("id", s(fx.backend)));
    let mut update_maria = candidate_fields("Maria Garcia", "maria@example.com".into());
    update_maria.push(("id", s(fx.maria)));
    let schedule = vec![
        ("application_id", s(fx.maria_application)),
        ("title", "Extra interview".into()),
        ("date", day(20 + n)),
        ("start_time", "08:00".into()),
        ("end_time", "08:45".into()),
        ("timezone", "UTC".into()),
        ("location", "Room 9".into()),
        ("interviewer_1", s(fx.people.tom.id)),
        ("skills_1[]", s(fx.skills.communication)),
        ("confirm", "yes".into()),
    ];
    let reschedule = vec![
        ("id", s(fx.maria_interview)),
        ("date", day(30 + n)),
        ("start_time", "07:00".into()),
        ("end_time", "08:00".into()),
        ("timezone", "UTC".into()),
        ("location", "Room 5".into()),
    ];
    Ok(vec![
        // Accounts and session.
        call("get_current_user", vec![], EVERYONE),
        call("needs_setup", vec![], EVERYONE),
        call("setup_form", vec![], EVERYONE),
        call(
            "password_link_owner",
            vec![("token", "nope".into())],
            EVERYONE,
        ),
        call("get_dashboard", vec![], SIGNED_IN),
        call("get_account", vec![], SIGNED_IN),
        call(
            "update_my_timezone",
            vec![("timezone", "Europe/Berlin".into())],
            SIGNED_IN,
        ),
        call("list_users", vec![], ADMINS),
        call("new_user_form", vec![], ADMINS),
        call(
            "get_user_edit",
            vec![("id", s(fx.people.member.id))],
            ADMINS,
        ),
        call(
            "update_user",
            vec![
                ("id", s(fx.people.member.id)),
                ("name", "Olga Outsider".into()),
                ("email", fx.people.member.email.clone()),
                ("timezone", "Europe/Berlin".into()),
                ("role", "member".into()),
            ],
            ADMINS,
        ),
        call(
            "set_user_active",
            vec![("id", s(fx.people.priya.id)), ("active", "true".into())],
            ADMINS,
        ),
        call(
            "issue_password_link",
            vec![("id", s(fx.people.priya.id))],
            ADMINS,
        ),
        call(
            "create_user",
            vec![
                ("name", format!("New person {n}")),
                ("email", format!("new{n}@example.com")),
                ("timezone", "UTC".into()),
                ("role", "member".into()),
                ("password_mode", "link".into()),
            ],
            ADMINS,
        ),
        call("list_audit", vec![], ADMINS),
        // Skill areas.
        call("list_skill_areas", vec![], PLANNERS),
        call(
            "create_skill_area",
            vec![("name", format!("Area {n}"))],
            ADMINS,
        ),
        call(
            "rename_skill_area",
            vec![
                ("id", s(fx.skills.scratch)),
                ("name", format!("Scratch {n}")),
            ],
            ADMINS,
        ),
        call(
            "set_skill_area_archived",
            vec![("id", s(fx.skills.scratch)), ("archived", "false".into())],
            ADMINS,
        ),
        call("delete_skill_area", vec![("id", s(fresh_skill))], ADMINS),
        // Openings and plans.
        call("list_openings", vec![], SIGNED_IN),
        call("get_opening", vec![("id", s(fx.backend))], OPENING_MANAGERS),
        call("opening_form", vec![("id", "0".into())], PLANNERS),
        call(
            "opening_form",
            vec![("id", s(fx.backend))],
            OPENING_MANAGERS,
        ),
        call(
            "create_opening",
            opening_fields(if role == Admin {
                fx.people.hiring_manager.id
            } else {
                me
            }),
            PLANNERS,
        ),
        call("update_opening", update_opening, OPENING_MANAGERS),
        call(
            "get_plan",
            vec![("opening_id", s(fx.backend))],
            OPENING_MANAGERS,
        ),
        call(
            "add_stage",
            vec![
                ("opening_id", s(fx.backend)),
                ("name", format!("Stage {n}")),
                ("kind", "review".into()),
            ],
            OPENING_MANAGERS,
        ),
        call(
            "update_stage",
            vec![
                ("stage_id", s(fx.debrief_stage)),
                ("name", "Debrief".into()),
            ],
            OPENING_MANAGERS,
        ),
        call(
            "move_stage",
            vec![
                ("stage_id", s(fx.debrief_stage)),
                ("direction", "down".into()),
            ],
            OPENING_MANAGERS,
        ),
        call(
            "delete_stage",
            vec![("stage_id", s(fresh_stage))],
            OPENING_MANAGERS,
        ),
        call(
            "add_template",
            vec![
                ("stage_id", s(fx.loop_stage)),
                ("name", format!("Chat {n}")),
                ("duration_minutes", "30".into()),
                ("skills[]", s(fx.skills.product)),
            ],
            OPENING_MANAGERS,
        ),
        call(
            "delete_template",
            vec![("template_id", s(fresh_template))],
            OPENING_MANAGERS,
        ),
        call(
            "copy_plan",
            vec![
                ("opening_id", s(fx.empty_opening)),
                ("source_id", s(fx.backend)),
            ],
            OPENING_MANAGERS,
        ),
        call(
            "opening_audit",
            vec![("opening_id", s(fx.backend))],
            OPENING_MANAGERS,
        ),
        // Candidates.
        call(
            "search_candidates",
            vec![("query", String::new())],
            PLANNERS,
        ),
        call("get_candidate", vec![("id", s(fx.maria))], PLANNERS),
        call(
            "get_candidate",
            vec![("id", s(fx.jordan))],
            OPENING_MANAGERS,
        ),
        call("candidate_form", vec![("id", "0".into())], PLANNERS),
        call(
            "candidate_form",
            vec![("id", s(fx.maria))],
            OPENING_MANAGERS,
        ),
        call(
            "create_candidate",
            candidate_fields("New Candidate", format!("cand{n}@example.com")),
            PLANNERS,
        ),
        call("update_candidate", update_maria, OPENING_MANAGERS),
        call("update_candidate", jordan_fields, OPENING_MANAGERS),
        call(
            "apply_candidate",
            vec![("candidate_id", s(fx.noah)), ("opening_id", s(fx.backend))],
            OPENING_MANAGERS,
        ),
        // Applications and the board.
        call(
            "get_board",
            vec![("opening_id", s(fx.backend))],
            OPENING_MANAGERS,
        ),
        call(
            "get_application",
            vec![("id", s(fx.maria_application))],
            OPENING_MANAGERS,
        ),
        call(
            "get_application",
            vec![("id", s(fx.jordan_application))],
            OPENING_MANAGERS,
        ),
        call(
            "move_application",
            vec![
                ("id", s(fx.amara_application)),
                ("stage_id", s(fx.phone_stage)),
            ],
            OPENING_MANAGERS,
        ),
        call(
            "set_application_status",
            vec![
                ("id", s(fx.amara_application)),
                ("status", "withdrawn".into()),
            ],
            OPENING_MANAGERS,
        ),
        call(
            "move_application",
            vec![
                ("id", s(fx.jordan_application)),
                ("stage_id", s(fx.loop_stage)),
            ],
            OPENING_MANAGERS,
        ),
        // Interviews.
        call(
            "schedule_form",
            vec![
                ("application_id", s(fx.maria_application)),
                ("template_id", "0".into()),
            ],
            OPENING_MANAGERS,
        ),
        call("schedule_interview", schedule, OPENING_MANAGERS),
        call(
            "get_interview",
            vec![("id", s(fx.maria_interview))],
            OPENING_MANAGERS,
        ),
        call(
            "get_interview",
            vec![("id", s(fx.jordan_interview))],
            OPENING_MANAGERS,
        ),
        call("reschedule_interview", reschedule, OPENING_MANAGERS),
        call(
            "cancel_interview",
            vec![("id", s(throwaway)), ("reason", "Not needed".into())],
            OPENING_MANAGERS,
        ),
        call("get_my_interviews", vec![], SIGNED_IN),
        // The kit: Ivan and Sam interview Maria; only Ivan interviews Jordan.
        call(
            "get_kit",
            vec![("interview_id", s(fx.maria_interview))],
            &[Interviewer, Manager, HiringManager, Admin],
        ),
        call(
            "get_kit",
            vec![("interview_id", s(fx.jordan_interview))],
            &[Interviewer, HiringManager, Admin],
        ),
    ])
}

async fn audit_count(app: &TestApp) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.db)
        .await?)
}

async fn every_server_function_enforces_its_roles(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let mut checked = 0;
    let mut endpoints = std::collections::BTreeSet::new();
    for (n, role) in ROLES.into_iter().enumerate() {
        let client = match role {
            Anonymous => TestApp::client(),
            Member => app.login(&fx.people.member).await?,
            Interviewer => app.login(&fx.people.interviewer).await?,
            Manager => app.login(&fx.people.manager).await?,
            HiringManager => app.login(&fx.people.hiring_manager).await?,
            Admin => app.login(&fx.people.admin).await?,
        };
        let n = i64::try_from(n)?;
        for c in calls_for(&app, &fx, role, n).await? {
            endpoints.insert(c.endpoint);
            let args: Vec<(&str, &str)> = c.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let before = audit_count(&app).await?;
            let (status, body) = app.call(&client, c.endpoint, &args).await?;
            let what = format!(
                "{role:?} {} {:?}: {status} {body}",
                c.endpoint,
                c.args.first()
            );
            if c.allowed.contains(&role) {
                ensure!(
                    !matches!(status.as_u16(), 401 | 403 | 404) && status.as_u16() < 500,
                    "should be allowed: {what}"
                );
            } else {
                let expected: &[u16] = if role == Anonymous {
                    &[401]
                } else {
                    &[403, 404]
                };
                ensure!(
                    expected.contains(&status.as_u16()),
                    "should be denied: {what}"
                );
                ensure!(
                    audit_count(&app).await? == before,
                    "a denied call changed something: {what}"
                );
                ensure!(
                    !body.contains("Jordan") && !body.contains("Maria"),
                    "a denied call leaked data: {what}"
                );
            }
            checked += 1;
        }
    }
    // Every server function of the app is in the matrix (login, logout, set-up, password
    // changes and set-password links have their own tests).
    let own_tests = [
        "login",
        "logout",
        "setup",
        "change_password",
        "redeem_password_link",
    ];
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .filter(|p| !own_tests.contains(&p.as_str()))
        .collect();
    let missing: Vec<&String> = registered
        .iter()
        .filter(|p| !endpoints.contains(p.as_str()))
        .collect();
    ensure!(
        missing.is_empty(),
        "server functions missing from the matrix: {missing:?}"
    );
    ensure!(checked > 300, "checked {checked} calls");
    app.stop().await;
    Ok(())
}

async fn an_internal_candidates_manager_finds_no_trace(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    // Make Sam, Jordan's manager, the hiring manager of the very opening Jordan applied to.
    let admin = app.login(&fx.people.admin).await?;
    let (status, body) = app
        .call(
            &admin,
            "update_opening",
            &[
                ("id", &fx.backend.to_string()),
                ("title", "Backend Engineer"),
                ("team", "Platform"),
                ("level", "Senior"),
                ("location", "Remote"),
                ("hiring_manager_id", &fx.people.manager.id.to_string()),
                ("status", "open"),
                ("skills[]", &fx.skills.backend.to_string()),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{body}");
    let sam = app.login(&fx.people.manager).await?;
    let no_trace = |what: &str, body: &str| -> anyhow::Result<()> {
        ensure!(
            !body.contains("Jordan") && !body.contains("jordan"),
            "{what} shows Jordan: {body}"
        );
        Ok(())
    };
    // Lists, counts, searches.
    let (_, body) = app.call(&sam, "list_openings", &[]).await?;
    no_trace("openings", &body)?;
    let openings = json(&body)?;
    let backend_line = openings[0]
        .as_array()
        .into_iter()
        .flatten()
        .find(|o| o["id"] == fx.backend)
        .cloned()
        .context("Sam sees the opening")?;
    ensure!(
        backend_line["active_candidates"] == 2,
        "Jordan is not counted: {backend_line}"
    );
    let (_, body) = app
        .call(
            &sam,
            "get_board",
            &[("opening_id", &fx.backend.to_string())],
        )
        .await?;
    no_trace("board", &body)?;
    ensure!(
        body.contains("Maria Garcia"),
        "the rest of the board is there"
    );
    for kind in ["internal", ""] {
        let (_, body) = app
            .call(
                &sam,
                "get_board",
                &[("opening_id", &fx.backend.to_string()), ("kind", kind)],
            )
            .await?;
        no_trace("filtered board", &body)?;
    }
    for query in ["", "jordan", "Blake", "example.com"] {
        let (_, body) = app
            .call(&sam, "search_candidates", &[("query", query)])
            .await?;
        no_trace("search", &body)?;
    }
    for endpoint in ["get_dashboard", "get_my_interviews"] {
        let (_, body) = app.call(&sam, endpoint, &[]).await?;
        no_trace(endpoint, &body)?;
    }
    let (_, body) = app
        .call(
            &sam,
            "opening_audit",
            &[("opening_id", &fx.backend.to_string())],
        )
        .await?;
    no_trace("audit", &body)?;
    ensure!(body.contains("Maria Garcia"), "other entries are there");
    let (_, body) = app
        .call(&sam, "get_opening", &[("id", &fx.backend.to_string())])
        .await?;
    no_trace("opening", &body)?;
    // Direct access answers exactly like a record that does not exist.
    let same = |endpoint: &'static str,
                key: &'static str,
                hidden: i64,
                extra: Vec<(&'static str, String)>| {
        let sam = sam.clone();
        let app = &app;
        async move {
            let mut hidden_args = vec![(key, hidden.to_string())];
            hidden_args.extend(extra.clone());
            let mut missing_args = vec![(key, "987654".to_owned())];
            missing_args.extend(extra);
            let h: Vec<(&str, &str)> = hidden_args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let m: Vec<(&str, &str)> = missing_args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let hidden = app.call(&sam, endpoint, &h).await?;
            let missing = app.call(&sam, endpoint, &m).await?;
            ensure!(hidden.0 == StatusCode::NOT_FOUND, "{endpoint}: {hidden:?}");
            ensure!(
                hidden == missing,
                "{endpoint}: hidden {hidden:?} vs missing {missing:?}"
            );
            anyhow::Ok(())
        }
    };
    same("get_candidate", "id", fx.jordan, vec![]).await?;
    same("candidate_form", "id", fx.jordan, vec![]).await?;
    same("get_application", "id", fx.jordan_application, vec![]).await?;
    same(
        "move_application",
        "id",
        fx.jordan_application,
        vec![("stage_id", fx.review_stage.to_string())],
    )
    .await?;
    same(
        "set_application_status",
        "id",
        fx.jordan_application,
        vec![("status", "rejected".into()), ("reason", "x".into())],
    )
    .await?;
    same(
        "schedule_form",
        "application_id",
        fx.jordan_application,
        vec![("template_id", "0".into())],
    )
    .await?;
    same("get_interview", "id", fx.jordan_interview, vec![]).await?;
    same(
        "cancel_interview",
        "id",
        fx.jordan_interview,
        vec![("reason", "x".into())],
    )
    .await?;
    same("get_kit", "interview_id", fx.jordan_interview, vec![]).await?;
    same(
        "apply_candidate",
        "candidate_id",
        fx.jordan,
        vec![("opening_id", fx.support_lead.to_string())],
    )
    .await?;
    // Pages say "not found", the same as for a made-up address.
    for (hidden, missing) in [
        (
            format!("/applications/{}", fx.jordan_application),
            "/applications/987654".to_owned(),
        ),
        (
            format!("/candidates/{}", fx.jordan),
            "/candidates/987654".to_owned(),
        ),
        (
            format!("/interviews/{}/kit", fx.jordan_interview),
            "/interviews/987654/kit".to_owned(),
        ),
    ] {
        let (status, html) = app.page(&sam, &hidden).await?;
        let (missing_status, _) = app.page(&sam, &missing).await?;
        ensure!(
            status == StatusCode::NOT_FOUND && missing_status == status,
            "{hidden}: {status}"
        );
        ensure!(html.contains("Page not found"), "{hidden}");
        no_trace(&hidden, &html.replace(&format!("/{}", fx.jordan), ""))?;
    }
    let pdf = sam
        .get(app.url(&format!("/candidates/{}/resume.pdf", fx.jordan)))
        .send()
        .await?;
    ensure!(pdf.status() == StatusCode::NOT_FOUND);
    // Adding Jordan by email reveals nothing: a separate external record is created.
    let (status, body) = app
        .call(
            &sam,
            "create_candidate",
            &[
                ("kind", "external"),
                ("source", "referral"),
                ("name", "J. B."),
                ("email", "jordan.blake@example.com"),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::OK && body.contains("Created") && !body.contains("Jordan"),
        "{body}"
    );
    // The hiring manager of the opening sees Jordan's application is run without them... and
    // an admin still sees everything.
    let (_, body) = app
        .call(
            &admin,
            "get_application",
            &[("id", &fx.jordan_application.to_string())],
        )
        .await?;
    ensure!(json(&body)?["hidden_from_hiring_manager"] == true, "{body}");
    let (_, body) = app
        .call(
            &admin,
            "get_board",
            &[("opening_id", &fx.backend.to_string())],
        )
        .await?;
    ensure!(body.contains("Jordan Blake"));
    app.stop().await;
    Ok(())
}

async fn malformed_arguments_are_bad_input_and_change_nothing(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let before = audit_count(&app).await?;
    let stage = fx.loop_stage.to_string();
    let cases: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("get_opening", vec![("id", "abc")]),
        ("move_application", vec![("id", "1")]),
        ("schedule_interview", vec![("application_id", "1")]),
        (
            "add_template",
            vec![
                ("stage_id", &stage),
                ("name", "X"),
                ("duration_minutes", "30"),
                ("skills[]", "zz"),
            ],
        ),
        ("set_user_active", vec![("id", "1"), ("active", "maybe")]),
    ];
    for (endpoint, args) in cases {
        let (status, body) = app.call(&hm, endpoint, &args).await?;
        ensure!(
            status == StatusCode::UNPROCESSABLE_ENTITY,
            "{endpoint}: {status} {body}"
        );
        ensure!(
            body.contains("The form could not be read"),
            "{endpoint}: {body}"
        );
    }
    ensure!(audit_count(&app).await? == before, "nothing changed");
    app.stop().await;
    Ok(())
}
