//! What a page shows while its data loads, when loading failed, and when there is nothing.

use crate::error::{AppError, AppResult};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;
use serde::{de::DeserializeOwned, Serialize};

/// Percent-encodes a value for use in a query string (`/` is kept for readable paths).
pub fn encode_query(value: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(value, KEEP).to_string()
}

/// What a page shows when its data could not be loaded.
#[component]
pub fn PageError(error: AppError) -> impl IntoView {
    // A redirect to sign-in sets its own status.
    #[cfg(feature = "ssr")]
    if error != AppError::Unauthenticated {
        crate::endpoint::set_status(&error);
    }
    match error {
        AppError::Unauthenticated => {
            let location = use_location();
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                location.search.get_untracked().chars().next().map_or_else(
                    String::new,
                    |_| format!("?{}", location.search.get_untracked())
                )
            );
            let path = format!("/login?next={}", encode_query(&here));
            view! { <Redirect path=path /> }.into_any()
        }
        AppError::NotFound => view! { <NotFound /> }.into_any(),
        AppError::Forbidden => view! {
            <section class="page narrow">
                <h1>"No access"</h1>
                <p>"You do not have access to this page."</p>
                <p>
                    <a href="/">"Back to the dashboard"</a>
                </p>
            </section>
        }
        .into_any(),
        other => view! {
            <section class="page narrow">
                <h1>"Something went wrong"</h1>
                <p role="alert">{other.to_string()}</p>
            </section>
        }
        .into_any(),
    }
}

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::endpoint::set_status(&AppError::NotFound);
    view! {
        <section class="page narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <p>
                <a href="/">"Go to the dashboard"</a>
            </p>
        </section>
    }
}

/// Renders `view` with the loaded data, a loading note meanwhile, or the error page.
pub fn loaded<T, V, F>(resource: Resource<AppResult<T>>, view: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => view(data).into_any(),
                        Err(error) => view! { <PageError error=error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
