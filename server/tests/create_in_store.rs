//! "Create in store": a Prokip product a store lacks is created there from Prokip's data, once,
//! however often the merchant presses the button, and then shows as matched.

mod common;

use common::world::World;
use mocks::catalog::DEMO_MISMATCH_PROKIP_SKU as MISSING;
use mocks::{shopify as sm, woocommerce as wm};
use serde_json::{Value, json};

fn shopify_variants_with(w: &World, sku: &str) -> usize {
    let state = w.shopify.state(sm::DEMO_SHOP).unwrap();
    state["variants"].as_array().unwrap().iter().filter(|v| v["sku"] == sku).count()
}

/// Products and variations of the Woo store carrying `sku`.
fn woo_items_with(w: &World, sku: &str) -> usize {
    let state = w.woo.state(wm::DEMO_STORE).unwrap();
    state["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            usize::from(p["sku"] == sku)
                + p["variation_details"].as_array().map_or(0, |vs| vs.iter().filter(|v| v["sku"] == sku).count())
        })
        .sum()
}

async fn press_create(w: &World, connection: i64, sku: &str) -> String {
    let r = w
        .browser
        .post(w.app.url(&format!("/products/create/{connection}")))
        .form(&[("sku", sku)])
        .send()
        .await
        .unwrap();
    common::location(&r)
}

async fn status_of(w: &World, sku: &str) -> String {
    let r = w
        .browser
        .post(w.app.url("/api/products"))
        .form(&[("q", sku), ("status", ""), ("page", "1")])
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    let row = v["rows"].as_array().unwrap().iter().find(|r| r["sku"] == sku).cloned().unwrap_or(Value::Null);
    row["status"].as_str().unwrap_or("absent").to_owned()
}

#[tokio::test]
async fn a_prokip_only_sku_is_created_once_in_each_store_and_becomes_matched() {
    let w = World::new().await;
    assert_eq!(status_of(&w, MISSING).await, "prokip_only");
    // The page offers it, for each store.
    let html = w.browser.get(w.app.url(&format!("/products?q={MISSING}"))).send().await.unwrap().text().await.unwrap();
    assert_eq!(html.matches(&format!("Create {MISSING} in ")).count(), 2, "{html}");

    for _ in 0..2 {
        let to = press_create(&w, w.shopify_connection, MISSING).await;
        assert!(to.starts_with("/products?notice="), "{to}");
        // The Woo one by the bulk form: every SKU that store lacks.
        let to = press_create(&w, w.woo_connection, "").await;
        assert!(to.starts_with("/products?notice="), "{to}");
    }
    assert_eq!(shopify_variants_with(&w, MISSING), 1, "created once in Shopify");
    assert_eq!(woo_items_with(&w, MISSING), 1, "created once in WooCommerce");
    // With Prokip's stock (12, nothing committed, no buffer) from the start.
    assert_eq!(w.shopify.available(sm::DEMO_SHOP, MISSING), Some(12));
    assert_eq!(w.woo.stock_of(wm::DEMO_STORE, MISSING), Some(12));
    assert_eq!(status_of(&w, MISSING).await, "matched");
    let mapped = format!("SELECT count(*) FROM sku_map WHERE sku = '{MISSING}'");
    assert_eq!(w.app.scalar(&mapped).await, 2);

    // The pushed stock follows Prokip afterwards, like any mapped SKU.
    w.prokip.set_stock(w.prokip_location, MISSING, 7.into()).unwrap();
    w.browser.post(w.app.url("/products/sync")).send().await.unwrap();
    w.eventually(20, "the created products receive Prokip's new stock", || async {
        w.shopify.available(sm::DEMO_SHOP, MISSING) == Some(7) && w.woo.stock_of(wm::DEMO_STORE, MISSING) == Some(7)
    })
    .await;
}

#[tokio::test]
async fn a_variable_product_is_created_with_its_variants() {
    let w = World::new().await;
    // The merchant re-spelled a variable product's variant SKUs in WooCommerce: they are missing there now.
    let state = w.woo.state(wm::DEMO_STORE).unwrap();
    let product = state["products"].as_array().unwrap().iter().find(|p| p["sku"] == "AS0033").unwrap().clone();
    let base = format!("{}/wp-json/wc/v3/products/{}", w.woo.store_url(wm::DEMO_STORE), product["id"]);
    let keys = [("consumer_key", wm::DEMO_CONSUMER_KEY), ("consumer_secret", wm::DEMO_CONSUMER_SECRET)];
    for v in product["variation_details"].as_array().unwrap() {
        let url = format!("{base}/variations/{}", v["id"]);
        let sku = format!("old-{}", v["sku"].as_str().unwrap());
        let r = reqwest::Client::new().put(url).query(&keys).json(&json!({ "sku": sku })).send().await.unwrap();
        assert!(r.status().is_success());
    }
    w.browser.post(w.app.url("/products/reindex")).send().await.unwrap();
    assert_eq!(status_of(&w, "AS0033-2").await, "prokip_only");

    let to = press_create(&w, w.woo_connection, "AS0033-2").await;
    let html = w.app.follow(&w.browser, &to).await;
    assert!(html.contains("3 created"), "{html}");
    let state = w.woo.state(wm::DEMO_STORE).unwrap();
    let created: Vec<&Value> = state["products"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == product["name"] && p["id"] != product["id"])
        .collect();
    assert_eq!(created.len(), 1);
    let skus: Vec<&str> =
        created[0]["variation_details"].as_array().unwrap().iter().map(|v| v["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, ["AS0033-1", "AS0033-2", "AS0033-3"]);
    assert_eq!(w.woo.stock_of(wm::DEMO_STORE, "AS0033-3"), Some(6));
    assert_eq!(status_of(&w, "AS0033-1").await, "matched");

    // Another account's store cannot be targeted; a SKU Prokip lacks is reported, nothing created.
    let to = press_create(&w, w.woo_connection + 1000, MISSING).await;
    assert!(to.starts_with("/products?error="), "{to}");
    let to = press_create(&w, w.woo_connection, "NOPE-1").await;
    let html = w.app.follow(&w.browser, &to).await;
    assert!(html.contains("1 failed") && html.contains("Prokip has no variation"), "{html}");
    let failures =
        "SELECT count(*) FROM activity WHERE kind = 'catalog' AND status = 'failed' AND subject LIKE '%NOPE-1%'";
    assert_eq!(w.app.scalar(failures).await, 1);
}
