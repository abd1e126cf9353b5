//! Email against a real SMTP listener: the prep reminder with its calendar invite in the
//! recipient's zone, reschedules and cancellations, overdue nudges and debrief invitations.
//! Faults and separate delivery processes are in `mail_delivery`; who gets what in
//! `mail_privacy`.

use crate::cases;
use anyhow::{ensure, Context};
use app::debriefs::api::ScheduleDebrief;
use app::debriefs::DebriefInput;
use app::interviews::api::{CancelInterview, RescheduleInterview};
use app::interviews::{CancelInput, RescheduleInput};
use hireloop_tests::fixture::{app_error, schedule, schedule_input};
use hireloop_tests::smtp::{Received, SmtpListener, SmtpOptions};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use std::time::Duration;

cases! {
    http: [
        a_prep_reminder_arrives_once_in_the_recipients_zone_with_an_invite,
        a_reschedule_reminds_only_the_new_time_and_keeps_the_event,
        a_cancel_sends_one_cancellation_and_no_reminder,
        overdue_nudges_come_daily_at_most_five_times_and_stop_on_submit,
        debrief_invitations_and_the_all_feedback_in_note,
    ],
    browser: [],
}

pub(crate) const QUIET: Duration = Duration::from_millis(300);
pub(crate) const WAIT: Duration = Duration::from_secs(20);

pub(crate) async fn mail_app(
    backend: Backend,
    smtp: SmtpOptions,
) -> anyhow::Result<(TestApp, SmtpListener, Fixture)> {
    let credentials = smtp.credentials.clone();
    let listener = SmtpListener::start(smtp)?;
    let app = spawn_app(
        backend,
        Options {
            smtp_port: Some(listener.port()),
            smtp_credentials: credentials,
            ..Options::default()
        },
    )
    .await?;
    let fx = Fixture::new(&app).await?;
    Ok((app, listener, fx))
}

pub(crate) fn to<'a>(messages: &'a [Received], email: &str) -> Vec<&'a Received> {
    messages
        .iter()
        .filter(|m| m.envelope_to.iter().any(|t| t.eq_ignore_ascii_case(email)))
        .collect()
}

pub(crate) async fn set_timezone(app: &TestApp, user: i64, zone: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE users SET timezone = $1 WHERE id = $2")
        .bind(zone)
        .bind(user)
        .execute(&app.db)
        .await?;
    Ok(())
}

/// The value of `name` in a calendar (unfolded), e.g. `UID`.
fn ics_values(ics: &str, name: &str) -> Vec<String> {
    let unfolded = ics.replace("\r\n ", "").replace("\n ", "");
    unfolded
        .lines()
        .filter_map(|l| {
            let (key, value) = l.split_once(':')?;
            (key == name || key.starts_with(&format!("{name};"))).then(|| value.trim().to_owned())
        })
        .collect()
}

/// Parses the invite with the `icalendar` crate's parser (a valid calendar) and answers
/// (method, uid, sequence, dtstart).
pub(crate) fn invite(message: &Received) -> anyhow::Result<(String, String, String, String)> {
    let ics = message.calendar()?.context("no calendar invite attached")?;
    let parsed: icalendar::Calendar = ics
        .parse()
        .map_err(|e| anyhow::anyhow!("the invite is not a valid calendar: {e}\n{ics}"))?;
    ensure!(parsed.events().count() == 1, "one event: {ics}");
    let one = |name: &str| {
        ics_values(&ics, name)
            .into_iter()
            .next()
            .unwrap_or_default()
    };
    Ok((one("METHOD"), one("UID"), one("SEQUENCE"), one("DTSTART")))
}

