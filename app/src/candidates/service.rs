//! The rules for candidates.

use super::repo::{self, CandidateFields, CandidateRow};
use super::{
    CandidateApplication, CandidateDetail, CandidateFormData, CandidateInput, CandidateKind,
    CandidateSummary, CreateOutcome, InternalContext, Source,
};
use crate::access::{CandidateRead, CandidateScope, Planner, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::auth::CurrentUser;
use crate::db::{begin_write, unique_or, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::markdown;
use crate::paging::{PageNumber, Paged};
use crate::users::{service as users, PersonRef};
use crate::values::{parse_text, Email, Name};
use anyhow::Context;
use chrono::NaiveDate;
use serde_json::json;

use super::parse::{date_of, parse_links, parse_phone, parse_start_date, tenure, RESUME_TEXT_MAX};

/// A candidate's input after parsing.
pub struct ValidCandidate {
    name: Name,
    email: Email,
    phone: String,
    source: Source,
    links: Vec<String>,
    resume_text: String,
    internal: Option<ValidInternal>,
}

/// An internal candidate's context: current role, team, manager and start date.
struct ValidInternal {
    title: Name,
    team: Name,
    manager_id: i64,
    start: NaiveDate,
}

impl ValidCandidate {
    /// Parses the form; `today` bounds the start date.
    fn parse(input: &CandidateInput, today: NaiveDate) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.take("name", Name::parse(&input.name));
        let email = errors.take("email", Email::parse(&input.email));
        let phone = errors.take("phone", parse_phone(&input.phone));
        let links = errors.take("links", parse_links(&input.links));
        let resume_text = errors
            .take(
                "resume_text",
                parse_text(&input.resume_text, RESUME_TEXT_MAX, "the resume text"),
            )
            .unwrap_or_default();
        let kind = errors.take("kind", CandidateKind::parse(&input.kind));
        let internal = match kind {
            Some(CandidateKind::Internal) => {
                let title = errors.take(
                    "current_title",
                    Name::parse_labelled(&input.current_title, "their current role"),
                );
                let team = errors.take(
                    "current_team",
                    Name::parse_labelled(&input.current_team, "their current team"),
                );
                let manager_id = errors.take(
                    "current_manager_id",
                    input
                        .current_manager_id
                        .trim()
                        .parse::<i64>()
                        .map_err(|_| "Choose their current manager.".to_owned()),
                );
                let start = errors.take("start_date", parse_start_date(&input.start_date, today));
                match (title, team, manager_id, start) {
                    (Some(title), Some(team), Some(manager_id), Some(start)) => {
                        Some(Some(ValidInternal {
                            title,
                            team,
                            manager_id,
                            start,
                        }))
                    }
                    _ => None,
                }
            }
            Some(CandidateKind::External) => {
                // The internal track's fields do not apply, but a form without JavaScript
                // sends them all: whatever they hold must still be well-formed.
                for (field, value) in [
                    ("current_title", &input.current_title),
                    ("current_team", &input.current_team),
                ] {
                    if !value.trim().is_empty() {
                        errors.take(field, Name::parse(value));
                    }
                }
                if !input.current_manager_id.trim().is_empty() {
                    errors.take(
                        "current_manager_id",
                        input
                            .current_manager_id
                            .trim()
                            .parse::<i64>()
                            .map_err(|_| "Choose their current manager.".to_owned()),
                    );
                }
                if !input.start_date.trim().is_empty() {
                    errors.take("start_date", parse_start_date(&input.start_date, today));
                }
                Some(None)
            }
            None => None,
        };
        let source = match kind {
            Some(CandidateKind::Internal) => {
                if !input.source.trim().is_empty() {
                    errors.take("source", Source::parse(&input.source));
                }
                Some(Source::Internal)
            }
            _ => match Source::parse(&input.source) {
                Ok(Source::Internal) => {
                    errors.add(
                        "source",
                        "Internal transfers are added as internal candidates.",
                    );
                    None
                }
                other => errors.take("source", other),
            },
        };
        match (name, email, phone, links, internal, source) {
            (Some(name), Some(email), Some(phone), Some(links), Some(internal), Some(source))
                if errors.is_empty() =>
            {
                Ok(Self {
                    name,
                    email,
                    phone,
                    source,
                    links,
                    resume_text,
                    internal,
                })
            }
            _ => Err(errors),
        }
    }

    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    pub fn is_internal(&self) -> bool {
        self.internal.is_some()
    }

    fn links_text(&self) -> String {
        self.links.join("\n")
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "name": self.name.as_str(), "email": self.email.as_str(), "phone": self.phone,
            "source": self.source.as_str(), "links": self.links,
            "internal": self.internal.as_ref().map(|i| json!({
                "current_title": i.title.as_str(), "current_team": i.team.as_str(),
                "current_manager_id": i.manager_id, "start_date": i.start.to_string(),
            })),
        })
    }
}

