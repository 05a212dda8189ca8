//! Request guards that run before any handler: signed-out visitors go to `/login` (decided before
//! the page streams; JSON requests get 401 JSON), state-changing requests from other sites are
//! refused, and a request with an API token acts as the token's user on the JSON API only.

use app::{
    backend::{
        api_tokens,
        auth::AuthSession,
        error::{Kind, ServerError},
        state::AppState,
    },
    model::TokenScope,
};
use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
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

/// The routes an API token opens: the JSON API, as (method, path, whether it changes something).
/// A `{…}` segment matches any one segment. Server functions (`POST /api/<name>`) only read and are
/// open too. Everything else (pages, form routes, sign-in) answers a token 403.
pub const TOKEN_ROUTES: [(&str, &str, bool); 10] = [
    ("GET", "/api/openapi.json", false),
    ("GET", "/api/reference", false),
    ("GET", "/sync/status", false),
    ("POST", "/sync", true),
    ("POST", "/sync/pause", true),
    ("POST", "/sync/resume", true),
    ("POST", "/sync/pull-orders", true),
    ("POST", "/connections/prokip", true),
    ("POST", "/connections/woocommerce", true),
    ("DELETE", "/connections/{id}", true),
];

/// Whether a token may call `method path`: `None` when the route is not open to tokens, else
/// whether it changes something.
fn token_route(method: &Method, path: &str) -> Option<bool> {
    if *method == Method::POST && path.strip_prefix("/api/").is_some_and(|f| !f.is_empty() && !f.contains('/')) {
        return Some(false);
    }
    let same = |pattern: &str| {
        let (mut a, mut b) = (pattern.split('/'), path.split('/'));
        loop {
            match (a.next(), b.next()) {
                (None, None) => return true,
                (Some(p), Some(s)) if p == s || (p.starts_with('{') && !s.is_empty()) => continue,
                _ => return false,
            }
        }
    };
    TOKEN_ROUTES.iter().find(|(m, p, _)| method.as_str() == *m && same(p)).map(|(_, _, writes)| *writes)
}

/// The token of an `Authorization: Bearer <token>` header (empty when it names none). Other
/// schemes are left alone: a proxy's Basic authentication in front of the dashboard passes.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim_start();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// A request with `Authorization: Bearer <token>` is the token's user, whatever session cookie it
/// also carries, on the routes [`TOKEN_ROUTES`] names; an unknown, expired or revoked token gets
/// 401, a page or a form route 403, and a change asked of a read-only token 403.
pub async fn api_token(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(token) = bearer(req.headers()) else { return next.run(req).await };
    let Some(writes) = token_route(req.method(), req.uri().path()) else {
        return ServerError::new(
            Kind::Forbidden,
            "API tokens open the JSON API only (see README: API tokens). Sign in to use the dashboard.",
        )
        .with_title("Not open to API tokens")
        .into_response();
    };
    let (user, scope) = match api_tokens::authenticate(&state.db, token).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            let mut res = ServerError::new(
                Kind::Unauthorized,
                "This API token is unknown, expired or revoked. Create a new one under Settings → API tokens.",
            )
            .with_title("Invalid API token")
            .into_response();
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return res;
        }
        Err(e) => return e.into_response(),
    };
    if writes && !scope.may_write() {
        return ServerError::new(
            Kind::Forbidden,
            format!(
                "This token may only read. Create a {} token under Settings → API tokens to change things.",
                TokenScope::ReadWrite.label()
            ),
        )
        .with_title("Read-only token")
        .into_response();
    }
    let Some(mut auth) = req.extensions().get::<AuthSession>().cloned() else {
        return ServerError::internal(anyhow::anyhow!("no auth session for a token request")).into_response();
    };
    auth.user = Some(user);
    req.extensions_mut().insert(auth);
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
    // A token request carries no ambient credential: a page of another site cannot add the header
    // without the token itself (and without a CORS preflight this server never allows).
    let token = bearer(req.headers()).is_some();
    if !safe && !token && is_cross_site(req.headers(), &same.public_origin) {
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
    fn tokens_open_the_json_api_only() {
        assert_eq!(token_route(&Method::GET, "/sync/status"), Some(false));
        assert_eq!(token_route(&Method::POST, "/sync"), Some(true));
        assert_eq!(token_route(&Method::DELETE, "/connections/12"), Some(true));
        assert_eq!(token_route(&Method::POST, "/api/orders"), Some(false));
        assert_eq!(token_route(&Method::GET, "/connections/12"), None);
        assert_eq!(token_route(&Method::DELETE, "/connections/12/x"), None);
        assert_eq!(token_route(&Method::DELETE, "/connections/"), None);
        assert_eq!(token_route(&Method::GET, "/"), None);
        assert_eq!(token_route(&Method::GET, "/settings"), None);
        assert_eq!(token_route(&Method::POST, "/settings/api-tokens"), None);
        assert_eq!(token_route(&Method::POST, "/api/"), None);
    }

    #[test]
    fn bearer_reads_the_scheme_in_any_case() {
        assert_eq!(bearer(&headers(&[("authorization", "Bearer pst_x")])), Some("pst_x"));
        assert_eq!(bearer(&headers(&[("authorization", "bearer  pst_x ")])), Some("pst_x"));
        assert_eq!(bearer(&headers(&[("authorization", "Bearer")])), Some(""));
        assert_eq!(bearer(&headers(&[("authorization", "Basic abc")])), None);
        assert_eq!(bearer(&headers(&[])), None);
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