async fn a_prep_reminder_arrives_once_in_the_recipients_zone_with_an_invite(
    backend: Backend,
) -> TestResult {
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    let ivan = &fx.people.interviewer;
    set_timezone(&app, ivan.id, "Europe/Berlin").await?;
    // An interview on the far side of Berlin's next daylight-saving change, at 10:00 Berlin.
    let berlin: chrono_tz::Tz = "Europe/Berlin"
        .parse()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let offset_on = |days: i64| {
        use chrono::{Offset, TimeZone};
        let at = chrono::DateTime::from_timestamp(app.clock.now() + days * 86_400, 0)
            .unwrap_or_default();
        berlin
            .offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc()
    };
    let today = offset_on(0);
    let days = (3..=220)
        .find(|d| offset_on(*d) != today)
        .context("a daylight-saving change within the year")?
        + 2;
    let mut input = schedule_input(
        &fx.loop_templates[1],
        &app.day(days),
        "10:00",
        "10:45",
        &[
            (ivan.id, &[fx.skills.data]),
            (fx.people.priya.id, &[fx.skills.communication]),
        ],
    );
    input.timezone = "Europe/Berlin".into();
    let interview = schedule(
        &app,
        &fx.people.hiring_manager,
        fx.maria_application,
        &input,
    )
    .await
    .map_err(app_error("scheduling across the change"))?;
    // What the kit holds when the reminder goes out: an agenda and a challenge.
    for (position, title, minutes) in [
        (1, "Intro", 5),
        (2, "Coding challenge", 30),
        (3, "Candidate questions", 10),
    ] {
        sqlx::query("INSERT INTO agenda_items (interview_id, position, title, minutes) VALUES ($1, $2, $3, $4)")
            .bind(interview)
            .bind(position)
            .bind(title)
            .bind(minutes)
            .execute(&app.db)
            .await?;
    }
    let challenge: i64 = sqlx::query_scalar(
        "INSERT INTO challenges (title, prompt, difficulty, expected_minutes, status, created_at, updated_at) \
         VALUES ('Rate limiter', 'Build one.', 3, 30, 'active', 0, 0) RETURNING id",
    )
    .fetch_one(&app.db)
    .await?;
    sqlx::query("UPDATE interview_assignments SET challenge_id = $1 WHERE interview_id = $2 AND user_id = $3")
        .bind(challenge)
        .bind(interview)
        .bind(ivan.id)
        .execute(&app.db)
        .await?;

    let starts: i64 = sqlx::query_scalar("SELECT starts_at FROM interviews WHERE id = $1")
        .bind(interview)
        .fetch_one(&app.db)
        .await?;
    // A minute before the lead time nothing of it is sent; at the lead time, the prep.
    app.clock.set(starts - 24 * 3600 - 60);
    app.deliver().await?;
    let early = smtp.settle(QUIET).await;
    ensure!(
        !early.iter().any(|m| m.subject().contains("Prepare")
            && m.text().unwrap_or_default().contains("Rate limiter")),
        "sent before its time"
    );
    smtp.clear();
    app.clock.set(starts - 24 * 3600);
    app.deliver().await?;
    let all = smtp.settle(QUIET).await;
    let mine: Vec<&Received> = to(&all, &ivan.email)
        .into_iter()
        .filter(|m| m.text().unwrap_or_default().contains("Rate limiter"))
        .collect();
    ensure!(
        mine.len() == 1,
        "one prep reminder for Ivan: {:?}",
        all.iter().map(Received::subject).collect::<Vec<_>>()
    );
    let prep = mine[0];
    let text = prep.text()?;
    let local = chrono::DateTime::from_timestamp(starts, 0)
        .unwrap_or_default()
        .with_timezone(&berlin);
    let abbreviation = local.format("%Z").to_string();
    ensure!(
        prep.subject()
            .starts_with("Prepare: interview with Maria Garcia"),
        "{}",
        prep.subject()
    );
    for expected in [
        "Maria Garcia".to_owned(),
        "Backend Engineer".to_owned(),
        format!("10:00–10:45 {abbreviation} (Europe/Berlin)"),
        "Data modelling".to_owned(),
        "Agenda (45 minutes)".to_owned(),
        "5 minutes — Intro".to_owned(),
        "30 minutes — Coding challenge".to_owned(),
        "Coding challenge: Rate limiter".to_owned(),
        "Priya Nair — Communication".to_owned(),
        format!("{}/interviews/{interview}/kit", app.address),
    ] {
        ensure!(
            text.contains(&expected),
            "the text lacks {expected:?}:\n{text}"
        );
    }
    ensure!(
        !text.contains(&format!("#{interview}")),
        "no internal ids in the text"
    );
    let html = prep.html()?;
    ensure!(
        html.contains("Rate limiter")
            && html.contains(&format!(
                "href=\"{}/interviews/{interview}/kit\"",
                app.address
            )),
        "{html}"
    );
    let (method, uid, sequence, dtstart) = invite(prep)?;
    ensure!(
        method == "REQUEST" && sequence == "0",
        "{method} {sequence}"
    );
    let utc = chrono::DateTime::from_timestamp(starts, 0)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ")
        .to_string();
    ensure!(
        dtstart == utc,
        "the invite starts at the UTC instant {utc}, not {dtstart}"
    );
    ensure!(
        !uid.is_empty() && !uid.contains(&interview.to_string()) || uid.len() > 30,
        "{uid}"
    );
    ensure!(
        prep.message_id()
            .is_some_and(|id| id.ends_with("@127.0.0.1>")),
        "{:?}",
        prep.message_id()
    );

    // Once: delivering again sends nothing more.
    smtp.clear();
    app.deliver().await?;
    let again = smtp.settle(QUIET).await;
    ensure!(
        again.is_empty(),
        "sent again: {:?}",
        again.iter().map(Received::subject).collect::<Vec<_>>()
    );
    let rows: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE interview_id = $1 AND kind = 'prep' AND status = 'sent'",
    )
    .bind(interview)
    .fetch_one(&app.db)
    .await?;
    ensure!(
        rows == 2,
        "one prep per interviewer marked sent, got {rows}"
    );
    app.stop().await;
    Ok(())
}

