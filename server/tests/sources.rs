//! Stores drawing on several Prokip locations: a shop and a warehouse of one business, the Shopify
//! shop on the shop's stock and WooCommerce on both (half of them) selling at the warehouse. A POS
//! sale at either location, an online order in either store and an unpaid order move exactly the
//! numbers the sources and rules say, with the mocks as the oracle; each store's orders are sold at
//! its location; the SKU page explains the sum; bad input changes nothing.

mod common;

use app::backend::sync::triggers;
use common::{
    location,
    world::{Options, World},
};
use mocks::{shopify as sm, woocommerce as wm};
use rust_decimal::Decimal;
use serde_json::Value;

const SKU: &str = "AS0001";

fn both(w: &World) -> (Option<i64>, Option<i64>) {
    (w.shopify.available(sm::DEMO_SHOP, SKU), w.woo.stock_of(wm::DEMO_STORE, SKU))
}

async fn post(w: &World, path: &str, form: &[(&str, &str)]) -> String {
    location(&w.browser.post(w.app.url(path)).form(form).send().await.unwrap())
}

async fn page(w: &World, path: &str) -> String {
    common::shown(&w.browser.get(w.app.url(path)).send().await.unwrap().text().await.unwrap())
}

/// A second location of the demo business ("Warehouse"), known to the dashboard.
async fn open_warehouse(w: &World) -> i64 {
    let business = w.prokip.seed_demo_business().business_id;
    let warehouse = w.prokip.add_location(business, "Warehouse").unwrap();
    assert!(post(w, "/connections/prokip/refresh", &[]).await.contains("notice="));
    warehouse
}

#[tokio::test]
async fn stores_draw_on_their_locations_and_sell_at_their_own() {
    let w = World::with(Options { vars: vec![("RECONCILE_MINUTES", "0".into())], ..Default::default() }).await;
    let (main, woo) = (w.prokip_location, w.woo_connection);
    let warehouse = open_warehouse(&w).await;
    w.prokip.set_stock(main, SKU, Decimal::from(30)).unwrap();
    w.prokip.set_stock(warehouse, SKU, Decimal::from(12)).unwrap();

    // WooCommerce draws on both and sells at the warehouse, half of what is available.
    let (m, h) = (main.to_string(), warehouse.to_string());
    let back =
        post(&w, &format!("/connections/{woo}/sources"), &[("source", &m), ("source", &h), ("sell_at", &h)]).await;
    assert!(
        page(&w, &back)
            .await
            .contains("stock now comes from Main Shop + Warehouse and its orders are sold at Warehouse."),
        "{back}"
    );
    assert!(post(&w, &format!("/connections/{woo}/rules"), &[("percent", "50")]).await.contains("notice="));
    let connections = page(&w, "/connections").await;
    assert!(connections.contains("Main Shop + Warehouse · orders sold at Warehouse"), "{connections}");
    assert!(connections.contains("Main Shop · orders sold at Main Shop"), "Shopify keeps the default: {connections}");

    // Shopify: the shop's 30. WooCommerce: (30 + 12) × 50 % = 21.
    w.eventually(30, "each store shows its locations' stock", || async { both(&w) == (Some(30), Some(21)) }).await;

    // A till sale at the warehouse reaches WooCommerce only: (30 + 10) × 50 % = 20.
    w.prokip.pos_sale(warehouse, SKU, Decimal::from(2)).unwrap();
    triggers::poll_account(&w.app.state, w.account_id).await.unwrap();
    w.eventually(30, "the warehouse sale moved WooCommerce", || async { both(&w) == (Some(30), Some(20)) }).await;
    // One at the shop moves both: Shopify 29, WooCommerce (29 + 10) × 50 % = 19.
    w.prokip.pos_sale(main, SKU, Decimal::from(1)).unwrap();
    triggers::poll_account(&w.app.state, w.account_id).await.unwrap();
    w.eventually(30, "the shop sale moved both", || async { both(&w) == (Some(29), Some(19)) }).await;

    // A WooCommerce order is sold at the warehouse: 10 → 8 there, the shop keeps 29.
    let line = wm::NewOrderLine { sku: SKU.into(), quantity: 2 };
    let order = wm::NewOrder { line_items: vec![line], status: Some("processing".into()), billing_email: None };
    w.woo.create_order(wm::DEMO_STORE, &order).await.unwrap();
    w.eventually(30, "the Woo order sold at the warehouse", || async {
        w.prokip.stock(warehouse, SKU) == Some(Decimal::from(8))
    })
    .await;
    assert_eq!(w.prokip.stock(main, SKU), Some(Decimal::from(29)));
    // WooCommerce (29 + 8) × 50 % = 18; Shopify unchanged.
    w.eventually(30, "after the Woo order", || async { both(&w) == (Some(29), Some(18)) }).await;

    // A Shopify order is sold at the shop: 29 → 28; WooCommerce (28 + 8) × 50 % = 18.
    let line_items = vec![sm::NewOrderLine { sku: SKU.into(), quantity: 1 }];
    w.shopify.create_order(sm::DEMO_SHOP, sm::NewOrder { line_items, financial_status: "paid".into() }).await.unwrap();
    w.eventually(30, "the Shopify order sold at the shop", || async {
        w.prokip.stock(main, SKU) == Some(Decimal::from(28))
    })
    .await;
    assert_eq!(w.prokip.stock(warehouse, SKU), Some(Decimal::from(8)));
    w.eventually(30, "after the Shopify order", || async { both(&w) == (Some(28), Some(18)) }).await;
    let state = w.prokip.state();
    let mut booked: Vec<(String, i64)> = state["sells"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["from_api"] == Value::Bool(true))
        .map(|s| (s["source"].as_str().unwrap_or_default().to_owned(), s["location_id"].as_i64().unwrap()))
        .collect();
    booked.sort();
    assert_eq!(booked, vec![("shopify".to_owned(), main), ("woocommerce".to_owned(), warehouse)]);

    // An unpaid WooCommerce order holds 4 at the warehouse: WooCommerce (28 + 8 − 4) × 50 % = 16;
    // the Shopify shop draws on the shop alone and keeps 28.
    let line = wm::NewOrderLine { sku: SKU.into(), quantity: 4 };
    let order = wm::NewOrder { line_items: vec![line], status: Some("on-hold".into()), billing_email: None };
    w.woo.create_order(wm::DEMO_STORE, &order).await.unwrap();
    w.eventually(30, "the unpaid order lowered WooCommerce only", || async { both(&w) == (Some(28), Some(16)) }).await;

    // The SKU page shows the sum and each step.
    let html = page(&w, &format!("/products/{SKU}")).await;
    assert!(html.contains("stock from Main Shop 28 + Warehouse 8 = 36"), "{html}");
    assert!(html.contains("max(0, 36 − 4 committed − 0 buffer) = 32 · 50 % = 16"), "{html}");
    assert!(html.contains("max(0, 28 − 0 committed − 0 buffer) = 28"), "{html}");
    assert!(
        html.contains("Stock from Main Shop, sold at Main Shop → Main Shop + Warehouse, sold at Warehouse"),
        "the change is in the SKU's history: {html}"
    );
}

