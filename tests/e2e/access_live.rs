//! The permission matrix's calls for agendas and live interview mode: who may read and
//! change agenda templates, an interview's agenda, its live clock, notes and ratings, and
//! give challenges. Fresh targets per role, so that each allowed call has something to do.

use crate::access::{call, Call, OPENING_MANAGERS, PLANNERS};
use crate::access::{Admin, HiringManager, Interviewer, Manager, Role};
use crate::live::standard_rows;
use app::agendas::api::{
    CreateAgendaTemplate, DeleteAgendaTemplate, GetAgenda, GetAgendaTemplate, ListAgendaTemplates,
    SaveAgenda, SaveAgendaTemplate, UseAgendaTemplate,
};
use app::agendas::{AgendaInput, AgendaTemplateInput, UseTemplateInput};
use app::challenges::ChallengeInput;
use app::interviews::api::AssignChallenge;
use app::interviews::AssignChallengeInput;
use app::live::api::{ControlLiveClock, GetLive, LiveClock, RateChallenge, SaveLiveNote};
use app::live::{ControlInput, NoteInput, RatingInput};
use hireloop_tests::fixture::{actor, app_error, planner, schedule, schedule_input};
use hireloop_tests::{Fixture, TestApp};

/// The readers of an interview's kit where Ivan and Sam interview Maria.
const IVAN_AND_SAM: &[Role] = &[Interviewer, Manager, HiringManager, Admin];
/// Only Ivan interviews Jordan; Sam is Jordan's manager.
const JORDANS_LOOP: &[Role] = &[Interviewer, HiringManager, Admin];

