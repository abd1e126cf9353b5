//! Forms without page reloads on errors (browser only).
//!
//! Every form in Hireloop is a plain HTML form that works without JavaScript: the server
//! answers a post with a redirect — to the next page, or back to the form with the error.
//! Once the bundle has loaded, this module posts forms with `fetch` instead. The server
//! then answers a redirect with its target in a header (see the server's `security`
//! module). A target carrying a form error is fetched and its `<main>` replaces the current
//! one, with what the user typed put back into the form and focus on the first field in
//! error; any other target is loaded as the next page. Nothing is page-specific here: the
//! page with its errors is the one the server renders for a browser without JavaScript.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Document, DomParser, Element, FormData, HtmlElement, HtmlFormElement, HtmlInputElement,
    HtmlSelectElement, HtmlTextAreaElement, Request, RequestInit, Response, SubmitEvent,
    SupportedType, UrlSearchParams,
};

/// The request header that asks the server for the target of a redirect instead.
pub const ENHANCED_HEADER: &str = "x-hireloop-enhanced";
/// The response header carrying that target.
pub const LOCATION_HEADER: &str = "x-hireloop-location";

/// Starts handling form submissions on this page.
pub fn install() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let handler = Closure::<dyn Fn(SubmitEvent)>::new(on_submit);
    let _ = document.add_event_listener_with_callback("submit", handler.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    handler.forget();
}

fn on_submit(event: SubmitEvent) {
    if event.default_prevented() {
        return;
    }
    let Some(form) = event
        .target()
        .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
    else {
        return;
    };
    if !form.method().eq_ignore_ascii_case("post") || !same_origin(&form.action()) {
        return;
    }
    event.prevent_default();
    let submitter = event.submitter();
    leptos::task::spawn_local(async move {
        match submit(&form, submitter).await {
            Ok(()) => {}
            // The post never got an answer: let the browser post the form itself.
            Err(Failure::NotSent) => {
                form.submit().ok();
            }
            // The post was answered but the answer could not be shown in place.
            Err(Failure::Answered) => {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().reload();
                }
            }
        }
    });
}

/// Why a post could not be completed in place.
enum Failure {
    NotSent,
    Answered,
}

fn same_origin(action: &str) -> bool {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return false;
    };
    match (web_sys::Url::new(action), location.origin()) {
        (Ok(url), Ok(origin)) => url.origin() == origin,
        _ => false,
    }
}

/// What the user entered into a form, to put back after the page part is replaced.
struct Entered {
    /// `(name, value)` of text fields, text areas and single selects.
    values: Vec<(String, String)>,
    /// `(name, value, checked)` of checkboxes and radio buttons.
    checks: Vec<(String, String, bool)>,
}

fn controls(form: &HtmlFormElement) -> Vec<Element> {
    let elements = form.elements();
    (0..elements.length())
        .filter_map(|i| elements.item(i))
        .collect()
}

fn entered(form: &HtmlFormElement) -> Entered {
    let mut entered = Entered {
        values: Vec::new(),
        checks: Vec::new(),
    };
    for element in controls(form) {
        if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
            let name = input.name();
            match input.type_().as_str() {
                "checkbox" | "radio" => entered.checks.push((name, input.value(), input.checked())),
                // Secrets are not kept; hidden fields come from the server.
                "password" | "file" | "hidden" | "submit" | "button" | "reset" => {}
                _ => entered.values.push((name, input.value())),
            }
        } else if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
            entered.values.push((area.name(), area.value()));
        } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
            entered.values.push((select.name(), select.value()));
        }
    }
    entered
}

fn restore(form: &HtmlFormElement, entered: &Entered) {
    let mut used = vec![false; entered.values.len()];
    for element in controls(form) {
        let name = Reflect::get(&element, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
            if matches!(input.type_().as_str(), "checkbox" | "radio") {
                let value = input.value();
                if let Some((_, _, checked)) = entered
                    .checks
                    .iter()
                    .find(|(n, v, _)| *n == name && *v == value)
                {
                    input.set_checked(*checked);
                }
                continue;
            }
            if matches!(
                input.type_().as_str(),
                "password" | "file" | "hidden" | "submit" | "button" | "reset"
            ) {
                continue;
            }
        }
        // Fields with the same name are matched in order.
        let Some(index) = entered
            .values
            .iter()
            .enumerate()
            .position(|(i, (n, _))| !used[i] && *n == name)
        else {
            continue;
        };
        used[index] = true;
        let value = &entered.values[index].1;
        if let Some(input) = element.dyn_ref::<HtmlInputElement>() {
            input.set_value(value);
        } else if let Some(area) = element.dyn_ref::<HtmlTextAreaElement>() {
            area.set_value(value);
        } else if let Some(select) = element.dyn_ref::<HtmlSelectElement>() {
            select.set_value(value);
        }
    }
}

/// The form's position among the forms posting to the same address (to find it again in
/// the new page).
fn position(document: &Document, form: &HtmlFormElement) -> Option<(String, u32)> {
    let action = form.get_attribute("action")?;
    let forms = document.forms();
    let mut index = 0;
    for i in 0..forms.length() {
        let other = forms.item(i)?;
        if other.get_attribute("action").as_deref() == Some(action.as_str()) {
            if other.is_same_node(Some(form)) {
                return Some((action, index));
            }
            index += 1;
        }
    }
    None
}

