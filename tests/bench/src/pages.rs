//! What the benchmark loads: the pages people live in and the writes they make, each one
//! line in [`PAGES`] / [`WRITES`], and the records they point at in the seeded database.

use anyhow::Context;
use app::applications::MoveInput;
use app::candidates::CandidateInput;
use app::interviews::{InterviewerInput, ScheduleInput};
use app::values::Checkbox;
use rand::rngs::StdRng;
use rand::Rng;
use sqlx::AnyPool;

pub const ADA: &str = "ada@hireloop.test";
pub const HANNAH: &str = "hannah@hireloop.test";
pub const IVAN: &str = "ivan@hireloop.test";
/// No one signed in.
pub const ANONYMOUS: &str = "";
pub const PASSWORD: &str = "hireloop-demo";

/// A page: its name in the tables, who loads it, and its path.
pub struct Page {
    pub name: &'static str,
    pub user: &'static str,
    pub path: fn(&Targets) -> String,
}

const fn page(name: &'static str, user: &'static str, path: fn(&Targets) -> String) -> Page {
    Page { name, user, path }
}

/// Every page the benchmark measures. Adding a page is one line.
pub const PAGES: &[Page] = &[
    page("Sign-in page", ANONYMOUS, |_| "/login".into()),
    // A static file on kept-alive connections (stalled 40 ms each without TCP_NODELAY).
    page("Stylesheet (static file)", ANONYMOUS, |_| {
        "/pkg/hireloop.css".into()
    }),
    page("Dashboard (interviewer)", IVAN, |_| "/".into()),
    page("Dashboard (admin)", ADA, |_| "/".into()),
    page("My interviews (busiest interviewer)", IVAN, |_| {
        "/my-interviews".into()
    }),
    page("Openings (admin: all)", ADA, |_| "/openings".into()),
    page("Board (800 applications)", HANNAH, |t| {
        format!("/openings/{}", t.busy_opening)
    }),
    page("Application", HANNAH, |t| {
        format!("/applications/{}", t.application)
    }),
    page("Schedule form", HANNAH, |t| {
        format!("/applications/{}/schedule", t.application)
    }),
    page("Interview kit", IVAN, |t| {
        format!("/interviews/{}/kit", t.kit_interview)
    }),
    page("Live interview mode", IVAN, |t| {
        format!("/interviews/{}/live", t.kit_interview)
    }),
    page("Agenda editor", IVAN, |t| {
        format!("/interviews/{}/agenda", t.kit_interview)
    }),
    page("Agenda templates", HANNAH, |_| "/agendas".into()),
    page("Scorecard (interviewer's draft)", IVAN, |t| {
        format!("/interviews/{}/scorecard", t.kit_interview)
    }),
    page("Debrief (most interviewers)", HANNAH, |t| {
        format!("/debriefs/{}", t.debrief)
    }),
    page("Candidates (admin: all)", ADA, |_| "/candidates".into()),
    page("Coding challenges (hiring manager)", HANNAH, |_| {
        "/challenges".into()
    }),
    page("Coding challenge (most used)", HANNAH, |t| {
        format!("/challenges/{}", t.challenge)
    }),
    page("Admin: skill areas", ADA, |_| "/admin/skill-areas".into()),
    page("Admin: audit log", ADA, |_| "/admin/audit".into()),
    page("Admin: sent mail", ADA, |_| "/admin/mail".into()),
    page("Account (reminders, calendar feed)", IVAN, |_| {
        "/account".into()
    }),
];

/// A write: its name, who makes it, and the server function call (path and form body) for
/// the `n`-th call of one simulated user.
pub struct Write {
    pub name: &'static str,
    pub user: &'static str,
    pub call: fn(&Targets, &mut WriterState) -> anyhow::Result<(String, String)>,
}

const fn write(
    name: &'static str,
    user: &'static str,
    call: fn(&Targets, &mut WriterState) -> anyhow::Result<(String, String)>,
) -> Write {
    Write { name, user, call }
}

