//! `hireloop demo-data`: a small, realistic data set to explore the app with.
//! Running it again leaves existing records alone.

use anyhow::Context;
use app::auth::password;
use app::auth::CurrentUser;
use app::db::{now, Db};
use app::error::AppError;
use app::users::repo::{self as users, NewUser};
use app::values::NewPassword;
use std::collections::BTreeMap;

/// The password of every demo account (printed by the command).
pub const DEMO_PASSWORD: &str = "hireloop-demo";

/// A demo account: name, email, role, time zone, what they do.
pub struct DemoUser {
    pub name: &'static str,
    pub email: &'static str,
    pub role: &'static str,
    pub timezone: &'static str,
    pub does: &'static str,
}

pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        name: "Ada Lovelace",
        email: "ada@hireloop.test",
        role: "admin",
        timezone: "Europe/London",
        does: "admin",
    },
    DemoUser {
        name: "Hannah Kim",
        email: "hannah@hireloop.test",
        role: "member",
        timezone: "America/New_York",
        does: "hiring manager, Backend Engineer",
    },
    DemoUser {
        name: "Quinn Lee",
        email: "quinn@hireloop.test",
        role: "member",
        timezone: "Europe/Berlin",
        does: "hiring manager, QA Engineer",
    },
    DemoUser {
        name: "Ivan Petrov",
        email: "ivan@hireloop.test",
        role: "member",
        timezone: "Europe/Berlin",
        does: "interviewer (back-end)",
    },
    DemoUser {
        name: "Priya Nair",
        email: "priya@hireloop.test",
        role: "member",
        timezone: "Asia/Kolkata",
        does: "interviewer (data modelling)",
    },
    DemoUser {
        name: "Tom Okafor",
        email: "tom@hireloop.test",
        role: "member",
        timezone: "Europe/London",
        does: "interviewer (communication)",
    },
    DemoUser {
        name: "Sam Rivera",
        email: "sam@hireloop.test",
        role: "member",
        timezone: "America/Chicago",
        does: "customer support manager",
    },
];

/// Seeds the demo data set; returns how many accounts were created.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let created = seed_users(db).await?;
    seed_pipeline(db).await?;
    Ok(created)
}

