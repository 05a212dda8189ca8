//! Raw HTTP routes outside Leptos: auth forms and JSON, health checks, metrics.

pub mod api_doc;
pub mod auth;
pub mod connections;
pub mod health;
pub mod metrics;
pub mod orders;
pub mod prokip;
pub mod settings;
pub mod shopify;
pub mod sync;
pub mod woocommerce;

use app::backend::{
    auth::{AuthSession, User},
    error::{Kind, ServerError},
    flash,
    state::AppState,
};
use app::model::FlashView;
use axum::{
    Json,
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use serde_json::Value;
use std::{convert::Infallible, net::SocketAddr};

/// The client address (the peer, or what our trusted proxies say it forwarded), used to key
/// login throttling.
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
        Ok(ClientIp(state.config.trusted_proxies.client_of(peer, &parts.headers)))
    }
}

/// The signed-in user of a route. Anyone else is sent to the sign-in page, or answered 401 JSON
/// when the request is JSON ([`wants_json`]).
pub struct SignedIn(pub User);

impl std::ops::Deref for SignedIn {
    type Target = User;
    fn deref(&self) -> &User {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let auth = AuthSession::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        auth.user.map(SignedIn).ok_or_else(|| signed_out(&parts.headers))
    }
}

/// The signed-in user of a JSON-only route (the seed's API): anyone else gets 401 JSON, whatever
/// the request sends.
pub struct ApiUser(pub User);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let auth = AuthSession::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        auth.user.map(ApiUser).ok_or_else(|| not_signed_in().into_response())
    }
}

/// A request is JSON when it sends JSON or asks for it.
pub fn wants_json(headers: &HeaderMap) -> bool {
    let has = |name, what: &str| headers.get(name).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(what));
    has(header::CONTENT_TYPE, "json") || has(header::ACCEPT, "application/json")
}

/// What a signed-out request gets: 401 JSON for a JSON request, the sign-in page for a browser.
pub fn signed_out(headers: &HeaderMap) -> Response {
    if wants_json(headers) { not_signed_in().into_response() } else { Redirect::to("/login").into_response() }
}

/// The JSON routes' answer to a request without a session.
pub fn not_signed_in() -> ServerError {
    ServerError::new(Kind::Unauthorized, "Sign in first (POST /auth/login).").with_title("Not signed in")
}

/// A seed route's success: today's fields with `"success": true` beside them, as the seed answers.
pub fn success(mut body: Value) -> Json<Value> {
    if let Some(fields) = body.as_object_mut() {
        fields.insert("success".into(), Value::Bool(true));
    }
    Json(body)
}

/// Back to `page`, which shows the notice (success) or the error once, as every form route answers.
pub fn back_to(page: &str, result: Result<String, impl Into<ServerError>>) -> Response {
    match result {
        Ok(notice) => flash::redirect(page, FlashView { notice: Some(notice), ..Default::default() }),
        Err(e) => e.into().redirect(page, &[]),
    }
}

/// A JSON body that cannot be read: 400 `Invalid request body` with the reason.
pub fn bad_body(reason: impl ToString) -> ServerError {
    ServerError::new(Kind::BadRequest, reason.to_string()).with_title("Invalid request body")
}
