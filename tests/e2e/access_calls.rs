//! The permission matrix's calls: every server function (and the resume routes) with
//! arguments that succeed for an allowed caller, who may call it, and what it does.

use crate::access::{
    call, download_call, upload_call, Call, Role, ADMINS, EVERYONE, OPENING_MANAGERS, PLANNERS,
    SIGNED_IN,
};
use crate::access::{Admin, Anonymous, HiringManager, Interviewer, Manager, Member};
use anyhow::Context;
use app::applications::api::{
    ApplyCandidate, GetApplication, GetBoard, GetOpeningPage, MoveApplication, SetApplicationStatus,
};
use app::applications::{ApplyInput, BoardQuery, MoveInput, StatusInput};
use app::audit::api::ListAudit;
use app::auth::api::{GetCurrentUser, NeedsSetup, PasswordLinkOwner, SetupForm};
use app::candidates::api::{
    CandidateForm, CreateCandidate, GetCandidate, SearchCandidates, UpdateCandidate,
};
use app::candidates::CandidateInput;
use app::dashboard::GetDashboard;
use app::interviews::api::{
    CancelInterview, GetInterview, GetKit, GetMyInterviews, RescheduleInterview, ScheduleForm,
    ScheduleInterview,
};
use app::interviews::{CancelInput, RescheduleInput};
use app::openings::api::{
    AddStage, AddTemplate, CopyPlan, CreateOpening, DeleteStage, DeleteTemplate, GetOpening,
    GetPlan, ListOpenings, MoveStage, OpeningAudit, OpeningForm, SetTemplateAgenda, UpdateOpening,
    UpdateStage,
};
use app::openings::{
    CopyPlanInput, OpeningInput, StageInput, StageUpdateInput, TemplateAgendaInput, TemplateInput,
};
use app::paging::PageNumber;
use app::skills::api::{
    CreateSkillArea, DeleteSkillArea, ListSkillAreas, RenameSkillArea, SetSkillAreaArchived,
};
use app::skills::SkillAreaInput;
use app::users::api::{
    CreateUser, GetAccount, GetUserEdit, IssuePasswordLink, ListUsers, NewUserForm, SetUserActive,
    UpdateMyTimezone, UpdateUser,
};
use app::users::{NewUserInput, ProfileInput, TimezoneInput};
use app::values::Checkbox;
use hireloop_tests::fixture::{actor, app_error, external, schedule, schedule_input};
use hireloop_tests::{Fixture, TestApp};

