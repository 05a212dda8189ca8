//! Order import routes: pull missed orders (the seed's JSON endpoint) and the Retry forms of the
//! Orders and Activity pages, which redirect back with a notice or an error.

use super::api_doc::{ErrorBody, PulledOrders};

use super::{ApiUser, SignedIn, back_to, success};
use app::backend::{
    error::ServerError,
    state::AppState,
    sync::orders::{pull, retry},
};
use axum::{
    Json,
    extract::{Path, Query, State},
    response::{IntoResponse, Response},
};
use serde_json::json;

/// `POST /sync/pull-orders` → `{"message", "count"}` (count = orders new to us).
#[utoipa::path(post, path = "/sync/pull-orders", tag = "sync", security(("session" = []), ("token" = [])),
    responses((status = 200, description = "Orders read from every store; new ones are being imported", body = PulledOrders),
        (status = 401, description = "Not signed in, or an invalid API token", body = ErrorBody),
        (status = 403, description = "A read-only API token", body = ErrorBody),
        (status = 502, description = "No store could be read (`count` is 0)", body = PulledOrders)))]
pub async fn pull_orders(State(state): State<AppState>, ApiUser(user): ApiUser) -> Response {
    match pull::pull_account(&state, user.account_id).await {
        Ok(p) => {
            let message =
                format!("Read {} orders from your stores; {} were new and are being imported.", p.orders, p.new);
            success(json!({ "message": message, "count": p.new })).into_response()
        }
        Err(e) => {
            // The seed's shape for this route: `{"message", "count": 0}`.
            let e = ServerError::from(e);
            (e.status(), Json(json!({ "message": e.into_message(), "count": 0 }))).into_response()
        }
    }
}

pub async fn retry_activity(State(state): State<AppState>, user: SignedIn, Path(id): Path<i64>) -> Response {
    back_to("/activity", retry::retry_activity(&state, user.account_id, id).await)
}

/// "Retry all open problems" on the Activity page.
pub async fn retry_all(State(state): State<AppState>, user: SignedIn) -> Response {
    back_to("/activity?open=1", retry::retry_all(&state, user.account_id).await)
}

/// Where a Retry form of the orders came from: the list, or (`?back=order`) the order's own page.
#[derive(serde::Deserialize)]
pub struct BackTo {
    back: Option<String>,
}

pub async fn retry_order(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Query(from): Query<BackTo>,
) -> Response {
    let page = if from.back.as_deref() == Some("order") { format!("/orders/{id}") } else { "/orders".to_owned() };
    back_to(&page, retry::retry_order(&state, user.account_id, id).await)
}
