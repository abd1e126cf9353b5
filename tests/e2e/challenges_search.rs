//! The library's filters and its full-text search (FTS5 on SQLite, a tsvector on
//! PostgreSQL): by skill area, difficulty and status, by words of prompts and prefixes of
//! titles, across edits, with query syntax typed by users taken as plain words.

use crate::cases;
use crate::challenges::{count, create, input, query, titles};
use anyhow::{ensure, Context};
use app::challenges::api::{ListChallenges, UpdateChallenge};
use app::challenges::{ChallengeInput, CHALLENGES_PAGE_SIZE};
use hireloop_tests::fixture::planner;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use reqwest::{Client, StatusCode};

/// Filters (`key`, `value`) and the titles they should list, in order.
type Expectation<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>);

cases! {
    http: [
        challenges_filter_by_skill_area_difficulty_and_status,
        challenges_search_finds_prompt_words_and_title_prefixes,
    ],
    browser: [],
}

/// Four challenges: two active back-end ones, a retired test one, an active communication one.
async fn library(app: &TestApp, client: &Client, fx: &Fixture) -> anyhow::Result<()> {
    let s = fx.skills;
    create(
        app,
        client,
        input(
            "Rate limiter for the API",
            "Limit requests per client with a token bucket.",
            &[s.backend],
            3,
        ),
    )
    .await?;
    create(
        app,
        client,
        input(
            "Storage for sign-up accounts",
            "Design the accounts table; think about the idempotency of sign-ups.",
            &[s.data, s.backend],
            2,
        ),
    )
    .await?;
    create(
        app,
        client,
        ChallengeInput {
            status: "retired".into(),
            ..input(
                "Log summariser",
                "Summarise the nightly test log.",
                &[s.testing],
                2,
            )
        },
    )
    .await?;
    create(
        app,
        client,
        input(
            "Customer email rewrite",
            "Rewrite the reply to an upset customer.",
            &[s.communication],
            1,
        ),
    )
    .await?;
    Ok(())
}

