//! What the library learns from interviews: uses, ratings, how the candidates who got a
//! challenge fared, the suggestion to retire a weak one, what an internal candidate's
//! manager may count, and the library over years of data.

use crate::cases;
use crate::challenges::{create, input, page, query};
use anyhow::{ensure, Context};
use app::applications::api::{MoveApplication, SetApplicationStatus};
use app::applications::{MoveInput, StatusInput};
use app::challenges::api::{GetChallengePage, ListChallenges, SetChallengeStatus};
use app::challenges::{ChallengePageData, CHALLENGES_PAGE_SIZE, RECENT_NOTES};
use app::interviews::api::CancelInterview;
use app::interviews::CancelInput;
use hireloop::demo::DEMO_PASSWORD;
use hireloop_tests::fixture::{schedule, schedule_input};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult, TestUser};

cases! {
    http: [
        challenges_statistics_count_uses_ratings_and_outcomes,
        challenges_stay_paged_and_consistent_over_years_of_data,
    ],
    browser: [],
}

/// Gives `user`'s assignment in `interview` the challenge, with a rating and note.
async fn give(
    app: &TestApp,
    interview: i64,
    user: i64,
    challenge: i64,
    rating: Option<i64>,
    note: Option<&str>,
    at: i64,
) -> TestResult {
    let done = sqlx::query(
        "UPDATE interview_assignments SET challenge_id = $1, challenge_rating = $2, \
         challenge_note = $3, challenge_rated_at = $4 WHERE interview_id = $5 AND user_id = $6",
    )
    .bind(challenge)
    .bind(rating)
    .bind(note)
    .bind(rating.map(|_| at))
    .bind(interview)
    .bind(user)
    .execute(&app.db)
    .await?;
    ensure!(
        done.rows_affected() == 1,
        "no assignment of {user} in {interview}"
    );
    Ok(())
}

/// Uses, ratings, average, candidates, advanced and hired.
type Counts = (i64, i64, String, i64, i64, i64);

/// A page's counts and its notes, newest first.
fn numbers(p: &ChallengePageData) -> (Counts, Vec<String>) {
    let (e, o) = (p.effectiveness, p.outcomes);
    (
        (
            e.uses,
            e.ratings,
            e.average_text(),
            o.candidates,
            o.advanced,
            o.hired,
        ),
        p.notes.iter().map(|n| n.note.clone()).collect(),
    )
}

