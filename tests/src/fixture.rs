//! A realistic hiring set-up built through the application's own services, acting as the
//! people who would do it (fast, and subject to the same rules and access checks as the UI):
//! an opening with a plan, external and internal candidates, and scheduled loops.

use crate::app::{TestApp, TestUser};
use anyhow::Context;
use app::access::{self, ApplicationScope, OpeningScope, Planner};
use app::auth::CurrentUser;
use app::candidates::{CandidateInput, CreateOutcome};
use app::error::AppError;
use app::interviews::{InterviewerInput, ScheduleInput};
use app::openings::{service as openings, OpeningInput, StageInput, TemplateInput};
use app::skills::SkillAreaInput;
use app::values::{Checkbox, Role};

/// Turns an application error into a test failure that says what was being done.
pub fn app_error(what: &'static str) -> impl Fn(AppError) -> anyhow::Error {
    move |e| anyhow::anyhow!("{what}: {e:?}")
}

/// Who is who in the fixture.
#[derive(Debug, Clone)]
pub struct People {
    pub admin: TestUser,
    /// Hiring manager of the Backend Engineer opening.
    pub hiring_manager: TestUser,
    /// Interviews Maria and Jordan.
    pub interviewer: TestUser,
    /// Jordan's current manager; also hiring manager of another opening and an
    /// interviewer in Maria's loop — none of which lets him see Jordan's candidacy.
    pub manager: TestUser,
    /// A member with no role in hiring.
    pub member: TestUser,
    pub priya: TestUser,
    /// Interviews Maria on communication (an interview Ivan is not part of).
    pub tom: TestUser,
}

/// Ids of everything the fixture made.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub people: People,
    pub backend: i64,
    pub support_lead: i64,
    pub empty_opening: i64,
    pub review_stage: i64,
    pub phone_stage: i64,
    pub loop_stage: i64,
    pub debrief_stage: i64,
    pub loop_templates: Vec<app::openings::Template>,
    pub skills: Skills,
    pub maria: i64,
    pub maria_application: i64,
    /// Ivan (back-end) and Sam (product sense), day 2, 10:00–11:00 UTC.
    pub maria_interview: i64,
    /// Tom alone (communication), day 2, 12:00–12:45 UTC.
    pub maria_tom_interview: i64,
    pub jordan: i64,
    pub jordan_application: i64,
    /// Ivan (data modelling), day 2, 14:00–14:45 UTC.
    pub jordan_interview: i64,
    pub noah: i64,
    pub amara_application: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct Skills {
    pub backend: i64,
    pub data: i64,
    pub communication: i64,
    pub testing: i64,
    pub product: i64,
    pub scratch: i64,
}

/// The signed-in form of a test user, as the services take it.
pub async fn actor(app: &TestApp, user: &TestUser) -> anyhow::Result<CurrentUser> {
    app::auth::service::user_by_email(&app.db, &user.email)
        .await
        .map_err(app_error("loading an actor"))?
        .context("actor is not active")
}

/// `user` as a planner (admin or hiring manager).
pub async fn planner(app: &TestApp, user: &TestUser) -> anyhow::Result<Planner> {
    access::require_planner(&app.db, actor(app, user).await?)
        .await
        .map_err(app_error("acting as a planner"))
}

/// `user` as the manager of `opening`.
pub async fn opening_scope(
    app: &TestApp,
    user: &TestUser,
    opening: i64,
) -> anyhow::Result<OpeningScope> {
    access::require_opening_manager(&app.db, actor(app, user).await?, opening)
        .await
        .map_err(app_error("acting as the opening's manager"))
}

/// `user` as the manager of `application`.
pub async fn application_scope(
    app: &TestApp,
    user: &TestUser,
    application: i64,
) -> anyhow::Result<ApplicationScope> {
    access::require_application_manager(&app.db, actor(app, user).await?, application)
        .await
        .map_err(app_error("acting as the application's manager"))
}

/// An external candidate's form.
pub fn external(name: &str, email: &str) -> CandidateInput {
    CandidateInput {
        name: name.into(),
        email: email.into(),
        kind: "external".into(),
        source: "referral".into(),
        resume_text: format!("# {name}\n\nEngineer. Likes **Rust**."),
        ..CandidateInput::default()
    }
}

