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
    loader.feedback(conn).await?;
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

const IDENTITY_TABLES: [&str; 11] = [
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

    /// The demo's Backend Engineer opening, which gets the busy share of applications.
    async fn busy_opening(&self, conn: &mut AnyConnection) -> anyhow::Result<OpeningPlan> {
        let (id, title, manager, created_at): (i64, String, i64, i64) = sqlx::query_as(
            "SELECT id, title, hiring_manager_id, created_at FROM openings \
             WHERE title = 'Backend Engineer' ORDER BY id LIMIT 1",
        )
        .fetch_one(&mut *conn)
        .await
        .context("the demo's Backend Engineer opening")?;
        let skills: Vec<i64> = sqlx::query_scalar(
            "SELECT skill_area_id FROM opening_skill_areas WHERE opening_id = $1 \
             ORDER BY skill_area_id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let stage_rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM stages WHERE opening_id = $1 ORDER BY position, id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let mut stages = Vec::new();
        for (stage_id, name) in stage_rows {
            let templates: Vec<(i64, String, i64, i64)> = sqlx::query_as(
                "SELECT t.id, t.name, t.duration_minutes, \
                 (SELECT MIN(skill_area_id) FROM template_skill_areas WHERE template_id = t.id) \
                 FROM interview_templates t WHERE t.stage_id = $1 ORDER BY t.position, t.id",
            )
            .bind(stage_id)
            .fetch_all(&mut *conn)
            .await?;
            stages.push(StagePlan {
                id: stage_id,
                name,
                templates: templates
                    .into_iter()
                    .map(|(id, name, minutes, skill)| TemplatePlan {
                        id,
                        name,
                        minutes,
                        skill,
                    })
                    .collect(),
            });
        }
        ensure!(
            stages.len() == 5,
            "the demo's Backend Engineer plan has changed"
        );
        Ok(OpeningPlan {
            id,
            title,
            manager,
            status: "open",
            created_at: created_at.min(self.now - 120 * DAY),
            skills,
            stages,
            weight: 0,
        })
    }

    async fn openings(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let busy = self.busy_opening(conn).await?;
        self.openings.push(busy);
        let mut openings = Table::new(
            "openings",
            &[
                "id",
                "title",
                "team",
                "level",
                "location",
                "description",
                "hiring_manager_id",
                "status",
                "created_by",
                "created_at",
                "updated_at",
            ],
        );
        let mut required = Table::new("opening_skill_areas", &["opening_id", "skill_area_id"]);
        let mut required_rows = Vec::new();
        let mut plan_rows = Vec::new();
        for _ in 1..self.volume.openings {
            let id = take(&mut self.ids.opening);
            let role = *self.pick(ROLES);
            let team = *self.pick(TEAMS);
            let level = *self.pick(LEVELS);
            let location = *self.pick(LOCATIONS);
            let manager_index = self.rng.gen_range(0..self.managers.len());
            let manager = self.managers[manager_index].id;
            let status = match self.rng.gen_range(0..100) {
                0..=69 => "closed",
                70..=89 => "open",
                90..=94 => "on_hold",
                _ => "draft",
            };
            let created_at = if status == "closed" {
                self.now - self.rng.gen_range(90 * DAY..3 * YEAR)
            } else {
                self.now - self.rng.gen_range(7 * DAY..120 * DAY)
            };
            let title = format!("{level} {role}");
            let description = format!(
                "Join the **{team}** team as a {role}.\n\n- {}\n- {}\n- Work with a friendly, \
                 distributed team in {location}.",
                self.pick(EXPERIENCE),
                self.pick(EXPERIENCE)
            );
            openings
                .push(
                    conn,
                    vec![
                        id.into(),
                        title.clone().into(),
                        team.into(),
                        level.into(),
                        location.into(),
                        description.into(),
                        manager.into(),
                        status.into(),
                        self.admin.into(),
                        created_at.into(),
                        created_at.into(),
                    ],
                )
                .await?;
            let mut skills: Vec<i64> = self
                .skills
                .choose_multiple(&mut self.rng, 3)
                .copied()
                .collect();
            skills.sort_unstable();
            required_rows.extend(skills.iter().map(|skill| (id, *skill)));
            self.audit(
                conn,
                created_at,
                self.admin,
                "opening",
                id,
                "create",
                Some(id),
                None,
                format!("Opened {title}"),
                Some(json!({ "title": title, "team": team, "status": status })),
            )
            .await?;
            let weight = self.rng.gen_range(1..=30);
            plan_rows.push((id, manager, created_at));
            self.openings.push(OpeningPlan {
                id,
                title,
                manager,
                status,
                created_at,
                skills,
                stages: Vec::new(),
                weight: if status == "draft" { 0 } else { weight },
            });
        }
        openings.finish(conn).await?;
        for (opening, skill) in required_rows {
            required
                .push(conn, vec![opening.into(), skill.into()])
                .await?;
        }
        required.finish(conn).await?;
        self.plans(conn).await
    }

    /// Every new opening gets the standard five-stage plan.
    async fn plans(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let mut stages = Table::new(
            "stages",
            &[
                "id",
                "opening_id",
                "position",
                "name",
                "kind",
                "skip_for_internal",
            ],
        );
        let mut templates = Table::new(
            "interview_templates",
            &["id", "stage_id", "position", "name", "duration_minutes"],
        );
        let mut template_skills =
            Table::new("template_skill_areas", &["template_id", "skill_area_id"]);
        let mut template_rows: Vec<Vec<Value>> = Vec::new();
        for index in 1..self.openings.len() {
            let (opening_id, created_at, skills) = {
                let o = &self.openings[index];
                (o.id, o.created_at, o.skills.clone())
            };
            let mut plan = Vec::new();
            for (position, (name, kind, skip)) in PLAN.iter().enumerate() {
                let stage_id = take(&mut self.ids.stage);
                stages
                    .push(
                        conn,
                        vec![
                            stage_id.into(),
                            opening_id.into(),
                            (int(position) + 1).into(),
                            (*name).into(),
                            (*kind).into(),
                            (*skip).into(),
                        ],
                    )
                    .await?;
                let specs: Vec<(String, i64, i64)> = match position {
                    1 => vec![("Phone screen".into(), 30, skills[0])],
                    2 => skills
                        .iter()
                        .enumerate()
                        .map(|(n, s)| {
                            (
                                format!("Loop interview {}", n + 1),
                                45 + 15 * (int(n) % 2),
                                *s,
                            )
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let mut stage_templates = Vec::new();
                for (t_position, (t_name, minutes, skill)) in specs.into_iter().enumerate() {
                    let template_id = take(&mut self.ids.template);
                    template_rows.push(vec![
                        template_id.into(),
                        stage_id.into(),
                        (int(t_position) + 1).into(),
                        t_name.clone().into(),
                        minutes.into(),
                    ]);
                    stage_templates.push(TemplatePlan {
                        id: template_id,
                        name: t_name,
                        minutes,
                        skill,
                    });
                }
                self.audit(
                    conn,
                    created_at,
                    self.admin,
                    "stage",
                    stage_id,
                    "create",
                    Some(opening_id),
                    None,
                    format!("Added stage {name}"),
                    Some(json!({ "name": name, "kind": kind })),
                )
                .await?;
                plan.push(StagePlan {
                    id: stage_id,
                    name: (*name).to_owned(),
                    templates: stage_templates,
                });
            }
            self.openings[index].stages = plan;
        }
        stages.finish(conn).await?;
        for row in template_rows {
            templates.push(conn, row).await?;
        }
        templates.finish(conn).await?;
        for opening in &self.openings[1..] {
            for stage in &opening.stages {
                for template in &stage.templates {
                    template_skills
                        .push(conn, vec![template.id.into(), template.skill.into()])
                        .await?;
                }
            }
        }
        template_skills.finish(conn).await?;
        Ok(())
    }

    fn resume(&mut self, name: &str) -> String {
        let mut text = format!("# {name}\n\n{}\n\n## Experience\n\n", self.pick(SUMMARIES));
        for _ in 0..self.rng.gen_range(2..5) {
            let employer = *self.pick(EMPLOYERS);
            let from = self.rng.gen_range(2008..2023);
            let to = from + self.rng.gen_range(1..4);
            let _ = write!(text, "### {employer} ({from}–{to})\n\n");
            for _ in 0..self.rng.gen_range(2..5) {
                let _ = writeln!(text, "- {}", self.pick(EXPERIENCE));
            }
            text.push('\n');
        }
        text
    }

    /// A PDF-sized blob (the content is not looked at when reading a candidate).
    fn pdf(&mut self) -> Vec<u8> {
        let size = self.rng.gen_range(40_000..120_000);
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.extend((0..size).map(|_| self.rng.gen::<u8>()));
        bytes.extend_from_slice(b"\n%%EOF\n");
        bytes
    }

    async fn candidates(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let mut table = Table::new(
            "candidates",
            &[
                "id",
                "name",
                "email",
                "phone",
                "source",
                "links",
                "resume_text",
                "resume_pdf_name",
                "resume_pdf_size",
                "is_internal",
                "current_title",
                "current_team",
                "current_manager_id",
                "start_date",
                "created_by",
                "created_at",
                "updated_at",
            ],
        );
        let mut files = Vec::new();
        for n in 0..self.volume.candidates {
            let id = take(&mut self.ids.candidate);
            let name = self.person_name();
            let slug: String = name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
                .collect();
            let internal = self.chance(0.03);
            let manager = internal.then(|| self.pick(&self.all_people.clone()).id);
            let (email, source) = if internal {
                (format!("{slug}.{n}@{DOMAIN}"), "internal")
            } else {
                let source = *self.pick(&["referral", "job_board", "sourced", "agency"]);
                (format!("{slug}.{n}@example.net"), source)
            };
            let created_at = self.now - self.rng.gen_range(DAY..3 * YEAR);
            let resume = self.resume(&name);
            let pdf = self.chance(0.05).then(|| self.pdf());
            let pdf_size = pdf.as_ref().map(|p| int(p.len()));
            let creator = self.pick(&self.managers.clone()).id;
            table
                .push(
                    conn,
                    vec![
                        id.into(),
                        name.clone().into(),
                        email.into(),
                        format!("+49 30 {:07}", self.rng.gen_range(0..10_000_000)).into(),
                        source.into(),
                        format!("https://example.net/{slug}").into(),
                        resume.into(),
                        pdf_size.map(|_| format!("{slug}-resume.pdf")).into(),
                        pdf_size.into(),
                        internal.into(),
                        internal
                            .then(|| "Customer support specialist".to_owned())
                            .into(),
                        internal.then(|| "Customer Support".to_owned()).into(),
                        manager.into(),
                        internal.then(|| "2022-04-04".to_owned()).into(),
                        creator.into(),
                        created_at.into(),
                        created_at.into(),
                    ],
                )
                .await?;
            self.audit(
                conn,
                created_at,
                creator,
                "candidate",
                id,
                "create",
                None,
                Some(id),
                format!("Added candidate {name}"),
                Some(json!({ "name": name, "source": source })),
            )
            .await?;
            if let Some(pdf) = pdf {
                files.push((id, pdf));
            }
            self.candidates.push(Candidate { id, name, manager });
        }
        table.finish(conn).await?;
        let mut table = Table::new("resume_files", &["candidate_id", "content"]).batch(20);
        for (id, pdf) in files {
            table.push(conn, vec![id.into(), Value::Blob(pdf)]).await?;
        }
        table.finish(conn).await?;
        Ok(())
    }

    /// How far an application got and how it ended, by the state of its opening.
    fn outcome(&mut self, opening_status: &str, busy: bool) -> (usize, &'static str) {
        let active = opening_status != "closed" && self.chance(if busy { 0.6 } else { 0.5 });
        if active {
            let weights = if busy {
                [25, 20, 40, 10, 5]
            } else {
                [30, 25, 30, 10, 5]
            };
            let reached = WeightedIndex::new(weights).map_or(0, |w| w.sample(&mut self.rng));
            return (reached, "active");
        }
        match self.rng.gen_range(0..100) {
            0..=79 => {
                let reached =
                    WeightedIndex::new([40, 30, 25, 5, 0]).map_or(0, |w| w.sample(&mut self.rng));
                (reached, "rejected")
            }
            80..=94 => {
                let reached =
                    WeightedIndex::new([30, 30, 30, 10, 0]).map_or(0, |w| w.sample(&mut self.rng));
                (reached, "withdrawn")
            }
            _ => (4, "hired"),
        }
    }

    async fn applications(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let existing: Vec<(i64, i64)> =
            sqlx::query_as("SELECT candidate_id, opening_id FROM applications")
                .fetch_all(&mut *conn)
                .await?;
        let mut taken: HashSet<(i64, i64)> = existing.into_iter().collect();
        let weights: Vec<u32> = self.openings.iter().map(|o| o.weight).collect();
        let spread = WeightedIndex::new(&weights).context("opening weights")?;
        let others = self
            .volume
            .applications
            .saturating_sub(self.volume.busy_applications);
        let mut table = Table::new(
            "applications",
            &[
                "id",
                "candidate_id",
                "opening_id",
                "stage_id",
                "status",
                "status_reason",
                "stage_entered_at",
                "created_by",
                "created_at",
                "updated_at",
            ],
        );
        for n in 0..self.volume.busy_applications + others {
            let opening = if n < self.volume.busy_applications {
                0
            } else {
                spread.sample(&mut self.rng)
            };
            let candidate = loop {
                let c = self.rng.gen_range(0..self.candidates.len());
                if taken.insert((self.candidates[c].id, self.openings[opening].id)) {
                    break c;
                }
            };
            let (reached, status) = self.outcome(self.openings[opening].status, opening == 0);
            let o = &self.openings[opening];
            let created_at = if status == "active" {
                (self.now - self.rng.gen_range(DAY..60 * DAY)).max(o.created_at)
            } else if o.status == "closed" {
                o.created_at + self.rng.gen_range(0..60 * DAY)
            } else {
                o.created_at + self.rng.gen_range(0..(self.now - o.created_at).max(DAY))
            };
            let entered = created_at + int(reached) * 9 * DAY;
            let reason = match status {
                "rejected" => Some((*self.pick(REJECTION_REASONS)).to_owned()),
                "withdrawn" => Some((*self.pick(WITHDRAWAL_REASONS)).to_owned()),
                _ => None,
            };
            let id = take(&mut self.ids.application);
            let o = &self.openings[opening];
            table
                .push(
                    conn,
                    vec![
                        id.into(),
                        self.candidates[candidate].id.into(),
                        o.id.into(),
                        o.stages[reached].id.into(),
                        status.into(),
                        reason.into(),
                        entered.min(self.now).into(),
                        o.manager.into(),
                        created_at.into(),
                        entered.min(self.now).into(),
                    ],
                )
                .await?;
            self.applications.push(Application {
                id,
                candidate,
                opening,
                reached,
                status,
                created_at,
            });
        }
        table.finish(conn).await?;
        self.history(conn).await
    }

    fn pick_interviewer(&mut self, exclude: &[i64], hidden_from: Option<i64>) -> i64 {
        loop {
            let person = if self.chance(0.2) {
                let i = self.rng.gen_range(0..self.busy.len());
                self.busy[i].id
            } else {
                let i = self.rng.gen_range(0..self.interviewers.len());
                self.interviewers[i].id
            };
            if !exclude.contains(&person) && Some(person) != hidden_from {
                return person;
            }
        }
    }

    /// Phone screens and loops for every application that got that far.
    async fn interviews(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let horizon = self.now + 21 * DAY;
        for index in 0..self.applications.len() {
            let (reached, created_at, active, opening, hidden_from) = {
                let a = &self.applications[index];
                (
                    a.reached,
                    a.created_at,
                    a.status == "active",
                    a.opening,
                    self.candidates[a.candidate].manager,
                )
            };
            if reached == 0 {
                continue;
            }
            let mut day = created_at + self.rng.gen_range(2..8) * DAY;
            for stage in 1..=reached.min(2) {
                if active && day > horizon {
                    day = self.now + self.rng.gen_range(1..21) * DAY;
                }
                let mut at = self.working_hour(day);
                let count = self.openings[opening].stages[stage].templates.len();
                for template in 0..count {
                    let minutes = self.openings[opening].stages[stage].templates[template].minutes;
                    let cancelled = self.chance(0.04);
                    self.add_interview(index, stage, template, at, cancelled, hidden_from);
                    if cancelled {
                        // Moved two days later.
                        self.add_interview(
                            index,
                            stage,
                            template,
                            at + 2 * DAY,
                            false,
                            hidden_from,
                        );
                    }
                    at += (minutes + 15) * 60;
                }
                day += self.rng.gen_range(5..14) * DAY;
            }
            if self.interviews.len() >= self.volume.interviews {
                break;
            }
        }
        // Top up with follow-up conversations in loops until the volume is reached.
        let looped: Vec<usize> = (0..self.applications.len())
            .filter(|&i| self.applications[i].reached >= 2)
            .collect();
        while self.interviews.len() < self.volume.interviews && !looped.is_empty() {
            let index = *self.pick(&looped);
            let created_at = self.applications[index].created_at;
            let hidden_from = self.candidates[self.applications[index].candidate].manager;
            let later = created_at + self.rng.gen_range(10..40) * DAY;
            let at = self.working_hour(later);
            let at = at.min(self.now + 20 * DAY);
            self.add_interview(index, 2, 0, at, false, hidden_from);
        }
        self.write_interviews(conn).await
    }

    fn add_interview(
        &mut self,
        application: usize,
        stage: usize,
        template: usize,
        starts_at: i64,
        cancelled: bool,
        hidden_from: Option<i64>,
    ) {
        let opening = self.applications[application].opening;
        let skills = self.openings[opening].skills.clone();
        let own_skill = self.openings[opening].stages[stage].templates[template].skill;
        let first = self.pick_interviewer(&[], hidden_from);
        let mut interviewers = vec![(first, own_skill)];
        if self.chance(0.35) {
            let second = self.pick_interviewer(&[first], hidden_from);
            let skill = *self.pick(&skills);
            interviewers.push((second, skill));
        }
        let id = take(&mut self.ids.interview);
        self.interviews.push(Interview {
            id,
            application,
            stage,
            template,
            starts_at,
            cancelled,
            interviewers,
        });
    }

    async fn write_interviews(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let mut interviews = Table::new(
            "interviews",
            &[
                "id",
                "application_id",
                "stage_id",
                "template_id",
                "title",
                "starts_at",
                "duration_minutes",
                "ends_at",
                "location",
                "status",
                "cancel_reason",
                "scheduled_by",
                "created_at",
                "updated_at",
            ],
        );
        let mut assignments = Table::new(
            "interview_assignments",
            &["id", "interview_id", "user_id", "starts_at", "ends_at"],
        );
        let mut skills = Table::new(
            "assignment_skill_areas",
            &["assignment_id", "skill_area_id"],
        );
        let list = std::mem::take(&mut self.interviews);
        let mut assignment_rows = Vec::new();
        for interview in &list {
            let application = &self.applications[interview.application];
            let opening = &self.openings[application.opening];
            let template = &opening.stages[interview.stage].templates[interview.template];
            let ends_at = interview.starts_at + template.minutes * 60;
            let scheduled_at = (interview.starts_at - 3 * DAY).max(application.created_at);
            interviews
                .push(
                    conn,
                    vec![
                        interview.id.into(),
                        application.id.into(),
                        opening.stages[interview.stage].id.into(),
                        template.id.into(),
                        template.name.clone().into(),
                        interview.starts_at.into(),
                        template.minutes.into(),
                        ends_at.into(),
                        "https://meet.hireloop.test/loop".into(),
                        if interview.cancelled {
                            "cancelled"
                        } else {
                            "scheduled"
                        }
                        .into(),
                        interview
                            .cancelled
                            .then(|| "The candidate asked to move it.".to_owned())
                            .into(),
                        opening.manager.into(),
                        scheduled_at.into(),
                        scheduled_at.into(),
                    ],
                )
                .await?;
            for (user, skill) in &interview.interviewers {
                let id = take(&mut self.ids.assignment);
                assignment_rows.push((
                    id,
                    interview.id,
                    *user,
                    *skill,
                    interview.starts_at,
                    ends_at,
                ));
            }
        }
        interviews.finish(conn).await?;
        for (id, interview, user, _, starts_at, ends_at) in &assignment_rows {
            assignments
                .push(
                    conn,
                    vec![
                        (*id).into(),
                        (*interview).into(),
                        (*user).into(),
                        (*starts_at).into(),
                        (*ends_at).into(),
                    ],
                )
                .await?;
        }
        assignments.finish(conn).await?;
        for (id, _, _, skill, _, _) in &assignment_rows {
            skills
                .push(conn, vec![(*id).into(), (*skill).into()])
                .await?;
        }
        skills.finish(conn).await?;
        // History and audit of each booking, as scheduling writes them.
        for interview in &list {
            let application = &self.applications[interview.application];
            let opening = &self.openings[application.opening];
            let template = &opening.stages[interview.stage].templates[interview.template];
            let ends_at = interview.starts_at + template.minutes * 60;
            let scheduled_at = (interview.starts_at - 3 * DAY).max(application.created_at);
            let candidate = &self.candidates[application.candidate];
            let note = HistoryNote::InterviewScheduled {
                title: template.name.clone(),
                starts_at: interview.starts_at,
                ends_at,
            };
            let (app_id, manager, opening_id, candidate_id) =
                (application.id, opening.manager, opening.id, candidate.id);
            let summary = format!("Scheduled {} with {}", template.name, candidate.name);
            let after = json!({
                "title": template.name,
                "starts_at": interview.starts_at,
                "ends_at": ends_at,
                "interviewers": interview.interviewers.iter().map(|(u, _)| u).collect::<Vec<_>>(),
            });
            self.event(
                conn,
                app_id,
                scheduled_at,
                manager,
                (None, None),
                (None, None),
                String::new(),
                Some(serde_json::to_string(&note)?),
            )
            .await?;
            self.audit(
                conn,
                scheduled_at,
                manager,
                "interview",
                interview.id,
                "schedule",
                Some(opening_id),
                Some(candidate_id),
                summary,
                Some(after),
            )
            .await?;
        }
        self.interviews = list;
        Ok(())
    }

    /// Feedback volume (scorecards to come): per past interviewer, a rating per skill area,
    /// an overall recommendation and notes, as history notes; one audit row each.
    async fn feedback(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        let names: std::collections::HashMap<i64, String> = self
            .all_people
            .iter()
            .map(|p| (p.id, p.name.clone()))
            .collect();
        let skill_names: std::collections::HashMap<i64, String> =
            sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM skill_areas")
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .collect();
        let mut written = 0;
        let list = std::mem::take(&mut self.interviews);
        let now = self.now;
        'all: for interview in list.iter().filter(|i| !i.cancelled && i.starts_at < now) {
            let application = &self.applications[interview.application];
            let (app_id, opening_id, candidate_id) = (
                application.id,
                self.openings[application.opening].id,
                self.candidates[application.candidate].id,
            );
            let candidate_name = self.candidates[application.candidate].name.clone();
            let at = interview.starts_at + 2 * 3_600;
            for (user, skill) in &interview.interviewers {
                let who = names.get(user).cloned().unwrap_or_default();
                let area = skill_names.get(skill).cloned().unwrap_or_default();
                let rating = *self.pick(RATINGS);
                let overall = *self.pick(RATINGS);
                let notes = [
                    format!(
                        "Feedback from {who} on {area}: {rating}. {}",
                        self.pick(EVIDENCE)
                    ),
                    format!("Overall recommendation from {who}: {overall}."),
                    format!(
                        "{who}: the candidate asked about on-call and how the team plans its work."
                    ),
                ];
                for note in notes {
                    self.event(
                        conn,
                        app_id,
                        at,
                        *user,
                        (None, None),
                        (None, None),
                        note,
                        None,
                    )
                    .await?;
                    written += 1;
                    if written >= self.volume.feedback {
                        break 'all;
                    }
                }
                self.audit(
                    conn,
                    at,
                    *user,
                    "interview",
                    interview.id,
                    "feedback",
                    Some(opening_id),
                    Some(candidate_id),
                    format!("Feedback on {area} for {candidate_name}"),
                    Some(json!({ "rating": rating, "overall": overall })),
                )
                .await?;
            }
        }
        self.interviews = list;
        Ok(())
    }

    /// Fills the audit log up to its volume with candidate edits, then writes what is queued.
    async fn finish(
        mut self,
        conn: &mut AnyConnection,
    ) -> anyhow::Result<Vec<(&'static str, u64)>> {
        let written = usize::try_from(self.ids.audit - 1).unwrap_or(0);
        let mut filler = self.volume.audit.saturating_sub(written);
        while filler > 0 && !self.candidates.is_empty() {
            let index = self.rng.gen_range(0..self.candidates.len());
            let (id, name) = (
                self.candidates[index].id,
                self.candidates[index].name.clone(),
            );
            let at = self.now - self.rng.gen_range(DAY..2 * YEAR);
            let actor = self.pick(&self.managers.clone()).id;
            self.audit(
                conn,
                at,
                actor,
                "candidate",
                id,
                "update",
                None,
                Some(id),
                format!("Edited candidate {name}"),
                Some(json!({ "phone": "+49 30 5550100" })),
            )
            .await?;
            filler -= 1;
        }
        let audit = std::mem::replace(&mut self.audit, Table::new("audit_log", &["id"]));
        let events = std::mem::replace(&mut self.events, Table::new("application_events", &["id"]));
        let audit_rows = audit.finish(conn).await?;
        let event_rows = events.finish(conn).await?;
        let assignments: usize = self.interviews.iter().map(|i| i.interviewers.len()).sum();
        Ok(vec![
            ("users", (self.all_people.len()) as u64),
            ("openings", self.openings.len() as u64),
            ("candidates", self.candidates.len() as u64),
            ("applications", self.applications.len() as u64),
            ("interviews", self.interviews.len() as u64),
            ("interview assignments", assignments as u64),
            ("history rows", event_rows),
            ("audit rows", audit_rows),
        ])
    }
}

/// The history of each application as the board writes it: applied, each move, the outcome.
impl Loader {
    async fn history(&mut self, conn: &mut AnyConnection) -> anyhow::Result<()> {
        for index in 0..self.applications.len() {
            let (id, opening, reached, status, created_at) = {
                let a = &self.applications[index];
                (a.id, a.opening, a.reached, a.status, a.created_at)
            };
            let manager = self.openings[opening].manager;
            let stages: Vec<(i64, String)> = self.openings[opening]
                .stages
                .iter()
                .map(|s| (s.id, s.name.clone()))
                .collect();
            let title = self.openings[opening].title.clone();
            let candidate = self.candidates[self.applications[index].candidate].id;
            let name = self.candidates[self.applications[index].candidate]
                .name
                .clone();
            self.event(
                conn,
                id,
                created_at,
                manager,
                (None, Some(stages[0].0)),
                (None, Some("active")),
                "Applied".into(),
                None,
            )
            .await?;
            let opening_id = self.openings[opening].id;
            self.audit(
                conn,
                created_at,
                manager,
                "application",
                id,
                "create",
                Some(opening_id),
                Some(candidate),
                format!("{name} applied to {title}"),
                None,
            )
            .await?;
            for step in 1..=reached {
                let at = (created_at + int(step) * 9 * DAY).min(self.now);
                self.event(
                    conn,
                    id,
                    at,
                    manager,
                    (Some(stages[step - 1].0), Some(stages[step].0)),
                    (None, None),
                    String::new(),
                    None,
                )
                .await?;
                self.audit(
                    conn,
                    at,
                    manager,
                    "application",
                    id,
                    "move",
                    Some(opening_id),
                    Some(candidate),
                    format!("Moved {name} to {}", stages[step].1),
                    Some(json!({ "stage": stages[step].1 })),
                )
                .await?;
            }
            if status != "active" {
                let at = (created_at + (int(reached) + 1) * 9 * DAY).min(self.now);
                self.event(
                    conn,
                    id,
                    at,
                    manager,
                    (None, None),
                    (Some("active"), Some(status)),
                    String::new(),
                    None,
                )
                .await?;
                self.audit(
                    conn,
                    at,
                    manager,
                    "application",
                    id,
                    "status",
                    Some(opening_id),
                    Some(candidate),
                    format!("{name}: {status}"),
                    Some(json!({ "status": status })),
                )
                .await?;
            }
        }
        Ok(())
    }
}

/// A count or index as a database integer (seeded volumes are far below `i64::MAX`).
fn int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
