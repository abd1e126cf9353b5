//! The skill-area checkboxes that plans, openings and interview loops share.

use crate::skills::SkillRef;
use leptos::prelude::*;

/// A group of skill-area checkboxes submitting their ids as `{name}[]`.
#[component]
pub fn SkillChecks(
    #[prop(into)] legend: String,
    /// The form name of the list, e.g. `input[skills]`.
    #[prop(into)]
    name: String,
    options: Vec<SkillRef>,
    checked: Vec<i64>,
    #[prop(into)] error: Signal<Option<String>>,
    /// Makes the checkbox ids unique when several groups share a page.
    #[prop(into)]
    id_prefix: String,
    /// Added to each option's label, e.g. " (interviewer 2)", so that every checkbox has a
    /// unique accessible name.
    #[prop(into, optional)]
    label_suffix: String,
) -> impl IntoView {
    let error_id = format!("{id_prefix}-error");
    let described = error_id.clone();
    view! {
        <fieldset
            class="checks-group"
            class:has-error=move || error.get().is_some()
            aria-describedby=move || error.get().map(|_| described.clone())
        >
            <legend>{legend}</legend>
            <div class="checks">
                {options
                    .into_iter()
                    .map(|skill| {
                        let id = format!("{id_prefix}-{}", skill.id);
                        let is_checked = checked.contains(&skill.id);
                        view! {
                            <label class="choice" for=id.clone()>
                                <input
                                    id=id.clone()
                                    type="checkbox"
                                    name=format!("{name}[]")
                                    value=skill.id
                                    checked=is_checked
                                    prop:checked=is_checked
                                />
                                {format!("{}{label_suffix}", skill.name)}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            {move || {
                error
                    .get()
                    .map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })
            }}
        </fieldset>
    }
}
