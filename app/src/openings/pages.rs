//! Opening pages: the list, the form (new and edit) and the opening itself with its board.

use super::api::{list_openings, opening_form, CreateOpening, UpdateOpening};
use super::{OpeningDetail, OpeningFormData, OpeningStatus, OpeningSummary, StageKind};
use crate::applications::api::get_opening_page;
use crate::applications::pages::{use_board_query, BoardView};
use crate::applications::OpeningPageData;
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, SelectField, SkillChecks,
    TableWrap, TextArea, TextField,
};
use crate::error::AppError;
use crate::paging::{PageNumber, Paged, Pager};
use crate::skills;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OpeningsPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || PageNumber::parse(query.read().get("page").as_deref());
    let openings = Resource::new(page, list_openings);
    view! {
        <Title text="Openings · Hireloop" />
        <section class="page">
            {loaded(
                openings,
                |(openings, can_create): (Paged<OpeningSummary>, bool)| {
                    let (page, more) = (openings.page, openings.more);
                    let openings = openings.items;
                    view! {
                        <header class="page-header">
                            <h1>"Openings"</h1>
                            {can_create.then(|| view! { <a class="button" href="/openings/new">"New opening"</a> })}
                        </header>
                        {if openings.is_empty() {
                            view! {
                                <p>"You are not the hiring manager of any opening. Admins open roles and name their hiring manager."</p>
                            }
                                .into_any()
                        } else {
                            view! {
                                <OpeningsTable openings />
                                <Pager page more label="Openings" />
                            }
                                .into_any()
                        }}
                    }
                },
            )}
        </section>
    }
}