async fn prep_of(smtp: &SmtpListener, email: &str) -> anyhow::Result<Vec<Received>> {
    let all = smtp.settle(QUIET).await;
    Ok(to(&all, email).into_iter().cloned().collect())
}

async fn a_reschedule_reminds_only_the_new_time_and_keeps_the_event(
    backend: Backend,
) -> TestResult {
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    let hannah = app.login(&fx.people.hiring_manager).await?;
    let tom = &fx.people.tom;
    let interview = fx.maria_tom_interview; // day 2, 12:00–12:45 UTC, Tom alone
    let day0 = app.clock.now();
    // The prep goes out on day 1 at 12:00.
    app.clock.set(day0 + 86_400);
    app.deliver().await?;
    let first = prep_of(&smtp, &tom.email).await?;
    ensure!(
        first.len() == 1 && first[0].subject().starts_with("Prepare:"),
        "{:?}",
        first.iter().map(Received::subject).collect::<Vec<_>>()
    );
    let (_, uid, sequence, _) = invite(&first[0])?;
    ensure!(sequence == "0");
    smtp.clear();

    // Moved to day 4, 15:00: Tom gets the update now (same event, next sequence).
    app.call(
        &hannah,
        RescheduleInterview {
            id: interview,
            input: RescheduleInput {
                date: app.day(3),
                start_time: "15:00".into(),
                end_time: "15:45".into(),
                timezone: "UTC".into(),
                location: "Room 9".into(),
            },
        },
    )
    .await?
    .ok()?;
    app.deliver().await?;
    let moved = prep_of(&smtp, &tom.email).await?;
    ensure!(
        moved.len() == 1 && moved[0].subject().starts_with("Moved:"),
        "{:?}",
        moved.iter().map(Received::subject).collect::<Vec<_>>()
    );
    let (method, moved_uid, moved_sequence, _) = invite(&moved[0])?;
    ensure!(
        method == "REQUEST" && moved_uid == uid && moved_sequence == "1",
        "{method} {moved_uid} {moved_sequence}"
    );
    ensure!(moved[0].text()?.contains("Room 9"));
    smtp.clear();

    // The old time's short reminder and nudge never come.
    for hours in [23, 25, 30] {
        app.clock.set(day0 + 86_400 + hours * 3600);
        app.deliver().await?;
    }
    let old = prep_of(&smtp, &tom.email).await?;
    ensure!(
        old.is_empty(),
        "reminded of the old time: {:?}",
        old.iter().map(Received::subject).collect::<Vec<_>>()
    );

    // The new time's prep (day 3, 15:00) and short reminder (day 4, 14:00) do.
    let new_start: i64 = sqlx::query_scalar("SELECT starts_at FROM interviews WHERE id = $1")
        .bind(interview)
        .fetch_one(&app.db)
        .await?;
    app.clock.set(new_start - 24 * 3600);
    app.deliver().await?;
    app.clock.set(new_start - 3600);
    app.deliver().await?;
    let new = prep_of(&smtp, &tom.email).await?;
    let subjects: Vec<String> = new.iter().map(Received::subject).collect();
    ensure!(new.len() == 2, "{subjects:?}");
    ensure!(
        subjects[0].starts_with("Prepare:") && subjects[1].starts_with("In 1 hour:"),
        "{subjects:?}"
    );
    let (_, new_uid, new_sequence, dtstart) = invite(&new[0])?;
    ensure!(
        new_uid == uid && new_sequence == "1",
        "{new_uid} {new_sequence}"
    );
    ensure!(dtstart.ends_with("T150000Z"), "{dtstart}");
    smtp.clear();

    // Moved again, to six hours from now: too late for a prep of its own, so Tom gets the
    // update alone (one message, the same event, the next sequence).
    let soon = chrono::DateTime::from_timestamp(app.clock.now() + 6 * 3600, 0).unwrap_or_default();
    app.call(
        &hannah,
        RescheduleInterview {
            id: interview,
            input: RescheduleInput {
                date: soon.format("%Y-%m-%d").to_string(),
                start_time: soon.format("%H:%M").to_string(),
                end_time: (soon + chrono::Duration::minutes(45))
                    .format("%H:%M")
                    .to_string(),
                timezone: "UTC".into(),
                location: "Room 9".into(),
            },
        },
    )
    .await?
    .ok()?;
    app.deliver().await?;
    let late = prep_of(&smtp, &tom.email).await?;
    let subjects: Vec<String> = late.iter().map(Received::subject).collect();
    ensure!(
        late.len() == 1 && subjects[0].starts_with("Moved:"),
        "{subjects:?}"
    );
    let (_, late_uid, late_sequence, _) = invite(&late[0])?;
    ensure!(
        late_uid == uid && late_sequence == "2",
        "{late_uid} {late_sequence}"
    );
    app.stop().await;
    Ok(())
}