/// The scheduling form for one interview of `template` with `interviewers` (user, skill
/// areas), times in UTC, warnings confirmed.
pub fn schedule_input(
    template: &app::openings::Template,
    date: &str,
    start: &str,
    end: &str,
    interviewers: &[(i64, &[i64])],
) -> ScheduleInput {
    ScheduleInput {
        template_id: template.id.to_string(),
        title: template.name.clone(),
        date: date.into(),
        start_time: start.into(),
        end_time: end.into(),
        timezone: "UTC".into(),
        location: "Room 4 / https://meet.example/x".into(),
        interviewers: interviewers
            .iter()
            .map(|(user, skills)| InterviewerInput {
                user_id: user.to_string(),
                skills: skills.to_vec(),
            })
            .collect(),
        confirm: Checkbox(true),
    }
}

/// Schedules through the service as `by`, the application's manager.
pub async fn schedule(
    app: &TestApp,
    by: &TestUser,
    application: i64,
    input: &ScheduleInput,
) -> Result<i64, AppError> {
    let scope = access::require_application_manager(
        &app.db,
        actor(app, by).await.map_err(|_| AppError::Unexpected)?,
        application,
    )
    .await?;
    app::interviews::service::schedule(&app.db, &scope, input, app.clock.now()).await
}

impl Fixture {
    pub async fn new(app: &TestApp) -> anyhow::Result<Self> {
        let people = People {
            admin: app.create_user("Ada Admin", Role::Admin).await?,
            hiring_manager: app.create_user("Hannah Manager", Role::Member).await?,
            interviewer: app.create_user("Ivan Interviewer", Role::Member).await?,
            manager: app.create_user("Sam Supportlead", Role::Member).await?,
            member: app.create_user("Olga Outsider", Role::Member).await?,
            priya: app.create_user("Priya Nair", Role::Member).await?,
            tom: app.create_user("Tom Okafor", Role::Member).await?,
        };
        let db = &app.db;
        let now = app.clock.now();
        let admin = access::require_admin(actor(app, &people.admin).await?)
            .map_err(app_error("acting as the admin"))?;
        let skill = |name: &'static str| {
            let admin = admin.clone();
            async move {
                let input = SkillAreaInput { name: name.into() };
                app::skills::service::create(db, &admin, &input, now)
                    .await
                    .map_err(app_error("adding a skill area"))
            }
        };
        let skills = Skills {
            backend: skill("Back-end").await?,
            data: skill("Data modelling").await?,
            communication: skill("Communication").await?,
            testing: skill("Testing & quality").await?,
            product: skill("Product sense").await?,
            scratch: skill("Scratch area").await?,
        };
        let ada = planner(app, &people.admin).await?;
        let opening = |title: &str, manager: i64, required: Vec<i64>| OpeningInput {
            title: title.into(),
            team: "Platform".into(),
            level: "Senior".into(),
            location: "Remote".into(),
            description: "Build **things**.".into(),
            hiring_manager_id: manager.to_string(),
            status: "open".into(),
            skills: required,
        };
        let create = |input: OpeningInput| {
            let ada = ada.clone();
            async move {
                openings::create(db, &ada, &input, now)
                    .await
                    .map_err(app_error("creating an opening"))
            }
        };
        let backend = create(opening(
            "Backend Engineer",
            people.hiring_manager.id,
            vec![skills.backend, skills.data, skills.communication],
        ))
        .await?;
        let support_lead = create(opening("Support Lead", people.manager.id, vec![])).await?;
        let empty_opening = create(opening("Empty Role", people.hiring_manager.id, vec![])).await?;
        let stage = |opening: i64, name: &'static str, kind: &'static str, skip: bool| {
            let people = people.clone();
            async move {
                let scope = opening_scope(app, &people.admin, opening).await?;
                let input = StageInput {
                    name: name.into(),
                    kind: kind.into(),
                    skip_for_internal: Checkbox(skip),
                };
                openings::add_stage(db, &scope, &input, now)
                    .await
                    .map_err(app_error("adding a stage"))
            }
        };
        let review_stage = stage(backend, "Application review", "review", false).await?;
        let phone_stage = stage(backend, "Phone screen", "interview", true).await?;
        let loop_stage = stage(backend, "Technical loop", "interview", false).await?;
        let debrief_stage = stage(backend, "Debrief", "debrief", false).await?;
        stage(support_lead, "Conversation", "review", false).await?;
        let template = |stage: i64, name: &'static str, minutes: &'static str, area: i64| {
            let people = people.clone();
            async move {
                let managed = openings::managed_stage(db, actor(app, &people.admin).await?, stage)
                    .await
                    .map_err(app_error("loading a stage"))?;
                let input = TemplateInput {
                    name: name.into(),
                    duration_minutes: minutes.into(),
                    skills: vec![area],
                    agenda_template_id: String::new(),
                };
                openings::add_template(db, &managed, &input, now)
                    .await
                    .map_err(app_error("adding a template"))
            }
        };
        template(phone_stage, "Phone screen", "30", skills.communication).await?;
        template(loop_stage, "Back-end deep dive", "60", skills.backend).await?;
        template(loop_stage, "Data modelling", "45", skills.data).await?;
        template(loop_stage, "Communication", "45", skills.communication).await?;
        let loop_templates = openings::stages(
            db,
            &opening_scope(app, &people.hiring_manager, backend).await?,
        )
        .await
        .map_err(app_error("loading stages"))?
        .into_iter()
        .find(|s| s.id == loop_stage)
        .map(|s| s.templates)
        .unwrap_or_default();