/// The write mix. Adding a write is one line (and a function building its call).
pub const WRITES: &[Write] = &[
    write("Move a card", HANNAH, move_card),
    write("Schedule an interview", HANNAH, schedule_interview),
    write("Edit a candidate", ADA, edit_candidate),
    write("Autosave a live note", IVAN, save_note),
    write("Save an interview's agenda", HANNAH, save_agenda),
    write("Autosave a scorecard draft", IVAN, save_scorecard),
];

/// What one simulated writer keeps between calls.
#[derive(Clone)]
pub struct WriterState {
    /// Which simulated user this is (spreads users over different records).
    pub index: usize,
    /// Which run of writes on this database (each run books other slots).
    pub run: usize,
    pub rng: StdRng,
    pub calls: usize,
}

/// The records pages and writes point at, found in the seeded database.
#[derive(Debug, Clone)]
pub struct Targets {
    pub busy_opening: i64,
    pub application: i64,
    pub kit_interview: i64,
    /// The agenda items of Ivan's interview (his live notes).
    pub note_items: Vec<i64>,
    /// Upcoming interviews of the busy opening whose agendas writers save.
    pub agenda_interviews: Vec<i64>,
    /// The challenge given to the most interviewers.
    pub challenge: i64,
    /// Ivan's interviews without a scorecard: each writer drafts its own.
    pub scorecard_interviews: Vec<i64>,
    /// The busy opening's debrief with the most submitted scorecards.
    pub debrief: i64,
    pub ivan: i64,
    /// Active applications on the busy opening that writers move between two stages.
    pub movable: Vec<i64>,
    pub loop_stage: i64,
    pub debrief_stage: i64,
    /// Active applications in the loop stage that writers schedule interviews for.
    pub schedulable: Vec<i64>,
    pub loop_template: i64,
    pub loop_skill: i64,
    pub interviewers: Vec<i64>,
    /// External candidates (admin edits them).
    pub candidates: Vec<CandidateRecord>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CandidateRecord {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub source: String,
    pub links: String,
    pub resume_text: String,
}

async fn user_id(db: &AnyPool, email: &str) -> anyhow::Result<i64> {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(db)
        .await
        .with_context(|| format!("user {email}"))
}

impl Targets {
    /// Finds the records in a database seeded by `hireloop demo-data --scale`.
    pub async fn find(db: &AnyPool, now: i64) -> anyhow::Result<Self> {
        let busy_opening: i64 = sqlx::query_scalar(
            "SELECT id FROM openings WHERE title = 'Backend Engineer' ORDER BY id LIMIT 1",
        )
        .fetch_one(db)
        .await
        .context("the busy opening")?;
        let stage = |name: &'static str| async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM stages WHERE opening_id = $1 AND name = $2",
            )
            .bind(busy_opening)
            .bind(name)
            .fetch_one(db)
            .await
            .with_context(|| format!("stage {name}"))
        };
        let loop_stage = stage("Technical loop").await?;
        let debrief_stage = stage("Debrief").await?;
        let active_in = |stage: i64, limit: i64| async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT a.id FROM applications a JOIN candidates c ON c.id = a.candidate_id \
                 WHERE a.opening_id = $1 AND a.stage_id = $2 AND a.status = 'active' \
                 AND c.is_internal = FALSE ORDER BY a.id LIMIT $3",
            )
            .bind(busy_opening)
            .bind(stage)
            .bind(limit)
            .fetch_all(db)
            .await
            .context("active applications")
        };
        let in_loop = active_in(loop_stage, 400).await?;
        anyhow::ensure!(in_loop.len() >= 4, "too few applications in the loop");
        // The application page shows the one with the most interviews.
        let application: i64 = sqlx::query_scalar(
            "SELECT a.id FROM applications a JOIN candidates c ON c.id = a.candidate_id \
             WHERE a.opening_id = $1 AND a.stage_id = $2 AND a.status = 'active' \
             AND c.is_internal = FALSE \
             ORDER BY (SELECT COUNT(*) FROM interviews i WHERE i.application_id = a.id) DESC, a.id \
             LIMIT 1",
        )
        .bind(busy_opening)
        .bind(loop_stage)
        .fetch_one(db)
        .await?;
        let ivan = user_id(db, IVAN).await?;
        let kit_interview: i64 = sqlx::query_scalar(
            "SELECT i.id FROM interviews i JOIN interview_assignments ia ON ia.interview_id = i.id \
             JOIN applications a ON a.id = i.application_id \
             JOIN candidates c ON c.id = a.candidate_id \
             WHERE ia.user_id = $1 AND i.status = 'scheduled' AND i.starts_at > $2 \
             AND c.is_internal = FALSE ORDER BY i.starts_at LIMIT 1",
        )
        .bind(ivan)
        .bind(now)
        .fetch_one(db)
        .await
        .context("an upcoming interview of Ivan's")?;
        let note_items: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM agenda_items WHERE interview_id = $1 ORDER BY position",
        )
        .bind(kit_interview)
        .fetch_all(db)
        .await
        .context("the agenda of Ivan's interview")?;
        anyhow::ensure!(!note_items.is_empty(), "Ivan's interview has no agenda");
        let agenda_interviews: Vec<i64> = sqlx::query_scalar(
            "SELECT i.id FROM interviews i JOIN applications a ON a.id = i.application_id \
             WHERE a.opening_id = $1 AND i.status = 'scheduled' AND i.starts_at > $2 AND i.id <> $3 \
             AND i.duration_minutes >= 45 \
             AND NOT EXISTS (SELECT 1 FROM interview_clocks k WHERE k.interview_id = i.id) \
             ORDER BY i.id LIMIT 64",
        )
        .bind(busy_opening)
        .bind(now)
        .bind(kit_interview)
        .fetch_all(db)
        .await
        .context("upcoming interviews to plan")?;
        anyhow::ensure!(
            !agenda_interviews.is_empty(),
            "no upcoming interviews to plan"
        );
        let challenge: i64 = sqlx::query_scalar(
            "SELECT challenge_id FROM interview_assignments WHERE challenge_id IS NOT NULL \
             GROUP BY challenge_id ORDER BY COUNT(*) DESC, challenge_id LIMIT 1",
        )
        .fetch_one(db)
        .await
        .context("the most used challenge")?;
        let scorecard_interviews: Vec<i64> = sqlx::query_scalar(
            "SELECT i.id FROM interviews i JOIN interview_assignments ia ON ia.interview_id = i.id \
             JOIN applications a ON a.id = i.application_id \
             JOIN candidates c ON c.id = a.candidate_id \
             WHERE ia.user_id = $1 AND i.status = 'scheduled' AND i.id <> $2 \
             AND c.is_internal = FALSE \
             AND NOT EXISTS (SELECT 1 FROM scorecards s WHERE s.assignment_id = ia.id) \
             ORDER BY i.id",
        )
        .bind(ivan)
        .bind(kit_interview)
        .fetch_all(db)
        .await
        .context("Ivan's interviews without feedback")?;
        // At scale 1 there are hundreds, so each writer of each run has its own (smaller
        // scales only load pages).
        anyhow::ensure!(
            !scorecard_interviews.is_empty(),
            "no interview of Ivan's without feedback"
        );
        let debrief: i64 = sqlx::query_scalar(
            "SELECT d.id FROM debriefs d JOIN applications a ON a.id = d.application_id \
             JOIN candidates c ON c.id = a.candidate_id \
             JOIN interviews i ON i.application_id = d.application_id AND i.stage_id = d.stage_id \
             JOIN interview_assignments ia ON ia.interview_id = i.id \
             JOIN scorecards s ON s.assignment_id = ia.id \
             WHERE a.opening_id = $1 AND c.is_internal = FALSE \
             GROUP BY d.id ORDER BY COUNT(DISTINCT s.user_id) DESC, d.id LIMIT 1",
        )
        .bind(busy_opening)
        .fetch_one(db)
        .await
        .context("a debrief")?;
        let (loop_template, loop_skill): (i64, i64) = sqlx::query_as(
            "SELECT t.id, ts.skill_area_id FROM interview_templates t \
             JOIN template_skill_areas ts ON ts.template_id = t.id \
             WHERE t.stage_id = $1 ORDER BY t.position LIMIT 1",
        )
        .bind(loop_stage)
        .fetch_one(db)
        .await
        .context("the loop's first template")?;
        let interviewers: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM users WHERE active = TRUE AND (email LIKE 'interviewer-%' \
             OR email LIKE 'busy-%') ORDER BY id LIMIT 40",
        )
        .fetch_all(db)
        .await?;
        let candidates: Vec<CandidateRecord> = sqlx::query_as(
            "SELECT c.id, c.name, c.email, c.source, c.links, c.resume_text FROM candidates c \
             WHERE c.is_internal = FALSE AND c.email LIKE '%@example.net' ORDER BY c.id LIMIT 400",
        )
        .fetch_all(db)
        .await?;
        let (movable, schedulable) = in_loop.split_at(in_loop.len() / 2);
        Ok(Self {
            busy_opening,
            application,
            kit_interview,
            note_items,
            agenda_interviews,
            challenge,
            scorecard_interviews,
            debrief,
            ivan,
            movable: movable.to_vec(),
            loop_stage,
            debrief_stage,
            schedulable: schedulable.to_vec(),
            loop_template,
            loop_skill,
            interviewers,
            candidates,
        })
    }
}

