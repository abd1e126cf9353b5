//! The interview plan editor: stages in order, the internal-transfer track, and the
//! interview templates of each interview stage.

use super::api::{
    get_plan, AddStage, AddTemplate, CopyPlan, DeleteStage, DeleteTemplate, MoveStage,
    SetTemplateAgenda, UpdateStage,
};
use super::{PlanData, Stage, StageKind};
use crate::components::{
    action_error, field_error, loaded, use_route_id, FormError, SelectField, SkillChecks, TextField,
};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

/// All actions of the page, shared by its parts.
#[derive(Clone, Copy)]
struct PlanActions {
    add_stage: ServerAction<AddStage>,
    update_stage: ServerAction<UpdateStage>,
    move_stage: ServerAction<MoveStage>,
    delete_stage: ServerAction<DeleteStage>,
    /// Bumped when a stage's own "add interview" form saved.
    refresh: RwSignal<usize>,
    delete_template: ServerAction<DeleteTemplate>,
    set_agenda: ServerAction<SetTemplateAgenda>,
    copy_plan: ServerAction<CopyPlan>,
}

impl PlanActions {
    fn version(&self) -> usize {
        self.add_stage.version().get()
            + self.update_stage.version().get()
            + self.move_stage.version().get()
            + self.delete_stage.version().get()
            + self.refresh.get()
            + self.delete_template.version().get()
            + self.set_agenda.version().get()
            + self.copy_plan.version().get()
    }
}

#[component]
pub fn PlanPage() -> impl IntoView {
    let id = use_route_id("id");
    let actions = PlanActions {
        add_stage: ServerAction::new(),
        update_stage: ServerAction::new(),
        move_stage: ServerAction::new(),
        delete_stage: ServerAction::new(),
        refresh: RwSignal::new(0),
        delete_template: ServerAction::new(),
        set_agenda: ServerAction::new(),
        copy_plan: ServerAction::new(),
    };
    let plan = Resource::new(
        {
            let id = id.clone();
            move || (id(), actions.version())
        },
        |(id, _)| get_plan(id),
    );
    let stage_error = action_error(actions.update_stage);
    let delete_error = action_error(actions.delete_stage);
    let template_delete_error = action_error(actions.delete_template);
    let agenda_error = action_error(actions.set_agenda);
    view! {
        <Title text="Interview plan · Hireloop" />
        <section class="page">
            <p class="breadcrumb">
                <a href=move || format!("/openings/{}", id())>"Opening"</a>
            </p>
            <FormError error=stage_error />
            <FormError error=delete_error />
            <FormError error=template_delete_error />
            <FormError error=agenda_error />
            {loaded(plan, move |data: PlanData| view! { <PlanEditor data actions /> })}
        </section>
    }
}