/// Parses the form and checks that an internal candidate's manager is an account.
async fn validate(db: &Db, input: &CandidateInput, now: i64) -> AppResult<ValidCandidate> {
    let candidate = ValidCandidate::parse(input, date_of(now)).map_err(AppError::Invalid)?;
    if let Some(internal) = &candidate.internal {
        if users::person(db, internal.manager_id).await?.is_none() {
            return Err(AppError::invalid(
                "current_manager_id",
                "Choose their current manager.",
            ));
        }
    }
    Ok(candidate)
}

fn fields<'a>(
    c: &'a ValidCandidate,
    links: &'a str,
    start: Option<&'a str>,
) -> CandidateFields<'a> {
    CandidateFields {
        name: c.name.as_str(),
        email: c.email.as_str(),
        phone: &c.phone,
        source: c.source,
        links,
        resume_text: &c.resume_text,
        is_internal: c.internal.is_some(),
        current_title: c.internal.as_ref().map(|i| i.title.as_str()),
        current_team: c.internal.as_ref().map(|i| i.team.as_str()),
        current_manager_id: c.internal.as_ref().map(|i| i.manager_id),
        start_date: start,
    }
}

/// A new candidate, checked and ready to insert; or the record that already has the email.
pub enum Prepared {
    New(ValidCandidate),
    Existing(CreateOutcome),
}

/// Validates a new candidate and looks for a duplicate. A record the viewer may not see is
/// never revealed: external emails are unique among planners' shared pool, and an internal
/// candidate is only de-duplicated against records the viewer can see.
pub async fn prepare(
    db: &Db,
    planner: &Planner,
    input: &CandidateInput,
    now: i64,
) -> AppResult<Prepared> {
    let user = planner.user();
    let candidate = validate(db, input, now).await?;
    let visible = repo::visible_with_email(db, candidate.email.as_str(), user.id, user.is_admin())
        .await
        .context("looking for duplicates")?;
    if let Some(existing) = visible.into_iter().next() {
        return Ok(Prepared::Existing(CreateOutcome::Existing {
            id: existing.id,
            name: existing.name,
        }));
    }
    Ok(Prepared::New(candidate))
}

/// Inserts a prepared candidate inside the caller's transaction; returns its id.
pub async fn insert_in(
    conn: &mut sqlx::AnyConnection,
    planner: &Planner,
    candidate: &ValidCandidate,
    now: i64,
) -> AppResult<i64> {
    let links = candidate.links_text();
    let start = candidate.internal.as_ref().map(|i| i.start.to_string());
    let id = unique_or(
        repo::insert(
            &mut *conn,
            &fields(candidate, &links, start.as_deref()),
            planner.user().id,
            now,
        )
        .await,
        "adding the candidate",
        || {
            AppError::invalid(
                "email",
                "A candidate with this email was just added. Search for them.",
            )
        },
    )?;
    audit::record(
        &mut *conn,
        NewEntry::new(
            planner.actor_id(),
            "candidate",
            id,
            "create",
            format!(
                "Added {} candidate {}",
                if candidate.internal.is_some() {
                    "internal"
                } else {
                    "external"
                },
                candidate.name
            ),
        )
        .candidate(id)
        .after(candidate.snapshot()),
        now,
    )
    .await?;
    Ok(id)
}

