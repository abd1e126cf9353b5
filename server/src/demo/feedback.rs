//! Demo feedback: the openings' scorecard questions; on Maria's loop two submitted scorecards
//! that disagree on Communication by two steps, Ivan's draft, and a debrief the day after
//! his interview — so the debrief page shows everything at once.

use super::{app_error, application_scope, demo_user, opening_scope};
use anyhow::Context;
use app::access;
use app::db::Db;
use app::debriefs::DebriefInput;
use app::scorecards::{
    service as scorecards, AnswerInput, QuestionInput, QuestionsInput, ScorecardInput, SkillInput,
};
use app::values::Checkbox;

/// The questions every demo scorecard asks.
const QUESTIONS: [(&str, bool); 3] = [
    ("Can they program?", false),
    ("Are they curious, can they learn?", true),
    ("Can they communicate?", false),
];

/// What one interviewer writes: (skill area, rating, evidence) and the rest.
struct Written {
    email: &'static str,
    ratings: &'static [(&'static str, &'static str, &'static str)],
    answers: [&'static str; 3],
    star: [&'static str; 4],
    overall: &'static str,
    resume_gaps: &'static str,
    candidate_questions: &'static str,
    private_note: &'static str,
    submit: bool,
}

const PRIYA: Written = Written {
    email: "priya@hireloop.test",
    ratings: &[
        ("Data modelling", "strong_yes", "Modelled shipments, stops and time windows from scratch; put the time window on the stop, not the route, and explained why re-planning needs it there. Added a partial index for open routes unprompted."),
        ("Communication", "strong_yes", "Drew the model while talking, checked twice that I followed, and summarised the trade-offs in two sentences at the end."),
    ],
    answers: [
        "Yes: wrote the SQL for the schema and a migration that backfills the new column in batches.",
        "",
        "Very clearly, see Communication.",
    ],
    star: [
        "Her team inherited a routing service nobody understood.",
        "Make it safe to change before a peak season.",
        "Read the code for a week, wrote down the data flow, added property tests around the planner.",
        "Two releases without incident; the tests caught a time-zone bug before peak.",
    ],
    overall: "strong_yes",
    resume_gaps: "Six months between Northwind and Finch: she took time off to move countries; nothing to follow up.",
    candidate_questions: "How on-call works; how we decide between building and buying.",
    private_note: "",
    submit: true,
};

const TOM: Written = Written {
    email: "tom@hireloop.test",
    ratings: &[(
        "Communication",
        "no",
        "Talked over two of my questions and went deep into partitioning when I asked how she would explain a delay to a customer. Did not check whether I followed.",
    )],
    answers: [
        "",
        "",
        "To engineers, yes; to a non-technical audience she struggled.",
    ],
    star: [
        "A customer-facing incident at Finch.",
        "Explain the outage to the customer's operations lead.",
        "Sent the engineering post-mortem as it was.",
        "The customer escalated; her manager rewrote the message.",
    ],
    overall: "yes",
    resume_gaps: "",
    candidate_questions: "Whether the team works with support directly.",
    private_note: "Strong engineer; I would pair her with someone from support for the first month.",
    submit: true,
};

const IVAN: Written = Written {
    email: "ivan@hireloop.test",
    ratings: &[(
        "Back-end",
        "",
        "Prep: ask how the route planner handles a stop that moves between shards.",
    )],
    answers: ["", "", ""],
    star: ["", "", "", ""],
    overall: "",
    resume_gaps: "",
    candidate_questions: "",
    private_note: "",
    submit: false,
};

pub async fn seed(
    db: &Db,
    openings: &[i64],
    maria: i64,
    loop_stage: i64,
    now: i64,
) -> anyhow::Result<()> {
    for opening in openings {
        let manager: String = sqlx::query_scalar(
            "SELECT u.email FROM openings o JOIN users u ON u.id = o.hiring_manager_id WHERE o.id = $1",
        )
        .bind(opening)
        .fetch_one(db)
        .await
        .context("finding the demo opening's manager")?;
        let manager: &'static str = if manager == "quinn@hireloop.test" {
            "quinn@hireloop.test"
        } else {
            "hannah@hireloop.test"
        };
        let scope = opening_scope(db, manager, *opening).await?;
        let input = QuestionsInput {
            questions: QUESTIONS
                .iter()
                .map(|(prompt, behavioural)| QuestionInput {
                    id: String::new(),
                    prompt: (*prompt).into(),
                    behavioural: Checkbox(*behavioural),
                })
                .collect(),
        };
        scorecards::save_questions(db, &scope, &input, now)
            .await
            .map_err(app_error("adding the demo scorecard questions"))?;
    }
    for written in [PRIYA, TOM, IVAN] {
        write(db, maria, &written, now).await?;
    }
    let hannah = demo_user(db, "hannah@hireloop.test").await?;
    let tz = app::time::zone(&hannah.timezone);
    let (day, _) = app::time::local_parts(now + 4 * 86_400, tz);
    let mut participants = Vec::new();
    for email in [
        "ivan@hireloop.test",
        "priya@hireloop.test",
        "tom@hireloop.test",
    ] {
        participants.push(demo_user(db, email).await?.id);
    }
    let input = DebriefInput {
        stage_id: loop_stage.to_string(),
        date: day,
        start_time: "15:00".into(),
        end_time: "15:30".into(),
        timezone: hannah.timezone.clone(),
        location: "https://meet.hireloop.test/debrief".into(),
        participants,
    };
    let scope = application_scope(db, "hannah@hireloop.test", maria).await?;
    app::debriefs::service::schedule(db, &scope, &input, now)
        .await
        .map_err(app_error("scheduling the demo debrief"))?;
    Ok(())
}

