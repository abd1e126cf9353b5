//! Hireloop's application: pages, server functions and the domain rules behind them.
//!
//! The crate is compiled twice: with `ssr` for the server (rendering, server functions,
//! services and repositories) and with `hydrate` for the browser bundle. Pages are Leptos
//! islands: rendered on the server, with only the `#[island]` components (and the form
//! enhancer in `enhance`) compiled into the bundle.

// Optimised builds keep every view's full static type (debug builds erase them), and the
// board's nesting is deeper than the default limit of 128.
#![recursion_limit = "256"]

pub mod admin;
pub mod agendas;
pub mod app;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod candidates;
pub mod challenges;
pub mod components;
pub mod dashboard;
pub mod debriefs;
pub mod error;
mod form_encoding;
pub mod interviews;
pub mod live;
pub mod mail;
pub mod openings;
pub mod paging;
pub mod scorecards;
pub mod skills;
pub mod users;
pub mod values;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod endpoint;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod time;

#[cfg(feature = "hydrate")]
mod agenda_total;
#[cfg(feature = "hydrate")]
mod enhance;

/// Entry point of the browser bundle. Pages are rendered on the server; Leptos's island
/// script then hydrates the islands (the interactive parts) itself. Here forms start
/// posting without page reloads.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    enhance::install();
    agenda_total::install();
    scorecards::autosave::install();
    // A marker for tests and styles: client code now runs on this page.
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
