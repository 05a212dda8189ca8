//! Laravel Passport as the Connector uses it: `POST /oauth/token` (form-encoded password and
//! refresh_token grants) and the `auth:api` bearer guard on every `/connector/api/*` route.

use super::{Shared, store::Store};
use axum::{
    Json,
    body::Bytes,
    extract::{Request, State},
    http::{HeaderMap, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::json;
use std::collections::HashMap;

/// Passport's default lifetime (one year).
const EXPIRES_IN: i64 = 31_536_000;

/// Who is calling: set by [`guard`] for the API handlers.
#[derive(Clone, Copy)]
pub(super) struct Caller {
    pub user_id: i64,
    pub business_id: i64,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({ "error": error, "error_description": description, "message": description });
    (status, Json(body)).into_response()
}

pub(super) async fn token(State(mock): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let form_encoded = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let form: HashMap<String, String> =
        if form_encoded { serde_urlencoded::from_bytes(&body).unwrap_or_default() } else { HashMap::new() };
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let grant = field("grant_type");
    if grant != "password" && grant != "refresh_token" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        );
    }
    let mut store = mock.lock();
    if field("client_id") != mock.client_id || field("client_secret") != mock.client_secret {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client authentication failed");
    }
    let user_id = if grant == "password" {
        password_grant(&store, field("username"), field("password"))
    } else {
        refresh_grant(&mut store, field("refresh_token"))
    };
    let Some(user_id) = user_id else {
        return if grant == "password" {
            oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "The user credentials were incorrect.")
        } else {
            oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "The refresh token is invalid.")
        };
    };
    let (access, refresh) = store.issue_tokens(user_id);
    Json(json!({ "token_type": "Bearer", "expires_in": EXPIRES_IN, "access_token": access, "refresh_token": refresh }))
        .into_response()
}

fn password_grant(store: &Store, username: &str, password: &str) -> Option<i64> {
    let user = store.users.iter().find(|u| u.username == username && !username.is_empty())?;
    (user.password == password).then_some(user.id)
}

/// Passport revokes the old access token and the used refresh token.
fn refresh_grant(store: &mut Store, refresh: &str) -> Option<i64> {
    let t = store.refresh_tokens.get_mut(refresh).filter(|t| t.valid)?;
    t.valid = false;
    let (user_id, access) = (t.user_id, t.access.clone());
    if let Some(a) = store.access_tokens.get_mut(&access) {
        a.valid = false;
    }
    Some(user_id)
}

/// `auth:api`: a valid bearer token or 401 `{"message":"Unauthenticated."}`.
pub(super) async fn guard(State(mock): State<Shared>, mut req: Request, next: Next) -> Response {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let caller = token.and_then(|t| mock.lock().bearer(t));
    match caller {
        Some((user_id, business_id)) => {
            req.extensions_mut().insert(Caller { user_id, business_id });
            next.run(req).await
        }
        None => (StatusCode::UNAUTHORIZED, Json(json!({ "message": "Unauthenticated." }))).into_response(),
    }
}
