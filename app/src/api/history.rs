//! The Orders, order and Activity pages' reads.

use crate::model::{ActivitiesView, AppError, OrderPageView, OrdersView};
use leptos::prelude::*;

/// One page of the caller's orders; `store`, `from` and `to` may be left out (any).
#[server(endpoint = "orders")]
pub async fn load_orders(
    q: String,
    state: String,
    #[server(default)] store: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    page: u64,
) -> Result<OrdersView, AppError> {
    use crate::backend::{auth::require_user, state::AppState, sync::history};
    let user = require_user().await?;
    let app = expect_context::<AppState>();
    let query = history::OrdersQuery { q: &q, state: &state, store: &store, from: &from, to: &to, page };
    Ok(history::orders(&app, user.account_id, &query).await?)
}

/// One order of the caller's account in detail.
#[server(endpoint = "order")]
pub async fn load_order(id: i64) -> Result<OrderPageView, AppError> {
    use crate::backend::{auth::require_user, state::AppState, sync::order_page};
    let user = require_user().await?;
    let app = expect_context::<AppState>();
    Ok(order_page::view(&app, user.account_id, id).await?)
}

#[server(endpoint = "activity")]
pub async fn load_activity(open_only: bool, q: String, kind: String, page: u64) -> Result<ActivitiesView, AppError> {
    use crate::backend::{auth::require_user, state::AppState, sync::history};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(history::activity(&state, user.account_id, open_only, &q, &kind, page).await?)
}
