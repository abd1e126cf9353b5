//! Scheduling over HTTP: the loop checks, bad times, rescheduling and cancelling, time zones
//! and the audit log.

use crate::board::berlin;
use crate::cases;
use anyhow::{ensure, Context};
use app::applications::api::{GetApplication, GetBoard};
use app::applications::BoardQuery;
use app::audit::api::ListAudit;
use app::error::AppError;
use app::interviews::api::{CancelInterview, GetInterview, RescheduleInterview, ScheduleInterview};
use app::interviews::{
    CancelInput, InterviewerInput, RescheduleInput, ScheduleInput, MAX_INTERVIEWERS,
};
use app::openings::api::OpeningAudit;
use app::paging::PageNumber;
use app::values::{Checkbox, Role};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use reqwest::StatusCode;

cases! {
    http: [
        scheduling_refuses_double_bookings_and_the_candidates_manager,
        scheduling_flags_gaps_and_doubled_skill_areas_until_confirmed,
        scheduling_rejects_bad_times_and_saves_nothing,
        a_loop_takes_any_number_of_interviewers_up_to_the_maximum,
        rescheduling_and_cancelling_keep_history,
        audit_log_is_for_admins_and_the_openings_manager,
    ],
    browser: [],
}

/// A scheduling form for "Back-end deep dive", times in UTC, with `rows` (user, skill areas).
pub(crate) fn form(date: &str, start: &str, end: &str, rows: &[(i64, &[i64])]) -> ScheduleInput {
    ScheduleInput {
        template_id: String::new(),
        title: "Back-end deep dive".into(),
        date: date.into(),
        start_time: start.into(),
        end_time: end.into(),
        timezone: "UTC".into(),
        location: "Room 1".into(),
        interviewers: rows
            .iter()
            .map(|(user, skills)| InterviewerInput {
                user_id: user.to_string(),
                skills: skills.to_vec(),
            })
            .collect(),
        confirm: Checkbox(false),
    }
}

pub(crate) fn confirmed(input: ScheduleInput) -> ScheduleInput {
    ScheduleInput {
        confirm: Checkbox(true),
        ..input
    }
}

pub(crate) fn schedule(application_id: i64, input: ScheduleInput) -> ScheduleInterview {
    ScheduleInterview {
        application_id,
        input,
    }
}

async fn interview_count(app: &TestApp) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM interviews")
        .fetch_one(&app.db)
        .await?)
}

async fn scheduling_refuses_double_bookings_and_the_candidates_manager(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let before = app.digest().await?;
    let date = app.day(2);
    let ivan = fx.people.interviewer.id;
    // Ivan interviews Maria 10:00-11:00 UTC that day; 10:30 clashes.
    let fields = app
        .call(
            &hm,
            schedule(
                fx.maria_application,
                form(&date, "10:30", "11:15", &[(ivan, &[fx.skills.data])]),
            ),
        )
        .await?
        .invalid()?;
    let clash = fields
        .get("interviewers.0.user_id")
        .context("the clash is on Ivan's row")?;
    ensure!(
        clash.contains("Ivan Interviewer already has an interview")
            && clash.contains(&format!(
                "{}–{}",
                berlin(&date, "10:00")?,
                berlin(&date, "11:00")?
            )),
        "{clash}"
    );
    ensure!(
        !clash.contains("Jordan") && !clash.contains("Maria"),
        "a clash never names the other candidate: {clash}"
    );
    app.ensure_unchanged(&before, "a refused booking").await?;
    // Back to back is fine.
    app.call(
        &hm,
        schedule(
            fx.maria_application,
            confirmed(form(
                &date,
                "11:00",
                "11:45",
                &[
                    (ivan, &[fx.skills.data]),
                    (fx.people.priya.id, &[fx.skills.communication]),
                ],
            )),
        ),
    )
    .await?
    .ok()?;
    // Jordan's current manager cannot interview Jordan.
    let fields = app
        .call(
            &hm,
            schedule(
                fx.jordan_application,
                confirmed(form(
                    &date,
                    "16:00",
                    "16:45",
                    &[(fx.people.manager.id, &[fx.skills.communication])],
                )),
            ),
        )
        .await?
        .invalid()?;
    ensure!(
        fields
            .get("interviewers.0.user_id")
            .is_some_and(|m| m.contains(
                "Sam Supportlead is Jordan Blake's current manager and cannot interview them"
            )),
        "{fields:?}"
    );
    // The same person twice, and an interviewer without skill areas.
    let tom = fx.people.tom.id;
    let fields = app
        .call(
            &hm,
            schedule(
                fx.jordan_application,
                form(
                    &date,
                    "16:00",
                    "16:45",
                    &[
                        (tom, &[fx.skills.communication]),
                        (tom, &[fx.skills.backend]),
                        (fx.people.priya.id, &[]),
                    ],
                ),
            ),
        )
        .await?
        .invalid()?;
    ensure!(
        fields
            .get("interviewers.1.user_id")
            .is_some_and(|m| m.contains("already in this interview"))
            && fields.get("interviewers.2.skills").is_some(),
        "{fields:?}"
    );
    ensure!(
        interview_count(&app).await? == 4,
        "only the valid interview was added to the fixture's three"
    );
    app.stop().await;
    Ok(())
}

