//! Who may see and do what. Every protected service function takes a proof from here.
//!
//! - Admins: everything.
//! - The hiring manager of an opening: everything on that opening.
//! - Interviewers: the kit of the (not cancelled) interviews they are assigned to.
//! - Other members: nothing.
//! - An internal candidate's current manager never learns of the candidacy — not in lists,
//!   searches, counts, kits or error messages — whatever other role they hold, unless they
//!   are an admin. Anything hidden answers exactly like something that does not exist.
//!
//! The `require_*` functions return a scope value (a proof) whose fields only this module
//! can set; service functions that read or write protected data take one as an argument,
//! so a new caller — a page, a background job — cannot skip the check by accident.
//! Background jobs use [`System`], an explicit scope of their own.

mod repo;
pub mod sql;

use crate::auth::CurrentUser;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use anyhow::Context;

pub use repo::ApplicationFacts;

/// What every scope can tell a service: who acts (for the audit log), in which time zone
/// they read times, and whose eyes internal candidacies are kept from.
pub trait Scope {
    /// The user acting, or `None` for the system itself.
    fn actor(&self) -> Option<&CurrentUser>;

    /// The acting user's id, as audit entries and history record it.
    fn actor_id(&self) -> Option<i64> {
        self.actor().map(|u| u.id)
    }

    /// The id to hide internal candidacies from: the viewer, unless they are an admin (or
    /// the system).
    fn hidden_from(&self) -> Option<i64> {
        self.actor().and_then(hidden_from)
    }

    /// The acting user's time zone (UTC for the system).
    fn timezone(&self) -> chrono_tz::Tz {
        self.actor()
            .map_or(chrono_tz::UTC, |u| crate::time::zone(&u.timezone))
    }
}

/// The id to hide internal candidacies from: the viewer, unless they are an admin.
pub fn hidden_from(user: &CurrentUser) -> Option<i64> {
    (!user.is_admin()).then_some(user.id)
}

macro_rules! user_scope {
    ($($name:ident),+) => {$(
        impl Scope for $name {
            fn actor(&self) -> Option<&CurrentUser> {
                Some(&self.user)
            }
        }

        impl $name {
            /// The signed-in user this proof is for.
            pub fn user(&self) -> &CurrentUser {
                &self.user
            }
        }
    )+};
}

/// A signed-in user acting on their own data (their account, their interviews). Lists read
/// through it show only what the user may see.
#[derive(Debug, Clone)]
pub struct Myself {
    user: CurrentUser,
}

/// Proof that the user is an admin.
#[derive(Debug, Clone)]
pub struct Admin {
    user: CurrentUser,
}

/// Proof that the user plans hiring: an admin or the hiring manager of some opening. Planners
/// create openings and candidates and read the skill-area list.
#[derive(Debug, Clone)]
pub struct Planner {
    user: CurrentUser,
}

/// Proof that the user manages an opening (its hiring manager, or an admin).
#[derive(Debug, Clone)]
pub struct OpeningScope {
    user: CurrentUser,
    opening_id: i64,
}

/// Proof that the user manages an application (the opening's hiring manager or an admin),
/// and that it is not hidden from them.
#[derive(Debug, Clone)]
pub struct ApplicationScope {
    user: CurrentUser,
    facts: ApplicationFacts,
}

/// Proof that the user may see a candidate's record.
#[derive(Debug, Clone)]
pub struct CandidateScope {
    user: CurrentUser,
    candidate_id: i64,
}

/// Proof that the user manages an interview (through its application).
#[derive(Debug, Clone)]
pub struct InterviewScope {
    application: ApplicationScope,
    interview_id: i64,
}

/// Proof that the user may read an interview's kit: one of its interviewers (while the
/// interview is not cancelled), or someone who manages its application.
#[derive(Debug, Clone)]
pub struct KitScope {
    user: CurrentUser,
    interview_id: i64,
    facts: ApplicationFacts,
    /// Reading as the hiring manager or an admin rather than as an interviewer.
    manages: bool,
}

/// Proof that the user may read a candidate's resume: their viewers, and the interviewers of
/// their (not cancelled) interviews.
#[derive(Debug, Clone)]
pub struct ResumeScope {
    user: CurrentUser,
    candidate_id: i64,
}

/// Proof that the user interviews in an interview (not cancelled, not hidden from them):
/// they write their own scorecard for it.
#[derive(Debug, Clone)]
pub struct AuthorScope {
    user: CurrentUser,
    interview_id: i64,
    assignment_id: i64,
    facts: ApplicationFacts,
}

