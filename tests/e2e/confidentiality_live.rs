//! Agendas, challenges and live mode keep an internal candidacy from the candidate's current
//! manager: with Jordan's interview on an agenda, its clock running, a challenge given and
//! notes written, Sam — hiring manager of the very opening — gets for every one of its
//! server functions and pages exactly what a made-up interview gets.

use crate::cases;
use crate::confidentiality::{same_as_missing, Traces};
use crate::live::{assign, assignment_of, challenge, control, give_standard_agenda, standard_rows};
use anyhow::ensure;
use app::agendas::api::{GetAgenda, SaveAgenda, UseAgendaTemplate};
use app::agendas::{AgendaInput, UseTemplateInput};
use app::interviews::api::AssignChallenge;
use app::interviews::AssignChallengeInput;
use app::live::api::{ControlLiveClock, GetLive, LiveClock, RateChallenge, SaveLiveNote};
use app::live::{ControlInput, NoteInput, RatingInput};
use app::openings::api::UpdateOpening;
use app::openings::OpeningInput;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestResult};
use reqwest::StatusCode;

cases! {
    http: [an_internal_candidates_manager_finds_no_agenda_clock_or_challenge],
    browser: [],
}

async fn an_internal_candidates_manager_finds_no_agenda_clock_or_challenge(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let traces = Traces::of(&fx);
    let admin = app.login(&fx.people.admin).await?;
    let interview = fx.jordan_interview;
    // Jordan's interview has everything live mode shows.
    give_standard_agenda(&app, &admin, interview).await?;
    let data_puzzle = challenge(&app, &fx, "Model a warehouse", 15, vec![fx.skills.data]).await?;
    let ivans = assignment_of(&app, &admin, interview, "Ivan Interviewer").await?;
    app.call(&admin, assign(interview, ivans, data_puzzle))
        .await?
        .ok()?;
    let ivan = app.login(&fx.people.interviewer).await?;
    app.call(&ivan, control(interview, "start", 0))
        .await?
        .ok()?;
    let item = app
        .call(
            &ivan,
            GetLive {
                interview_id: interview,
            },
        )
        .await?
        .ok()?
        .items[0]
        .id;
    app.call(
        &ivan,
        SaveLiveNote {
            interview_id: interview,
            input: NoteInput {
                item_id: item,
                body: "Jordan knows the customers well.".into(),
            },
        },
    )
    .await?
    .ok()?;
    // Sam, Jordan's manager, becomes the hiring manager of the very opening.
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
    let sam = app.login(&fx.people.manager).await?;
    let (s, t) = (&sam, &traces);
    same_as_missing(
        &app,
        s,
        t,
        |interview_id| GetAgenda {
            interview_id,
            rows: 0,
        },
        interview,
    )
    .await?;
    same_as_missing(
        &app,
        s,
        t,
        |interview_id| SaveAgenda {
            interview_id,
            input: AgendaInput {
                items: standard_rows(),
            },
        },
        interview,
    )
    .await?;
    same_as_missing(
        &app,
        s,
        t,
        |interview_id| UseAgendaTemplate {
            interview_id,
            input: UseTemplateInput {
                template_id: "1".into(),
            },
        },
        interview,
    )
    .await?;
    same_as_missing(
        &app,
        s,
        t,
        |interview_id| GetLive { interview_id },
        interview,
    )
    .await?;
    same_as_missing(
        &app,
        s,
        t,
        |interview_id| LiveClock { interview_id },
        interview,
    )
    .await?;
    same_as_missing(
        &app,
        s,
        t,
        |interview_id| ControlLiveClock {
            interview_id,
            input: ControlInput {
                action: "pause".into(),
                from: "0".into(),
            },
        },
        interview,
    )
    .await?;
    same_as_missing(
        &app,
        s,
        t,
        |interview_id| SaveLiveNote {
            interview_id,
            input: NoteInput {
                item_id: item,
                body: "x".into(),
            },
        },
        interview,
    )
    .await?;
    same_as_missing(
        &app,
        s,
        t,
        |interview_id| RateChallenge {
            interview_id,
            input: RatingInput {
                assignment_id: ivans.to_string(),
                rating: "1".into(),
                note: String::new(),
            },
        },
        interview,
    )
    .await?;
    same_as_missing(
        &app,
        s,
        t,
        |id| AssignChallenge {
            id,
            input: AssignChallengeInput {
                assignment_id: ivans.to_string(),
                challenge_id: String::new(),
            },
        },
        interview,
    )
    .await?;
    for page in ["live", "agenda"] {
        let hidden = format!("/interviews/{interview}/{page}");
        let (status, html) = app.page(&sam, &hidden).await?;
        let (missing, _) = app
            .page(&sam, &format!("/interviews/987654/{page}"))
            .await?;
        ensure!(
            status == StatusCode::NOT_FOUND && missing == status,
            "{hidden}: {status}"
        );
        ensure!(html.contains("Page not found"), "{hidden}");
        traces.absent(&hidden, &html)?;
        ensure!(
            !html.contains("Model a warehouse"),
            "{hidden} shows the challenge"
        );
    }
    app.stop().await;
    Ok(())
}