async fn scheduling_flags_gaps_and_doubled_skill_areas_until_confirmed(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let date = app.day(3);
    // Maria's loop: Ivan owns Back-end, Tom Communication. Priya on Back-end too leaves Data
    // modelling uncovered and Back-end owned twice.
    let doubled = form(
        &date,
        "09:00",
        "09:45",
        &[(fx.people.priya.id, &[fx.skills.backend])],
    );
    let before = app.digest().await?;
    let error = app
        .call(&hm, schedule(fx.maria_application, doubled.clone()))
        .await?
        .refused(StatusCode::CONFLICT)?;
    let AppError::NeedsConfirmation(warnings) = error else {
        anyhow::bail!("expected warnings, got {error:?}");
    };
    ensure!(
        warnings
            == [
                "Nobody in this loop covers Data modelling (required for this opening).",
                "Back-end is owned by Ivan Interviewer and Priya Nair: give each interviewer a different skill area."
            ],
        "{warnings:?}"
    );
    app.ensure_unchanged(&before, "an unconfirmed loop").await?;
    // A sound loop saves without confirmation.
    app.call(
        &hm,
        schedule(
            fx.maria_application,
            form(
                &date,
                "09:00",
                "09:45",
                &[(fx.people.priya.id, &[fx.skills.data])],
            ),
        ),
    )
    .await?
    .ok()?;
    let detail = app
        .call(
            &hm,
            GetApplication {
                id: fx.maria_application,
            },
        )
        .await?
        .ok()?;
    ensure!(
        detail.coverage.missing.is_empty() && detail.coverage.duplicated.is_empty(),
        "{:?}",
        detail.coverage
    );
    // Confirmed warnings are saved, and the confirmation is audited.
    let id = app
        .call(
            &hm,
            schedule(
                fx.jordan_application,
                confirmed(form(
                    &date,
                    "15:00",
                    "15:45",
                    &[(fx.people.tom.id, &[fx.skills.data])],
                )),
            ),
        )
        .await?
        .ok()?;
    let after: String = sqlx::query_scalar(
        "SELECT after_json FROM audit_log WHERE entity = 'interview' AND entity_id = $1 AND action = 'schedule'",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await?;
    ensure!(
        after.contains("warnings_confirmed")
            && after.contains("Data modelling is owned by Ivan Interviewer and Tom Okafor"),
        "{after}"
    );
    let board = app
        .call(
            &hm,
            GetBoard {
                opening_id: fx.backend,
                query: BoardQuery::default(),
            },
        )
        .await?
        .ok()?;
    let jordan = board
        .loop_warnings
        .iter()
        .find(|(application, _, _)| *application == fx.jordan_application)
        .context("Jordan's loop is flagged on the board")?;
    ensure!(
        jordan
            .2
            .iter()
            .any(|w| w.contains("Data modelling is owned by Ivan Interviewer and Tom Okafor")),
        "{jordan:?}"
    );
    ensure!(
        !board
            .loop_warnings
            .iter()
            .any(|(application, _, _)| *application == fx.maria_application),
        "Maria's loop is sound now: {:?}",
        board.loop_warnings
    );
    app.stop().await;
    Ok(())
}

async fn scheduling_rejects_bad_times_and_saves_nothing(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let rows: &[(i64, &[i64])] = &[(fx.people.tom.id, &[fx.skills.communication])];
    let before = app.digest().await?;
    let tomorrow = app.day(1);
    let long_ago = app.day(-30);
    let cases: Vec<(&str, &str, &str, &str, &str)> = vec![
        (
            &tomorrow,
            "14:00",
            "13:00",
            "end_time",
            "The end must be after the start.",
        ),
        (
            &tomorrow,
            "14:00",
            "14:00",
            "end_time",
            "The end must be after the start.",
        ),
        (
            &long_ago,
            "14:00",
            "15:00",
            "date",
            "That date is in the past.",
        ),
        ("31/12/2026", "14:00", "15:00", "date", "Enter a date like"),
        (&tomorrow, "2pm", "15:00", "start_time", "Enter a time like"),
    ];
    for (date, start, end, field, message) in cases {
        let fields = app
            .call(
                &hm,
                schedule(fx.maria_application, form(date, start, end, rows)),
            )
            .await?
            .invalid()?;
        ensure!(
            fields.get(field).is_some_and(|m| m.contains(message)),
            "{date} {start}-{end}: {field}: {fields:?}"
        );
    }
    let mut bad = form(&tomorrow, "14:00", "15:00", rows);
    bad.timezone = "Middle/Earth".into();
    bad.location = String::new();
    let fields = app
        .call(&hm, schedule(fx.maria_application, bad))
        .await?
        .invalid()?;
    ensure!(
        fields.get("timezone").is_some() && fields.get("location").is_some(),
        "{fields:?}"
    );
    let fields = app
        .call(
            &hm,
            schedule(fx.maria_application, form(&tomorrow, "14:00", "15:00", &[])),
        )
        .await?
        .invalid()?;
    ensure!(
        fields.get("interviewers.0.user_id") == Some("Assign at least one interviewer."),
        "{fields:?}"
    );
    app.ensure_unchanged(&before, "refused schedules").await?;
    app.stop().await;
    Ok(())
}

async fn a_loop_takes_any_number_of_interviewers_up_to_the_maximum(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let mut people = vec![
        fx.people.interviewer.id,
        fx.people.priya.id,
        fx.people.tom.id,
        fx.people.member.id,
    ];
    for n in 0..MAX_INTERVIEWERS {
        people.push(
            app.create_user(&format!("Panel Member {n}"), Role::Member)
                .await?
                .id,
        );
    }
    let skill = [fx.skills.product];
    let rows = |count: usize| -> Vec<(i64, &[i64])> {
        people[..count].iter().map(|p| (*p, &skill[..])).collect()
    };
    let date = app.day(4);
    // More than four (the form's default rows) is fine...
    let id = app
        .call(
            &hm,
            schedule(
                fx.maria_application,
                confirmed(form(&date, "09:00", "10:00", &rows(6))),
            ),
        )
        .await?
        .ok()?;
    let detail = app.call(&hm, GetInterview { id }).await?.ok()?;
    ensure!(detail.line.assignments.len() == 6, "{:?}", detail.line);
    // ... up to the maximum, and one more is refused.
    let before = app.digest().await?;
    let fields = app
        .call(
            &hm,
            schedule(
                fx.maria_application,
                confirmed(form(&date, "11:00", "12:00", &rows(MAX_INTERVIEWERS + 1))),
            ),
        )
        .await?
        .invalid()?;
    ensure!(
        fields.get("form")
            == Some(format!("An interview has at most {MAX_INTERVIEWERS} interviewers.").as_str()),
        "{fields:?}"
    );
    app.ensure_unchanged(&before, "an oversized panel").await?;
    app.stop().await;
    Ok(())
}

fn reschedule(id: i64, date: &str, start: &str, end: &str, timezone: &str) -> RescheduleInterview {
    RescheduleInterview {
        id,
        input: RescheduleInput {
            date: date.into(),
            start_time: start.into(),
            end_time: end.into(),
            timezone: timezone.into(),
            location: "Room 2".into(),
        },
    }
}

fn cancel(id: i64, reason: &str) -> CancelInterview {
    CancelInterview {
        id,
        input: CancelInput {
            reason: reason.into(),
        },
    }
}

async fn rescheduling_and_cancelling_keep_history(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let id = fx.maria_interview;
    // Onto Ivan's interview with Jordan: refused.
    let fields = app
        .call(&hm, reschedule(id, &app.day(2), "14:15", "15:00", "UTC"))
        .await?
        .invalid()?;
    ensure!(
        fields
            .get("start_time")
            .is_some_and(|m| m.contains("Ivan Interviewer already has an interview")),
        "{fields:?}"
    );
    let later = app.day(5);
    app.call(
        &hm,
        reschedule(id, &later, "09:00", "10:00", "Europe/Berlin"),
    )
    .await?
    .ok()?;
    let fields = app.call(&hm, cancel(id, "")).await?.invalid()?;
    ensure!(
        fields.get("reason") == Some("Say why the interview is cancelled."),
        "{fields:?}"
    );
    app.call(&hm, cancel(id, "Candidate is ill")).await?.ok()?;
    app.call(&hm, cancel(id, "again"))
        .await?
        .refused(StatusCode::CONFLICT)?;
    let detail = app.call(&hm, GetInterview { id }).await?.ok()?;
    ensure!(
        detail.line.cancelled && detail.line.cancel_reason.as_deref() == Some("Candidate is ill")
    );
    let actions: Vec<&str> = detail.history.iter().map(|h| h.action.as_str()).collect();
    ensure!(
        actions == ["cancel", "reschedule", "schedule"],
        "{actions:?}"
    );
    let moved = &detail.history[1];
    ensure!(
        moved
            .before
            .as_deref()
            .is_some_and(|b| b.contains("Room 4"))
            && moved.after.as_deref().is_some_and(|a| a.contains("Room 2")),
        "{moved:?}"
    );
    // Cancelled interviews stay in the loop's record but free the interviewer.
    app.call(
        &hm,
        schedule(
            fx.maria_application,
            confirmed(form(
                &later,
                "08:30",
                "09:30",
                &[(fx.people.interviewer.id, &[fx.skills.backend])],
            )),
        ),
    )
    .await?
    .ok()?;
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
        history
            .iter()
            .any(|h| h.text.starts_with("Rescheduled Back-end deep dive from "))
            && history
                .iter()
                .any(|h| h.text == "Cancelled Back-end deep dive: Candidate is ill"),
        "{history:?}"
    );
    app.stop().await;
    Ok(())
}

