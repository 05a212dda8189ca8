//! The Products page's reads: one page of SKUs, filtered by text and match status; one SKU explained.

use crate::model::{AppError, ProductsView};
use leptos::prelude::*;

#[server(endpoint = "products")]
pub async fn load_products(
    q: String,
    status: String,
    page: u64,
    #[server(default)] sort: String,
) -> Result<ProductsView, AppError> {
    use crate::backend::{auth::require_user, state::AppState, sync::products};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(products::view(&state, user.account_id, &products::Filter { q: &q, status: &status, sort: &sort }, page).await?)
}

/// The SKU page: where each number of one SKU comes from, with page `page` of its history.
#[server(endpoint = "sku")]
pub async fn load_sku(sku: String, page: u64) -> Result<crate::model::SkuView, AppError> {
    use crate::backend::{auth::require_user, state::AppState, sync::sku};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(sku::explain(&state, user.account_id, &sku, page).await?)
}
