//! Scorecards and debriefs over HTTP: drafts that two tabs cannot overwrite, submission and
//! amendment with every version kept, the feedback check, no anchoring, overdue feedback,
//! and the debrief's disagreement, coverage and decisions.

use crate::cases;
use anyhow::{ensure, Context};
use app::debriefs::api::{DecideDebrief, GetApplicationFeedback, GetDebrief, ScheduleDebrief};
use app::debriefs::{DebriefInput, DecisionInput};
use app::interviews::api::GetMyInterviews;
use app::scorecards::api::{GetScorecard, GetScorecardForm, SaveScorecard};
use app::scorecards::{AnswerInput, Feedback, ScorecardInput, ScorecardPage, SkillInput};
use app::values::Checkbox;
use hireloop_tests::{spawn_app, Backend, Fixture, Options, TestApp, TestResult};
use reqwest::StatusCode;

cases! {
    http: [
        drafts_submissions_and_amendments_keep_every_version,
        the_feedback_check_warns_before_submitting,
        nobody_reads_another_scorecard_before_their_own_is_in,
        the_debrief_finds_disagreement_and_gaps_and_records_decisions,
    ],
    browser: [],
}

/// The form of `page` with every skill area rated `rating` (with evidence) and `overall`.
pub(crate) fn filled(
    page: &ScorecardPage,
    rating: &str,
    overall: &str,
    intent: &str,
) -> ScorecardInput {
    ScorecardInput {
        revision: page.revision.to_string(),
        intent: intent.into(),
        skills: page
            .draft
            .skills
            .iter()
            .map(|s| SkillInput {
                skill_area_id: s.skill_area_id.to_string(),
                rating: rating.into(),
                evidence: format!(
                    "Walked through {} with concrete examples from work.",
                    s.skill_area
                ),
            })
            .collect(),
        answers: page
            .draft
            .answers
            .iter()
            .map(|a| AnswerInput {
                question_id: a.question_id.to_string(),
                answer: "Yes, shown in the exercise.".into(),
                ..AnswerInput::default()
            })
            .collect(),
        overall: overall.into(),
        notes: page.draft.notes.clone(),
        private_note: "Would pair well with the platform team.".into(),
        ..ScorecardInput::default()
    }
}

/// Loads `client`'s scorecard form for `interview`.
pub(crate) async fn form(
    app: &TestApp,
    client: &reqwest::Client,
    interview: i64,
) -> anyhow::Result<ScorecardPage> {
    app.call(
        client,
        GetScorecardForm {
            interview_id: interview,
        },
    )
    .await?
    .ok()
}

/// Fills and submits `client`'s scorecard for `interview`; answers with the scorecard's id.
pub(crate) async fn submit(
    app: &TestApp,
    client: &reqwest::Client,
    interview: i64,
    rating: &str,
    overall: &str,
) -> anyhow::Result<i64> {
    let page = form(app, client, interview).await?;
    let input = filled(&page, rating, overall, "submit");
    app.call(
        client,
        SaveScorecard {
            interview_id: interview,
            input,
        },
    )
    .await?
    .ok()?;
    scorecard_id(app, interview, client).await
}

async fn scorecard_id(
    app: &TestApp,
    interview: i64,
    _client: &reqwest::Client,
) -> anyhow::Result<i64> {
    sqlx::query_scalar::<_, i64>(
        "SELECT s.id FROM scorecards s JOIN interview_assignments ia ON ia.id = s.assignment_id \
         WHERE ia.interview_id = $1 ORDER BY s.updated_at DESC, s.id DESC LIMIT 1",
    )
    .bind(interview)
    .fetch_one(&app.db)
    .await
    .context("the scorecard")
}

/// The clock moved past the fixture's day-2 interviews.
fn after_the_loop(app: &TestApp) {
    app.clock.advance(3 * 86_400);
}

