//! Email against a real SMTP listener: the prep reminder with its calendar invite in the
//! recipient's zone, reschedules and cancellations, overdue nudges, debrief invitations,
//! faults (a busy, unreachable or refusing server, bad addresses, a clock that jumps), and
//! delivery by separate processes — one killed in the middle of a batch, two at once.

use crate::cases;
use anyhow::{ensure, Context};
use app::clock::Clock;
use app::debriefs::api::ScheduleDebrief;
use app::debriefs::DebriefInput;
use app::interviews::api::{CancelInterview, RescheduleInterview};
use app::interviews::{CancelInput, RescheduleInput};
use app::mail::deliver::{owner_name, Worker};
use app::mail::outbox::{queue, NewMail};
use app::mail::transport::{Mailer, MailerConfig, SmtpConfig, TlsMode};
use app::mail::MailKind;
use hireloop_tests::fixture::{app_error, schedule, schedule_input};
use hireloop_tests::smtp::{Received, SmtpListener, SmtpOptions};
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

cases! {
    http: [
        a_prep_reminder_arrives_once_in_the_recipients_zone_with_an_invite,
        a_reschedule_reminds_only_the_new_time_and_keeps_the_event,
        a_cancel_sends_one_cancellation_and_no_reminder,
        overdue_nudges_come_daily_at_most_five_times_and_stop_on_submit,
        debrief_invitations_and_the_all_feedback_in_note,
        faults_retry_or_fail_and_nothing_is_lost,
        a_delivery_process_killed_mid_batch_loses_nothing,
        two_delivery_processes_send_each_message_once,
        the_candidates_manager_gets_no_mail_about_the_application,
        short_reminders_follow_each_users_choice_and_the_feed_is_private,
    ],
    browser: [],
}

const QUIET: Duration = Duration::from_millis(300);
const WAIT: Duration = Duration::from_secs(20);

async fn mail_app(
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

fn to<'a>(messages: &'a [Received], email: &str) -> Vec<&'a Received> {
    messages
        .iter()
        .filter(|m| m.envelope_to.iter().any(|t| t.eq_ignore_ascii_case(email)))
        .collect()
}

async fn set_timezone(app: &TestApp, user: i64, zone: &str) -> anyhow::Result<()> {
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
fn invite(message: &Received) -> anyhow::Result<(String, String, String, String)> {
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

async fn status_of(
    app: &TestApp,
    email: &str,
    kind: MailKind,
) -> anyhow::Result<Vec<(String, Option<String>, i64)>> {
    Ok(sqlx::query_as(
        "SELECT m.status, m.last_error, m.attempts FROM mail_outbox m JOIN users u ON u.id = m.recipient_id \
         WHERE lower(u.email) = lower($1) AND m.kind = $2 ORDER BY m.id",
    )
    .bind(email)
    .bind(kind.as_str())
    .fetch_all(&app.db)
    .await?)
}

fn smtp_mailer(port: u16, credentials: Option<(&str, &str)>) -> anyhow::Result<Mailer> {
    Mailer::new(&MailerConfig {
        smtp: Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            tls: TlsMode::None,
            user: credentials.map(|c| c.0.to_owned()),
            password: credentials.map(|c| c.1.to_owned()),
            connections: 4,
        }),
        dir: std::env::temp_dir(),
        from_address: "hireloop@example.com".into(),
        from_name: "Hireloop".into(),
        reply_to: None,
        host: "127.0.0.1".into(),
    })
}

async fn deliver_with(
    app: &TestApp,
    mailer: &Mailer,
) -> anyhow::Result<app::mail::deliver::Report> {
    Worker {
        db: &app.db,
        clock: &app.clock,
        mailer,
        base: &app.address,
        owner: owner_name(),
    }
    .run(Duration::from_secs(60))
    .await
}

/// An address the SMTP listener refuses (550).
const REJECTED: &str = "sam.rejected@example.com";