async fn a_cancel_sends_one_cancellation_and_no_reminder(backend: Backend) -> TestResult {
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    let hannah = app.login(&fx.people.hiring_manager).await?;
    let tom = &fx.people.tom;
    app.call(
        &hannah,
        CancelInterview {
            id: fx.maria_tom_interview,
            input: CancelInput {
                reason: "Maria withdrew from this slot.".into(),
            },
        },
    )
    .await?
    .ok()?;
    let day0 = app.clock.now();
    for hours in [0, 24, 47, 49, 60, 24 * 5] {
        app.clock.set(day0 + hours * 3600);
        app.deliver().await?;
    }
    let all = smtp.settle(QUIET).await;
    let toms = to(&all, &tom.email);
    ensure!(
        toms.len() == 1,
        "{:?}",
        toms.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );
    ensure!(
        toms[0]
            .subject()
            .starts_with("Cancelled: interview with Maria Garcia"),
        "{}",
        toms[0].subject()
    );
    let (method, _, sequence, _) = invite(toms[0])?;
    ensure!(method == "CANCEL" && sequence == "1", "{method} {sequence}");
    let stopped: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE interview_id = $1 AND status = 'cancelled' AND outcome = 'The interview was cancelled.'",
    )
    .bind(fx.maria_tom_interview)
    .fetch_one(&app.db)
    .await?;
    ensure!(stopped == 3, "prep, short and nudge stopped, got {stopped}");
    app.stop().await;
    Ok(())
}

async fn overdue_nudges_come_daily_at_most_five_times_and_stop_on_submit(
    backend: Backend,
) -> TestResult {
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    let (ivan, tom) = (&fx.people.interviewer, &fx.people.tom);
    let tom_client = app.login(tom).await?;
    let day0 = app.clock.now();
    // Day 2, 15:00: two hours after Tom's interview ended (12:45), four after Ivan's (11:00).
    app.clock.set(day0 + 86_400 + 27 * 3600);
    app.deliver().await?;
    // Ivan has two interviews that day (Maria's and Jordan's): each has its own nudges.
    let nudges = |all: &[Received], email: &str| {
        to(all, email)
            .into_iter()
            .filter(|m| m.subject().starts_with("Feedback overdue: Maria Garcia"))
            .count()
    };
    let all = smtp.settle(QUIET).await;
    ensure!(
        nudges(&all, &tom.email) == 1 && nudges(&all, &ivan.email) == 1,
        "first nudges"
    );
    ensure!(
        to(&all, &tom.email)
            .iter()
            .any(|m| m.text().unwrap_or_default().contains(&format!(
                "{}/interviews/{}/scorecard",
                app.address, fx.maria_tom_interview
            ))),
        "the nudge links to the scorecard"
    );
    // Not again the same day.
    app.deliver().await?;
    // A day later, the second; then Tom submits.
    app.clock.advance(86_400);
    app.deliver().await?;
    let all = smtp.settle(QUIET).await;
    ensure!(
        nudges(&all, &tom.email) == 2,
        "second nudge for Tom: {}",
        nudges(&all, &tom.email)
    );
    crate::scorecards::submit(&app, &tom_client, fx.maria_tom_interview, "yes", "yes").await?;
    for _ in 0..8 {
        app.clock.advance(86_400);
        app.deliver().await?;
    }
    let all = smtp.settle(QUIET).await;
    ensure!(
        nudges(&all, &tom.email) == 2,
        "nudged after submitting: {}",
        nudges(&all, &tom.email)
    );
    ensure!(
        nudges(&all, &ivan.email) == 5,
        "at most five nudges, got {}",
        nudges(&all, &ivan.email)
    );
    let jordan = to(&all, &ivan.email)
        .into_iter()
        .filter(|m| m.subject().starts_with("Feedback overdue: Jordan Blake"))
        .count();
    ensure!(
        jordan == 5,
        "five for his other interview too, got {jordan}"
    );
    let stopped: Option<String> = sqlx::query_scalar(
        "SELECT m.outcome FROM mail_outbox m JOIN interview_assignments ia ON ia.id = m.assignment_id \
         WHERE ia.user_id = $1 AND m.kind = 'overdue' AND m.status = 'cancelled'",
    )
    .bind(tom.id)
    .fetch_optional(&app.db)
    .await?;
    ensure!(
        stopped.as_deref() == Some("The scorecard was submitted."),
        "{stopped:?}"
    );
    app.stop().await;
    Ok(())
}

