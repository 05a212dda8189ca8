//! The WordPress/WooCommerce REST edge of the mock: error bodies, consumer-key authentication
//! and key permissions (as `WC_REST_Authentication`), paging headers, and the discovery indexes.

use super::{WooMock, model::ApiKey};
use axum::{
    Json,
    extract::{Path, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A WordPress REST error: `{"code","message","data":{"status"}}`.
#[derive(Debug, Clone)]
pub(super) struct WpErr {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub extra: Value,
}

impl WpErr {
    pub fn new(status: u16, code: &str, message: &str) -> WpErr {
        WpErr { status, code: code.into(), message: message.into(), extra: json!({}) }
    }

    pub fn with(mut self, key: &str, value: Value) -> WpErr {
        self.extra[key] = value;
        self
    }

    pub fn body(&self) -> Value {
        let mut data = self.extra.clone();
        data["status"] = json!(self.status);
        json!({ "code": self.code, "message": self.message, "data": data })
    }

    pub fn invalid_param(param: &str, why: &str) -> WpErr {
        WpErr::new(400, "rest_invalid_param", &format!("Invalid parameter(s): {param}"))
            .with("params", json!({ param: why }))
    }

    pub fn no_route() -> WpErr {
        WpErr::new(404, "rest_no_route", "No route was found matching the URL and request method.")
    }
}

impl IntoResponse for WpErr {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.body())).into_response()
    }
}

pub(super) type WpResult = Result<Response, WpErr>;

pub(super) fn not_found_page() -> Response {
    (StatusCode::NOT_FOUND, Html("<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>")).into_response()
}

/// Query parameters (last value wins, as in PHP).
pub(super) fn query_map(uri: &Uri) -> HashMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(uri.query().unwrap_or(""))
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// The store segment of `/{store}/…`.
fn store_of(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// Runs before every `wc/v3` route: unknown store → HTML 404, plain WordPress → `rest_no_route`,
/// then consumer-key authentication and key permissions.
pub(super) async fn gate(State(mock): State<WooMock>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let store = store_of(&path).to_owned();
    let is_index = path.trim_end_matches('/').ends_with("/wp-json/wc/v3");
    let keys = {
        let db = mock.db.lock().unwrap();
        match db.stores.get(&store) {
            None => return not_found_page(),
            Some(s) if !s.woocommerce => return WpErr::no_route().into_response(),
            Some(s) => s.keys.clone(),
        }
    };
    match authenticate(&keys, req.method(), req.uri(), req.headers()) {
        Err(e) => {
            let mut resp = e.into_response();
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field.\""),
            );
            resp
        }
        Ok(None) if !is_index => not_allowed(req.method()).into_response(),
        Ok(_) => next.run(req).await,
    }
}

/// The key the request authenticates with: `Ok(None)` when no key (or an unknown key) was given,
/// which WooCommerce treats as a logged-out visitor.
fn authenticate(keys: &[ApiKey], method: &Method, uri: &Uri, headers: &HeaderMap) -> Result<Option<ApiKey>, WpErr> {
    let q = query_map(uri);
    let from_query = match (q.get("consumer_key"), q.get("consumer_secret")) {
        (Some(k), Some(s)) if !k.is_empty() && !s.is_empty() => Some((k.clone(), s.clone())),
        _ => None,
    };
    let Some((ck, cs)) = from_query.or_else(|| basic_credentials(headers)) else {
        return oauth_attempt(&q);
    };
    let Some(key) = keys.iter().find(|k| k.consumer_key == ck) else { return Ok(None) };
    if key.consumer_secret != cs {
        return Err(WpErr::new(401, "woocommerce_rest_authentication_error", "Consumer secret is invalid."));
    }
    let allowed = match *method {
        Method::GET | Method::HEAD => key.permissions != "write",
        Method::OPTIONS => true,
        _ => key.permissions != "read",
    };
    if !allowed {
        let what = if key.permissions == "read" { "write" } else { "read" };
        let msg = format!("The API key provided does not have {what} permissions.");
        return Err(WpErr::new(401, "woocommerce_rest_authentication_error", &msg));
    }
    Ok(Some(key.clone()))
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (k, s) = decoded.split_once(':')?;
    (!k.is_empty() && !s.is_empty()).then(|| (k.to_owned(), s.to_owned()))
}

/// OAuth 1.0a parameters: some given but not all → `missing_parameter`; all given → the mock
/// cannot check OAuth signatures, so it refuses them (it is served as if over HTTPS).
fn oauth_attempt(q: &HashMap<String, String>) -> Result<Option<ApiKey>, WpErr> {
    const NAMES: [&str; 5] =
        ["oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method"];
    let missing: Vec<&str> = NAMES.iter().copied().filter(|n| q.get(*n).is_none_or(|v| v.is_empty())).collect();
    match missing.len() {
        5 => Ok(None),
        0 => Err(WpErr::new(
            401,
            "woocommerce_rest_authentication_error",
            "Invalid signature - provided signature does not match.",
        )),
        1 => Err(WpErr::new(
            401,
            "woocommerce_rest_authentication_missing_parameter",
            &format!("Missing OAuth parameter {}", missing[0]),
        )),
        _ => Err(WpErr::new(
            401,
            "woocommerce_rest_authentication_missing_parameter",
            &format!("Missing OAuth parameters {}", missing.join(", ")),
        )),
    }
}

