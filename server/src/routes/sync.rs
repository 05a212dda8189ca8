//! Sync control: the seed's JSON routes (`POST /sync`, `/sync/pause`, `/sync/resume`,
//! `GET /sync/status`; 401 JSON when signed out) and the Products page's "Re-index", "Sync now"
//! and "Create in store" forms, which redirect back with a notice.

use app::backend::{
    auth::AuthSession,
    db::{connections, store_status},
    state::AppState,
    sync::{SyncError, create, mapping, triggers},
};
use axum::{
    Form, Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use serde_json::json;

fn error(status: StatusCode, error: &str, details: impl ToString) -> Response {
    (status, Json(json!({ "error": error, "details": details.to_string() }))).into_response()
}

fn unauthorized() -> Response {
    error(StatusCode::UNAUTHORIZED, "Not signed in", "Sign in first (POST /auth/login).")
}

fn failed(e: SyncError) -> Response {
    let status = match e {
        SyncError::ProkipNotReady | SyncError::NotFound => StatusCode::BAD_REQUEST,
        SyncError::Prokip(_) | SyncError::Store(_) => StatusCode::BAD_GATEWAY,
        SyncError::Queue(_) | SyncError::Db(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    error(status, "Sync failed", e)
}

/// Enqueues a full push of the caller's account.
pub async fn sync_now(State(state): State<AppState>, auth: AuthSession) -> Response {
    let Some(user) = auth.user else { return unauthorized() };
    match triggers::enqueue_full(&state, user.account_id, triggers::MANUAL).await {
        Ok(()) => {
            Json(json!({ "message": "Sync started: every mapped SKU is being pushed to your stores." })).into_response()
        }
        Err(e) => failed(e),
    }
}

async fn set_all(state: &AppState, auth: AuthSession, enabled: bool) -> Response {
    let Some(user) = auth.user else { return unauthorized() };
    match connections::set_sync_enabled_all(&state.db, user.account_id, enabled).await {
        Ok(n) => {
            let what = if enabled { "resumed" } else { "paused" };
            Json(json!({ "message": format!("Sync {what} for {n} stores.") })).into_response()
        }
        Err(e) => failed(e.into()),
    }
}

pub async fn pause(State(state): State<AppState>, auth: AuthSession) -> Response {
    set_all(&state, auth, false).await
}

pub async fn resume(State(state): State<AppState>, auth: AuthSession) -> Response {
    set_all(&state, auth, true).await
}

pub async fn status(State(state): State<AppState>, auth: AuthSession) -> Response {
    let Some(user) = auth.user else { return unauthorized() };
    match store_status::for_account(&state.db, user.account_id).await {
        Ok(rows) => Json(rows).into_response(),
        Err(e) => failed(e.into()),
    }
}

fn back(result: Result<String, SyncError>) -> Redirect {
    let (key, text) = match result {
        Ok(n) => ("notice", n),
        Err(e) => ("error", e.to_string()),
    };
    Redirect::to(&format!("/products?{}", serde_urlencoded::to_string([(key, text)]).unwrap_or_default()))
}

/// "Re-index": reads Prokip and every store again and rebuilds the SKU map.
pub async fn reindex_form(State(state): State<AppState>, user: super::SignedIn) -> Redirect {
    back(mapping::index_account(&state, user.account_id).await.map(|reports| {
        if reports.is_empty() {
            "No store is connected yet.".to_owned()
        } else {
            reports.iter().map(|r| r.summary()).collect::<Vec<_>>().join(". ") + "."
        }
    }))
}

/// "Sync now": enqueues a full push.
pub async fn sync_form(State(state): State<AppState>, user: super::SignedIn) -> Redirect {
    back(
        triggers::enqueue_full(&state, user.account_id, triggers::MANUAL)
            .await
            .map(|()| "Sync started: every mapped SKU is being pushed to your stores.".to_owned()),
    )
}

#[derive(Deserialize)]
pub struct CreateForm {
    /// One SKU; empty = every SKU the store lacks.
    #[serde(default)]
    sku: String,
}

/// "Create in store" (one SKU) and "Create all missing" (no SKU) for one of the caller's stores.
pub async fn create_form(
    State(state): State<AppState>,
    user: super::SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<CreateForm>,
) -> Redirect {
    let sku = f.sku.trim();
    let skus = (!sku.is_empty()).then(|| vec![sku.to_owned()]);
    back(create::create_in_store(&state, user.account_id, id, skus).await.map(|r| r.summary() + "."))
}
