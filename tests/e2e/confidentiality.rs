//! An internal candidate's current manager finds no trace of the candidacy: not in lists,
//! counts, searches, kits, the audit log, resumes or pages — even as the hiring manager of
//! the very opening — and a hidden record answers exactly like one that does not exist.

use crate::cases;
use anyhow::{ensure, Context};
use app::applications::api::{
    ApplyCandidate, GetApplication, GetBoard, GetOpeningPage, MoveApplication, SetApplicationStatus,
};
use app::applications::{ApplyInput, BoardQuery, MoveInput, StatusInput};
use app::candidates::api::{CandidateForm, CreateCandidate, GetCandidate, SearchCandidates};
use app::candidates::CreateOutcome;
use app::dashboard::GetDashboard;
use app::error::AppError;
use app::interviews::api::{CancelInterview, GetInterview, GetKit, GetMyInterviews, ScheduleForm};
use app::interviews::CancelInput;
use app::openings::api::{
    AddStage, CopyPlan, DeleteStage, GetOpening, GetPlan, ListOpenings, OpeningAudit, UpdateOpening,
};
use app::openings::{CopyPlanInput, OpeningInput, StageInput};
use app::paging::PageNumber;
use app::skills::api::ListSkillAreas;
use app::values::Checkbox;
use hireloop_tests::fixture::external;
use hireloop_tests::{spawn_app, Answer, Backend, Fixture, Options, TestApp, TestResult};
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;
use serde::Serialize;

cases! {
    http: [an_internal_candidates_manager_finds_no_trace],
    browser: [],
}

/// Everything that identifies Jordan's candidacy.
pub(crate) struct Traces {
    words: Vec<String>,
    ids: Vec<(&'static str, i64)>,
}

impl Traces {
    pub(crate) fn of(fx: &Fixture) -> Self {
        Self {
            words: [
                "Jordan",
                "Blake",
                "jordan.blake@example.com",
                "Customer Support",
                "Support specialist",
                "test checklists",
            ]
            .into_iter()
            .map(ToOwned::to_owned)
            .collect(),
            ids: vec![
                ("candidate_id", fx.jordan),
                ("application_id", fx.jordan_application),
                ("interview_id", fx.jordan_interview),
            ],
        }
    }

    /// Fails if `body` names Jordan or carries one of his ids under its own key.
    pub(crate) fn absent(&self, what: &str, body: &str) -> anyhow::Result<()> {
        for word in &self.words {
            ensure!(
                !body.contains(word.as_str()),
                "{what} shows {word:?}: {body}"
            );
        }
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(body) {
            self.absent_ids(what, &value)?;
        }
        Ok(())
    }