async fn write(db: &Db, application: i64, written: &Written, now: i64) -> anyhow::Result<()> {
    let user = demo_user(db, written.email).await?;
    let interview: i64 = sqlx::query_scalar(
        "SELECT i.id FROM interviews i JOIN interview_assignments ia ON ia.interview_id = i.id \
         WHERE i.application_id = $1 AND ia.user_id = $2 ORDER BY i.starts_at LIMIT 1",
    )
    .bind(application)
    .bind(user.id)
    .fetch_one(db)
    .await
    .context("finding the demo interview")?;
    let scope = access::require_scorecard_author(db, user, interview)
        .await
        .map_err(app_error("acting as the demo interviewer"))?;
    let page = scorecards::page(db, &scope, now)
        .await
        .map_err(app_error("loading the demo scorecard"))?;
    let skills = page
        .draft
        .skills
        .iter()
        .map(|s| {
            let (rating, evidence) = written
                .ratings
                .iter()
                .find(|(name, ..)| *name == s.skill_area)
                .map_or(("", ""), |(_, r, e)| (*r, *e));
            SkillInput {
                skill_area_id: s.skill_area_id.to_string(),
                rating: rating.into(),
                evidence: evidence.into(),
            }
        })
        .collect();
    let answers = page
        .draft
        .answers
        .iter()
        .zip(written.answers)
        .map(|(a, text)| {
            let star = if a.behavioural { written.star } else { [""; 4] };
            AnswerInput {
                question_id: a.question_id.to_string(),
                answer: if a.behavioural {
                    String::new()
                } else {
                    text.into()
                },
                situation: star[0].into(),
                task: star[1].into(),
                action: star[2].into(),
                result: star[3].into(),
            }
        })
        .collect();
    let input = ScorecardInput {
        revision: page.revision.to_string(),
        intent: if written.submit { "submit" } else { "draft" }.into(),
        skills,
        answers,
        overall: written.overall.into(),
        resume_gaps: written.resume_gaps.into(),
        candidate_questions: written.candidate_questions.into(),
        notes: page.draft.notes.clone(),
        private_note: written.private_note.into(),
        acknowledge: Checkbox(true),
    };
    scorecards::save(db, &scope, &input, now)
        .await
        .map_err(app_error("writing a demo scorecard"))?;
    Ok(())
}