async fn debrief_invitations_and_the_all_feedback_in_note(backend: Backend) -> TestResult {
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    let hannah_user = &fx.people.hiring_manager;
    let hannah = app.login(hannah_user).await?;
    let (ivan, tom, sam) = (&fx.people.interviewer, &fx.people.tom, &fx.people.manager);
    for who in [ivan, tom] {
        set_timezone(&app, who.id, "UTC").await?;
    }
    let input = |start: &str| DebriefInput {
        stage_id: fx.loop_stage.to_string(),
        date: app.day(4),
        start_time: start.into(),
        end_time: "17:00".into(),
        timezone: "UTC".into(),
        location: "Room 1".into(),
        participants: vec![ivan.id, tom.id],
    };
    app.call(
        &hannah,
        ScheduleDebrief {
            application_id: fx.maria_application,
            input: input("16:00"),
        },
    )
    .await?
    .ok()?;
    app.deliver().await?;
    let all = smtp.settle(QUIET).await;
    for who in [ivan, tom] {
        let mine = to(&all, &who.email);
        ensure!(
            mine.len() == 1 && mine[0].subject().starts_with("Debrief: Maria Garcia"),
            "{}: {:?}",
            who.name,
            mine.iter().map(|m| m.subject()).collect::<Vec<_>>()
        );
        ensure!(mine[0].text()?.contains("16:00–17:00"));
    }
    ensure!(to(&all, &sam.email).is_empty(), "Sam is no participant");
    smtp.clear();
    // Saved again unchanged: nothing new. Moved: a new invitation each.
    app.call(
        &hannah,
        ScheduleDebrief {
            application_id: fx.maria_application,
            input: input("16:00"),
        },
    )
    .await?
    .ok()?;
    app.deliver().await?;
    ensure!(
        smtp.settle(QUIET).await.is_empty(),
        "an unchanged debrief was announced again"
    );
    app.call(
        &hannah,
        ScheduleDebrief {
            application_id: fx.maria_application,
            input: input("15:30"),
        },
    )
    .await?
    .ok()?;
    app.deliver().await?;
    let moved = smtp.settle(QUIET).await;
    ensure!(
        moved.len() == 2
            && moved
                .iter()
                .all(|m| m.text().unwrap_or_default().contains("15:30–17:00")),
        "{}",
        moved.len()
    );
    smtp.clear();

    // All of the loop's scorecards in (Ivan, Sam, Tom): Hannah hears it, once.
    app.clock.advance(3 * 86_400);
    for (who, interview) in [
        (ivan, fx.maria_interview),
        (sam, fx.maria_interview),
        (tom, fx.maria_tom_interview),
    ] {
        let client = app.login(who).await?;
        ensure!(
            !to(&smtp.settle(Duration::ZERO).await, &hannah_user.email)
                .iter()
                .any(|m| m.subject().starts_with("All feedback")),
            "announced before the last scorecard"
        );
        crate::scorecards::submit(&app, &client, interview, "yes", "yes").await?;
        app.deliver().await?;
    }
    let all = smtp.settle(QUIET).await;
    let notes: Vec<&Received> = to(&all, &hannah_user.email)
        .into_iter()
        .filter(|m| {
            m.subject()
                .starts_with("All feedback is in: Maria Garcia, Technical loop")
        })
        .collect();
    ensure!(
        notes.len() == 1,
        "{:?}",
        all.iter().map(Received::subject).collect::<Vec<_>>()
    );
    ensure!(notes[0].text()?.contains(&format!(
        "{}/applications/{}",
        app.address, fx.maria_application
    )));
    app.stop().await;
    Ok(())
}