fn form<T: serde::Serialize>(args: &T) -> anyhow::Result<String> {
    serde_qs::to_string(args).context("encoding a form")
}

fn path_of<S: leptos::server_fn::ServerFn>() -> String {
    S::PATH.to_owned()
}

/// The simulated user's own slice of `items` (so that users do not fight over one record).
fn own<'a, T>(items: &'a [T], state: &WriterState, users: usize) -> anyhow::Result<&'a T> {
    let share = (items.len() / users.max(1)).max(1);
    let start = (state.index * share) % items.len().max(1);
    items
        .get(start + state.calls % share)
        .or_else(|| items.first())
        .context("nothing to write to")
}

/// How many simulated users share the records (the benchmark's client count at most).
pub const MAX_WRITERS: usize = 32;

/// Moves one of the user's applications from the loop to the debrief and back.
fn move_card(t: &Targets, state: &mut WriterState) -> anyhow::Result<(String, String)> {
    let application = *own(&t.movable, state, MAX_WRITERS)?;
    let share = (t.movable.len() / MAX_WRITERS).max(1);
    // Each application alternates: the first round moves it on, the next one back.
    let forward = (state.calls / share).is_multiple_of(2);
    let target_stage = if forward {
        t.debrief_stage
    } else {
        t.loop_stage
    };
    let body = form(&app::applications::api::MoveApplication {
        id: application,
        input: MoveInput {
            stage_id: target_stage.to_string(),
        },
    })?;
    Ok((path_of::<app::applications::api::MoveApplication>(), body))
}

