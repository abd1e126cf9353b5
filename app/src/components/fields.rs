//! Labelled form fields that show their own error, and form-level messages.

use crate::error::AppError;
use leptos::prelude::*;

/// The element id for a field named `name` (`input[title]` gives `field-title`).
pub fn field_id(name: &str) -> String {
    let inner = name.strip_prefix("input").unwrap_or(name);
    let cleaned: String = inner
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('-').replace("--", "-");
    format!("field-{cleaned}")
}

fn describedby(id: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The message under a field, tied to it with `aria-describedby`.
#[component]
fn FieldMessage(id: String, error: MaybeProp<String>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! {
                <p class="field-error" id=format!("{id}-error")>
                    {message}
                </p>
            }
        })
    }
}

// Inputs set both the attribute (server-rendered HTML, forms without JavaScript) and the
// DOM property (client-side navigation reuses elements, and a property once changed by the
// user no longer follows the attribute).

/// A labelled single-line input.
#[component]
pub fn TextField(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    #[prop(into, default = "text".into())] kind: String,
    #[prop(into, optional)] value: MaybeProp<String>,
    #[prop(into, optional)] error: MaybeProp<String>,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(into, optional)] autocomplete: Option<String>,
    #[prop(into, optional)] id: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(into, optional)] min: Option<String>,
    #[prop(into, optional)] max: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| field_id(&name));
    let has_hint = hint.is_some();
    let described = {
        let id = id.clone();
        move || describedby(&id, has_hint, error.get().is_some())
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <input
                id=id.clone()
                type=kind
                name=name
                value=move || value.get()
                prop:value=move || value.get().unwrap_or_default()
                required=required
                autocomplete=autocomplete
                min=min
                max=max
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described
            />
            <FieldMessage id=id error=error />
        </div>
    }
}

/// A labelled multi-line input.
#[component]
pub fn TextArea(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    #[prop(into, optional)] value: MaybeProp<String>,
    #[prop(into, optional)] error: MaybeProp<String>,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(into, optional)] id: Option<String>,
    #[prop(default = 6)] rows: u32,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| field_id(&name));
    let has_hint = hint.is_some();
    let described = {
        let id = id.clone();
        move || describedby(&id, has_hint, error.get().is_some())
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <textarea
                id=id.clone()
                name=name
                rows=rows
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described
                prop:value=move || value.get().unwrap_or_default()
                // Leptos writes a textarea's children unescaped (raw text, like a script's),
                // so stored text holding `</textarea>` would end the field and inject markup.
                // Escaped here, the browser reads it back as exactly the text typed.
                inner_html=move || html_escape::encode_text(&value.get().unwrap_or_default()).into_owned()
            >
            </textarea>
            <FieldMessage id=id error=error />
        </div>
    }
}

/// A password input with a "Show password" toggle (the toggle appears once the page is
/// interactive; without JavaScript the field works as a plain password field).
#[component]
pub fn PasswordField(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    #[prop(into, optional)] error: MaybeProp<String>,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(into, default = "current-password".into())] autocomplete: String,
) -> impl IntoView {
    let id = field_id(&name);
    let has_hint = hint.is_some();
    let described = {
        let id = id.clone();
        move || describedby(&id, has_hint, error.get().is_some())
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <div class="password-row">
                <input
                    id=id.clone()
                    type="password"
                    name=name
                    required=true
                    autocomplete=autocomplete
                    aria-invalid=move || error.get().map(|_| "true")
                    aria-describedby=described
                />
                <PasswordToggle target=id.clone() />
            </div>
            <FieldMessage id=id error=error />
        </div>
    }
}

/// The "Show password" button of the password field with the element id `target` (an
/// island: hidden until the page is interactive).
#[island]
fn PasswordToggle(target: String) -> impl IntoView {
    let (shown, set_shown) = signal(false);
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    let field = target.clone();
    let toggle = move |_| {
        let show = !shown.get_untracked();
        set_shown.set(show);
        #[cfg(feature = "hydrate")]
        if let Some(input) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&field))
        {
            let _ = input.set_attribute("type", if show { "text" } else { "password" });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &field;
    };
    view! {
        <button
            type="button"
            class="secondary small"
            hidden=move || !ready.get()
            aria-controls=target
            aria-pressed=move || shown.get().to_string()
            on:click=toggle
        >
            {move || if shown.get() { "Hide password" } else { "Show password" }}
        </button>
    }
}

/// A labelled drop-down.
#[component]
pub fn SelectField(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    /// `(value, label)` pairs.
    options: Vec<(String, String)>,
    #[prop(into, optional)] selected: MaybeProp<String>,
    #[prop(into, optional)] error: MaybeProp<String>,
    #[prop(into, optional)] hint: Option<String>,
    #[prop(into, optional)] id: Option<String>,
    /// A first, empty choice ("Choose…").
    #[prop(into, optional)]
    placeholder: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| field_id(&name));
    let has_hint = hint.is_some();
    let described = {
        let id = id.clone();
        move || describedby(&id, has_hint, error.get().is_some())
    };
    // What the browser would pick with nothing selected: the placeholder or the first option.
    let default = if placeholder.is_some() {
        String::new()
    } else {
        options.first().map(|(v, _)| v.clone()).unwrap_or_default()
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <select
                id=id.clone()
                name=name
                inner_html=options_html(placeholder.as_deref(), &options, selected.get_untracked().as_deref())
                prop:value=move || selected.get().unwrap_or_else(|| default.clone())
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described
            >
            </select>
            <FieldMessage id=id error=error />
        </div>
    }
}

/// A select's `<option>`s as one escaped string. Pickers with hundreds of choices (time
/// zones, people) render in one piece instead of a view per option, and an option whose
/// value is its text carries no `value` attribute (the browser sends the text).
fn options_html(
    placeholder: Option<&str>,
    options: &[(String, String)],
    selected: Option<&str>,
) -> String {
    use html_escape::{encode_double_quoted_attribute as attribute, encode_text as text};
    use std::fmt::Write;
    let mut html = String::with_capacity(options.len() * 40);
    if let Some(placeholder) = placeholder {
        let _ = write!(html, "<option value=\"\">{}</option>", text(placeholder));
    }
    for (value, label) in options {
        html.push_str("<option");
        if value != label {
            let _ = write!(html, " value=\"{}\"", attribute(value));
        }
        if selected == Some(value.as_str()) {
            html.push_str(" selected");
        }
        let _ = write!(html, ">{}</option>", text(label));
    }
    html
}

/// The message for a whole form: what failed, or the summary of field errors.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            let message = match &error {
                AppError::Invalid(fields) => fields
                    .get("form")
                    .map_or_else(|| error.to_string(), ToOwned::to_owned),
                other => other.to_string(),
            };
            view! {
                <div class="form-error" role="alert">
                    {message}
                </div>
            }
        })
    }
}

/// A success note shown after a form was saved.
#[component]
pub fn FormSaved(#[prop(into)] when: Signal<bool>, #[prop(into)] message: String) -> impl IntoView {
    move || {
        when.get().then(|| {
            view! {
                <div class="form-saved" role="status">
                    {message.clone()}
                </div>
            }
        })
    }
}

/// A table that may scroll sideways on a narrow screen. The scrolling region can be reached
/// and scrolled with the keyboard, and is announced by `label`.
#[component]
pub fn TableWrap(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap" role="region" aria-label=label tabindex="0">
            {children()}
        </div>
    }
}