    fn absent_ids(&self, what: &str, value: &serde_json::Value) -> anyhow::Result<()> {
        match value {
            serde_json::Value::Object(map) => {
                for (key, field) in map {
                    for (id_key, id) in &self.ids {
                        ensure!(
                            !(key == id_key && field.as_i64() == Some(*id)),
                            "{what} carries {key} {id}"
                        );
                    }
                    self.absent_ids(what, field)?;
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    self.absent_ids(what, item)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Calls `args` as Sam; the call must succeed and carry no trace of Jordan.
async fn clean<S>(
    app: &TestApp,
    sam: &reqwest::Client,
    traces: &Traces,
    args: S,
) -> anyhow::Result<S::Output>
where
    S: ServerFn<Error = AppError> + Serialize,
    S::Output: serde::de::DeserializeOwned + std::fmt::Debug,
{
    let answer: Answer<S::Output> = app.call(sam, args).await?;
    traces.absent(S::PATH, &answer.body)?;
    answer.ok().with_context(|| S::PATH.to_owned())
}

/// The hidden record and a made-up one get byte-for-byte the same answer: not found.
pub(crate) async fn same_as_missing<S, F>(
    app: &TestApp,
    sam: &reqwest::Client,
    traces: &Traces,
    make: F,
    hidden: i64,
) -> anyhow::Result<()>
where
    S: ServerFn<Error = AppError> + Serialize,
    S::Output: serde::de::DeserializeOwned + std::fmt::Debug,
    F: Fn(i64) -> S,
{
    let before = app.digest().await?;
    let hidden_answer = app.call(sam, make(hidden)).await?;
    let missing_answer = app.call(sam, make(987_654)).await?;
    ensure!(
        hidden_answer.status == StatusCode::NOT_FOUND
            && hidden_answer.status == missing_answer.status
            && hidden_answer.body == missing_answer.body,
        "{}: hidden {} {} vs missing {} {}",
        S::PATH,
        hidden_answer.status,
        hidden_answer.body,
        missing_answer.status,
        missing_answer.body
    );
    traces.absent(S::PATH, &hidden_answer.body)?;
    app.ensure_unchanged(&before, S::PATH).await
}

/// Counts, flags and refusals that read applications: none may depend on Jordan's.
async fn side_channels(
    app: &TestApp,
    fx: &Fixture,
    sam: &reqwest::Client,
    admin: &reqwest::Client,
    traces: &Traces,
) -> anyhow::Result<()> {
    // The plan editor: whether a plan can be copied in depends only on the plan's stages,
    // and the refusal reads the same for Backend Engineer (Jordan's opening) as for Sam's
    // other opening, which has no hidden candidacy.
    let plan = clean(
        app,
        sam,
        traces,
        GetPlan {
            opening_id: fx.backend,
        },
    )
    .await?;
    ensure!(!plan.can_copy, "a plan with stages takes no copy");
    let copy = |into: i64, from: i64| CopyPlan {
        opening_id: into,
        input: CopyPlanInput {
            source_id: from.to_string(),
        },
    };
    let hidden = app.call(sam, copy(fx.backend, fx.support_lead)).await?;
    let visible = app.call(sam, copy(fx.support_lead, fx.backend)).await?;
    traces.absent("copy refusal", &hidden.body)?;
    ensure!(
        hidden.status == StatusCode::CONFLICT && hidden.body == visible.body,
        "{} vs {}",
        hidden.body,
        visible.body
    );
    // A stage only Jordan has been in refuses deletion in the same words as one Maria has
    // been in.
    let admin_stage = |name: &'static str| AddStage {
        opening_id: fx.backend,
        input: StageInput {
            name: name.into(),
            kind: "review".into(),
            skip_for_internal: Checkbox(false),
        },
    };
    let hidden_stage = app.call(admin, admin_stage("Side room")).await?.ok()?;
    let visible_stage = app.call(admin, admin_stage("Front room")).await?.ok()?;
    for (application, stage) in [
        (fx.jordan_application, hidden_stage),
        (fx.maria_application, visible_stage),
    ] {
        for to in [stage, fx.loop_stage] {
            app.call(
                admin,
                MoveApplication {
                    id: application,
                    input: MoveInput {
                        stage_id: to.to_string(),
                    },
                },
            )
            .await?
            .ok()?;
        }
    }
    let hidden = app
        .call(
            sam,
            DeleteStage {
                stage_id: hidden_stage,
            },
        )
        .await?;
    let visible = app
        .call(
            sam,
            DeleteStage {
                stage_id: visible_stage,
            },
        )
        .await?;
    traces.absent("stage refusal", &hidden.body)?;
    ensure!(
        hidden.status == StatusCode::CONFLICT
            && hidden.body.replace("Side room", "Front room") == visible.body
            && !hidden.body.contains("Candidates"),
        "{} vs {}",
        hidden.body,
        visible.body
    );
    // Skill areas: no use counts for Sam (they count Jordan's interview); admins get them.
    let areas = clean(app, sam, traces, ListSkillAreas {}).await?;
    ensure!(areas.iter().all(|a| a.uses.is_none()), "{areas:?}");
    let areas = app.call(admin, ListSkillAreas {}).await?.ok()?;
    ensure!(areas.iter().all(|a| a.uses.is_some()), "{areas:?}");
    Ok(())
}

pub async fn an_internal_candidates_manager_finds_no_trace(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let traces = Traces::of(&fx);
    // Make Sam, Jordan's manager, the hiring manager of the very opening Jordan applied to.
    let admin = app.login(&fx.people.admin).await?;
    app.call(
        &admin,
        UpdateOpening {
            id: fx.backend,
            input: OpeningInput {
                title: "Backend Engineer".into(),
                team: "Platform".into(),
                level: "Senior".into(),
                location: "Remote".into(),
                description: String::new(),
                hiring_manager_id: fx.people.manager.id.to_string(),
                status: "open".into(),
                skills: vec![fx.skills.backend],
            },
        },
    )
    .await?
    .ok()?;
    let sam = app.login(&fx.people.manager).await?;
    // Lists, counts, searches.
    let (openings, _) = clean(
        &app,
        &sam,
        &traces,
        ListOpenings {
            page: PageNumber::default(),
        },
    )
    .await?;
    let backend_line = openings
        .items
        .iter()
        .find(|o| o.id == fx.backend)
        .context("Sam sees the opening")?;
    ensure!(
        backend_line.active_candidates == 2,
        "Jordan is not counted: {backend_line:?}"
    );
    let board = clean(
        &app,
        &sam,
        &traces,
        GetBoard {
            opening_id: fx.backend,
            query: BoardQuery::default(),
        },
    )
    .await?;
    ensure!(
        board
            .columns
            .iter()
            .flat_map(|c| &c.cards)
            .any(|c| c.candidate_name == "Maria Garcia"),
        "the rest of the board is there"
    );
    let page = clean(
        &app,
        &sam,
        &traces,
        GetOpeningPage {
            opening_id: fx.backend,
            query: BoardQuery::default(),
        },
    )
    .await?;
    ensure!(page.board == board, "the opening page shows the same board");
    for kind in ["internal", "external", ""] {
        clean(
            &app,
            &sam,
            &traces,
            GetBoard {
                opening_id: fx.backend,
                query: BoardQuery {
                    kind: kind.into(),
                    ..BoardQuery::default()
                },
            },
        )
        .await?;
    }
    for query in ["", "jordan", "Blake", "example.com"] {
        clean(
            &app,
            &sam,
            &traces,
            SearchCandidates {
                page: PageNumber::default(),
                query: query.into(),
            },
        )
        .await?;
    }
    clean(&app, &sam, &traces, GetDashboard {}).await?;
    clean(
        &app,
        &sam,
        &traces,
        GetMyInterviews {
            past_page: PageNumber::default(),
        },
    )
    .await?;
    let audit = clean(
        &app,
        &sam,
        &traces,
        OpeningAudit {
            page: PageNumber::default(),
            opening_id: fx.backend,
        },
    )
    .await?;
    ensure!(
        audit
            .items
            .iter()
            .any(|e| e.summary.contains("Maria Garcia")),
        "other entries are there"
    );
    clean(&app, &sam, &traces, GetOpening { id: fx.backend }).await?;
    side_channels(&app, &fx, &sam, &admin, &traces).await?;
    // Direct access answers exactly like a record that does not exist.
    same_as_missing(&app, &sam, &traces, |id| GetCandidate { id }, fx.jordan).await?;
    same_as_missing(&app, &sam, &traces, |id| CandidateForm { id }, fx.jordan).await?;
    same_as_missing(
        &app,
        &sam,
        &traces,
        |id| GetApplication { id },
        fx.jordan_application,
    )
    .await?;
    same_as_missing(
        &app,
        &sam,
        &traces,
        |id| MoveApplication {
            id,
            input: MoveInput {
                stage_id: fx.review_stage.to_string(),
            },
        },
        fx.jordan_application,
    )
    .await?;
    same_as_missing(
        &app,
        &sam,
        &traces,
        |id| SetApplicationStatus {
            id,
            input: StatusInput {
                status: "rejected".into(),
                reason: "x".into(),
            },
        },
        fx.jordan_application,
    )
    .await?;
    same_as_missing(
        &app,
        &sam,
        &traces,
        |application_id| ScheduleForm {
            application_id,
            template_id: 0,
            rows: 0,
        },
        fx.jordan_application,
    )
    .await?;
    same_as_missing(
        &app,
        &sam,
        &traces,
        |id| GetInterview { id },
        fx.jordan_interview,
    )
    .await?;
    same_as_missing(
        &app,
        &sam,
        &traces,
        |id| CancelInterview {
            id,
            input: CancelInput { reason: "x".into() },
        },
        fx.jordan_interview,
    )
    .await?;
    same_as_missing(
        &app,
        &sam,
        &traces,
        |interview_id| GetKit { interview_id },
        fx.jordan_interview,
    )
    .await?;
    same_as_missing(
        &app,
        &sam,
        &traces,
        |candidate_id| ApplyCandidate {
            candidate_id,
            input: ApplyInput {
                opening_id: fx.support_lead.to_string(),
            },
        },
        fx.jordan,
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
        traces.absent(&hidden, &html)?;
    }
    let pdf = sam
        .get(app.url(&format!("/candidates/{}/resume.pdf", fx.jordan)))
        .send()
        .await?;
    ensure!(pdf.status() == StatusCode::NOT_FOUND);
    // Adding Jordan by email reveals nothing: a separate external record is created.
    let answer = app
        .call(
            &sam,
            CreateCandidate {
                input: external("J. B.", "jordan.blake@example.com"),
            },
        )
        .await?;
    ensure!(!answer.body.contains("Jordan"), "{}", answer.body);
    let CreateOutcome::Created { id } = answer.ok()? else {
        anyhow::bail!("the hidden record was offered");
    };
    ensure!(id != fx.jordan, "a separate record");
    // The application notes that its hiring manager cannot see it... and an admin still sees
    // everything.
    let detail = app
        .call(
            &admin,
            GetApplication {
                id: fx.jordan_application,
            },
        )
        .await?
        .ok()?;
    ensure!(detail.hidden_from_hiring_manager, "{detail:?}");
    let board = app
        .call(
            &admin,
            GetBoard {
                opening_id: fx.backend,
                query: BoardQuery::default(),
            },
        )
        .await?
        .ok()?;
    ensure!(board
        .columns
        .iter()
        .flat_map(|c| &c.cards)
        .any(|c| c.candidate_id == fx.jordan));
    app.stop().await;
    Ok(())
}
