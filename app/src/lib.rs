//! Hireloop's application: pages, server functions and the domain rules behind them.
//!
//! The crate is compiled twice: with `ssr` for the server (rendering, server functions,
//! services and repositories) and with `hydrate` for the browser bundle that makes the
//! server-rendered pages interactive.

// Optimised builds keep every view's full static type (debug builds erase them), and the
// board's nesting is deeper than the default limit of 128.
#![recursion_limit = "256"]

pub mod admin;
pub mod app;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod candidates;
pub mod components;
pub mod dashboard;
pub mod error;
mod form_encoding;
pub mod interviews;
pub mod openings;
pub mod paging;
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

/// Entry point of the browser bundle: attaches the client to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // A marker for tests and styles: client code now runs on this page.
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}