/// Proof that the user may read a submitted scorecard: its author, the people who manage its
/// application, or another interviewer of the application whose own feedback is all in.
#[derive(Debug, Clone)]
pub struct ScorecardScope {
    user: CurrentUser,
    scorecard_id: i64,
    facts: ApplicationFacts,
    manages: bool,
}

/// Proof that the user may read a debrief: the people who manage its application, and its
/// participants once their own feedback on the application is all in.
#[derive(Debug, Clone)]
pub struct DebriefScope {
    user: CurrentUser,
    debrief_id: i64,
    facts: ApplicationFacts,
    manages: bool,
}

user_scope!(
    AuthorScope,
    ScorecardScope,
    DebriefScope,
    Myself,
    Admin,
    Planner,
    OpeningScope,
    ApplicationScope,
    CandidateScope,
    KitScope,
    ResumeScope
);

impl Scope for InterviewScope {
    fn actor(&self) -> Option<&CurrentUser> {
        self.application.actor()
    }
}

/// The system itself: background jobs and command-line tasks. It sees everything and acts as
/// no user; `job` names it in logs.
#[derive(Debug, Clone, Copy)]
pub struct System {
    job: &'static str,
}

impl System {
    /// The scope of a named background job or command.
    pub fn job(job: &'static str) -> Self {
        Self { job }
    }

    pub fn name(&self) -> &'static str {
        self.job
    }
}

impl Scope for System {
    fn actor(&self) -> Option<&CurrentUser> {
        None
    }
}

/// Any signed-in user may act on their own data.
pub fn myself(user: CurrentUser) -> Myself {
    Myself { user }
}

/// The user, if they are an admin.
pub fn require_admin(user: CurrentUser) -> AppResult<Admin> {
    if user.is_admin() {
        Ok(Admin { user })
    } else {
        Err(AppError::Forbidden)
    }
}

/// Hiring managers (of any opening) and admins plan.
pub async fn require_planner(db: &Db, user: CurrentUser) -> AppResult<Planner> {
    if user.is_admin()
        || repo::manages_any_opening(db, user.id)
            .await
            .context("checking hiring-manager role")?
    {
        Ok(Planner { user })
    } else {
        Err(AppError::Forbidden)
    }
}

/// Admins, and the opening's hiring manager, manage an opening. Anyone else is told it does
/// not exist — the same answer as for a made-up id, so ids cannot be probed.
pub async fn require_opening_manager(
    db: &Db,
    user: CurrentUser,
    opening_id: i64,
) -> AppResult<OpeningScope> {
    let manager = repo::opening_manager(db, opening_id)
        .await
        .context("loading the opening's manager")?;
    match manager {
        Some(manager) if user.is_admin() || manager == user.id => {
            Ok(OpeningScope { user, opening_id })
        }
        _ => Err(AppError::NotFound),
    }
}

/// The facts of an application, or "not found".
async fn facts_of(db: &Db, application_id: i64) -> AppResult<ApplicationFacts> {
    repo::application_facts(db, application_id)
        .await
        .context("loading the application's facts")?
        .ok_or(AppError::NotFound)
}

