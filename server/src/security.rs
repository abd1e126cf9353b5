//! HTTP-level protections that run before any handler:
//!
//! - **Same origin for every state change.** A request that is not `GET`/`HEAD`/`OPTIONS`
//!   must come from this site: its `Origin` (or, without one, `Sec-Fetch-Site`, or the
//!   `Referer`) must name the configured public URL. This stops cross-site form posts —
//!   including login CSRF — before any server function runs.
//! - **Only server-produced form errors are shown.** Without JavaScript a failed form post is
//!   redirected back with its error in the address (`__path`, `__err`). The redirect gets an
//!   HMAC (`__sig`) under a key shared by all instances; a page request whose error does not
//!   carry a valid one is redirected to the same address without it, so a crafted link
//!   cannot put its own words on a real page.
//! - **Headers.** `Cache-Control: no-store` on everything but the static bundle,
//!   `frame-ancestors 'none'` on answers that are not pages (pages get their full,
//!   nonce-based policy from the app shell), HSTS when cookies are marked secure.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use http::header::{self, HeaderValue};
use http::{Method, StatusCode};
use sha2::Sha256;
use std::sync::Arc;
use url::Url;

/// What the middleware needs to know about this instance.
#[derive(Clone)]
pub struct Guard {
    inner: Arc<GuardInner>,
}

struct GuardInner {
    /// Origins a state-changing request may come from (`scheme://host:port`).
    origins: Vec<String>,
    /// The key that signs form errors carried in a redirect.
    form_error_key: Vec<u8>,
    /// Send `Strict-Transport-Security` (the site is served over HTTPS).
    hsts: bool,
}

impl Guard {
    /// `public_url` is where users reach this instance; when it was not configured (the
    /// default `http://<listen address>`), the loopback names of the same port are accepted
    /// too, so `localhost` and `127.0.0.1` both work on a developer's machine.
    pub fn new(public_url: &str, configured: bool, form_error_key: &[u8], hsts: bool) -> Self {
        let mut origins = Vec::new();
        if let Ok(url) = Url::parse(public_url) {
            let origin = url.origin().ascii_serialization();
            origins.push(origin);
            if !configured {
                if let Some(port) = url.port_or_known_default() {
                    for host in ["localhost", "127.0.0.1", "[::1]"] {
                        origins.push(format!("{}://{host}:{port}", url.scheme()));
                    }
                }
            }
        }
        origins.dedup();
        Self {
            inner: Arc::new(GuardInner {
                origins,
                form_error_key: form_error_key.to_vec(),
                hsts,
            }),
        }
    }

    fn allows_origin(&self, origin: &str) -> bool {
        self.inner.origins.iter().any(|o| o == origin)
    }

    /// The MAC of a form error for the server function at `path` (HMAC accepts keys of any
    /// length, so this is always `Some`).
    fn mac(&self, path: &str, error: &str) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.inner.form_error_key).ok()?;
        mac.update(path.as_bytes());
        mac.update(b"\0");
        mac.update(error.as_bytes());
        Some(mac)
    }

    fn signature(&self, path: &str, error: &str) -> Option<String> {
        self.mac(path, error)
            .map(|mac| hex::encode(mac.finalize().into_bytes()))
    }

    fn signature_is_valid(&self, path: &str, error: &str, signature: &str) -> bool {
        match (hex::decode(signature), self.mac(path, error)) {
            (Ok(given), Some(mac)) => mac.verify_slice(&given).is_ok(),
            _ => false,
        }
    }
}

/// Whether a request is allowed to change state, judged from what browsers send.
fn same_origin(guard: &Guard, request: &Request) -> bool {
    let headers = request.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        return origin.to_str().is_ok_and(|o| guard.allows_origin(o));
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.to_str(), Ok("same-origin" | "none"));
    }
    if let Some(referer) = headers.get(header::REFERER) {
        return referer
            .to_str()
            .ok()
            .and_then(|r| Url::parse(r).ok())
            .is_some_and(|r| guard.allows_origin(&r.origin().ascii_serialization()));
    }
    // No browser signal at all: not a form post from a web page we can vouch for.
    false
}

/// The query pairs of `url`'s query string.
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

