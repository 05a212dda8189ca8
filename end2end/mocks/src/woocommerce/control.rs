//! The mock's control API (`/_control/...`: stores, keys, orders, product touches, state, a
//! non-WooCommerce page) and the merchant-facing key grant page `wc-auth/v1/authorize`.

use super::{
    MockError, WooMock,
    orders::{NewRefund, PlacedOrder},
};
use axum::{
    Json,
    extract::{Path, State},
    http::{StatusCode, Uri, header},
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub(super) struct NewStore {
    name: String,
    /// `false` makes a plain WordPress site without WooCommerce.
    #[serde(default = "yes")]
    woocommerce: bool,
}

fn yes() -> bool {
    true
}

pub(super) async fn create_store(
    State(mock): State<WooMock>,
    Json(req): Json<NewStore>,
) -> Result<Response, MockError> {
    let keys = if req.woocommerce { mock.create_store(&req.name)? } else { mock.create_wordpress_site(&req.name)? };
    Ok((StatusCode::CREATED, Json(keys)).into_response())
}

#[derive(Deserialize)]
pub(super) struct NewKey {
    permissions: String,
}

pub(super) async fn add_key(
    State(mock): State<WooMock>,
    Path(store): Path<String>,
    Json(req): Json<NewKey>,
) -> Result<Response, MockError> {
    Ok((StatusCode::CREATED, Json(mock.add_key(&store, &req.permissions)?)).into_response())
}

pub(super) async fn state(State(mock): State<WooMock>, Path(store): Path<String>) -> Result<Json<Value>, MockError> {
    mock.state(&store).map(Json)
}

pub(super) async fn create_order(
    State(mock): State<WooMock>,
    Path(store): Path<String>,
    Json(o): Json<PlacedOrder>,
) -> Result<Response, MockError> {
    Ok((StatusCode::CREATED, Json(mock.place_order(&store, &o).await?)).into_response())
}

#[derive(Deserialize)]
pub(super) struct NewStatus {
    status: String,
}

pub(super) async fn order_status(
    State(mock): State<WooMock>,
    Path((store, id)): Path<(String, u64)>,
    Json(s): Json<NewStatus>,
) -> Result<Json<Value>, MockError> {
    mock.set_order_status(&store, id, &s.status).await.map(Json)
}

pub(super) async fn refund(
    State(mock): State<WooMock>,
    Path((store, id)): Path<(String, u64)>,
    Json(r): Json<NewRefund>,
) -> Result<Json<Value>, MockError> {
    mock.refund_order(&store, id, &r).await.map(Json)
}

pub(super) async fn delete_order(
    State(mock): State<WooMock>,
    Path((store, id)): Path<(String, u64)>,
) -> Result<StatusCode, MockError> {
    mock.delete_order(&store, id).await.map(|_| StatusCode::NO_CONTENT)
}

pub(super) async fn touch(
    State(mock): State<WooMock>,
    Path((store, id)): Path<(String, u64)>,
) -> Result<StatusCode, MockError> {
    mock.touch_product(&store, id).await.map(|_| StatusCode::NO_CONTENT)
}

/// Any site that is not WordPress: an HTML page with 200 for every path.
pub(super) async fn not_woo() -> Html<&'static str> {
    Html("<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>Just a website</h1></body></html>")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#039;")
}

fn error_page(message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html><body><div class=\"wc-auth-error\"><p>Error: {}</p></div></body></html>",
        esc(message)
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}

/// The validated parameters of a key grant request.
pub(super) struct GrantRequest {
    pub app_name: String,
    pub scope: String,
    pub user_id: String,
    pub return_url: String,
    pub callback_url: String,
}

fn grant_request(q: &std::collections::HashMap<String, String>) -> Result<GrantRequest, String> {
    let get = |k: &str| q.get(k).filter(|v| !v.is_empty()).cloned().ok_or_else(|| format!("{k} parameter is missing"));
    let req = GrantRequest {
        app_name: get("app_name")?,
        scope: get("scope")?,
        user_id: get("user_id")?,
        return_url: get("return_url")?,
        callback_url: get("callback_url")?,
    };
    if !["read", "write", "read_write"].contains(&req.scope.as_str()) {
        return Err(format!("Invalid scope {}", req.scope));
    }
    let callback = url::Url::parse(&req.callback_url).map_err(|_| "The callback_url is not a valid URL".to_owned())?;
    let local = matches!(callback.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    if callback.scheme() != "https" && !(callback.scheme() == "http" && local) {
        return Err("The callback_url needs to be over SSL".into());
    }
    url::Url::parse(&req.return_url).map_err(|_| "The return_url is not a valid URL".to_owned())?;
    Ok(req)
}

pub(super) fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut u = match url::Url::parse(base) {
        Ok(u) => u,
        Err(_) => return base.to_owned(),
    };
    u.query_pairs_mut().extend_pairs(pairs);
    u.to_string()
}

