//! Giving interviewers challenges over HTTP: the choices match their skill areas, retired
//! and repeated challenges are refused with where and when the candidate had it, and the
//! interviewer who gave one rates it once the interview has begun.

use crate::cases;
use crate::live::{assign, assignment_of, challenge};
use anyhow::{ensure, Context};
use app::interviews::api::{CancelInterview, GetInterview};
use app::interviews::CancelInput;
use app::live::api::{GetLive, RateChallenge};
use app::live::RatingInput;
use hireloop_tests::fixture::{app_error, planner};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestResult};
use reqwest::StatusCode;

cases! {
    http: [
        a_candidate_never_gets_the_same_challenge_twice,
        challenges_are_rated_by_their_interviewer_after_the_start,
    ],
    browser: [],
}

async fn a_candidate_never_gets_the_same_challenge_twice(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let s = fx.skills;
    let storage = challenge(
        &app,
        &fx,
        "Storage for sign-up accounts",
        15,
        vec![s.backend, s.communication, s.data],
    )
    .await?;
    let retired = challenge(&app, &fx, "Old puzzle", 15, vec![s.backend]).await?;
    let talk = challenge(&app, &fx, "Explain a trade-off", 10, vec![s.communication]).await?;
    let ada = planner(&app, &fx.people.admin).await?;
    app::challenges::service::set_status(
        &app.db,
        &ada,
        retired,
        app::challenges::ChallengeStatus::Retired,
        app.clock.now(),
    )
    .await
    .map_err(app_error("retiring"))?;
    let ivan = assignment_of(&app, &hm, fx.maria_interview, "Ivan Interviewer").await?;
    let tom = assignment_of(&app, &hm, fx.maria_tom_interview, "Tom Okafor").await?;

    // The choices match the interviewer's skill areas and leave retired challenges out.
    let detail = app
        .call(
            &hm,
            GetInterview {
                id: fx.maria_interview,
            },
        )
        .await?
        .ok()?;
    let slot = detail
        .challenges
        .iter()
        .find(|c| c.assignment_id == ivan)
        .context("Ivan's slot")?;
    let offered: Vec<&str> = slot.choices.iter().map(|(id, _)| id.as_str()).collect();
    ensure!(offered == [storage.to_string()], "{offered:?}");

    // Tom gives Maria the storage challenge; Ivan may not give it to her again.
    app.call(&hm, assign(fx.maria_tom_interview, tom, storage))
        .await?
        .ok()?;
    let before = app.digest().await?;
    let field = format!("challenges.{ivan}");
    let refusals = [
        (
            storage,
            "The candidate already had Storage for sign-up accounts in Communication",
        ),
        (retired, "Old puzzle is retired and cannot be assigned."),
        (
            talk,
            "Explain a trade-off does not test a skill area this interviewer owns here.",
        ),
        (999_999, "Choose a challenge from the list."),
    ];
    for (challenge, expected) in refusals {
        let fields = app
            .call(&hm, assign(fx.maria_interview, ivan, challenge))
            .await?
            .invalid()?;
        let message = fields
            .get(&field)
            .context("a message next to Ivan's challenge")?;
        ensure!(message.starts_with(expected), "{message}");
    }
    let fields = app
        .call(&hm, assign(fx.maria_interview, ivan, storage))
        .await?
        .invalid()?;
    let message = fields.get(&field).unwrap_or_default().to_owned();
    let date = app::time::date(
        sqlx::query_scalar::<_, i64>("SELECT starts_at FROM interviews WHERE id = $1")
            .bind(fx.maria_tom_interview)
            .fetch_one(&app.db)
            .await?,
        app::time::zone("Europe/Berlin"),
    );
    ensure!(
        message.contains(&format!("on {date}")),
        "the date it was used: {message}"
    );
    app.ensure_unchanged(&before, "refused challenges").await?;
    // An interviewer cannot hand out challenges.
    let ivan_client = app.login(&fx.people.interviewer).await?;
    app.call(&ivan_client, assign(fx.maria_interview, ivan, storage))
        .await?
        .refused(StatusCode::NOT_FOUND)?;

    // Another candidate may get it; a cancelled interview does not count as having had it.
    let jordan_ivan = {
        let admin = app.login(&fx.people.admin).await?;
        let a = assignment_of(&app, &admin, fx.jordan_interview, "Ivan Interviewer").await?;
        app.call(&admin, assign(fx.jordan_interview, a, storage))
            .await?
            .ok()?;
        a
    };
    ensure!(jordan_ivan != ivan);
    app.call(
        &hm,
        CancelInterview {
            id: fx.maria_tom_interview,
            input: CancelInput {
                reason: "Tom is ill".into(),
            },
        },
    )
    .await?
    .ok()?;
    app.call(&hm, assign(fx.maria_interview, ivan, storage))
        .await?
        .ok()?;
    let detail = app
        .call(
            &hm,
            GetInterview {
                id: fx.maria_interview,
            },
        )
        .await?
        .ok()?;
    let slot = detail
        .challenges
        .iter()
        .find(|c| c.assignment_id == ivan)
        .context("Ivan's slot")?;
    ensure!(slot.current_title.as_deref() == Some("Storage for sign-up accounts"));
    app.stop().await;
    Ok(())
}

async fn challenges_are_rated_by_their_interviewer_after_the_start(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let storage = challenge(
        &app,
        &fx,
        "Storage for sign-up accounts",
        15,
        vec![fx.skills.backend],
    )
    .await?;
    let ivan_assignment = assignment_of(&app, &hm, fx.maria_interview, "Ivan Interviewer").await?;
    app.call(&hm, assign(fx.maria_interview, ivan_assignment, storage))
        .await?
        .ok()?;
    let ivan = app.login(&fx.people.interviewer).await?;
    let rate = |rating: &str| RateChallenge {
        interview_id: fx.maria_interview,
        input: RatingInput {
            assignment_id: ivan_assignment.to_string(),
            rating: rating.into(),
            note: "Showed how they think about names.".into(),
        },
    };
    // The live page carries the challenge with its rubric for Ivan.
    let live = app
        .call(
            &ivan,
            GetLive {
                interview_id: fx.maria_interview,
            },
        )
        .await?
        .ok()?;
    let given = live.challenges.first().context("Ivan's challenge")?;
    ensure!(given.mine && given.challenge.rubric_html.contains("Look for tests"));
    // Before the interview: not yet.
    app.call(&ivan, rate("4"))
        .await?
        .refused(StatusCode::CONFLICT)?;
    app.clock.advance(3 * 86_400);
    let fields = app.call(&ivan, rate("6")).await?.invalid()?;
    ensure!(fields.get("rating") == Some("Choose a rating from 1 to 5."));
    // Sam interviews Maria in the same interview but did not give the challenge.
    let sam = app.login(&fx.people.manager).await?;
    app.call(&sam, rate("2"))
        .await?
        .refused(StatusCode::NOT_FOUND)?;
    app.call(&ivan, rate("4")).await?.ok()?;
    let (rating, note): (Option<i64>, Option<String>) = sqlx::query_as(
        "SELECT challenge_rating, challenge_note FROM interview_assignments WHERE id = $1",
    )
    .bind(ivan_assignment)
    .fetch_one(&app.db)
    .await?;
    ensure!(rating == Some(4) && note.as_deref() == Some("Showed how they think about names."));
    app.stop().await;
    Ok(())
}
