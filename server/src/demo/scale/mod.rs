//! `hireloop demo-data --scale N`: the demo data set plus years of a company's hiring, for
//! the benchmark and for trying the app at size. At scale 1: 10,000 candidates, 2,000
//! openings, 30,000 applications (800 of them on the demo's Backend Engineer opening),
//! 50,000 interviews, 200,000 feedback entries (kept as history and audit rows until
//! scorecards exist) and 250,000 audit rows. Most interviewers have a few hundred past
//! interviews; Ivan (demo) and four others have thousands.
//!
//! Rows are generated from a fixed random seed and written with multi-row inserts in one
//! transaction: the product's services would write them one by one, with a password hash
//! and an audit entry each, and take hours.

use super::bulk::{self, Table, Value};
use super::words::{
    EMPLOYERS, EVIDENCE, EXPERIENCE, FIRST_NAMES, LAST_NAMES, LEVELS, LOCATIONS, MORE_SKILL_AREAS,
    RATINGS, REJECTION_REASONS, ROLES, SUMMARIES, TEAMS, TIMEZONES, WITHDRAWAL_REASONS,
};
use anyhow::{ensure, Context};
use app::applications::service::HistoryNote;
use app::db::{Backend, Db};
use rand::distributions::WeightedIndex;
use rand::prelude::*;
use serde_json::json;
use sqlx::AnyConnection;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::time::Instant;

/// The hiring plan every seeded opening gets: stage name, kind, and whether internal
/// candidates skip it.
const PLAN: [(&str, &str, bool); 5] = [
    ("Application review", "review", false),
    ("Phone screen", "interview", true),
    ("Technical loop", "interview", false),
    ("Debrief", "debrief", false),
    ("Offer", "offer", false),
];

const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;
/// Accounts the loader creates have addresses in this domain.
pub const DOMAIN: &str = "scale.hireloop.test";

/// How many rows of each kind a scale asks for.
#[derive(Debug, Clone, Copy)]
pub struct Volume {
    pub managers: usize,
    pub interviewers: usize,
    pub openings: usize,
    pub candidates: usize,
    pub applications: usize,
    pub busy_applications: usize,
    pub interviews: usize,
    pub feedback: usize,
    pub audit: usize,
}

impl Volume {
    pub fn at(scale: f64) -> Self {
        let n = |base: f64, min: usize| -> usize {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let scaled = (base * scale).round() as usize;
            scaled.max(min)
        };
        Self {
            managers: n(100.0, 4),
            interviewers: n(200.0, 10),
            openings: n(2_000.0, 10),
            candidates: n(10_000.0, 50),
            applications: n(30_000.0, 100),
            busy_applications: n(800.0, 20),
            interviews: n(50_000.0, 150),
            feedback: n(200_000.0, 500),
            audit: n(250_000.0, 800),
        }
    }
}