#[tokio::test]
async fn bad_locations_are_refused_with_a_message_and_change_nothing() {
    let w = World::new().await;
    let warehouse = open_warehouse(&w).await;
    let other_business = w
        .prokip
        .create_business(&mocks::prokip::NewBusiness {
            username: "rival".into(),
            password: "rival-password".into(),
            business_name: Some("Rival Traders".into()),
            locations: Some(vec!["Rival Shop".into()]),
            allow_overselling: None,
        })
        .unwrap()
        .location_ids[0];
    let woo = w.woo_connection;
    let sources = "SELECT count(*) FROM connections WHERE source_locations <> '{}' OR sell_location IS NOT NULL";
    let history = "SELECT count(*) FROM sku_history WHERE kind = 'sources'";
    let (m, h, r) = (w.prokip_location.to_string(), warehouse.to_string(), other_business.to_string());
    for (form, message) in [
        (vec![("source", r.as_str())], format!("Location “{r}” is not one of your Prokip business's locations")),
        (
            vec![("source", m.as_str()), ("source", "shop")],
            "Location “shop” is not one of your Prokip business's locations".to_owned(),
        ),
        (vec![("source", m.as_str()), ("sell_at", r.as_str())], format!("Location “{r}” is not one of your Prokip")),
        (
            vec![("source", m.as_str()), ("sell_at", h.as_str())],
            "Orders can be sold only at a location the store's stock comes from: tick Warehouse".to_owned(),
        ),
        (
            vec![("sell_at", h.as_str())],
            "Choose at least one Prokip location this store's stock comes from.".to_owned(),
        ),
    ] {
        let back = post(&w, &format!("/connections/{woo}/sources"), &form).await;
        assert!(back.starts_with("/connections?error="), "{form:?}: {back}");
        let shown = page(&w, &back).await;
        assert!(shown.contains(&message), "{form:?}: {shown}");
    }
    assert_eq!(w.app.scalar(sources).await, 0, "nothing changed");
    assert_eq!(w.app.scalar(history).await, 0, "no history written");

    // Another account's store is not found, and stays as it was.
    let other = w.app.new_browser();
    w.app.register(&other, "bakari", "correct horse", "Bakari shop").await;
    let r = other
        .post(w.app.url(&format!("/connections/{woo}/sources")))
        .form(&[("source", h.as_str())])
        .send()
        .await
        .unwrap();
    assert!(location(&r).starts_with("/connections?error="), "{}", location(&r));
    assert_eq!(w.app.scalar(sources).await, 0);
}
