//! Writing messages out. A claimed batch's facts are read in a few queries (never one per
//! message), each message is described once as blocks and rendered twice — a plain-text
//! part and a simple HTML part — with times in the recipient's zone (named) and links from
//! the public URL. The last checks happen here too: a reminder for an interview that moved
//! or was cancelled, a nudge for a scorecard that is in, a short reminder its recipient
//! switched off, anything to a deactivated account or the candidate's current manager —
//! none of them goes out.

use super::ics::{self, Invite, Method};
use super::render::{html, minutes, text, Block};
use super::repo::{Claimed, Content};
use super::transport::{Mailer, Outgoing};
use super::MailKind;
use crate::db::{placeholders, Db, Flag};
use crate::time;
use sqlx::FromRow;
use std::collections::HashMap;

/// What to do with a claimed row.
#[derive(Debug)]
pub enum Prepared {
    Send(Box<Outgoing>, Box<Content>),
    /// Not sent, and never will be (the reason is kept).
    Skip(String),
    /// The row's data cannot make a message (kept as failed, with why).
    Fail(String),
}

/// Rows `SELECT`ed with `sql`, whose `{ids}` is replaced by the placeholders of `ids`.
async fn by_ids<T>(db: &Db, sql: &str, ids: &[i64]) -> sqlx::Result<Vec<T>>
where
    T: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = sql.replace("{ids}", &placeholders(1, ids.len()));
    let mut query = sqlx::query_as(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query.fetch_all(db).await
}

