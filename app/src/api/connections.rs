//! The Connections page's read: the Prokip connection and every connected store.

use crate::model::{AppError, ConnectionsView};
use leptos::prelude::*;

#[server(endpoint = "connections")]
pub async fn load_connections() -> Result<ConnectionsView, AppError> {
    use crate::backend::{auth::require_user, connect, state::AppState};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(connect::view(&state, user.account_id).await?)
}
