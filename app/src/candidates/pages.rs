//! Candidate pages: search, profile (with resume and applications), add and edit.

use super::api::{
    candidate_form, get_candidate, search_candidates, CreateCandidate, UpdateCandidate,
};
use super::{CandidateDetail, CandidateFormData, CandidateSummary, Source};
use crate::applications::api::ApplyCandidate;
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, SelectField, TableWrap, TextArea,
    TextField,
};
use crate::error::AppError;
use crate::paging::{PageNumber, Paged, Pager};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CandidatesPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let page = move || PageNumber::parse(query.read().get("page").as_deref());
    let results = Resource::new(
        move || (q(), page()),
        |(q, page)| search_candidates(q, page),
    );
    view! {
        <Title text="Candidates · Hireloop" />
        <section class="page">
            <header class="page-header">
                <h1>"Candidates"</h1>
                <a class="button" href="/candidates/new">"Add candidate"</a>
            </header>
            <form method="get" action="/candidates" class="filters" role="search">
                <div class="field">
                    <label for="candidate-search">"Search by name or email"</label>
                    <input id="candidate-search" type="search" name="q" value=q />
                </div>
                <button type="submit" class="secondary">"Search"</button>
            </form>
            {loaded(
                results,
                |found: Paged<CandidateSummary>| {
                    let (page, more) = (found.page, found.more);
                    let rows = found.items;
                    if rows.is_empty() {
                        return view! { <p>"No candidates found."</p> }.into_any();
                    }
                    view! {
                        <TableWrap label="Candidates">
                            <table>
                                <caption class="visually-hidden">"Candidates"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Email"</th>
                                        <th scope="col">"Source"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows
                                        .into_iter()
                                        .map(|c| {
                                            view! {
                                                <tr>
                                                    <td>
                                                        <a href=format!("/candidates/{}", c.id)>{c.name}</a>
                                                        {c.is_internal.then(|| view! { " " <span class="badge badge-internal">"Internal"</span> })}
                                                    </td>
                                                    <td>{c.email}</td>
                                                    <td>{c.source.label()}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </TableWrap>
                        <Pager page more label="Candidates" />
                    }
                        .into_any()
                },
            )}
        </section>
    }
}

#[component]
pub fn CandidatePage() -> impl IntoView {
    let id = use_route_id("id");
    let query = use_query_map();
    let apply = ServerAction::<ApplyCandidate>::new();
    let candidate = Resource::new(
        {
            let id = id.clone();
            move || (id(), apply.version().get())
        },
        |(id, _)| get_candidate(id),
    );
    let apply_error = action_error(apply);
    view! {
        <Title text="Candidate · Hireloop" />
        <section class="page">
            <p class="breadcrumb">
                <a href="/candidates">"Candidates"</a>
            </p>
            {move || {
                query
                    .read()
                    .get("existing")
                    .map(|_| {
                        view! {
                            <div class="notice" role="status">
                                "A candidate with this email already exists. This is their record."
                            </div>
                        }
                    })
            }}
            {move || {
                query
                    .read()
                    .get("resume_error")
                    .and_then(|code| <super::ResumeProblem as crate::values::Choice>::from_stored(&code))
                    .map(|problem| view! { <div class="form-error" role="alert">{problem.label()}</div> })
            }}
            {move || {
                query
                    .read()
                    .get("resume")
                    .map(|_| view! { <div class="form-saved" role="status">"Resume uploaded."</div> })
            }}
            {loaded(candidate, move |c: CandidateDetail| view! { <CandidateProfile c apply apply_error /> })}
        </section>
    }
}

#[component]
fn CandidateProfile(
    c: CandidateDetail,
    apply: ServerAction<ApplyCandidate>,
    apply_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = c.id;
    view! {
        <header class="page-header">
            <h1>
                {c.name.clone()}
                {c.internal.is_some().then(|| view! { " " <span class="badge badge-internal">"Internal"</span> })}
            </h1>
            {c.can_edit.then(|| view! { <a class="button secondary" href=format!("/candidates/{id}/edit")>"Edit candidate"</a> })}
        </header>
        <dl class="facts">
            <dt>"Email"</dt>
            <dd>{c.email.clone()}</dd>
            <dt>"Phone"</dt>
            <dd>{if c.phone.is_empty() { "—".to_owned() } else { c.phone.clone() }}</dd>
            <dt>"Source"</dt>
            <dd>{c.source.label()}</dd>
            {(!c.links.is_empty())
                .then(|| {
                    view! {
                        <dt>"Links"</dt>
                        <dd>
                            {c.links
                                .iter()
                                .map(|l| view! { <a href=l.clone() rel="noopener noreferrer nofollow">{l.clone()}</a> <br /> })
                                .collect_view()}
                        </dd>
                    }
                })}
        </dl>
        {c.internal
            .clone()
            .map(|i| {
                view! {
                    <section class="panel">
                        <h2>"Internal transfer"</h2>
                        <dl class="facts">
                            <dt>"Current role"</dt>
                            <dd>{i.current_title}</dd>
                            <dt>"Current team"</dt>
                            <dd>{i.current_team}</dd>
                            <dt>"Current manager"</dt>
                            <dd>{i.current_manager} " (does not see this candidacy)"</dd>
                            <dt>"With us since"</dt>
                            <dd>{i.start_date} " (" {i.tenure} ")"</dd>
                        </dl>
                    </section>
                }
            })}
        <section class="panel">
            <h2>"Applications"</h2>
            {if c.applications.is_empty() {
                view! { <p>"No applications yet."</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {c.applications
                            .iter()
                            .map(|a| {
                                view! {
                                    <li>
                                        <a href=format!("/applications/{}", a.id)>{a.opening_title.clone()}</a>
                                        " — " {a.stage.clone()} " (" {a.status.clone()} ")"
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            {(!c.can_apply_to.is_empty())
                .then(|| {
                    view! {
                        <ActionForm action=apply attr:class="inline-form">
                            <FormError error=apply_error />
                            <input type="hidden" name="candidate_id" value=id />
                            <SelectField
                                label="Add to opening"
                                name="input[opening_id]"
                                id="apply-opening"
                                options=c.can_apply_to.iter().map(|o| (o.id.to_string(), o.name.clone())).collect()
                                error=field_error(apply_error, "opening_id")
                            />
                            <button type="submit">"Add to opening"</button>
                        </ActionForm>
                    }
                })}
        </section>
        <section class="panel">
            <h2>"Resume"</h2>
            {c.resume_pdf
                .clone()
                .map(|(name, size)| {
                    view! {
                        <p>
                            <a href=format!("/candidates/{id}/resume.pdf")>{format!("Open {name}")}</a>
                            {format!(" (PDF, {} KB)", size / 1024 + 1)}
                        </p>
                    }
                })}
            {if c.resume_text.is_empty() {
                view! { <p class="hint">"No resume text pasted."</p> }.into_any()
            } else {
                view! { <div class="rendered-markdown resume-text" inner_html=c.resume_html.clone()></div> }.into_any()
            }}
            {c.can_edit
                .then(|| {
                    view! {
                        <form
                            method="post"
                            action=format!("/candidates/{id}/resume")
                            enctype="multipart/form-data"
                            class="inline-form"
                        >
                            <div class="field">
                                <label for="resume-file">"Upload a PDF resume (5 MB at most)"</label>
                                <input id="resume-file" type="file" name="resume" accept="application/pdf" />
                            </div>
                            <button type="submit" class="secondary">"Upload resume"</button>
                        </form>
                    }
                })}
        </section>
    }
}

/// The shared fields of the add and edit forms.
#[component]
fn CandidateFields(
    data: CandidateFormData,
    error: Signal<Option<AppError>>,
    #[prop(optional)] opening: Option<i64>,
) -> impl IntoView {
    let c = data.candidate.clone();
    let is_internal = c.as_ref().is_some_and(|c| c.internal.is_some());
    let internal = c.as_ref().and_then(|c| c.internal.clone());
    let value = |f: fn(&CandidateDetail) -> String| c.as_ref().map(f);
    let new = c.is_none();
    view! {
        <FormError error=error />
        <fieldset class="choices">
            <legend>"Kind of candidate"</legend>
            <label class="choice">
                <input type="radio" name="input[kind]" value="external" checked=!is_internal />
                "External applicant"
            </label>
            <label class="choice">
                <input type="radio" name="input[kind]" value="internal" checked=is_internal />
                "Internal transfer (an employee moving from another team)"
            </label>
            {move || error.get().and_then(|e| e.field("kind")).map(|m| view! { <p class="field-error">{m}</p> })}
        </fieldset>
        <TextField label="Name" name="input[name]" value=value(|c| c.name.clone()) error=field_error(error, "name") />
        <TextField label="Email" name="input[email]" kind="email" value=value(|c| c.email.clone()) error=field_error(error, "email") />
        <TextField label="Phone (optional)" name="input[phone]" kind="tel" value=value(|c| c.phone.clone()) error=field_error(error, "phone") />
        <SelectField
            label="Source (external applicants)"
            name="input[source]"
            options=Source::EXTERNAL.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect()
            selected=value(|c| c.source.as_str().to_owned())
            error=field_error(error, "source")
        />
        <TextArea
            label="Links (optional, one per line)"
            name="input[links]"
            rows=3
            value=value(|c| c.links.join("\n"))
            error=field_error(error, "links")
        />
        <TextArea
            label="Resume (paste text or Markdown)"
            name="input[resume_text]"
            rows=10
            hint="You can also upload a PDF on the candidate's page after saving."
            value=value(|c| c.resume_text.clone())
            error=field_error(error, "resume_text")
        />
        <fieldset>
            <legend>"Internal transfer details (internal candidates only)"</legend>
            <TextField label="Current role" name="input[current_title]" value=internal.as_ref().map(|i| i.current_title.clone()) error=field_error(error, "current_title") />
            <TextField label="Current team" name="input[current_team]" value=internal.as_ref().map(|i| i.current_team.clone()) error=field_error(error, "current_team") />
            <SelectField
                label="Current manager"
                name="input[current_manager_id]"
                placeholder="Choose…"
                options=data.people.iter().map(|p| (p.id.to_string(), p.name.clone())).collect()
                selected=internal.as_ref().map(|i| i.current_manager_id.to_string())
                hint="They will not see this candidacy anywhere in Hireloop."
                error=field_error(error, "current_manager_id")
            />
            <TextField
                label="Start date at the company"
                name="input[start_date]"
                kind="date"
                value=internal.as_ref().map(|i| i.start_date.clone())
                error=field_error(error, "start_date")
            />
        </fieldset>
        {(new && !data.openings.is_empty())
            .then(|| {
                view! {
                    <SelectField
                        label="Add to opening (optional)"
                        name="input[apply_to]"
                        placeholder="Not now"
                        options=data.openings.iter().map(|o| (o.id.to_string(), o.name.clone())).collect()
                        selected=opening.map(|o| o.to_string())
                        error=field_error(error, "apply_to")
                    />
                }
            })}
    }
}

#[component]
pub fn NewCandidatePage() -> impl IntoView {
    let query = use_query_map();
    let opening = move || {
        query
            .read()
            .get("opening")
            .and_then(|v| v.parse::<i64>().ok())
    };
    let data = Resource::new(|| (), |()| candidate_form(0));
    let create = ServerAction::<CreateCandidate>::new();
    let error = action_error(create);
    view! {
        <Title text="Add candidate · Hireloop" />
        <section class="page narrow">
            <p class="breadcrumb">
                <a href="/candidates">"Candidates"</a>
            </p>
            <h1>"Add candidate"</h1>
            {loaded(
                data,
                move |data| {
                    view! {
                        <ActionForm action=create attr:class="form" attr:novalidate=true>
                            <CandidateFields data error opening=opening().unwrap_or_default() />
                            <div class="actions">
                                <button type="submit" disabled=move || create.pending().get()>"Add candidate"</button>
                            </div>
                        </ActionForm>
                    }
                },
            )}
        </section>
    }
}

#[component]
pub fn EditCandidatePage() -> impl IntoView {
    let id = use_route_id("id");
    let data = Resource::new(id.clone(), candidate_form);
    let update = ServerAction::<UpdateCandidate>::new();
    let error = action_error(update);
    view! {
        <Title text="Edit candidate · Hireloop" />
        <section class="page narrow">
            <p class="breadcrumb">
                <a href=move || format!("/candidates/{}", id())>"Candidate"</a>
            </p>
            <h1>"Edit candidate"</h1>
            {loaded(
                data,
                move |data: CandidateFormData| {
                    let id = data.candidate.as_ref().map(|c| c.id).unwrap_or_default();
                    view! {
                        <ActionForm action=update attr:class="form" attr:novalidate=true>
                            <input type="hidden" name="id" value=id />
                            <CandidateFields data error />
                            <div class="actions">
                                <button type="submit">"Save candidate"</button>
                            </div>
                        </ActionForm>
                    }
                },
            )}
        </section>
    }
}