/// Who may edit a candidate's record — who they are, how to reach them, internal or
/// external: admins, and the person who added the record while every application of the
/// candidate is to an opening they manage. Other hiring managers who see the candidate can
/// only add applications (so nobody can re-label someone else's candidate).
pub(super) async fn can_edit(db: &Db, user: &CurrentUser, row: &CandidateRow) -> AppResult<bool> {
    if user.is_admin() {
        return Ok(true);
    }
    if row.created_by != Some(user.id) {
        return Ok(false);
    }
    let lines = repo::applications(db, row.id)
        .await
        .context("loading applications")?;
    Ok(lines.iter().all(|l| l.hiring_manager_id == user.id))
}

/// A stored candidate as the audit log records it (the same shape as a parsed form).
fn row_snapshot(row: &CandidateRow) -> serde_json::Value {
    json!({
        "name": row.name, "email": row.email, "phone": row.phone,
        "source": row.source.as_str(), "links": row.links.lines().collect::<Vec<_>>(),
        "internal": row.is_internal.then(|| json!({
            "current_title": row.current_title, "current_team": row.current_team,
            "current_manager_id": row.current_manager_id, "start_date": row.start_date,
        })),
    })
}

pub(super) async fn find(db: &Db, id: i64) -> AppResult<CandidateRow> {
    repo::find(db, id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)
}

/// Edits a candidate's record (for those who may edit it).
pub async fn update(
    db: &Db,
    scope: &CandidateScope,
    input: &CandidateInput,
    now: i64,
) -> AppResult<()> {
    let id = scope.candidate_id();
    let before = find(db, id).await?;
    if !can_edit(db, scope.user(), &before).await? {
        return Err(AppError::Forbidden);
    }
    if !input.apply_to.trim().is_empty() {
        return Err(AppError::invalid(
            "apply_to",
            "Add the candidate to an opening from their page.",
        ));
    }
    let candidate = validate(db, input, now).await?;
    // Naming as current manager someone who hires for an opening the candidate applied to
    // would hide the candidacy from them: only an admin may record that.
    if let Some(internal) = &candidate.internal {
        let unchanged =
            before.is_internal && before.current_manager_id == Some(internal.manager_id);
        if !scope.user().is_admin() && !unchanged {
            let hiring_managers = repo::applications(db, id)
                .await
                .context("loading applications")?;
            if hiring_managers
                .iter()
                .any(|a| a.hiring_manager_id == internal.manager_id)
            {
                return Err(AppError::invalid(
                    "current_manager_id",
                    "This person hires for an opening the candidate applied to. Ask an admin to record them as the current manager.",
                ));
            }
        }
    }
    let links = candidate.links_text();
    let start = candidate.internal.as_ref().map(|i| i.start.to_string());
    let mut tx = begin_write(db).await?;
    unique_or(
        repo::update(
            &mut *tx,
            id,
            &fields(&candidate, &links, start.as_deref()),
            now,
        )
        .await,
        "updating the candidate",
        || AppError::invalid("email", "Another candidate already has this email."),
    )?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            scope.actor_id(),
            "candidate",
            id,
            "update",
            format!("Updated candidate {}", candidate.name),
        )
        .candidate(id)
        .before(row_snapshot(&before))
        .after(candidate.snapshot()),
        now,
    )
    .await?;
    tx.commit().await.context("committing the update")?;
    Ok(())
}

/// A candidate's record for someone allowed to see it, with the applications they may see.
pub async fn detail(db: &Db, scope: &CandidateScope, now: i64) -> AppResult<CandidateDetail> {
    let user = scope.user();
    let id = scope.candidate_id();
    let row = find(db, id).await?;
    let applications = repo::applications(db, id)
        .await
        .context("loading applications")?
        .into_iter()
        .filter(|a| user.is_admin() || a.hiring_manager_id == user.id)
        .map(|a| CandidateApplication {
            id: a.id,
            opening_id: a.opening_id,
            opening_title: a.opening_title,
            stage: a.stage,
            status: a.status.label().to_lowercase(),
        })
        .collect();
    let can_apply_to = repo::managed_openings(db, user.id, user.is_admin(), id)
        .await
        .context("listing openings")?
        .into_iter()
        .map(|o| PersonRef {
            id: o.id,
            name: o.title,
        })
        .collect();
    let can_edit = can_edit(db, user, &row).await?;
    let mut detail = candidate_view(row, now);
    detail.applications = applications;
    detail.can_edit = can_edit;
    detail.can_apply_to = can_apply_to;
    Ok(detail)
}

