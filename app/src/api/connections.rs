//! The Connections page's reads: the Prokip connection and every connected store; a store's preview.

use crate::model::{AppError, ConnectionsView, PreviewView, StoreHealthView};
use leptos::prelude::*;

#[server(endpoint = "connections")]
pub async fn load_connections() -> Result<ConnectionsView, AppError> {
    use crate::backend::{auth::require_user, connect, state::AppState};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(connect::view(&state, user.account_id).await?)
}

/// Each store's badge, for pages that keep them current while open.
#[server(endpoint = "store_health")]
pub async fn load_store_health() -> Result<Vec<StoreHealthView>, AppError> {
    use crate::backend::{auth::require_user, db::overview, error::ServerError, state::AppState};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(overview::stores(&state.db, user.account_id).await.map_err(ServerError::from)?)
}

/// A store's preview: what the next full sync would change, filtered, sorted and paged.
#[server(endpoint = "connection_preview")]
pub async fn load_preview(id: i64, show: String, sort: String, page: u64) -> Result<PreviewView, AppError> {
    use crate::backend::{auth::require_user, state::AppState, sync::preview};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(preview::preview(&state, user.account_id, id, &show, &sort, page).await?)
}