async fn faults_retry_or_fail_and_nothing_is_lost(backend: Backend) -> TestResult {
    let (app, smtp, fx) = mail_app(
        backend,
        SmtpOptions {
            reject_recipients: Vec::new(),
            credentials: Some(("hireloop".into(), "s3cret".into())),
            fail_first: 0,
        },
    )
    .await?;
    let (ivan, sam, tom) = (&fx.people.interviewer, &fx.people.manager, &fx.people.tom);
    let admin = app.login(&fx.people.admin).await?;
    // A malformed address in the data.
    sqlx::query("UPDATE users SET email = 'tom at example' WHERE id = $1")
        .bind(tom.id)
        .execute(&app.db)
        .await?;
    // Day 1, 15:00: the preps of Ivan's two interviews on day 2 (10:00, 14:00) are due.
    let day1 = app.clock.now() + 86_400 + 3 * 3600;
    app.clock.set(day1);

    // The server unreachable: everything waits for a retry.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let report = deliver_with(&app, &smtp_mailer(closed, Some(("hireloop", "s3cret")))?).await?;
    ensure!(report.sent == 0 && report.retrying > 0, "{report}");
    let ivans = status_of(&app, &ivan.email, MailKind::Prep).await?;
    ensure!(
        ivans.iter().all(|r| r.0 == "pending"
            && r.1
                .as_deref()
                .is_some_and(|e| e.contains("could not be reached"))),
        "{ivans:?}"
    );

    // Wrong credentials: waits again, and says so.
    app.clock.advance(120);
    let report = deliver_with(
        &app,
        &smtp_mailer(smtp.port(), Some(("hireloop", "wrong")))?,
    )
    .await?;
    ensure!(report.sent == 0 && report.retrying > 0, "{report}");
    let ivans = status_of(&app, &ivan.email, MailKind::Prep).await?;
    ensure!(
        ivans.iter().all(|r| r.0 == "pending"
            && r.1
                .as_deref()
                .is_some_and(|e| e.contains("refused the credentials"))),
        "{ivans:?}"
    );
    let page = app
        .call(
            &admin,
            app::mail::api::GetMailPage {
                status: Some("pending".into()),
                page: None,
            },
        )
        .await?
        .ok()?;
    ensure!(
        page.rows.items.iter().any(|r| r
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("refused the credentials"))),
        "the admin page shows why"
    );

    // A clock that jumps back: nothing goes early; forward again: everything once.
    app.clock.set(day1 - 2 * 86_400);
    app.deliver().await?;
    ensure!(
        smtp.settle(QUIET).await.is_empty(),
        "sent while the clock was back"
    );
    app.clock.set(day1 + 3600);
    let report = app.deliver().await?;
    let all = smtp.settle(QUIET).await;
    ensure!(
        to(&all, &ivan.email).len() == 2 && to(&all, &sam.email).len() == 1,
        "{report}: {:?}",
        all.iter()
            .map(|m| (m.envelope_to.clone(), m.subject()))
            .collect::<Vec<_>>()
    );
    let toms = status_of(&app, "tom at example", MailKind::Prep).await?;
    ensure!(
        toms.len() == 1
            && toms[0].0 == "failed"
            && toms[0]
                .1
                .as_deref()
                .is_some_and(|e| e.contains("not a valid email address")),
        "{toms:?}"
    );
    let failed = app
        .call(
            &admin,
            app::mail::api::GetMailPage {
                status: Some("failed".into()),
                page: None,
            },
        )
        .await?
        .ok()?;
    ensure!(
        failed.failed >= 1
            && failed.rows.items.iter().any(|r| r
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("not a valid email address"))),
        "{failed:?}"
    );
    app.stop().await;

    // A busy server (451) is retried with backoff; a rejected recipient fails for good.
    let (app, smtp, fx) = mail_app(
        backend,
        SmtpOptions {
            reject_recipients: vec![REJECTED.into()],
            credentials: None,
            fail_first: 1,
        },
    )
    .await?;
    let (ivan, sam) = (&fx.people.interviewer, &fx.people.manager);
    sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
        .bind(REJECTED)
        .bind(sam.id)
        .execute(&app.db)
        .await?;
    // Day 1, 15:00: Ivan's two preps, Tom's and Sam's are due; the first message the
    // server takes gets 451.
    app.clock.advance(86_400 + 3 * 3600);
    let first = app.deliver().await?;
    ensure!(first.retrying == 1, "{first}");
    let busy: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT status, last_error, attempts FROM mail_outbox WHERE last_error LIKE '%451%'",
    )
    .fetch_all(&app.db)
    .await?;
    ensure!(busy.len() == 1 && busy[0].0 == "pending", "{busy:?}");
    let before_retry = smtp.settle(QUIET).await.len();
    // Not before its backoff; after it, once.
    app.deliver().await?;
    ensure!(
        smtp.settle(QUIET).await.len() == before_retry,
        "retried before the backoff"
    );
    app.clock.advance(60);
    app.deliver().await?;
    let all = smtp.settle(QUIET).await;
    ensure!(
        all.len() == before_retry + 1,
        "the retried message came once"
    );
    ensure!(
        to(&all, &ivan.email).len() == 2 && to(&all, &fx.people.tom.email).len() == 1,
        "{:?}",
        all.iter().map(Received::subject).collect::<Vec<_>>()
    );
    let ids: BTreeSet<Option<String>> = all.iter().map(Received::message_id).collect();
    ensure!(ids.len() == all.len(), "no duplicate Message-ID");
    let sams = status_of(&app, REJECTED, MailKind::Prep).await?;
    ensure!(
        sams.iter()
            .all(|r| r.0 == "failed" && r.1.as_deref().is_some_and(|e| e.contains("550"))),
        "{sams:?}"
    );
    ensure!(sams.len() == 1 && to(&all, REJECTED).is_empty());
    app.stop().await;
    Ok(())
}