/// The parts of a candidate that interviewers and the application page share: who they are,
/// their resume and, for internal candidates, their current context (no applications).
pub async fn profile(db: &Db, scope: &impl CandidateRead, now: i64) -> AppResult<CandidateDetail> {
    Ok(candidate_view(find(db, scope.candidate_id()).await?, now))
}

/// The facts other rules need about a candidate.
#[derive(Debug, Clone)]
pub struct CandidateFacts {
    pub id: i64,
    pub name: String,
    pub is_internal: bool,
    /// An internal candidate's current manager (kept out of the candidacy).
    pub current_manager_id: Option<i64>,
}

pub async fn facts(db: &Db, scope: &impl CandidateRead) -> AppResult<CandidateFacts> {
    let row = find(db, scope.candidate_id()).await?;
    Ok(CandidateFacts {
        id: row.id,
        name: row.name,
        is_internal: row.is_internal,
        current_manager_id: row.current_manager_id.filter(|_| row.is_internal),
    })
}

fn candidate_view(row: CandidateRow, now: i64) -> CandidateDetail {
    let internal = if row.is_internal {
        let start = row.start_date.clone().unwrap_or_default();
        Some(InternalContext {
            current_title: row.current_title.clone().unwrap_or_default(),
            current_team: row.current_team.clone().unwrap_or_default(),
            current_manager_id: row.current_manager_id.unwrap_or_default(),
            current_manager: row.current_manager.clone().unwrap_or_default(),
            tenure: NaiveDate::parse_from_str(&start, "%Y-%m-%d")
                .map(|d| tenure(d, date_of(now)))
                .unwrap_or_default(),
            start_date: start,
        })
    } else {
        None
    };
    CandidateDetail {
        id: row.id,
        resume_html: markdown::to_safe_html(&row.resume_text),
        source: row.source,
        links: row.links.lines().map(ToOwned::to_owned).collect(),
        resume_pdf: row.resume_pdf_name.zip(row.resume_pdf_size),
        name: row.name,
        email: row.email,
        phone: row.phone,
        resume_text: row.resume_text,
        internal,
        applications: Vec::new(),
        can_edit: false,
        can_apply_to: Vec::new(),
    }
}

/// Candidates whose name or email contains `query`, among those the planner may see.
/// Candidates per page of the list.
pub const PAGE_SIZE: usize = 50;

pub async fn search(
    db: &Db,
    planner: &Planner,
    query: &str,
    page: PageNumber,
) -> AppResult<Paged<CandidateSummary>> {
    let user = planner.user();
    // Control characters can match nothing (and a NUL cannot even be sent to the database).
    let query: String = query
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let rows = repo::search(
        db,
        &query,
        user.id,
        user.is_admin(),
        i64::try_from(PAGE_SIZE + 1).unwrap_or(i64::MAX),
        page.offset(PAGE_SIZE),
    )
    .await
    .context("searching candidates")?;
    Ok(
        Paged::from_rows(rows, page, PAGE_SIZE).map(|r| CandidateSummary {
            id: r.id,
            name: r.name,
            email: r.email,
            is_internal: r.is_internal,
            source: r.source,
        }),
    )
}

async fn form(
    db: &Db,
    user: &CurrentUser,
    candidate: Option<CandidateDetail>,
) -> AppResult<CandidateFormData> {
    let openings = repo::managed_openings(db, user.id, user.is_admin(), 0)
        .await
        .context("listing openings")?
        .into_iter()
        .map(|o| PersonRef {
            id: o.id,
            name: o.title,
        })
        .collect();
    Ok(CandidateFormData {
        candidate,
        people: users::active_people(db).await?,
        openings,
    })
}

/// What the form for a new candidate needs.
pub async fn new_form(db: &Db, planner: &Planner) -> AppResult<CandidateFormData> {
    form(db, planner.user(), None).await
}

/// What the form for editing a candidate needs (for those who may edit it).
pub async fn edit_form(db: &Db, scope: &CandidateScope, now: i64) -> AppResult<CandidateFormData> {
    let detail = detail(db, scope, now).await?;
    if !detail.can_edit {
        return Err(AppError::Forbidden);
    }
    form(db, scope.user(), Some(detail)).await
}