/// What WooCommerce's permission checks answer a logged-out visitor.
fn not_allowed(method: &Method) -> WpErr {
    let (code, message) = match *method {
        Method::GET | Method::HEAD => ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
        Method::POST => ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
        Method::DELETE => ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
        _ => ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    };
    WpErr::new(401, code, message)
}

/// `page` and `per_page` as WordPress validates them.
pub(super) struct Paging {
    pub page: usize,
    pub per_page: usize,
}

impl Paging {
    pub fn parse(q: &HashMap<String, String>) -> Result<Paging, WpErr> {
        let per_page = int_param(q, "per_page", 10)?;
        if !(1..=100).contains(&per_page) {
            return Err(WpErr::invalid_param("per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)"));
        }
        let page = int_param(q, "page", 1)?;
        if page < 1 {
            return Err(WpErr::invalid_param("page", "page must be greater than or equal to 1"));
        }
        Ok(Paging { page: page as usize, per_page: per_page as usize })
    }

    /// One page of `items` with `X-WP-Total`, `X-WP-TotalPages` and `Link` (prev/next).
    pub fn respond(&self, headers: &HeaderMap, uri: &Uri, items: Vec<Value>) -> Response {
        let total = items.len();
        let body: Vec<Value> = items.into_iter().skip(self.offset()).take(self.per_page).collect();
        self.respond_page(headers, uri, total, body)
    }

    /// Where this page starts among all the items.
    pub fn offset(&self) -> usize {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// This page's `body` (already cut, so only it was rendered) out of `total` items.
    pub fn respond_page(&self, headers: &HeaderMap, uri: &Uri, total: usize, body: Vec<Value>) -> Response {
        let pages = total.div_ceil(self.per_page).max(1);
        let mut links = Vec::new();
        if self.page > 1 {
            links.push(format!("<{}>; rel=\"prev\"", page_url(headers, uri, (self.page - 1).min(pages))));
        }
        if pages > self.page {
            links.push(format!("<{}>; rel=\"next\"", page_url(headers, uri, self.page + 1)));
        }
        let mut resp = Json(body).into_response();
        let h = resp.headers_mut();
        h.insert("x-wp-total", total.into());
        h.insert("x-wp-totalpages", pages.into());
        if let Some(v) = Some(links.join(", ")).filter(|l| !l.is_empty()).and_then(|l| HeaderValue::from_str(&l).ok()) {
            h.insert(header::LINK, v);
        }
        resp
    }
}

fn int_param(q: &HashMap<String, String>, name: &str, default: i64) -> Result<i64, WpErr> {
    match q.get(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| WpErr::invalid_param(name, &format!("{name} is not of type integer."))),
    }
}

/// The same request URL with another `page` (keys left out).
fn page_url(headers: &HeaderMap, uri: &Uri, page: usize) -> String {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default();
    pairs.retain(|(k, _)| k != "page" && k != "consumer_key" && k != "consumer_secret");
    pairs.push(("page".into(), page.to_string()));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    format!("{}{}?{query}", origin(headers), uri.path())
}

/// `http://host:port` of the request.
pub(super) fn origin(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:4002");
    format!("http://{host}")
}

/// `GET /{store}/wp-json/wc/v3`: the namespace index (public).
pub(super) async fn wc_index(Path(store): Path<String>, headers: HeaderMap) -> Json<Value> {
    let base = format!("{}/{store}/wp-json", origin(&headers));
    let routes: serde_json::Map<String, Value> =
        ["", "/products", "/products/batch", "/products/(?P<product_id>[\\d]+)/variations", "/orders", "/webhooks"]
            .iter()
            .map(|r| (format!("/wc/v3{r}"), json!({"namespace": "wc/v3", "methods": ["GET"]})))
            .collect();
    Json(json!({ "namespace": "wc/v3", "routes": routes, "_links": {"up": [{"href": format!("{base}/")}]} }))
}

/// `GET /{store}/wp-json/`: the WordPress site index with its namespaces.
pub(super) async fn wp_index(State(mock): State<WooMock>, Path(store): Path<String>, headers: HeaderMap) -> Response {
    let woocommerce = match mock.db.lock().unwrap().stores.get(&store) {
        None => return not_found_page(),
        Some(s) => s.woocommerce,
    };
    let mut namespaces = vec!["oembed/1.0", "wp/v2", "wp-site-health/v1"];
    if woocommerce {
        namespaces.extend(["wc/v1", "wc/v2", "wc/v3", "wc/store/v1", "wc-analytics"]);
    }
    let home = format!("{}/{store}", origin(&headers));
    Json(json!({ "name": store, "url": home, "home": home, "namespaces": namespaces, "authentication": [] }))
        .into_response()
}

/// Any other `/{store}/wp-json/…` path.
pub(super) async fn unknown_route(State(mock): State<WooMock>, Path((store, _)): Path<(String, String)>) -> Response {
    match mock.db.lock().unwrap().stores.get(&store) {
        Some(_) => WpErr::no_route().into_response(),
        None => not_found_page(),
    }
}
