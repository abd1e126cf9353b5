//! The rules for candidates.

use super::repo::{self, CandidateFields, CandidateRow};
use super::{
    CandidateApplication, CandidateDetail, CandidateFormData, CandidateSummary, CreateOutcome,
    InternalContext, Source, RESUME_PDF_MAX_BYTES,
};
use crate::access;
use crate::audit::repo::{self as audit, NewEntry};
use crate::auth::CurrentUser;
use crate::db::{now, unique_or, Db};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::markdown;
use crate::openings::PersonRef;
use crate::users::repo as users;
use crate::values::{Email, Name};
use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use serde_json::json;

/// The longest pasted resume accepted (characters).
pub const RESUME_TEXT_MAX: usize = 100_000;
const LINKS_MAX: usize = 10;

/// "3 years, 2 months" between `start` and `today`.
pub fn tenure(start: NaiveDate, today: NaiveDate) -> String {
    let mut months = (today.year() - start.year()) * 12 + i32::try_from(today.month()).unwrap_or(0)
        - i32::try_from(start.month()).unwrap_or(0);
    if today.day() < start.day() {
        months -= 1;
    }
    let months = months.max(0);
    let (years, months) = (months / 12, months % 12);
    let part = |n: i32, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let parts: Vec<String> = [
        part(years, "year", "years"),
        part(months, "month", "months"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "less than a month".into()
    } else {
        parts.join(", ")
    }
}

/// Parses the links field: one `http(s)://` URL per line.
pub fn parse_links(raw: &str) -> Result<Vec<String>, String> {
    let links: Vec<String> = raw
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(ToOwned::to_owned)
        .collect();
    if links.len() > LINKS_MAX {
        return Err(format!("Add at most {LINKS_MAX} links."));
    }
    for link in &links {
        let valid = (link.starts_with("https://") || link.starts_with("http://"))
            && link.len() <= 500
            && link.len() > "https://".len()
            && !link.chars().any(char::is_whitespace);
        if !valid {
            return Err(format!(
                "{link} is not a web address (one https://… link per line)."
            ));
        }
    }
    Ok(links)
}

/// Parses an optional phone number.
pub fn parse_phone(raw: &str) -> Result<String, String> {
    let phone = raw.trim();
    let valid = phone.len() <= 40
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./x".contains(c));
    if valid {
        Ok(phone.to_owned())
    } else {
        Err("Enter a phone number with digits, spaces and + ( ) - . only.".into())
    }
}

/// Parses an internal candidate's start date (not in the future).
pub fn parse_start_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| "Enter the start date like 2023-04-01.".to_owned())?;
    if date > today {
        return Err("The start date cannot be in the future.".into());
    }
    if date.year() < 1950 {
        return Err("Check the start date.".into());
    }
    Ok(date)
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// What the candidate form sends.
#[derive(Debug, Clone, Default)]
pub struct CandidateInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    /// `external` or `internal`
    pub kind: String,
    pub source: String,
    pub links: String,
    pub resume_text: String,
    pub current_title: String,
    pub current_team: String,
    pub current_manager_id: String,
    pub start_date: String,
}

/// A candidate's input after validation.
pub struct ValidCandidate {
    name: Name,
    email: Email,
    phone: String,
    source: Source,
    links: Vec<String>,
    resume_text: String,
    internal: Option<(Name, Name, i64, NaiveDate)>,
}

impl ValidCandidate {
    fn links_text(&self) -> String {
        self.links.join("\n")
    }

    fn snapshot(&self) -> serde_json::Value {
        json!({
            "name": self.name.as_str(), "email": self.email.as_str(), "phone": self.phone,
            "source": self.source.as_str(), "links": self.links,
            "internal": self.internal.as_ref().map(|(title, team, manager, start)| json!({
                "current_title": title.as_str(), "current_team": team.as_str(),
                "current_manager_id": manager, "start_date": start.to_string(),
            })),
        })
    }
}

