//! The hiring pipeline over HTTP: skill areas, openings and plans, candidates and resumes,
//! applications and the board, scheduling checks, history and time zones.

use crate::cases;
use crate::support::json;
use anyhow::{ensure, Context};
use hireloop_tests::fixture::{actor, day};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use reqwest::StatusCode;

cases! {
    http: [
        skill_areas_keep_history_and_cannot_be_deleted_in_use,
        opening_form_validates_every_field_and_saves_nothing,
        plans_have_ordered_stages_templates_and_can_be_copied,
        candidates_deduplicate_by_email_and_internal_ones_need_their_context,
        resume_pdfs_are_checked_and_served_only_to_allowed_readers,
        internal_candidates_skip_their_tracks_stages,
        board_moves_rejects_filters_and_keeps_history,
        scheduling_refuses_double_bookings_and_the_candidates_manager,
        scheduling_flags_gaps_and_doubled_skill_areas_until_confirmed,
        scheduling_rejects_bad_times_and_saves_nothing,
        rescheduling_and_cancelling_keep_history,
        times_are_shown_in_each_viewers_time_zone,
        audit_log_is_for_admins_and_the_openings_manager,
    ],
    browser: [],
}

/// `HH:MM` in Europe/Berlin (the test users' zone) of a UTC date and time.
fn berlin(date: &str, utc_time: &str) -> anyhow::Result<String> {
    let utc =
        chrono::NaiveDateTime::parse_from_str(&format!("{date} {utc_time}"), "%Y-%m-%d %H:%M")?
            .and_utc();
    Ok(utc
        .with_timezone(&chrono_tz::Europe::Berlin)
        .format("%H:%M")
        .to_string())
}

async fn audit_count(app: &TestApp) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.db)
        .await?)
}

