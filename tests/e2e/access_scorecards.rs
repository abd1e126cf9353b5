//! The permission matrix's calls for scorecards and debriefs. Ivan plays two roles: an
//! interviewer who has not submitted his own feedback on Maria (he may write his scorecard
//! and nothing more), and [`Submitted`], the same Ivan once all of his is in (he may then
//! read the others' scorecards and the debrief he takes part in). Fresh targets per role.

use crate::access::{call, Call, Role, ADMINS, OPENING_MANAGERS};
use crate::access::{Admin, HiringManager, Interviewer, Submitted};
use crate::scorecards::filled;
use app::access::require_scorecard_author;
use app::debriefs::api::{DecideDebrief, GetApplicationFeedback, GetDebrief, ScheduleDebrief};
use app::debriefs::{DebriefInput, DecisionInput};
use app::scorecards::api::{
    GetFeedbackTopics, GetScorecard, GetScorecardForm, GetScorecardQuestions, SaveFeedbackTopics,
    SaveScorecard, SaveScorecardQuestions,
};
use app::scorecards::{QuestionInput, QuestionsInput, TopicsInput};
use app::values::Checkbox;
use hireloop_tests::fixture::{actor, app_error, schedule, schedule_input};
use hireloop_tests::{Fixture, TestApp, TestUser};

/// Ivan writes his own scorecards, before and after submitting.
const AUTHOR: &[Role] = &[Interviewer, Submitted];
/// A submitted scorecard and the debrief: the managers, and Ivan once his feedback is in.
const READERS: &[Role] = &[HiringManager, Admin, Submitted];

/// Submits `user`'s scorecard on `interview` (all skill areas rated Yes) a day after it
/// began, through the service; nothing if it is already in.
async fn submit_as(app: &TestApp, user: &TestUser, interview: i64) -> anyhow::Result<i64> {
    let db = &app.db;
    let scope = require_scorecard_author(db, actor(app, user).await?, interview)
        .await
        .map_err(app_error("the author"))?;
    let later = app.clock.now() + 400 * 86_400;
    let page = app::scorecards::service::page(db, &scope, later)
        .await
        .map_err(app_error("the scorecard"))?;
    if !page.status.is_in() {
        let mut input = filled(&page, "yes", "yes", "submit");
        input.acknowledge = Checkbox(true);
        app::scorecards::service::save(db, &scope, &input, later)
            .await
            .map_err(app_error("submitting"))?;
    }
    Ok(
        sqlx::query_scalar("SELECT id FROM scorecards WHERE assignment_id = $1")
            .bind(scope.assignment_id())
            .fetch_one(db)
            .await?,
    )
}

pub(crate) async fn calls(
    app: &TestApp,
    fx: &Fixture,
    role: Role,
    n: i64,
) -> anyhow::Result<Vec<Call>> {
    use crate::access::Effect::{Reads, Writes};
    let db = &app.db;
    let (ivan, tom) = (&fx.people.interviewer, &fx.people.tom);
    // A fresh interview of Maria's loop: Ivan and Tom. Tom's scorecard is in.
    let interview = schedule(
        app,
        &fx.people.hiring_manager,
        fx.maria_application,
        &schedule_input(
            &fx.loop_templates[1],
            &app.day(60 + n),
            "08:00",
            "08:45",
            &[
                (ivan.id, &[fx.skills.data]),
                (tom.id, &[fx.skills.communication]),
            ],
        ),
    )
    .await
    .map_err(app_error("an interview to write feedback on"))?;
    let toms = submit_as(app, tom, interview).await?;
    if role == Submitted {
        let mine: Vec<i64> = sqlx::query_scalar(
            "SELECT i.id FROM interviews i JOIN interview_assignments ia ON ia.interview_id = i.id \
             WHERE i.application_id = $1 AND ia.user_id = $2 AND i.status <> 'cancelled'",
        )
        .bind(fx.maria_application)
        .bind(ivan.id)
        .fetch_all(db)
        .await?;
        for id in mine {
            submit_as(app, ivan, id).await?;
        }
    }
    let ivan_scope = require_scorecard_author(db, actor(app, ivan).await?, interview)
        .await
        .map_err(app_error("Ivan as author"))?;
    let page = app::scorecards::service::page(db, &ivan_scope, app.clock.now())
        .await
        .map_err(app_error("Ivan's scorecard"))?;
    let mut draft = filled(&page, "", "", "autosave");
    draft.notes = format!("Draft {n}");
    // The loop's debrief, with Ivan taking part.
    let hm_scope = hireloop_tests::fixture::application_scope(
        app,
        &fx.people.hiring_manager,
        fx.maria_application,
    )
    .await?;
    let debrief_input = |minute: i64| DebriefInput {
        stage_id: fx.loop_stage.to_string(),
        date: app.day(70),
        start_time: format!("09:{minute:02}"),
        end_time: "10:00".into(),
        timezone: "UTC".into(),
        location: "Room 2".into(),
        participants: vec![ivan.id, tom.id],
    };
    let debrief =
        app::debriefs::service::schedule(db, &hm_scope, &debrief_input(0), app.clock.now())
            .await
            .map_err(app_error("the debrief"))?;
    let seen: i64 = sqlx::query_scalar("SELECT decisions FROM debriefs WHERE id = $1")
        .bind(debrief)
        .fetch_one(db)
        .await?;
    Ok(vec![
        call(
            GetScorecardForm {
                interview_id: interview,
            },
            AUTHOR,
            Reads,
        ),
        call(
            SaveScorecard {
                interview_id: interview,
                input: draft,
            },
            AUTHOR,
            Writes,
        ),
        call(
            GetScorecardForm {
                interview_id: fx.jordan_interview,
            },
            AUTHOR,
            Reads,
        ),
        call(GetScorecard { id: toms }, READERS, Reads),
        call(
            GetApplicationFeedback {
                application_id: fx.maria_application,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            GetApplicationFeedback {
                application_id: fx.jordan_application,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            ScheduleDebrief {
                application_id: fx.maria_application,
                input: debrief_input(n + 1),
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(GetDebrief { id: debrief }, READERS, Reads),
        call(
            DecideDebrief {
                id: debrief,
                input: DecisionInput {
                    seen: seen.to_string(),
                    decision: "hold".into(),
                    to_stage_id: String::new(),
                    rationale: format!("Waiting for the last interview ({n})."),
                    override_reason: "Decided on the evidence we have.".into(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            GetScorecardQuestions {
                opening_id: fx.backend,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            SaveScorecardQuestions {
                opening_id: fx.backend,
                input: QuestionsInput {
                    questions: vec![QuestionInput {
                        id: String::new(),
                        prompt: format!("Can they program? ({n})"),
                        behavioural: Checkbox(false),
                    }],
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(GetFeedbackTopics {}, ADMINS, Reads),
        call(
            SaveFeedbackTopics {
                input: TopicsInput {
                    topics: format!("Age: age, how old, years old {n}"),
                },
            },
            ADMINS,
            Writes,
        ),
    ])
}