/// Queues `n` due prep reminders (to the fixture's interviewers) directly in the outbox.
async fn queue_many(app: &TestApp, fx: &Fixture, n: usize) -> anyhow::Result<()> {
    let assignments: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT ia.id, ia.user_id, ia.interview_id FROM interview_assignments ia ORDER BY ia.id",
    )
    .fetch_all(&app.db)
    .await?;
    ensure!(!assignments.is_empty());
    let mut tx = app::db::begin_write(&app.db).await?;
    for i in 0..n {
        let (assignment, user, interview) = assignments[i % assignments.len()];
        let mail = NewMail {
            key: format!("bulk:{i}"),
            kind: MailKind::Prep,
            recipient_id: Some(user),
            recipient: String::new(),
            interview_id: Some(interview),
            assignment_id: Some(assignment),
            debrief_id: None,
            application_id: Some(fx.maria_application),
            stage_id: None,
            sequence: 0,
            nudge: 0,
            due_at: app.clock.now(),
        };
        queue(&mut tx, &mail, app.clock.now()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Starts this test binary as a delivery process (see [`child_main`]).
fn spawn_child(
    app: &TestApp,
    smtp: &SmtpListener,
    now: i64,
) -> anyhow::Result<std::process::Child> {
    std::process::Command::new(std::env::current_exe()?)
        .env(CHILD_DB, &app.database_url)
        .env(CHILD_SMTP, smtp.port().to_string())
        .env(CHILD_NOW, now.to_string())
        .env(CHILD_BASE, &app.address)
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("starting a delivery process")
}

/// Every queued bulk row's Message-ID → how often it arrived.
async fn arrivals(
    app: &TestApp,
    smtp: &SmtpListener,
) -> anyhow::Result<(usize, BTreeMap<String, usize>, i64)> {
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT message_id FROM mail_outbox WHERE idempotency_key LIKE 'bulk:%'",
    )
    .fetch_all(&app.db)
    .await?;
    let mut seen: BTreeMap<String, usize> = keys.iter().map(|k| (k.clone(), 0)).collect();
    let mut strangers = 0;
    for message in smtp.messages() {
        let id = message.message_id().unwrap_or_default();
        let key = id
            .trim_start_matches('<')
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned();
        match seen.get_mut(&key) {
            Some(count) => *count += 1,
            None => strangers += 1,
        }
    }
    let sent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE idempotency_key LIKE 'bulk:%' AND status = 'sent'",
    )
    .fetch_one(&app.db)
    .await?;
    Ok((strangers, seen, sent))
}

