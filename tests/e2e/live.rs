//! Agendas, giving challenges and live interview mode over HTTP: the time rules, the repeat
//! rule, the server-kept clock (driven through the test clock, never by sleeping), notes
//! that survive a restart, and ratings.

use crate::cases;
use anyhow::{ensure, Context};
use app::agendas::api::{
    CreateAgendaTemplate, GetAgenda, SaveAgenda, SaveAgendaTemplate, UseAgendaTemplate,
};
use app::agendas::{AgendaInput, AgendaItemInput, AgendaTemplateInput, UseTemplateInput};
use app::challenges::ChallengeInput;
use app::interviews::api::{AssignChallenge, GetInterview, ScheduleInterview};
use app::interviews::AssignChallengeInput;
use app::live::api::{ControlLiveClock, GetLive, LiveClock, SaveLiveNote};
use app::live::clock::countdown;
use app::live::{ControlInput, NoteInput};
use app::openings::api::{AddTemplate, GetPlan, SetTemplateAgenda};
use app::openings::{TemplateAgendaInput, TemplateInput};
use app::values::Checkbox;
use hireloop_tests::fixture::{app_error, planner, schedule_input};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use reqwest::{Client, StatusCode};

cases! {
    http: [
        agendas_keep_to_the_interviews_time,
        the_live_clock_is_the_servers_and_survives_a_restart,
    ],
    browser: [],
}

/// The standard 45-minute technical interview, as form rows.
pub(crate) fn standard_rows() -> Vec<AgendaItemInput> {
    [
        ("Welcome and a break offer", "2", false),
        ("The role and the team", "5", false),
        ("Resume deep-dive", "18", false),
        ("Coding challenge", "15", true),
        ("Candidate's questions", "5", false),
    ]
    .into_iter()
    .map(|(title, minutes, coding)| AgendaItemInput {
        title: title.into(),
        minutes: minutes.into(),
        guidance: format!("How to run {title}."),
        coding: Checkbox(coding),
        ..AgendaItemInput::default()
    })
    .collect()
}

/// Gives `interview` the standard agenda, as its hiring manager.
pub(crate) async fn give_standard_agenda(app: &TestApp, hm: &Client, interview: i64) -> TestResult {
    app.call(
        hm,
        SaveAgenda {
            interview_id: interview,
            input: AgendaInput {
                items: standard_rows(),
            },
        },
    )
    .await?
    .ok()?;
    Ok(())
}

/// Adds a challenge to the library as the admin; returns its id.
pub(crate) async fn challenge(
    app: &TestApp,
    fx: &Fixture,
    title: &str,
    minutes: i64,
    skills: Vec<i64>,
) -> anyhow::Result<i64> {
    let ada = planner(app, &fx.people.admin).await?;
    let input = ChallengeInput {
        title: title.into(),
        prompt: format!("Solve **{title}**."),
        skills,
        difficulty: "2".into(),
        expected_minutes: minutes.to_string(),
        rubric: "Look for tests.".into(),
        hints: "Start small.".into(),
        extensions: vec!["Then make it concurrent.".into()],
        ..ChallengeInput::default()
    };
    app::challenges::service::create(&app.db, &ada, &input, app.clock.now())
        .await
        .map_err(app_error("adding a challenge"))
}

/// The assignment id of `interviewer` in `interview`, from the interview page's data.
pub(crate) async fn assignment_of(
    app: &TestApp,
    hm: &Client,
    interview: i64,
    interviewer: &str,
) -> anyhow::Result<i64> {
    let detail = app.call(hm, GetInterview { id: interview }).await?.ok()?;
    detail
        .challenges
        .iter()
        .find(|s| s.interviewer == interviewer)
        .map(|s| s.assignment_id)
        .with_context(|| format!("{interviewer} has no assignment in interview {interview}"))
}

pub(crate) fn assign(interview: i64, assignment: i64, challenge: i64) -> AssignChallenge {
    AssignChallenge {
        id: interview,
        input: AssignChallengeInput {
            assignment_id: assignment.to_string(),
            challenge_id: challenge.to_string(),
        },
    }
}

pub(crate) fn control(interview: i64, action: &str, from: usize) -> ControlLiveClock {
    ControlLiveClock {
        interview_id: interview,
        input: ControlInput {
            action: action.into(),
            from: from.to_string(),
        },
    }
}