async fn validate(db: &Db, input: &CandidateInput) -> AppResult<ValidCandidate> {
    let mut errors = FieldErrors::new();
    let name = errors.take("name", Name::parse(&input.name));
    let email = errors.take("email", Email::parse(&input.email));
    let phone = errors.take("phone", parse_phone(&input.phone));
    let links = errors.take("links", parse_links(&input.links));
    let resume_text = input.resume_text.trim().to_owned();
    if resume_text.chars().count() > RESUME_TEXT_MAX {
        errors.add(
            "resume_text",
            format!("The resume text can be at most {RESUME_TEXT_MAX} characters."),
        );
    }
    let internal = match input.kind.as_str() {
        "internal" => {
            let title = errors.take(
                "current_title",
                Name::parse_labelled(&input.current_title, "their current role"),
            );
            let team = errors.take(
                "current_team",
                Name::parse_labelled(&input.current_team, "their current team"),
            );
            let manager = match input.current_manager_id.trim().parse::<i64>() {
                Ok(id)
                    if users::find_by_id(db, id)
                        .await
                        .context("loading the manager")?
                        .is_some() =>
                {
                    Some(id)
                }
                _ => {
                    errors.add("current_manager_id", "Choose their current manager.");
                    None
                }
            };
            let start = errors.take("start_date", parse_start_date(&input.start_date, today()));
            match (title, team, manager, start) {
                (Some(t), Some(m), Some(id), Some(s)) => Some(Some((t, m, id, s))),
                _ => None,
            }
        }
        "external" => Some(None),
        _ => {
            errors.add("kind", "Choose external or internal.");
            None
        }
    };
    let source = if input.kind == "internal" {
        Some(Source::Internal)
    } else {
        match Source::parse(&input.source) {
            Ok(Source::Internal) => {
                errors.add(
                    "source",
                    "Internal transfers are added as internal candidates.",
                );
                None
            }
            other => errors.take("source", other),
        }
    };
    errors.finish()?;
    match (name, email, phone, links, internal, source) {
        (Some(name), Some(email), Some(phone), Some(links), Some(internal), Some(source)) => {
            Ok(ValidCandidate {
                name,
                email,
                phone,
                source,
                links,
                resume_text,
                internal,
            })
        }
        _ => Err(AppError::Unexpected),
    }
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
        source: c.source.as_str(),
        links,
        resume_text: &c.resume_text,
        is_internal: c.internal.is_some(),
        current_title: c.internal.as_ref().map(|i| i.0.as_str()),
        current_team: c.internal.as_ref().map(|i| i.1.as_str()),
        current_manager_id: c.internal.as_ref().map(|i| i.2),
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
pub async fn prepare(db: &Db, user: &CurrentUser, input: &CandidateInput) -> AppResult<Prepared> {
    access::require_planner(db, user).await?;
    let candidate = validate(db, input).await?;
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

/// Inserts a prepared candidate inside `tx`; returns its id.
pub async fn insert_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user: &CurrentUser,
    candidate: &ValidCandidate,
) -> AppResult<i64> {
    let links = candidate.links_text();
    let start = candidate.internal.as_ref().map(|i| i.3.to_string());
    let id = unique_or(
        repo::insert(
            &mut **tx,
            &fields(candidate, &links, start.as_deref()),
            user.id,
            now(),
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
        &mut **tx,
        NewEntry::new(
            user,
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
        now(),
    )
    .await
    .context("auditing the candidate")?;
    Ok(id)
}

impl ValidCandidate {
    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    pub fn is_internal(&self) -> bool {
        self.internal.is_some()
    }
}

async fn can_edit(db: &Db, user: &CurrentUser, row: &CandidateRow) -> AppResult<bool> {
    if user.is_admin() || row.created_by == Some(user.id) {
        return Ok(true);
    }
    let lines = repo::applications(db, row.id)
        .await
        .context("loading applications")?;
    Ok(lines.iter().any(|l| l.hiring_manager_id == user.id))
}

pub async fn update(db: &Db, user: &CurrentUser, id: i64, input: &CandidateInput) -> AppResult<()> {
    access::require_candidate_viewer(db, user, id).await?;
    let before = repo::find(db, id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)?;
    if !can_edit(db, user, &before).await? {
        return Err(AppError::Forbidden);
    }
    let candidate = validate(db, input).await?;
    let links = candidate.links_text();
    let start = candidate.internal.as_ref().map(|i| i.3.to_string());
    let mut tx = db.begin().await.context("starting a candidate update")?;
    unique_or(
        repo::update(
            &mut *tx,
            id,
            &fields(&candidate, &links, start.as_deref()),
            now(),
        )
        .await,
        "updating the candidate",
        || AppError::invalid("email", "Another candidate already has this email."),
    )?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            user,
            "candidate",
            id,
            "update",
            format!("Updated candidate {}", candidate.name),
        )
        .candidate(id)
        .before(
            json!({"name": before.name, "email": before.email, "phone": before.phone,
                "source": before.source, "current_manager_id": before.current_manager_id}),
        )
        .after(candidate.snapshot()),
        now(),
    )
    .await
    .context("auditing the update")?;
    tx.commit().await.context("committing the update")?;
    Ok(())
}

/// A candidate's record for someone allowed to see it.
pub async fn detail(db: &Db, user: &CurrentUser, id: i64) -> AppResult<CandidateDetail> {
    access::require_candidate_viewer(db, user, id).await?;
    let row = repo::find(db, id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)?;
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
            status: a.status,
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
    let mut detail = candidate_view(row);
    detail.applications = applications;
    detail.can_edit = can_edit;
    detail.can_apply_to = can_apply_to;
    Ok(detail)
}

/// The parts of a candidate that interviewers and viewers share (no applications).
pub fn candidate_view(row: CandidateRow) -> CandidateDetail {
    let internal = if row.is_internal {
        let start = row.start_date.clone().unwrap_or_default();
        Some(InternalContext {
            current_title: row.current_title.clone().unwrap_or_default(),
            current_team: row.current_team.clone().unwrap_or_default(),
            current_manager_id: row.current_manager_id.unwrap_or_default(),
            current_manager: row.current_manager.clone().unwrap_or_default(),
            tenure: NaiveDate::parse_from_str(&start, "%Y-%m-%d")
                .map(|d| tenure(d, today()))
                .unwrap_or_default(),
            start_date: start,
        })
    } else {
        None
    };
    CandidateDetail {
        id: row.id,
        resume_html: markdown::to_safe_html(&row.resume_text),
        source: Source::parse(&row.source).unwrap_or(Source::Sourced),
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

pub async fn search(db: &Db, user: &CurrentUser, query: &str) -> AppResult<Vec<CandidateSummary>> {
    access::require_planner(db, user).await?;
    let rows = repo::search(db, query.trim(), user.id, user.is_admin(), 100)
        .await
        .context("searching candidates")?;
    Ok(rows
        .into_iter()
        .map(|r| CandidateSummary {
            id: r.id,
            name: r.name,
            email: r.email,
            is_internal: r.is_internal,
            source: Source::parse(&r.source).unwrap_or(Source::Sourced),
        })
        .collect())
}

pub async fn form_data(
    db: &Db,
    user: &CurrentUser,
    id: Option<i64>,
) -> AppResult<CandidateFormData> {
    access::require_planner(db, user).await?;
    let candidate = match id {
        Some(id) => {
            let detail = detail(db, user, id).await?;
            if !detail.can_edit {
                return Err(AppError::Forbidden);
            }
            Some(detail)
        }
        None => None,
    };
    let people = crate::openings::repo::active_people(db)
        .await
        .context("listing people")?
        .into_iter()
        .map(|p| PersonRef {
            id: p.id,
            name: p.name,
        })
        .collect();
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
        people,
        openings,
    })
}

/// Checks an uploaded resume: a PDF by its signature, within the size limit.
pub fn check_pdf(bytes: &[u8]) -> Result<(), String> {
    if bytes.is_empty() {
        return Err("Choose a PDF file to upload.".into());
    }
    if bytes.len() > RESUME_PDF_MAX_BYTES {
        return Err(format!(
            "The PDF is larger than {} MB.",
            RESUME_PDF_MAX_BYTES / (1024 * 1024)
        ));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err("That file is not a PDF.".into());
    }
    Ok(())
}

/// A file name safe to show and to send back in a header.
pub fn clean_file_name(raw: &str) -> String {
    let name: String = raw
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " ._-()".contains(*c))
        .take(120)
        .collect();
    let name = name.trim().to_owned();
    if name.is_empty() {
        "resume.pdf".into()
    } else {
        name
    }
}

