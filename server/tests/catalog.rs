//! Catalog mapping against the demo platforms: stores are indexed by a job right after they connect,
//! SKUs match exactly and case-sensitively, and what does not match is reported on both sides.

mod common;

use app::backend::sync::mapping;
use common::world::{Options, World};
use mocks::catalog::{DEMO_MISMATCH_PROKIP_SKU, DEMO_MISMATCH_STORE_SKU};
use mocks::woocommerce as wm;
use serde_json::{Value, json};

#[tokio::test]
async fn connecting_indexes_the_demo_catalog_and_reports_the_mismatch_on_both_sides() {
    let w = World::new().await;
    // The connects answered at once; the workers then matched both stores, and said so.
    let mapped = |conn: i64| format!("SELECT count(*) FROM sku_map WHERE connection_id = {conn}");
    assert_eq!(w.app.scalar(&mapped(w.woo_connection)).await, 53);
    assert_eq!(w.app.scalar(&mapped(w.shopify_connection)).await, 53);
    // Each store at least once: the first stock push, reported back by the store as a product
    // change, may index a store again, depending on when it lands.
    let logged = "SELECT count(DISTINCT connection_id) FROM activity WHERE kind = 'catalog' AND status = 'ok'
                  AND subject LIKE 'Catalog of %' AND detail LIKE '%53 matched, 1 only in the store, 1 only in Prokip%'";
    assert_eq!(w.app.scalar(logged).await, 2);
    let runs = w.app.scalar("SELECT count(*) FROM sync_runs WHERE reason = 'catalog-match'").await;
    let clean =
        "SELECT count(*) FROM sync_runs WHERE reason = 'catalog-match' AND total = 1 AND done = 1 AND failed = 0";
    assert!(runs >= 2, "a catalog run per store: {runs}");
    assert_eq!(w.app.scalar(clean).await, runs, "every catalog run finished without a failure");

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
    let mismatched = format!(
        "SELECT count(*) FROM sku_map WHERE sku IN ('{DEMO_MISMATCH_PROKIP_SKU}', '{DEMO_MISMATCH_STORE_SKU}')"
    );
    assert_eq!(w.app.scalar(&mismatched).await, 0);
}

async fn products(w: &World, c: &reqwest::Client, q: &str, status: &str, page: u64) -> (reqwest::StatusCode, Value) {
    let r = c
        .post(w.app.url("/api/products"))
        .form(&[("q", q), ("status", status), ("page", &page.to_string())])
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_products_page_searches_filters_and_pages_in_the_database() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    let (status, all) = products(&w, &w.browser, "", "", 1).await;
    assert_eq!(status, 200, "{all}");
    // 54 Prokip SKUs + the store-only spelling of the mismatch.
    assert_eq!(all["total"], 55);
    assert_eq!(all["pages"], 2);
    assert_eq!(all["rows"].as_array().unwrap().len(), 50);
    assert_eq!(all["stores"].as_array().unwrap().len(), 2);
    let (_, second) = products(&w, &w.browser, "", "", 2).await;
    assert_eq!(second["rows"].as_array().unwrap().len(), 5);

    let (_, unmatched) = products(&w, &w.browser, "as0040", "", 1).await;
    let rows: Vec<(&str, &str)> = unmatched["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["sku"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(rows, [("AS0040", "prokip_only"), ("as0040", "store_only")]);

    let (_, matched) = products(&w, &w.browser, "", "matched", 1).await;
    assert_eq!(matched["total"], 53);
    let first = &matched["rows"][0];
    assert_eq!((first["sku"].as_str(), first["prokip_qty"].as_str()), (Some("AS0001"), Some("5")));
    assert_eq!(first["stores"][0]["published"], 5);

    // The page itself, rendered on the server (works without JavaScript).
    let html = w.browser.get(w.app.url("/products?q=as0040")).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Missing in a store")
            && html.contains("Only in a store")
            && html.contains("2 SKUs · page 1 of 1"),
        "{html}"
    );

    let (status, _) = products(&w, &w.browser, "", "nonsense", 1).await;
    assert_eq!(status, 400);
    let (status, _) = products(&w, &w.app.new_browser(), "", "", 1).await;
    assert_eq!(status, 401);
}

