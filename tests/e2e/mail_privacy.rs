//! Who gets what: nothing about an internal candidate reaches their current manager, short
//! reminders follow each user's choice, and the private calendar feed lists only one's own
//! upcoming interviews.

use crate::cases;
use crate::mail::{mail_app, to, QUIET};
use anyhow::{ensure, Context};
use app::interviews::api::CancelInterview;
use app::interviews::CancelInput;
use app::mail::outbox::{queue, NewMail};
use app::mail::MailKind;
use hireloop_tests::smtp::SmtpOptions;
use hireloop_tests::{Backend, TestApp, TestResult};

cases! {
    http: [
        the_candidates_manager_gets_no_mail_about_the_application,
        short_reminders_follow_each_users_choice_and_the_feed_is_private,
    ],
    browser: [],
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
    // His calendar feed runs My interviews' query: Maria's interview, never Jordan's.
    let sam_client = app.login(sam).await?;
    let feed = app
        .call(&sam_client, app::mail::api::RegenerateCalendarFeed {})
        .await?
        .ok()?;
    let body = TestApp::bare_client()
        .get(&feed)
        .send()
        .await?
        .text()
        .await?;
    ensure!(
        body.contains("Maria Garcia") && !body.contains("Jordan"),
        "Sam's feed: {body}"
    );
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