async fn skill_areas_keep_history_and_cannot_be_deleted_in_use(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let admin = app.login(&fx.people.admin).await?;
    let (status, body) = app
        .call(&admin, "create_skill_area", &[("name", "back-END")])
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("already exists"),
        "{body}"
    );
    let (status, body) = app
        .call(&admin, "create_skill_area", &[("name", "  ")])
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("\"name\""),
        "{body}"
    );
    // Renaming keeps references and records the old name.
    let (status, _) = app
        .call(
            &admin,
            "rename_skill_area",
            &[
                ("id", &fx.skills.backend.to_string()),
                ("name", "Backend systems"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK);
    let hm = app.login(&fx.people.hiring_manager).await?;
    let (_, body) = app
        .call(&hm, "get_opening", &[("id", &fx.backend.to_string())])
        .await?;
    ensure!(
        body.contains("Backend systems"),
        "the opening follows the rename"
    );
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE entity = 'skill_area' AND action = 'rename'",
    )
    .fetch_one(&app.db)
    .await?;
    ensure!(
        before.contains("Back-end") && after.contains("Backend systems"),
        "{before} {after}"
    );
    // In use: no delete, archive instead.
    let (status, body) = app
        .call(
            &admin,
            "delete_skill_area",
            &[("id", &fx.skills.backend.to_string())],
        )
        .await?;
    ensure!(
        status == StatusCode::CONFLICT && body.contains("Archive it instead"),
        "{body}"
    );
    let (status, _) = app
        .call(
            &admin,
            "set_skill_area_archived",
            &[("id", &fx.skills.backend.to_string()), ("archived", "true")],
        )
        .await?;
    ensure!(status == StatusCode::OK);
    // Archived areas cannot go into new plans.
    let (status, body) = app
        .call(
            &hm,
            "add_template",
            &[
                ("stage_id", &fx.loop_stage.to_string()),
                ("name", "More back-end"),
                ("duration_minutes", "30"),
                ("skills[]", &fx.skills.backend.to_string()),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("archived"),
        "{body}"
    );
    // Unused: deleted.
    let (status, _) = app
        .call(
            &admin,
            "delete_skill_area",
            &[("id", &fx.skills.scratch.to_string())],
        )
        .await?;
    ensure!(status == StatusCode::OK);
    let (_, body) = app.call(&admin, "list_skill_areas", &[]).await?;
    ensure!(
        !body.contains("Scratch area") && body.contains("\"archived\":true"),
        "{body}"
    );
    app.stop().await;
    Ok(())
}

async fn opening_form_validates_every_field_and_saves_nothing(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let before = audit_count(&app).await?;
    let too_long = "x".repeat(121);
    let (status, body) = app
        .call(
            &hm,
            "create_opening",
            &[
                ("title", &too_long),
                ("team", ""),
                ("level", ""),
                ("location", ""),
                ("description", ""),
                ("hiring_manager_id", &fx.people.member.id.to_string()),
                ("status", "someday"),
                ("skills[]", "999999"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    for field in [
        "title",
        "team",
        "level",
        "location",
        "status",
        "hiring_manager_id",
        "skills",
    ] {
        ensure!(
            body.contains(&format!("\"{field}\"")),
            "{field} missing from {body}"
        );
    }
    ensure!(
        body.contains("You can open roles only for yourself"),
        "{body}"
    );
    ensure!(audit_count(&app).await? == before, "nothing saved");
    // Valid: the hiring manager opens a role for themselves with required skill areas.
    let (status, body) = app
        .call(
            &hm,
            "create_opening",
            &[
                ("title", "Frontend Engineer"),
                ("team", "Web"),
                ("level", "Mid"),
                ("location", "Lisbon"),
                ("description", "<script>alert(1)</script>\n\n**Hi**"),
                (
                    "hiring_manager_id",
                    &fx.people.hiring_manager.id.to_string(),
                ),
                ("status", "draft"),
                ("skills[]", &fx.skills.communication.to_string()),
                ("skills[]", &fx.skills.product.to_string()),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{status} {body}");
    let id: i64 = body.parse().context("id")?;
    let (_, body) = app
        .call(&hm, "get_opening", &[("id", &id.to_string())])
        .await?;
    let opening = json(&body)?;
    ensure!(
        opening["required_skills"].as_array().map(Vec::len) == Some(2),
        "{body}"
    );
    let html = opening["description_html"].as_str().unwrap_or_default();
    ensure!(
        html.contains("<strong>Hi</strong>") && !html.contains("<script"),
        "sanitised: {html}"
    );
    app.stop().await;
    Ok(())
}

async fn plans_have_ordered_stages_templates_and_can_be_copied(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let plan = |id: i64| {
        let hm = hm.clone();
        let app = &app;
        async move {
            let (_, body) = app
                .call(&hm, "get_plan", &[("opening_id", &id.to_string())])
                .await?;
            json(&body)
        }
    };
    let names = |plan: &serde_json::Value| -> Vec<String> {
        plan["opening"]["stages"]
            .as_array()
            .map(|s| {
                s.iter()
                    .filter_map(|s| s["name"].as_str().map(ToOwned::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (status, body) = app
        .call(
            &hm,
            "add_stage",
            &[
                ("opening_id", &fx.backend.to_string()),
                ("name", "Offer"),
                ("kind", "offer"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{body}");
    let offer: i64 = body.parse()?;
    ensure!(
        names(&plan(fx.backend).await?)
            == [
                "Application review",
                "Phone screen",
                "Technical loop",
                "Debrief",
                "Offer"
            ]
    );
    app.call(
        &hm,
        "move_stage",
        &[("stage_id", &offer.to_string()), ("direction", "up")],
    )
    .await?;
    ensure!(
        names(&plan(fx.backend).await?)
            == [
                "Application review",
                "Phone screen",
                "Technical loop",
                "Offer",
                "Debrief"
            ]
    );
    // Bad template input names each field.
    let (status, body) = app
        .call(
            &hm,
            "add_template",
            &[
                ("stage_id", &fx.loop_stage.to_string()),
                ("name", ""),
                ("duration_minutes", "0"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    for field in ["name", "duration_minutes", "skills"] {
        ensure!(body.contains(&format!("\"{field}\"")), "{field}: {body}");
    }
    let (status, body) = app
        .call(
            &hm,
            "add_template",
            &[
                ("stage_id", &fx.review_stage.to_string()),
                ("name", "Chat"),
                ("duration_minutes", "30"),
                ("skills[]", &fx.skills.product.to_string()),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("interview stages"),
        "{body}"
    );
    let (status, body) = app
        .call(
            &hm,
            "add_template",
            &[
                ("stage_id", &fx.loop_stage.to_string()),
                ("name", "Product conversation"),
                ("duration_minutes", "30"),
                ("skills[]", &fx.skills.product.to_string()),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{body}");
    // Stages with history cannot be deleted; empty ones can.
    let (status, body) = app
        .call(
            &hm,
            "delete_stage",
            &[("stage_id", &fx.loop_stage.to_string())],
        )
        .await?;
    ensure!(
        status == StatusCode::CONFLICT && body.contains("Rename it instead"),
        "{body}"
    );
    let (status, _) = app
        .call(&hm, "delete_stage", &[("stage_id", &offer.to_string())])
        .await?;
    ensure!(status == StatusCode::OK);
    // The plan coverage notices required areas without an interview.
    ensure!(plan(fx.backend).await?["opening"]["uncovered_by_plan"]
        .as_array()
        .is_some_and(Vec::is_empty));
    // Copying: into an unused opening, not into one with candidates.
    let (status, body) = app
        .call(
            &hm,
            "copy_plan",
            &[
                ("opening_id", &fx.empty_opening.to_string()),
                ("source_id", &fx.backend.to_string()),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{body}");
    let copied = plan(fx.empty_opening).await?;
    ensure!(
        names(&copied)
            == [
                "Application review",
                "Phone screen",
                "Technical loop",
                "Debrief"
            ],
        "{copied}"
    );
    ensure!(
        copied["opening"]["stages"][2]["templates"]
            .as_array()
            .map(Vec::len)
            == Some(4),
        "templates copied"
    );
    ensure!(
        copied["opening"]["stages"][1]["skip_for_internal"] == true,
        "internal track copied"
    );
    let (status, body) = app
        .call(
            &hm,
            "copy_plan",
            &[
                ("opening_id", &fx.backend.to_string()),
                ("source_id", &fx.empty_opening.to_string()),
            ],
        )
        .await?;
    ensure!(status == StatusCode::CONFLICT, "{status} {body}");
    // Only openings the user manages are sources.
    let (status, body) = app
        .call(
            &hm,
            "copy_plan",
            &[
                ("opening_id", &fx.empty_opening.to_string()),
                ("source_id", &fx.support_lead.to_string()),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status} {body}"
    );
    app.stop().await;
    Ok(())
}

async fn candidates_deduplicate_by_email_and_internal_ones_need_their_context(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let base = [("kind", "external"), ("source", "job_board")];
    let create = |extra: Vec<(&'static str, String)>| {
        let hm = hm.clone();
        let app = &app;
        async move {
            let mut args: Vec<(&str, &str)> = base.to_vec();
            let owned: Vec<(&str, String)> = extra;
            for (k, v) in &owned {
                args.push((k, v.as_str()));
            }
            app.call(&hm, "create_candidate", &args).await
        }
    };
    // A duplicate email (any case) offers the existing record instead of a second one.
    let (status, body) = create(vec![
        ("name", "Maria G.".into()),
        ("email", "MARIA@example.com".into()),
    ])
    .await?;
    ensure!(status == StatusCode::OK, "{body}");
    let outcome = json(&body)?;
    ensure!(
        outcome["Existing"]["id"] == fx.maria && outcome["Existing"]["name"] == "Maria Garcia",
        "{body}"
    );
    // Bad input, field by field; nothing saved.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM candidates")
        .fetch_one(&app.db)
        .await?;
    let (status, body) = create(vec![
        ("name", String::new()),
        ("email", "nope".into()),
        ("phone", "call me".into()),
        ("links", "javascript:alert(1)".into()),
    ])
    .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    for field in ["name", "email", "phone", "links"] {
        ensure!(body.contains(&format!("\"{field}\"")), "{field}: {body}");
    }
    let (status, body) = app
        .call(
            &hm,
            "create_candidate",
            &[
                ("kind", "internal"),
                ("name", "Riley"),
                ("email", "riley@example.com"),
                ("start_date", "2999-01-01"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    for field in [
        "current_title",
        "current_team",
        "current_manager_id",
        "start_date",
    ] {
        ensure!(body.contains(&format!("\"{field}\"")), "{field}: {body}");
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM candidates")
        .fetch_one(&app.db)
        .await?;
    ensure!(before == after, "nothing saved");
    // A complete internal candidate, applied in the same step, with tenure shown.
    let (status, body) = app
        .call(
            &hm,
            "create_candidate",
            &[
                ("kind", "internal"),
                ("name", "Riley Chen"),
                ("email", "riley@example.com"),
                ("current_title", "Support engineer"),
                ("current_team", "Support"),
                ("current_manager_id", &fx.people.manager.id.to_string()),
                ("start_date", "2021-01-15"),
                ("apply_to", &fx.backend.to_string()),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{body}");
    let id = json(&body)?["Created"]["id"].as_i64().context("created")?;
    let (_, body) = app
        .call(&hm, "get_candidate", &[("id", &id.to_string())])
        .await?;
    let candidate = json(&body)?;
    ensure!(
        candidate["internal"]["current_manager"] == "Sam Supportlead",
        "{body}"
    );
    ensure!(
        candidate["internal"]["tenure"]
            .as_str()
            .is_some_and(|t| t.contains("year")),
        "{body}"
    );
    ensure!(
        candidate["applications"].as_array().map(Vec::len) == Some(1),
        "applied in the same step"
    );
    // Applying to an opening one does not manage fails and leaves no candidate behind.
    let (status, _) = app
        .call(
            &hm,
            "create_candidate",
            &[
                ("kind", "external"),
                ("source", "agency"),
                ("name", "Ghost"),
                ("email", "ghost@example.com"),
                ("apply_to", &fx.support_lead.to_string()),
            ],
        )
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    let ghosts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM candidates WHERE email = 'ghost@example.com'")
            .fetch_one(&app.db)
            .await?;
    ensure!(ghosts == 0, "nothing half-saved");
    app.stop().await;
    Ok(())
}

async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    candidate: i64,
    name: &str,
    bytes: Vec<u8>,
) -> anyhow::Result<(StatusCode, String)> {
    let form = reqwest::multipart::Form::new().part(
        "resume",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    let response = client
        .post(app.url(&format!("/candidates/{candidate}/resume")))
        .multipart(form)
        .send()
        .await?;
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Ok((response.status(), location))
}

async fn resume_pdfs_are_checked_and_served_only_to_allowed_readers(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let (status, location) = upload(
        &app,
        &hm,
        fx.jordan,
        "cv.docx",
        b"PK\x03\x04 not a pdf".to_vec(),
    )
    .await?;
    ensure!(
        status.is_redirection()
            && location.contains("resume_error=That%20file%20is%20not%20a%20PDF"),
        "{location}"
    );
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 10, b'x');
    let (_, location) = upload(&app, &hm, fx.jordan, "big.pdf", big).await?;
    ensure!(location.contains("larger%20than%205%20MB"), "{location}");
    let mut huge = b"%PDF-1.7\n".to_vec();
    huge.resize(8 * 1024 * 1024, b'x');
    let (status, location) = upload(&app, &hm, fx.jordan, "huge.pdf", huge).await?;
    ensure!(
        status.is_redirection() && location.contains("resume_error"),
        "{status} {location}"
    );
    // Only people who may edit the candidate upload: not Jordan's manager, not a member,
    // not an interviewer, not the anonymous.
    let small_pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
    for (who, user) in [
        ("manager", &fx.people.manager),
        ("member", &fx.people.member),
        ("interviewer", &fx.people.interviewer),
    ] {
        let client = app.login(user).await?;
        let (status, _) = upload(&app, &client, fx.jordan, "x.pdf", small_pdf.clone()).await?;
        ensure!(
            status == StatusCode::NOT_FOUND || status == StatusCode::FORBIDDEN,
            "{who}: {status}"
        );
    }
    // The manager may see Maria (an external candidate) but not edit her.
    let manager = app.login(&fx.people.manager).await?;
    let (status, _) = upload(&app, &manager, fx.maria, "x.pdf", small_pdf.clone()).await?;
    ensure!(
        status == StatusCode::FORBIDDEN,
        "manager on Maria: {status}"
    );
    let (status, location) =
        upload(&app, &TestApp::client(), fx.jordan, "x.pdf", small_pdf).await?;
    ensure!(
        status.is_redirection() && location.starts_with("/login"),
        "anonymous: {status} {location}"
    );
    let stored: Option<i64> =
        sqlx::query_scalar("SELECT resume_pdf_size FROM candidates WHERE id = $1")
            .bind(fx.jordan)
            .fetch_one(&app.db)
            .await?;
    ensure!(stored.is_none(), "nothing stored");
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let (_, location) = upload(&app, &hm, fx.jordan, "../Jordan CV.pdf", pdf.clone()).await?;
    ensure!(location.ends_with("resume=uploaded"), "{location}");
    let fetch = |client: reqwest::Client| {
        let url = app.url(&format!("/candidates/{}/resume.pdf", fx.jordan));
        async move { anyhow::Ok(client.get(url).send().await?) }
    };
    let response = fetch(hm.clone()).await?;
    ensure!(response.status() == StatusCode::OK);
    ensure!(response.headers()["content-type"] == "application/pdf");
    ensure!(response.headers()["content-disposition"]
        .to_str()?
        .contains("Jordan CV.pdf"));
    ensure!(
        response.bytes().await?.as_ref() == pdf.as_slice(),
        "same bytes"
    );
    // The interviewer of Jordan's loop may read it; Jordan's manager and others may not.
    let interviewer = app.login(&fx.people.interviewer).await?;
    ensure!(
        fetch(interviewer).await?.status() == StatusCode::OK,
        "interviewer reads the resume"
    );
    for (who, user) in [
        ("manager", &fx.people.manager),
        ("member", &fx.people.member),
    ] {
        let client = app.login(user).await?;
        let status = fetch(client).await?.status();
        ensure!(status == StatusCode::NOT_FOUND, "{who}: {status}");
    }
    ensure!(fetch(TestApp::client()).await?.status() == StatusCode::UNAUTHORIZED);
    app.stop().await;
    Ok(())
}

async fn internal_candidates_skip_their_tracks_stages(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    // Internal candidates skip the phone screen; for this test the review stage is too.
    app.call(
        &hm,
        "update_stage",
        &[
            ("stage_id", &fx.review_stage.to_string()),
            ("name", "Application review"),
            ("skip_for_internal", "on"),
        ],
    )
    .await?;
    let (_, body) = app
        .call(
            &hm,
            "create_candidate",
            &[
                ("kind", "internal"),
                ("name", "Kim Lee"),
                ("email", "kim.lee@example.com"),
                ("current_title", "Support agent"),
                ("current_team", "Support"),
                ("current_manager_id", &fx.people.manager.id.to_string()),
                ("start_date", "2020-06-01"),
                ("apply_to", &fx.backend.to_string()),
            ],
        )
        .await?;
    let kim = json(&body)?["Created"]["id"].as_i64().context("created")?;
    let (_, body) = app
        .call(&hm, "get_candidate", &[("id", &kim.to_string())])
        .await?;
    let application = json(&body)?["applications"][0]["id"]
        .as_i64()
        .context("application")?;
    let (_, body) = app
        .call(&hm, "get_application", &[("id", &application.to_string())])
        .await?;
    let detail = json(&body)?;
    ensure!(detail["stage"]["name"] == "Technical loop", "{body}");
    let history = detail["history"].to_string();
    ensure!(
        history.contains("internal track: skipped Application review, Phone screen"),
        "{history}"
    );
    // An external candidate starts at the beginning.
    let (_, body) = app
        .call(
            &hm,
            "apply_candidate",
            &[
                ("candidate_id", &fx.noah.to_string()),
                ("opening_id", &fx.backend.to_string()),
            ],
        )
        .await?;
    let noah_application: i64 = body.parse()?;
    let (_, body) = app
        .call(
            &hm,
            "get_application",
            &[("id", &noah_application.to_string())],
        )
        .await?;
    ensure!(
        json(&body)?["stage"]["name"] == "Application review",
        "{body}"
    );
    let (status, body) = app
        .call(
            &hm,
            "apply_candidate",
            &[
                ("candidate_id", &fx.noah.to_string()),
                ("opening_id", &fx.backend.to_string()),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::CONFLICT && body.contains("already applied"),
        "{body}"
    );
    app.stop().await;
    Ok(())
}

async fn board_moves_rejects_filters_and_keeps_history(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let board = |filters: Vec<(&'static str, String)>| {
        let hm = hm.clone();
        let app = &app;
        let opening = fx.backend.to_string();
        async move {
            let mut args = vec![("opening_id", opening.as_str())];
            for (k, v) in &filters {
                args.push((k, v.as_str()));
            }
            let (_, body) = app.call(&hm, "get_board", &args).await?;
            json(&body)
        }
    };
    let cards_in = |board: &serde_json::Value, stage: &str| -> Vec<String> {
        board["columns"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["stage"]["name"] == stage)
            .flat_map(|c| c["cards"].as_array().cloned().unwrap_or_default())
            .filter_map(|c| c["candidate_name"].as_str().map(ToOwned::to_owned))
            .collect()
    };
    let full = board(vec![]).await?;
    ensure!(
        cards_in(&full, "Technical loop") == ["Maria Garcia", "Jordan Blake"],
        "{full}"
    );
    ensure!(cards_in(&full, "Application review") == ["Amara Okoye"]);
    let card = full["columns"][2]["cards"][0].clone();
    let expected = berlin(&day(2), "10:00")?;
    ensure!(
        card["next_interview"]
            .as_str()
            .is_some_and(|w| w.contains(&expected)),
        "{card}"
    );
    ensure!(card["days_in_stage"] == 0);
    // Filters.
    let internal = board(vec![("kind", "internal".into())]).await?;
    ensure!(cards_in(&internal, "Technical loop") == ["Jordan Blake"]);
    let external = board(vec![
        ("kind", "external".into()),
        ("stage", fx.loop_stage.to_string()),
    ])
    .await?;
    ensure!(external["columns"].as_array().map(Vec::len) == Some(1));
    ensure!(cards_in(&external, "Technical loop") == ["Maria Garcia"]);
    // Move Amara on; the history names who did it.
    let (status, _) = app
        .call(
            &hm,
            "move_application",
            &[
                ("id", &fx.amara_application.to_string()),
                ("stage_id", &fx.phone_stage.to_string()),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK);
    let (status, body) = app
        .call(
            &hm,
            "move_application",
            &[
                ("id", &fx.amara_application.to_string()),
                ("stage_id", &fx.phone_stage.to_string()),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("already in Phone screen"),
        "{body}"
    );
    let (status, _) = app
        .call(
            &hm,
            "move_application",
            &[
                ("id", &fx.amara_application.to_string()),
                ("stage_id", "999999"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY);
    // Rejecting asks for a reason.
    let (status, body) = app
        .call(
            &hm,
            "set_application_status",
            &[
                ("id", &fx.amara_application.to_string()),
                ("status", "rejected"),
                ("reason", "  "),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("Give a reason"),
        "{body}"
    );
    let (status, _) = app
        .call(
            &hm,
            "set_application_status",
            &[
                ("id", &fx.amara_application.to_string()),
                ("status", "rejected"),
                ("reason", "Needs more Rust"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK);
    let active = board(vec![]).await?;
    ensure!(
        cards_in(&active, "Phone screen").is_empty(),
        "rejected leave the active board"
    );
    let rejected = board(vec![("status", "rejected".into())]).await?;
    ensure!(cards_in(&rejected, "Phone screen") == ["Amara Okoye"]);
    let (status, _) = app
        .call(
            &hm,
            "move_application",
            &[
                ("id", &fx.amara_application.to_string()),
                ("stage_id", &fx.loop_stage.to_string()),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::CONFLICT,
        "rejected applications do not move"
    );
    let (_, body) = app
        .call(
            &hm,
            "get_application",
            &[("id", &fx.amara_application.to_string())],
        )
        .await?;
    let detail = json(&body)?;
    let history = detail["history"].to_string();
    ensure!(
        history.contains("Moved from Application review to Phone screen")
            && history.contains("Status active → rejected")
            && history.contains("Needs more Rust")
            && history.contains("Hannah Manager"),
        "{history}"
    );
    ensure!(detail["status_reason"] == "Needs more Rust");
    app.stop().await;
    Ok(())
}

fn schedule_args<'a>(
    application: &'a str,
    date: &'a str,
    start: &'a str,
    end: &'a str,
    rows: &'a [(String, String)],
) -> Vec<(&'a str, &'a str)> {
    let mut args = vec![
        ("application_id", application),
        ("title", "Back-end deep dive"),
        ("date", date),
        ("start_time", start),
        ("end_time", end),
        ("timezone", "UTC"),
        ("location", "Room 1"),
    ];
    let names = [
        ("interviewer_1", "skills_1[]"),
        ("interviewer_2", "skills_2[]"),
        ("interviewer_3", "skills_3[]"),
    ];
    for ((user, skill), (user_field, skill_field)) in rows.iter().zip(names) {
        args.push((user_field, user.as_str()));
        if !skill.is_empty() {
            args.push((skill_field, skill.as_str()));
        }
    }
    args
}

async fn interview_count(app: &TestApp) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM interviews")
        .fetch_one(&app.db)
        .await?)
}

async fn scheduling_refuses_double_bookings_and_the_candidates_manager(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let before = interview_count(&app).await?;
    let date = day(2);
    let maria = fx.maria_application.to_string();
    // Ivan interviews Maria 10:00-11:00 UTC that day; 10:30 clashes.
    let rows = vec![(
        fx.people.interviewer.id.to_string(),
        fx.skills.data.to_string(),
    )];
    let (status, body) = app
        .call(
            &hm,
            "schedule_interview",
            &schedule_args(&maria, &date, "10:30", "11:15", &rows),
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status} {body}"
    );
    ensure!(
        body.contains("interviewer_1")
            && body.contains("Ivan Interviewer already has an interview")
            && body.contains(&format!(
                "{}–{}",
                berlin(&date, "10:00")?,
                berlin(&date, "11:00")?
            )),
        "{body}"
    );
    ensure!(
        !body.contains("Jordan") && !body.contains("Maria"),
        "a clash never names the other candidate: {body}"
    );
    // Back to back is fine.
    let mut ok_rows = rows.clone();
    ok_rows.push((
        fx.people.priya.id.to_string(),
        fx.skills.communication.to_string(),
    ));
    let mut args = schedule_args(&maria, &date, "11:00", "11:45", &ok_rows);
    args.push(("confirm", "yes"));
    let (status, body) = app.call(&hm, "schedule_interview", &args).await?;
    ensure!(status == StatusCode::OK, "{body}");
    // Jordan's current manager cannot interview Jordan.
    let jordan = fx.jordan_application.to_string();
    let rows = vec![(
        fx.people.manager.id.to_string(),
        fx.skills.communication.to_string(),
    )];
    let mut args = schedule_args(&jordan, &date, "16:00", "16:45", &rows);
    args.push(("confirm", "yes"));
    let (status, body) = app.call(&hm, "schedule_interview", &args).await?;
    ensure!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
    ensure!(
        body.contains(
            "Sam Supportlead is Jordan Blake's current manager and cannot interview them"
        ),
        "{body}"
    );
    // The same person twice, and an interviewer without skill areas.
    let rows = vec![
        (
            fx.people.tom.id.to_string(),
            fx.skills.communication.to_string(),
        ),
        (fx.people.tom.id.to_string(), fx.skills.backend.to_string()),
        (fx.people.priya.id.to_string(), String::new()),
    ];
    let (_, body) = app
        .call(
            &hm,
            "schedule_interview",
            &schedule_args(&jordan, &date, "16:00", "16:45", &rows),
        )
        .await?;
    ensure!(
        body.contains("already in this interview") && body.contains("skills_3"),
        "{body}"
    );
    ensure!(
        interview_count(&app).await? == before + 1,
        "only the valid interview was saved"
    );
    app.stop().await;
    Ok(())
}

async fn scheduling_flags_gaps_and_doubled_skill_areas_until_confirmed(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let date = day(3);
    let maria = fx.maria_application.to_string();
    // Maria's loop: Ivan owns Back-end. Priya on Back-end too, nobody on Communication.
    let rows = vec![(
        fx.people.priya.id.to_string(),
        fx.skills.backend.to_string(),
    )];
    let before = interview_count(&app).await?;
    let (status, body) = app
        .call(
            &hm,
            "schedule_interview",
            &schedule_args(&maria, &date, "09:00", "09:45", &rows),
        )
        .await?;
    ensure!(status == StatusCode::CONFLICT, "{status} {body}");
    let warnings = json(&body)?["NeedsConfirmation"].clone();
    let text = warnings.to_string();
    ensure!(
        text.contains("Nobody in this loop covers Communication"),
        "{text}"
    );
    ensure!(
        text.contains("Nobody in this loop covers Data modelling"),
        "{text}"
    );
    ensure!(
        text.contains("Back-end is owned by Ivan Interviewer and Priya Nair"),
        "{text}"
    );
    ensure!(
        interview_count(&app).await? == before,
        "nothing saved before confirming"
    );
    // A sound loop saves without confirmation.
    let rows = vec![
        (fx.people.priya.id.to_string(), fx.skills.data.to_string()),
        (
            fx.people.tom.id.to_string(),
            fx.skills.communication.to_string(),
        ),
    ];
    let (status, body) = app
        .call(
            &hm,
            "schedule_interview",
            &schedule_args(&maria, &date, "09:00", "09:45", &rows),
        )
        .await?;
    ensure!(status == StatusCode::OK, "{body}");
    let (_, body) = app.call(&hm, "get_application", &[("id", &maria)]).await?;
    let coverage = json(&body)?["coverage"].clone();
    ensure!(
        coverage["missing"].as_array().is_some_and(Vec::is_empty),
        "{coverage}"
    );
    ensure!(
        coverage["duplicated"].as_array().is_some_and(Vec::is_empty),
        "{coverage}"
    );
    // Confirmed warnings are saved, and the confirmation is audited.
    let jordan = fx.jordan_application.to_string();
    let rows = vec![(fx.people.tom.id.to_string(), fx.skills.data.to_string())];
    let mut args = schedule_args(&jordan, &date, "15:00", "15:45", &rows);
    args.push(("confirm", "yes"));
    let (status, body) = app.call(&hm, "schedule_interview", &args).await?;
    ensure!(status == StatusCode::OK, "{body}");
    let (_, board) = app
        .call(&hm, "get_board", &[("opening_id", &fx.backend.to_string())])
        .await?;
    ensure!(
        board.contains("Data modelling is owned by Ivan Interviewer and Tom Okafor"),
        "{board}"
    );
    app.stop().await;
    Ok(())
}

async fn scheduling_rejects_bad_times_and_saves_nothing(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let maria = fx.maria_application.to_string();
    let rows = vec![(
        fx.people.tom.id.to_string(),
        fx.skills.communication.to_string(),
    )];
    let before = interview_count(&app).await?;
    let tomorrow = day(1);
    let long_ago = day(-30);
    let cases: Vec<(&str, &str, &str, &str, &str)> = vec![
        (
            &tomorrow,
            "14:00",
            "13:00",
            "end_time",
            "The end must be after the start.",
        ),
        (
            &tomorrow,
            "14:00",
            "14:00",
            "end_time",
            "The end must be after the start.",
        ),
        (
            &long_ago,
            "14:00",
            "15:00",
            "date",
            "That date is in the past.",
        ),
        ("31/12/2026", "14:00", "15:00", "date", "Enter a date like"),
        (&tomorrow, "2pm", "15:00", "start_time", "Enter a time like"),
    ];
    for (date, start, end, field, message) in cases {
        let (status, body) = app
            .call(
                &hm,
                "schedule_interview",
                &schedule_args(&maria, date, start, end, &rows),
            )
            .await?;
        ensure!(
            status == StatusCode::UNPROCESSABLE_ENTITY,
            "{date} {start}-{end}: {status}"
        );
        ensure!(
            body.contains(&format!("\"{field}\"")) && body.contains(message),
            "{field}: {body}"
        );
    }
    let mut args = schedule_args(&maria, &tomorrow, "14:00", "15:00", &rows);
    args.retain(|(k, _)| *k != "timezone" && *k != "location");
    args.push(("timezone", "Middle/Earth"));
    let (_, body) = app.call(&hm, "schedule_interview", &args).await?;
    ensure!(
        body.contains("\"timezone\"") && body.contains("\"location\""),
        "{body}"
    );
    let (_, body) = app
        .call(
            &hm,
            "schedule_interview",
            &schedule_args(&maria, &tomorrow, "14:00", "15:00", &[]),
        )
        .await?;
    ensure!(body.contains("Assign at least one interviewer."), "{body}");
    ensure!(interview_count(&app).await? == before, "nothing saved");
    app.stop().await;
    Ok(())
}

async fn rescheduling_and_cancelling_keep_history(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let id = fx.maria_interview.to_string();
    // Onto Ivan's interview with Jordan: refused.
    let date = day(2);
    let (status, body) = app
        .call(
            &hm,
            "reschedule_interview",
            &[
                ("id", &id),
                ("date", &date),
                ("start_time", "14:15"),
                ("end_time", "15:00"),
                ("timezone", "UTC"),
                ("location", "Room 2"),
            ],
        )
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY
            && body.contains("Ivan Interviewer already has an interview"),
        "{body}"
    );
    let later = day(5);
    let (status, body) = app
        .call(
            &hm,
            "reschedule_interview",
            &[
                ("id", &id),
                ("date", &later),
                ("start_time", "09:00"),
                ("end_time", "10:00"),
                ("timezone", "Europe/Berlin"),
                ("location", "Room 2"),
            ],
        )
        .await?;
    ensure!(status == StatusCode::OK, "{body}");
    let (status, body) = app
        .call(&hm, "cancel_interview", &[("id", &id), ("reason", "")])
        .await?;
    ensure!(
        status == StatusCode::UNPROCESSABLE_ENTITY && body.contains("Say why"),
        "{body}"
    );
    let (status, _) = app
        .call(
            &hm,
            "cancel_interview",
            &[("id", &id), ("reason", "Candidate is ill")],
        )
        .await?;
    ensure!(status == StatusCode::OK);
    let (status, _) = app
        .call(&hm, "cancel_interview", &[("id", &id), ("reason", "again")])
        .await?;
    ensure!(status == StatusCode::CONFLICT);
    let (_, body) = app.call(&hm, "get_interview", &[("id", &id)]).await?;
    let detail = json(&body)?;
    ensure!(
        detail["line"]["cancelled"] == true
            && detail["line"]["cancel_reason"] == "Candidate is ill"
    );
    let actions: Vec<String> = detail["history"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["action"].as_str().map(ToOwned::to_owned))
        .collect();
    ensure!(
        actions == ["cancel", "reschedule", "schedule"],
        "{actions:?}"
    );
    let reschedule = detail["history"][1].clone();
    ensure!(
        reschedule["before"]
            .as_str()
            .is_some_and(|b| b.contains("Room 4")),
        "{reschedule}"
    );
    ensure!(
        reschedule["after"]
            .as_str()
            .is_some_and(|a| a.contains("Room 2")),
        "{reschedule}"
    );
    // Cancelled interviews stay in the loop's record but free the interviewer.
    let rows = vec![(
        fx.people.interviewer.id.to_string(),
        fx.skills.backend.to_string(),
    )];
    let maria = fx.maria_application.to_string();
    let mut args = schedule_args(&maria, &later, "08:30", "09:30", &rows);
    args.push(("confirm", "yes"));
    let (status, body) = app.call(&hm, "schedule_interview", &args).await?;
    ensure!(status == StatusCode::OK, "{body}");
    let (_, body) = app.call(&hm, "get_application", &[("id", &maria)]).await?;
    let history = json(&body)?["history"].to_string();
    ensure!(
        history.contains("Rescheduled Back-end deep dive")
            && history.contains("Cancelled Back-end deep dive: Candidate is ill"),
        "{history}"
    );
    app.stop().await;
    Ok(())
}

async fn times_are_shown_in_each_viewers_time_zone(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    // Entered as 09:30 in New York ...
    let date = day(6);
    let rows = vec![(
        fx.people.tom.id.to_string(),
        fx.skills.communication.to_string(),
    )];
    let maria = fx.maria_application.to_string();
    let mut args = schedule_args(&maria, &date, "09:30", "10:15", &rows);
    args.retain(|(k, _)| *k != "timezone");
    args.push(("timezone", "America/New_York"));
    args.push(("confirm", "yes"));
    let (status, body) = app.call(&hm, "schedule_interview", &args).await?;
    ensure!(status == StatusCode::OK, "{body}");
    let id: i64 = body.parse()?;
    let starts: i64 = sqlx::query_scalar("SELECT starts_at FROM interviews WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await?;
    let expected =
        chrono::NaiveDateTime::parse_from_str(&format!("{date} 09:30"), "%Y-%m-%d %H:%M")?;
    let ny: chrono_tz::Tz = "America/New_York"
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let expected = chrono::TimeZone::from_local_datetime(&ny, &expected)
        .single()
        .context("unambiguous")?
        .timestamp();
    ensure!(starts == expected, "stored in UTC");
    // ... Tom (Europe/Berlin in tests) sees it in Berlin time, named; so does the hiring manager.
    let tom = app.login(&fx.people.tom).await?;
    let (_, body) = app
        .call(&tom, "update_my_timezone", &[("timezone", "Asia/Tokyo")])
        .await?;
    ensure!(body == "null", "{body}");
    let (_, body) = app.call(&tom, "get_my_interviews", &[]).await?;
    let mine = json(&body)?;
    let when = mine["upcoming"][0]["when"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let tokyo: chrono_tz::Tz = "Asia/Tokyo".parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let local = chrono::DateTime::from_timestamp(starts, 0)
        .context("time")?
        .with_timezone(&tokyo);
    ensure!(
        when.contains(&local.format("%H:%M").to_string())
            && when.contains("(Asia/Tokyo)")
            && when.contains("JST"),
        "{when}"
    );
    ensure!(mine["timezone"] == "Asia/Tokyo");
    let (_, body) = app
        .call(&hm, "get_kit", &[("interview_id", &id.to_string())])
        .await?;
    ensure!(
        json(&body)?["interview"]["when"]
            .as_str()
            .is_some_and(|w| w.contains("(Europe/Berlin)")),
        "{body}"
    );
    app.stop().await;
    Ok(())
}

async fn audit_log_is_for_admins_and_the_openings_manager(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let (status, body) = app
        .call(
            &hm,
            "opening_audit",
            &[("opening_id", &fx.backend.to_string())],
        )
        .await?;
    ensure!(status == StatusCode::OK);
    let entries = json(&body)?;
    let summaries: Vec<String> = entries
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["summary"].as_str().map(ToOwned::to_owned))
        .collect();
    for expected in [
        "Opened Backend Engineer",
        "Added stage Technical loop",
        "Scheduled Back-end deep dive with Maria Garcia",
        "Moved from Application review to Technical loop",
    ] {
        ensure!(
            summaries.iter().any(|s| s.contains(expected)),
            "{expected} in {summaries:?}"
        );
    }
    ensure!(
        entries[0]["at"]
            .as_str()
            .is_some_and(|a| a.contains("(Europe/Berlin)")),
        "viewer's zone"
    );
    let admin = app.login(&fx.people.admin).await?;
    let (status, body) = app.call(&admin, "list_audit", &[]).await?;
    ensure!(
        status == StatusCode::OK && body.contains("Added skill area Back-end"),
        "{status}"
    );
    let (status, _) = app.call(&hm, "list_audit", &[]).await?;
    ensure!(status == StatusCode::FORBIDDEN);
    let manager = app.login(&fx.people.manager).await?;
    let (status, _) = app
        .call(
            &manager,
            "opening_audit",
            &[("opening_id", &fx.backend.to_string())],
        )
        .await?;
    ensure!(status == StatusCode::FORBIDDEN);
    // Sam manages "Support Lead": its log is his, and holds nothing about Jordan.
    let (status, body) = app
        .call(
            &manager,
            "opening_audit",
            &[("opening_id", &fx.support_lead.to_string())],
        )
        .await?;
    ensure!(
        status == StatusCode::OK && !body.contains("Jordan"),
        "{body}"
    );
    let _ = actor(&app, &fx.people.admin).await?;
    app.stop().await;
    Ok(())
}