async fn drafts_submissions_and_amendments_keep_every_version(backend: Backend) -> TestResult {
    let mut app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let ivan = app.login(&fx.people.interviewer).await?;
    let interview = fx.maria_interview;
    let page = form(&app, &ivan, interview).await?;
    ensure!(
        page.revision == 0 && page.draft.skills.len() == 1,
        "{page:?}"
    );
    ensure!(page.draft.skills[0].skill_area == "Back-end");

    // Bad input: a rating off the scale, evidence over its length. Nothing is saved.
    let before = app.digest().await?;
    let mut bad = filled(&page, "maybe", "yes", "draft");
    bad.skills[0].evidence = "x".repeat(5_001);
    let errors = app
        .call(
            &ivan,
            SaveScorecard {
                interview_id: interview,
                input: bad,
            },
        )
        .await?
        .invalid()?;
    ensure!(errors.get("skills.0.rating").is_some(), "{errors:?}");
    ensure!(
        errors
            .get("skills.0.evidence")
            .is_some_and(|m| m.contains("5000")),
        "{errors:?}"
    );
    // Submitting before the interview has begun, and an incomplete scorecard.
    let early = app
        .call(
            &ivan,
            SaveScorecard {
                interview_id: interview,
                input: filled(&page, "yes", "yes", "submit"),
            },
        )
        .await?
        .invalid()?;
    ensure!(
        early.get("form").is_some_and(|m| m.contains("not begun")),
        "{early:?}"
    );
    app.ensure_unchanged(&before, "refused scorecards").await?;

    // A draft saves; a second tab still holding revision 0 is refused, nothing lost.
    let mut draft = filled(&page, "", "", "autosave");
    draft.skills[0].evidence = "Explained sharding of the route planner.".into();
    let saved = app
        .call(
            &ivan,
            SaveScorecard {
                interview_id: interview,
                input: draft.clone(),
            },
        )
        .await?
        .ok()?;
    ensure!(saved.revision == 1 && !saved.submitted, "{saved:?}");
    let mut other_tab = draft.clone();
    other_tab.skills[0].evidence = "Something else from another tab.".into();
    let answer = app
        .call(
            &ivan,
            SaveScorecard {
                interview_id: interview,
                input: other_tab,
            },
        )
        .await?;
    ensure!(answer.status == StatusCode::CONFLICT, "{}", answer.body);
    ensure!(answer.body.contains("another tab"), "{}", answer.body);
    let page = form(&app, &ivan, interview).await?;
    ensure!(page.draft.skills[0].evidence == "Explained sharding of the route planner.");
    ensure!(page.draft.skills[0].rating.is_none());

    // The draft survives a restart.
    app.restart().await?;
    let ivan = app.login(&fx.people.interviewer).await?;
    let page = form(&app, &ivan, interview).await?;
    ensure!(page.revision == 1, "{page:?}");

    // Incomplete submission names the gaps next to the fields.
    after_the_loop(&app);
    let mut incomplete = filled(&page, "yes", "", "submit");
    incomplete.skills[0].evidence = String::new();
    let errors = app
        .call(
            &ivan,
            SaveScorecard {
                interview_id: interview,
                input: incomplete,
            },
        )
        .await?
        .invalid()?;
    ensure!(
        errors
            .get("skills.0.evidence")
            .is_some_and(|m| m.contains("Back-end")),
        "{errors:?}"
    );
    ensure!(errors.get("overall").is_some(), "{errors:?}");

    // Submit; the same again is "nothing changed"; an amendment is version 2.
    let page = form(&app, &ivan, interview).await?;
    let overdue = page.overdue;
    ensure!(overdue, "the interview ended without feedback: overdue");
    app.call(
        &ivan,
        SaveScorecard {
            interview_id: interview,
            input: filled(&page, "yes", "yes", "submit"),
        },
    )
    .await?
    .ok()?;
    let page = form(&app, &ivan, interview).await?;
    ensure!(
        page.status.is_in() && !page.overdue && page.versions.len() == 1,
        "{page:?}"
    );
    let same = app
        .call(
            &ivan,
            SaveScorecard {
                interview_id: interview,
                input: filled(&page, "yes", "yes", "submit"),
            },
        )
        .await?
        .invalid()?;
    ensure!(
        same.get("form")
            .is_some_and(|m| m.contains("Nothing has changed")),
        "{same:?}"
    );
    app.call(
        &ivan,
        SaveScorecard {
            interview_id: interview,
            input: filled(&page, "strong_yes", "strong_yes", "submit"),
        },
    )
    .await?
    .ok()?;
    let page = form(&app, &ivan, interview).await?;
    ensure!(page.versions.len() == 2, "{:?}", page.versions);
    ensure!(page.versions[0].version == 2 && page.versions[1].version == 1);
    ensure!(page.status == app::scorecards::ScorecardStatus::Amended);
    // The audit log records that feedback was given, never what it says.
    let audit: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT summary, after_json FROM audit_log WHERE entity = 'scorecard' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await?;
    ensure!(audit.len() == 2, "{audit:?}");
    for (summary, after) in &audit {
        ensure!(
            !summary.contains("concrete examples") && after.is_none(),
            "{audit:?}"
        );
    }
    // My interviews: Maria's is no longer overdue; Jordan's (no scorecard yet) is.
    let mine = app
        .call(
            &ivan,
            GetMyInterviews {
                past_page: app::paging::PageNumber::default(),
            },
        )
        .await?
        .ok()?;
    let overdue: Vec<i64> = mine.overdue.iter().map(|m| m.interview_id).collect();
    ensure!(overdue == [fx.jordan_interview], "{:?}", mine.overdue);
    app.stop().await;
    Ok(())
}