async fn audit_log_is_for_admins_and_the_openings_manager(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let entries = app
        .call(
            &hm,
            OpeningAudit {
                page: PageNumber::default(),
                opening_id: fx.backend,
            },
        )
        .await?
        .ok()?;
    for expected in [
        "Opened Backend Engineer",
        "Added stage Technical loop",
        "Scheduled Back-end deep dive with Maria Garcia",
        "Moved from Application review to Technical loop",
    ] {
        ensure!(
            entries.items.iter().any(|e| e.summary.contains(expected)),
            "{expected} in {entries:?}"
        );
    }
    ensure!(
        entries.items[0].at.ends_with("(Europe/Berlin)"),
        "viewer's zone: {}",
        entries.items[0].at
    );
    let admin = app.login(&fx.people.admin).await?;
    let all = app
        .call(
            &admin,
            ListAudit {
                page: PageNumber::default(),
            },
        )
        .await?
        .ok()?;
    ensure!(
        all.items
            .iter()
            .any(|e| e.summary == "Added skill area Back-end"),
        "the instance's log has the admin's changes"
    );
    app.call(
        &hm,
        ListAudit {
            page: PageNumber::default(),
        },
    )
    .await?
    .refused(StatusCode::FORBIDDEN)?;
    let manager = app.login(&fx.people.manager).await?;
    app.call(
        &manager,
        OpeningAudit {
            page: PageNumber::default(),
            opening_id: fx.backend,
        },
    )
    .await?
    .refused(StatusCode::NOT_FOUND)?;
    // Sam manages "Support Lead": its log is his, and holds nothing about Jordan.
    let answer = app
        .call(
            &manager,
            OpeningAudit {
                page: PageNumber::default(),
                opening_id: fx.support_lead,
            },
        )
        .await?;
    let body = answer.body.clone();
    let entries = answer.ok()?;
    ensure!(
        entries
            .items
            .iter()
            .any(|e| e.summary == "Opened Support Lead")
            && !body.contains("Jordan"),
        "{body}"
    );
    app.stop().await;
    Ok(())
}
