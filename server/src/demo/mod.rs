//! `hireloop demo-data`: a small, realistic data set to explore the app with.
//! Running it again leaves existing records alone. `--scale N` adds a company's years of
//! hiring on top (see [`scale`]).

mod agendas;
mod bulk;
mod challenges;
mod feedback;
pub mod scale;
mod words;

use anyhow::Context;
use app::access::{self, ApplicationScope, OpeningScope, Planner};
use app::applications::service as applications;
use app::auth::password;
use app::auth::CurrentUser;
use app::candidates::CandidateInput;
use app::clock::Clock;
use app::db::Db;
use app::error::AppError;
use app::interviews::{InterviewerInput, ScheduleInput};
use app::openings::{OpeningInput, StageInput, TemplateInput};
use app::users::service::{self as users, NewUser};
use app::values::{Checkbox, Email, NewPassword, Role};
use std::collections::BTreeMap;

/// The password of every demo account (printed by the command).
pub const DEMO_PASSWORD: &str = "hireloop-demo";

/// A demo account: name, email, role, time zone, what they do.
pub struct DemoUser {
    pub name: &'static str,
    pub email: &'static str,
    pub role: Role,
    pub timezone: &'static str,
    pub does: &'static str,
}

pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        name: "Ada Lovelace",
        email: "ada@hireloop.test",
        role: Role::Admin,
        timezone: "Europe/London",
        does: "admin",
    },
    DemoUser {
        name: "Hannah Kim",
        email: "hannah@hireloop.test",
        role: Role::Member,
        timezone: "America/New_York",
        does: "hiring manager, Backend Engineer",
    },
    DemoUser {
        name: "Quinn Lee",
        email: "quinn@hireloop.test",
        role: Role::Member,
        timezone: "Europe/Berlin",
        does: "hiring manager, QA Engineer",
    },
    DemoUser {
        name: "Ivan Petrov",
        email: "ivan@hireloop.test",
        role: Role::Member,
        timezone: "Europe/Berlin",
        does: "interviewer (back-end)",
    },
    DemoUser {
        name: "Priya Nair",
        email: "priya@hireloop.test",
        role: Role::Member,
        timezone: "Asia/Kolkata",
        does: "interviewer (data modelling)",
    },
    DemoUser {
        name: "Tom Okafor",
        email: "tom@hireloop.test",
        role: Role::Member,
        timezone: "Europe/London",
        does: "interviewer (communication)",
    },
    DemoUser {
        name: "Sam Rivera",
        email: "sam@hireloop.test",
        role: Role::Member,
        timezone: "America/Chicago",
        does: "customer support manager",
    },
];

/// Seeds the demo data set; returns how many accounts were created.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let now = Clock::system().now();
    let created = seed_users(db, now).await?;
    challenges::seed(db, now).await?;
    seed_pipeline(db, now).await?;
    Ok(created)
}

async fn seed_users(db: &Db, now: i64) -> anyhow::Result<usize> {
    let password = NewPassword::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let hash = password::Hasher::default().hash(&password).await?;
    let mut created = 0;
    let mut tx = app::db::begin_write(db).await?;
    for user in DEMO_USERS {
        let email = Email::parse(user.email).map_err(anyhow::Error::msg)?;
        if users::account_by_email(db, &email)
            .await
            .map_err(app_error("checking a demo user"))?
            .is_some()
        {
            continue;
        }
        users::insert_account(
            &mut *tx,
            &NewUser {
                name: user.name,
                email: user.email,
                timezone: user.timezone,
                role: user.role,
                password_hash: Some(&hash),
            },
            now,
        )
        .await
        .map_err(app_error("creating a demo user"))?;
        created += 1;
    }
    tx.commit().await.context("committing the demo data")?;
    app::auth::service::mark_initialised(db, now)
        .await
        .map_err(app_error("marking the instance as set up"))?;
    Ok(created)
}

/// The skill areas every new instance starts with.
pub const DEMO_SKILL_AREAS: [&str; 7] = [
    "Back-end",
    "Front-end",
    "Data modelling",
    "Testing & quality",
    "Communication",
    "Curiosity & learning",
    "Product sense",
];

fn app_error(context: &'static str) -> impl Fn(AppError) -> anyhow::Error {
    move |e| anyhow::anyhow!("{context}: {e:?}")
}

