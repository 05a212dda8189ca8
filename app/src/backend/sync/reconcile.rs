//! Reconcile: read back what each store really shows for its mapped SKUs and make
//! `inventory_cache` say so, before a full push repairs every difference. This catches changes
//! made behind our back (a merchant editing stock in the store's admin, another app).

use crate::backend::{
    db::{connections, inventory_cache, location_cache, sku_map},
    state::AppState,
    stores::Store,
};
use crate::model::PushReason;

/// Refreshes the connection's cache from the store. `Err` carries a message for the activity log.
/// What differs from what we last wrote is recorded as drift, with `cause` (the push it is for).
pub async fn read_back(state: &AppState, conn: &connections::Model, cause: PushReason) -> Result<(), String> {
    let maps = sku_map::for_connection(&state.db, conn.id, None).await.map_err(|e| e.to_string())?;
    let store = Store::open(state, conn).map_err(|e| e.to_string())?;
    store.can_hold_stock().map_err(|e| e.to_string())?;
    let actual = store.stock_levels(&maps).await.map_err(|e| format!("reading stock back: {e}"))?;
    let (known, unknown): (Vec<_>, Vec<_>) = actual.into_iter().partition(|(_, q)| q.is_some());
    let known: Vec<(String, i64)> = known.into_iter().filter_map(|(s, q)| q.map(|q| (s, q))).collect();
    let unknown: Vec<String> = unknown.into_iter().map(|(s, _)| s).collect();
    let change = inventory_cache::Change::ReadBack(cause);
    inventory_cache::put(&state.db, conn.account_id, conn.id, &known, change).await.map_err(|e| e.to_string())?;
    inventory_cache::forget(&state.db, conn.id, &unknown).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Refreshes what we know of a Shopify shop's other location `location` (one a Prokip source
/// feeds) from the shop. `Err` carries a message for the activity log.
pub async fn read_back_at(state: &AppState, conn: &connections::Model, location: &str) -> Result<(), String> {
    let maps = sku_map::for_connection(&state.db, conn.id, None).await.map_err(|e| e.to_string())?;
    let store = Store::open(state, conn).map_err(|e| e.to_string())?;
    let actual = store.stock_levels_at(location, &maps).await.map_err(|e| format!("reading stock back: {e}"))?;
    let (known, unknown): (Vec<_>, Vec<_>) = actual.into_iter().partition(|(_, q)| q.is_some());
    let known: Vec<(String, i64)> = known.into_iter().filter_map(|(s, q)| q.map(|q| (s, q))).collect();
    let unknown: Vec<String> = unknown.into_iter().map(|(s, _)| s).collect();
    location_cache::put(&state.db, conn.id, location, &known).await.map_err(|e| e.to_string())?;
    location_cache::forget(&state.db, conn.id, location, Some(&unknown)).await.map_err(|e| e.to_string())?;
    Ok(())
}
