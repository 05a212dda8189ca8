//! Sync control: the seed's JSON routes (`POST /sync`, `/sync/pause`, `/sync/resume`,
//! `GET /sync/status`; 401 JSON when signed out) and the Products page's "Re-index", "Sync now"
//! "Create in store" and SKU link forms, which redirect back with a notice.

use super::api_doc::{ErrorBody, Message, StoreStatus, SyncStarted};

use super::ApiUser;
use app::backend::{
    auth::User,
    db::{connections, store_status},
    error::ServerError,
    state::AppState,
    sync::{SyncError, create, links, mapping, triggers},
};
use axum::{
    Form, Json,
    extract::{Path, State},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

/// Enqueues a full push of the caller's account; `skipped` lists the stores it leaves out.
#[utoipa::path(post, path = "/sync", tag = "sync", security(("session" = []), ("token" = [])),
    responses((status = 200, description = "A full stock push is queued; `skipped` are the stores it leaves out", body = SyncStarted),
        (status = 401, description = "Not signed in, or an invalid API token", body = ErrorBody),
        (status = 403, description = "A read-only API token", body = ErrorBody)))]
pub async fn sync_now(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ServerError> {
    let (message, skipped) = triggers::sync_now(&state, user.account_id).await?;
    Ok(super::success(json!({ "message": message, "skipped": skipped })))
}

async fn set_all(state: &AppState, user: User, enabled: bool) -> Result<Json<Value>, ServerError> {
    let n = connections::set_sync_enabled_all(&state.db, user.account_id, enabled).await.map_err(SyncError::from)?;
    // What the seed's pause stops: stock updates. Each store's order import has its own switch.
    let what = if enabled { "resumed" } else { "paused" };
    Ok(super::success(json!({ "message": format!("Stock updates {what} for {n} stores; order import is unchanged.") })))
}

#[utoipa::path(post, path = "/sync/pause", tag = "sync", security(("session" = []), ("token" = [])),
    responses((status = 200, description = "Stock updates paused for every store; order import is unchanged", body = Message),
        (status = 401, description = "Not signed in, or an invalid API token", body = ErrorBody),
        (status = 403, description = "A read-only API token", body = ErrorBody)))]
pub async fn pause(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ServerError> {
    set_all(&state, user, false).await
}

#[utoipa::path(post, path = "/sync/resume", tag = "sync", security(("session" = []), ("token" = [])),
    responses((status = 200, description = "Stock updates resumed for every store", body = Message),
        (status = 401, description = "Not signed in, or an invalid API token", body = ErrorBody),
        (status = 403, description = "A read-only API token", body = ErrorBody)))]
pub async fn resume(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Json<Value>, ServerError> {
    set_all(&state, user, true).await
}

#[utoipa::path(get, path = "/sync/status", tag = "sync", security(("session" = []), ("token" = [])),
    responses((status = 200, description = "Each store of the account", body = [StoreStatus]),
        (status = 401, description = "Not signed in, or an invalid API token", body = ErrorBody)))]
pub async fn status(State(state): State<AppState>, ApiUser(user): ApiUser) -> Result<Response, ServerError> {
    let rows = store_status::for_account(&state.db, user.account_id).await.map_err(SyncError::from)?;
    Ok(Json(rows).into_response())
}

fn back(result: Result<String, impl Into<ServerError>>) -> Response {
    super::back_to("/products", result)
}

/// "Re-index": reads Prokip and every store again and rebuilds the SKU map.
pub async fn reindex_form(State(state): State<AppState>, user: super::SignedIn) -> Response {
    back(mapping::index_account(&state, user.account_id).await.map(|reports| {
        if reports.is_empty() {
            "No store is connected yet.".to_owned()
        } else {
            reports.iter().map(|r| r.summary()).collect::<Vec<_>>().join(". ") + "."
        }
    }))
}

/// "Sync now": enqueues a full push.
pub async fn sync_form(State(state): State<AppState>, user: super::SignedIn) -> Response {
    back(triggers::sync_now(&state, user.account_id).await.map(|(message, _)| message))
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    store_sku: String,
    #[serde(default)]
    prokip_sku: String,
}

/// "Link" (a suggestion, or a Prokip SKU chosen by hand) for a store-only SKU.
pub async fn link_form(State(state): State<AppState>, user: super::SignedIn, Form(f): Form<LinkForm>) -> Response {
    back(links::link(&state, user.account_id, &f.store_sku, &f.prokip_sku).await)
}

/// "Link all suggestions".
pub async fn link_suggested_form(State(state): State<AppState>, user: super::SignedIn) -> Response {
    back(links::link_suggested(&state, user.account_id).await)
}

/// "Unlink" a store SKU linked by hand.
pub async fn unlink_form(State(state): State<AppState>, user: super::SignedIn, Form(f): Form<LinkForm>) -> Response {
    back(links::unlink(&state, user.account_id, &f.store_sku).await)
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
) -> Response {
    let sku = f.sku.trim();
    let skus = (!sku.is_empty()).then(|| vec![sku.to_owned()]);
    back(create::create_in_store(&state, user.account_id, id, skus).await.map(|r| r.summary() + "."))
}