/// The list sorted by a column, either way, from the database (every page in that order); a
/// column that is not one is refused.
#[tokio::test]
async fn the_products_list_sorts_by_a_column_either_way() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    let sorted = |sort: &'static str| {
        let c = w.browser.clone();
        let url = w.app.url("/api/products");
        async move {
            let r = c.post(url).form(&[("q", ""), ("status", "matched"), ("page", "1"), ("sort", sort)]).send().await;
            let r = r.unwrap();
            (r.status(), r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let quantities = |v: &Value| -> Vec<f64> {
        v["rows"].as_array().unwrap().iter().map(|r| r["prokip_qty"].as_str().unwrap().parse().unwrap()).collect()
    };
    let (status, most) = sorted("-prokip").await;
    assert_eq!(status, 200, "{most}");
    let down = quantities(&most);
    assert!(down.windows(2).all(|p| p[0] >= p[1]) && down[0] > *down.last().unwrap(), "{down:?}");
    let (_, least) = sorted("prokip").await;
    let up = quantities(&least);
    assert!(up.windows(2).all(|p| p[0] <= p[1]), "{up:?}");
    assert_eq!(most["sort"], "-prokip");

    let (_, names) = sorted("-sku").await;
    let skus: Vec<&str> = names["rows"].as_array().unwrap().iter().map(|r| r["sku"].as_str().unwrap()).collect();
    assert!(skus.windows(2).all(|p| p[0] > p[1]), "{skus:?}");

    let (status, refused) = sorted("price; DROP TABLE users").await;
    assert_eq!(status, 400);
    assert!(refused.to_string().contains("not a column to sort by"), "{refused}");

    // The page: each heading links to its own order, and says which one the list is in.
    let html = w.browser.get(w.app.url("/products?sort=-prokip")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"aria-sort="descending""#) && html.contains("sort=prokip"), "{html}");
}

/// The merchant corrects the mismatched SKU in WooCommerce (which fires no webhook by itself);
/// returns the product's id.
async fn fix_the_spelling_in_woo(w: &World) -> u64 {
    let state = w.woo.state(wm::DEMO_STORE).unwrap();
    let product =
        state["products"].as_array().unwrap().iter().find(|p| p["sku"] == DEMO_MISMATCH_STORE_SKU).unwrap()["id"]
            .clone();
    let url = format!("{}/wp-json/wc/v3/products/{product}", w.woo.store_url(wm::DEMO_STORE));
    let keys = [("consumer_key", wm::DEMO_CONSUMER_KEY), ("consumer_secret", wm::DEMO_CONSUMER_SECRET)];
    let r = reqwest::Client::new()
        .put(url)
        .query(&keys)
        .json(&json!({ "sku": DEMO_MISMATCH_PROKIP_SKU }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
    product.as_u64().unwrap()
}

#[tokio::test]
async fn reindex_picks_up_a_sku_fixed_in_the_store() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    // The merchant corrects the spelling in WooCommerce, then presses "Re-index".
    fix_the_spelling_in_woo(&w).await;

    let r = w.browser.post(w.app.url("/products/reindex")).send().await.unwrap();
    let to = common::location(&r);
    assert!(to.starts_with("/products?notice="), "{to}");
    let html = w.app.follow(&w.browser, &to).await;
    assert!(html.contains("54 matched") && html.contains("53 matched"), "{html}");
    let sql = format!(
        "SELECT count(*) FROM sku_map WHERE connection_id = {} AND sku = '{DEMO_MISMATCH_PROKIP_SKU}'",
        w.woo_connection
    );
    assert_eq!(w.app.scalar(&sql).await, 1);

    let r = w.app.new_browser().post(w.app.url("/products/reindex")).send().await.unwrap();
    assert_eq!(common::location(&r), "/login");
}

#[tokio::test]
async fn a_sku_fixed_in_the_store_maps_as_soon_as_the_store_reports_the_product_change() {
    let w = World::new().await;
    let product = fix_the_spelling_in_woo(&w).await;
    w.woo.touch_product(wm::DEMO_STORE, product).await.unwrap();

    // No "Re-index": the product.updated webhook does it.
    let sql = format!(
        "SELECT count(*) FROM sku_map WHERE connection_id = {} AND sku = '{DEMO_MISMATCH_PROKIP_SKU}'",
        w.woo_connection
    );
    w.eventually(20, "the fixed SKU is mapped", || async { w.app.scalar(&sql).await == 1 }).await;
    let catalog = format!(
        "SELECT count(*) FROM store_catalog WHERE connection_id = {} AND sku = '{DEMO_MISMATCH_STORE_SKU}'",
        w.woo_connection
    );
    assert_eq!(w.app.scalar(&catalog).await, 0, "the old spelling is gone from the store's index");
    let failed = "SELECT count(*) FROM webhook_events WHERE topic = 'product.updated' AND (processed_at IS NULL OR error IS NOT NULL)";
    assert_eq!(w.app.scalar(failed).await, 0);

    // Shopify's products/update is processed the same way.
    let shopify_product = w.shopify.state(mocks::shopify::DEMO_SHOP).unwrap()["variants"][0]["product_id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    w.shopify.touch_product(mocks::shopify::DEMO_SHOP, shopify_product).await.unwrap();
    let done = "SELECT count(*) FROM webhook_events WHERE topic = 'products/update' AND processed_at IS NOT NULL AND error IS NULL";
    w.eventually(20, "the products/update event is processed", || async { w.app.scalar(done).await == 1 }).await;
}

#[tokio::test]
async fn a_burst_of_product_changes_costs_a_few_store_reads_not_one_each() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    fix_the_spelling_in_woo(&w).await;
    // Twenty product changes arrive together (a stock push makes a store report one per product).
    let products: Vec<u64> = w.woo.state(wm::DEMO_STORE).unwrap()["products"]
        .as_array()
        .unwrap()
        .iter()
        .take(20)
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    for id in &products {
        w.woo.touch_product(wm::DEMO_STORE, *id).await.unwrap();
    }
    let stored = "SELECT count(*) FROM webhook_events WHERE topic = 'product.updated'";
    w.eventually(20, "the deliveries stored", || async { w.app.scalar(stored).await == 20 }).await;
    let listing = &format!("GET /{}/wp-json/wc/v3/products", wm::DEMO_STORE);
    let before = w.woo.faults().count(listing);
    w.app.start_jobs();

    let done = "SELECT count(*) FROM webhook_events WHERE topic = 'product.updated' AND processed_at IS NOT NULL AND error IS NULL";
    w.eventually(20, "every change processed", || async { w.app.scalar(done).await == 20 }).await;
    let sql = format!(
        "SELECT count(*) FROM sku_map WHERE connection_id = {} AND sku = '{DEMO_MISMATCH_PROKIP_SKU}'",
        w.woo_connection
    );
    assert_eq!(w.app.scalar(&sql).await, 1, "the fixed SKU is mapped");
    // Each read of the store lists its products from the first page; at most one read per worker
    // that started before the first read finished (the webhook worker runs 4 at a time).
    let reads = w.woo.faults().count(listing) - before;
    assert!((1..=4).contains(&reads), "{reads} reads of the store for 20 changes: {:?}", w.woo.faults().counts());
}
