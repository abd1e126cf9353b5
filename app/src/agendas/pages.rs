//! Agenda templates and an interview's agenda editor.

use super::api::{
    get_agenda, get_agenda_template, list_agenda_templates, CreateAgendaTemplate,
    DeleteAgendaTemplate, SaveAgenda, SaveAgendaTemplate, UseAgendaTemplate,
};
use super::rules;
use super::{AgendaEditorData, AgendaItem, AgendaTemplateData, AgendaTemplateSummary};
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, SelectField, TableWrap, TextArea,
    TextField,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The `rows` and `saved` query parameters of an editor page.
fn use_rows_and_saved() -> (impl Fn() -> usize + Clone + Send + Sync, impl Fn() -> bool) {
    let query = use_query_map();
    let rows = move || {
        query
            .read()
            .get("rows")
            .and_then(|r| r.parse::<usize>().ok())
            .unwrap_or(0)
    };
    let saved = move || query.read().get("saved").is_some();
    (rows, saved)
}

/// "40 of 45 minutes planned: 5 minutes to spare." — kept up to date while typing in the
/// browser (see `agenda_total` in the bundle).
#[component]
fn TotalLine(items: Vec<AgendaItem>, duration: Option<i64>) -> impl IntoView {
    let total = rules::total(items.iter().map(|i| &i.minutes));
    let text = match duration {
        Some(d) => rules::balance(total, d).describe(total, d),
        None => format!("{total} minutes in all."),
    };
    let over = duration.is_some_and(|d| total > d);
    view! {
        <p
            class="agenda-total"
            class:over=over
            id="agenda-total"
            data-duration=duration.map(|d| d.to_string())
            aria-live="polite"
        >
            {text}
        </p>
    }
}

/// The rows of an agenda form: the items, then blank rows for new ones.
#[component]
fn AgendaRows(
    items: Vec<AgendaItem>,
    blank_rows: usize,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let filled = items.len();
    let rows: Vec<Option<AgendaItem>> = items
        .into_iter()
        .map(Some)
        .chain(std::iter::repeat_n(None, blank_rows))
        .collect();
    view! {
        <div class="field" class:has-error=move || field_error(error, "items").get().is_some()>
            {move || {
                field_error(error, "items")
                    .get()
                    .map(|m| view! { <p class="field-error" id="agenda-items-error" role="alert">{m}</p> })
            }}
        </div>
        {rows
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                let n = index + 1;
                let name = |field: &str| format!("input[items][{index}][{field}]");
                let err = |field: &str| field_error(error, format!("items.{index}.{field}"));
                let is_new = item.is_none();
                let item = item.unwrap_or(AgendaItem {
                    id: 0,
                    position: 0,
                    title: String::new(),
                    minutes: 0,
                    guidance: String::new(),
                    coding: false,
                });
                let minutes = if item.minutes > 0 { item.minutes.to_string() } else { String::new() };
                view! {
                    <fieldset class="agenda-row" class:new-row=is_new>
                        <legend>{if is_new { format!("Item {n} (new)") } else { format!("Item {n}") }}</legend>
                        <div class="row">
                            <TextField label=format!("Item {n} title") name=name("title") value=item.title.clone() error=err("title") />
                            <TextField label=format!("Item {n} minutes") name=name("minutes") kind="number" min="1" value=minutes error=err("minutes") />
                            <TextField label=format!("Item {n} place") name=name("order") kind="number" value=n.to_string() error=err("order") hint="Items are sorted by this number." />
                        </div>
                        <TextArea label=format!("Item {n} guidance for the interviewer") name=name("guidance") rows=2 value=item.guidance.clone() error=err("guidance") />
                        <label class="choice">
                            <input type="checkbox" name=name("coding") value="on" checked=item.coding />
                            {format!("Item {n} is the coding challenge")}
                        </label>
                        {(!is_new).then(|| view! {
                            <label class="choice">
                                <input type="checkbox" name=name("remove") value="on" />
                                {format!("Remove item {n}")}
                            </label>
                        })}
                    </fieldset>
                }
            })
            .collect_view()}
        {(filled + blank_rows < super::MAX_ITEMS).then(|| view! {
            <p class="hint">"Need more rows? Save, or use the link below."</p>
        })}
    }
}