async fn seed_users(db: &Db) -> anyhow::Result<usize> {
    let password = NewPassword::parse(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
    let hash = password::hash(&password).await?;
    let mut created = 0;
    let mut tx = db.begin().await.context("starting the demo data")?;
    app::auth::repo::mark_initialised(&mut *tx, now())
        .await
        .context("marking the instance as set up")?;
    for user in DEMO_USERS {
        if users::find_by_email(&mut *tx, user.email)
            .await
            .context("checking a demo user")?
            .is_some()
        {
            continue;
        }
        users::insert(
            &mut *tx,
            &NewUser {
                name: user.name,
                email: user.email,
                timezone: user.timezone,
                role: user.role,
                password_hash: Some(&hash),
            },
            now(),
        )
        .await
        .with_context(|| format!("creating demo user {}", user.email))?;
        created += 1;
    }
    tx.commit().await.context("committing the demo data")?;
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

async fn demo_user(db: &Db, email: &str) -> anyhow::Result<CurrentUser> {
    let row = users::find_by_email(db, email)
        .await?
        .with_context(|| format!("demo user {email} is missing"))?;
    let id = row.id;
    let mut user = CurrentUser::try_from(row).map_err(app_error("reading a demo user"))?;
    user.is_hiring_manager = app::access::repo::manages_any_opening(db, id).await?;
    Ok(user)
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

async fn seed_pipeline(db: &Db) -> anyhow::Result<()> {
    use app::openings::service as openings;

    let ada = demo_user(db, "ada@hireloop.test").await?;
    let existing: Vec<String> = app::skills::service::list(db)
        .await
        .map_err(app_error("listing skill areas"))?
        .into_iter()
        .map(|s| s.name)
        .collect();
    for name in DEMO_SKILL_AREAS {
        if !existing.iter().any(|e| e == name) {
            app::skills::service::create(db, &ada, name)
                .await
                .map_err(app_error("adding a skill area"))?;
        }
    }
    let skills: BTreeMap<String, i64> = app::skills::service::list(db)
        .await
        .map_err(app_error("listing skill areas"))?
        .into_iter()
        .map(|s| (s.name, s.id))
        .collect();
    let skill = |name: &str| skills.get(name).copied().unwrap_or_default();

    let titles: Vec<String> = openings::list(db, &ada)
        .await
        .map_err(app_error("listing openings"))?
        .into_iter()
        .map(|o| o.title)
        .collect();
    if titles.iter().any(|t| t == BACKEND.title) {
        return Ok(());
    }

    let mut opening_ids = Vec::new();
    for spec in [&BACKEND, &QA] {
        let manager = demo_user(db, spec.manager).await?;
        let id = openings::create(
            db,
            &ada,
            &openings::OpeningInput {
                title: spec.title.into(),
                team: spec.team.into(),
                level: spec.level.into(),
                location: spec.location.into(),
                description: spec.description.into(),
                hiring_manager_id: manager.id.to_string(),
                status: "open".into(),
                skills: spec.required.iter().map(|s| skill(s)).collect(),
            },
        )
        .await
        .map_err(app_error("creating a demo opening"))?;
        for (name, kind, skip, templates) in spec.plan {
            let stage = openings::add_stage(db, &ada, id, name, kind, *skip)
                .await
                .map_err(app_error("adding a demo stage"))?;
            for (template, minutes, area) in *templates {
                openings::add_template(
                    db,
                    &ada,
                    stage,
                    template,
                    &minutes.to_string(),
                    &[skill(area)],
                )
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

    let maria = add_candidate(db, &hannah, backend, external("Maria Garcia", "maria.garcia@example.com", "referral",
        "# Maria Garcia\n\nSenior engineer, 8 years.\n\n- **Finch Logistics** (2021–now): rewrote route planning in Rust; PostgreSQL partitioning for 2 billion events.\n- **Northwind** (2017–2021): Python services, on-call lead.\n\nTalks: *Boring data models win* (RustFest 2025).")).await?;
    let chen = add_candidate(db, &hannah, backend, external("Chen Wei", "chen.wei@example.com", "job_board",
        "Back-end developer (Go, Kotlin), 5 years. Built the billing pipeline at a fintech start-up.")).await?;
    add_candidate(
        db,
        &hannah,
        backend,
        external(
            "Amara Okoye",
            "amara.okoye@example.com",
            "sourced",
            "Open-source maintainer of a Rust HTTP client. Previously SRE.",
        ),
    )
    .await?;
    let lukas = add_candidate(
        db,
        &hannah,
        backend,
        external(
            "Lukas Berg",
            "lukas.berg@example.com",
            "agency",
            "Junior developer, 1 year of Java.",
        ),
    )
    .await?;
    let jordan_input = app::candidates::service::CandidateInput {
        name: "Jordan Blake".into(),
        email: "jordan.blake@hireloop.test".into(),
        kind: "internal".into(),
        source: String::new(),
        resume_text: "Customer support specialist since 2022. Writes the release-notes test checklist the support team uses; reproduces tricky customer bugs and files them with exact steps.".into(),
        current_title: "Customer support specialist".into(),
        current_team: "Customer Support".into(),
        current_manager_id: sam.id.to_string(),
        start_date: "2022-04-04".into(),
        ..Default::default()
    };
    let (_, jordan) =
        app::applications::service::create_and_apply(db, &quinn, &jordan_input, Some(qa))
            .await
            .map_err(app_error("adding the internal demo candidate"))?;
    add_candidate(
        db,
        &quinn,
        qa,
        external(
            "Noah Smith",
            "noah.smith@example.com",
            "job_board",
            "Manual tester, 3 years, learning Playwright.",
        ),
    )
    .await?;

    let stage_named = |opening: i64, name: &'static str| async move {
        openings::stages(db, opening)
            .await
            .map_err(app_error("loading stages"))?
            .into_iter()
            .find(|s| s.name == name)
            .map(|s| (s.id, s.templates))
            .with_context(|| format!("stage {name}"))
    };
    let (backend_loop, backend_templates) = stage_named(backend, "Technical loop").await?;
    let (phone_screen, _) = stage_named(backend, "Phone screen").await?;
    app::applications::service::move_to_stage(db, &hannah, maria, backend_loop)
        .await
        .map_err(app_error("moving a demo candidate"))?;
    app::applications::service::move_to_stage(db, &hannah, chen, phone_screen)
        .await
        .map_err(app_error("moving a demo candidate"))?;
    app::applications::service::set_status(
        db,
        &hannah,
        lukas,
        "rejected",
        "Looking for more production experience.",
    )
    .await
    .map_err(app_error("rejecting a demo candidate"))?;

    // Maria's loop: three interviewers, each on a different skill area, in three days.
    let tz = app::time::zone(&hannah.timezone);
    let (day, _) = app::time::local_parts(app::db::now() + 3 * 86_400, tz);
    let by_email = |email: &'static str| async move { demo_user(db, email).await };
    let backend_loop_people = [
        ("ivan@hireloop.test", "10:00", "11:00"),
        ("priya@hireloop.test", "11:15", "12:00"),
        ("tom@hireloop.test", "13:00", "13:45"),
    ];
    for ((email, start, end), template) in backend_loop_people.into_iter().zip(&backend_templates) {
        let person = by_email(email).await?;
        schedule(
            db,
            &hannah,
            maria,
            template,
            &day,
            start,
            end,
            &hannah.timezone,
            person.id,
        )
        .await?;
    }
    // Jordan's loop so far: two interviews; "Curiosity & learning" is not covered yet.
    let (_, qa_templates) = stage_named(qa, "Technical loop").await?;
    let qa_tz = app::time::zone(&quinn.timezone);
    let (qa_day, _) = app::time::local_parts(app::db::now() + 4 * 86_400, qa_tz);
    if let Some(jordan) = jordan {
        let (qa_loop, _) = stage_named(qa, "Technical loop").await?;
        app::applications::service::move_to_stage(db, &quinn, jordan, qa_loop)
            .await
            .map_err(app_error("moving the internal demo candidate"))?;
        let priya = by_email("priya@hireloop.test").await?;
        let tom = by_email("tom@hireloop.test").await?;
        schedule(
            db,
            &quinn,
            jordan,
            &qa_templates[0],
            &qa_day,
            "10:00",
            "11:00",
            &quinn.timezone,
            priya.id,
        )
        .await?;
        schedule(
            db,
            &quinn,
            jordan,
            &qa_templates[2],
            &qa_day,
            "14:00",
            "14:45",
            &quinn.timezone,
            tom.id,
        )
        .await?;
    }
    Ok(())
}

fn external(
    name: &str,
    email: &str,
    source: &str,
    resume: &str,
) -> app::candidates::service::CandidateInput {
    app::candidates::service::CandidateInput {
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
    by: &CurrentUser,
    opening: i64,
    input: app::candidates::service::CandidateInput,
) -> anyhow::Result<i64> {
    let (_, application) =
        app::applications::service::create_and_apply(db, by, &input, Some(opening))
            .await
            .map_err(app_error("adding a demo candidate"))?;
    application.context("the demo candidate was not applied")
}

#[allow(clippy::too_many_arguments)]
async fn schedule(
    db: &Db,
    by: &CurrentUser,
    application: i64,
    template: &app::openings::Template,
    day: &str,
    start: &str,
    end: &str,
    timezone: &str,
    interviewer: i64,
) -> anyhow::Result<()> {
    app::interviews::service::schedule(
        db,
        by,
        &app::interviews::service::ScheduleInput {
            application_id: application,
            template_id: Some(template.id),
            title: template.name.clone(),
            date: day.into(),
            start_time: start.into(),
            end_time: end.into(),
            timezone: timezone.into(),
            location: "https://meet.hireloop.test/loop".into(),
            interviewers: vec![(
                interviewer.to_string(),
                template.skill_areas.iter().map(|s| s.id).collect(),
            )],
            confirmed: true,
        },
    )
    .await
    .map_err(app_error("scheduling a demo interview"))?;
    Ok(())
}