async fn a_delivery_process_killed_mid_batch_loses_nothing(backend: Backend) -> TestResult {
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    queue_many(&app, &fx, 1000).await?;
    let now = app.clock.now();
    let mut child = spawn_child(&app, &smtp, now)?;
    let started = std::time::Instant::now();
    while smtp.count() < 200 {
        ensure!(
            started.elapsed() < WAIT,
            "the first process sent only {}",
            smtp.count()
        );
        ensure!(
            child.try_wait()?.is_none(),
            "the first process ended before the kill"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(child.id())?),
        nix::sys::signal::Signal::SIGKILL,
    )?;
    let _ = child.wait()?;
    let at_kill = smtp.count();
    ensure!(
        at_kill < 1000,
        "killed too late to test anything: {at_kill}"
    );
    // Restarted after its claims' lease ran out.
    let mut second = spawn_child(&app, &smtp, now + app::mail::deliver::LEASE_SECONDS + 1)?;
    let status = tokio::task::spawn_blocking(move || second.wait()).await??;
    ensure!(status.success(), "the second process failed: {status}");
    let (strangers, seen, sent) = arrivals(&app, &smtp).await?;
    let lost = seen.values().filter(|c| **c == 0).count();
    let repeated: usize = seen.values().map(|c| c.saturating_sub(1)).sum();
    ensure!(
        strangers == 0 && lost == 0 && sent == 1000,
        "lost {lost}, sent {sent}, strangers {strangers}"
    );
    // Only the messages in flight at the kill can come twice, each with its own Message-ID.
    ensure!(
        repeated <= 4,
        "{repeated} repeats (at most the 4 in flight)"
    );
    eprintln!("killed after {at_kill} of 1000 messages; {repeated} came twice, with their own Message-IDs");
    app.stop().await;
    Ok(())
}

async fn two_delivery_processes_send_each_message_once(backend: Backend) -> TestResult {
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    queue_many(&app, &fx, 1000).await?;
    let now = app.clock.now();
    let mut children = vec![
        spawn_child(&app, &smtp, now)?,
        spawn_child(&app, &smtp, now)?,
    ];
    for child in &mut children {
        let mut child = std::mem::replace(child, spawn_noop()?);
        let status = tokio::task::spawn_blocking(move || child.wait()).await??;
        ensure!(status.success(), "a delivery process failed: {status}");
    }
    let (strangers, seen, sent) = arrivals(&app, &smtp).await?;
    let wrong: Vec<(&String, &usize)> = seen.iter().filter(|(_, c)| **c != 1).collect();
    ensure!(
        strangers == 0 && wrong.is_empty() && sent == 1000,
        "{} not exactly once, sent {sent}",
        wrong.len()
    );
    app.stop().await;
    Ok(())
}