#[component]
pub fn AgendaTemplatesPage() -> impl IntoView {
    let create = ServerAction::<CreateAgendaTemplate>::new();
    let list = Resource::new(move || create.version().get(), |_| list_agenda_templates());
    let error = action_error(create);
    view! {
        <Title text="Agenda templates · Hireloop" />
        <section class="page">
            <h1>"Agenda templates"</h1>
            <p class="hint">
                "A time-boxed plan for an interview. Interviews in an opening's plan use one; each scheduled interview gets its own copy to adjust."
            </p>
            {loaded(list, |list: Vec<AgendaTemplateSummary>| {
                if list.is_empty() {
                    return view! { <p class="hint">"No agenda templates yet."</p> }.into_any();
                }
                view! {
                    <TableWrap label="Agenda templates">
                        <table>
                            <caption class="visually-hidden">"Agenda templates"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Items"</th>
                                    <th scope="col">"Minutes"</th>
                                    <th scope="col">"Used in plans"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|t| view! {
                                    <tr>
                                        <td><a href=format!("/agendas/{}", t.id)>{t.name}</a></td>
                                        <td>{t.items}</td>
                                        <td>{t.total_minutes}</td>
                                        <td>{t.used_by}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableWrap>
                }.into_any()
            })}
            <section class="panel">
                <h2>"New agenda template"</h2>
                <ActionForm action=create attr:class="form inline-add" attr:novalidate=true>
                    <FormError error=error />
                    <TextField label="Name of the new agenda template" name="input[name]" error=field_error(error, "name") />
                    <button type="submit">"Add agenda template"</button>
                </ActionForm>
            </section>
        </section>
    }
}

#[component]
pub fn AgendaTemplatePage() -> impl IntoView {
    let id = use_route_id("id");
    let (rows, saved) = use_rows_and_saved();
    let data = Resource::new(
        {
            let id = id.clone();
            move || (id(), rows())
        },
        |(id, rows)| get_agenda_template(id, rows),
    );
    let save = ServerAction::<SaveAgendaTemplate>::new();
    let delete = ServerAction::<DeleteAgendaTemplate>::new();
    let error = action_error(save);
    let delete_error = action_error(delete);
    let saved = saved();
    view! {
        <Title text="Agenda template · Hireloop" />
        <section class="page">
            <p class="breadcrumb"><a href="/agendas">"Agenda templates"</a></p>
            {loaded(data, move |t: AgendaTemplateData| {
                let more = format!("/agendas/{}?rows={}", t.id, t.blank_rows + 3);
                view! {
                    <h1>{format!("Agenda template: {}", t.name)}</h1>
                    {saved.then(|| view! { <div class="form-saved" role="status">"Agenda template saved."</div> })}
                    <TotalLine items=t.items.clone() duration=None />
                    <ActionForm action=save attr:class="form agenda-form" attr:novalidate=true>
                        <FormError error=error />
                        <input type="hidden" name="id" value=t.id />
                        <TextField label="Template name" name="input[name]" value=t.name.clone() error=field_error(error, "name") />
                        <AgendaRows items=t.items.clone() blank_rows=t.blank_rows error=error />
                        <p><a href=more>"Show more blank rows"</a></p>
                        <div class="actions"><button type="submit">"Save agenda template"</button></div>
                    </ActionForm>
                    <ActionForm action=delete attr:class="form">
                        <FormError error=delete_error />
                        <input type="hidden" name="id" value=t.id />
                        <button type="submit" class="danger">"Delete agenda template"</button>
                    </ActionForm>
                }
            })}
        </section>
    }
}

#[component]
pub fn AgendaEditorPage() -> impl IntoView {
    let id = use_route_id("id");
    let (rows, saved) = use_rows_and_saved();
    let data = Resource::new(
        {
            let id = id.clone();
            move || (id(), rows())
        },
        |(id, rows)| get_agenda(id, rows),
    );
    let save = ServerAction::<SaveAgenda>::new();
    let use_template = ServerAction::<UseAgendaTemplate>::new();
    let error = action_error(save);
    let template_error = action_error(use_template);
    let saved = saved();
    view! {
        <Title text="Interview agenda · Hireloop" />
        <section class="page">
            {loaded(data, move |d: AgendaEditorData| view! { <AgendaEditor d saved save use_template error template_error /> })}
        </section>
    }
}

#[component]
fn AgendaEditor(
    d: AgendaEditorData,
    saved: bool,
    save: ServerAction<SaveAgenda>,
    use_template: ServerAction<UseAgendaTemplate>,
    error: Signal<Option<AppError>>,
    template_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = d.interview_id;
    let warnings = super::service_warnings(&d);
    let locked = d.started || d.cancelled;
    let more = format!("/interviews/{id}/agenda?rows={}", d.blank_rows + 3);
    view! {
        <p class="breadcrumb">
            <a href=format!("/interviews/{id}/kit")>"Interview kit"</a>
            " · "
            <a href=format!("/interviews/{id}/live")>"Live interview"</a>
        </p>
        <h1>{format!("Agenda: {} with {}", d.title, d.candidate_name)}</h1>
        <p class="status-line">{d.when.clone()} {format!(" · {} minutes", d.duration_minutes)}</p>
        {saved.then(|| view! { <div class="form-saved" role="status">"Agenda saved."</div> })}
        <TotalLine items=d.items.clone() duration=Some(d.duration_minutes) />
        {d.coding.clone().map(|c| view! {
            <p class="hint">{format!("Assigned challenge: {} (expects {} minutes).", c.challenge, c.expected_minutes)}</p>
        })}
        {(!warnings.is_empty()).then(|| view! {
            <div class="warning-box" role="status">
                <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
            </div>
        })}
        {if locked {
            let why = if d.cancelled { "This interview is cancelled." } else { "This interview has started; its agenda is fixed." };
            view! {
                <p class="notice">{why}</p>
                <ol class="agenda-list">
                    {d.items.iter().map(|i| view! { <li>{format!("{} — {} min", i.title, i.minutes)}</li> }).collect_view()}
                </ol>
            }.into_any()
        } else {
            view! {
                <ActionForm action=save attr:class="form agenda-form" attr:novalidate=true>
                    <FormError error=error />
                    <input type="hidden" name="interview_id" value=id />
                    <AgendaRows items=d.items.clone() blank_rows=d.blank_rows error=error />
                    <p><a href=more>"Show more blank rows"</a></p>
                    <div class="actions"><button type="submit">"Save agenda"</button></div>
                </ActionForm>
                {(!d.templates.is_empty()).then(|| view! {
                    <section class="panel">
                        <h2>"Start from a template"</h2>
                        <ActionForm action=use_template attr:class="form inline-add" attr:novalidate=true>
                            <FormError error=template_error />
                            <input type="hidden" name="interview_id" value=id />
                            <SelectField
                                label="Agenda template"
                                name="input[template_id]"
                                options=d.templates.clone()
                                placeholder="Choose a template"
                                hint="Replaces the items above."
                                error=field_error(template_error, "template_id")
                            />
                            <button type="submit">"Use this template"</button>
                        </ActionForm>
                    </section>
                })}
            }.into_any()
        }}
    }
}