/// A demo user, signed in as a session would sign them in.
async fn demo_user(db: &Db, email: &str) -> anyhow::Result<CurrentUser> {
    app::auth::service::user_by_email(db, email)
        .await
        .map_err(app_error("reading a demo user"))?
        .with_context(|| format!("demo user {email} is missing"))
}

async fn planner(db: &Db, email: &str) -> anyhow::Result<Planner> {
    access::require_planner(db, demo_user(db, email).await?)
        .await
        .map_err(app_error("acting as a planner"))
}

async fn opening_scope(db: &Db, email: &str, opening: i64) -> anyhow::Result<OpeningScope> {
    access::require_opening_manager(db, demo_user(db, email).await?, opening)
        .await
        .map_err(app_error("acting as the hiring manager"))
}

async fn application_scope(
    db: &Db,
    email: &str,
    application: i64,
) -> anyhow::Result<ApplicationScope> {
    access::require_application_manager(db, demo_user(db, email).await?, application)
        .await
        .map_err(app_error("acting as the hiring manager"))
}

/// A plan stage: name, kind, skipped by internal candidates, interviews (name, minutes, skill).
type StageSpec = (
    &'static str,
    &'static str,
    bool,
    &'static [(&'static str, i64, &'static str)],
);

struct OpeningSpec {
    title: &'static str,
    team: &'static str,
    level: &'static str,
    location: &'static str,
    description: &'static str,
    manager: &'static str,
    required: &'static [&'static str],
    plan: &'static [StageSpec],
}

const BACKEND: OpeningSpec = OpeningSpec {
    title: "Backend Engineer",
    team: "Platform",
    level: "Senior",
    location: "Remote (EU/US)",
    description: "We are looking for a **back-end engineer** to own our scheduling and notification services.\n\n- Rust and PostgreSQL in production\n- Designing data models that age well\n- Explaining trade-offs to product and support",
    manager: "hannah@hireloop.test",
    required: &["Back-end", "Data modelling", "Communication"],
    plan: &[
        ("Application review", "review", false, &[]),
        ("Phone screen", "interview", true, &[("Phone screen", 30, "Communication")]),
        (
            "Technical loop",
            "interview",
            false,
            &[
                ("Back-end deep dive", 60, "Back-end"),
                ("Data modelling", 45, "Data modelling"),
                ("Communication & collaboration", 45, "Communication"),
            ],
        ),
        ("Debrief", "debrief", false, &[]),
        ("Offer", "offer", false, &[]),
    ],
};

const QA: OpeningSpec = OpeningSpec {
    title: "QA Engineer",
    team: "Quality",
    level: "Mid-level",
    location: "Berlin or remote",
    description: "Join the quality team: exploratory testing, test automation and release checks. Support experience is a plus: you know how customers really use the product.",
    manager: "quinn@hireloop.test",
    required: &["Testing & quality", "Communication", "Curiosity & learning"],
    plan: &[
        ("Application review", "review", false, &[]),
        ("Phone screen", "interview", true, &[("Phone screen", 30, "Communication")]),
        (
            "Technical loop",
            "interview",
            false,
            &[
                ("Testing exercise", 60, "Testing & quality"),
                ("Learning conversation", 45, "Curiosity & learning"),
                ("Team fit", 45, "Communication"),
            ],
        ),
        ("Debrief", "debrief", false, &[]),
        ("Offer", "offer", false, &[]),
    ],
};