async fn the_candidates_manager_gets_no_mail_about_the_application(backend: Backend) -> TestResult {
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    let (sam, ivan) = (&fx.people.manager, &fx.people.interviewer);
    let db = &app.db;
    // Sam manages Jordan today. Make him, as well, the hiring manager of the opening Jordan
    // applied to, a debrief participant and a panel member of Jordan's interview (by hand:
    // the scheduler refuses him) — every path a message about Jordan could take to him.
    sqlx::query("UPDATE openings SET hiring_manager_id = $1 WHERE id = $2")
        .bind(sam.id)
        .bind(fx.backend)
        .execute(db)
        .await?;
    let assignment: i64 = sqlx::query_scalar(
        "INSERT INTO interview_assignments (interview_id, user_id, starts_at, ends_at) \
         SELECT id, $1, starts_at, ends_at FROM interviews WHERE id = $2 RETURNING id",
    )
    .bind(sam.id)
    .bind(fx.jordan_interview)
    .fetch_one(db)
    .await?;
    let mut tx = app::db::begin_write(db).await?;
    // Rescheduling-style requeue of the interview's reminders, and a message queued for him
    // directly: the queue skips him, the worker refuses what reaches it.
    app::mail::outbox::interview_scheduled(&mut tx, fx.jordan_interview, app.clock.now()).await?;
    let direct = NewMail {
        key: "direct-to-the-manager".into(),
        kind: MailKind::Prep,
        recipient_id: Some(sam.id),
        recipient: String::new(),
        interview_id: Some(fx.jordan_interview),
        assignment_id: Some(assignment),
        debrief_id: None,
        application_id: Some(fx.jordan_application),
        stage_id: None,
        sequence: 0,
        nudge: 0,
        due_at: app.clock.now(),
    };
    queue(&mut tx, &direct, app.clock.now()).await?;
    tx.commit().await?;
    app.deliver().await?;
    let refused: Option<String> = sqlx::query_scalar(
        "SELECT outcome FROM mail_outbox WHERE idempotency_key = 'direct-to-the-manager'",
    )
    .fetch_optional(db)
    .await?
    .flatten();
    ensure!(
        refused.as_deref() == Some("The recipient is the candidate's current manager."),
        "{refused:?}"
    );
    let debrief: i64 = sqlx::query_scalar(
        "INSERT INTO debriefs (application_id, stage_id, starts_at, duration_minutes, status, created_at, updated_at) \
         VALUES ($1, $2, $3, 60, 'scheduled', 0, 0) RETURNING id",
    )
    .bind(fx.jordan_application)
    .bind(fx.loop_stage)
    .bind(app.clock.now() + 5 * 86_400)
    .fetch_one(db)
    .await?;
    for user in [sam.id, ivan.id] {
        sqlx::query("INSERT INTO debrief_participants (debrief_id, user_id) VALUES ($1, $2)")
            .bind(debrief)
            .bind(user)
            .execute(db)
            .await?;
    }
    let mut tx = app::db::begin_write(db).await?;
    app::mail::outbox::debrief_scheduled(&mut tx, debrief, app.clock.now()).await?;
    tx.commit().await?;
    // Jordan's loop: Ivan's scorecard (the only real one) goes in after the interview.
    app.clock.advance(3 * 86_400);
    let ivan_client = app.login(ivan).await?;
    crate::scorecards::submit(&app, &ivan_client, fx.jordan_interview, "yes", "yes").await?;
    sqlx::query("DELETE FROM interview_assignments WHERE id = $1")
        .bind(assignment)
        .execute(db)
        .await
        .ok();
    for _ in 0..7 {
        app.deliver().await?;
        app.clock.advance(86_400);
    }
    let all = smtp.settle(QUIET).await;
    let to_sam: Vec<String> = to(&all, &sam.email)
        .iter()
        .map(|m| format!("{}\n{}", m.subject(), m.text().unwrap_or_default()))
        .collect();
    ensure!(
        !to_sam.iter().any(|m| m.contains("Jordan")),
        "Sam heard of Jordan: {to_sam:?}"
    );
    ensure!(
        to(&all, &ivan.email)
            .iter()
            .any(|m| m.subject().starts_with("Debrief: Jordan Blake")),
        "the other participant is invited"
    );
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE recipient_id = $1 AND application_id = $2 AND status <> 'cancelled'",
    )
    .bind(sam.id)
    .bind(fx.jordan_application)
    .fetch_one(db)
    .await?;
    ensure!(
        open == 0,
        "{open} messages about Jordan for Sam not stopped"
    );
    app.stop().await;
    Ok(())
}

