//! Keeps an agenda form's "40 of 45 minutes planned" line up to date while minutes are
//! typed (browser only; the server renders the same line on every load).

use crate::agendas::rules;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlInputElement};

/// Starts listening on this page.
pub fn install() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let handler = Closure::<dyn Fn(Event)>::new(on_input);
    let _ = document.add_event_listener_with_callback("input", handler.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    handler.forget();
}

fn on_input(event: Event) {
    let Some(form) = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| el.closest("form.agenda-form").ok().flatten())
    else {
        return;
    };
    let Some(line) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("agenda-total"))
    else {
        return;
    };
    let Ok(rows) = form.query_selector_all("fieldset.agenda-row") else {
        return;
    };
    let mut total = 0_i64;
    for index in 0..rows.length() {
        let Some(row) = rows.item(index).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let removed = input_in(&row, "input[name$='[remove]']").is_some_and(|i| i.checked());
        let minutes = input_in(&row, "input[name$='[minutes]']")
            .and_then(|i| i.value().trim().parse::<i64>().ok())
            .filter(|m| *m > 0);
        if let (false, Some(minutes)) = (removed, minutes) {
            total += minutes;
        }
    }
    let text = match line
        .get_attribute("data-duration")
        .and_then(|d| d.parse::<i64>().ok())
    {
        Some(duration) => {
            let balance = rules::balance(total, duration);
            let _ = line
                .class_list()
                .toggle_with_force("over", matches!(balance, rules::Balance::Over(_)));
            balance.describe(total, duration)
        }
        None => format!("{total} minutes in all."),
    };
    line.set_text_content(Some(&text));
}

fn input_in(row: &Element, selector: &str) -> Option<HtmlInputElement> {
    row.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
}
