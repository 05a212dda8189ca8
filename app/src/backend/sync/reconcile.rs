//! Reconcile: read back what each store really shows for its mapped SKUs and make
//! `inventory_cache` say so, before a full push repairs every difference. This catches changes
//! made behind our back (a merchant editing stock in the store's admin, another app).

use crate::backend::{
    connect::{shopify as shopify_connect, woocommerce as woo_connect},
    db::{connections, inventory_cache, sku_map},
    state::AppState,
};
use std::collections::HashMap;

/// Refreshes the connection's cache from the store. `Err` carries a message for the activity log.
pub async fn read_back(state: &AppState, conn: &connections::Model) -> Result<(), String> {
    let maps = sku_map::for_connection(&state.db, conn.id, None).await.map_err(|e| e.to_string())?;
    let unopened = || "the stored credentials could not be opened; reconnect the store".to_owned();
    let actual: Vec<(String, Option<i64>)> = if conn.platform == connections::SHOPIFY {
        let client = shopify_connect::client_for(state, conn).ok_or_else(unopened)?;
        let location = conn.location_id.as_deref().ok_or("the shop has no active location to hold stock")?;
        let items: Vec<&str> = maps.iter().filter_map(|m| m.store_inventory_item_id.as_deref()).collect();
        let levels = client.inventory_levels(&items, location).await.map_err(|e| format!("reading stock back: {e}"))?;
        maps.iter()
            .map(|m| {
                (m.sku.clone(), m.store_inventory_item_id.as_deref().and_then(|i| levels.get(i).copied().flatten()))
            })
            .collect()
    } else {
        let client = woo_connect::client_for(state, conn).ok_or_else(unopened)?;
        let variants = client.all_variants().await.map_err(|e| format!("reading stock back: {e}"))?;
        let by_id: HashMap<(String, Option<String>), Option<i64>> = variants
            .into_iter()
            .map(|v| {
                (
                    (v.product_id.to_string(), v.variation_id.map(|id| id.to_string())),
                    v.stock_quantity.filter(|_| v.manage_stock),
                )
            })
            .collect();
        maps.iter()
            .map(|m| {
                let key = (m.store_product_id.clone().unwrap_or_default(), m.store_variant_id.clone());
                (m.sku.clone(), by_id.get(&key).copied().flatten())
            })
            .collect()
    };
    let (known, unknown): (Vec<_>, Vec<_>) = actual.into_iter().partition(|(_, q)| q.is_some());
    let known: Vec<(String, i64)> = known.into_iter().filter_map(|(s, q)| q.map(|q| (s, q))).collect();
    let unknown: Vec<String> = unknown.into_iter().map(|(s, _)| s).collect();
    inventory_cache::put(&state.db, conn.id, &known).await.map_err(|e| e.to_string())?;
    inventory_cache::forget(&state.db, conn.id, &unknown).await.map_err(|e| e.to_string())?;
    Ok(())
}
