//! The challenge library's pages: the library with its filters, a challenge with its
//! effectiveness, and the form (new and edit).

use super::api::{
    challenge_form, get_challenge_page, list_challenges, CreateChallenge, SetChallengeStatus,
    UpdateChallenge,
};
use super::{
    difficulty_label, ChallengeDetail, ChallengeFilters, ChallengeFormData, ChallengeLine,
    ChallengeListData, ChallengePageData, ChallengeQuery, ChallengeStatus, ChallengeSummary,
    Effectiveness, Outcomes, RatingNote, DIFFICULTY_RANGE, MAX_EXTENSIONS,
};
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, SelectField, SkillChecks,
    TableWrap, TextArea, TextField,
};
use crate::error::AppError;
use crate::paging::Pager;
use crate::skills::{self, SkillRef};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn skill_names(skills: &[SkillRef]) -> String {
    skills
        .iter()
        .map(|s| s.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn status_badge(status: ChallengeStatus) -> impl IntoView {
    let class = match status {
        ChallengeStatus::Active => "badge badge-ok",
        ChallengeStatus::Retired => "badge badge-muted",
    };
    view! { <span class=class>{status.label()}</span> }
}

fn difficulty_options() -> Vec<(String, String)> {
    DIFFICULTY_RANGE
        .map(|d| (d.to_string(), difficulty_label(d)))
        .collect()
}

/// The library: filters, a page of challenges, and the way to add one.
#[component]
pub fn ChallengesPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let read = query.read();
        let value = |key: &str| read.get(key).unwrap_or_default();
        ChallengeQuery {
            q: value("q"),
            skill: value("skill"),
            difficulty: value("difficulty"),
            status: value("status"),
            page: value("page"),
        }
    };
    let list = Resource::new(filters, list_challenges);
    view! {
        <Title text="Coding challenges · Hireloop" />
        <section class="page">
            {loaded(list, |data: ChallengeListData| view! { <Library data /> })}
        </section>
    }
}

#[component]
fn Library(data: ChallengeListData) -> impl IntoView {
    let (page, more) = (data.challenges.page, data.challenges.more);
    let lines = data.challenges.items;
    let filtered = data.filters.narrows();
    view! {
        <header class="page-header">
            <h1>"Coding challenges"</h1>
            <a class="button" href="/challenges/new">"New challenge"</a>
        </header>
        <p class="hint">
            "Challenges that start simple and extend, with a rubric for interviewers. Rate them after each use; retire the ones that stop telling you anything."
        </p>
        <Filters filters=data.filters skill_areas=data.skill_areas />
        {if lines.is_empty() {
            let message = if filtered {
                "No challenge matches these filters."
            } else {
                "The library is empty. Add the first challenge."
            };
            view! { <p>{message}</p> }.into_any()
        } else {
            view! {
                <ChallengesTable lines />
                <Pager page more label="Coding challenges" />
            }
                .into_any()
        }}
    }
}

#[component]
fn Filters(filters: ChallengeFilters, skill_areas: Vec<skills::SkillArea>) -> impl IntoView {
    let status = filters
        .status
        .map_or("all", ChallengeStatus::as_str)
        .to_owned();
    let skill_options = skill_areas
        .iter()
        .map(|s| {
            let label = if s.archived {
                format!("{} (archived)", s.name)
            } else {
                s.name.clone()
            };
            (s.id.to_string(), label)
        })
        .collect();
    view! {
        <form method="get" action="/challenges" class="filters" role="search" aria-label="Filter challenges">
            <div class="field">
                <label for="challenge-search">"Search titles and prompts"</label>
                <input id="challenge-search" type="search" name="q" value=filters.text.clone() />
            </div>
            <SelectField
                label="Skill area"
                name="skill"
                id="filter-skill"
                placeholder="Any skill area"
                options=skill_options
                selected=filters.skill.map(|s| s.to_string())
            />
            <SelectField
                label="Difficulty"
                name="difficulty"
                id="filter-difficulty"
                placeholder="Any difficulty"
                options=difficulty_options()
                selected=filters.difficulty.map(|d| d.to_string())
            />
            <SelectField
                label="Status"
                name="status"
                id="filter-status"
                options=vec![
                    ("active".to_owned(), "Active".to_owned()),
                    ("retired".to_owned(), "Retired".to_owned()),
                    ("all".to_owned(), "All".to_owned()),
                ]
                selected=status
            />
            <button type="submit" class="secondary">"Filter"</button>
        </form>
    }
}

