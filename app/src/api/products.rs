//! The Products page's read: one page of SKUs, filtered by text and match status.

use crate::model::{AppError, ProductsView};
use leptos::prelude::*;

#[server(endpoint = "products")]
pub async fn load_products(q: String, status: String, page: u64) -> Result<ProductsView, AppError> {
    use crate::backend::{auth::require_user, state::AppState, sync::products};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(products::view(&state, user.account_id, &q, &status, page).await?)
}