/// Books an interviewer for a future slot (confirming past any coverage warning). Slots never
/// clash: each simulated user has its own 45 minutes of the day, and walks through the days
/// of the coming year and the interviewers, starting at another interviewer in each run.
fn schedule_interview(t: &Targets, state: &mut WriterState) -> anyhow::Result<(String, String)> {
    const DAYS: usize = 320;
    let application = *own(&t.schedulable, state, MAX_WRITERS)?;
    let n = state.calls;
    let interviewer = t.interviewers[(n / DAYS + state.run * 13) % t.interviewers.len()];
    let day = chrono::Utc::now().date_naive() + chrono::Days::new(30 + (n % DAYS) as u64);
    let start_minutes = 7 * 60 + (state.index % 16) * 45;
    let end_minutes = start_minutes + 45;
    let clock = |m: usize| format!("{:02}:{:02}", m / 60, m % 60);
    let body = form(&app::interviews::api::ScheduleInterview {
        application_id: application,
        input: ScheduleInput {
            template_id: t.loop_template.to_string(),
            title: "Back-end deep dive".into(),
            date: day.format("%Y-%m-%d").to_string(),
            start_time: clock(start_minutes),
            end_time: clock(end_minutes),
            timezone: "Europe/Berlin".into(),
            location: "https://meet.hireloop.test/bench".into(),
            interviewers: vec![InterviewerInput {
                user_id: interviewer.to_string(),
                skills: vec![t.loop_skill],
            }],
            confirm: Checkbox(true),
        },
    })?;
    Ok((path_of::<app::interviews::api::ScheduleInterview>(), body))
}

