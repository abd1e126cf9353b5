//! The hiring pipeline over HTTP: skill areas, openings and plans, candidates and resumes.

use crate::cases;
use anyhow::{ensure, Context};
use app::applications::api::{ApplyCandidate, GetApplication};
use app::applications::ApplyInput;
use app::audit::AuditEntryView;
use app::candidates::api::{CreateCandidate, GetCandidate};
use app::candidates::{CandidateInput, CreateOutcome};
use app::openings::api::{
    AddStage, AddTemplate, CopyPlan, CreateOpening, DeleteStage, GetOpening, GetPlan, MoveStage,
    UpdateStage,
};
use app::openings::{
    CopyPlanInput, OpeningInput, PlanData, StageInput, StageUpdateInput, TemplateInput,
};
use app::paging::PageNumber;
use app::skills::api::{
    CreateSkillArea, DeleteSkillArea, ListSkillAreas, RenameSkillArea, SetSkillAreaArchived,
};
use app::skills::SkillAreaInput;
use app::values::Checkbox;
use hireloop_tests::fixture::external;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestResult};
use reqwest::StatusCode;

cases! {
    http: [
        skill_areas_keep_history_and_cannot_be_deleted_in_use,
        opening_form_validates_every_field_and_saves_nothing,
        plans_have_ordered_stages_templates_and_can_be_copied,
        candidates_deduplicate_by_email_and_internal_ones_need_their_context,
        internal_candidates_skip_their_tracks_stages,
    ],
    browser: [],
}

fn area(name: &str) -> SkillAreaInput {
    SkillAreaInput { name: name.into() }
}

fn template(stage_id: i64, name: &str, minutes: &str, skills: Vec<i64>) -> AddTemplate {
    AddTemplate {
        stage_id,
        input: TemplateInput {
            name: name.into(),
            duration_minutes: minutes.into(),
            skills,
            agenda_template_id: String::new(),
        },
    }
}

