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

/// A secret shown once — a new set-password link, a new calendar-feed address — travels
/// from the form's post to the page after it in a short-lived cookie of the user's own
/// browser (the server keeps only its hash).
pub fn hand_over(cookie: &str, value: &str) -> Result<(), AppError> {
    let secure = crate::state::app_state()?.settings.secure_cookies;
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(
            http::header::SET_COOKIE,
            handover_cookie(cookie, value, 300, secure)?,
        );
    }
    Ok(())
}

/// The value handed over in `cookie`, if any; the cookie is cleared either way.
pub fn take_handed(cookie: &str) -> Result<Option<String>, AppError> {
    let Some(parts) = use_context::<Parts>() else {
        return Ok(None);
    };
    let handed: Option<String> = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie)
        .map(|(_, value)| value.to_owned());
    if handed.is_some() {
        let secure = crate::state::app_state()?.settings.secure_cookies;
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.append_header(
                http::header::SET_COOKIE,
                handover_cookie(cookie, "", 0, secure)?,
            );
        }
    }
    Ok(handed)
}

fn handover_cookie(
    name: &str,
    value: &str,
    max_age: u32,
    secure: bool,
) -> Result<http::HeaderValue, AppError> {
    let secure = if secure { "; Secure" } else { "" };
    http::HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    ))
    .map_err(|e| anyhow::anyhow!("building the hand-over cookie: {e}").into())
}

/// The client's address: the peer, or behind proxies the address our outermost trusted
/// proxy saw (see [`forwarded_client`]).
pub fn client_ip(settings: &crate::state::RuntimeSettings) -> IpAddr {
    let Some(parts) = use_context::<Parts>() else {
        return IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    };
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    if !settings.behind_proxy {
        return peer;
    }
    let forwarded: Vec<&str> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    forwarded_client(&forwarded.join(","), settings.trusted_proxies).unwrap_or(peer)
}

/// The client address in an `X-Forwarded-For` list behind `trusted` proxies: each of them
/// appends the address it received the request from, so the entry `trusted` places from the
/// right was written by the outermost one (entries further left come from the client and
/// may be forged). `None` when the list is shorter or that entry is not an address.
pub fn forwarded_client(header: &str, trusted: usize) -> Option<IpAddr> {
    let hops: Vec<&str> = header
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .collect();
    let index = hops.len().checked_sub(trusted.max(1))?;
    hops.get(index)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::forwarded_client;

    #[test]
    fn the_client_is_read_from_the_right_most_trusted_hop() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().ok();
        // One proxy: the right-most entry, whatever the client put before it.
        assert_eq!(
            forwarded_client("6.6.6.6, 203.0.113.9", 1),
            ip("203.0.113.9")
        );
        // Two proxies (a CDN, then a load balancer).
        assert_eq!(
            forwarded_client("6.6.6.6, 203.0.113.9, 10.0.0.2", 2),
            ip("203.0.113.9")
        );
        assert_eq!(forwarded_client("10.0.0.2", 2), None);
        assert_eq!(forwarded_client("", 1), None);
        assert_eq!(forwarded_client("not-an-ip", 1), None);
        assert_eq!(forwarded_client("2001:db8::1", 1), ip("2001:db8::1"));
    }
}