/// What the loader wrote.
#[derive(Debug)]
pub struct Report {
    pub rows: Vec<(&'static str, u64)>,
    pub seconds: f64,
}

/// Seeds the demo data, then the volume of `scale` (refuses a database that has it already).
pub async fn seed(db: &Db, scale: f64) -> anyhow::Result<Report> {
    ensure!(
        scale > 0.0 && scale <= 50.0,
        "--scale must be more than 0 and at most 50"
    );
    let started = Instant::now();
    super::seed(db).await?;
    let backend = Backend::of_pool(db);
    let mut tx = app::db::begin_write(db).await?;
    let conn: &mut AnyConnection = &mut tx;
    let already: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email LIKE $1")
        .bind(format!("%@{DOMAIN}"))
        .fetch_one(&mut *conn)
        .await?;
    ensure!(
        already == 0,
        "this database already holds scaled demo data; use a new database for another scale"
    );
    let mut loader = Loader::start(conn, Volume::at(scale)).await?;
    loader.people(conn).await?;
    loader.skill_areas(conn).await?;
    loader.openings(conn).await?;
    loader.candidates(conn).await?;
    loader.applications(conn).await?;
    loader.interviews(conn).await?;
    loader.agendas(conn).await?;
    loader.feedback(conn).await?;
    loader.challenges(conn).await?;
    loader.scorecards(conn).await?;
    loader.mail(conn).await?;
    let rows = loader.finish(conn).await?;
    if backend == Backend::Postgres {
        for table in IDENTITY_TABLES {
            bulk::sync_identity(conn, table).await?;
        }
    }
    tx.commit()
        .await
        .context("committing the scaled demo data")?;
    // Fresh statistics for the query planner after a bulk load.
    sqlx::query("ANALYZE").execute(db).await?;
    if backend == Backend::Sqlite {
        // Fold the load's write-ahead log into the database file, so that a server started
        // next does not begin with a log of hundreds of MB.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(db)
            .await?;
    }
    Ok(Report {
        rows,
        seconds: started.elapsed().as_secs_f64(),
    })
}

const IDENTITY_TABLES: [&str; 12] = [
    "users",
    "skill_areas",
    "openings",
    "stages",
    "interview_templates",
    "candidates",
    "applications",
    "application_events",
    "interviews",
    "interview_assignments",
    "audit_log",
    "mail_outbox",
];

/// The next free id of each table.
struct Ids {
    user: i64,
    skill: i64,
    opening: i64,
    stage: i64,
    template: i64,
    candidate: i64,
    application: i64,
    event: i64,
    interview: i64,
    assignment: i64,
    audit: i64,
}

fn take(next: &mut i64) -> i64 {
    let id = *next;
    *next += 1;
    id
}

#[derive(Clone)]
struct Person {
    id: i64,
    name: String,
}

#[derive(Clone)]
struct TemplatePlan {
    id: i64,
    name: String,
    minutes: i64,
    skill: i64,
}

#[derive(Clone)]
struct StagePlan {
    id: i64,
    name: String,
    templates: Vec<TemplatePlan>,
}

/// An opening and its standard plan: review, phone screen, technical loop, debrief, offer.
struct OpeningPlan {
    id: i64,
    title: String,
    manager: i64,
    status: &'static str,
    created_at: i64,
    skills: Vec<i64>,
    stages: Vec<StagePlan>,
    /// Relative share of the applications.
    weight: u32,
}

struct Candidate {
    id: i64,
    name: String,
    /// The current manager of an internal candidate.
    manager: Option<i64>,
}

struct Application {
    id: i64,
    candidate: usize,
    opening: usize,
    /// How far through the plan the application got (0 = review … 4 = offer).
    reached: usize,
    status: &'static str,
    created_at: i64,
}

async fn demo_person(conn: &mut AnyConnection, email: &str) -> anyhow::Result<Person> {
    let (id, name): (i64, String) = sqlx::query_as("SELECT id, name FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(conn)
        .await
        .with_context(|| format!("demo user {email}"))?;
    Ok(Person { id, name })
}

/// One scheduled interview with who runs it.
struct Interview {
    id: i64,
    application: usize,
    stage: usize,
    template: usize,
    starts_at: i64,
    cancelled: bool,
    interviewers: Vec<(i64, i64)>,
}

struct Loader {
    rng: StdRng,
    now: i64,
    volume: Volume,
    ids: Ids,
    password_hash: String,
    admin: i64,
    managers: Vec<Person>,
    /// Interviewers with thousands of interviews (Ivan first).
    busy: Vec<Person>,
    interviewers: Vec<Person>,
    all_people: Vec<Person>,
    skills: Vec<i64>,
    openings: Vec<OpeningPlan>,
    candidates: Vec<Candidate>,
    applications: Vec<Application>,
    interviews: Vec<Interview>,
    audit: Table,
    events: Table,
}

impl Loader {
    async fn start(conn: &mut AnyConnection, volume: Volume) -> anyhow::Result<Self> {
        let ids = Ids {
            user: bulk::max_id(conn, "users").await? + 1,
            skill: bulk::max_id(conn, "skill_areas").await? + 1,
            opening: bulk::max_id(conn, "openings").await? + 1,
            stage: bulk::max_id(conn, "stages").await? + 1,
            template: bulk::max_id(conn, "interview_templates").await? + 1,
            candidate: bulk::max_id(conn, "candidates").await? + 1,
            application: bulk::max_id(conn, "applications").await? + 1,
            event: bulk::max_id(conn, "application_events").await? + 1,
            interview: bulk::max_id(conn, "interviews").await? + 1,
            assignment: bulk::max_id(conn, "interview_assignments").await? + 1,
            audit: bulk::max_id(conn, "audit_log").await? + 1,
        };
        let password_hash: String =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE email = $1")
                .bind("ada@hireloop.test")
                .fetch_one(&mut *conn)
                .await
                .context("reading the demo password")?;
        let admin = demo_person(conn, "ada@hireloop.test").await?.id;
        let managers = vec![
            demo_person(conn, "hannah@hireloop.test").await?,
            demo_person(conn, "quinn@hireloop.test").await?,
        ];
        let busy = vec![demo_person(conn, "ivan@hireloop.test").await?];
        let interviewers = vec![
            demo_person(conn, "priya@hireloop.test").await?,
            demo_person(conn, "tom@hireloop.test").await?,
        ];
        Ok(Self {
            rng: StdRng::seed_from_u64(20_261_123),
            now: app::clock::Clock::system().now(),
            volume,
            ids,
            password_hash,
            admin,
            managers,
            busy,
            interviewers,
            all_people: Vec::new(),
            skills: Vec::new(),
            openings: Vec::new(),
            candidates: Vec::new(),
            applications: Vec::new(),
            interviews: Vec::new(),
            audit: Table::new(
                "audit_log",
                &[
                    "id",
                    "at",
                    "actor_id",
                    "entity",
                    "entity_id",
                    "action",
                    "opening_id",
                    "candidate_id",
                    "summary",
                    "before_json",
                    "after_json",
                ],
            ),
            events: Table::new(
                "application_events",
                &[
                    "id",
                    "application_id",
                    "at",
                    "actor_id",
                    "from_stage_id",
                    "to_stage_id",
                    "from_status",
                    "to_status",
                    "note",
                    "detail_json",
                ],
            ),
        })
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.gen_range(0..items.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    fn person_name(&mut self) -> String {
        let first = *self.pick(FIRST_NAMES);
        let last = *self.pick(LAST_NAMES);
        format!("{first} {last}")
    }

    /// A time of day for an interview: a working hour (UTC), on the day of `t`.
    fn working_hour(&mut self, t: i64) -> i64 {
        let day = t - t.rem_euclid(DAY);
        day + self.rng.gen_range(8..17) * 3_600
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit(
        &mut self,
        conn: &mut AnyConnection,
        at: i64,
        actor: i64,
        entity: &str,
        entity_id: i64,
        action: &str,
        opening: Option<i64>,
        candidate: Option<i64>,
        summary: String,
        after: Option<serde_json::Value>,
    ) -> anyhow::Result<()> {
        let id = take(&mut self.ids.audit);
        self.audit
            .push(
                conn,
                vec![
                    id.into(),
                    at.into(),
                    actor.into(),
                    entity.into(),
                    entity_id.into(),
                    action.into(),
                    opening.into(),
                    candidate.into(),
                    summary.into(),
                    Value::NullText,
                    after.map(|v| v.to_string()).into(),
                ],
            )
            .await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn event(
        &mut self,
        conn: &mut AnyConnection,
        application: i64,
        at: i64,
        actor: i64,
        stages: (Option<i64>, Option<i64>),
        statuses: (Option<&str>, Option<&str>),
        note: String,
        detail: Option<String>,
    ) -> anyhow::Result<()> {
        let id = take(&mut self.ids.event);
        self.events
            .push(
                conn,
                vec![
                    id.into(),
                    application.into(),
                    at.into(),
                    actor.into(),
                    stages.0.into(),
                    stages.1.into(),
                    statuses.0.map(str::to_owned).into(),
                    statuses.1.map(str::to_owned).into(),
                    note.into(),
                    detail.into(),
                ],
            )
            .await?;
        Ok(())
    }

    async fn people(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let mut users = Table::new(
            "users",
            &[
                "id",
                "name",
                "email",
                "timezone",
                "role",
                "active",
                "password_hash",
                "created_at",
                "updated_at",
            ],
        );
        let since = self.now - 3 * YEAR;
        let wanted = [
            ("manager", self.volume.managers),
            ("busy", 4),
            ("interviewer", self.volume.interviewers),
        ];
        for (kind, count) in wanted {
            for n in 1..=count {
                let id = take(&mut self.ids.user);
                let name = self.person_name();
                let email = format!("{kind}-{n}@{DOMAIN}");
                let timezone = *self.pick(TIMEZONES);
                // A few people have left the company.
                let active = kind == "busy" || !self.chance(0.05);
                users
                    .push(
                        conn,
                        vec![
                            id.into(),
                            name.clone().into(),
                            email.into(),
                            timezone.into(),
                            "member".into(),
                            active.into(),
                            self.password_hash.clone().into(),
                            since.into(),
                            since.into(),
                        ],
                    )
                    .await?;
                let person = Person { id, name };
                match kind {
                    "manager" => self.managers.push(person),
                    "busy" => self.busy.push(person),
                    _ => self.interviewers.push(person),
                }
            }
        }
        users.finish(conn).await?;
        self.all_people = self
            .managers
            .iter()
            .chain(&self.busy)
            .chain(&self.interviewers)
            .cloned()
            .collect();
        Ok(())
    }

    async fn skill_areas(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let mut table = Table::new(
            "skill_areas",
            &["id", "name", "archived", "created_at", "updated_at"],
        );
        let since = self.now - 3 * YEAR;
        for (n, name) in MORE_SKILL_AREAS.iter().enumerate() {
            let id = take(&mut self.ids.skill);
            // The oldest few have been archived.
            table
                .push(
                    conn,
                    vec![
                        id.into(),
                        (*name).into(),
                        (n < 3).into(),
                        since.into(),
                        since.into(),
                    ],
                )
                .await?;
            self.audit(
                conn,
                since,
                self.admin,
                "skill_area",
                id,
                "create",
                None,
                None,
                format!("Added skill area {name}"),
                Some(json!({ "name": name })),
            )
            .await?;
        }
        table.finish(conn).await?;
        self.skills = sqlx::query_scalar("SELECT id FROM skill_areas ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
        Ok(())
    }
}

mod agendas;
mod challenges;
mod history;
mod interviews;
mod mail;
mod openings;
mod pipeline;
mod scorecards;

/// A count or index as a database integer (seeded volumes are far below `i64::MAX`).
fn int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
