//! Prokip connection forms, and the seed's `POST /connections/prokip` JSON route.

use super::api_doc::{ErrorBody, Message, ProkipToken};

use super::{ApiUser, SignedIn, bad_body, connections::back, success};
use app::backend::{
    connect::prokip,
    error::{Kind, ServerError},
    secret::Secret,
    state::AppState,
};
use axum::{Form, Json, body::Bytes, extract::State, response::Response};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn login(State(state): State<AppState>, user: SignedIn, Form(f): Form<LoginForm>) -> Response {
    back(prokip::connect_with_password(&state, user.account_id, &f.username, Secret::new(f.password)).await)
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

pub async fn token(State(state): State<AppState>, user: SignedIn, Form(f): Form<TokenForm>) -> Response {
    back(prokip::connect_with_token(&state, user.account_id, &f.token, None).await)
}

#[derive(Deserialize)]
pub struct LocationForm {
    #[serde(default)]
    location_id: String,
}

pub async fn location(State(state): State<AppState>, user: SignedIn, Form(f): Form<LocationForm>) -> Response {
    back(prokip::choose_location(&state, user.account_id, &f.location_id).await)
}

/// Reads the business's locations and payment methods again at once.
pub async fn refresh(State(state): State<AppState>, user: SignedIn) -> Response {
    back(prokip::refresh(&state, user.account_id).await)
}

pub async fn disconnect(State(state): State<AppState>, user: SignedIn) -> Response {
    back(prokip::disconnect(&state, user.account_id).await)
}

/// Seed parity: `{"token": "...", "locationId": 21237}` → JSON.
#[derive(Deserialize)]
struct SeedBody {
    #[serde(default)]
    token: String,
    #[serde(default, rename = "locationId")]
    location_id: Option<serde_json::Value>,
}

#[utoipa::path(post, path = "/connections/prokip", tag = "connections", request_body = ProkipToken, security(("session" = []), ("token" = [])),
    responses((status = 200, description = "Prokip connected at the location", body = Message),
        (status = 400, description = "No token, or a location of another business", body = ErrorBody),
        (status = 401, description = "Not signed in, or an invalid API token", body = ErrorBody),
        (status = 403, description = "A read-only API token", body = ErrorBody),
        (status = 502, description = "Prokip refused the token or did not answer", body = ErrorBody)))]
pub async fn connect_json(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ServerError> {
    let body: SeedBody = serde_json::from_slice(&body).map_err(bad_body)?;
    let location_id = match body.location_id {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())).ok_or_else(|| {
            ServerError::new(Kind::BadRequest, "locationId must be a number").with_title("Invalid locationId")
        })?),
    };
    let message = prokip::connect_with_token(&state, user.account_id, &body.token, location_id).await?;
    Ok(success(json!({ "message": message })))
}
