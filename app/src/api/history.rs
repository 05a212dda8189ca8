//! The Orders and Activity pages' reads.

use crate::model::{ActivitiesView, AppError, OrdersView};
use leptos::prelude::*;

#[server(endpoint = "orders")]
pub async fn load_orders(q: String, state: String, page: u64) -> Result<OrdersView, AppError> {
    use crate::backend::{auth::require_user, state::AppState, sync::history};
    let user = require_user().await?;
    let app = expect_context::<AppState>();
    Ok(history::orders(&app, user.account_id, &q, &state, page).await?)
}

#[server(endpoint = "activity")]
pub async fn load_activity(open_only: bool, q: String, kind: String, page: u64) -> Result<ActivitiesView, AppError> {
    use crate::backend::{auth::require_user, state::AppState, sync::history};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(history::activity(&state, user.account_id, open_only, &q, &kind, page).await?)
}