#[component]
fn OpeningsTable(openings: Vec<OpeningSummary>) -> impl IntoView {
    view! {
        <TableWrap label="Openings">
            <table>
                <caption class="visually-hidden">"Openings"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Team"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Hiring manager"</th>
                        <th scope="col">"Active candidates"</th>
                    </tr>
                </thead>
                <tbody>
                    {openings
                        .into_iter()
                        .map(|o| {
                            view! {
                                <tr>
                                    <td>
                                        <a href=format!("/openings/{}", o.id)>{o.title}</a>
                                        <br />
                                        <span class="hint">{format!("{} · {}", o.level, o.location)}</span>
                                    </td>
                                    <td>{o.team}</td>
                                    <td>{o.status.label()}</td>
                                    <td>{o.hiring_manager}</td>
                                    <td>{o.active_candidates}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
}

#[component]
fn OpeningFields(data: OpeningFormData, error: Signal<Option<AppError>>) -> impl IntoView {
    let o = data.opening.clone();
    let value = |f: fn(&OpeningDetail) -> String| o.as_ref().map(f);
    let checked: Vec<i64> = o
        .as_ref()
        .map(|o| o.required_skills.iter().map(|s| s.id).collect())
        .unwrap_or_default();
    let manager = o.as_ref().map_or(data.me, |o| o.hiring_manager_id);
    let managers: Vec<(String, String)> = data
        .managers
        .iter()
        .filter(|p| data.can_choose_manager || p.id == manager || p.id == data.me)
        .map(|p| (p.id.to_string(), p.name.clone()))
        .collect();
    view! {
        <FormError error=error />
        <TextField label="Role title" name="input[title]" value=value(|o| o.title.clone()) error=field_error(error, "title") />
        <div class="row">
            <TextField label="Team" name="input[team]" value=value(|o| o.team.clone()) error=field_error(error, "team") />
            <TextField label="Level" name="input[level]" value=value(|o| o.level.clone()) error=field_error(error, "level") />
            <TextField label="Location" name="input[location]" value=value(|o| o.location.clone()) error=field_error(error, "location") />
        </div>
        <TextArea
            label="Description (Markdown)"
            name="input[description]"
            rows=8
            value=value(|o| o.description.clone())
            error=field_error(error, "description")
        />
        <div class="row">
            <SelectField
                label="Hiring manager"
                name="input[hiring_manager_id]"
                options=managers
                selected=manager.to_string()
                error=field_error(error, "hiring_manager_id")
            />
            <SelectField
                label="Status"
                name="input[status]"
                options=OpeningStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect()
                selected=o.as_ref().map_or("open", |o| o.status.as_str()).to_owned()
                error=field_error(error, "status")
            />
        </div>
        <SkillChecks
            legend="Required skill areas (the loop should cover each of them)"
            name="input[skills]"
            options=skills::choices(&data.skill_areas, &checked)
            checked
            error=field_error(error, "skills")
            id_prefix="required-skill"
        />
    }
}

#[component]
pub fn NewOpeningPage() -> impl IntoView {
    let data = Resource::new(|| (), |()| opening_form(0));
    let create = ServerAction::<CreateOpening>::new();
    let error = action_error(create);
    view! {
        <Title text="New opening · Hireloop" />
        <section class="page narrow">
            <p class="breadcrumb">
                <a href="/openings">"Openings"</a>
            </p>
            <h1>"New opening"</h1>
            {loaded(
                data,
                move |data| {
                    view! {
                        <ActionForm action=create attr:class="form" attr:novalidate=true>
                            <OpeningFields data error />
                            <div class="actions">
                                <button type="submit" disabled=move || create.pending().get()>"Create opening"</button>
                            </div>
                        </ActionForm>
                    }
                },
            )}
        </section>
    }
}

#[component]
pub fn EditOpeningPage() -> impl IntoView {
    let id = use_route_id("id");
    let data = Resource::new(id.clone(), opening_form);
    let update = ServerAction::<UpdateOpening>::new();
    let error = action_error(update);
    view! {
        <Title text="Edit opening · Hireloop" />
        <section class="page narrow">
            <p class="breadcrumb">
                <a href=move || format!("/openings/{}", id())>"Opening"</a>
            </p>
            <h1>"Edit opening"</h1>
            {loaded(
                data,
                move |data: OpeningFormData| {
                    let id = data.opening.as_ref().map(|o| o.id).unwrap_or_default();
                    view! {
                        <ActionForm action=update attr:class="form" attr:novalidate=true>
                            <input type="hidden" name="id" value=id />
                            <OpeningFields data error />
                            <div class="actions">
                                <button type="submit">"Save opening"</button>
                            </div>
                        </ActionForm>
                    }
                },
            )}
        </section>
    }
}

/// The opening: details, plan summary, coverage, board and upcoming interviews.
#[component]
pub fn OpeningPage() -> impl IntoView {
    let id = use_route_id("id");
    let board_query = use_board_query();
    let page = Resource::new(
        move || (id(), board_query()),
        |(id, query)| get_opening_page(id, query),
    );
    view! {
        <Title text="Opening · Hireloop" />
        <section class="page wide">
            <p class="breadcrumb">
                <a href="/openings">"Openings"</a>
            </p>
            {loaded(page, |p: OpeningPageData| view! {
                <OpeningOverview o=p.opening />
                <BoardView board=p.board />
            })}
        </section>
    }
}

#[component]
fn OpeningOverview(o: OpeningDetail) -> impl IntoView {
    let id = o.id;
    view! {
        <header class="page-header">
            <div>
                <h1>{o.title.clone()}</h1>
                <p class="status-line">
                    <span class="badge">{o.status.label()}</span>
                    {format!("{} · {} · {} · Hiring manager: {}", o.team, o.level, o.location, o.hiring_manager)}
                </p>
            </div>
            <div class="actions">
                <a class="button" href=format!("/candidates/new?opening={id}")>"Add candidate"</a>
                <a class="button secondary" href=format!("/openings/{id}/plan")>"Edit interview plan"</a>
                <a class="button secondary" href=format!("/openings/{id}/questions")>"Scorecard questions"</a>
                <a class="button secondary" href=format!("/openings/{id}/edit")>"Edit opening"</a>
                <a href=format!("/openings/{id}/audit")>"History"</a>
            </div>
        </header>
        <div class="cards">
            <article class="card">
                <h2>"Interview plan"</h2>
                <ol>
                    {o.stages
                        .iter()
                        .map(|s| {
                            view! {
                                <li>
                                    {s.name.clone()}
                                    {(s.kind == StageKind::Interview)
                                        .then(|| format!(" ({} interviews)", s.templates.len()))}
                                    {s.skip_for_internal.then(|| view! { " " <span class="badge badge-internal">"Internal candidates skip"</span> })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
                {o.stages.is_empty().then(|| view! { <p>"No stages yet. " <a href=format!("/openings/{id}/plan")>"Build the plan"</a></p> })}
            </article>
            <article class="card">
                <h2>"Required skill areas"</h2>
                <ul class="coverage-list">
                    {o.required_skills
                        .iter()
                        .map(|s| {
                            let covered = !o.uncovered_by_plan.iter().any(|u| u.id == s.id);
                            view! {
                                <li>
                                    {s.name.clone()} " "
                                    {if covered {
                                        view! { <span class="badge badge-ok">"in the plan"</span> }.into_any()
                                    } else {
                                        view! { <span class="badge badge-warn">"no interview covers it"</span> }.into_any()
                                    }}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                {o.required_skills.is_empty().then(|| view! { <p class="hint">"None chosen yet."</p> })}
            </article>
        </div>
        {(!o.description_html.is_empty())
            .then(|| {
                view! {
                    <details class="panel">
                        <summary>"Role description"</summary>
                        <div class="rendered-markdown" inner_html=o.description_html.clone()></div>
                    </details>
                }
            })}
    }
}
