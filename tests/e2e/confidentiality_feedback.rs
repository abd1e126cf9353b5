//! Scorecards and debriefs keep an internal candidacy from the candidate's current manager:
//! with Ivan's scorecard on Jordan submitted and Jordan's debrief scheduled, Sam — hiring
//! manager of the very opening, and an interviewer with his own feedback in — gets for every
//! scorecard and debrief server function and page exactly what a made-up id gets, and
//! nothing he can see (My interviews, the other scorecards) mentions Jordan.

use crate::cases;
use crate::confidentiality::{same_as_missing, Traces};
use crate::scorecards::{filled, form, submit};
use anyhow::{ensure, Context};
use app::debriefs::api::{DecideDebrief, GetApplicationFeedback, GetDebrief, ScheduleDebrief};
use app::debriefs::{DebriefInput, DecisionInput};
use app::interviews::api::GetMyInterviews;
use app::openings::api::UpdateOpening;
use app::openings::OpeningInput;
use app::scorecards::api::{GetScorecard, GetScorecardForm, SaveScorecard};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestResult};
use reqwest::StatusCode;

cases! {
    http: [an_internal_candidates_manager_finds_no_scorecard_or_debrief],
    browser: [],
}

async fn an_internal_candidates_manager_finds_no_scorecard_or_debrief(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let traces = Traces::of(&fx);
    let admin = app.login(&fx.people.admin).await?;
    let ivan = app.login(&fx.people.interviewer).await?;
    let sam = app.login(&fx.people.manager).await?;
    app.clock.advance(3 * 86_400);
    // Jordan's feedback and debrief exist; Sam's own feedback on Maria is in, so whatever
    // "after your own submit" opens up is open to him.
    let jordans = submit(&app, &ivan, fx.jordan_interview, "strong_yes", "strong_yes").await?;
    submit(&app, &sam, fx.maria_interview, "yes", "yes").await?;
    let debrief = app
        .call(
            &admin,
            ScheduleDebrief {
                application_id: fx.jordan_application,
                input: DebriefInput {
                    stage_id: fx.loop_stage.to_string(),
                    date: app.day(1),
                    start_time: "09:00".into(),
                    end_time: "09:30".into(),
                    timezone: "UTC".into(),
                    location: "Room 3".into(),
                    participants: vec![fx.people.interviewer.id],
                },
            },
        )
        .await?
        .ok()?;
    // Sam becomes the hiring manager of the very opening.
    app.call(
        &admin,
        UpdateOpening {
            id: fx.backend,
            input: OpeningInput {
                title: "Backend Engineer".into(),
                team: "Platform".into(),
                level: "Senior".into(),
                location: "Remote".into(),
                description: String::new(),
                hiring_manager_id: fx.people.manager.id.to_string(),
                status: "open".into(),
                skills: vec![fx.skills.backend],
            },
        },
    )
    .await?
    .ok()?;
    let (s, t) = (&sam, &traces);
    same_as_missing(&app, s, t, |id| GetScorecard { id }, jordans).await?;
    same_as_missing(
        &app,
        s,
        t,
        |interview_id| GetScorecardForm { interview_id },
        fx.jordan_interview,
    )
    .await?;
    let page = form(&app, &ivan, fx.jordan_interview).await?;
    same_as_missing(
        &app,
        s,
        t,
        |interview_id| SaveScorecard {
            interview_id,
            input: filled(&page, "no", "no", "draft"),
        },
        fx.jordan_interview,
    )
    .await?;
    same_as_missing(&app, s, t, |id| GetDebrief { id }, debrief).await?;
    same_as_missing(
        &app,
        s,
        t,
        |id| DecideDebrief {
            id,
            input: DecisionInput {
                seen: "0".into(),
                decision: "no_hire".into(),
                to_stage_id: String::new(),
                rationale: "x".into(),
                override_reason: "y".into(),
            },
        },
        debrief,
    )
    .await?;
    same_as_missing(
        &app,
        s,
        t,
        |application_id| GetApplicationFeedback { application_id },
        fx.jordan_application,
    )
    .await?;
    same_as_missing(
        &app,
        s,
        t,
        |application_id| ScheduleDebrief {
            application_id,
            input: DebriefInput::default(),
        },
        fx.jordan_application,
    )
    .await?;
    for (hidden, missing) in [
        (
            format!("/scorecards/{jordans}"),
            "/scorecards/987654".to_owned(),
        ),
        (
            format!("/debriefs/{debrief}"),
            "/debriefs/987654".to_owned(),
        ),
        (
            format!("/debriefs/{debrief}/print"),
            "/debriefs/987654/print".to_owned(),
        ),
        (
            format!("/interviews/{}/scorecard", fx.jordan_interview),
            "/interviews/987654/scorecard".to_owned(),
        ),
    ] {
        let (status, html) = app.page(&sam, &hidden).await?;
        let (missing_status, _) = app.page(&sam, &missing).await?;
        ensure!(
            status == StatusCode::NOT_FOUND && missing_status == status,
            "{hidden}: {status}"
        );
        ensure!(html.contains("Page not found"), "{hidden}");
        t.absent(&hidden, &html)?;
    }
    // What Sam can see: his own scorecard page lists Maria's other scorecards, never
    // Jordan's; his interviews and the Maria feedback overview say nothing of Jordan.
    let own = form(&app, &sam, fx.maria_interview).await?;
    ensure!(
        own.others.iter().all(|o| o.id != jordans),
        "{:?}",
        own.others
    );
    let mine = app
        .call(
            &sam,
            GetMyInterviews {
                past_page: app::paging::PageNumber::default(),
            },
        )
        .await?;
    t.absent("my interviews", &mine.body)?;
    let overview = app
        .call(
            &sam,
            GetApplicationFeedback {
                application_id: fx.maria_application,
            },
        )
        .await?;
    ensure!(overview.status == StatusCode::OK, "{}", overview.body);
    t.absent("Maria's feedback", &overview.body)?;
    let audit: Vec<String> = sqlx::query_scalar(
        "SELECT summary FROM audit_log WHERE entity IN ('scorecard', 'debrief') AND candidate_id IS NULL",
    )
    .fetch_all(&app.db)
    .await
    .context("audit entries")?;
    ensure!(
        audit.is_empty(),
        "feedback audit entries not tied to their candidate: {audit:?}"
    );
    app.stop().await;
    Ok(())
}
