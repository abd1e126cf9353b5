//! Years of data (the benchmark's loader at a small scale): every list stays bounded or
//! paged, pages do not overlap, and concurrent writes all succeed.

use crate::cases;
use anyhow::{ensure, Context};
use app::applications::api::{GetBoard, MoveApplication};
use app::applications::{BoardQuery, MoveInput, CARDS_PER_COLUMN, CARDS_PER_STAGE_PAGE};
use app::audit::api::ListAudit;
use app::candidates::api::{SearchCandidates, UpdateCandidate};
use app::candidates::CandidateInput;
use app::dashboard::{GetDashboard, DASHBOARD_OPENINGS};
use app::interviews::api::GetMyInterviews;
use app::openings::api::ListOpenings;
use app::paging::PageNumber;
use hireloop::demo::DEMO_PASSWORD;
use hireloop_tests::{spawn_app, Backend, Options, TestApp, TestResult, TestUser};
use reqwest::StatusCode;
use std::collections::BTreeSet;

cases! {
    http: [lists_stay_bounded_and_paged_over_years_of_data],
    browser: [],
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

async fn lists_stay_bounded_and_paged_over_years_of_data(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    hireloop::demo::scale::seed(&app.db, 0.05).await?;
    let ivan = app
        .login(&demo_user(&app, "ivan@hireloop.test").await?)
        .await?;
    let hannah = app
        .login(&demo_user(&app, "hannah@hireloop.test").await?)
        .await?;
    let ada = app
        .login(&demo_user(&app, "ada@hireloop.test").await?)
        .await?;

    // My interviews: the next ones (at most 50), then the past 25 at a time, no overlap.
    let mine = |page| {
        let ivan = ivan.clone();
        let app = &app;
        async move {
            app.call(
                &ivan,
                GetMyInterviews {
                    past_page: PageNumber::new(page),
                },
            )
            .await?
            .ok()
        }
    };
    let first = mine(1).await?;
    let second = mine(2).await?;
    ensure!(
        first.upcoming.len() <= 50,
        "{} upcoming",
        first.upcoming.len()
    );
    ensure!(
        first.past.items.len() == 25 && first.past.more && first.past.page == 1,
        "page 1 of the past: {} items, more {}",
        first.past.items.len(),
        first.past.more
    );
    let ids = |items: &[app::interviews::MyInterview]| -> BTreeSet<i64> {
        items.iter().map(|i| i.interview_id).collect()
    };
    ensure!(
        second.past.page == 2
            && !second.past.items.is_empty()
            && ids(&first.past.items).is_disjoint(&ids(&second.past.items)),
        "the second page continues the first"
    );

    // The busy opening's board: a few cards per column, all of a stage a page at a time.
    let busy: i64 =
        sqlx::query_scalar("SELECT id FROM openings WHERE title = 'Backend Engineer' LIMIT 1")
            .fetch_one(&app.db)
            .await?;
    let board = app
        .call(
            &hannah,
            GetBoard {
                opening_id: busy,
                query: BoardQuery::default(),
            },
        )
        .await?
        .ok()?;
    ensure!(
        board
            .columns
            .iter()
            .all(|c| c.cards.len() <= CARDS_PER_COLUMN),
        "columns are bounded"
    );
    let crowded = board
        .columns
        .iter()
        .max_by_key(|c| c.total)
        .context("a column")?;
    ensure!(
        crowded.total > i64::try_from(crowded.cards.len())?,
        "the crowded column has more than it shows: {} of {}",
        crowded.cards.len(),
        crowded.total
    );
    let stage_page = app
        .call(
            &hannah,
            GetBoard {
                opening_id: busy,
                query: BoardQuery {
                    stage: crowded.stage.id.to_string(),
                    ..BoardQuery::default()
                },
            },
        )
        .await?
        .ok()?;
    let shown = stage_page.columns.first().map_or(0, |c| c.cards.len());
    ensure!(
        stage_page.columns.len() == 1
            && shown == usize::try_from(crowded.total)?.min(CARDS_PER_STAGE_PAGE)
            && stage_page.more == (crowded.total > i64::try_from(CARDS_PER_STAGE_PAGE)?),
        "one stage shows a page of its {} cards: {shown}",
        crowded.total
    );
    ensure!(
        board.loop_warnings.len() <= app::applications::LOOP_WARNINGS_SHOWN
            && board.loop_warnings.len() <= board.loop_warnings_total,
        "loop warnings are bounded"
    );

    // Candidates, openings and the audit log come in pages; the dashboard shows a few.
    let candidates = |page| {
        let ada = ada.clone();
        let app = &app;
        async move {
            app.call(
                &ada,
                SearchCandidates {
                    query: String::new(),
                    page: PageNumber::new(page),
                },
            )
            .await?
            .ok()
        }
    };
    let (c1, c2) = (candidates(1).await?, candidates(2).await?);
    let names = |p: &app::paging::Paged<app::candidates::CandidateSummary>| -> BTreeSet<i64> {
        p.items.iter().map(|c| c.id).collect()
    };
    ensure!(
        c1.items.len() == 50 && c1.more && names(&c1).is_disjoint(&names(&c2)),
        "candidates are paged"
    );
    let (openings, _) = app
        .call(
            &ada,
            ListOpenings {
                page: PageNumber::default(),
            },
        )
        .await?
        .ok()?;
    ensure!(
        openings.items.len() == 50 && openings.more,
        "openings are paged"
    );
    let audit = app
        .call(
            &ada,
            ListAudit {
                page: PageNumber::default(),
            },
        )
        .await?
        .ok()?;
    ensure!(
        audit.items.len() == 50 && audit.more,
        "the audit log is paged"
    );
    let dashboard = app.call(&ada, GetDashboard {}).await?.ok()?;
    ensure!(
        dashboard.openings.len() == DASHBOARD_OPENINGS && dashboard.more_openings,
        "the dashboard lists a few openings: {}",
        dashboard.openings.len()
    );
    let (status, page) = app.page(&hannah, &format!("/openings/{busy}")).await?;
    ensure!(
        status == StatusCode::OK,
        "the busy opening's page opens: {status}"
    );
    ensure!(
        page.len() < 250_000,
        "the busy opening's page stays small: {} bytes",
        page.len()
    );

    // Many writers at once: every write succeeds (SQLite takes its write lock up front).
    let loop_stage: i64 =
        sqlx::query_scalar("SELECT id FROM stages WHERE opening_id = $1 AND name = 'Debrief'")
            .bind(busy)
            .fetch_one(&app.db)
            .await?;
    let movable: Vec<i64> = sqlx::query_scalar(
        "SELECT a.id FROM applications a JOIN candidates c ON c.id = a.candidate_id \
         WHERE a.opening_id = $1 AND a.status = 'active' AND c.is_internal = FALSE \
         ORDER BY a.id LIMIT 12",
    )
    .bind(busy)
    .fetch_all(&app.db)
    .await?;
    let editable: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, name, email FROM candidates WHERE is_internal = FALSE \
         AND email LIKE '%@example.net' ORDER BY id LIMIT 12",
    )
    .fetch_all(&app.db)
    .await?;
    let moves = movable.iter().map(|&id| {
        let hannah = hannah.clone();
        let app = &app;
        async move {
            app.call(
                &hannah,
                MoveApplication {
                    id,
                    input: MoveInput {
                        stage_id: loop_stage.to_string(),
                    },
                },
            )
            .await
            .map(|a| a.status)
        }
    });
    let edits = editable.iter().map(|(id, name, email)| {
        let ada = ada.clone();
        let app = &app;
        async move {
            app.call(
                &ada,
                UpdateCandidate {
                    id: *id,
                    input: CandidateInput {
                        name: name.clone(),
                        email: email.clone(),
                        phone: "+49 30 5550123".into(),
                        kind: "external".into(),
                        source: "referral".into(),
                        ..CandidateInput::default()
                    },
                },
            )
            .await
            .map(|a| a.status)
        }
    });
    let (move_results, edit_results) = tokio::join!(
        futures::future::join_all(moves),
        futures::future::join_all(edits)
    );
    for status in move_results.into_iter().chain(edit_results) {
        ensure!(
            status? == reqwest::StatusCode::OK,
            "a concurrent write failed"
        );
    }
    app.stop().await;
    Ok(())
}
