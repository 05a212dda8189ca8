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

#[tokio::test]
async fn a_shopify_shop_writes_its_stock_at_the_location_chosen_for_it() {
    let w = World::with(Options { vars: vec![("RECONCILE_MINUTES", "0".into())], ..Default::default() }).await;
    let (shop, woo) = (w.shopify_connection, w.woo_connection);
    let primary = w.shopify.primary_location(sm::DEMO_SHOP).unwrap();
    let at = |location: &str| w.shopify.available_at(sm::DEMO_SHOP, SKU, location);
    w.prokip.set_stock(w.prokip_location, SKU, Decimal::from(30)).unwrap();
    triggers::enqueue_full(&w.app.state, w.account_id, app::model::PushReason::Manual).await.unwrap();
    w.eventually(30, "the shop's first location has Prokip's 30", || async { at(&primary) == Some(30) }).await;
    let warehouse = w.shopify.add_location(sm::DEMO_SHOP, "Warehouse B", true).unwrap();
    let popup = w.shopify.add_location(sm::DEMO_SHOP, "Pop-up", false).unwrap();

    // Chosen on Connections (the shop is read then, so a location opened since is offered).
    let back = post(&w, &format!("/connections/{shop}/store-location"), &[("location", &warehouse)]).await;
    let notice = page(&w, &back).await;
    assert!(notice.contains("stock is written at its location Warehouse B from now on."), "{back}");
    assert!(notice.contains("Shop location is no longer written: it keeps what it shows now"), "{back}");
    w.eventually(30, "Warehouse B gets Prokip's 30", || async { at(&warehouse) == Some(30) }).await;
    let connections = page(&w, "/connections").await;
    assert!(connections.contains(r#"data-testid="store-location">Warehouse B<"#), "{connections}");
    assert!(connections.contains("Pop-up"), "every active location is offered: {connections}");

    // From now on only Warehouse B follows Prokip.
    w.prokip.pos_sale(w.prokip_location, SKU, Decimal::from(4)).unwrap();
    triggers::poll_account(&w.app.state, w.account_id).await.unwrap();
    w.eventually(30, "the sale reached Warehouse B", || async { at(&warehouse) == Some(26) }).await;
    assert_eq!(at(&primary), Some(30), "the first location is left as it was");
    let html = page(&w, &format!("/products/{SKU}")).await;
    assert!(html.contains("Shopify location Shop location → Warehouse B"), "the change is in the history: {html}");

    // A location where the shop does not stock the items: each write is refused and said so.
    assert!(
        post(&w, &format!("/connections/{shop}/store-location"), &[("location", &popup)]).await.contains("notice=")
    );
    w.eventually(30, "the refusals are in Activity", || async {
        page(&w, "/activity?open=1").await.contains("not stocked")
    })
    .await;

    // Bad input changes nothing.
    let chosen = format!("SELECT count(*) FROM connections WHERE id = {shop} AND location_id = '{popup}'");
    for (id, location, message) in [
        (shop, "gid://shopify/Location/999999", "is not an active location of this shop: nothing was changed."),
        (shop, "", "is not an active location of this shop"),
        (woo, warehouse.as_str(), "Only a Shopify shop has locations to choose from"),
    ] {
        let back = post(&w, &format!("/connections/{id}/store-location"), &[("location", location)]).await;
        assert!(back.starts_with("/connections?error="), "{location}: {back}");
        assert!(page(&w, &back).await.contains(message), "{location}: {back}");
    }
    assert_eq!(w.app.scalar(&chosen).await, 1, "still at Pop-up");
    let other = w.app.new_browser();
    w.app.register(&other, "bakari", "correct horse", "Bakari shop").await;
    let r = other
        .post(w.app.url(&format!("/connections/{shop}/store-location")))
        .form(&[("location", warehouse.as_str())])
        .send()
        .await
        .unwrap();
    assert!(location(&r).starts_with("/connections?error="), "{}", location(&r));
    assert_eq!(w.app.scalar(&chosen).await, 1, "another account changed nothing");
}

#[tokio::test]
async fn two_prokip_locations_feed_two_locations_of_a_shop_and_a_woo_store_by_their_rules() {
    let w = World::with(Options { vars: vec![("RECONCILE_MINUTES", "0".into())], ..Default::default() }).await;
    let (main, shop, woo) = (w.prokip_location, w.shopify_connection, w.woo_connection);
    let warehouse = open_warehouse(&w).await;
    let own = w.shopify.primary_location(sm::DEMO_SHOP).unwrap();
    let back_room = w.shopify.add_location(sm::DEMO_SHOP, "Back room", true).unwrap();
    w.prokip.set_stock(main, SKU, Decimal::from(30)).unwrap();
    w.prokip.set_stock(warehouse, SKU, Decimal::from(12)).unwrap();
    let (m, h) = (main.to_string(), warehouse.to_string());
    // Shopify: both locations, sold at the shop; the warehouse feeds the back room; buffer 1.
    let form = [("source", m.as_str()), ("source", h.as_str()), ("sell_at", m.as_str())];
    assert!(post(&w, &format!("/connections/{shop}/sources"), &form).await.contains("notice="));
    let back = post(
        &w,
        &format!("/connections/{shop}/feeds"),
        &[(&format!("feed-{m}"), own.as_str()), (&format!("feed-{h}"), back_room.as_str())],
    )
    .await;
    assert!(page(&w, &back).await.contains("Main Shop into Shop location, Warehouse into Back room."), "{back}");
    assert!(post(&w, &format!("/connections/{shop}/rules"), &[("safety_buffer", "1")]).await.contains("notice="));
    // WooCommerce: both locations, sold at the warehouse, half.
    let form = [("source", m.as_str()), ("source", h.as_str()), ("sell_at", h.as_str())];
    assert!(post(&w, &format!("/connections/{woo}/sources"), &form).await.contains("notice="));
    assert!(post(&w, &format!("/connections/{woo}/rules"), &[("percent", "50")]).await.contains("notice="));

    let all = || three(&w, &own, &back_room);
    let expect = |what: &'static str, want: (i64, i64, i64)| expect_three(&w, &own, &back_room, what, want);
    // 30 − 1 at the shop, 12 − 1 in the back room, (30 + 12) × 50 % in WooCommerce.
    expect("each location and store shows its sources by its rules", (29, 11, 21)).await;

    // Till sales: the warehouse feeds the back room and WooCommerce; the shop feeds the shop's
    // own location and WooCommerce.
    w.prokip.pos_sale(warehouse, SKU, Decimal::from(2)).unwrap();
    triggers::poll_account(&w.app.state, w.account_id).await.unwrap();
    expect("a warehouse sale", (29, 9, 20)).await;
    w.prokip.pos_sale(main, SKU, Decimal::from(1)).unwrap();
    triggers::poll_account(&w.app.state, w.account_id).await.unwrap();
    expect("a shop sale", (28, 9, 19)).await;

    // Online orders are sold at each store's location: WooCommerce at the warehouse (10 → 8),
    // Shopify at the shop (29 → 28).
    let line = wm::NewOrderLine { sku: SKU.into(), quantity: 2 };
    let order = wm::NewOrder { line_items: vec![line], status: Some("processing".into()), billing_email: None };
    w.woo.create_order(wm::DEMO_STORE, &order).await.unwrap();
    expect("a WooCommerce order", (28, 7, 18)).await;
    let line_items = vec![sm::NewOrderLine { sku: SKU.into(), quantity: 1 }];
    w.shopify.create_order(sm::DEMO_SHOP, sm::NewOrder { line_items, financial_status: "paid".into() }).await.unwrap();
    // (The shop takes its own unit off at once; the sell in Prokip follows.)
    w.eventually(30, "the Shopify order sold at the shop", || async {
        w.prokip.stock(main, SKU) == Some(Decimal::from(28))
    })
    .await;
    assert_eq!(w.prokip.stock(warehouse, SKU), Some(Decimal::from(8)));
    expect("a Shopify order", (27, 7, 18)).await;

    // An unpaid Shopify order holds 3 at the shop: the shop's own location and WooCommerce (which
    // draws on the shop) go down; the back room, fed by the warehouse alone, does not.
    let line_items = vec![sm::NewOrderLine { sku: SKU.into(), quantity: 3 }];
    w.shopify
        .create_order(sm::DEMO_SHOP, sm::NewOrder { line_items, financial_status: "pending".into() })
        .await
        .unwrap();
    expect("an unpaid Shopify order", (24, 7, 16)).await;

    // A reconcile reads every location back and leaves the right numbers as they are.
    let reconcile = app::backend::jobs::PushStock {
        account_id: w.account_id,
        skus: None,
        reason: app::model::PushReason::Reconcile,
    };
    app::backend::sync::stock::push(&w.app.state, &reconcile).await.unwrap();
    assert_eq!(all(), (Some(24), Some(7), Some(16)));

    // The SKU page has a row per Shopify location, each with its sources and steps.
    let html = page(&w, &format!("/products/{SKU}")).await;
    assert!(html.contains("demo-store.myshopify.com at Back room"), "{html}");
    assert!(html.contains("stock from Warehouse 8 = 8"), "{html}");
    assert!(html.contains("max(0, 8 − 0 committed − 1 buffer) = 7"), "{html}");
    assert!(html.contains("max(0, 28 − 3 committed − 1 buffer) = 24"), "{html}");
    assert!(html.contains("max(0, 36 − 3 committed − 0 buffer) = 33 · 50 % = 16"), "{html}");

    // Bad feeds change nothing.
    let feeds = format!(
        "SELECT count(*) FROM connections WHERE id = {shop} AND location_feeds = jsonb_build_object('{h}', '{back_room}')"
    );
    assert_eq!(w.app.scalar(&feeds).await, 1);
    let rival = w.prokip.create_business(&mocks::prokip::NewBusiness {
        username: "rival2".into(),
        password: "rival-password".into(),
        business_name: None,
        locations: None,
        allow_overselling: None,
    });
    let rival = rival.unwrap().location_ids[0].to_string();
    for (id, form, message) in [
        (
            shop,
            vec![(format!("feed-{h}"), "gid://shopify/Location/1".to_owned())],
            "is not an active location of this shop",
        ),
        (shop, vec![(format!("feed-{rival}"), back_room.clone())], "is not one of your Prokip business's locations"),
        (
            shop,
            vec![(format!("feed-{m}"), back_room.clone()), (format!("feed-{h}"), back_room.clone())],
            "At least one source must feed Shop location",
        ),
        (woo, vec![(format!("feed-{h}"), back_room.clone())], "Only a Shopify shop has locations to choose from"),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let back = post(&w, &format!("/connections/{id}/feeds"), &form).await;
        assert!(back.starts_with("/connections?error="), "{form:?}: {back}");
        assert!(page(&w, &back).await.contains(message), "{form:?}: {back}");
    }
    // A Prokip location of the business the shop does not draw on.
    assert!(post(&w, &format!("/connections/{shop}/sources"), &[("source", m.as_str())]).await.contains("notice="));
    let back = post(&w, &format!("/connections/{shop}/feeds"), &[(&format!("feed-{h}"), back_room.as_str())]).await;
    assert!(page(&w, &back).await.contains("Warehouse is not one of this store's sources"), "{back}");
    assert_eq!(w.app.scalar(&feeds).await, 1, "nothing changed");
}

/// (the shop's own location, another location of the shop, WooCommerce) for [`SKU`].
fn three(w: &World, own: &str, other: &str) -> (Option<i64>, Option<i64>, Option<i64>) {
    (
        w.shopify.available_at(sm::DEMO_SHOP, SKU, own),
        w.shopify.available_at(sm::DEMO_SHOP, SKU, other),
        w.woo.stock_of(wm::DEMO_STORE, SKU),
    )
}

async fn expect_three(w: &World, own: &str, other: &str, what: &str, want: (i64, i64, i64)) {
    let want = (Some(want.0), Some(want.1), Some(want.2));
    w.eventually(30, what, || async { three(w, own, other) == want }).await;
}
