//! PDF resumes: checking an upload, storing it (in the database, so that every server
//! instance can serve it) and reading it back for the people allowed to.

use super::repo;
use super::service::{can_edit, find};
use super::{ResumeProblem, RESUME_PDF_MAX_BYTES};
use crate::access::{CandidateScope, ResumeScope, Scope};
use crate::audit::service::{self as audit, NewEntry};
use crate::db::{begin_write, Db};
use crate::error::{AppError, AppResult};
use anyhow::Context;
use serde_json::json;

/// Checks an uploaded resume: a PDF by its signature, within the size limit.
pub fn check_pdf(bytes: &[u8]) -> Result<(), ResumeProblem> {
    if bytes.is_empty() {
        return Err(ResumeProblem::Missing);
    }
    if bytes.len() > RESUME_PDF_MAX_BYTES {
        return Err(ResumeProblem::TooLarge);
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(ResumeProblem::NotPdf);
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

/// Stores an uploaded PDF resume (for those who may edit the candidate).
pub async fn store_pdf(
    db: &Db,
    scope: &CandidateScope,
    file_name: &str,
    bytes: Vec<u8>,
    now: i64,
) -> AppResult<()> {
    let id = scope.candidate_id();
    let row = find(db, id).await?;
    if !can_edit(db, scope.user(), &row).await? {
        return Err(AppError::Forbidden);
    }
    // The upload handler turns the problem's code back into its message on the page.
    check_pdf(&bytes).map_err(|p| AppError::invalid("resume", p.as_str()))?;
    let name = clean_file_name(file_name);
    let size = bytes.len();
    let mut tx = begin_write(db).await?;
    repo::set_resume_pdf(&mut tx, id, &name, bytes, now)
        .await
        .context("storing the resume")?;
    audit::record(
        &mut *tx,
        NewEntry::new(
            scope.actor_id(),
            "candidate",
            id,
            "upload_resume",
            format!("Uploaded resume {name} for {}", row.name),
        )
        .candidate(id)
        .after(json!({"file": name, "bytes": size})),
        now,
    )
    .await?;
    tx.commit().await.context("committing the upload")?;
    Ok(())
}

/// The PDF resume, for someone allowed to read it.
pub async fn load_pdf(db: &Db, scope: &ResumeScope) -> AppResult<(String, Vec<u8>)> {
    let row = repo::resume_pdf(db, scope.candidate_id())
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

    #[test]
    fn uploads_must_be_small_real_pdfs() {
        assert!(check_pdf(b"%PDF-1.7\n...").is_ok());
        assert_eq!(check_pdf(b"PK\x03\x04 zip"), Err(ResumeProblem::NotPdf));
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