/// Stores an uploaded PDF resume.
pub async fn store_pdf(
    db: &Db,
    user: &CurrentUser,
    id: i64,
    file_name: &str,
    bytes: Vec<u8>,
) -> AppResult<()> {
    access::require_candidate_viewer(db, user, id).await?;
    let row = repo::find(db, id)
        .await
        .context("loading the candidate")?
        .ok_or(AppError::NotFound)?;
    if !can_edit(db, user, &row).await? {
        return Err(AppError::Forbidden);
    }
    check_pdf(&bytes).map_err(|m| AppError::invalid("resume", m))?;
    let name = clean_file_name(file_name);
    let size = bytes.len();
    let mut tx = db.begin().await.context("starting the upload")?;
    repo::set_resume_pdf(&mut *tx, id, &name, bytes, now())
        .await
        .context("storing the resume")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            user,
            "candidate",
            id,
            "upload_resume",
            format!("Uploaded resume {name} for {}", row.name),
        )
        .candidate(id)
        .after(json!({"file": name, "bytes": size})),
        now(),
    )
    .await
    .context("auditing the upload")?;
    tx.commit().await.context("committing the upload")?;
    Ok(())
}

/// The PDF resume, for someone allowed to read it.
pub async fn load_pdf(db: &Db, user: &CurrentUser, id: i64) -> AppResult<(String, Vec<u8>)> {
    access::require_resume_reader(db, user, id).await?;
    let row = repo::resume_pdf(db, id)
        .await
        .context("loading the resume")?
        .ok_or(AppError::NotFound)?;
    match (row.resume_pdf, row.resume_pdf_name) {
        (Some(bytes), Some(name)) => Ok((name, bytes)),
        _ => Err(AppError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn tenure_reads_naturally() {
        assert_eq!(
            tenure(date("2023-03-01"), date("2026-05-15")),
            "3 years, 2 months"
        );
        assert_eq!(tenure(date("2025-11-20"), date("2026-11-19")), "11 months");
        assert_eq!(tenure(date("2025-11-20"), date("2026-11-20")), "1 year");
        assert_eq!(
            tenure(date("2026-11-01"), date("2026-11-20")),
            "less than a month"
        );
    }

    #[test]
    fn links_are_web_addresses_one_per_line() {
        assert_eq!(
            parse_links(" https://github.com/ada \n\nhttp://ada.dev\n"),
            Ok(vec![
                "https://github.com/ada".to_owned(),
                "http://ada.dev".to_owned()
            ])
        );
        assert!(parse_links("javascript:alert(1)").is_err());
        assert!(parse_links("github.com/ada").is_err());
        assert!(parse_links(&"https://x.dev\n".repeat(11)).is_err());
    }

    #[test]
    fn phones_and_start_dates_are_checked() {
        assert_eq!(
            parse_phone(" +49 (30) 123-456 "),
            Ok("+49 (30) 123-456".into())
        );
        assert!(parse_phone("call me maybe").is_err());
        assert!(parse_start_date("2031-01-01", date("2026-11-23")).is_err());
        assert!(parse_start_date("01/02/2020", date("2026-11-23")).is_err());
        assert_eq!(
            parse_start_date("2020-02-01", date("2026-11-23")),
            Ok(date("2020-02-01"))
        );
    }

    #[test]
    fn uploads_must_be_small_real_pdfs() {
        assert!(check_pdf(b"%PDF-1.7\n...").is_ok());
        assert_eq!(
            check_pdf(b"PK\x03\x04 zip"),
            Err("That file is not a PDF.".into())
        );
        assert!(check_pdf(b"").is_err());
        let mut big = b"%PDF-1.7".to_vec();
        big.resize(RESUME_PDF_MAX_BYTES + 1, b' ');
        assert!(check_pdf(&big).is_err());
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(
            clean_file_name("C:\\Users\\ada\\CV 2026.pdf"),
            "CV 2026.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("\"><script>.pdf"), "script.pdf");
        assert_eq!(clean_file_name(""), "resume.pdf");
    }
}
