//! The permission matrix's calls for the coding-challenge library: admins and hiring
//! managers browse, read, write and retire; nobody else learns it exists. A fresh challenge
//! per role, so that each allowed write has something to change.

use crate::access::{call, Call, PLANNERS};
use app::challenges::api::{
    ChallengeForm, CreateChallenge, GetChallengePage, ListChallenges, SetChallengeStatus,
    UpdateChallenge,
};
use app::challenges::{ChallengeInput, ChallengeQuery};
use hireloop_tests::fixture::{app_error, planner};
use hireloop_tests::{Fixture, TestApp};

pub(crate) async fn calls(app: &TestApp, fx: &Fixture, n: i64) -> anyhow::Result<Vec<Call>> {
    use crate::access::Effect::{Reads, Writes};
    let challenge = |title: String| ChallengeInput {
        title,
        prompt: "Limit requests per client.".into(),
        skills: vec![fx.skills.backend],
        difficulty: "3".into(),
        expected_minutes: "20".into(),
        ..ChallengeInput::default()
    };
    let fresh_challenge = app::challenges::service::create(
        &app.db,
        &planner(app, &fx.people.admin).await?,
        &challenge(format!("Challenge {n}")),
        app.clock.now(),
    )
    .await
    .map_err(app_error("a fresh challenge"))?;
    Ok(vec![
        call(
            ListChallenges {
                query: ChallengeQuery::default(),
            },
            PLANNERS,
            Reads,
        ),
        call(
            GetChallengePage {
                id: fresh_challenge,
            },
            PLANNERS,
            Reads,
        ),
        call(ChallengeForm { id: 0, rows: 0 }, PLANNERS, Reads),
        call(
            ChallengeForm {
                id: fresh_challenge,
                rows: 0,
            },
            PLANNERS,
            Reads,
        ),
        call(
            CreateChallenge {
                input: challenge(format!("New challenge {n}")),
            },
            PLANNERS,
            Writes,
        ),
        call(
            UpdateChallenge {
                id: fresh_challenge,
                input: challenge(format!("Edited challenge {n}")),
            },
            PLANNERS,
            Writes,
        ),
        call(
            SetChallengeStatus {
                id: fresh_challenge,
                status: "retired".into(),
            },
            PLANNERS,
            Writes,
        ),
    ])
}