        let hm = planner(app, &people.hiring_manager).await?;
        let apply = |input: CandidateInput, opening: Option<i64>| {
            let hm = hm.clone();
            async move {
                let input = CandidateInput {
                    apply_to: opening.map(|o| o.to_string()).unwrap_or_default(),
                    ..input
                };
                let (outcome, application) =
                    app::applications::service::create_and_apply(db, &hm, &input, now)
                        .await
                        .map_err(app_error("adding a candidate"))?;
                let CreateOutcome::Created { id } = outcome else {
                    anyhow::bail!("candidate already existed");
                };
                Ok((id, application))
            }
        };
        let (maria, maria_application) =
            apply(external("Maria Garcia", "maria@example.com"), Some(backend)).await?;
        let maria_application = maria_application.context("Maria applied")?;
        let (_, amara_application) =
            apply(external("Amara Okoye", "amara@example.com"), Some(backend)).await?;
        let (noah, _) = apply(external("Noah Smith", "noah@example.com"), None).await?;
        let jordan_input = CandidateInput {
            name: "Jordan Blake".into(),
            email: "jordan.blake@example.com".into(),
            kind: "internal".into(),
            resume_text: "Support specialist who writes test checklists.".into(),
            current_title: "Support specialist".into(),
            current_team: "Customer Support".into(),
            current_manager_id: people.manager.id.to_string(),
            start_date: "2022-04-04".into(),
            ..CandidateInput::default()
        };
        let (jordan, jordan_application) = apply(jordan_input, Some(backend)).await?;
        let jordan_application = jordan_application.context("Jordan applied")?;

        for application in [maria_application, jordan_application] {
            let scope = application_scope(app, &people.hiring_manager, application).await?;
            app::applications::service::move_to_stage(
                db,
                &scope,
                &app::applications::MoveInput {
                    stage_id: loop_stage.to_string(),
                },
                now,
            )
            .await
            .map_err(app_error("moving to the loop"))?;
        }
        let day2 = app.day(2);
        let hannah = &people.hiring_manager;
        let maria_interview = schedule(
            app,
            hannah,
            maria_application,
            &schedule_input(
                &loop_templates[0],
                &day2,
                "10:00",
                "11:00",
                &[
                    (people.interviewer.id, &[skills.backend]),
                    (people.manager.id, &[skills.product]),
                ],
            ),
        )
        .await
        .map_err(app_error("scheduling Maria"))?;
        let maria_tom_interview = schedule(
            app,
            hannah,
            maria_application,
            &schedule_input(
                &loop_templates[2],
                &day2,
                "12:00",
                "12:45",
                &[(people.tom.id, &[skills.communication])],
            ),
        )
        .await
        .map_err(app_error("scheduling Maria's second interview"))?;
        let jordan_interview = schedule(
            app,
            hannah,
            jordan_application,
            &schedule_input(
                &loop_templates[1],
                &day2,
                "14:00",
                "14:45",
                &[(people.interviewer.id, &[skills.data])],
            ),
        )
        .await
        .map_err(app_error("scheduling Jordan"))?;
        Ok(Self {
            people,
            backend,
            support_lead,
            empty_opening,
            review_stage,
            phone_stage,
            loop_stage,
            debrief_stage,
            loop_templates,
            skills,
            maria,
            maria_application,
            maria_interview,
            maria_tom_interview,
            jordan,
            jordan_application,
            jordan_interview,
            noah,
            amara_application: amara_application.context("Amara applied")?,
        })
    }
}