/// An interview's owner and the facts of its application, or "not found".
async fn interview_facts(
    db: &Db,
    interview_id: i64,
) -> AppResult<(repo::InterviewOwner, ApplicationFacts)> {
    let interview = repo::interview_application(db, interview_id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?;
    let facts = facts_of(db, interview.application_id).await?;
    Ok((interview, facts))
}

/// Admins and the opening's hiring manager manage an application — unless the candidate is
/// internal and the viewer is their current manager, in which case it does not exist.
pub async fn require_application_manager(
    db: &Db,
    user: CurrentUser,
    application_id: i64,
) -> AppResult<ApplicationScope> {
    let facts = facts_of(db, application_id).await?;
    if manages(&user, &facts) {
        Ok(ApplicationScope { user, facts })
    } else {
        Err(AppError::NotFound)
    }
}

fn manages(user: &CurrentUser, facts: &ApplicationFacts) -> bool {
    user.is_admin() || (!facts.hidden_from(user.id) && facts.hiring_manager_id == user.id)
}

/// Someone who manages the interview's application manages the interview.
pub async fn require_interview_manager(
    db: &Db,
    user: CurrentUser,
    interview_id: i64,
) -> AppResult<InterviewScope> {
    let application_id = repo::interview_application(db, interview_id)
        .await
        .context("loading the interview")?
        .ok_or(AppError::NotFound)?
        .application_id;
    let application = require_application_manager(db, user, application_id).await?;
    Ok(InterviewScope {
        application,
        interview_id,
    })
}

/// Who may see a candidate's record: admins; hiring managers see external candidates (the
/// shared pool) and internal ones who applied to an opening they manage; never the internal
/// candidate's current manager.
pub async fn require_candidate_viewer(
    db: &Db,
    user: CurrentUser,
    candidate_id: i64,
) -> AppResult<CandidateScope> {
    let visible = repo::candidate_visible(db, candidate_id, user.id, user.is_admin())
        .await
        .context("checking candidate visibility")?;
    if visible {
        Ok(CandidateScope { user, candidate_id })
    } else {
        Err(AppError::NotFound)
    }
}

/// The interviewers of an interview that is not cancelled, and the people who manage its
/// application, may read its kit. Anyone else finds nothing.
pub async fn require_kit_reader(
    db: &Db,
    user: CurrentUser,
    interview_id: i64,
) -> AppResult<KitScope> {
    let (interview, facts) = interview_facts(db, interview_id).await?;
    let manages = manages(&user, &facts);
    let interviews = interview.status != crate::interviews::InterviewStatus::Cancelled
        && !facts.hidden_from(user.id)
        && repo::is_assigned(db, interview_id, user.id)
            .await
            .context("checking the assignment")?;
    if manages || interviews {
        Ok(KitScope {
            user,
            interview_id,
            facts,
            manages,
        })
    } else {
        Err(AppError::NotFound)
    }
}

/// An interview's interviewers write their scorecards for it (not once it is cancelled,
/// and never an internal candidate's current manager). Anyone else finds nothing.
pub async fn require_scorecard_author(
    db: &Db,
    user: CurrentUser,
    interview_id: i64,
) -> AppResult<AuthorScope> {
    let (interview, facts) = interview_facts(db, interview_id).await?;
    if interview.status == crate::interviews::InterviewStatus::Cancelled
        || facts.hidden_from(user.id)
    {
        return Err(AppError::NotFound);
    }
    let assignment_id = repo::assignment_of(db, interview_id, user.id)
        .await
        .context("checking the assignment")?
        .ok_or(AppError::NotFound)?;
    Ok(AuthorScope {
        user,
        interview_id,
        assignment_id,
        facts,
    })
}

/// True when the user interviews in the application and all their feedback on it is in —
/// the condition for reading anyone else's (no anchoring).
async fn feedback_all_in(db: &Db, user: &CurrentUser, facts: &ApplicationFacts) -> AppResult<bool> {
    if facts.hidden_from(user.id) {
        return Ok(false);
    }
    Ok(repo::feedback_all_in(db, facts.application_id, user.id)
        .await
        .context("checking the reader's own feedback")?)
}

/// True when all of the author's feedback on the application is in, so that they may read
/// the other interviewers' scorecards.
pub async fn author_may_read_others(db: &Db, scope: &AuthorScope) -> AppResult<bool> {
    feedback_all_in(db, &scope.user, &scope.facts).await
}

/// A submitted scorecard is read by its author, by whoever manages the application, and by
/// the application's other interviewers once all their own feedback on it is submitted.
/// Drafts are their author's alone. Anyone else finds nothing.
pub async fn require_scorecard_reader(
    db: &Db,
    user: CurrentUser,
    scorecard_id: i64,
) -> AppResult<ScorecardScope> {
    let owner = repo::scorecard_owner(db, scorecard_id)
        .await
        .context("loading the scorecard")?
        .ok_or(AppError::NotFound)?;
    let facts = facts_of(db, owner.application_id).await?;
    let author = owner.user_id == user.id && !facts.hidden_from(user.id);
    let manages = manages(&user, &facts);
    let allowed =
        author || (owner.status.is_in() && (manages || feedback_all_in(db, &user, &facts).await?));
    if allowed {
        Ok(ScorecardScope {
            user,
            scorecard_id,
            facts,
            manages,
        })
    } else {
        Err(AppError::NotFound)
    }
}

/// A debrief is read by whoever manages its application, and by its participants once all
/// their own feedback on the application is submitted.
pub async fn require_debrief_reader(
    db: &Db,
    user: CurrentUser,
    debrief_id: i64,
) -> AppResult<DebriefScope> {
    let (application_id, participant) = repo::debrief_of(db, debrief_id, user.id)
        .await
        .context("loading the debrief")?
        .ok_or(AppError::NotFound)?;
    let facts = facts_of(db, application_id).await?;
    let manages = manages(&user, &facts);
    let allowed = manages || (participant > 0 && feedback_all_in(db, &user, &facts).await?);
    if allowed {
        Ok(DebriefScope {
            user,
            debrief_id,
            facts,
            manages,
        })
    } else {
        Err(AppError::NotFound)
    }
}

/// Who may read a candidate's resume: their viewers, and interviewers of their loops.
pub async fn require_resume_reader(
    db: &Db,
    user: CurrentUser,
    candidate_id: i64,
) -> AppResult<ResumeScope> {
    let viewer = repo::candidate_visible(db, candidate_id, user.id, user.is_admin())
        .await
        .context("checking candidate visibility")?;
    let allowed = viewer
        || repo::interviews_candidate(db, user.id, candidate_id)
            .await
            .context("checking interview assignments")?;
    if allowed {
        Ok(ResumeScope { user, candidate_id })
    } else {
        Err(AppError::NotFound)
    }
}

impl OpeningScope {
    pub fn opening_id(&self) -> i64 {
        self.opening_id
    }
}

impl ApplicationScope {
    pub fn application_id(&self) -> i64 {
        self.facts.application_id
    }

    pub fn opening_id(&self) -> i64 {
        self.facts.opening_id
    }

    pub fn candidate_id(&self) -> i64 {
        self.facts.candidate_id
    }

    /// Whoever manages an application manages its opening.
    pub fn opening(&self) -> OpeningScope {
        OpeningScope {
            user: self.user.clone(),
            opening_id: self.facts.opening_id,
        }
    }

    /// Whoever manages an application may see its candidate.
    pub fn candidate(&self) -> CandidateScope {
        CandidateScope {
            user: self.user.clone(),
            candidate_id: self.facts.candidate_id,
        }
    }
}

impl InterviewScope {
    pub fn interview_id(&self) -> i64 {
        self.interview_id
    }

    pub fn application(&self) -> &ApplicationScope {
        &self.application
    }
}

impl CandidateScope {
    pub fn candidate_id(&self) -> i64 {
        self.candidate_id
    }
}

impl KitScope {
    pub fn interview_id(&self) -> i64 {
        self.interview_id
    }

    pub fn application_id(&self) -> i64 {
        self.facts.application_id
    }

    pub fn candidate_id(&self) -> i64 {
        self.facts.candidate_id
    }

    pub fn opening_id(&self) -> i64 {
        self.facts.opening_id
    }

    /// Reading as someone who manages the application (not as one of its interviewers).
    pub fn manages(&self) -> bool {
        self.manages
    }
}

impl AuthorScope {
    pub fn interview_id(&self) -> i64 {
        self.interview_id
    }

    pub fn assignment_id(&self) -> i64 {
        self.assignment_id
    }

    pub fn application_id(&self) -> i64 {
        self.facts.application_id
    }

    pub fn opening_id(&self) -> i64 {
        self.facts.opening_id
    }

    pub fn candidate_id(&self) -> i64 {
        self.facts.candidate_id
    }
}

impl ScorecardScope {
    pub fn scorecard_id(&self) -> i64 {
        self.scorecard_id
    }

    pub fn application_id(&self) -> i64 {
        self.facts.application_id
    }

    /// Reading as someone who manages the application (who also reads private notes).
    pub fn manages(&self) -> bool {
        self.manages
    }
}

impl DebriefScope {
    pub fn debrief_id(&self) -> i64 {
        self.debrief_id
    }

    pub fn application_id(&self) -> i64 {
        self.facts.application_id
    }

    pub fn opening_id(&self) -> i64 {
        self.facts.opening_id
    }

    pub fn candidate_id(&self) -> i64 {
        self.facts.candidate_id
    }

    /// The proof of managing the application, when the reader manages it (deciding needs it).
    pub fn manager(&self) -> Option<ApplicationScope> {
        self.manages.then(|| ApplicationScope {
            user: self.user.clone(),
            facts: self.facts.clone(),
        })
    }
}

impl ResumeScope {
    pub fn candidate_id(&self) -> i64 {
        self.candidate_id
    }
}

/// Proofs that let a service read one candidate's profile (name, resume, internal context).
pub trait CandidateRead: Scope {
    fn candidate_id(&self) -> i64;
}

impl CandidateRead for CandidateScope {
    fn candidate_id(&self) -> i64 {
        self.candidate_id
    }
}

impl CandidateRead for ApplicationScope {
    fn candidate_id(&self) -> i64 {
        self.facts.candidate_id
    }
}

impl CandidateRead for DebriefScope {
    fn candidate_id(&self) -> i64 {
        self.facts.candidate_id
    }
}

impl CandidateRead for KitScope {
    fn candidate_id(&self) -> i64 {
        self.facts.candidate_id
    }
}