/// Puts the applications writers move back into the loop stage (before each run, so that a
/// run's first move is never "already there").
pub async fn reset_moves(db: &AnyPool, t: &Targets) -> anyhow::Result<()> {
    let sql = format!(
        "UPDATE applications SET stage_id = $1 WHERE id IN ({})",
        t.movable
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    sqlx::query(&sql).bind(t.loop_stage).execute(db).await?;
    Ok(())
}

/// Changes a candidate's phone number.
fn edit_candidate(t: &Targets, state: &mut WriterState) -> anyhow::Result<(String, String)> {
    let candidate = own(&t.candidates, state, MAX_WRITERS)?;
    let body = form(&app::candidates::api::UpdateCandidate {
        id: candidate.id,
        input: CandidateInput {
            name: candidate.name.clone(),
            email: candidate.email.clone(),
            phone: format!("+49 30 {:07}", state.rng.gen_range(0..10_000_000)),
            kind: "external".into(),
            source: candidate.source.clone(),
            links: candidate.links.clone(),
            resume_text: candidate.resume_text.clone(),
            ..CandidateInput::default()
        },
    })?;
    Ok((path_of::<app::candidates::api::UpdateCandidate>(), body))
}

/// Ivan types in one of his live interview's note boxes (the autosave a debounce sends).
fn save_note(t: &Targets, state: &mut WriterState) -> anyhow::Result<(String, String)> {
    let item = t.note_items[(state.index + state.calls) % t.note_items.len()];
    let body = form(&app::live::api::SaveLiveNote {
        interview_id: t.kit_interview,
        input: app::live::NoteInput {
            item_id: item,
            body: format!(
                "Walked through the billing rewrite; answer {} was clear about trade-offs.",
                state.calls
            ),
        },
    })?;
    Ok((path_of::<app::live::api::SaveLiveNote>(), body))
}

/// Ivan's scorecard autosaves as he types: each simulated user drafts its own interview's
/// scorecard (another in each run), so the revision it sends is the number of its saves.
fn save_scorecard(t: &Targets, state: &mut WriterState) -> anyhow::Result<(String, String)> {
    let slot = (state.run * MAX_WRITERS + state.index % MAX_WRITERS) % t.scorecard_interviews.len();
    let interview = t.scorecard_interviews[slot];
    let body = form(&app::scorecards::api::SaveScorecard {
        interview_id: interview,
        input: app::scorecards::ScorecardInput {
            revision: state.calls.to_string(),
            intent: "autosave".into(),
            notes: format!(
                "Resume deep-dive: led the billing rewrite; draft {} of the feedback.",
                state.calls
            ),
            candidate_questions: "How on-call works; how the team plans.".into(),
            ..app::scorecards::ScorecardInput::default()
        },
    })?;
    Ok((path_of::<app::scorecards::api::SaveScorecard>(), body))
}

/// Hannah adjusts the agenda of one of her upcoming interviews (all items saved at once).
fn save_agenda(t: &Targets, state: &mut WriterState) -> anyhow::Result<(String, String)> {
    let interview = *own(&t.agenda_interviews, state, MAX_WRITERS)?;
    let resume_minutes = 15 + (state.calls % 4);
    let items = [
        ("Welcome and a break offer", 2, false),
        ("The role and the team", 5, false),
        ("Resume deep-dive", resume_minutes, false),
        ("Coding challenge", 15, true),
        ("Candidate's questions", 5, false),
    ]
    .into_iter()
    .map(|(title, minutes, coding)| app::agendas::AgendaItemInput {
        title: title.into(),
        minutes: minutes.to_string(),
        coding: Checkbox(coding),
        ..app::agendas::AgendaItemInput::default()
    })
    .collect();
    let body = form(&app::agendas::api::SaveAgenda {
        interview_id: interview,
        input: app::agendas::AgendaInput { items },
    })?;
    Ok((path_of::<app::agendas::api::SaveAgenda>(), body))
}