fn find_form(document: &Document, action: &str, index: u32) -> Option<HtmlFormElement> {
    let forms = document.forms();
    (0..forms.length())
        .filter_map(|i| forms.item(i))
        .filter(|f| f.get_attribute("action").as_deref() == Some(action))
        .nth(index as usize)
        .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
}

fn set_busy(form: &HtmlFormElement, busy: bool) {
    let _ = form.set_attribute("aria-busy", if busy { "true" } else { "false" });
}

async fn fetch(request: &Request) -> Result<Response, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    JsFuture::from(window.fetch_with_request(request))
        .await?
        .dyn_into::<Response>()
}

async fn submit(form: &HtmlFormElement, submitter: Option<HtmlElement>) -> Result<(), Failure> {
    let not_sent = |_| Failure::NotSent;
    let answered = |_| Failure::Answered;
    let window = web_sys::window().ok_or(Failure::NotSent)?;
    let document = window.document().ok_or(Failure::NotSent)?;
    let data = FormData::new_with_form(form).map_err(not_sent)?;
    if let Some(button) = submitter {
        let name = button.get_attribute("name").unwrap_or_default();
        if !name.is_empty() {
            data.append_with_str(&name, &button.get_attribute("value").unwrap_or_default())
                .map_err(not_sent)?;
        }
    }
    let init = RequestInit::new();
    init.set_method("POST");
    if form.enctype() == "multipart/form-data" {
        init.set_body(&data.clone().into());
    } else {
        let pairs = Array::from(&data);
        let params = UrlSearchParams::new_with_str_sequence_sequence(&pairs).map_err(not_sent)?;
        init.set_body(&params.into());
    }
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let request = Request::new_with_str_and_init(&form.action(), &init).map_err(not_sent)?;
    request
        .headers()
        .set("Accept", "text/html")
        .map_err(not_sent)?;
    request
        .headers()
        .set(ENHANCED_HEADER, "1")
        .map_err(not_sent)?;

    let entered = entered(form);
    let place = position(&document, form);
    set_busy(form, true);
    let response = fetch(&request).await;
    set_busy(form, false);
    let response = response.map_err(not_sent)?;
    let target = response.headers().get(LOCATION_HEADER).map_err(answered)?;
    let response = match target {
        Some(target) if !target.contains("__err=") => {
            return window.location().assign(&target).map_err(answered);
        }
        // The form came back with an error: show the page the server renders for it.
        Some(target) => {
            let page = Request::new_with_str(&target).map_err(answered)?;
            page.headers()
                .set("Accept", "text/html")
                .map_err(answered)?;
            fetch(&page).await.map_err(answered)?
        }
        // No redirect (a refusal before the form was handled): show that answer.
        None => response,
    };
    let html = JsFuture::from(response.text().map_err(answered)?)
        .await
        .map_err(answered)?
        .as_string()
        .unwrap_or_default();
    let parsed = DomParser::new()
        .and_then(|p| p.parse_from_string(&html, SupportedType::TextHtml))
        .map_err(answered)?;
    let (Some(fresh), Some(current)) = (
        parsed.get_element_by_id("main"),
        document.get_element_by_id("main"),
    ) else {
        return Err(Failure::Answered);
    };
    let fresh = document
        .import_node_with_deep(&fresh, true)
        .map_err(answered)?;
    current.replace_with_with_node_1(&fresh).map_err(answered)?;
    let form = place.and_then(|(action, index)| find_form(&document, &action, index));
    if let Some(form) = &form {
        restore(form, &entered);
    }
    hydrate_islands(&document);
    focus_problem(&document, form.as_ref());
    Ok(())
}

/// Islands in the new part of the page get their interactivity (Leptos's island script
/// exposes `__hydrateIsland`).
fn hydrate_islands(document: &Document) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(hydrate) = Reflect::get(&window, &"__hydrateIsland".into()) else {
        return;
    };
    let Some(hydrate) = hydrate.dyn_ref::<js_sys::Function>() else {
        return;
    };
    let Ok(islands) = document.query_selector_all("#main leptos-island") else {
        return;
    };
    for i in 0..islands.length() {
        if let Some(island) = islands
            .item(i)
            .and_then(|n| n.dyn_into::<HtmlElement>().ok())
        {
            let component = island.dataset().get("component").unwrap_or_default();
            let _ = hydrate.call2(&JsValue::NULL, &island, &component.into());
        }
    }
}

/// Moves focus to the first field in error, else to the form's message, else the form.
fn focus_problem(document: &Document, form: Option<&HtmlFormElement>) {
    let scope: Option<Element> = form.map(|f| f.clone().into());
    let find = |selector: &str| -> Option<HtmlElement> {
        let found = match &scope {
            Some(scope) => scope.query_selector(selector).ok().flatten(),
            None => None,
        }
        .or_else(|| {
            document
                .query_selector(&format!("#main {selector}"))
                .ok()
                .flatten()
        });
        found.and_then(|e| e.dyn_into::<HtmlElement>().ok())
    };
    let target = find("[aria-invalid=\"true\"]")
        .or_else(|| find("[role=\"alert\"]"))
        .or_else(|| form.map(|f| f.clone().into()));
    if let Some(target) = target {
        let focusable = matches!(
            target.tag_name().as_str(),
            "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON" | "A"
        );
        if !focusable && target.get_attribute("tabindex").is_none() {
            let _ = target.set_attribute("tabindex", "-1");
        }
        let _ = target.focus();
    }
}