async fn agendas_keep_to_the_interviews_time(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    // Bad rows: each gets its own message, nothing is saved.
    let before = app.digest().await?;
    let mut rows = standard_rows();
    rows[0].minutes = "0".into();
    rows[1].minutes = "-5".into();
    rows[2].title = "  ".into();
    rows[4].coding = Checkbox(true);
    let fields = app
        .call(
            &hm,
            CreateAgendaTemplate {
                input: AgendaTemplateInput {
                    name: "Technical interview".into(),
                    items: rows,
                },
            },
        )
        .await?
        .invalid()?;
    ensure!(fields.get("items.0.minutes") == Some("An item needs at least 1 minute."));
    ensure!(fields.get("items.1.minutes") == Some("An item needs at least 1 minute."));
    ensure!(fields.get("items.2.title") == Some("Give the item a title."));
    app.ensure_unchanged(&before, "a refused agenda template")
        .await?;
    let template = app
        .call(
            &hm,
            CreateAgendaTemplate {
                input: AgendaTemplateInput {
                    name: "Technical interview".into(),
                    items: standard_rows(),
                },
            },
        )
        .await?
        .ok()?;
    // Two coding items are refused on the whole agenda.
    let mut two = standard_rows();
    two[0].coding = Checkbox(true);
    let fields = app
        .call(
            &hm,
            SaveAgendaTemplate {
                id: template,
                input: AgendaTemplateInput {
                    name: "Technical interview".into(),
                    items: two,
                },
            },
        )
        .await?
        .invalid()?;
    ensure!(fields.get("items") == Some("Only one item can be the coding challenge."));

    // A plan interview points at the template; a 45-minute interview scheduled from it
    // starts with its own copy.
    let plan_template = app
        .call(
            &hm,
            AddTemplate {
                stage_id: fx.loop_stage,
                input: TemplateInput {
                    name: "Technical interview".into(),
                    duration_minutes: "45".into(),
                    skills: vec![fx.skills.data],
                    agenda_template_id: template.to_string(),
                },
            },
        )
        .await?
        .ok()?;
    let mut template_view = fx.loop_templates[0].clone();
    template_view.id = plan_template;
    template_view.name = "Technical interview".into();
    let interview = app
        .call(
            &hm,
            ScheduleInterview {
                application_id: fx.maria_application,
                input: schedule_input(
                    &template_view,
                    &app.day(3),
                    "09:00",
                    "09:45",
                    &[(fx.people.priya.id, &[fx.skills.data])],
                ),
            },
        )
        .await?
        .ok()?;
    let agenda = app
        .call(
            &hm,
            GetAgenda {
                interview_id: interview,
                rows: 0,
            },
        )
        .await?
        .ok()?;
    let titles: Vec<&str> = agenda.items.iter().map(|i| i.title.as_str()).collect();
    ensure!(
        titles
            == [
                "Welcome and a break offer",
                "The role and the team",
                "Resume deep-dive",
                "Coding challenge",
                "Candidate's questions"
            ],
        "{titles:?}"
    );
    ensure!(agenda.duration_minutes == 45 && agenda.items[3].coding);

    // Over the duration: refused with the numbers, nothing saved.
    let before = app.digest().await?;
    let mut long = standard_rows();
    long[2].minutes = "25".into();
    let fields = app
        .call(
            &hm,
            SaveAgenda {
                interview_id: interview,
                input: AgendaInput { items: long },
            },
        )
        .await?
        .invalid()?;
    let message = fields.get("items").context("a message on the agenda")?;
    ensure!(
        message.contains("52 minutes, 7 minutes more than the interview's 45"),
        "{message}"
    );
    app.ensure_unchanged(&before, "an agenda over the interview's time")
        .await?;

    // The interviewer reorders and removes; someone outside the interview finds nothing.
    let priya = app.login(&fx.people.priya).await?;
    let mut rows = standard_rows();
    rows[4].order = "0".into();
    rows[1].remove = Checkbox(true);
    app.call(
        &priya,
        SaveAgenda {
            interview_id: interview,
            input: AgendaInput { items: rows },
        },
    )
    .await?
    .ok()?;
    let agenda = app
        .call(
            &priya,
            GetAgenda {
                interview_id: interview,
                rows: 0,
            },
        )
        .await?
        .ok()?;
    let titles: Vec<&str> = agenda.items.iter().map(|i| i.title.as_str()).collect();
    ensure!(
        titles
            == [
                "Candidate's questions",
                "Welcome and a break offer",
                "Resume deep-dive",
                "Coding challenge"
            ],
        "{titles:?}"
    );
    for outsider in [&fx.people.interviewer, &fx.people.member, &fx.people.tom] {
        let client = app.login(outsider).await?;
        app.call(
            &client,
            GetAgenda {
                interview_id: interview,
                rows: 0,
            },
        )
        .await?
        .refused(StatusCode::NOT_FOUND)?;
    }

    // A challenge longer than the coding item: a warning says by how much it is short.
    let long_challenge = challenge(
        &app,
        &fx,
        "Join two event streams",
        20,
        vec![fx.skills.data],
    )
    .await?;
    let priyas = assignment_of(&app, &hm, interview, "Priya Nair").await?;
    app.call(&hm, assign(interview, priyas, long_challenge))
        .await?
        .ok()?;
    let agenda = app
        .call(
            &hm,
            GetAgenda {
                interview_id: interview,
                rows: 0,
            },
        )
        .await?
        .ok()?;
    let warnings = app::agendas::service_warnings(&agenda);
    ensure!(
        warnings
            .iter()
            .any(|w| w.contains("expects 20 minutes: 5 minutes short")),
        "{warnings:?}"
    );

    // The plan interview can point at another agenda, or none; bad choices are refused.
    for (choice, ok) in [("x", false), ("999999", false), ("", true)] {
        let answer = app
            .call(
                &hm,
                SetTemplateAgenda {
                    template_id: plan_template,
                    input: TemplateAgendaInput {
                        agenda_template_id: choice.into(),
                    },
                },
            )
            .await?;
        if ok {
            answer.ok()?;
        } else {
            let fields = answer.invalid()?;
            ensure!(
                fields.get("agenda_template_id")
                    == Some("Choose an agenda template from the list.")
            );
        }
    }
    let plan = app
        .call(
            &hm,
            GetPlan {
                opening_id: fx.backend,
            },
        )
        .await?
        .ok()?;
    let in_plan = plan
        .opening
        .stages
        .iter()
        .flat_map(|s| s.templates.iter())
        .find(|t| t.id == plan_template)
        .context("the plan interview")?;
    ensure!(in_plan.agenda.is_none(), "{:?}", in_plan.agenda);

    // Starting from a template replaces the items; once the clock starts, the agenda is fixed.
    app.call(
        &hm,
        UseAgendaTemplate {
            interview_id: interview,
            input: UseTemplateInput {
                template_id: template.to_string(),
            },
        },
    )
    .await?
    .ok()?;
    app.call(&priya, control(interview, "start", 0))
        .await?
        .ok()?;
    let refused = app
        .call(
            &hm,
            SaveAgenda {
                interview_id: interview,
                input: AgendaInput {
                    items: standard_rows(),
                },
            },
        )
        .await?
        .refused(StatusCode::CONFLICT)?;
    ensure!(refused.to_string().contains("has started"), "{refused}");
    app.stop().await;
    Ok(())
}