fn encode_query(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

const ERROR_KEYS: [&str; 3] = ["__path", "__err", "__sig"];

/// The largest form body a server function accepts.
const FORM_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// True when every name and value of a form body decodes to UTF-8. The form decoder would
/// otherwise replace broken bytes with U+FFFD and carry on with text nobody typed.
fn form_is_utf8(body: &[u8]) -> bool {
    body.split(|b| *b == b'&').all(|pair| {
        let plus_as_space: Vec<u8> = pair
            .iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect();
        percent_encoding::percent_decode(&plus_as_space)
            .decode_utf8()
            .is_ok()
    })
}

/// Refuses a server-function form whose text is not UTF-8 (or too large to read).
async fn checked_form(request: Request) -> Result<Request, Response> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form || !request.uri().path().starts_with("/api/") {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    let unreadable = |message: &str| {
        let error = app::error::AppError::invalid("form", message);
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_string(&error).unwrap_or_default(),
        )
            .into_response()
    };
    let Ok(bytes) = axum::body::to_bytes(body, FORM_BODY_LIMIT).await else {
        return Err(unreadable("The form could not be read: it is too large."));
    };
    if !form_is_utf8(&bytes) {
        return Err(unreadable(
            "The form could not be read: it is not valid text (UTF-8).",
        ));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Same-origin check, signed form errors and headers (see the module documentation).
pub async fn protect(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let safe_method = matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe_method && !same_origin(&guard, &request) {
        tracing::warn!(%method, %path, "refused a cross-site request");
        return refused(&path);
    }
    let request = if safe_method {
        request
    } else {
        match checked_form(request).await {
            Ok(request) => request,
            Err(refusal) => return refusal,
        }
    };
    if safe_method {
        if let Some(clean) = unverified_error_redirect(&guard, &request) {
            return clean;
        }
    }
    let is_form_post = !safe_method
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    let enhanced = is_form_post && request.headers().contains_key(ENHANCED_HEADER);
    let mut response = next.run(request).await;
    if is_form_post {
        sign_form_error(&guard, &mut response);
    }
    if enhanced {
        response = redirect_as_header(response);
    }
    add_headers(&guard, &path, &mut response);
    response
}

/// Sent by the browser bundle when it posts a form itself.
const ENHANCED_HEADER: &str = "x-hireloop-enhanced";
/// Where the bundle should go next (instead of a redirect, which `fetch` would follow and
/// render for nothing).
const LOCATION_HEADER: &str = "x-hireloop-location";

/// A redirect answering a form posted by the browser bundle becomes `204 No Content` with
/// the target in a header: the bundle loads it as the next page, or for a form error
/// fetches it to show the form with its messages in place.
fn redirect_as_header(response: Response) -> Response {
    if !response.status().is_redirection() {
        return response;
    }
    let Some(location) = response.headers().get(header::LOCATION).cloned() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.status = StatusCode::NO_CONTENT;
    parts.headers.remove(header::LOCATION);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(LOCATION_HEADER, location);
    Response::from_parts(parts, axum::body::Body::empty())
}

fn refused(path: &str) -> Response {
    let error = app::error::AppError::Forbidden;
    if path.starts_with("/api/") {
        let body = serde_json::to_string(&error).unwrap_or_default();
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    } else {
        (
            StatusCode::FORBIDDEN,
            "This request did not come from a Hireloop page and was refused.",
        )
            .into_response()
    }
}

/// A page request carrying a form error this server did not sign goes to the same address
/// without it.
fn unverified_error_redirect(guard: &Guard, request: &Request) -> Option<Response> {
    let pairs = query_pairs(request.uri().query());
    if !pairs.iter().any(|(k, _)| ERROR_KEYS.contains(&k.as_str())) {
        return None;
    }
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    if let (Some(path), Some(error), Some(signature)) =
        (value("__path"), value("__err"), value("__sig"))
    {
        if guard.signature_is_valid(path, error, signature) {
            return None;
        }
    }
    let kept: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| !ERROR_KEYS.contains(&k.as_str()))
        .collect();
    let mut target = request.uri().path().to_owned();
    if !kept.is_empty() {
        target.push('?');
        target.push_str(&encode_query(&kept));
    }
    Some(
        Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, target)
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::empty())
            .unwrap_or_default(),
    )
}

/// Adds the signature to the error a no-JavaScript form post is redirected back with.
fn sign_form_error(guard: &Guard, response: &mut Response) {
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return;
    };
    let Ok(mut url) = Url::parse(location)
        .or_else(|_| Url::parse("http://relative.invalid").and_then(|base| base.join(location)))
    else {
        return;
    };
    let pairs = query_pairs(url.query());
    let value = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let (Some(path), Some(error)) = (value("__path"), value("__err")) else {
        return;
    };
    let Some(signature) = guard.signature(&path, &error) else {
        return;
    };
    let mut kept: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "__sig")
        .cloned()
        .collect();
    kept.push(("__sig".into(), signature));
    url.set_query(Some(&encode_query(&kept)));
    let signed = if url.host_str() == Some("relative.invalid") {
        format!("{}?{}", url.path(), url.query().unwrap_or_default())
    } else {
        url.to_string()
    };
    if let Ok(value) = HeaderValue::from_str(&signed) {
        response.headers_mut().insert(header::LOCATION, value);
    }
}

fn add_headers(guard: &Guard, path: &str, response: &mut Response) {
    let headers = response.headers_mut();
    let is_static = path.starts_with("/pkg/") || path == "/favicon.svg";
    if !is_static {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
    }
    if guard.inner.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard::new("http://127.0.0.1:3000", false, b"key", false)
    }

    #[test]
    fn the_public_url_and_its_loopback_names_are_this_site() {
        let g = guard();
        assert!(g.allows_origin("http://127.0.0.1:3000"));
        assert!(g.allows_origin("http://localhost:3000"));
        assert!(!g.allows_origin("http://localhost:3001"));
        assert!(!g.allows_origin("https://evil.example"));
        let configured = Guard::new("https://hire.example.com", true, b"key", true);
        assert!(configured.allows_origin("https://hire.example.com"));
        assert!(!configured.allows_origin("http://localhost:443"));
    }

    #[test]
    fn forms_must_decode_to_utf8() {
        assert!(form_is_utf8(b"input%5Bname%5D=Ren%C3%A9e+M&id=3"));
        assert!(!form_is_utf8(b"input%5Bname%5D=%FF%FE"));
        assert!(!form_is_utf8(b"%C3=x"));
        assert!(form_is_utf8(b""));
    }

    #[test]
    fn signatures_bind_the_error_to_its_function() {
        let g = guard();
        let signature = g.signature("/api/login", "abc").expect("signature");
        assert!(g.signature_is_valid("/api/login", "abc", &signature));
        assert!(!g.signature_is_valid("/api/login", "abd", &signature));
        assert!(!g.signature_is_valid("/api/setup", "abc", &signature));
        assert!(!g.signature_is_valid("/api/login", "abc", "not hex"));
        let other = Guard::new("http://127.0.0.1:3000", false, b"other key", false);
        assert!(!other.signature_is_valid("/api/login", "abc", &signature));
    }
}
