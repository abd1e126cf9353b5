//! Time zones over HTTP: times entered in one zone, stored in UTC, and read in each viewer's
//! own zone — on lists, kits, history and audit entries.

use crate::cases;
use crate::scheduling::{confirmed, form, schedule};
use anyhow::{ensure, Context};
use app::applications::api::GetApplication;
use app::interviews::api::{GetInterview, GetKit, GetMyInterviews};
use app::paging::PageNumber;
use app::users::api::UpdateMyTimezone;
use app::users::TimezoneInput;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};

cases! {
    http: [
        times_are_shown_in_each_viewers_time_zone,
        history_shows_times_in_the_readers_zone,
    ],
    browser: [],
}

async fn set_zone(app: &TestApp, client: &reqwest::Client, zone: &str) -> TestResult {
    app.call(
        client,
        UpdateMyTimezone {
            input: TimezoneInput {
                timezone: zone.into(),
            },
        },
    )
    .await?
    .ok()
}

async fn times_are_shown_in_each_viewers_time_zone(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    // Entered as 07:00 in New York (evening of the same day in Tokyo, at any time of year) ...
    let date = app.day(6);
    let mut input = confirmed(form(
        &date,
        "07:00",
        "07:45",
        &[(fx.people.tom.id, &[fx.skills.communication])],
    ));
    input.timezone = "America/New_York".into();
    let id = app
        .call(&hm, schedule(fx.maria_application, input))
        .await?
        .ok()?;
    let starts: i64 = sqlx::query_scalar("SELECT starts_at FROM interviews WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await?;
    let entered =
        chrono::NaiveDateTime::parse_from_str(&format!("{date} 07:00"), "%Y-%m-%d %H:%M")?;
    let expected = chrono::TimeZone::from_local_datetime(&chrono_tz::America::New_York, &entered)
        .single()
        .context("unambiguous")?;
    ensure!(starts == expected.timestamp(), "stored in UTC");
    // ... Tom, in Tokyo, sees it in Tokyo time, named.
    let tom = app.login(&fx.people.tom).await?;
    set_zone(&app, &tom, "Asia/Tokyo").await?;
    let mine = app
        .call(
            &tom,
            GetMyInterviews {
                past_page: PageNumber::default(),
            },
        )
        .await?
        .ok()?;
    ensure!(mine.timezone == "Asia/Tokyo");
    let line = mine
        .upcoming
        .iter()
        .find(|i| i.interview_id == id)
        .context("Tom's new interview")?;
    let tokyo = expected.with_timezone(&chrono_tz::Asia::Tokyo);
    ensure!(
        line.when
            == format!(
                "{}–{} JST (Asia/Tokyo)",
                tokyo.format("%a %-d %b %Y, %H:%M"),
                (tokyo + chrono::Duration::minutes(45)).format("%H:%M")
            ),
        "{}",
        line.when
    );
    // The hiring manager (in Berlin) reads it in Berlin time.
    let kit = app.call(&hm, GetKit { interview_id: id }).await?.ok()?;
    let berlin_time = expected.with_timezone(&chrono_tz::Europe::Berlin);
    ensure!(
        kit.interview
            .when
            .starts_with(&berlin_time.format("%a %-d %b %Y, %H:%M").to_string())
            && kit.interview.when.ends_with("(Europe/Berlin)"),
        "{}",
        kit.interview.when
    );
    app.stop().await;
    Ok(())
}

async fn history_shows_times_in_the_readers_zone(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    // Scheduled at 10:00 UTC by the fixture; Hannah now reads from New York.
    set_zone(&app, &hm, "America/New_York").await?;
    let date = app.day(2);
    let start = chrono::NaiveDateTime::parse_from_str(&format!("{date} 10:00"), "%Y-%m-%d %H:%M")?
        .and_utc()
        .with_timezone(&chrono_tz::America::New_York);
    let expected = format!(
        "Scheduled Back-end deep dive for {}–{} (America/New_York)",
        start.format("%a %-d %b %Y, %H:%M"),
        (start + chrono::Duration::hours(1)).format("%H:%M %Z")
    );
    let history = app
        .call(
            &hm,
            GetApplication {
                id: fx.maria_application,
            },
        )
        .await?
        .ok()?
        .history;
    ensure!(
        history.iter().any(|h| h.text == expected),
        "{expected} in {history:?}"
    );
    // The audit entry's snapshot shows the start in her zone too, not as a number.
    let detail = app
        .call(
            &hm,
            GetInterview {
                id: fx.maria_interview,
            },
        )
        .await?
        .ok()?;
    let scheduled = detail
        .history
        .iter()
        .find(|h| h.action == "schedule")
        .context("schedule entry")?;
    ensure!(
        scheduled
            .after
            .as_deref()
            .is_some_and(|a| a.contains(&format!(
                "\"starts_at\":\"{} ({})\"",
                start.format("%a %-d %b %Y, %H:%M %Z"),
                "America/New_York"
            ))),
        "{scheduled:?}"
    );
    app.stop().await;
    Ok(())
}
