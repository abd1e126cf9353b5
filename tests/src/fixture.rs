//! A realistic hiring set-up built through the application's own services (fast, and
//! subject to the same rules as the UI): an opening with a plan, external and internal
//! candidates, and a scheduled loop.

use crate::app::{TestApp, TestUser};
use anyhow::Context;
use app::auth::CurrentUser;
use app::error::AppError;
use app::openings::service as openings;

fn app_error(what: &'static str) -> impl Fn(AppError) -> anyhow::Error {
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
    pub maria_interview: i64,
    pub jordan: i64,
    pub jordan_application: i64,
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

/// The signed-in form of a test user, as services take it.
pub async fn actor(app: &TestApp, user: &TestUser) -> anyhow::Result<CurrentUser> {
    app::auth::service::session_user(&app.db, user.id, 0)
        .await
        .map_err(app_error("loading an actor"))?
        .context("actor is not active")
}

/// A day `days` from now, as `YYYY-MM-DD` in UTC.
pub fn day(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn external(name: &str, email: &str) -> app::candidates::service::CandidateInput {
    app::candidates::service::CandidateInput {
        name: name.into(),
        email: email.into(),
        kind: "external".into(),
        source: "referral".into(),
        resume_text: format!("# {name}\n\nEngineer. Likes **Rust**."),
        ..Default::default()
    }
}

/// Schedules one interview of a template with one interviewer (UTC times).
pub async fn schedule_one(
    app: &TestApp,
    by: &CurrentUser,
    application: i64,
    template: &app::openings::Template,
    date: &str,
    start: &str,
    end: &str,
    interviewers: Vec<(String, Vec<i64>)>,
) -> Result<i64, AppError> {
    app::interviews::service::schedule(
        &app.db,
        by,
        &app::interviews::service::ScheduleInput {
            application_id: application,
            template_id: Some(template.id),
            title: template.name.clone(),
            date: date.into(),
            start_time: start.into(),
            end_time: end.into(),
            timezone: "UTC".into(),
            location: "Room 4 / https://meet.example/x".into(),
            interviewers,
            confirmed: true,
        },
    )
    .await
}

impl Fixture {
    pub async fn new(app: &TestApp) -> anyhow::Result<Self> {
        let people = People {
            admin: app.create_user("Ada Admin", "admin").await?,
            hiring_manager: app.create_user("Hannah Manager", "member").await?,
            interviewer: app.create_user("Ivan Interviewer", "member").await?,
            manager: app.create_user("Sam Supportlead", "member").await?,
            member: app.create_user("Olga Outsider", "member").await?,
            priya: app.create_user("Priya Nair", "member").await?,
            tom: app.create_user("Tom Okafor", "member").await?,
        };
        let db = &app.db;
        let admin = actor(app, &people.admin).await?;
        let skill = |name: &'static str| {
            let admin = admin.clone();
            async move {
                app::skills::service::create(db, &admin, name)
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
        let opening = |title: &str, manager: i64, required: Vec<i64>| openings::OpeningInput {
            title: title.into(),
            team: "Platform".into(),
            level: "Senior".into(),
            location: "Remote".into(),
            description: "Build **things**.".into(),
            hiring_manager_id: manager.to_string(),
            status: "open".into(),
            skills: required,
        };
        let backend = openings::create(
            db,
            &admin,
            &opening(
                "Backend Engineer",
                people.hiring_manager.id,
                vec![skills.backend, skills.data, skills.communication],
            ),
        )
        .await
        .map_err(app_error("creating the opening"))?;
        let support_lead = openings::create(
            db,
            &admin,
            &opening("Support Lead", people.manager.id, vec![]),
        )
        .await
        .map_err(app_error("creating the second opening"))?;
        let empty_opening = openings::create(
            db,
            &admin,
            &opening("Empty Role", people.hiring_manager.id, vec![]),
        )
        .await
        .map_err(app_error("creating the third opening"))?;
        let stage = |opening: i64, name: &'static str, kind: &'static str, skip: bool| {
            let admin = admin.clone();
            async move {
                openings::add_stage(db, &admin, opening, name, kind, skip)
                    .await
                    .map_err(app_error("adding a stage"))
            }
        };
        let review_stage = stage(backend, "Application review", "review", false).await?;
        let phone_stage = stage(backend, "Phone screen", "interview", true).await?;
        let loop_stage = stage(backend, "Technical loop", "interview", false).await?;
        let debrief_stage = stage(backend, "Debrief", "debrief", false).await?;
        stage(support_lead, "Conversation", "review", false).await?;
        openings::add_template(
            db,
            &admin,
            phone_stage,
            "Phone screen",
            "30",
            &[skills.communication],
        )
        .await
        .map_err(app_error("adding a template"))?;
        for (name, minutes, area) in [
            ("Back-end deep dive", "60", skills.backend),
            ("Data modelling", "45", skills.data),
            ("Communication", "45", skills.communication),
        ] {
            openings::add_template(db, &admin, loop_stage, name, minutes, &[area])
                .await
                .map_err(app_error("adding a template"))?;
        }
        let loop_templates = openings::stages(db, backend)
            .await
            .map_err(app_error("loading stages"))?
            .into_iter()
            .find(|s| s.id == loop_stage)
            .map(|s| s.templates)
            .unwrap_or_default();

        let hm = actor(app, &people.hiring_manager).await?;
        let apply = |input: app::candidates::service::CandidateInput, opening: Option<i64>| {
            let hm = hm.clone();
            async move {
                let (outcome, application) =
                    app::applications::service::create_and_apply(db, &hm, &input, opening)
                        .await
                        .map_err(app_error("adding a candidate"))?;
                let app::candidates::CreateOutcome::Created { id } = outcome else {
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
        let jordan_input = app::candidates::service::CandidateInput {
            name: "Jordan Blake".into(),
            email: "jordan.blake@example.com".into(),
            kind: "internal".into(),
            resume_text: "Support specialist who writes test checklists.".into(),
            current_title: "Support specialist".into(),
            current_team: "Customer Support".into(),
            current_manager_id: people.manager.id.to_string(),
            start_date: "2022-04-04".into(),
            ..Default::default()
        };
        let (jordan, jordan_application) = apply(jordan_input, Some(backend)).await?;
        let jordan_application = jordan_application.context("Jordan applied")?;

        for application in [maria_application, jordan_application] {
            app::applications::service::move_to_stage(db, &hm, application, loop_stage)
                .await
                .map_err(app_error("moving to the loop"))?;
        }
        let maria_interview = schedule_one(
            app,
            &hm,
            maria_application,
            &loop_templates[0],
            &day(2),
            "10:00",
            "11:00",
            vec![
                (people.interviewer.id.to_string(), vec![skills.backend]),
                (people.manager.id.to_string(), vec![skills.product]),
            ],
        )
        .await
        .map_err(app_error("scheduling Maria"))?;
        let jordan_interview = schedule_one(
            app,
            &hm,
            jordan_application,
            &loop_templates[1],
            &day(2),
            "14:00",
            "14:45",
            vec![(people.interviewer.id.to_string(), vec![skills.data])],
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
            jordan,
            jordan_application,
            jordan_interview,
            noah,
            amara_application: amara_application.context("Amara applied")?,
        })
    }
}