async fn the_feedback_check_warns_before_submitting(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let tom = app.login(&fx.people.tom).await?;
    after_the_loop(&app);
    let interview = fx.maria_tom_interview;
    let page = form(&app, &tom, interview).await?;
    let mut input = filled(&page, "no", "strong_yes", "submit");
    input.notes = "She said she is pregnant and asked about parental leave.".into();
    let before = app.digest().await?;
    let errors = app
        .call(
            &tom,
            SaveScorecard {
                interview_id: interview,
                input: input.clone(),
            },
        )
        .await?
        .invalid()?;
    let message = errors
        .get("acknowledge")
        .context("a warning to acknowledge")?;
    ensure!(
        message.contains("Pregnancy") && message.contains("Family and children"),
        "{message}"
    );
    ensure!(
        message.contains("every skill area is rated No"),
        "{message}"
    );
    app.ensure_unchanged(&before, "a warned submission").await?;
    input.acknowledge = Checkbox(true);
    app.call(
        &tom,
        SaveScorecard {
            interview_id: interview,
            input,
        },
    )
    .await?
    .ok()?;
    let page = form(&app, &tom, interview).await?;
    let warnings = &page.versions.first().context("a version")?.warnings;
    ensure!(
        warnings.iter().any(|w| w.contains("pregnan")),
        "{warnings:?}"
    );
    app.stop().await;
    Ok(())
}

async fn nobody_reads_another_scorecard_before_their_own_is_in(backend: Backend) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let ivan = app.login(&fx.people.interviewer).await?;
    let tom = app.login(&fx.people.tom).await?;
    after_the_loop(&app);
    let toms = submit(
        &app,
        &tom,
        fx.maria_tom_interview,
        "strong_yes",
        "strong_yes",
    )
    .await?;
    // Ivan has not submitted: Tom's scorecard does not exist for him, by any route.
    let refused = app.call(&ivan, GetScorecard { id: toms }).await?;
    ensure!(refused.status == StatusCode::NOT_FOUND, "{}", refused.body);
    ensure!(
        !refused.body.contains("concrete examples"),
        "{}",
        refused.body
    );
    let made_up = app.call(&ivan, GetScorecard { id: toms + 1000 }).await?;
    ensure!(
        made_up.body == refused.body,
        "{} / {}",
        made_up.body,
        refused.body
    );
    let page = form(&app, &ivan, fx.maria_interview).await?;
    ensure!(page.others.is_empty(), "{:?}", page.others);
    let page_html = app.page(&ivan, &format!("/scorecards/{toms}")).await?;
    ensure!(page_html.0 == StatusCode::NOT_FOUND && page_html.1.contains("Page not found"));
    // The hiring manager reads it, private note included; Sam (another interviewer of the
    // same interview, not submitted) does not.
    let read = app.call(&hm, GetScorecard { id: toms }).await?.ok()?;
    ensure!(read.versions[0]
        .content
        .private_note
        .contains("platform team"));
    let sam = app.login(&fx.people.manager).await?;
    ensure!(app.call(&sam, GetScorecard { id: toms }).await?.status == StatusCode::NOT_FOUND);
    // Ivan's draft is his alone, even for the hiring manager.
    let ivan_page = form(&app, &ivan, fx.maria_interview).await?;
    app.call(
        &ivan,
        SaveScorecard {
            interview_id: fx.maria_interview,
            input: filled(&ivan_page, "no", "", "draft"),
        },
    )
    .await?
    .ok()?;
    let ivans = scorecard_id(&app, fx.maria_interview, &ivan).await?;
    ensure!(app.call(&hm, GetScorecard { id: ivans }).await?.status == StatusCode::NOT_FOUND);
    // Once Ivan submitted, he reads Tom's — without Tom's private note.
    submit(&app, &ivan, fx.maria_interview, "no", "no").await?;
    let page = form(&app, &ivan, fx.maria_interview).await?;
    ensure!(
        page.others.iter().any(|o| o.id == toms),
        "{:?}",
        page.others
    );
    let read = app.call(&ivan, GetScorecard { id: toms }).await?.ok()?;
    ensure!(read.versions[0].content.private_note.is_empty());
    ensure!(!read.manages);
    // Ivan also interviews Jordan: that scorecard is not in, so Jordan's others stay closed;
    // and Maria's hiring manager sees the feedback overview with Sam overdue.
    let overview = app
        .call(
            &hm,
            GetApplicationFeedback {
                application_id: fx.maria_application,
            },
        )
        .await?
        .ok()?;
    let sam_line = overview
        .feedback
        .iter()
        .find(|f| f.interviewer == fx.people.manager.name)
        .context("Sam's line")?;
    ensure!(sam_line.feedback == Feedback::Overdue && sam_line.scorecard_id.is_none());
    let interviews_of_sam = app
        .call(
            &sam,
            GetMyInterviews {
                past_page: app::paging::PageNumber::default(),
            },
        )
        .await?
        .ok()?;
    ensure!(interviews_of_sam
        .overdue
        .iter()
        .any(|m| m.interview_id == fx.maria_interview));
    app.stop().await;
    Ok(())
}