/// Every server function, with arguments that succeed for an allowed caller. Writes get a
/// fresh target per role, so that each allowed role's call has something to change.
pub(crate) async fn calls_for(
    app: &TestApp,
    fx: &Fixture,
    role: Role,
    n: i64,
) -> anyhow::Result<Vec<Call>> {
    use crate::access::Effect::{Reads, Writes};
    if role == crate::access::Submitted {
        return crate::access_scorecards::calls(app, fx, role, n).await;
    }
    let db = &app.db;
    let now = app.clock.now();
    let admin = app::access::require_admin(actor(app, &fx.people.admin).await?)
        .map_err(app_error("admin"))?;
    let fresh_skill = app::skills::service::create(
        db,
        &admin,
        &SkillAreaInput {
            name: format!("Temporary {n}"),
        },
        now,
    )
    .await
    .map_err(app_error("a fresh skill area"))?;
    let backend_scope =
        hireloop_tests::fixture::opening_scope(app, &fx.people.admin, fx.backend).await?;
    let fresh_stage = app::openings::service::add_stage(
        db,
        &backend_scope,
        &StageInput {
            name: format!("Spare {n}"),
            kind: "review".into(),
            skip_for_internal: Checkbox(false),
        },
        now,
    )
    .await
    .map_err(app_error("a fresh stage"))?;
    let loop_stage = app::openings::service::managed_stage(
        db,
        actor(app, &fx.people.admin).await?,
        fx.loop_stage,
    )
    .await
    .map_err(app_error("the loop stage"))?;
    let fresh_template = app::openings::service::add_template(
        db,
        &loop_stage,
        &TemplateInput {
            name: format!("Extra {n}"),
            duration_minutes: "30".into(),
            skills: vec![fx.skills.product],
            agenda_template_id: String::new(),
        },
        now,
    )
    .await
    .map_err(app_error("a fresh template"))?;
    let throwaway = schedule(
        app,
        &fx.people.hiring_manager,
        fx.maria_application,
        &schedule_input(
            &fx.loop_templates[2],
            &app.day(10 + n),
            "08:00",
            "08:45",
            &[(fx.people.tom.id, &[fx.skills.communication])],
        ),
    )
    .await
    .map_err(app_error("a throwaway interview"))?;
    // A fresh candidate to apply, and a fresh application to move and withdraw.
    let hm_plans = hireloop_tests::fixture::planner(app, &fx.people.hiring_manager).await?;
    let (fresh_candidate, _) = app::applications::service::create_and_apply(
        db,
        &hm_plans,
        &external(&format!("Fresh {n}"), &format!("fresh{n}@example.com")),
        now,
    )
    .await
    .map_err(app_error("a fresh candidate"))?;
    let app::candidates::CreateOutcome::Created {
        id: fresh_candidate,
    } = fresh_candidate
    else {
        anyhow::bail!("the fresh candidate existed");
    };
    let (_, fresh_application) = app::applications::service::create_and_apply(
        db,
        &hm_plans,
        &CandidateInput {
            apply_to: fx.backend.to_string(),
            ..external(&format!("Mover {n}"), &format!("mover{n}@example.com"))
        },
        now,
    )
    .await
    .map_err(app_error("a fresh application"))?;
    let fresh_application = fresh_application.context("applied")?;
    // An opening without a plan, to copy one into.
    let fresh_opening = app::openings::service::create(
        db,
        &hireloop_tests::fixture::planner(app, &fx.people.admin).await?,
        &OpeningInput {
            title: format!("Empty {n}"),
            team: "Team".into(),
            level: "Junior".into(),
            location: "Remote".into(),
            description: String::new(),
            hiring_manager_id: fx.people.hiring_manager.id.to_string(),
            status: "draft".into(),
            skills: vec![],
        },
        now,
    )
    .await
    .map_err(app_error("a fresh opening"))?;
    let me = match role {
        Admin => fx.people.admin.id,
        HiringManager => fx.people.hiring_manager.id,
        Manager => fx.people.manager.id,
        Interviewer | crate::access::Submitted => fx.people.interviewer.id,
        Member | Anonymous => fx.people.member.id,
    };
    let opening = |manager: i64| OpeningInput {
        title: format!("Role {n}"),
        team: "Team".into(),
        level: "Senior".into(),
        location: "Remote".into(),
        description: String::new(),
        hiring_manager_id: manager.to_string(),
        status: "open".into(),
        skills: vec![],
    };
    let maria_input = CandidateInput {
        phone: format!("+49 30 {n}"),
        ..external("Maria Garcia", "maria@example.com")
    };
    let jordan_input = CandidateInput {
        name: "Jordan Blake".into(),
        email: "jordan.blake@example.com".into(),
        phone: format!("+49 30 {n}"),
        kind: "internal".into(),
        current_title: "Support specialist".into(),
        current_team: "Customer Support".into(),
        current_manager_id: fx.people.manager.id.to_string(),
        start_date: "2022-04-04".into(),
        ..CandidateInput::default()
    };
    // Jordan moves between the loop and the debrief, so each allowed role's move is real.
    let jordan_to = if role == HiringManager {
        fx.debrief_stage
    } else {
        fx.loop_stage
    };
    let mut calls = vec![
        // Accounts and session.
        call(GetCurrentUser {}, EVERYONE, Reads),
        call(NeedsSetup {}, EVERYONE, Reads),
        call(SetupForm {}, EVERYONE, Reads),
        call(
            PasswordLinkOwner {
                token: "nope".into(),
            },
            EVERYONE,
            Reads,
        ),
        call(GetDashboard {}, SIGNED_IN, Reads),
        call(GetAccount {}, SIGNED_IN, Reads),
        call(
            UpdateMyTimezone {
                input: TimezoneInput {
                    timezone: "Asia/Tokyo".into(),
                },
            },
            SIGNED_IN,
            Writes,
        ),
        call(ListUsers {}, ADMINS, Reads),
        call(NewUserForm {}, ADMINS, Reads),
        call(
            GetUserEdit {
                id: fx.people.member.id,
            },
            ADMINS,
            Reads,
        ),
        call(
            UpdateUser {
                id: fx.people.member.id,
                input: ProfileInput {
                    name: "Olga Outsider".into(),
                    email: fx.people.member.email.clone(),
                    timezone: "Europe/Berlin".into(),
                    role: "member".into(),
                },
            },
            ADMINS,
            Writes,
        ),
        call(
            SetUserActive {
                id: fx.people.priya.id,
                active: true,
            },
            ADMINS,
            Writes,
        ),
        call(
            IssuePasswordLink {
                id: fx.people.priya.id,
            },
            ADMINS,
            Writes,
        ),
        call(
            CreateUser {
                input: NewUserInput {
                    name: format!("New person {n}"),
                    email: format!("new{n}@example.com"),
                    timezone: "UTC".into(),
                    role: "member".into(),
                    password_mode: "link".into(),
                    password: String::new(),
                },
            },
            ADMINS,
            Writes,
        ),
        call(
            ListAudit {
                page: PageNumber::default(),
            },
            ADMINS,
            Reads,
        ),
        // Skill areas.
        call(ListSkillAreas {}, PLANNERS, Reads),
        call(
            CreateSkillArea {
                input: SkillAreaInput {
                    name: format!("Area {n}"),
                },
            },
            ADMINS,
            Writes,
        ),
        call(
            RenameSkillArea {
                id: fx.skills.scratch,
                input: SkillAreaInput {
                    name: format!("Scratch {n}"),
                },
            },
            ADMINS,
            Writes,
        ),
        call(
            SetSkillAreaArchived {
                id: fx.skills.scratch,
                archived: false,
            },
            ADMINS,
            Writes,
        ),
        call(DeleteSkillArea { id: fresh_skill }, ADMINS, Writes),
        // Openings and plans.
        call(
            ListOpenings {
                page: PageNumber::default(),
            },
            SIGNED_IN,
            Reads,
        ),
        call(GetOpening { id: fx.backend }, OPENING_MANAGERS, Reads),
        call(OpeningForm { id: 0 }, PLANNERS, Reads),
        call(OpeningForm { id: fx.backend }, OPENING_MANAGERS, Reads),
        call(
            CreateOpening {
                input: opening(if role == Admin {
                    fx.people.hiring_manager.id
                } else {
                    me
                }),
            },
            PLANNERS,
            Writes,
        ),
        call(
            UpdateOpening {
                id: fx.backend,
                input: OpeningInput {
                    title: "Backend Engineer".into(),
                    skills: vec![fx.skills.backend, fx.skills.data, fx.skills.communication],
                    ..opening(fx.people.hiring_manager.id)
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            GetPlan {
                opening_id: fx.backend,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            AddStage {
                opening_id: fx.backend,
                input: StageInput {
                    name: format!("Stage {n}"),
                    kind: "review".into(),
                    skip_for_internal: Checkbox(false),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            UpdateStage {
                stage_id: fx.debrief_stage,
                input: StageUpdateInput {
                    name: format!("Debrief {n}"),
                    skip_for_internal: Checkbox(false),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            MoveStage {
                stage_id: fresh_stage,
                direction: "up".into(),
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            DeleteStage {
                stage_id: fresh_stage,
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            AddTemplate {
                stage_id: fx.loop_stage,
                input: TemplateInput {
                    name: format!("Chat {n}"),
                    duration_minutes: "30".into(),
                    skills: vec![fx.skills.product],
                    agenda_template_id: String::new(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            SetTemplateAgenda {
                template_id: fresh_template,
                input: TemplateAgendaInput {
                    agenda_template_id: String::new(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            DeleteTemplate {
                template_id: fresh_template,
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            CopyPlan {
                opening_id: fresh_opening,
                input: CopyPlanInput {
                    source_id: fx.backend.to_string(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            OpeningAudit {
                page: PageNumber::default(),
                opening_id: fx.backend,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        // Candidates.
        call(
            SearchCandidates {
                page: PageNumber::default(),
                query: String::new(),
            },
            PLANNERS,
            Reads,
        ),
        call(GetCandidate { id: fx.maria }, PLANNERS, Reads),
        call(GetCandidate { id: fx.jordan }, OPENING_MANAGERS, Reads),
        call(CandidateForm { id: 0 }, PLANNERS, Reads),
        call(CandidateForm { id: fx.maria }, OPENING_MANAGERS, Reads),
        call(
            CreateCandidate {
                input: external("New Candidate", &format!("cand{n}@example.com")),
            },
            PLANNERS,
            Writes,
        ),
        call(
            UpdateCandidate {
                id: fx.maria,
                input: maria_input,
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            UpdateCandidate {
                id: fx.jordan,
                input: jordan_input,
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            ApplyCandidate {
                candidate_id: fresh_candidate,
                input: ApplyInput {
                    opening_id: fx.backend.to_string(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        upload_call(fx.maria, OPENING_MANAGERS),
        download_call(fx.maria, &[Interviewer, Manager, HiringManager, Admin]),
        // Applications and the board.
        call(
            GetBoard {
                opening_id: fx.backend,
                query: BoardQuery::default(),
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            GetOpeningPage {
                opening_id: fx.backend,
                query: BoardQuery::default(),
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            GetApplication {
                id: fx.maria_application,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            GetApplication {
                id: fx.jordan_application,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            MoveApplication {
                id: fresh_application,
                input: MoveInput {
                    stage_id: fx.phone_stage.to_string(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            SetApplicationStatus {
                id: fresh_application,
                input: StatusInput {
                    status: "withdrawn".into(),
                    reason: String::new(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            MoveApplication {
                id: fx.jordan_application,
                input: MoveInput {
                    stage_id: jordan_to.to_string(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        // Interviews.
        call(
            ScheduleForm {
                application_id: fx.maria_application,
                template_id: 0,
                rows: 0,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            ScheduleInterview {
                application_id: fx.maria_application,
                input: schedule_input(
                    &fx.loop_templates[2],
                    &app.day(20 + n),
                    "08:00",
                    "08:45",
                    &[(fx.people.tom.id, &[fx.skills.communication])],
                ),
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            GetInterview {
                id: fx.maria_interview,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            GetInterview {
                id: fx.jordan_interview,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            RescheduleInterview {
                id: fx.maria_interview,
                input: RescheduleInput {
                    date: app.day(30 + n),
                    start_time: "07:00".into(),
                    end_time: "08:00".into(),
                    timezone: "UTC".into(),
                    location: "Room 5".into(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            CancelInterview {
                id: throwaway,
                input: CancelInput {
                    reason: "Not needed".into(),
                },
            },
            OPENING_MANAGERS,
            Writes,
        ),
        call(
            GetMyInterviews {
                past_page: PageNumber::default(),
            },
            SIGNED_IN,
            Reads,
        ),
        // The kit: Ivan and Sam interview Maria in one interview, Tom alone in another; only
        // Ivan interviews Jordan.
        call(
            GetKit {
                interview_id: fx.maria_interview,
            },
            &[Interviewer, Manager, HiringManager, Admin],
            Reads,
        ),
        call(
            GetKit {
                interview_id: fx.maria_tom_interview,
            },
            OPENING_MANAGERS,
            Reads,
        ),
        call(
            GetKit {
                interview_id: fx.jordan_interview,
            },
            &[Interviewer, HiringManager, Admin],
            Reads,
        ),
    ];
    calls.extend(crate::access_challenges::calls(app, fx, n).await?);
    calls.extend(crate::access_live::calls(app, fx, n).await?);
    calls.extend(crate::access_scorecards::calls(app, fx, role, n).await?);
    calls.extend(crate::access_mail::calls(app, fx, role).await?);
    Ok(calls)
}