async fn seed_pipeline(db: &Db, now: i64) -> anyhow::Result<()> {
    use app::openings::service as openings;

    let ada = demo_user(db, "ada@hireloop.test").await?;
    let admin = access::require_admin(ada.clone()).map_err(app_error("acting as the admin"))?;
    let existing: Vec<String> = app::skills::service::all(db)
        .await
        .map_err(app_error("listing skill areas"))?
        .into_iter()
        .map(|s| s.name)
        .collect();
    for name in DEMO_SKILL_AREAS {
        if !existing.iter().any(|e| e == name) {
            let input = app::skills::SkillAreaInput { name: name.into() };
            app::skills::service::create(db, &admin, &input, now)
                .await
                .map_err(app_error("adding a skill area"))?;
        }
    }
    let skills: BTreeMap<String, i64> = app::skills::service::all(db)
        .await
        .map_err(app_error("listing skill areas"))?
        .into_iter()
        .map(|s| (s.name, s.id))
        .collect();
    let skill = |name: &str| skills.get(name).copied().unwrap_or_default();

    let seeded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM openings WHERE title = $1")
        .bind(BACKEND.title)
        .fetch_one(db)
        .await
        .context("looking for the demo openings")?;
    if seeded > 0 {
        return Ok(());
    }

    let agendas = agendas::seed(db, now).await?;
    let ada_plans = planner(db, "ada@hireloop.test").await?;
    let mut opening_ids = Vec::new();
    for spec in [&BACKEND, &QA] {
        let manager = demo_user(db, spec.manager).await?;
        let id = openings::create(
            db,
            &ada_plans,
            &OpeningInput {
                title: spec.title.into(),
                team: spec.team.into(),
                level: spec.level.into(),
                location: spec.location.into(),
                description: spec.description.into(),
                hiring_manager_id: manager.id.to_string(),
                status: "open".into(),
                skills: spec.required.iter().map(|s| skill(s)).collect(),
            },
            now,
        )
        .await
        .map_err(app_error("creating a demo opening"))?;
        let scope = opening_scope(db, "ada@hireloop.test", id).await?;
        for (name, kind, skip, templates) in spec.plan {
            let stage_input = StageInput {
                name: (*name).into(),
                kind: (*kind).into(),
                skip_for_internal: Checkbox(*skip),
            };
            let stage = openings::add_stage(db, &scope, &stage_input, now)
                .await
                .map_err(app_error("adding a demo stage"))?;
            let in_plan = openings::managed_stage(db, ada.clone(), stage)
                .await
                .map_err(app_error("loading a demo stage"))?;
            for (template, minutes, area) in *templates {
                // Technical loops run on a time-boxed agenda.
                let agenda = if *name == "Technical loop" {
                    agendas::for_length(&agendas, *minutes)
                } else {
                    String::new()
                };
                let input = TemplateInput {
                    name: (*template).into(),
                    duration_minutes: minutes.to_string(),
                    skills: vec![skill(area)],
                    agenda_template_id: agenda,
                };
                openings::add_template(db, &in_plan, &input, now)
                    .await
                    .map_err(app_error("adding a demo interview"))?;
            }
        }
        opening_ids.push(id);
    }
    let (backend, qa) = (opening_ids[0], opening_ids[1]);
    let hannah = demo_user(db, "hannah@hireloop.test").await?;
    let quinn = demo_user(db, "quinn@hireloop.test").await?;
    let sam = demo_user(db, "sam@hireloop.test").await?;

    let hannah_plans = planner(db, "hannah@hireloop.test").await?;
    let quinn_plans = planner(db, "quinn@hireloop.test").await?;
    let maria = add_candidate(db, &hannah_plans, backend, external("Maria Garcia", "maria.garcia@example.com", "referral",
        "# Maria Garcia\n\nSenior engineer, 8 years.\n\n- **Finch Logistics** (2021–now): rewrote route planning in Rust; PostgreSQL partitioning for 2 billion events.\n- **Northwind** (2017–2021): Python services, on-call lead.\n\nTalks: *Boring data models win* (RustFest 2025)."), now).await?;
    let chen = add_candidate(db, &hannah_plans, backend, external("Chen Wei", "chen.wei@example.com", "job_board",
        "Back-end developer (Go, Kotlin), 5 years. Built the billing pipeline at a fintech start-up."), now).await?;
    add_candidate(
        db,
        &hannah_plans,
        backend,
        external(
            "Amara Okoye",
            "amara.okoye@example.com",
            "sourced",
            "Open-source maintainer of a Rust HTTP client. Previously SRE.",
        ),
        now,
    )
    .await?;
    let lukas = add_candidate(
        db,
        &hannah_plans,
        backend,
        external(
            "Lukas Berg",
            "lukas.berg@example.com",
            "agency",
            "Junior developer, 1 year of Java.",
        ),
        now,
    )
    .await?;
    let jordan_input = CandidateInput {
        name: "Jordan Blake".into(),
        email: "jordan.blake@hireloop.test".into(),
        kind: "internal".into(),
        resume_text: "Customer support specialist since 2022. Writes the release-notes test checklist the support team uses; reproduces tricky customer bugs and files them with exact steps.".into(),
        current_title: "Customer support specialist".into(),
        current_team: "Customer Support".into(),
        current_manager_id: sam.id.to_string(),
        start_date: "2022-04-04".into(),
        apply_to: qa.to_string(),
        ..Default::default()
    };
    let (_, jordan) = applications::create_and_apply(db, &quinn_plans, &jordan_input, now)
        .await
        .map_err(app_error("adding the internal demo candidate"))?;
    add_candidate(
        db,
        &quinn_plans,
        qa,
        external(
            "Noah Smith",
            "noah.smith@example.com",
            "job_board",
            "Manual tester, 3 years, learning Playwright.",
        ),
        now,
    )
    .await?;

    let stage_named = |email: &'static str, opening: i64, name: &'static str| async move {
        let scope = opening_scope(db, email, opening).await?;
        openings::stages(db, &scope)
            .await
            .map_err(app_error("loading stages"))?
            .into_iter()
            .find(|s| s.name == name)
            .map(|s| (s.id, s.templates))
            .with_context(|| format!("stage {name}"))
    };
    let hannah_email = "hannah@hireloop.test";
    let (backend_loop, backend_templates) =
        stage_named(hannah_email, backend, "Technical loop").await?;
    let (phone_screen, _) = stage_named(hannah_email, backend, "Phone screen").await?;
    move_to(db, hannah_email, maria, backend_loop, now).await?;
    move_to(db, hannah_email, chen, phone_screen, now).await?;
    applications::set_status(
        db,
        &application_scope(db, hannah_email, lukas).await?,
        &app::applications::StatusInput {
            status: "rejected".into(),
            reason: "Looking for more production experience.".into(),
        },
        now,
    )
    .await
    .map_err(app_error("rejecting a demo candidate"))?;

    // Maria's loop: three interviewers, each on a different skill area. Priya and Tom saw her
    // earlier today (Priya also judged how she explains her designs); Ivan's back-end deep
    // dive is in three days.
    let tz = app::time::zone(&hannah.timezone);
    let (day, _) = app::time::local_parts(now + 3 * 86_400, tz);
    let hour = 3600;
    let earlier = |hours_ago: i64, minutes: i64| {
        let start = (now - hours_ago * hour) / hour * hour;
        let (day, start_time) = app::time::local_parts(start, tz);
        let (_, end_time) = app::time::local_parts(start + minutes * 60, tz);
        (day, start_time, end_time)
    };
    let (priya_day, priya_start, priya_end) = earlier(6, 45);
    let (tom_day, tom_start, tom_end) = earlier(4, 45);
    let backend_loop_people = [
        ("ivan@hireloop.test", day.as_str(), "10:00", "11:00", None),
        (
            "priya@hireloop.test",
            priya_day.as_str(),
            priya_start.as_str(),
            priya_end.as_str(),
            Some(skill("Communication")),
        ),
        (
            "tom@hireloop.test",
            tom_day.as_str(),
            tom_start.as_str(),
            tom_end.as_str(),
            None,
        ),
    ];
    for ((email, day, start, end, extra), template) in
        backend_loop_people.into_iter().zip(&backend_templates)
    {
        let person = demo_user(db, email).await?;
        let slot = Slot {
            day,
            start,
            end,
            timezone: &hannah.timezone,
        };
        let mut skills: Vec<i64> = template.skill_areas.iter().map(|s| s.id).collect();
        skills.extend(extra);
        schedule(
            db,
            hannah_email,
            maria,
            template,
            &slot,
            (person.id, &skills),
            now,
        )
        .await?;
    }
    give_first_challenge(db, hannah_email, maria, "ivan@hireloop.test", now).await?;
    feedback::seed(db, &[backend, qa], maria, backend_loop, now).await?;
    // Jordan's loop so far: two interviews; "Curiosity & learning" is not covered yet.
    let quinn_email = "quinn@hireloop.test";
    let (qa_loop, qa_templates) = stage_named(quinn_email, qa, "Technical loop").await?;
    let qa_tz = app::time::zone(&quinn.timezone);
    let (qa_day, _) = app::time::local_parts(now + 4 * 86_400, qa_tz);
    if let Some(jordan) = jordan {
        move_to(db, quinn_email, jordan, qa_loop, now).await?;
        for (template, email, start, end) in [
            (&qa_templates[0], "priya@hireloop.test", "10:00", "11:00"),
            (&qa_templates[2], "tom@hireloop.test", "14:00", "14:45"),
        ] {
            let person = demo_user(db, email).await?;
            let slot = Slot {
                day: &qa_day,
                start,
                end,
                timezone: &quinn.timezone,
            };
            let skills: Vec<i64> = template.skill_areas.iter().map(|s| s.id).collect();
            schedule(
                db,
                quinn_email,
                jordan,
                template,
                &slot,
                (person.id, &skills),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

fn external(name: &str, email: &str, source: &str, resume: &str) -> CandidateInput {
    CandidateInput {
        name: name.into(),
        email: email.into(),
        kind: "external".into(),
        source: source.into(),
        resume_text: resume.into(),
        ..Default::default()
    }
}

async fn add_candidate(
    db: &Db,
    by: &Planner,
    opening: i64,
    input: CandidateInput,
    now: i64,
) -> anyhow::Result<i64> {
    let input = CandidateInput {
        apply_to: opening.to_string(),
        ..input
    };
    let (_, application) = applications::create_and_apply(db, by, &input, now)
        .await
        .map_err(app_error("adding a demo candidate"))?;
    application.context("the demo candidate was not applied")
}

async fn move_to(
    db: &Db,
    manager: &str,
    application: i64,
    stage: i64,
    now: i64,
) -> anyhow::Result<()> {
    let scope = application_scope(db, manager, application).await?;
    applications::move_to_stage(
        db,
        &scope,
        &app::applications::MoveInput {
            stage_id: stage.to_string(),
        },
        now,
    )
    .await
    .map_err(app_error("moving a demo candidate"))
}

/// A day and times in a zone, as the scheduling form takes them.
struct Slot<'a> {
    day: &'a str,
    start: &'a str,
    end: &'a str,
    timezone: &'a str,
}

async fn schedule(
    db: &Db,
    manager: &str,
    application: i64,
    template: &app::openings::Template,
    slot: &Slot<'_>,
    (interviewer, skills): (i64, &[i64]),
    now: i64,
) -> anyhow::Result<()> {
    let scope = application_scope(db, manager, application).await?;
    let input = ScheduleInput {
        template_id: template.id.to_string(),
        title: template.name.clone(),
        date: slot.day.into(),
        start_time: slot.start.into(),
        end_time: slot.end.into(),
        timezone: slot.timezone.into(),
        location: "https://meet.hireloop.test/loop".into(),
        interviewers: vec![InterviewerInput {
            user_id: interviewer.to_string(),
            skills: skills.to_vec(),
        }],
        confirm: Checkbox(true),
    };
    app::interviews::service::schedule(db, &scope, &input, now)
        .await
        .map_err(app_error("scheduling a demo interview"))?;
    Ok(())
}

/// Gives `interviewer`'s assignment in application `application` the first active challenge
/// (by title) that tests a skill area they own there, so that live mode shows one.
async fn give_first_challenge(
    db: &Db,
    manager: &str,
    application: i64,
    interviewer: &str,
    now: i64,
) -> anyhow::Result<()> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT ia.id, ia.interview_id FROM interview_assignments ia \
         JOIN interviews i ON i.id = ia.interview_id JOIN users u ON u.id = ia.user_id \
         WHERE i.application_id = $1 AND u.email = $2 ORDER BY i.starts_at LIMIT 1",
    )
    .bind(application)
    .bind(interviewer)
    .fetch_optional(db)
    .await
    .context("finding the demo interviewer's assignment")?;
    let Some((assignment, interview)) = row else {
        return Ok(());
    };
    let skills: Vec<i64> = sqlx::query_scalar(
        "SELECT skill_area_id FROM assignment_skill_areas WHERE assignment_id = $1",
    )
    .bind(assignment)
    .fetch_all(db)
    .await
    .context("reading the demo assignment's skill areas")?;
    let choices = app::challenges::service::matching_active(db, &skills)
        .await
        .map_err(app_error("finding a demo challenge"))?;
    let Some(challenge) = choices.first() else {
        return Ok(());
    };
    let scope = access::require_interview_manager(db, demo_user(db, manager).await?, interview)
        .await
        .map_err(app_error("acting as the hiring manager"))?;
    let input = app::interviews::AssignChallengeInput {
        assignment_id: assignment.to_string(),
        challenge_id: challenge.id.to_string(),
    };
    app::interviews::service::challenges::assign(db, &scope, &input, now)
        .await
        .map_err(app_error("giving a demo challenge"))
}