fn unique(ids: impl Iterator<Item = Option<i64>>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.flatten().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[derive(Debug, Clone, FromRow)]
struct Person {
    id: i64,
    name: String,
    email: String,
    timezone: String,
    #[sqlx(try_from = "Flag")]
    active: bool,
    #[sqlx(try_from = "Flag")]
    short_reminders: bool,
}

#[derive(Debug, Clone, FromRow)]
struct Interview {
    id: i64,
    title: String,
    starts_at: i64,
    ends_at: i64,
    location: String,
    status: String,
    calendar_sequence: i64,
    candidate: String,
    manager_id: Option<i64>,
    opening: String,
}

#[derive(Debug, Clone, FromRow)]
struct Assignment {
    id: i64,
    interview_id: i64,
    name: String,
    challenge: Option<String>,
    scorecard: Option<String>,
}

#[derive(Debug, Clone, FromRow)]
struct Debrief {
    id: i64,
    starts_at: i64,
    duration_minutes: i64,
    location: String,
    candidate: String,
    opening: String,
    stage: String,
    manager_id: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
struct Application {
    id: i64,
    candidate: String,
    opening: String,
    manager_id: Option<i64>,
}

/// The facts a batch needs.
#[derive(Default)]
struct Facts {
    people: HashMap<i64, Person>,
    interviews: HashMap<i64, Interview>,
    assignments: Vec<Assignment>,
    skills: HashMap<i64, Vec<String>>,
    agenda: HashMap<i64, Vec<(String, i64)>>,
    debriefs: HashMap<i64, Debrief>,
    participants: HashMap<i64, Vec<String>>,
    applications: HashMap<i64, Application>,
    stages: HashMap<i64, String>,
}

async fn load(db: &Db, rows: &[Claimed]) -> sqlx::Result<Facts> {
    let interview_ids = unique(rows.iter().map(|r| r.interview_id));
    let debrief_ids = unique(rows.iter().map(|r| r.debrief_id));
    let application_ids = unique(
        rows.iter()
            .filter(|r| r.kind == MailKind::StageComplete)
            .map(|r| r.application_id),
    );
    let stage_ids = unique(rows.iter().map(|r| r.stage_id));
    let mut facts = Facts::default();
    let interviews: Vec<Interview> = by_ids(
        db,
        "SELECT i.id, i.title, i.starts_at, i.ends_at, i.location, i.status, i.calendar_sequence, \
         c.name AS candidate, c.current_manager_id AS manager_id, o.title AS opening \
         FROM interviews i JOIN applications a ON a.id = i.application_id \
         JOIN candidates c ON c.id = a.candidate_id JOIN openings o ON o.id = a.opening_id \
         WHERE i.id IN ({ids})",
        &interview_ids,
    )
    .await?;
    facts.interviews = interviews.into_iter().map(|i| (i.id, i)).collect();
    facts.assignments = by_ids(
        db,
        "SELECT ia.id, ia.interview_id, u.name, ch.title AS challenge, s.status AS scorecard \
         FROM interview_assignments ia JOIN users u ON u.id = ia.user_id \
         LEFT JOIN challenges ch ON ch.id = ia.challenge_id \
         LEFT JOIN scorecards s ON s.assignment_id = ia.id \
         WHERE ia.interview_id IN ({ids}) ORDER BY ia.interview_id, u.name, ia.id",
        &interview_ids,
    )
    .await?;
    let assignment_ids: Vec<i64> = facts.assignments.iter().map(|a| a.id).collect();
    let skills: Vec<(i64, String)> = by_ids(
        db,
        "SELECT a.assignment_id, s.name FROM assignment_skill_areas a \
         JOIN skill_areas s ON s.id = a.skill_area_id WHERE a.assignment_id IN ({ids}) ORDER BY s.name",
        &assignment_ids,
    )
    .await?;
    for (assignment, name) in skills {
        facts.skills.entry(assignment).or_default().push(name);
    }
    let agenda: Vec<(i64, String, i64)> = by_ids(
        db,
        "SELECT interview_id, title, minutes FROM agenda_items WHERE interview_id IN ({ids}) \
         ORDER BY interview_id, position, id",
        &interview_ids,
    )
    .await?;
    for (interview, title, minutes) in agenda {
        facts
            .agenda
            .entry(interview)
            .or_default()
            .push((title, minutes));
    }
    let debriefs: Vec<Debrief> = by_ids(
        db,
        "SELECT d.id, d.starts_at, d.duration_minutes, d.location, c.name AS candidate, \
         o.title AS opening, s.name AS stage, c.current_manager_id AS manager_id \
         FROM debriefs d JOIN applications a ON a.id = d.application_id \
         JOIN candidates c ON c.id = a.candidate_id JOIN openings o ON o.id = a.opening_id \
         JOIN stages s ON s.id = d.stage_id WHERE d.id IN ({ids})",
        &debrief_ids,
    )
    .await?;
    facts.debriefs = debriefs.into_iter().map(|d| (d.id, d)).collect();
    let participants: Vec<(i64, String)> = by_ids(
        db,
        "SELECT p.debrief_id, u.name FROM debrief_participants p JOIN users u ON u.id = p.user_id \
         WHERE p.debrief_id IN ({ids}) ORDER BY u.name",
        &debrief_ids,
    )
    .await?;
    for (debrief, name) in participants {
        facts.participants.entry(debrief).or_default().push(name);
    }
    let applications: Vec<Application> = by_ids(
        db,
        "SELECT a.id, c.name AS candidate, o.title AS opening, c.current_manager_id AS manager_id \
         FROM applications a JOIN candidates c ON c.id = a.candidate_id \
         JOIN openings o ON o.id = a.opening_id WHERE a.id IN ({ids})",
        &application_ids,
    )
    .await?;
    facts.applications = applications.into_iter().map(|a| (a.id, a)).collect();
    let stages: Vec<(i64, String)> = by_ids(
        db,
        "SELECT id, name FROM stages WHERE id IN ({ids})",
        &stage_ids,
    )
    .await?;
    facts.stages = stages.into_iter().collect();
    let people_ids = unique(rows.iter().map(|r| r.recipient_id));
    let people: Vec<Person> = by_ids(
        db,
        "SELECT id, name, email, timezone, active, short_reminders FROM users WHERE id IN ({ids})",
        &people_ids,
    )
    .await?;
    facts.people = people.into_iter().map(|p| (p.id, p)).collect();
    Ok(facts)
}

/// Everything composing needs besides the facts.
pub struct Context<'a> {
    pub mailer: &'a Mailer,
    /// The public URL, without a trailing slash.
    pub base: &'a str,
    pub now: i64,
}

struct Message {
    subject: String,
    blocks: Vec<Block>,
    calendar: Option<(String, Method)>,
}

fn footer(base: &str) -> Block {
    Block::Para(format!(
        "You get this email because of your part in a hiring loop. Your reminder settings: {base}/account"
    ))
}

fn interview_facts(interview: &Interview, tz: chrono_tz::Tz) -> Vec<(String, String)> {
    let mut facts = vec![
        ("Candidate".to_owned(), interview.candidate.clone()),
        ("Role".to_owned(), interview.opening.clone()),
        ("Interview".to_owned(), interview.title.clone()),
        (
            "When".to_owned(),
            time::range(interview.starts_at, interview.ends_at, tz),
        ),
    ];
    if !interview.location.is_empty() {
        facts.push(("Where".to_owned(), interview.location.clone()));
    }
    facts
}

fn interview_message(
    row: &Claimed,
    facts: &Facts,
    person: &Person,
    ctx: &Context<'_>,
) -> Result<Message, Prepared> {
    let stop = |reason: &str| Err(Prepared::Skip(reason.to_owned()));
    let Some(interview) = row.interview_id.and_then(|id| facts.interviews.get(&id)) else {
        return Err(Prepared::Fail("The interview no longer exists.".into()));
    };
    if interview.manager_id == Some(person.id) {
        return stop("The recipient is the candidate's current manager.");
    }
    let cancelled = interview.status == "cancelled";
    match row.kind {
        MailKind::Cancelled => {}
        _ if cancelled => return stop("The interview was cancelled."),
        MailKind::Prep | MailKind::Short | MailKind::Moved | MailKind::Overdue
            if interview.calendar_sequence != row.sequence =>
        {
            return stop("The interview was moved; the new time has its own reminders.");
        }
        _ => {}
    }
    let tz = time::zone(&person.timezone);
    let mine = facts
        .assignments
        .iter()
        .find(|a| Some(a.id) == row.assignment_id);
    let Some(mine) = mine else {
        return stop("The recipient is no longer on the interview panel.");
    };
    let kit = format!("{}/interviews/{}/kit", ctx.base, interview.id);
    let when = time::datetime(interview.starts_at, tz);
    let hello = Block::Para(format!("Hello {},", person.name));
    let message = match row.kind {
        MailKind::Prep | MailKind::Moved => {
            let skills = facts.skills.get(&mine.id).cloned().unwrap_or_default();
            let others: Vec<String> = facts
                .assignments
                .iter()
                .filter(|a| a.interview_id == interview.id && a.id != mine.id)
                .map(|a| {
                    let focus = facts.skills.get(&a.id).map(|s| s.join(", ")).unwrap_or_default();
                    if focus.is_empty() {
                        a.name.clone()
                    } else {
                        format!("{} — {focus}", a.name)
                    }
                })
                .collect();
            let mut blocks = vec![hello];
            blocks.push(Block::Para(if row.kind == MailKind::Moved {
                format!("Your interview with {} has moved. The new time is below; the calendar invite attached updates the event in your calendar.", interview.candidate)
            } else {
                format!("You interview {} on {when}. Here is what to prepare; the calendar invite is attached.", interview.candidate)
            }));
            blocks.push(Block::Facts(interview_facts(interview, tz)));
            blocks.push(Block::Heading("Your focus".into()));
            blocks.push(if skills.is_empty() {
                Block::Para("No skill area is assigned to you; ask the hiring manager.".into())
            } else {
                Block::Items(skills)
            });
            if let Some(items) = facts.agenda.get(&interview.id) {
                let total: i64 = items.iter().map(|i| i.1).sum();
                blocks.push(Block::Heading(format!("Agenda ({})", minutes(total))));
                blocks.push(Block::Items(
                    items.iter().map(|(title, m)| format!("{} — {title}", minutes(*m))).collect(),
                ));
            }
            if let Some(challenge) = &mine.challenge {
                blocks.push(Block::Facts(vec![("Coding challenge".into(), challenge.clone())]));
            }
            blocks.push(Block::Heading("Other interviewers".into()));
            blocks.push(if others.is_empty() {
                Block::Para("You interview alone.".into())
            } else {
                Block::Items(others)
            });
            blocks.push(Block::Link("Open the interview kit".into(), kit));
            Message {
                subject: if row.kind == MailKind::Moved {
                    format!("Moved: interview with {}, now {when}", interview.candidate)
                } else {
                    format!("Prepare: interview with {}, {when}", interview.candidate)
                },
                blocks,
                calendar: Some((ics_description(interview, &mine.name), Method::Request)),
            }
        }
        MailKind::Short => {
            if !person.short_reminders {
                return stop("The recipient switched short reminders off.");
            }
            let until = (interview.starts_at - ctx.now).max(0) / 60;
            Message {
                subject: format!("In {}: interview with {}", minutes(until.max(1)), interview.candidate),
                blocks: vec![
                    hello,
                    Block::Para(format!("Your interview with {} starts soon.", interview.candidate)),
                    Block::Facts(interview_facts(interview, tz)),
                    Block::Link("Open the interview kit".into(), kit),
                    Block::Link(
                        "Run the interview (live agenda)".into(),
                        format!("{}/interviews/{}/live", ctx.base, interview.id),
                    ),
                ],
                calendar: None,
            }
        }
        MailKind::Cancelled => Message {
            subject: format!("Cancelled: interview with {}, {when}", interview.candidate),
            blocks: vec![
                hello,
                Block::Para(format!(
                    "Your interview with {} on {when} is cancelled. The calendar invite attached removes it from your calendar.",
                    interview.candidate
                )),
                Block::Facts(interview_facts(interview, tz)),
            ],
            calendar: Some((ics_description(interview, &mine.name), Method::Cancel)),
        },
        MailKind::Overdue => {
            if matches!(mine.scorecard.as_deref(), Some("submitted" | "amended")) {
                return stop("The scorecard was submitted.");
            }
            Message {
                subject: format!("Feedback overdue: {} ({})", interview.candidate, interview.title),
                blocks: vec![
                    hello,
                    Block::Para(format!(
                        "Your interview with {} ended {}. Your scorecard is not in yet, and the debrief waits for it: write it while the interview is fresh.",
                        interview.candidate,
                        time::datetime(interview.ends_at, tz)
                    )),
                    Block::Link(
                        "Write your scorecard".into(),
                        format!("{}/interviews/{}/scorecard", ctx.base, interview.id),
                    ),
                    Block::Para(format!(
                        "Reminder {} of at most {}; they stop when your scorecard is submitted.",
                        row.nudge,
                        super::settings::MAX_NUDGES
                    )),
                ],
                calendar: None,
            }
        }
        _ => return Err(Prepared::Fail("Not an interview email.".into())),
    };
    Ok(message)
}

fn ics_description(interview: &Interview, interviewer: &str) -> String {
    format!(
        "Interview with {} for {} ({}). Interviewer: {interviewer}.",
        interview.candidate, interview.opening, interview.title
    )
}

fn debrief_message(
    row: &Claimed,
    facts: &Facts,
    person: &Person,
    ctx: &Context<'_>,
) -> Result<Message, Prepared> {
    let Some(debrief) = row.debrief_id.and_then(|id| facts.debriefs.get(&id)) else {
        return Err(Prepared::Fail("The debrief no longer exists.".into()));
    };
    if debrief.manager_id == Some(person.id) {
        return Err(Prepared::Skip(
            "The recipient is the candidate's current manager.".into(),
        ));
    }
    let tz = time::zone(&person.timezone);
    let ends = debrief.starts_at + debrief.duration_minutes * 60;
    let when = time::range(debrief.starts_at, ends, tz);
    let mut facts_block = vec![
        ("Candidate".to_owned(), debrief.candidate.clone()),
        ("Role".to_owned(), debrief.opening.clone()),
        ("Stage".to_owned(), debrief.stage.clone()),
        ("When".to_owned(), when.clone()),
    ];
    if !debrief.location.is_empty() {
        facts_block.push(("Where".to_owned(), debrief.location.clone()));
    }
    let participants = facts
        .participants
        .get(&debrief.id)
        .cloned()
        .unwrap_or_default();
    Ok(Message {
        subject: format!("Debrief: {} for {}, {}", debrief.candidate, debrief.opening, time::datetime(debrief.starts_at, tz)),
        blocks: vec![
            Block::Para(format!("Hello {},", person.name)),
            Block::Para(format!(
                "You are invited to the debrief of {} ({}). If your scorecard is not in yet, submit it before the debrief: the others' feedback opens to you once yours is in.",
                debrief.candidate, debrief.stage
            )),
            Block::Facts(facts_block),
            Block::Heading("Participants".into()),
            Block::Items(participants),
            Block::Link("Open the debrief".into(), format!("{}/debriefs/{}", ctx.base, debrief.id)),
        ],
        calendar: None,
    })
}

fn stage_complete_message(
    row: &Claimed,
    facts: &Facts,
    person: &Person,
    ctx: &Context<'_>,
) -> Result<Message, Prepared> {
    let Some(application) = row
        .application_id
        .and_then(|id| facts.applications.get(&id))
    else {
        return Err(Prepared::Fail("The application no longer exists.".into()));
    };
    if application.manager_id == Some(person.id) {
        return Err(Prepared::Skip(
            "The recipient is the candidate's current manager.".into(),
        ));
    }
    let stage = row
        .stage_id
        .and_then(|id| facts.stages.get(&id))
        .cloned()
        .unwrap_or_else(|| "the stage".to_owned());
    Ok(Message {
        subject: format!("All feedback is in: {}, {stage}", application.candidate),
        blocks: vec![
            Block::Para(format!("Hello {},", person.name)),
            Block::Para(format!(
                "Every interviewer of {} in {stage} ({}) has submitted their scorecard. The debrief can decide.",
                application.candidate, application.opening
            )),
            Block::Link(
                "Open the application".into(),
                format!("{}/applications/{}", ctx.base, application.id),
            ),
        ],
        calendar: None,
    })
}

/// Writes out the claimed rows (reusing what an earlier attempt wrote), or says why not.
pub async fn prepare(db: &Db, rows: &[Claimed], ctx: &Context<'_>) -> sqlx::Result<Vec<Prepared>> {
    let fresh: Vec<Claimed> = rows
        .iter()
        .filter(|r| r.subject.is_empty())
        .cloned()
        .collect();
    let facts = load(db, &fresh).await?;
    Ok(rows
        .iter()
        .map(|row| prepare_one(row, &facts, ctx))
        .collect())
}

fn prepare_one(row: &Claimed, facts: &Facts, ctx: &Context<'_>) -> Prepared {
    let calendar_of = |row: &Claimed| {
        row.attachment.clone().map(|content| {
            let method = if row.kind == MailKind::Cancelled {
                "CANCEL"
            } else {
                "REQUEST"
            };
            (
                row.attachment_name
                    .clone()
                    .unwrap_or_else(|| "invite.ics".into()),
                content,
                method.to_owned(),
            )
        })
    };
    if !row.subject.is_empty() {
        return Prepared::Send(
            Box::new(Outgoing {
                to: row.recipient.clone(),
                to_name: String::new(),
                subject: row.subject.clone(),
                text: row.body_text.clone(),
                html: row.body_html.clone(),
                calendar: calendar_of(row),
                message_key: row.message_id.clone(),
            }),
            Box::default(),
        );
    }
    let Some(person) = row.recipient_id.and_then(|id| facts.people.get(&id)) else {
        return Prepared::Fail("The recipient's account no longer exists.".into());
    };
    if !person.active {
        return Prepared::Skip("The recipient's account is deactivated.".into());
    }
    let message = match row.kind {
        MailKind::Prep
        | MailKind::Short
        | MailKind::Moved
        | MailKind::Cancelled
        | MailKind::Overdue => interview_message(row, facts, person, ctx),
        MailKind::Debrief => debrief_message(row, facts, person, ctx),
        MailKind::StageComplete => stage_complete_message(row, facts, person, ctx),
        MailKind::Test => Err(Prepared::Fail(
            "A test email is sent from the admin page only.".into(),
        )),
    };
    let message = match message {
        Ok(message) => message,
        Err(prepared) => return prepared,
    };
    let mut blocks = message.blocks;
    blocks.push(footer(ctx.base));
    let calendar = message.calendar.and_then(|(description, method)| {
        let interview = row.interview_id.and_then(|id| facts.interviews.get(&id))?;
        let url = format!("{}/interviews/{}/kit", ctx.base, interview.id);
        let organizer = ctx.mailer.from_address();
        let summary = format!("Interview: {} ({})", interview.candidate, interview.title);
        let invite = Invite {
            uid: ics::uid(
                interview.id,
                row.assignment_id.unwrap_or_default(),
                ctx.mailer.host(),
            ),
            sequence: interview.calendar_sequence,
            starts_at: interview.starts_at,
            ends_at: interview.ends_at,
            summary: &summary,
            description: &description,
            location: &interview.location,
            url: &url,
            organizer: Some(&organizer),
            attendee: Some(&person.email),
        };
        Some((
            "invite.ics".to_owned(),
            ics::calendar(&[invite], method, None, ctx.now),
            method.as_str().to_owned(),
        ))
    });
    let content = Content {
        recipient: person.email.clone(),
        subject: message.subject,
        body_text: text(&blocks),
        body_html: html(&blocks),
        attachment_name: calendar.as_ref().map(|c| c.0.clone()),
        attachment: calendar.as_ref().map(|c| c.1.clone()),
    };
    Prepared::Send(
        Box::new(Outgoing {
            to: person.email.clone(),
            to_name: person.name.clone(),
            subject: content.subject.clone(),
            text: content.body_text.clone(),
            html: content.body_html.clone(),
            calendar,
            message_key: row.message_id.clone(),
        }),
        Box::new(content),
    )
}