async fn challenges_statistics_count_uses_ratings_and_outcomes(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let people = &fx.people;
    let hm = app.login(&people.hiring_manager).await?;
    let ada = app.login(&people.admin).await?;
    // Sam is Jordan's current manager, and a hiring manager: he may use the library but
    // must not count Jordan's interview.
    let sam = app.login(&people.manager).await?;
    let id = create(
        &app,
        &hm,
        input("Rate limiter", "Limit it.", &[fx.skills.backend], 3),
    )
    .await?;
    let unused = create(
        &app,
        &hm,
        input("Unused", "Nobody got it.", &[fx.skills.backend], 1),
    )
    .await?;
    let fresh = page(&app, &ada, id).await?;
    ensure!(
        numbers(&fresh) == ((0, 0, "–".into(), 0, 0, 0), vec![])
            && fresh.retire_suggestion.is_none(),
        "{:?}",
        numbers(&fresh)
    );
    let now = app.clock.now();
    let (ivan, tom, priya) = (people.interviewer.id, people.tom.id, people.priya.id);
    give(
        &app,
        fx.maria_interview,
        ivan,
        id,
        Some(2),
        Some("Maria finished the first step quickly."),
        now + 100,
    )
    .await?;
    give(
        &app,
        fx.maria_interview,
        people.manager.id,
        id,
        Some(1),
        None,
        now + 200,
    )
    .await?;
    give(
        &app,
        fx.maria_tom_interview,
        tom,
        id,
        Some(3),
        Some("A good talk about trade-offs."),
        now + 300,
    )
    .await?;
    give(
        &app,
        fx.jordan_interview,
        ivan,
        id,
        Some(2),
        Some("Note from the second loop."),
        now + 400,
    )
    .await?;
    // A cancelled interview counts for nothing.
    let cancelled = schedule(
        &app,
        &people.hiring_manager,
        fx.maria_application,
        &schedule_input(
            &fx.loop_templates[1],
            &app.day(5),
            "10:00",
            "10:45",
            &[(priya, &[fx.skills.data])],
        ),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    app.call(
        &hm,
        CancelInterview {
            id: cancelled,
            input: CancelInput {
                reason: "Moved".into(),
            },
        },
    )
    .await?
    .ok()?;
    give(
        &app,
        cancelled,
        priya,
        id,
        Some(5),
        Some("From a cancelled interview."),
        now + 500,
    )
    .await?;

    let all_notes = vec![
        "Note from the second loop.".to_owned(),
        "A good talk about trade-offs.".to_owned(),
        "Maria finished the first step quickly.".to_owned(),
    ];
    for client in [&ada, &hm] {
        let (counts, notes) = numbers(&page(&app, client, id).await?);
        ensure!(counts == (4, 4, "2.0".into(), 2, 0, 0), "{counts:?}");
        ensure!(notes == all_notes, "{notes:?}");
    }
    let (counts, notes) = numbers(&page(&app, &sam, id).await?);
    ensure!(
        counts == (3, 3, "2.0".into(), 1, 0, 0),
        "Sam counts without Jordan: {counts:?}"
    );
    ensure!(notes == all_notes[1..], "{notes:?}");

    // A fifth rating (and a use without one) brings the average below 2.5.
    let fifth = schedule(
        &app,
        &people.hiring_manager,
        fx.maria_application,
        &schedule_input(
            &fx.loop_templates[1],
            &app.day(6),
            "10:00",
            "10:45",
            &[
                (priya, &[fx.skills.data]),
                (tom, &[fx.skills.communication]),
            ],
        ),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    give(&app, fifth, priya, id, Some(1), None, now + 600).await?;
    give(&app, fifth, tom, id, None, None, now + 700).await?;
    let weak = page(&app, &ada, id).await?;
    ensure!(
        numbers(&weak).0 == (6, 5, "1.8".into(), 2, 0, 0),
        "{:?}",
        numbers(&weak).0
    );
    let suggestion = weak.retire_suggestion.context("retiring is suggested")?;
    ensure!(
        suggestion.starts_with("Consider retiring this challenge:")
            && suggestion.contains("5 ratings average 1.8"),
        "{suggestion}"
    );
    let for_sam = page(&app, &sam, id).await?;
    ensure!(
        numbers(&for_sam).0 == (5, 4, "1.8".into(), 1, 0, 0),
        "{:?}",
        numbers(&for_sam).0
    );
    ensure!(
        for_sam.retire_suggestion.is_none(),
        "four ratings are too few to judge"
    );

    // Maria moves past the loop; Jordan is hired (which counts as advancing).
    app.call(
        &hm,
        MoveApplication {
            id: fx.maria_application,
            input: MoveInput {
                stage_id: fx.debrief_stage.to_string(),
            },
        },
    )
    .await?
    .ok()?;
    let (counts, _) = numbers(&page(&app, &ada, id).await?);
    ensure!(counts == (6, 5, "1.8".into(), 2, 1, 0), "{counts:?}");
    app.call(
        &hm,
        SetApplicationStatus {
            id: fx.jordan_application,
            input: StatusInput {
                status: "hired".into(),
                reason: String::new(),
            },
        },
    )
    .await?
    .ok()?;
    let (counts, _) = numbers(&page(&app, &ada, id).await?);
    ensure!(counts == (6, 5, "1.8".into(), 2, 2, 1), "{counts:?}");
    let (counts, _) = numbers(&page(&app, &sam, id).await?);
    ensure!(counts == (5, 4, "1.8".into(), 1, 1, 0), "{counts:?}");

    // The library's lines agree with the page.
    let list = app
        .call(&ada, ListChallenges { query: query(&[]) })
        .await?
        .ok()?;
    let line = |wanted: i64| {
        list.challenges
            .items
            .iter()
            .find(|l| l.summary.id == wanted)
            .map(|l| l.effectiveness)
    };
    let line_of = line(id).context("listed")?;
    ensure!((line_of.uses, line_of.ratings, line_of.average_text()) == (6, 5, "1.8".into()));
    ensure!(line(unused).is_some_and(|e| e.uses == 0 && e.ratings == 0));
    let sams = app
        .call(&sam, ListChallenges { query: query(&[]) })
        .await?
        .ok()?;
    ensure!(
        sams.challenges
            .items
            .iter()
            .any(|l| l.summary.id == id && l.effectiveness.uses == 5),
        "Sam's library counts like Sam's page"
    );
    // Once retired, there is nothing left to suggest.
    app.call(
        &hm,
        SetChallengeStatus {
            id,
            status: "retired".into(),
        },
    )
    .await?
    .ok()?;
    let retired = page(&app, &ada, id).await?;
    ensure!(retired.retire_suggestion.is_none() && retired.effectiveness.ratings == 5);
    app.stop().await;
    Ok(())
}

async fn demo_user(app: &TestApp, email: &str) -> anyhow::Result<TestUser> {
    let (id, name): (i64, String) = sqlx::query_as("SELECT id, name FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.db)
        .await
        .with_context(|| format!("demo user {email}"))?;
    Ok(TestUser {
        id,
        name,
        email: email.to_owned(),
        password: DEMO_PASSWORD.to_owned(),
    })
}

async fn challenges_stay_paged_and_consistent_over_years_of_data(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    hireloop::demo::scale::seed(&app.db, 0.05).await?;
    let hannah = app
        .login(&demo_user(&app, "hannah@hireloop.test").await?)
        .await?;
    let ada = app
        .login(&demo_user(&app, "ada@hireloop.test").await?)
        .await?;
    let first = app
        .call(
            &hannah,
            ListChallenges {
                query: query(&[("status", "all")]),
            },
        )
        .await?
        .ok()?;
    let second = app
        .call(
            &hannah,
            ListChallenges {
                query: query(&[("status", "all"), ("page", "2")]),
            },
        )
        .await?
        .ok()?;
    ensure!(
        first.challenges.items.len() == CHALLENGES_PAGE_SIZE && first.challenges.more,
        "a full first page"
    );
    ensure!(!second.challenges.items.is_empty(), "a second page");
    ensure!(
        first.challenges.items.iter().all(|a| second
            .challenges
            .items
            .iter()
            .all(|b| a.summary.id != b.summary.id)),
        "pages do not overlap"
    );
    // The most used challenge: its page agrees with a plain count, and with its line.
    let (busiest, used): (i64, i64) = sqlx::query_as(
        "SELECT ia.challenge_id, COUNT(*) FROM interview_assignments ia \
         JOIN interviews i ON i.id = ia.interview_id \
         WHERE ia.challenge_id IS NOT NULL AND i.status = 'scheduled' \
         GROUP BY ia.challenge_id ORDER BY COUNT(*) DESC, ia.challenge_id LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .context("the scale data gives challenges to interviewers")?;
    let busy = app
        .call(&ada, GetChallengePage { id: busiest })
        .await?
        .ok()?;
    let (e, o) = (busy.effectiveness, busy.outcomes);
    ensure!(
        e.uses == used && used > 10,
        "{} uses, {used} counted",
        e.uses
    );
    ensure!(e.ratings > 0 && e.ratings <= e.uses, "{e:?}");
    ensure!(
        o.candidates > 0
            && o.candidates <= e.uses
            && o.advanced <= o.candidates
            && o.hired <= o.advanced,
        "{o:?}"
    );
    ensure!(
        busy.notes.len() <= RECENT_NOTES && !busy.notes.is_empty(),
        "{} notes",
        busy.notes.len()
    );
    // Some active challenge rates badly enough to suggest retiring it.
    let all: Vec<_> = first
        .challenges
        .items
        .iter()
        .chain(&second.challenges.items)
        .collect();
    let weak = all
        .iter()
        .find(|l| {
            l.summary.status == app::challenges::ChallengeStatus::Active
                && l.effectiveness.ratings >= 5
                && l.effectiveness.average_tenths().is_some_and(|t| t < 25)
        })
        .context("a weak active challenge")?;
    let weak_page = app
        .call(
            &hannah,
            GetChallengePage {
                id: weak.summary.id,
            },
        )
        .await?
        .ok()?;
    ensure!(
        weak_page.retire_suggestion.is_some(),
        "{:?}",
        weak_page.effectiveness
    );
    // Choices for an interviewer are bounded and active.
    let skills: Vec<i64> = sqlx::query_scalar("SELECT id FROM skill_areas")
        .fetch_all(&app.db)
        .await?;
    let offered = app::challenges::service::matching_active(&app.db, &skills)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    ensure!(
        !offered.is_empty()
            && offered.len() <= 200
            && offered
                .iter()
                .all(|c| c.status == app::challenges::ChallengeStatus::Active),
        "{} offered",
        offered.len()
    );
    app.stop().await;
    Ok(())
}
