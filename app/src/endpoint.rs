//! HTTP details that server functions need: status codes, redirects, the client address.

use crate::error::{AppError, AppResult};
use http::header::ACCEPT;
use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// True when the current request is a plain HTML form post (JavaScript off or not loaded
/// yet): such requests are answered with a redirect rather than data.
pub fn is_plain_form_post() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

/// True when the current request is a call of a server function over HTTP (rather than
/// a page being rendered, which calls server functions in-process).
fn is_server_fn_call() -> bool {
    use_context::<Parts>().is_some_and(|parts| parts.uri.path().starts_with("/api/"))
}

/// Runs a server function's body and gives an error its HTTP status. Plain form posts keep
/// the redirect that carries the error back to the form; pages set their own status.
pub async fn run<T>(body: impl Future<Output = AppResult<T>>) -> AppResult<T> {
    let result = body.await;
    if let Err(error) = &result {
        if is_server_fn_call() && !is_plain_form_post() {
            set_status(error);
        }
    }
    result
}

/// Sets the response status for `error` (used by pages rendered on the server, too).
pub fn set_status(error: &AppError) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(error.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
}

/// After a successful plain form post, sends the browser to `path`. JavaScript callers get
/// data instead and navigate on their own.
pub fn redirect_form_post(path: &str) {
    if is_plain_form_post() {
        leptos_axum::redirect(path);
    }
}

/// The client's address: the peer, or with `behind_proxy` the last `X-Forwarded-For` hop
/// (the one appended by our own proxy, which a client cannot forge).
pub fn client_ip(behind_proxy: bool) -> IpAddr {
    let Some(parts) = use_context::<Parts>() else {
        return IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    };
    if behind_proxy {
        if let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
        {
            return ip;
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}
