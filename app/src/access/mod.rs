//! Who may see and do what. Every server function asks here before it reads or writes.
//!
//! - Admins: everything.
//! - The hiring manager of an opening: everything on that opening.
//! - Interviewers: the kit of the interviews they are assigned to, nothing else.
//! - Other members: nothing.
//! - An internal candidate's current manager never learns of the candidacy — not in lists,
//!   searches, counts, kits or error messages — whatever other role they hold, unless they
//!   are an admin. Anything hidden answers exactly like something that does not exist.

pub mod repo;

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use anyhow::Context;

/// The id to hide internal candidacies from: the viewer, unless they are an admin.
pub fn hidden_from(user: &CurrentUser) -> Option<i64> {
    (!user.is_admin()).then_some(user.id)
}

/// Hiring managers (of any opening) and admins may plan: create openings and candidates,
/// read the skill area list.
pub async fn require_planner(db: &Db, user: &CurrentUser) -> AppResult<()> {
    if user.is_admin()
        || repo::manages_any_opening(db, user.id)
            .await
            .context("checking hiring-manager role")?
    {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Admins, and the opening's hiring manager, manage an opening.
pub async fn require_opening_manager(
    db: &Db,
    user: &CurrentUser,
    opening_id: i64,
) -> AppResult<()> {
    let manager = repo::opening_manager(db, opening_id)
        .await
        .context("loading the opening's manager")?
        .ok_or(AppError::NotFound)?;
    if user.is_admin() || manager == user.id {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The facts about an application that decide who may touch it.
#[derive(Debug, Clone)]
pub struct ApplicationScope {
    pub application_id: i64,
    pub opening_id: i64,
    pub candidate_id: i64,
}

/// Admins and the opening's hiring manager manage an application — unless the candidate is
/// internal and the viewer is their current manager, in which case it does not exist.
pub async fn require_application_manager(
    db: &Db,
    user: &CurrentUser,
    application_id: i64,
) -> AppResult<ApplicationScope> {
    let row = repo::application_facts(db, application_id)
        .await
        .context("loading the application's facts")?
        .ok_or(AppError::NotFound)?;
    if user.is_admin() {
        return Ok(row.scope());
    }
    if row.hidden_from(user.id) || row.hiring_manager_id != user.id {
        return Err(AppError::NotFound);
    }
    Ok(row.scope())
}

/// Who may see a candidate's record: admins; hiring managers see external candidates (the
/// shared pool) and internal ones who applied to an opening they manage; never the internal
/// candidate's current manager.
pub async fn require_candidate_viewer(
    db: &Db,
    user: &CurrentUser,
    candidate_id: i64,
) -> AppResult<()> {
    let visible = repo::candidate_visible(db, candidate_id, user.id, user.is_admin())
        .await
        .context("checking candidate visibility")?;
    if visible {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Who may read a candidate's resume: their viewers, and interviewers of their loops.
pub async fn require_resume_reader(
    db: &Db,
    user: &CurrentUser,
    candidate_id: i64,
) -> AppResult<()> {
    if require_candidate_viewer(db, user, candidate_id)
        .await
        .is_ok()
    {
        return Ok(());
    }
    let assigned = repo::interviews_candidate(db, user.id, candidate_id)
        .await
        .context("checking interview assignments")?;
    if assigned {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