async fn the_live_clock_is_the_servers_and_survives_a_restart(backend: Backend) -> TestResult {
    let mut app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let interview = fx.maria_interview;
    give_standard_agenda(&app, &hm, interview).await?;
    let ivan = app.login(&fx.people.interviewer).await?;
    let minutes = [2, 5, 18, 15, 5];

    let snap = app
        .call(
            &ivan,
            LiveClock {
                interview_id: interview,
            },
        )
        .await?
        .ok()?;
    ensure!(!snap.clock.started());
    let before_start = app.clock.now_millis();
    let snap = app
        .call(&ivan, control(interview, "start", 0))
        .await?
        .ok()?;
    let started = snap.clock.started_at.context("started")?;
    ensure!(
        started >= before_start && started <= app.clock.now_millis(),
        "the server's time"
    );
    // Three minutes later (by the test clock) the 2-minute welcome is a minute over.
    app.clock.advance(180);
    let snap = app
        .call(
            &ivan,
            LiveClock {
                interview_id: interview,
            },
        )
        .await?
        .ok()?;
    let over = countdown(snap.clock.item_left(&minutes, 0, snap.server_now));
    ensure!(
        over.starts_with("+1:0") && over.ends_with(" over"),
        "{over}"
    );
    // Next, pressed on two devices at once, moves the clock once.
    let snap = app.call(&ivan, control(interview, "next", 0)).await?.ok()?;
    ensure!(snap.clock.current == 1);
    let snap = app.call(&hm, control(interview, "next", 0)).await?.ok()?;
    ensure!(snap.clock.current == 1, "a stale press changes nothing");
    ensure!(snap.clock.spent[0] >= 180_000 && snap.clock.spent[0] < 185_000);
    // Paused time does not count.
    app.call(&ivan, control(interview, "pause", 1))
        .await?
        .ok()?;
    app.clock.advance(600);
    let snap = app
        .call(&ivan, control(interview, "resume", 1))
        .await?
        .ok()?;
    let left = snap.clock.item_left(&minutes, 1, snap.server_now);
    ensure!(left > 290_000 && left <= 300_000, "{left}");
    app.clock.advance(60);
    let snap = app.call(&ivan, control(interview, "back", 1)).await?.ok()?;
    ensure!(snap.clock.current == 0 && snap.clock.spent[1] >= 60_000);
    app.call(&ivan, control(interview, "next", 0)).await?.ok()?;
    let bad = app
        .call(&ivan, control(interview, "explode", 0))
        .await?
        .invalid()?;
    ensure!(bad.get("action").is_some());

    // Notes: the interviewer's own, saved per item.
    let live = app
        .call(
            &ivan,
            GetLive {
                interview_id: interview,
            },
        )
        .await?
        .ok()?;
    let item = live.items[1].id;
    app.call(
        &ivan,
        SaveLiveNote {
            interview_id: interview,
            input: NoteInput {
                item_id: item,
                body: "Asked about the team's on-call.".into(),
            },
        },
    )
    .await?
    .ok()?;
    let bad = app
        .call(
            &ivan,
            SaveLiveNote {
                interview_id: interview,
                input: NoteInput {
                    item_id: item,
                    body: "nul \u{0} byte".into(),
                },
            },
        )
        .await?
        .invalid()?;
    ensure!(bad.get("body").is_some());
    // A note holding markup stays text in the page.
    app.call(
        &ivan,
        SaveLiveNote {
            interview_id: interview,
            input: NoteInput {
                item_id: live.items[0].id,
                body: "</textarea><script>alert(1)</script>".into(),
            },
        },
    )
    .await?
    .ok()?;
    let (_, html) = app
        .page(&ivan, &format!("/interviews/{interview}/live"))
        .await?;
    ensure!(
        !html.contains("<script>alert(1)") && html.contains("&lt;/textarea&gt;&lt;script&gt;"),
        "the note is escaped"
    );
    let live_hm = app
        .call(
            &hm,
            GetLive {
                interview_id: interview,
            },
        )
        .await?
        .ok()?;
    ensure!(live_hm.items[1].note.is_empty(), "notes are their writer's");
    // An item of another interview is not this interview's.
    let tom_client = app.login(&fx.people.tom).await?;
    give_standard_agenda(&app, &hm, fx.maria_tom_interview).await?;
    let other = app
        .call(
            &hm,
            GetLive {
                interview_id: fx.maria_tom_interview,
            },
        )
        .await?
        .ok()?;
    app.call(
        &ivan,
        SaveLiveNote {
            interview_id: interview,
            input: NoteInput {
                item_id: other.items[0].id,
                body: "x".into(),
            },
        },
    )
    .await?
    .refused(StatusCode::NOT_FOUND)?;
    drop(tom_client);

    // A restart: the same clock, the same notes, and the session still works.
    let elapsed_before = app
        .call(
            &ivan,
            LiveClock {
                interview_id: interview,
            },
        )
        .await?
        .ok()?;
    app.restart().await?;
    let live = app
        .call(
            &ivan,
            GetLive {
                interview_id: interview,
            },
        )
        .await?
        .ok()?;
    ensure!(live.snapshot.clock.current == 1);
    ensure!(live.items[1].note == "Asked about the team's on-call.");
    let drift = live.snapshot.clock.elapsed(live.snapshot.server_now)
        - elapsed_before.clock.elapsed(elapsed_before.server_now);
    ensure!((0..30_000).contains(&drift), "the clock ran on: {drift}");
    app.stop().await;
    Ok(())
}