async fn skill_areas_keep_history_and_cannot_be_deleted_in_use(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let admin = app.login(&fx.people.admin).await?;
    let fields = app
        .call(
            &admin,
            CreateSkillArea {
                input: area("back-END"),
            },
        )
        .await?
        .invalid()?;
    ensure!(
        fields
            .get("name")
            .is_some_and(|m| m.contains("already exists")),
        "{fields:?}"
    );
    let fields = app
        .call(&admin, CreateSkillArea { input: area("  ") })
        .await?
        .invalid()?;
    ensure!(
        fields.get("name") == Some("Enter a name for the skill area."),
        "{fields:?}"
    );
    // Renaming keeps references and records the old name.
    app.call(
        &admin,
        RenameSkillArea {
            id: fx.skills.backend,
            input: area("Backend systems"),
        },
    )
    .await?
    .ok()?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let opening = app.call(&hm, GetOpening { id: fx.backend }).await?.ok()?;
    ensure!(
        opening
            .required_skills
            .iter()
            .any(|s| s.id == fx.skills.backend && s.name == "Backend systems"),
        "the opening follows the rename: {:?}",
        opening.required_skills
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
    let error = app
        .call(
            &admin,
            DeleteSkillArea {
                id: fx.skills.backend,
            },
        )
        .await?
        .refused(StatusCode::CONFLICT)?;
    ensure!(error.to_string().contains("Archive it instead"), "{error}");
    app.call(
        &admin,
        SetSkillAreaArchived {
            id: fx.skills.backend,
            archived: true,
        },
    )
    .await?
    .ok()?;
    // Archived areas cannot go into new plans.
    let fields = app
        .call(
            &hm,
            template(
                fx.loop_stage,
                "More back-end",
                "30",
                vec![fx.skills.backend],
            ),
        )
        .await?
        .invalid()?;
    ensure!(
        fields.get("skills").is_some_and(|m| m.contains("archived")),
        "{fields:?}"
    );
    // Unused: deleted.
    app.call(
        &admin,
        DeleteSkillArea {
            id: fx.skills.scratch,
        },
    )
    .await?
    .ok()?;
    let areas = app.call(&admin, ListSkillAreas {}).await?.ok()?;
    ensure!(
        !areas.iter().any(|a| a.id == fx.skills.scratch),
        "deleted: {areas:?}"
    );
    ensure!(
        areas
            .iter()
            .any(|a| a.id == fx.skills.backend && a.archived && a.uses.is_some_and(|u| u.in_use())),
        "archived and still in use: {areas:?}"
    );
    app.stop().await;
    Ok(())
}

async fn opening_form_validates_every_field_and_saves_nothing(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let before = app.digest().await?;
    let fields = app
        .call(
            &hm,
            CreateOpening {
                input: OpeningInput {
                    title: "x".repeat(121),
                    status: "someday".into(),
                    hiring_manager_id: "not a number".into(),
                    skills: vec![999_999],
                    ..OpeningInput::default()
                },
            },
        )
        .await?
        .invalid()?;
    for field in [
        "title",
        "team",
        "level",
        "location",
        "status",
        "hiring_manager_id",
    ] {
        ensure!(
            fields.get(field).is_some(),
            "{field} missing from {fields:?}"
        );
    }
    // Once the form reads well, what it refers to is checked: someone else as manager, an
    // unknown skill area.
    let fields = app
        .call(
            &hm,
            CreateOpening {
                input: OpeningInput {
                    title: "Frontend Engineer".into(),
                    team: "Web".into(),
                    level: "Mid".into(),
                    location: "Lisbon".into(),
                    hiring_manager_id: fx.people.member.id.to_string(),
                    status: "draft".into(),
                    skills: vec![999_999],
                    ..OpeningInput::default()
                },
            },
        )
        .await?
        .invalid()?;
    ensure!(
        fields.get("hiring_manager_id")
            == Some("You can open roles only for yourself as hiring manager.")
            && fields.get("skills").is_some(),
        "{fields:?}"
    );
    app.ensure_unchanged(&before, "refused openings").await?;
    // Valid: the hiring manager opens a role for themselves with required skill areas.
    let id = app
        .call(
            &hm,
            CreateOpening {
                input: OpeningInput {
                    title: "Frontend Engineer".into(),
                    team: "Web".into(),
                    level: "Mid".into(),
                    location: "Lisbon".into(),
                    description: "<script>alert(1)</script>\n\n**Hi**".into(),
                    hiring_manager_id: fx.people.hiring_manager.id.to_string(),
                    status: "draft".into(),
                    skills: vec![fx.skills.communication, fx.skills.product],
                },
            },
        )
        .await?
        .ok()?;
    let opening = app.call(&hm, GetOpening { id }).await?.ok()?;
    ensure!(opening.required_skills.len() == 2, "{opening:?}");
    ensure!(
        opening.description_html.contains("<strong>Hi</strong>")
            && !opening.description_html.contains("<script"),
        "sanitised: {}",
        opening.description_html
    );
    app.stop().await;
    Ok(())
}

fn stage_names(plan: &PlanData) -> Vec<&str> {
    plan.opening
        .stages
        .iter()
        .map(|s| s.name.as_str())
        .collect()
}

async fn plans_have_ordered_stages_templates_and_can_be_copied(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let plan = |opening_id: i64| {
        let hm = hm.clone();
        let app = &app;
        async move { app.call(&hm, GetPlan { opening_id }).await?.ok() }
    };
    let offer = app
        .call(
            &hm,
            AddStage {
                opening_id: fx.backend,
                input: StageInput {
                    name: "Offer".into(),
                    kind: "offer".into(),
                    skip_for_internal: Checkbox(false),
                },
            },
        )
        .await?
        .ok()?;
    ensure!(
        stage_names(&plan(fx.backend).await?)
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
        MoveStage {
            stage_id: offer,
            direction: "up".into(),
        },
    )
    .await?
    .ok()?;
    ensure!(
        stage_names(&plan(fx.backend).await?)
            == [
                "Application review",
                "Phone screen",
                "Technical loop",
                "Offer",
                "Debrief"
            ]
    );
    // Bad template input names each field.
    let fields = app
        .call(&hm, template(fx.loop_stage, "", "0", vec![]))
        .await?
        .invalid()?;
    for field in ["name", "duration_minutes", "skills"] {
        ensure!(fields.get(field).is_some(), "{field}: {fields:?}");
    }
    let fields = app
        .call(
            &hm,
            template(fx.review_stage, "Chat", "30", vec![fx.skills.product]),
        )
        .await?
        .invalid()?;
    ensure!(
        fields
            .get("form")
            .is_some_and(|m| m.contains("interview stages")),
        "{fields:?}"
    );
    app.call(
        &hm,
        template(
            fx.loop_stage,
            "Product conversation",
            "30",
            vec![fx.skills.product],
        ),
    )
    .await?
    .ok()?;
    // Stages with history cannot be deleted; empty ones can.
    let error = app
        .call(
            &hm,
            DeleteStage {
                stage_id: fx.loop_stage,
            },
        )
        .await?
        .refused(StatusCode::CONFLICT)?;
    ensure!(error.to_string().contains("Rename it instead"), "{error}");
    app.call(&hm, DeleteStage { stage_id: offer }).await?.ok()?;
    // The plan covers every required area with an interview.
    ensure!(plan(fx.backend).await?.opening.uncovered_by_plan.is_empty());
    // Copying: into an unused opening, not into one with candidates.
    let copy = |opening_id: i64, source: i64| CopyPlan {
        opening_id,
        input: CopyPlanInput {
            source_id: source.to_string(),
        },
    };
    app.call(&hm, copy(fx.empty_opening, fx.backend))
        .await?
        .ok()?;
    let copied = plan(fx.empty_opening).await?;
    ensure!(
        stage_names(&copied)
            == [
                "Application review",
                "Phone screen",
                "Technical loop",
                "Debrief"
            ],
        "{copied:?}"
    );
    ensure!(
        copied.opening.stages[2].templates.len() == 4,
        "templates copied"
    );
    ensure!(
        copied.opening.stages[1].skip_for_internal,
        "internal track copied"
    );
    app.call(&hm, copy(fx.backend, fx.empty_opening))
        .await?
        .refused(StatusCode::CONFLICT)?;
    // Only openings the user manages are sources.
    let fields = app
        .call(&hm, copy(fx.empty_opening, fx.support_lead))
        .await?
        .invalid()?;
    ensure!(fields.get("source_id").is_some(), "{fields:?}");
    // A rename and the internal-track flag are saved together, and audited.
    app.call(
        &hm,
        UpdateStage {
            stage_id: fx.debrief_stage,
            input: StageUpdateInput {
                name: "Team debrief".into(),
                skip_for_internal: Checkbox(true),
            },
        },
    )
    .await?
    .ok()?;
    let saved = plan(fx.backend).await?;
    ensure!(
        saved
            .opening
            .stages
            .iter()
            .any(|s| s.name == "Team debrief" && s.skip_for_internal),
        "{saved:?}"
    );
    app.stop().await;
    Ok(())
}

fn create(input: CandidateInput) -> CreateCandidate {
    CreateCandidate { input }
}

async fn candidates_deduplicate_by_email_and_internal_ones_need_their_context(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    // A duplicate email (any case) offers the existing record instead of a second one.
    let outcome = app
        .call(&hm, create(external("Maria G.", "MARIA@example.com")))
        .await?
        .ok()?;
    ensure!(
        outcome
            == CreateOutcome::Existing {
                id: fx.maria,
                name: "Maria Garcia".into()
            },
        "{outcome:?}"
    );
    // Bad input, field by field; nothing saved.
    let before = app.digest().await?;
    let fields = app
        .call(
            &hm,
            create(CandidateInput {
                name: String::new(),
                email: "nope".into(),
                phone: "call me".into(),
                links: "javascript:alert(1)".into(),
                ..external("", "")
            }),
        )
        .await?
        .invalid()?;
    for field in ["name", "email", "phone", "links"] {
        ensure!(fields.get(field).is_some(), "{field}: {fields:?}");
    }
    let fields = app
        .call(
            &hm,
            create(CandidateInput {
                kind: "internal".into(),
                name: "Riley".into(),
                email: "riley@example.com".into(),
                start_date: "2999-01-01".into(),
                ..CandidateInput::default()
            }),
        )
        .await?
        .invalid()?;
    for field in [
        "current_title",
        "current_team",
        "current_manager_id",
        "start_date",
    ] {
        ensure!(fields.get(field).is_some(), "{field}: {fields:?}");
    }
    app.ensure_unchanged(&before, "refused candidates").await?;
    // A complete internal candidate, applied in the same step, with tenure shown.
    let riley = CandidateInput {
        kind: "internal".into(),
        name: "Riley Chen".into(),
        email: "riley@example.com".into(),
        current_title: "Support engineer".into(),
        current_team: "Support".into(),
        current_manager_id: fx.people.manager.id.to_string(),
        start_date: "2021-01-15".into(),
        apply_to: fx.backend.to_string(),
        ..CandidateInput::default()
    };
    let CreateOutcome::Created { id } = app.call(&hm, create(riley)).await?.ok()? else {
        anyhow::bail!("Riley is new");
    };
    let candidate = app.call(&hm, GetCandidate { id }).await?.ok()?;
    let internal = candidate.internal.context("internal context")?;
    ensure!(
        internal.current_manager == "Sam Supportlead",
        "{internal:?}"
    );
    ensure!(internal.tenure.contains("year"), "{internal:?}");
    ensure!(
        candidate.applications.len() == 1,
        "applied in the same step"
    );
    // Applying to an opening one does not manage fails and leaves no candidate behind.
    let before = app.digest().await?;
    let fields = app
        .call(
            &hm,
            create(CandidateInput {
                apply_to: fx.support_lead.to_string(),
                ..external("Ghost", "ghost@example.com")
            }),
        )
        .await?
        .invalid()?;
    ensure!(fields.get("apply_to").is_some(), "{fields:?}");
    app.ensure_unchanged(&before, "a refused add-and-apply")
        .await?;
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
        UpdateStage {
            stage_id: fx.review_stage,
            input: StageUpdateInput {
                name: "Application review".into(),
                skip_for_internal: Checkbox(true),
            },
        },
    )
    .await?
    .ok()?;
    let kim = CandidateInput {
        kind: "internal".into(),
        name: "Kim Lee".into(),
        email: "kim.lee@example.com".into(),
        current_title: "Support agent".into(),
        current_team: "Support".into(),
        current_manager_id: fx.people.manager.id.to_string(),
        start_date: "2020-06-01".into(),
        apply_to: fx.backend.to_string(),
        ..CandidateInput::default()
    };
    let CreateOutcome::Created { id: kim } = app.call(&hm, create(kim)).await?.ok()? else {
        anyhow::bail!("Kim is new");
    };
    let application = app
        .call(&hm, GetCandidate { id: kim })
        .await?
        .ok()?
        .applications[0]
        .id;
    let detail = app
        .call(&hm, GetApplication { id: application })
        .await?
        .ok()?;
    ensure!(detail.stage.name == "Technical loop", "{:?}", detail.stage);
    ensure!(
        detail.history.iter().any(|h| h
            .text
            .contains("internal track: skipped Application review, Phone screen")),
        "{:?}",
        detail.history
    );
    // An external candidate starts at the beginning.
    let apply = ApplyCandidate {
        candidate_id: fx.noah,
        input: ApplyInput {
            opening_id: fx.backend.to_string(),
        },
    };
    let noah_application = app.call(&hm, apply.clone()).await?.ok()?;
    let detail = app
        .call(
            &hm,
            GetApplication {
                id: noah_application,
            },
        )
        .await?
        .ok()?;
    ensure!(
        detail.stage.name == "Application review",
        "{:?}",
        detail.stage
    );
    let error = app.call(&hm, apply).await?.refused(StatusCode::CONFLICT)?;
    ensure!(error.to_string().contains("already applied"), "{error}");
    // Applying is audited on the opening.
    let entries: Vec<AuditEntryView> = app
        .call(
            &hm,
            app::openings::api::OpeningAudit {
                page: PageNumber::default(),
                opening_id: fx.backend,
            },
        )
        .await?
        .ok()?
        .items;
    ensure!(
        entries
            .iter()
            .any(|e| e.entity == "application" && e.entity_id == noah_application),
        "the application is in the opening's audit log"
    );
    app.stop().await;
    Ok(())
}
