//! The board (on the opening page) and the application page.

use super::api::{get_application, MoveApplication, SetApplicationStatus};
use super::{ApplicationDetail, ApplicationStatus, Board, BoardCard, BoardQuery, StageRef};
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, SelectField, TextArea,
};
use crate::error::AppError;
use crate::interviews::pages::{CoverageView, InterviewList};
use crate::paging::{address_with_page, Pager};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

/// The board of an opening with its filters, upcoming interviews and loop warnings.
#[component]
pub fn BoardView(board: Board) -> impl IntoView {
    let move_action = ServerAction::<MoveApplication>::new();
    let status_action = ServerAction::<SetApplicationStatus>::new();
    let move_error = action_error(move_action);
    let status_error = action_error(status_action);
    view! {
        <FormError error=move_error />
        <FormError error=status_error />
        <BoardBody board move_action status_action />
    }
}

/// The board filters in the address (`?stage=…&status=…&kind=…&page=…`).
pub fn use_board_query() -> impl Fn() -> BoardQuery + Clone + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        let read = query.read();
        let value = |key: &str| read.get(key).unwrap_or_default();
        BoardQuery {
            stage: value("stage"),
            status: value("status"),
            kind: value("kind"),
            page: value("page"),
        }
    }
}

#[component]
fn BoardBody(
    board: Board,
    move_action: ServerAction<MoveApplication>,
    status_action: ServerAction<SetApplicationStatus>,
) -> impl IntoView {
    let stages = board.stages.clone();
    let selected_status = board.filters.status.unwrap_or(ApplicationStatus::Active);
    let single_stage = board.filters.stage.is_some();
    let kind_filter = match board.filters.internal {
        Some(true) => "internal",
        Some(false) => "external",
        None => "",
    };
    let path = use_location().pathname.get_untracked();
    let more_warnings = board
        .loop_warnings_total
        .saturating_sub(board.loop_warnings.len());
    view! {
        <section aria-labelledby="board-heading">
            <h2 id="board-heading">"Board"</h2>
            <form method="get" class="filters" aria-label="Board filters">
                <SelectField
                    label="Stage"
                    name="stage"
                    id="filter-stage"
                    placeholder="All stages"
                    options=stages.iter().map(|s| (s.id.to_string(), s.name.clone())).collect()
                    selected=board.filters.stage.map(|s| s.to_string())
                />
                <SelectField
                    label="Status"
                    name="status"
                    id="filter-status"
                    options=ApplicationStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect()
                    selected=selected_status.as_str().to_owned()
                />
                <SelectField
                    label="Candidates"
                    name="kind"
                    id="filter-kind"
                    placeholder="Internal and external"
                    options=vec![("internal".into(), "Internal only".into()), ("external".into(), "External only".into())]
                    selected=board.filters.internal.map(|i| if i { "internal".to_owned() } else { "external".to_owned() })
                />
                <button type="submit" class="secondary">"Filter"</button>
            </form>
            <div class="board">
                {board
                    .columns
                    .into_iter()
                    .map(|column| {
                        let count = column.total;
                        let shown = column.cards.len();
                        let all_link = (!single_stage && i64::try_from(shown).unwrap_or(i64::MAX) < count).then(|| {
                            let href = address_with_page(
                                &path,
                                &format!("?stage={}&status={}&kind={}", column.stage.id, selected_status.as_str(), kind_filter),
                                "page",
                                1,
                            );
                            view! {
                                <a class="column-more" href=href>
                                    {format!("Show all {count} in {}", column.stage.name)}
                                </a>
                            }
                        });
                        let stages = stages.clone();
                        view! {
                            <section class="board-column" aria-label=format!("Stage {}", column.stage.name)>
                                <h3>
                                    <span>{column.stage.name.clone()}</span>
                                    <span class="badge badge-muted">{count}</span>
                                </h3>
                                {column.skip_for_internal.then(|| view! { <p class="hint">"Internal candidates skip this stage."</p> })}
                                {column
                                    .cards
                                    .into_iter()
                                    .map(|card| {
                                        let targets: Vec<StageRef> = stages.iter().filter(|s| s.id != column.stage.id).cloned().collect();
                                        let next = stages
                                            .iter()
                                            .skip_while(|s| s.id != column.stage.id)
                                            .nth(1)
                                            .map(|s| s.id);
                                        view! { <Card card stages=targets next move_action status_action /> }
                                    })
                                    .collect_view()}
                                {all_link}
                            </section>
                        }
                    })
                    .collect_view()}
            </div>
            {single_stage.then(|| view! { <Pager page=board.filters.page.number() more=board.more label="Cards" /> })}
        </section>
        <div class="cards">
            <section class="card">
                <h2>"Upcoming interviews"</h2>
                {if board.upcoming.is_empty() {
                    view! { <p class="hint">"None scheduled."</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {board
                                .upcoming
                                .into_iter()
                                .map(|u| {
                                    view! {
                                        <li>
                                            <a href=format!("/interviews/{}", u.interview_id)>{u.when}</a>
                                            {format!(" — {} with {} ({})", u.title, u.candidate_name, u.interviewers.join(", "))}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </section>
            <section class="card">
                <h2>"Loop coverage"</h2>
                {if board.loop_warnings.is_empty() {
                    view! { <p>"Every loop in progress on the board covers the required skill areas, each with one owner."</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {board
                                .loop_warnings
                                .into_iter()
                                .map(|(id, name, warnings)| {
                                    view! {
                                        <li>
                                            <a href=format!("/applications/{id}")>{name}</a>
                                            ": "
                                            {warnings.join(" ")}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        {(more_warnings > 0).then(|| view! {
                            <p class="hint">{format!("… and {more_warnings} more with loop problems.")}</p>
                        })}
                    }
                        .into_any()
                }}
            </section>
        </div>
    }
}

#[component]
fn Card(
    card: BoardCard,
    /// The stages the card can move to, and the one to preselect.
    stages: Vec<StageRef>,
    next: Option<i64>,
    move_action: ServerAction<MoveApplication>,
    status_action: ServerAction<SetApplicationStatus>,
) -> impl IntoView {
    let id = card.id;
    let name = card.candidate_name.clone();
    let move_label = format!("Move {name} to stage");
    let move_button = format!("Move {name}");
    let reject_summary = format!("Reject {name}");
    let reject_reason = format!("Reason for rejecting {name}");
    let reject_button = format!("Reject {name}");
    let days = match card.days_in_stage {
        0 => "Entered today".to_owned(),
        1 => "1 day in stage".to_owned(),
        n => format!("{n} days in stage"),
    };
    view! {
        <article class="board-card">
            <h4>
                <a href=format!("/applications/{id}")>{name}</a>
                {card.is_internal.then(|| view! { " " <span class="badge badge-internal">"Internal"</span> })}
            </h4>
            <p class="hint">{days}</p>
            <p class="hint">
                {card.next_interview.map_or_else(|| "No interview scheduled".to_owned(), |w| format!("Next interview: {w}"))}
            </p>
            {(card.status == ApplicationStatus::Active)
                .then(|| {
                    view! {
                        <ActionForm action=move_action attr:class="inline-form">
                            <input type="hidden" name="id" value=id />
                            <label for=format!("move-{id}") class="visually-hidden">{move_label}</label>
                            <select id=format!("move-{id}") name="input[stage_id]">
                                {stages.iter().map(|s| view! { <option value=s.id selected=Some(s.id) == next>{s.name.clone()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="secondary small">{move_button}</button>
                        </ActionForm>
                        <details>
                            <summary>{reject_summary}</summary>
                            <ActionForm action=status_action attr:class="form">
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="input[status]" value="rejected" />
                                <TextArea label=reject_reason name="input[reason]" id=format!("reject-{id}") rows=3 />
                                <button type="submit" class="danger small">{reject_button}</button>
                            </ActionForm>
                        </details>
                    }
                })}
        </article>
    }
}

#[component]
pub fn ApplicationPage() -> impl IntoView {
    let id = use_route_id("id");
    let query = use_query_map();
    let move_action = ServerAction::<MoveApplication>::new();
    let status_action = ServerAction::<SetApplicationStatus>::new();
    let application = Resource::new(
        {
            let id = id.clone();
            move || {
                (
                    id(),
                    move_action.version().get(),
                    status_action.version().get(),
                )
            }
        },
        |(id, ..)| get_application(id),
    );
    let move_error = action_error(move_action);
    let status_error = action_error(status_action);
    view! {
        <Title text="Application · Hireloop" />
        <section class="page">
            {move || {
                query
                    .read()
                    .get("scheduled")
                    .map(|_| view! { <div class="form-saved" role="status">"Interview scheduled."</div> })
            }}
            {loaded(
                application,
                move |a: ApplicationDetail| {
                    view! { <ApplicationView a move_action status_action move_error status_error /> }
                },
            )}
        </section>
    }
}

#[component]
fn ApplicationView(
    a: ApplicationDetail,
    move_action: ServerAction<MoveApplication>,
    status_action: ServerAction<SetApplicationStatus>,
    move_error: Signal<Option<AppError>>,
    status_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = a.id;
    let name = a.candidate.name.clone();
    view! {
        <p class="breadcrumb">
            <a href=format!("/openings/{}", a.opening_id)>{a.opening_title.clone()}</a>
        </p>
        <header class="page-header">
            <div>
                <h1>
                    {name.clone()}
                    {a.candidate.internal.is_some().then(|| view! { " " <span class="badge badge-internal">"Internal"</span> })}
                </h1>
                <p class="status-line">
                    <span class="badge">{a.status.label()}</span>
                    {format!("{} · {} days in stage", a.stage.name, a.days_in_stage)}
                    {a.status_reason.clone().map(|r| format!(" · Reason: {r}"))}
                </p>
            </div>
            <a class="button secondary" href=format!("/candidates/{}", a.candidate.id)>"Candidate record"</a>
        </header>
        {a.hidden_from_hiring_manager
            .then(|| {
                view! {
                    <div class="warning-box" role="status">
                        "This candidate's current manager is the opening's hiring manager, so they do not see this application. An admin runs it."
                    </div>
                }
            })}
        {a.candidate
            .internal
            .clone()
            .map(|i| {
                view! {
                    <section class="panel">
                        <h2>"Internal context"</h2>
                        <dl class="facts">
                            <dt>"Current role"</dt>
                            <dd>{format!("{} ({})", i.current_title, i.current_team)}</dd>
                            <dt>"With us for"</dt>
                            <dd>{format!("{} (since {})", i.tenure, i.start_date)}</dd>
                        </dl>
                    </section>
                }
            })}
        <div class="cards">
            <section class="card">
                <h2>"Stage"</h2>
                <FormError error=move_error />
                <ActionForm action=move_action attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <SelectField
                        label=format!("Move {name} to")
                        name="input[stage_id]"
                        id="move-stage"
                        options=a.stages.iter().map(|s| (s.id.to_string(), s.name.clone())).collect()
                        selected=a.stage.id.to_string()
                        error=field_error(move_error, "stage_id")
                    />
                    <button type="submit" class="secondary" disabled=a.status != ApplicationStatus::Active>"Move"</button>
                </ActionForm>
            </section>
            <section class="card">
                <h2>"Decision"</h2>
                <FormError error=status_error />
                <ActionForm action=status_action attr:class="form">
                    <input type="hidden" name="id" value=id />
                    <SelectField
                        label="Set status"
                        name="input[status]"
                        id="set-status"
                        options=ApplicationStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect()
                        selected=a.status.as_str().to_owned()
                        error=field_error(status_error, "status")
                    />
                    <TextArea
                        label="Reason (required when rejecting)"
                        name="input[reason]"
                        id="status-reason"
                        rows=2
                        error=field_error(status_error, "reason")
                    />
                    <button type="submit" class="secondary">"Save status"</button>
                </ActionForm>
            </section>
        </div>
        <section class="panel">
            <h2>"Interview loop"</h2>
            <CoverageView coverage=a.coverage.clone() />
            <InterviewList interviews=a.interviews.clone() />
            {(a.status == ApplicationStatus::Active)
                .then(|| {
                    view! {
                        <p>
                            {a.templates
                                .iter()
                                .map(|t| {
                                    view! {
                                        <a class="button small" href=format!("/applications/{id}/schedule?template={}", t.id)>
                                            {format!("Schedule {}", t.name)}
                                        </a>
                                        " "
                                    }
                                })
                                .collect_view()}
                            <a class="button secondary small" href=format!("/applications/{id}/schedule")>"Schedule another interview"</a>
                        </p>
                    }
                })}
        </section>
        <crate::debriefs::pages::FeedbackSection application_id=id />
        <section class="panel">
            <h2>"History"</h2>
            <ul>
                {a.history
                    .into_iter()
                    .map(|h| {
                        view! {
                            <li>
                                <span class="hint">{h.at}</span>
                                " — "
                                {h.actor.unwrap_or_default()}
                                ": "
                                {h.text}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
