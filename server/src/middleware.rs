//! Request guards that run before any handler: signed-out visitors go to `/login` (decided before
//! the page streams; JSON requests get 401 JSON), and state-changing requests from other sites are refused.

use app::backend::auth::AuthSession;
use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use std::sync::Arc;

/// Paths anyone may GET (`/sync/status` answers 401 JSON itself).
const PUBLIC: [&str; 5] = ["/login", "/register", "/healthz", "/readyz", "/sync/status"];
/// Prefixes that answer for themselves (JSON/server functions return 401; assets are public).
const PUBLIC_PREFIXES: [&str; 3] = ["/api/", "/auth/", "/pkg/"];

fn is_public(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    PUBLIC.contains(&path) || PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p)) || last.contains('.')
}

pub async fn require_login(auth: AuthSession, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let reading = req.method() == Method::GET || req.method() == Method::HEAD;
    if reading && auth.user.is_none() && !is_public(path) {
        return crate::routes::signed_out(req.headers());
    }
    if reading && auth.user.is_some() && (path == "/login" || path == "/register") {
        return Redirect::to("/").into_response();
    }
    next.run(req).await
}

/// The origins our own pages are served from.
#[derive(Clone)]
pub struct SameSite {
    pub public_origin: Arc<str>,
}

/// Refuses non-GET requests that a browser marks as coming from another site. Requests without
/// `Origin` and `Sec-Fetch-Site` (curl, servers, platform webhooks) carry no ambient cookies
/// from a browser and pass.
pub async fn refuse_cross_site(State(same): State<SameSite>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(req.headers(), &same.public_origin) {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        let body = serde_json::json!({
            "error": "Cross-site request refused",
            "details": "This action must be submitted from the dashboard itself.",
        });
        return (StatusCode::FORBIDDEN, axum::Json(body)).into_response();
    }
    next.run(req).await
}

fn is_cross_site(headers: &HeaderMap, public_origin: &str) -> bool {
    let get = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return true;
    }
    match get(header::ORIGIN.as_str()) {
        None => false,
        Some(origin) => {
            let own_host = get(header::HOST.as_str()).unwrap_or("");
            let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
            !(origin == public_origin || (!own_host.is_empty() && origin_host == own_host))
        }
    }
}

/// A year, never revalidated: what a name that changes with its content can be cached for.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Asked again on every use (a 304 where the file handler can tell it is unchanged).
const REVALIDATE: &str = "no-cache";
/// Pages carry the merchant's own data: kept by the browser only, and asked again on every use.
const PAGE: &str = "private, no-cache";

/// Sets how long browsers keep a response: browser assets whose name carries a content hash
/// (`/pkg/prokip-sync.<hash>.wasm`, from a build with `hash-files`) for a year; assets without a
/// hash and HTML pages are revalidated on every use, so a new build is picked up at once.
pub async fn cache_policy(req: Request, next: Next) -> Response {
    let asset = req.uri().path().strip_prefix("/pkg/").map(has_content_hash);
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let policy = match asset {
        Some(true) => IMMUTABLE,
        Some(false) => REVALIDATE,
        None if html => PAGE,
        None => return res,
    };
    if res.status().is_success() && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static(policy));
    }
    res
}

/// Whether a file name has the form cargo-leptos gives hashed assets: `stem.<22 base64url characters>.ext`.
fn has_content_hash(name: &str) -> bool {
    let parts: Vec<&str> = name.rsplit('/').next().unwrap_or("").split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1]
            .iter()
            .any(|p| p.len() == 22 && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    const OWN: &str = "http://127.0.0.1:3000";

    #[test]
    fn other_origin_is_cross_site() {
        assert!(is_cross_site(&headers(&[("origin", "https://evil.example"), ("host", "127.0.0.1:3000")]), OWN));
    }

    #[test]
    fn same_host_origin_passes() {
        assert!(!is_cross_site(&headers(&[("origin", "http://localhost:3000"), ("host", "localhost:3000")]), OWN));
    }

    #[test]
    fn fetch_metadata_cross_site_is_refused_even_without_origin() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")]), OWN));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")]), OWN));
    }

    #[test]
    fn server_to_server_requests_pass() {
        assert!(!is_cross_site(&headers(&[]), OWN));
    }

    #[test]
    fn only_names_with_a_content_hash_count_as_hashed() {
        assert!(has_content_hash("prokip-sync.Xy3_kLm9-Qw2Er5Ty7Ui8o.wasm"));
        assert!(!has_content_hash("prokip-sync.wasm"));
        assert!(!has_content_hash("prokip-sync_bg.wasm"));
        assert!(!has_content_hash("snippets/leptos-1/inline0.js"));
    }

    #[test]
    fn assets_and_auth_pages_are_public() {
        assert!(is_public("/login"));
        assert!(is_public("/pkg/prokip-sync.js"));
        assert!(is_public("/favicon.ico"));
        assert!(!is_public("/"));
        assert!(!is_public("/connections"));
    }
}
