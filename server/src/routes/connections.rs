//! Connection management forms: the stock updates and order import switches, stock rules, source
//! locations, disconnect. Each answers with a redirect back to the Connections page carrying a notice or an
//! error. "Start syncing" on a store's preview answers back to the preview. And the seed's
//! `DELETE /connections/{id}`, the same disconnect answered in JSON.

use super::api_doc::{ErrorBody, Message};

use super::{ApiUser, SignedIn, success};
use app::backend::{
    connect,
    error::{Kind, ServerError},
    state::AppState,
    sync::preview,
};
use axum::{
    Form, Json,
    extract::{Path, State},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};

/// Back to the Connections page with `?notice=` or `?error=`.
pub fn back(result: Result<String, impl Into<ServerError>>) -> Response {
    super::back_to("/connections", result)
}

#[derive(Deserialize)]
pub struct SyncForm {
    #[serde(default)]
    enabled: String,
}

pub async fn set_sync(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<SyncForm>,
) -> Response {
    back(connect::set_sync(&state, user.account_id, id, f.enabled == "true").await)
}

/// The order import switch (`enabled` = `true` | `false`).
pub async fn set_orders(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<SyncForm>,
) -> Response {
    back(connect::set_order_import(&state, user.account_id, id, f.enabled == "true").await)
}

/// A store's stock rules; a field the form does not send stays as it is (`/buffer` sends only
/// `safety_buffer`). `max` empty: no maximum.
#[derive(Deserialize)]
pub struct RulesForm {
    safety_buffer: Option<String>,
    percent: Option<String>,
    max: Option<String>,
    zero_below: Option<String>,
}

pub async fn set_rules(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<RulesForm>,
) -> Response {
    let form = connect::RulesForm {
        safety_buffer: f.safety_buffer.as_deref(),
        percent: f.percent.as_deref(),
        max: f.max.as_deref(),
        zero_below: f.zero_below.as_deref(),
    };
    back(connect::set_rules(&state, user.account_id, id, &form).await)
}

/// A store's locations: `source` once per ticked location (the form's checkboxes), `sell_at` the
/// location its orders are sold at (empty: the first ticked).
pub async fn set_sources(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = connect::SourcesForm {
        sources: fields.iter().filter(|(k, _)| k == "source").map(|(_, v)| v.as_str()).collect(),
        sell_at: fields.iter().find(|(k, _)| k == "sell_at").map(|(_, v)| v.as_str()),
    };
    back(connect::set_sources(&state, user.account_id, id, &form).await)
}

#[derive(Deserialize)]
pub struct StoreLocationForm {
    #[serde(default)]
    location: String,
}

/// A Shopify shop's location its stock is written at (`location`: the shop's location id).
pub async fn set_store_location(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<StoreLocationForm>,
) -> Response {
    back(connect::set_store_location(&state, user.account_id, id, &f.location).await)
}

/// Which Shopify location each Prokip source feeds: `feed-<Prokip location id>` = the shop's
/// location id, once per source.
pub async fn set_feeds(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let form = connect::FeedsForm {
        feeds: fields.iter().filter_map(|(k, v)| Some((k.strip_prefix("feed-")?, v.as_str()))).collect(),
    };
    back(connect::set_feeds(&state, user.account_id, id, &form).await)
}

#[derive(Deserialize)]
pub struct DisconnectForm {
    #[serde(default)]
    confirm: String,
}

pub async fn disconnect(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<DisconnectForm>,
) -> Response {
    back(connect::disconnect_store(&state, user.account_id, id, f.confirm == "yes").await)
}

/// Seed parity: `DELETE /connections/{id}` disconnects as the form does (the seed asks no
/// confirmation); another account's id or an unknown one is 404.
#[utoipa::path(delete, path = "/connections/{id}", tag = "connections", security(("session" = []), ("token" = [])),
    params(("id" = i64, Path, description = "The store's connection id")),
    responses((status = 200, description = "Disconnected, as the dashboard's Disconnect does", body = Message),
        (status = 401, description = "Not signed in, or an invalid API token", body = ErrorBody),
        (status = 403, description = "A read-only API token", body = ErrorBody),
        (status = 404, description = "Not a store of this account", body = ErrorBody)))]
pub async fn delete_json(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ServerError> {
    let message = connect::disconnect_store(&state, user.account_id, id, true).await?;
    Ok(success(json!({ "message": message })))
}

/// "Start syncing" on a store's preview: back to the preview with a notice or an error; a store
/// that is not the account's is 404, nothing changed.
pub async fn start_syncing(State(state): State<AppState>, user: SignedIn, Path(id): Path<i64>) -> Response {
    match preview::start_syncing(&state, user.account_id, id).await {
        Err(e) if e.kind() == Kind::NotFound => e.into_response(),
        result => super::back_to(&format!("/connections/{id}/preview"), result).into_response(),
    }
}
