//! Catalog mapping against the demo platforms: stores are indexed as soon as they are connected,
//! SKUs match exactly and case-sensitively, and what does not match is reported on both sides.

mod common;

use app::backend::sync::mapping;
use common::world::{Options, World};
use mocks::catalog::{DEMO_MISMATCH_PROKIP_SKU, DEMO_MISMATCH_STORE_SKU};

#[tokio::test]
async fn connecting_indexes_the_demo_catalog_and_reports_the_mismatch_on_both_sides() {
    let w = World::with(Options { jobs: false }).await;
    // The connect flows indexed both stores already.
    let mapped = |conn: i64| format!("SELECT count(*) FROM sku_map WHERE connection_id = {conn}");
    assert_eq!(w.app.scalar(&mapped(w.woo_connection)).await, 53);
    assert_eq!(w.app.scalar(&mapped(w.shopify_connection)).await, 53);

    let reports = mapping::index_account(&w.app.state, w.account_id).await.expect("re-index");
    assert_eq!(reports.len(), 2);
    for r in &reports {
        assert_eq!(r.matched, 53, "{}", r.summary());
        assert_eq!(r.prokip_only, [DEMO_MISMATCH_PROKIP_SKU], "{}", r.summary());
        assert_eq!(r.store_only, [DEMO_MISMATCH_STORE_SKU], "{}", r.summary());
        assert!(r.duplicate_prokip.is_empty() && r.duplicate_store.is_empty());
    }
    // The map points at the real ids: Shopify's inventory item and Prokip's variation.
    let item = w.shopify.inventory_item_id(mocks::shopify::DEMO_SHOP, "AS0001").unwrap();
    let variation = w.prokip.variation_id(w.prokip_location, "AS0001").unwrap();
    let sql = format!(
        "SELECT count(*) FROM sku_map WHERE connection_id = {} AND sku = 'AS0001'
         AND store_inventory_item_id = '{item}' AND prokip_variation_id = {variation}",
        w.shopify_connection
    );
    assert_eq!(w.app.scalar(&sql).await, 1);
    let mismatched = format!("SELECT count(*) FROM sku_map WHERE sku IN ('{DEMO_MISMATCH_PROKIP_SKU}', '{DEMO_MISMATCH_STORE_SKU}')");
    assert_eq!(w.app.scalar(&mismatched).await, 0);
}