fn debrief_input(app: &TestApp, fx: &Fixture, participants: Vec<i64>) -> DebriefInput {
    DebriefInput {
        stage_id: fx.loop_stage.to_string(),
        date: app.day(1),
        start_time: "09:00".into(),
        end_time: "09:30".into(),
        timezone: "UTC".into(),
        location: "Room 1".into(),
        participants,
    }
}

fn decision(seen: i64, decision: &str, rationale: &str, override_reason: &str) -> DecisionInput {
    DecisionInput {
        seen: seen.to_string(),
        decision: decision.into(),
        to_stage_id: String::new(),
        rationale: rationale.into(),
        override_reason: override_reason.into(),
    }
}

async fn the_debrief_finds_disagreement_and_gaps_and_records_decisions(
    backend: Backend,
) -> TestResult {
    let app = spawn_app(backend, Options::default()).await?;
    let fx = Fixture::new(&app).await?;
    let hm = app.login(&fx.people.hiring_manager).await?;
    let ivan = app.login(&fx.people.interviewer).await?;
    let tom = app.login(&fx.people.tom).await?;
    after_the_loop(&app);
    // Scheduling: bad input first.
    let mut bad = debrief_input(&app, &fx, vec![fx.people.member.id]);
    bad.start_time = "25:00".into();
    let errors = app
        .call(
            &hm,
            ScheduleDebrief {
                application_id: fx.maria_application,
                input: bad,
            },
        )
        .await?
        .invalid()?;
    ensure!(
        errors.get("participants").is_some() && errors.get("start_time").is_some(),
        "{errors:?}"
    );
    let participants = vec![fx.people.interviewer.id, fx.people.tom.id];
    let debrief = app
        .call(
            &hm,
            ScheduleDebrief {
                application_id: fx.maria_application,
                input: debrief_input(&app, &fx, participants),
            },
        )
        .await?
        .ok()?;
    // Ivan is a participant, but has not submitted: no debrief for him yet.
    ensure!(app.call(&ivan, GetDebrief { id: debrief }).await?.status == StatusCode::NOT_FOUND);
    submit(
        &app,
        &tom,
        fx.maria_tom_interview,
        "strong_yes",
        "strong_yes",
    )
    .await?;
    submit(&app, &ivan, fx.maria_interview, "no", "no").await?;
    let page = app.call(&ivan, GetDebrief { id: debrief }).await?.ok()?;
    ensure!(!page.manages, "a participant does not decide");
    let page = app.call(&hm, GetDebrief { id: debrief }).await?.ok()?;
    ensure!(
        page.manages && page.columns.len() == 2,
        "{:?}",
        page.columns
    );
    let overall = page
        .overall_disagreement
        .clone()
        .context("overall disagreement")?;
    ensure!(
        overall.contains("No and Strong yes, 2 steps apart"),
        "{overall}"
    );
    // Sam (product sense, same interview as Ivan) has not submitted; data modelling is
    // required and nobody gave evidence on it.
    ensure!(
        page.waiting_for
            .iter()
            .any(|w| w.contains(&fx.people.manager.name)),
        "{:?}",
        page.waiting_for
    );
    ensure!(
        page.coverage_gaps == ["Data modelling"],
        "{:?}",
        page.coverage_gaps
    );

    // Decisions: a rationale is required; the gap needs an override reason.
    let before = app.digest().await?;
    let errors = app
        .call(
            &hm,
            DecideDebrief {
                id: debrief,
                input: decision(0, "hire", "", ""),
            },
        )
        .await?
        .invalid()?;
    ensure!(errors.get("rationale").is_some(), "{errors:?}");
    ensure!(
        errors
            .get("override_reason")
            .is_some_and(|m| m.contains("Data modelling")),
        "{errors:?}"
    );
    app.ensure_unchanged(&before, "refused decisions").await?;
    // Participants may read but not decide.
    let denied = app
        .call(
            &ivan,
            DecideDebrief {
                id: debrief,
                input: decision(0, "hire", "Yes", "ok"),
            },
        )
        .await?;
    ensure!(denied.status == StatusCode::FORBIDDEN, "{}", denied.body);
    // Two deciders at once: one wins, the other gets a conflict.
    let admin = app.login(&fx.people.admin).await?;
    let (a, b) = tokio::join!(
        app.call(
            &hm,
            DecideDebrief {
                id: debrief,
                input: decision(
                    0,
                    "hire",
                    "Strong loop.",
                    "Covered by the take-home exercise."
                )
            }
        ),
        app.call(
            &admin,
            DecideDebrief {
                id: debrief,
                input: decision(0, "hold", "Wait for Sam.", "Covered elsewhere.")
            }
        ),
    );
    let statuses = [a?.status, b?.status];
    ensure!(
        statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::CONFLICT),
        "{statuses:?}"
    );
    let page = app.call(&hm, GetDebrief { id: debrief }).await?.ok()?;
    ensure!(page.decisions.len() == 1, "{:?}", page.decisions);
    // Revise: no hire, with the rationale as the rejection reason; history kept.
    app.call(
        &hm,
        DecideDebrief {
            id: debrief,
            input: decision(
                1,
                "no_hire",
                "Communication concerns outweigh.",
                "Covered by the take-home exercise.",
            ),
        },
    )
    .await?
    .ok()?;
    let page = app.call(&hm, GetDebrief { id: debrief }).await?.ok()?;
    ensure!(
        page.decisions.len() == 2 && page.decisions[0].number == 2,
        "{:?}",
        page.decisions
    );
    ensure!(page.application_status == app::applications::ApplicationStatus::Rejected);
    let reason: Option<String> =
        sqlx::query_scalar("SELECT status_reason FROM applications WHERE id = $1")
            .bind(fx.maria_application)
            .fetch_one(&app.db)
            .await?;
    ensure!(
        reason.as_deref() == Some("Communication concerns outweigh."),
        "{reason:?}"
    );
    // A stale form (it saw one decision) is a conflict, not an overwrite.
    let stale = app
        .call(
            &hm,
            DecideDebrief {
                id: debrief,
                input: decision(1, "hire", "x", "y"),
            },
        )
        .await?;
    ensure!(stale.status == StatusCode::CONFLICT, "{}", stale.body);
    // Advance needs a later stage: the Debrief stage comes after the loop.
    let mut advance = decision(2, "advance", "Let the panel meet her.", "Covered.");
    advance.to_stage_id = fx.debrief_stage.to_string();
    app.call(
        &hm,
        DecideDebrief {
            id: debrief,
            input: advance,
        },
    )
    .await?
    .ok()?;
    let (status, moved_to): (String, i64) =
        sqlx::query_as("SELECT status, stage_id FROM applications WHERE id = $1")
            .bind(fx.maria_application)
            .fetch_one(&app.db)
            .await?;
    ensure!(
        status == "active" && moved_to == fx.debrief_stage,
        "{status} {moved_to}"
    );
    app.stop().await;
    Ok(())
}