#[component]
fn ChallengesTable(lines: Vec<ChallengeLine>) -> impl IntoView {
    view! {
        <TableWrap label="Coding challenges">
            <table>
                <caption class="visually-hidden">"Coding challenges"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Challenge"</th>
                        <th scope="col">"Skill areas"</th>
                        <th scope="col">"Difficulty"</th>
                        <th scope="col">"Minutes"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Uses"</th>
                        <th scope="col">"Average rating"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines
                        .into_iter()
                        .map(|line| {
                            let c: ChallengeSummary = line.summary;
                            let e = line.effectiveness;
                            view! {
                                <tr class:inactive=c.status == ChallengeStatus::Retired>
                                    <td>
                                        <a href=format!("/challenges/{}", c.id)>{c.title}</a>
                                    </td>
                                    <td>{skill_names(&c.skill_areas)}</td>
                                    <td>{format!("{} of 5", c.difficulty)}</td>
                                    <td>{c.expected_minutes}</td>
                                    <td>{status_badge(c.status)}</td>
                                    <td>{e.uses}</td>
                                    <td>
                                        {e.average_text()}
                                        {(e.ratings > 0).then(|| view! { <span class="hint">{format!(" ({} ratings)", e.ratings)}</span> })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
}

/// A challenge: what the candidate sees, what only interviewers see, and how it has done.
#[component]
pub fn ChallengePage() -> impl IntoView {
    let id = use_route_id("id");
    let set_status = ServerAction::<SetChallengeStatus>::new();
    let data = Resource::new(
        move || (id(), set_status.version().get()),
        |(id, _)| get_challenge_page(id),
    );
    let status_error = action_error(set_status);
    view! {
        <Title text="Coding challenge · Hireloop" />
        <section class="page">
            <FormError error=status_error />
            {loaded(data, move |p: ChallengePageData| view! { <ChallengeView p set_status /> })}
        </section>
    }
}

#[component]
fn ChallengeView(
    p: ChallengePageData,
    set_status: ServerAction<SetChallengeStatus>,
) -> impl IntoView {
    let c = p.challenge;
    let s = c.summary.clone();
    let (next_status, button) = match s.status {
        ChallengeStatus::Active => (ChallengeStatus::Retired, "Retire challenge"),
        ChallengeStatus::Retired => (ChallengeStatus::Active, "Restore challenge"),
    };
    view! {
        <p class="breadcrumb">
            <a href="/challenges">"Coding challenges"</a>
        </p>
        <header class="page-header">
            <div>
                <h1>{s.title.clone()}</h1>
                <p class="status-line">
                    {status_badge(s.status)} " "
                    {format!(
                        "Difficulty {} of 5 · about {} minutes · {}",
                        s.difficulty,
                        s.expected_minutes,
                        skill_names(&s.skill_areas),
                    )}
                </p>
            </div>
            <div class="actions">
                <a class="button secondary" href=format!("/challenges/{}/edit", s.id)>"Edit challenge"</a>
                <ActionForm action=set_status attr:class="inline-form">
                    <input type="hidden" name="id" value=s.id />
                    <input type="hidden" name="status" value=next_status.as_str() />
                    <button type="submit" class="secondary">{button}</button>
                </ActionForm>
            </div>
        </header>
        {p.retire_suggestion.map(|message| view! { <div class="warning-box" role="status">{message}</div> })}
        <dl class="facts">
            <dt>"Skill areas"</dt>
            <dd>{skill_names(&s.skill_areas)}</dd>
            <dt>"Difficulty"</dt>
            <dd>{difficulty_label(s.difficulty)}</dd>
            <dt>"Expected time"</dt>
            <dd>{format!("{} minutes", s.expected_minutes)}</dd>
            <dt>"Status"</dt>
            <dd>{s.status.label()}</dd>
            <dt>"Author"</dt>
            <dd>{c.author.clone().unwrap_or_else(|| "Unknown".to_owned())}</dd>
        </dl>
        <ChallengeContent c=c.clone() />
        <EffectivenessView effect=p.effectiveness outcomes=p.outcomes notes=p.notes />
    }
}

/// The prompt, extensions and starter code, then the interviewers' rubric and hints.
#[component]
pub fn ChallengeContent(c: ChallengeDetail) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="challenge-prompt">
            <h2 id="challenge-prompt">"Prompt"</h2>
            <div class="rendered-markdown" inner_html=c.prompt_html></div>
            {(!c.extensions_html.is_empty())
                .then(|| {
                    view! {
                        <h3>"Extensions"</h3>
                        <p class="hint">"For a candidate who finishes early, in this order."</p>
                        <ol class="extensions">
                            {c.extensions_html
                                .into_iter()
                                .map(|html| view! { <li class="rendered-markdown" inner_html=html></li> })
                                .collect_view()}
                        </ol>
                    }
                })}
            {(!c.starter_code.is_empty())
                .then(|| {
                    view! {
                        <h3>"Starter code"</h3>
                        <div class="code-block" role="region" aria-label="Starter code" tabindex="0">
                            <pre><code>{c.starter_code}</code></pre>
                        </div>
                    }
                })}
        </section>
        <section class="panel interviewers-only" aria-labelledby="challenge-rubric">
            <h2 id="challenge-rubric">
                "Rubric and hints " <span class="badge badge-warn">"Interviewers only"</span>
            </h2>
            <p class="hint">"Never shown to candidates."</p>
            <h3>"Rubric"</h3>
            {if c.rubric_html.is_empty() {
                view! { <p class="hint">"No rubric yet."</p> }.into_any()
            } else {
                view! { <div class="rendered-markdown" inner_html=c.rubric_html></div> }.into_any()
            }}
            <h3>"Hints"</h3>
            {if c.hints_html.is_empty() {
                view! { <p class="hint">"No hints yet."</p> }.into_any()
            } else {
                view! { <div class="rendered-markdown" inner_html=c.hints_html></div> }.into_any()
            }}
        </section>
    }
}

#[component]
fn EffectivenessView(
    effect: Effectiveness,
    outcomes: Outcomes,
    notes: Vec<RatingNote>,
) -> impl IntoView {
    let e = effect;
    view! {
        <section class="panel" aria-labelledby="challenge-effectiveness">
            <h2 id="challenge-effectiveness">"Effectiveness"</h2>
            <dl class="facts">
                <dt>"Uses"</dt>
                <dd>{format!("{} (interviewers given it in interviews that were not cancelled)", e.uses)}</dd>
                <dt>"Ratings"</dt>
                <dd>{e.ratings}</dd>
                <dt>"Average rating"</dt>
                <dd>
                    {if e.ratings > 0 {
                        format!("{} of 5", e.average_text())
                    } else {
                        "Not rated yet".to_owned()
                    }}
                </dd>
                <dt>"Candidates who got it"</dt>
                <dd>{outcomes.candidates}</dd>
                <dt>"Advanced past that stage"</dt>
                <dd>{outcomes.advanced}</dd>
                <dt>"Hired"</dt>
                <dd>{outcomes.hired}</dd>
            </dl>
            <h3>"Recent rating notes"</h3>
            {if notes.is_empty() {
                view! { <p class="hint">"No notes yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="rating-notes">
                        {notes
                            .into_iter()
                            .map(|n| {
                                view! {
                                    <li>
                                        <strong>{format!("{} of 5", n.rating)}</strong>
                                        {format!(" · {} · ", n.date)}
                                        {n.note}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

/// The rows query parameter of the form (`?rows=4`), 0 when absent.
fn use_rows() -> impl Fn() -> usize + Clone + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        query
            .read()
            .get("rows")
            .and_then(|r| r.parse().ok())
            .unwrap_or(0)
    }
}

#[component]
fn ChallengeFields(
    data: ChallengeFormData,
    error: Signal<Option<AppError>>,
    /// The address of this form, for the "more rows" link.
    here: String,
) -> impl IntoView {
    let c = data.challenge.clone();
    let value = |f: fn(&ChallengeDetail) -> String| c.as_ref().map(f);
    let checked: Vec<i64> = c
        .as_ref()
        .map(|c| c.summary.skill_areas.iter().map(|s| s.id).collect())
        .unwrap_or_default();
    let extensions = c.as_ref().map(|c| c.extensions.clone()).unwrap_or_default();
    view! {
        <FormError error=error />
        <TextField label="Title" name="input[title]" value=value(|c| c.summary.title.clone()) error=field_error(error, "title") />
        <TextArea
            label="Prompt (Markdown)"
            name="input[prompt]"
            rows=8
            hint="What the candidate is asked to do. Start simple: the extensions make it harder."
            value=value(|c| c.prompt.clone())
            error=field_error(error, "prompt")
        />
        <SkillChecks
            legend="Skill areas it tests (at least one)"
            name="input[skills]"
            options=skills::choices(&data.skill_areas, &checked)
            checked
            error=field_error(error, "skills")
            id_prefix="challenge-skill"
        />
        <div class="row">
            <SelectField
                label="Difficulty"
                name="input[difficulty]"
                placeholder="Choose…"
                options=difficulty_options()
                selected=c.as_ref().map(|c| c.summary.difficulty.to_string())
                error=field_error(error, "difficulty")
            />
            <TextField
                label="Expected minutes"
                name="input[expected_minutes]"
                kind="number"
                min="1"
                max="240"
                hint="Whole minutes, up to 240."
                value=value(|c| c.summary.expected_minutes.to_string())
                error=field_error(error, "expected_minutes")
            />
            {c.as_ref().map(|c| {
                view! {
                    <SelectField
                        label="Status"
                        name="input[status]"
                        options=ChallengeStatus::ALL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect()
                        selected=c.summary.status.as_str().to_owned()
                        error=field_error(error, "status")
                    />
                }
            })}
        </div>
        <TextArea
            label="Starter code (optional)"
            name="input[starter_code]"
            rows=8
            value=value(|c| c.starter_code.clone())
            error=field_error(error, "starter_code")
        />
        <fieldset class="extension-rows">
            <legend>"Extensions (optional, in order; empty ones are left out)"</legend>
            {(0..data.rows)
                .map(|index| {
                    let row = index + 1;
                    view! {
                        <TextArea
                            label=format!("Extension {row}")
                            name=format!("input[extensions][{index}]")
                            id=format!("extension-{row}")
                            rows=3
                            value=extensions.get(index).cloned()
                            error=field_error(error, format!("extensions.{index}"))
                        />
                    }
                })
                .collect_view()}
            {move || {
                error
                    .get()
                    .and_then(|e| e.field("extensions"))
                    .map(|m| view! { <p class="field-error">{m}</p> })
            }}
            {(data.rows < MAX_EXTENSIONS)
                .then(|| {
                    let more = format!("{here}?rows={}", data.rows + 1);
                    view! { <p><a href=more>"Add another extension row"</a></p> }
                })}
        </fieldset>
        <TextArea
            label="Rubric (Markdown, interviewers only)"
            name="input[rubric]"
            rows=6
            hint="What a weak, a good and a strong answer look like."
            value=value(|c| c.rubric.clone())
            error=field_error(error, "rubric")
        />
        <TextArea
            label="Hints (Markdown, interviewers only)"
            name="input[hints]"
            rows=4
            value=value(|c| c.hints.clone())
            error=field_error(error, "hints")
        />
    }
}

#[component]
pub fn NewChallengePage() -> impl IntoView {
    let rows = use_rows();
    let data = Resource::new(rows, |rows| challenge_form(0, rows));
    let create = ServerAction::<CreateChallenge>::new();
    let error = action_error(create);
    view! {
        <Title text="New coding challenge · Hireloop" />
        <section class="page narrow">
            {loaded(
                data,
                move |data| {
                    view! {
                        <p class="breadcrumb">
                            <a href="/challenges">"Coding challenges"</a>
                        </p>
                        <h1>"New coding challenge"</h1>
                        <ActionForm action=create attr:class="form" attr:novalidate=true>
                            <ChallengeFields data error here="/challenges/new".to_owned() />
                            <div class="actions">
                                <button type="submit" disabled=move || create.pending().get()>"Create challenge"</button>
                            </div>
                        </ActionForm>
                    }
                },
            )}
        </section>
    }
}

#[component]
pub fn EditChallengePage() -> impl IntoView {
    let id = use_route_id("id");
    let rows = use_rows();
    let data = Resource::new(
        move || (id(), rows()),
        |(id, rows)| challenge_form(id, rows),
    );
    let update = ServerAction::<UpdateChallenge>::new();
    let error = action_error(update);
    view! {
        <Title text="Edit coding challenge · Hireloop" />
        <section class="page narrow">
            {loaded(
                data,
                move |data: ChallengeFormData| {
                    let (id, title) = data
                        .challenge
                        .as_ref()
                        .map(|c| (c.summary.id, c.summary.title.clone()))
                        .unwrap_or_default();
                    view! {
                        <p class="breadcrumb">
                            <a href=format!("/challenges/{id}")>{title.clone()}</a>
                        </p>
                        <h1>{format!("Edit {title}")}</h1>
                        <ActionForm action=update attr:class="form" attr:novalidate=true>
                            <input type="hidden" name="id" value=id />
                            <ChallengeFields data error here=format!("/challenges/{id}/edit") />
                            <div class="actions">
                                <button type="submit" disabled=move || update.pending().get()>"Save challenge"</button>
                            </div>
                        </ActionForm>
                    }
                },
            )}
        </section>
    }
}
