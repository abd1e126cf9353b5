//! The board over HTTP: columns, filters, moving and rejecting, and the history they leave.

use crate::cases;
use anyhow::ensure;
use app::applications::api::{GetApplication, GetBoard, MoveApplication, SetApplicationStatus};
use app::applications::{ApplicationStatus, Board, BoardQuery, MoveInput, StatusInput};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestResult};
use reqwest::StatusCode;

cases! {
    http: [board_moves_rejects_filters_and_keeps_history],
    browser: [],
}

/// The names on the cards of the column `stage`.
pub fn cards_in(board: &Board, stage: &str) -> Vec<String> {
    board
        .columns
        .iter()
        .filter(|c| c.stage.name == stage)
        .flat_map(|c| c.cards.iter().map(|card| card.candidate_name.clone()))
        .collect()
}

/// `HH:MM` in Europe/Berlin (the test users' zone) of a UTC date and time.
pub fn berlin(date: &str, utc_time: &str) -> anyhow::Result<String> {
    let utc =
        chrono::NaiveDateTime::parse_from_str(&format!("{date} {utc_time}"), "%Y-%m-%d %H:%M")?
            .and_utc();
    Ok(utc
        .with_timezone(&chrono_tz::Europe::Berlin)
        .format("%H:%M")
        .to_string())
}

async fn board_moves_rejects_filters_and_keeps_history(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let board = |query: BoardQuery| {
        let hm = hm.clone();
        let app = &app;
        let opening_id = fx.backend;
        async move { app.call(&hm, GetBoard { opening_id, query }).await?.ok() }
    };
    let full = board(BoardQuery::default()).await?;
    ensure!(
        cards_in(&full, "Technical loop") == ["Maria Garcia", "Jordan Blake"],
        "{full:?}"
    );
    ensure!(cards_in(&full, "Application review") == ["Amara Okoye"]);
    let card = &full.columns[2].cards[0];
    let expected = berlin(&app.day(2), "10:00")?;
    ensure!(
        card.next_interview
            .as_deref()
            .is_some_and(|w| w.contains(&expected) && w.contains("(Europe/Berlin)")),
        "{card:?}"
    );
    ensure!(card.days_in_stage == 0);
    // Days in stage follow the clock.
    app.clock.advance(3 * 86_400);
    let later = board(BoardQuery::default()).await?;
    ensure!(
        later.columns[2].cards[0].days_in_stage == 3,
        "{:?}",
        later.columns[2].cards[0]
    );
    // Filters.
    let internal = board(BoardQuery {
        kind: "internal".into(),
        ..BoardQuery::default()
    })
    .await?;
    ensure!(cards_in(&internal, "Technical loop") == ["Jordan Blake"]);
    let external = board(BoardQuery {
        kind: "external".into(),
        stage: fx.loop_stage.to_string(),
        ..BoardQuery::default()
    })
    .await?;
    ensure!(external.columns.len() == 1);
    ensure!(cards_in(&external, "Technical loop") == ["Maria Garcia"]);
    // Move Amara on; the history names who did it.
    let move_to = |stage: i64| MoveApplication {
        id: fx.amara_application,
        input: MoveInput {
            stage_id: stage.to_string(),
        },
    };
    app.call(&hm, move_to(fx.phone_stage)).await?.ok()?;
    let fields = app.call(&hm, move_to(fx.phone_stage)).await?.invalid()?;
    ensure!(
        fields.get("stage_id") == Some("The application is already in Phone screen."),
        "{fields:?}"
    );
    let fields = app.call(&hm, move_to(999_999)).await?.invalid()?;
    ensure!(fields.get("stage_id").is_some(), "{fields:?}");
    // Rejecting asks for a reason.
    let status = |status: &str, reason: &str| SetApplicationStatus {
        id: fx.amara_application,
        input: StatusInput {
            status: status.into(),
            reason: reason.into(),
        },
    };
    let fields = app.call(&hm, status("rejected", "  ")).await?.invalid()?;
    ensure!(
        fields.get("reason") == Some("Give a reason for the rejection."),
        "{fields:?}"
    );
    app.call(&hm, status("rejected", "Needs more Rust"))
        .await?
        .ok()?;
    let active = board(BoardQuery::default()).await?;
    ensure!(
        cards_in(&active, "Phone screen").is_empty(),
        "rejected leave the active board"
    );
    let rejected = board(BoardQuery {
        status: "rejected".into(),
        ..BoardQuery::default()
    })
    .await?;
    ensure!(cards_in(&rejected, "Phone screen") == ["Amara Okoye"]);
    ensure!(rejected.filters.status == Some(ApplicationStatus::Rejected));
    app.call(&hm, move_to(fx.loop_stage))
        .await?
        .refused(StatusCode::CONFLICT)?;
    let detail = app
        .call(
            &hm,
            GetApplication {
                id: fx.amara_application,
            },
        )
        .await?
        .ok()?;
    let history: Vec<&str> = detail.history.iter().map(|h| h.text.as_str()).collect();
    ensure!(
        history
            .iter()
            .any(|h| h.contains("Moved from Application review to Phone screen"))
            && history
                .iter()
                .any(|h| h.contains("Status active → rejected") && h.contains("Needs more Rust"))
            && detail
                .history
                .iter()
                .all(|h| h.actor.as_deref() == Some("Hannah Manager")),
        "{:?}",
        detail.history
    );
    ensure!(detail.status_reason.as_deref() == Some("Needs more Rust"));
    ensure!(detail.status == ApplicationStatus::Rejected);
    app.stop().await;
    Ok(())
}