async fn short_reminders_follow_each_users_choice_and_the_feed_is_private(
    backend: Backend,
) -> TestResult {
    use app::mail::api::{RegenerateCalendarFeed, RemoveCalendarFeed, SaveMyReminders};
    use app::mail::settings::ShortRemindersInput;
    let (app, smtp, fx) = mail_app(backend, SmtpOptions::default()).await?;
    let (ivan, sam) = (&fx.people.interviewer, &fx.people.manager);
    let ivan_client = app.login(ivan).await?;
    app.call(
        &ivan_client,
        SaveMyReminders {
            input: ShortRemindersInput {
                short_reminders: app::values::Checkbox(false),
            },
        },
    )
    .await?
    .ok()?;
    // Day 2, 09:00: an hour before Maria's interview (Ivan and Sam).
    app.clock.set(app.clock.now() + 86_400 + 21 * 3600);
    app.deliver().await?;
    let all = smtp.settle(QUIET).await;
    let short = |email: &str| {
        to(&all, email)
            .iter()
            .filter(|m| {
                m.subject()
                    .starts_with("In 1 hour: interview with Maria Garcia")
            })
            .count()
    };
    ensure!(
        short(&sam.email) == 1 && short(&ivan.email) == 0,
        "Sam {} Ivan {}",
        short(&sam.email),
        short(&ivan.email)
    );
    let off: Option<String> = sqlx::query_scalar(
        "SELECT m.outcome FROM mail_outbox m JOIN interview_assignments ia ON ia.id = m.assignment_id \
         WHERE ia.user_id = $1 AND ia.interview_id = $2 AND m.kind = 'short'",
    )
    .bind(ivan.id)
    .bind(fx.maria_interview)
    .fetch_optional(&app.db)
    .await?
    .flatten();
    ensure!(
        off.as_deref() == Some("The recipient switched short reminders off."),
        "{off:?}"
    );

    // The feed: Ivan's upcoming interviews (Maria's, Jordan's), nobody else's, no session.
    let url = app
        .call(&ivan_client, RegenerateCalendarFeed {})
        .await?
        .ok()?;
    let path = url
        .strip_prefix(&app.address)
        .context("the feed is on this server")?
        .to_owned();
    let anonymous = TestApp::bare_client();
    let fetch = |path: String| {
        let anonymous = anonymous.clone();
        let url = app.url(&path);
        async move {
            let response = anonymous.get(url).send().await?;
            let status = response.status();
            let kind = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            anyhow::Ok((status, kind, response.text().await?))
        }
    };
    let (status, kind, body) = fetch(path.clone()).await?;
    ensure!(
        status == 200 && kind.starts_with("text/calendar"),
        "{status} {kind}"
    );
    let parsed: icalendar::Calendar = body.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let summaries: Vec<String> = parsed
        .events()
        .filter_map(|e| icalendar::Component::get_summary(e).map(str::to_owned))
        .collect();
    ensure!(summaries.len() == 2, "{summaries:?}");
    ensure!(
        summaries.iter().any(|s| s.contains("Maria Garcia"))
            && summaries.iter().any(|s| s.contains("Jordan Blake")),
        "{summaries:?}"
    );
    // A cancelled interview leaves it, as it leaves My interviews' upcoming list.
    let hannah = app.login(&fx.people.hiring_manager).await?;
    app.call(
        &hannah,
        CancelInterview {
            id: fx.jordan_interview,
            input: CancelInput {
                reason: "Moved to next month.".into(),
            },
        },
    )
    .await?
    .ok()?;
    let (_, _, body) = fetch(path.clone()).await?;
    ensure!(
        !body.contains("Jordan"),
        "a cancelled interview stays in the feed"
    );
    // A new address revokes the old one; turning it off revokes the new.
    let newer = app
        .call(&ivan_client, RegenerateCalendarFeed {})
        .await?
        .ok()?;
    let newer_path = newer
        .strip_prefix(&app.address)
        .context("the feed is on this server")?
        .to_owned();
    ensure!(
        fetch(path.clone()).await?.0 == 404,
        "the old address still works"
    );
    ensure!(fetch(newer_path.clone()).await?.0 == 200);
    app.call(&ivan_client, RemoveCalendarFeed {}).await?.ok()?;
    ensure!(fetch(newer_path).await?.0 == 404, "the feed was turned off");
    ensure!(fetch("/calendar/not-a-token.ics".into()).await?.0 == 404);
    app.stop().await;
    Ok(())
}

fn spawn_noop() -> anyhow::Result<std::process::Child> {
    Ok(std::process::Command::new("true").spawn()?)
}

const CHILD_DB: &str = "HIRELOOP_TEST_DELIVER_DB";
const CHILD_SMTP: &str = "HIRELOOP_TEST_DELIVER_SMTP";
const CHILD_NOW: &str = "HIRELOOP_TEST_DELIVER_NOW";
const CHILD_BASE: &str = "HIRELOOP_TEST_DELIVER_BASE";

/// When this binary was started as a delivery process: delivers everything due (as a
/// server instance's worker would) and exits.
pub fn child_main() -> Option<std::process::ExitCode> {
    let db_url = std::env::var(CHILD_DB).ok()?;
    let run = async move {
        let port: u16 = std::env::var(CHILD_SMTP)?.parse()?;
        let now: i64 = std::env::var(CHILD_NOW)?.parse()?;
        let base = std::env::var(CHILD_BASE)?;
        let db = app::db::connect(&db_url, 4).await?;
        let clock = Clock::system();
        clock.set(now);
        let mailer = smtp_mailer(port, None)?;
        let report = Worker {
            db: &db,
            clock: &clock,
            mailer: &mailer,
            base: &base,
            owner: owner_name(),
        }
        .run(Duration::from_secs(120))
        .await?;
        println!("{report}");
        anyhow::Ok(())
    };
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(run));
    Some(match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("delivery process: {error:#}");
            std::process::ExitCode::FAILURE
        }
    })
}