/// `GET /{store}/wc-auth/v1/authorize`: the Approve/Deny page (`auto_approve=1` approves at once).
pub(super) async fn authorize(State(mock): State<WooMock>, Path(store): Path<String>, uri: Uri) -> Response {
    if !mock.is_woo_store(&store) {
        return super::rest::not_found_page();
    }
    let q = super::rest::query_map(&uri);
    let req = match grant_request(&q) {
        Ok(r) => r,
        Err(msg) => return error_page(&msg),
    };
    if q.get("auto_approve").is_some_and(|v| v == "1") {
        return approve(&mock, &store, req).await;
    }
    let approve_url = format!("/{store}/wc-auth/v1/access_granted?{}", uri.query().unwrap_or(""));
    let deny_url = with_query(&req.return_url, &[("success", "0"), ("user_id", &req.user_id)]);
    let access = match req.scope.as_str() {
        "read" => "View",
        "write" => "Create",
        _ => "View and manage",
    };
    let body = format!(
        "<!DOCTYPE html><html><head><title>Connect</title></head><body><div class=\"wc-auth-content\">\
         <h1>{app} would like to connect to your store</h1><p>This will give \"{app}\" <strong>{scope}</strong> access \
         which will allow it to: {access} coupons, customers, orders, products and reports.</p>\
         <p class=\"wc-auth-actions\"><a id=\"approve\" class=\"button button-primary wc-auth-approve\" href=\"{approve}\">Approve</a> \
         <a id=\"deny\" class=\"button wc-auth-deny\" href=\"{deny}\">Deny</a></p></div></body></html>",
        app = esc(&req.app_name),
        scope = esc(&req.scope),
        approve = esc(&approve_url),
        deny = esc(&deny_url),
    );
    Html(body).into_response()
}

/// `GET /{store}/wc-auth/v1/access_granted`: what the Approve button does.
pub(super) async fn access_granted(State(mock): State<WooMock>, Path(store): Path<String>, uri: Uri) -> Response {
    if !mock.is_woo_store(&store) {
        return super::rest::not_found_page();
    }
    match grant_request(&super::rest::query_map(&uri)) {
        Ok(req) => approve(&mock, &store, req).await,
        Err(msg) => error_page(&msg),
    }
}

/// Creates the key, POSTs it as JSON to `callback_url` (must answer 200, else the key is revoked),
/// then redirects to `return_url?success=1&user_id=…`.
async fn approve(mock: &WooMock, store: &str, req: GrantRequest) -> Response {
    let description = format!("{} - API ({})", req.app_name, chrono::Utc::now().format("%B %-d, %Y at %H:%M"));
    let key = match mock.with_store(store, |s| s.add_key(&req.scope, &description, None, None)) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let grant = json!({
        "key_id": key.key_id,
        "user_id": req.user_id,
        "consumer_key": key.consumer_key,
        "consumer_secret": key.consumer_secret,
        "key_permissions": key.permissions,
    });
    let sent = mock
        .http
        .post(&req.callback_url)
        .header(header::CONTENT_TYPE, "application/json")
        .body(grant.to_string())
        .send()
        .await;
    if !sent.is_ok_and(|r| r.status() == StatusCode::OK) {
        let _ = mock.with_store(store, |s| s.keys.retain(|k| k.key_id != key.key_id));
        return error_page("An error occurred in the request and at the time were unable to send the consumer data");
    }
    let back = with_query(&req.return_url, &[("success", "1"), ("user_id", &req.user_id)]);
    (StatusCode::FOUND, [(header::LOCATION, back)]).into_response()
}

impl IntoResponse for MockError {
    fn into_response(self) -> Response {
        let status = match &self {
            MockError::UnknownStore(_) | MockError::UnknownOrder(_) | MockError::UnknownProduct(_) => {
                StatusCode::NOT_FOUND
            }
            MockError::StoreExists(_) => StatusCode::CONFLICT,
            MockError::UnknownSku(_) | MockError::Invalid(_) => StatusCode::BAD_REQUEST,
        };
        (status, Json(json!({ "error": self.to_string() }))).into_response()
    }
}
