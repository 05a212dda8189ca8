//! Order import routes: pull missed orders (the seed's JSON endpoint) and the Retry forms of the
//! Orders and Activity pages, which redirect back with a notice or an error.

use super::SignedIn;
use app::backend::{
    state::AppState,
    sync::orders::{pull, retry},
};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde_json::json;

/// `POST /sync/pull-orders` → `{"message", "count"}` (count = orders new to us).
pub async fn pull_orders(State(state): State<AppState>, user: SignedIn) -> Response {
    match pull::pull_account(&state, user.account_id).await {
        Ok(p) => {
            let message =
                format!("Read {} orders from your stores; {} were new and are being imported.", p.orders, p.new);
            Json(json!({ "message": message, "count": p.new })).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, Json(json!({ "message": e.to_string(), "count": 0 }))).into_response(),
    }
}

fn back(page: &str, result: Result<String, retry::RetryError>) -> Redirect {
    let (key, text) = match result {
        Ok(n) => ("notice", n),
        Err(e) => ("error", e.to_string()),
    };
    Redirect::to(&format!("{page}?{}", serde_urlencoded::to_string([(key, text)]).unwrap_or_default()))
}

pub async fn retry_activity(State(state): State<AppState>, user: SignedIn, Path(id): Path<i64>) -> Redirect {
    back("/activity", retry::retry_activity(&state, user.account_id, id).await)
}

pub async fn retry_order(State(state): State<AppState>, user: SignedIn, Path(id): Path<i64>) -> Redirect {
    back("/orders", retry::retry_order(&state, user.account_id, id).await)
}
