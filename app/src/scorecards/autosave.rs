//! Autosaves the scorecard form while the interviewer types (browser only): 0.8 s after the
//! last change the form is posted as a draft, the draft's new revision goes into the form,
//! and a status line says "Saved" — or, when the server is out of reach, keeps retrying
//! every 3 s, or, when another tab saved a newer draft, says so and stops (nothing is
//! overwritten). Without JavaScript the "Save draft" button does the same.

use js_sys::{Array, Reflect};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Element, Event, FormData, HtmlFormElement, HtmlInputElement, Request, RequestInit};

const DEBOUNCE_MS: i32 = 800;
const RETRY_MS: i32 = 3_000;

thread_local! {
    /// The pending timer, a save in flight, and a change made during it.
    static TIMER: Cell<Option<i32>> = const { Cell::new(None) };
    static SAVING: Cell<bool> = const { Cell::new(false) };
    static DIRTY: Cell<bool> = const { Cell::new(false) };
    /// Set once another tab's newer draft was found: no more saves from this copy.
    static STALE: Cell<bool> = const { Cell::new(false) };
    static CALLBACK: RefCell<Option<Closure<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Starts listening on this page.
pub fn install() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let handler = Closure::<dyn Fn(Event)>::new(on_change);
    for kind in ["input", "change"] {
        let _ = document.add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    handler.forget();
    CALLBACK.with(|c| {
        *c.borrow_mut() = Some(Closure::<dyn Fn()>::new(|| {
            TIMER.with(|t| t.set(None));
            leptos::task::spawn_local(save());
        }));
    });
}

fn form() -> Option<HtmlFormElement> {
    web_sys::window()?
        .document()?
        .query_selector("form.scorecard-form")
        .ok()
        .flatten()
        .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
}

fn status(text: &str) {
    if let Some(line) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("autosave-status"))
    {
        line.set_text_content(Some(text));
    }
}

fn on_change(event: Event) {
    let in_form = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("form.scorecard-form").ok().flatten())
        .is_some();
    if !in_form || STALE.with(Cell::get) {
        return;
    }
    DIRTY.with(|d| d.set(true));
    status("Not saved yet");
    schedule(DEBOUNCE_MS);
}

fn schedule(delay: i32) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(old) = TIMER.with(Cell::take) {
        window.clear_timeout_with_handle(old);
    }
    CALLBACK.with(|c| {
        if let Some(callback) = c.borrow().as_ref() {
            if let Ok(handle) = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                delay,
            ) {
                TIMER.with(|t| t.set(Some(handle)));
            }
        }
    });
}

/// How a save went.
enum Saved {
    Ok(String),
    /// The server refused it: the message to show.
    Refused(String, bool),
    Unreachable,
}

async fn save() {
    if SAVING.with(Cell::get) {
        // The change will be saved when the save in flight is done.
        return;
    }
    let Some(form) = form() else { return };
    SAVING.with(|s| s.set(true));
    DIRTY.with(|d| d.set(false));
    status("Saving…");
    let outcome = post(&form).await;
    SAVING.with(|s| s.set(false));
    match outcome {
        Saved::Ok(at) => {
            if DIRTY.with(Cell::get) {
                schedule(0);
            } else {
                status(&format!("Saved {at}"));
            }
        }
        Saved::Refused(message, stale) => {
            if stale {
                STALE.with(|s| s.set(true));
            }
            status(&format!("Not saved: {message}"));
        }
        Saved::Unreachable => {
            DIRTY.with(|d| d.set(true));
            status("Not saved: the server cannot be reached. Retrying…");
            schedule(RETRY_MS);
        }
    }
}

async fn post(form: &HtmlFormElement) -> Saved {
    let Ok(data) = FormData::new_with_form(form) else {
        return Saved::Unreachable;
    };
    let _ = data.set_with_str("input[intent]", "autosave");
    data.delete("input[acknowledge]");
    let pairs = Array::from(&data);
    let Ok(params) = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&pairs) else {
        return Saved::Unreachable;
    };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&params.into());
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    let Ok(request) = Request::new_with_str_and_init(&form.action(), &init) else {
        return Saved::Unreachable;
    };
    let _ = request.headers().set("Accept", "application/json");
    let Some(window) = web_sys::window() else {
        return Saved::Unreachable;
    };
    let Ok(response) = JsFuture::from(window.fetch_with_request(&request)).await else {
        return Saved::Unreachable;
    };
    let Ok(response) = response.dyn_into::<web_sys::Response>() else {
        return Saved::Unreachable;
    };
    let status = response.status();
    let Ok(json) = response.json() else {
        return Saved::Unreachable;
    };
    let Ok(body) = JsFuture::from(json).await else {
        return if status >= 500 || status == 0 {
            Saved::Unreachable
        } else {
            Saved::Refused(
                "the server's answer could not be read; use “Save draft”.".into(),
                false,
            )
        };
    };
    if response.ok() {
        let revision = Reflect::get(&body, &"revision".into())
            .ok()
            .and_then(|r| r.as_f64());
        let at = Reflect::get(&body, &"saved_at".into())
            .ok()
            .and_then(|r| r.as_string())
            .unwrap_or_default();
        if let (Some(revision), Some(field)) = (
            revision,
            form.query_selector("input[name='input[revision]']")
                .ok()
                .flatten()
                .and_then(|f| f.dyn_into::<HtmlInputElement>().ok()),
        ) {
            field.set_value(&format!("{revision}"));
        }
        return Saved::Ok(at);
    }
    if status >= 500 {
        return Saved::Unreachable;
    }
    Saved::Refused(message_of(&body), status == 409)
}

/// The message of an error answer (`{"Conflict": "…"}`, `{"Invalid": [[field, msg], …]}`).
fn message_of(body: &JsValue) -> String {
    if let Some(text) = Reflect::get(body, &"Conflict".into())
        .ok()
        .and_then(|v| v.as_string())
    {
        return text;
    }
    if let Ok(fields) = Reflect::get(body, &"Invalid".into()) {
        if let Some(first) = Array::from(&fields).iter().next() {
            let pair = Array::from(&first);
            if let Some(message) = pair.get(1).as_string() {
                return format!("{message} Use “Save draft” to see where.");
            }
        }
    }
    "the server refused the draft; use “Save draft” to see why.".into()
}