async fn challenges_filter_by_skill_area_difficulty_and_status(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    library(&app, &hm, &fx).await?;
    let backend_skill = fx.skills.backend.to_string();
    let checks: Vec<Expectation> = vec![
        // Active ones by default, by title.
        (
            vec![],
            vec![
                "Customer email rewrite",
                "Rate limiter for the API",
                "Storage for sign-up accounts",
            ],
        ),
        (
            vec![("skill", &backend_skill)],
            vec!["Rate limiter for the API", "Storage for sign-up accounts"],
        ),
        (
            vec![("difficulty", "2")],
            vec!["Storage for sign-up accounts"],
        ),
        (
            vec![("difficulty", "2"), ("status", "all")],
            vec!["Log summariser", "Storage for sign-up accounts"],
        ),
        (vec![("status", "retired")], vec!["Log summariser"]),
        (
            vec![("status", "all")],
            vec![
                "Customer email rewrite",
                "Log summariser",
                "Rate limiter for the API",
                "Storage for sign-up accounts",
            ],
        ),
        (
            vec![("skill", &backend_skill), ("difficulty", "3")],
            vec!["Rate limiter for the API"],
        ),
        (vec![("skill", &backend_skill), ("difficulty", "1")], vec![]),
        // Hand-edited addresses mean "any".
        (
            vec![
                ("skill", "x"),
                ("difficulty", "9"),
                ("status", "bogus"),
                ("page", "-1"),
            ],
            vec![
                "Customer email rewrite",
                "Rate limiter for the API",
                "Storage for sign-up accounts",
            ],
        ),
    ];
    for (pairs, expected) in checks {
        let found = titles(&app, &hm, &pairs).await?;
        ensure!(found == expected, "{pairs:?}: {found:?}");
    }
    // The lines carry skill areas, difficulty, minutes and status.
    let data = app
        .call(
            &hm,
            ListChallenges {
                query: query(&[("status", "all")]),
            },
        )
        .await?
        .ok()?;
    let line = data
        .challenges
        .items
        .iter()
        .find(|l| l.summary.title == "Storage for sign-up accounts")
        .context("listed")?;
    let names: Vec<&str> = line
        .summary
        .skill_areas
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    ensure!(names == ["Back-end", "Data modelling"], "{names:?}");
    ensure!(line.summary.expected_minutes == 20 && line.effectiveness.uses == 0);
    ensure!(
        data.skill_areas.len() == 6,
        "every skill area is a filter choice"
    );
    // Pages of 25, no overlap.
    let planner = planner(&app, &fx.people.admin).await?;
    for n in 0..CHALLENGES_PAGE_SIZE + 2 {
        app::challenges::service::create(
            &app.db,
            &planner,
            &input(
                &format!("Bulk challenge {n:02}"),
                "Generated.",
                &[fx.skills.product],
                1,
            ),
            app.clock.now(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    let first = app
        .call(
            &hm,
            ListChallenges {
                query: query(&[("skill", &fx.skills.product.to_string())]),
            },
        )
        .await?
        .ok()?;
    let second = app
        .call(
            &hm,
            ListChallenges {
                query: query(&[("skill", &fx.skills.product.to_string()), ("page", "2")]),
            },
        )
        .await?
        .ok()?;
    ensure!(first.challenges.items.len() == CHALLENGES_PAGE_SIZE && first.challenges.more);
    ensure!(
        second.challenges.items.len() == 2
            && !second.challenges.more
            && second.challenges.page == 2
    );
    ensure!(second.challenges.items[1].summary.title == "Bulk challenge 26");
    ensure!(
        first.challenges.items.iter().all(|a| second
            .challenges
            .items
            .iter()
            .all(|b| a.summary.id != b.summary.id)),
        "pages do not overlap"
    );
    app.stop().await;
    Ok(())
}

async fn challenges_search_finds_prompt_words_and_title_prefixes(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    library(&app, &hm, &fx).await?;
    let communication = fx.skills.communication.to_string();
    let checks: Vec<Expectation> = vec![
        (
            vec![("q", "idempotency")],
            vec!["Storage for sign-up accounts"],
        ),
        (vec![("q", "Rat")], vec!["Rate limiter for the API"]),
        (vec![("q", "rate LIMIT")], vec!["Rate limiter for the API"]),
        (
            vec![("q", "token bucket")],
            vec!["Rate limiter for the API"],
        ),
        (vec![("q", "token upset")], vec![]),
        (vec![("q", "sign-up")], vec!["Storage for sign-up accounts"]),
        (
            vec![("q", "the")],
            vec![
                "Customer email rewrite",
                "Rate limiter for the API",
                "Storage for sign-up accounts",
            ],
        ),
        (
            vec![("q", "the"), ("skill", &communication)],
            vec!["Customer email rewrite"],
        ),
        (vec![("q", "nightly")], vec![]),
        (
            vec![("q", "nightly"), ("status", "all")],
            vec!["Log summariser"],
        ),
    ];
    for (pairs, expected) in &checks {
        let found = titles(&app, &hm, pairs).await?;
        ensure!(found == *expected, "{pairs:?}: {found:?}");
    }
    // Query syntax typed by a user never breaks the search.
    for odd in [
        "\"",
        "AND(",
        "NOT",
        "*",
        "a OR b",
        "NEAR(x y)",
        "^rate",
        "-rate",
        "title:rate",
        "'; DROP TABLE challenges; --",
        "\\",
        "rate & !limit | (x",
        ":*",
    ] {
        let answer = app
            .call(
                &hm,
                ListChallenges {
                    query: query(&[("q", odd)]),
                },
            )
            .await?;
        ensure!(
            answer.status == StatusCode::OK,
            "{odd:?}: {} {}",
            answer.status,
            answer.body
        );
    }
    ensure!(
        count(&app, "challenges").await? == 4,
        "the table is still there"
    );
    ensure!(titles(&app, &hm, &[("q", "^rate")]).await? == ["Rate limiter for the API"]);
    // Letters beyond ASCII, and edits: the index follows the new title and prompt.
    let id = create(
        &app,
        &hm,
        input(
            "Zoë's café orders",
            "Queue the orders.",
            &[fx.skills.backend],
            2,
        ),
    )
    .await?;
    ensure!(titles(&app, &hm, &[("q", "Zoë")]).await? == ["Zoë's café orders"]);
    ensure!(titles(&app, &hm, &[("q", "café")]).await? == ["Zoë's café orders"]);
    app.call(
        &hm,
        UpdateChallenge {
            id,
            input: input(
                "Bakery orders",
                "Batch the croissants.",
                &[fx.skills.backend],
                2,
            ),
        },
    )
    .await?
    .ok()?;
    ensure!(
        titles(&app, &hm, &[("q", "Zoë")]).await?.is_empty(),
        "the old title is gone"
    );
    ensure!(titles(&app, &hm, &[("q", "croiss")]).await? == ["Bakery orders"]);
    ensure!(titles(&app, &hm, &[("q", "bakery")]).await? == ["Bakery orders"]);
    app.stop().await;
    Ok(())
}
