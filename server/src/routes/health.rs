//! `/healthz`: the process answers. `/readyz`: the database answers too.

use super::api_doc::{Health, Ready};

use app::backend::state::AppState;
use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "The process answers", body = Health)))]
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, description = "The database answers", body = Ready),
        (status = 503, description = "The database does not answer (within 2 s)", body = Ready)))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let ping = state.db.ping();
    match tokio::time::timeout(Duration::from_secs(2), ping).await {
        Ok(Ok(_)) => (StatusCode::OK, Json(json!({ "status": "ready", "database": "up" }))),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database error");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "down" })))
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "timeout" }))),
    }
}