pub(crate) async fn calls(app: &TestApp, fx: &Fixture, n: i64) -> anyhow::Result<Vec<Call>> {
    use crate::access::Effect::{Reads, Writes};
    let db = &app.db;
    let now = app.clock.now();
    let ada = planner(app, &fx.people.admin).await?;
    let template = |name: String| {
        let ada = ada.clone();
        async move {
            app::agendas::service::create_template(
                db,
                &ada,
                &AgendaTemplateInput {
                    name,
                    items: standard_rows(),
                },
                now,
            )
            .await
            .map_err(app_error("an agenda template"))
        }
    };
    let standard = template(format!("Standard {n}")).await?;
    let to_rename = template(format!("To rename {n}")).await?;
    let to_delete = template(format!("To delete {n}")).await?;
    let challenge = |title: String, skill: i64| {
        let ada = ada.clone();
        async move {
            let input = ChallengeInput {
                title,
                prompt: "Design it.".into(),
                skills: vec![skill],
                difficulty: "2".into(),
                expected_minutes: "15".into(),
                ..ChallengeInput::default()
            };
            app::challenges::service::create(db, &ada, &input, now)
                .await
                .map_err(app_error("a challenge"))
        }
    };
    let for_ivan = challenge(format!("Back-end puzzle {n}"), fx.skills.backend).await?;
    let for_tom = challenge(format!("Explaining {n}"), fx.skills.communication).await?;
    // Interview A: Ivan and Sam, with an agenda and Ivan's challenge. Interview B: Tom.
    let with_agenda = schedule(
        app,
        &fx.people.hiring_manager,
        fx.maria_application,
        &schedule_input(
            &fx.loop_templates[0],
            &app.day(40 + n),
            "08:00",
            "08:45",
            &[
                (fx.people.interviewer.id, &[fx.skills.backend]),
                (fx.people.manager.id, &[fx.skills.product]),
            ],
        ),
    )
    .await
    .map_err(app_error("a live interview"))?;
    let toms = schedule(
        app,
        &fx.people.hiring_manager,
        fx.maria_application,
        &schedule_input(
            &fx.loop_templates[2],
            &app.day(40 + n),
            "10:00",
            "10:45",
            &[(fx.people.tom.id, &[fx.skills.communication])],
        ),
    )
    .await
    .map_err(app_error("Tom's interview"))?;
    let admin_kit =
        app::access::require_kit_reader(db, actor(app, &fx.people.admin).await?, with_agenda)
            .await
            .map_err(app_error("the kit"))?;
    app::agendas::service::save(
        db,
        &admin_kit,
        &AgendaInput {
            items: standard_rows(),
        },
        now,
    )
    .await
    .map_err(app_error("an agenda"))?;
    let item = app::agendas::service::items(db, &admin_kit)
        .await
        .map_err(app_error("the agenda"))?[0]
        .id;
    let assignment = |interview: i64, user: i64| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT id FROM interview_assignments WHERE interview_id = $1 AND user_id = $2",
        )
        .bind(interview)
        .bind(user)
        .fetch_one(db)
        .await
    };
    let ivans = assignment(with_agenda, fx.people.interviewer.id).await?;
    let tom_assignment = assignment(toms, fx.people.tom.id).await?;
    let manager_scope = app::access::require_interview_manager(
        db,
        actor(app, &fx.people.admin).await?,
        with_agenda,
    )
    .await
    .map_err(app_error("the interview"))?;
    app::interviews::service::challenges::assign(
        db,
        &manager_scope,
        &AssignChallengeInput {
            assignment_id: ivans.to_string(),
            challenge_id: for_ivan.to_string(),
        },
        now,
    )
    .await
    .map_err(app_error("Ivan's challenge"))?;
    let mut rows = standard_rows();
    rows[0].title = format!("Welcome {n}");
    Ok(vec![
        call(ListAgendaTemplates {}, PLANNERS, Reads),
        call(
            CreateAgendaTemplate {
                input: AgendaTemplateInput {
                    name: format!("New agenda {n}"),
                    items: standard_rows(),
                },
            },
            PLANNERS,
            Writes,
        ),
        call(
            GetAgendaTemplate {
                id: standard,
                rows: 0,
            },
            PLANNERS,
            Reads,
        ),
        call(
            SaveAgendaTemplate {
                id: to_rename,
                input: AgendaTemplateInput {
                    name: format!("Renamed {n}"),
                    items: standard_rows(),
                },
            },
            PLANNERS,
            Writes,
        ),
        call(DeleteAgendaTemplate { id: to_delete }, PLANNERS, Writes),
        call(
            GetAgenda {
                interview_id: with_agenda,
                rows: 0,
            },
            IVAN_AND_SAM,
            Reads,
        ),
        call(
            GetAgenda {
                interview_id: fx.maria_tom_interview,
                rows: 0,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            GetAgenda {
                interview_id: fx.jordan_interview,
                rows: 0,
            },
            JORDANS_LOOP,
            Reads,
        ),
        // Before the agenda is saved again (which replaces its items).
        call(
            SaveLiveNote {
                interview_id: with_agenda,
                input: NoteInput {
                    item_id: item,
                    body: format!("Note {n}"),
                },
            },
            IVAN_AND_SAM,
            Writes,
        ),
        call(
            SaveAgenda {
                interview_id: with_agenda,
                input: AgendaInput { items: rows },
            },
            IVAN_AND_SAM,
            Writes,
        ),
        call(
            UseAgendaTemplate {
                interview_id: toms,
                input: UseTemplateInput {
                    template_id: standard.to_string(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            AssignChallenge {
                id: toms,
                input: AssignChallengeInput {
                    assignment_id: tom_assignment.to_string(),
                    challenge_id: for_tom.to_string(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            GetLive {
                interview_id: with_agenda,
            },
            IVAN_AND_SAM,
            Reads,
        ),
        call(
            GetLive {
                interview_id: fx.maria_tom_interview,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            GetLive {
                interview_id: fx.jordan_interview,
            },
            JORDANS_LOOP,
            Reads,
        ),
        call(
            LiveClock {
                interview_id: fx.jordan_interview,
            },
            JORDANS_LOOP,
            Reads,
        ),
        call(
            ControlLiveClock {
                interview_id: with_agenda,
                input: ControlInput {
                    action: "start".into(),
                    from: "0".into(),
                },
            },
            IVAN_AND_SAM,
            Writes,
        ),
        call(
            RateChallenge {
                interview_id: with_agenda,
                input: RatingInput {
                    assignment_id: ivans.to_string(),
                    rating: "4".into(),
                    note: "Useful.".into(),
                },
            },
            &[Interviewer],
            Writes,
        ),
    ])
}
