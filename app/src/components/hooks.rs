//! Hooks every page uses: ids from the route, the outcome of a form's action, and what to
//! do after a successful save.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_navigate, use_params_map};

/// The error of a server action's last run, if it failed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// True once the last run of `action` succeeded.
pub fn action_succeeded<S>(action: ServerAction<S>) -> Signal<bool>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || matches!(action.value().get(), Some(Ok(_))))
}

/// The message for one field from a form's error.
pub fn field_error(
    error: Signal<Option<AppError>>,
    field: impl Into<String>,
) -> Signal<Option<String>> {
    let field = field.into();
    Signal::derive(move || error.get().and_then(|e| e.field(&field)))
}

/// True after the page has been hydrated (client code is running).
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// The numeric id in the route parameter `name` (0 when missing or not a number, which every
/// server function answers as "not found").
pub fn use_route_id(name: &'static str) -> impl Fn() -> i64 + Clone + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

/// After a successful run of `action`, goes to the path `to` gives for its output (within the
/// app). Without JavaScript the server function's own redirect does the same.
pub fn use_navigate_on_success<S>(
    action: ServerAction<S>,
    to: impl Fn(&S::Output) -> Option<String> + Send + Sync + 'static,
) where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(output)) = action.value().get() {
            if let Some(path) = to(&output) {
                navigate(&path, leptos_router::NavigateOptions::default());
            }
        }
    });
}

/// After a successful run of `action`, loads the path `to` gives as a new page (signing in
/// and out start the whole app afresh).
pub fn use_reload_on_success<S>(
    action: ServerAction<S>,
    to: impl Fn(&S::Output) -> String + Send + Sync + 'static,
) where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(output)) = action.value().get() {
            full_page_load(&to(&output));
        }
    });
}

/// Loads `path` as a new page.
pub fn full_page_load(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