#[component]
fn PlanEditor(data: PlanData, actions: PlanActions) -> impl IntoView {
    let opening_id = data.opening.id;
    let count = data.opening.stages.len();
    let add_error = action_error(actions.add_stage);
    let copy_error = action_error(actions.copy_plan);
    view! {
        <h1>{format!("Interview plan: {}", data.opening.title)}</h1>
        <p class="hint">
            "Candidates move through the stages in this order. Interview stages hold the interviews of the loop, each covering skill areas. Internal candidates skip the stages marked for their track (e.g. the phone screen)."
        </p>
        {(!data.opening.uncovered_by_plan.is_empty())
            .then(|| {
                view! {
                    <div class="warning-box" role="status">
                        "No interview covers: "
                        {data.opening.uncovered_by_plan.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ")}
                    </div>
                }
            })}
        {data
            .opening
            .stages
            .iter()
            .enumerate()
            .map(|(index, stage)| {
                view! { <StageEditor stage=stage.clone() first=index == 0 last=index + 1 == count areas=data.skill_areas.clone() agendas=data.agendas.clone() actions /> }
            })
            .collect_view()}
        <section class="panel">
            <h2>"Add a stage"</h2>
            <ActionForm action=actions.add_stage attr:class="form" attr:novalidate=true>
                <FormError error=add_error />
                <input type="hidden" name="opening_id" value=opening_id />
                <div class="row">
                    <TextField label="Stage name" name="input[name]" id="new-stage-name" error=field_error(add_error, "name") />
                    <SelectField
                        label="What happens in it"
                        name="input[kind]"
                        id="new-stage-kind"
                        options=StageKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect()
                        selected="interview".to_owned()
                        error=field_error(add_error, "kind")
                    />
                </div>
                <label class="choice">
                    <input type="checkbox" name="input[skip_for_internal]" value="on" />
                    "Internal candidates skip this stage"
                </label>
                <div class="actions">
                    <button type="submit">"Add stage"</button>
                </div>
            </ActionForm>
        </section>
        {(data.can_copy && !data.copy_sources.is_empty())
            .then(|| {
                view! {
                    <section class="panel">
                        <h2>"Copy a plan"</h2>
                        <p class="hint">"Fills this empty plan with a copy of another opening's stages and interviews."</p>
                        <ActionForm action=actions.copy_plan attr:class="inline-form">
                            <FormError error=copy_error />
                            <input type="hidden" name="opening_id" value=opening_id />
                            <SelectField
                                label="Copy the plan of"
                                name="input[source_id]"
                                options=data.copy_sources.iter().map(|o| (o.id.to_string(), o.name.clone())).collect()
                                error=field_error(copy_error, "source_id")
                            />
                            <button type="submit" class="secondary">"Copy plan"</button>
                        </ActionForm>
                    </section>
                }
            })}
    }
}

#[component]
fn StageEditor(
    stage: Stage,
    first: bool,
    last: bool,
    areas: Vec<crate::skills::SkillArea>,
    agendas: Vec<(String, String)>,
    actions: PlanActions,
) -> impl IntoView {
    let sid = stage.id;
    let name = stage.name.clone();
    // Each stage has its own form, so its errors show next to its own fields.
    let add_template = ServerAction::<AddTemplate>::new();
    let template_error: Signal<Option<AppError>> = action_error(add_template);
    let refresh = actions.refresh;
    Effect::new(move |_| {
        if let Some(Ok(_)) = add_template.value().get() {
            refresh.update(|n| *n += 1);
        }
    });
    let name_id = format!("stage-{sid}-name");
    let name_label = format!("Name of {name}");
    let skip_label = format!("Internal candidates skip {name}");
    let save_label = format!("Save {name}");
    let up_label = format!("Move {name} up");
    let down_label = format!("Move {name} down");
    let delete_label = format!("Delete {name}");
    let templates = stage.templates.clone();
    let templates_view = (stage.kind == StageKind::Interview).then(move || {
        let list = if templates.is_empty() {
            view! { <p class="hint">"None yet."</p> }.into_any()
        } else {
            view! {
                <ul>
                    {templates
                        .into_iter()
                        .map(|t| {
                            let covers = t.skill_areas.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ");
                            let agenda_choices = agendas.clone();
                            let agenda_label = format!("Agenda of {}", t.name);
                            let agenda_button = format!("Save agenda of {}", t.name);
                            view! {
                                <li>
                                    <strong>{t.name.clone()}</strong>
                                    {format!(" — {} min — covers {covers}", t.duration_minutes)}
                                    {t.agenda.clone().map(|(_, a)| format!(" — agenda: {a}"))}
                                    " "
                                    <ActionForm action=actions.set_agenda attr:class="inline-form">
                                        <input type="hidden" name="template_id" value=t.id />
                                        <SelectField
                                            label=agenda_label
                                            name="input[agenda_template_id]"
                                            id=format!("template-{}-agenda-now", t.id)
                                            options=agenda_choices
                                            placeholder="No agenda"
                                            selected=t.agenda.as_ref().map(|(id, _)| id.to_string()).unwrap_or_default()
                                        />
                                        <button type="submit" class="secondary small">{agenda_button}</button>
                                    </ActionForm>
                                    <ActionForm action=actions.delete_template attr:class="inline-form">
                                        <input type="hidden" name="template_id" value=t.id />
                                        <button type="submit" class="secondary small">{format!("Remove {}", t.name)}</button>
                                    </ActionForm>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        };
        view! {
            <h3>"Interviews in this stage"</h3>
            {list}
            <details>
                <summary>{format!("Add an interview to {name}")}</summary>
                <ActionForm action=add_template attr:class="form" attr:novalidate=true>
                    <FormError error=template_error />
                    <input type="hidden" name="stage_id" value=sid />
                    <div class="row">
                        <TextField
                            label=format!("Interview name ({name})")
                            name="input[name]"
                            id=format!("template-{sid}-name")
                            error=field_error(template_error, "name")
                        />
                        <TextField
                            label=format!("Length in minutes ({name})")
                            name="input[duration_minutes]"
                            kind="number"
                            id=format!("template-{sid}-duration")
                            value="45".to_owned()
                            error=field_error(template_error, "duration_minutes")
                        />
                    </div>
                    <SkillChecks
                        legend="Skill areas this interview covers"
                        name="input[skills]"
                        id_prefix=format!("template-{sid}-skill")
                        options=crate::skills::choices(&areas, &[])
                        checked=Vec::new()
                        error=field_error(template_error, "skills")
                    />
                    <SelectField
                        label=format!("Agenda ({name})")
                        name="input[agenda_template_id]"
                        id=format!("template-{sid}-agenda")
                        options=agendas.clone()
                        placeholder="No agenda"
                        hint="Each interview scheduled from this one starts with a copy of this agenda."
                        error=field_error(template_error, "agenda_template_id")
                    />
                    <button type="submit">{format!("Add interview to {name}")}</button>
                </ActionForm>
            </details>
        }
    });
    view! {
        <section class="panel stage-panel">
            <h2>
                {format!("{}. {}", stage.position, stage.name)} " "
                <span class="badge">{stage.kind.label()}</span>
                {stage.skip_for_internal.then(|| view! { <span class="badge badge-internal">"Internal candidates skip"</span> })}
            </h2>
            <ActionForm action=actions.update_stage attr:class="inline-form">
                <input type="hidden" name="stage_id" value=sid />
                <label for=name_id.clone() class="visually-hidden">{name_label}</label>
                <input id=name_id type="text" name="input[name]" value=stage.name.clone() />
                <label class="choice">
                    <input type="checkbox" name="input[skip_for_internal]" value="on" checked=stage.skip_for_internal />
                    {skip_label}
                </label>
                <button type="submit" class="secondary small">{save_label}</button>
            </ActionForm>
            <div class="inline-form">
                {(!first)
                    .then(|| {
                        view! {
                            <ActionForm action=actions.move_stage attr:class="inline-form">
                                <input type="hidden" name="stage_id" value=sid />
                                <input type="hidden" name="direction" value="up" />
                                <button type="submit" class="secondary small">{up_label}</button>
                            </ActionForm>
                        }
                    })}
                {(!last)
                    .then(|| {
                        view! {
                            <ActionForm action=actions.move_stage attr:class="inline-form">
                                <input type="hidden" name="stage_id" value=sid />
                                <input type="hidden" name="direction" value="down" />
                                <button type="submit" class="secondary small">{down_label}</button>
                            </ActionForm>
                        }
                    })}
                <ActionForm action=actions.delete_stage attr:class="inline-form">
                    <input type="hidden" name="stage_id" value=sid />
                    <button type="submit" class="danger small">{delete_label}</button>
                </ActionForm>
            </div>
            {templates_view}
        </section>
    }
}
