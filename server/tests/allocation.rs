//! Allocation rules per store (share, maximum, "show 0 below"), set on the Connections page: what
//! each store then shows, after a change of rules and after an online order, with the mocks as the
//! oracle; how the SKU page explains it; and bad input refused without a change.

mod common;

use common::{
    location,
    world::{Options, World},
};
use mocks::{shopify as sm, woocommerce as wm};
use rust_decimal::Decimal;

fn set_prokip(w: &World, sku: &str, qty: i64) {
    w.prokip.set_stock(w.prokip_location, sku, Decimal::from(qty)).unwrap();
}

fn both(w: &World, sku: &str) -> (Option<i64>, Option<i64>) {
    (w.shopify.available(sm::DEMO_SHOP, sku), w.woo.stock_of(wm::DEMO_STORE, sku))
}

async fn post_rules(w: &World, connection_id: i64, form: &[(&str, &str)]) -> String {
    let r = w.browser.post(w.app.url(&format!("/connections/{connection_id}/rules"))).form(form).send().await.unwrap();
    location(&r)
}

async fn sku_page(w: &World, sku: &str) -> String {
    common::shown(&w.browser.get(w.app.url(&format!("/products/{sku}"))).send().await.unwrap().text().await.unwrap())
}

#[tokio::test]
async fn each_store_shows_what_its_rules_say_after_a_change_and_after_an_order() {
    // No scheduled reconcile: what the stores show comes from the pushes the changes start.
    let w = World::with(Options { vars: vec![("RECONCILE_MINUTES", "0".into())], ..Default::default() }).await;
    set_prokip(&w, "AS0001", 41);
    set_prokip(&w, "AS0002", 3);

    // WooCommerce: half of what is left after a buffer of 1, at most 30.
    let back = post_rules(
        &w,
        w.woo_connection,
        &[("safety_buffer", "1"), ("percent", "50"), ("max", "30"), ("zero_below", "0")],
    )
    .await;
    let notice = common::shown(&w.browser.get(w.app.url(&back)).send().await.unwrap().text().await.unwrap());
    assert!(
        notice.contains(
            "Safety buffer set to 1: this store will show 1 fewer than Prokip has available, then 50 % · at most 30."
        ),
        "{back}"
    );
    // Shopify: nothing while fewer than 5 are available; the other fields stay as they are.
    assert!(post_rules(&w, w.shopify_connection, &[("zero_below", "5")]).await.contains("notice="));

    // The change pushes at once: AS0001 (41 − 1) × 50 % = 20; AS0002 (3 − 1) × 50 % = 1; Shopify
    // shows all 41 of AS0001 and none of AS0002 (3 available, fewer than 5).
    w.eventually(30, "both stores show what their rules say", || async {
        both(&w, "AS0001") == (Some(41), Some(20)) && both(&w, "AS0002") == (Some(0), Some(1))
    })
    .await;

    // The SKU page says how each number came about.
    let html = sku_page(&w, "AS0001").await;
    assert!(html.contains("max(0, 41 − 0 committed − 1 buffer) = 40 · 50 % = 20"), "{html}");
    assert!(html.contains("max(0, 41 − 0 committed − 0 buffer) = 41"), "{html}");
    assert!(html.contains("rules: 50 % · at most 30"), "{html}");
    assert!(html.contains("Stock rules none → 50 % · at most 30"), "the change is in the SKU's history: {html}");
    let html = sku_page(&w, "AS0002").await;
    assert!(html.contains("max(0, 3 − 0 committed − 0 buffer) = 3 · fewer than 5 available: 0"), "{html}");

    // An online order of one AS0001 in Shopify: Prokip has 40, WooCommerce (40 − 1) × 50 % = 19.
    let line_items = vec![sm::NewOrderLine { sku: "AS0001".into(), quantity: 1 }];
    w.shopify.create_order(sm::DEMO_SHOP, sm::NewOrder { line_items, financial_status: "paid".into() }).await.unwrap();
    w.eventually(30, "the order moved both stores by the rules", || async {
        both(&w, "AS0001") == (Some(40), Some(19))
    })
    .await;

    // The maximum caps a share larger than it.
    assert!(post_rules(&w, w.woo_connection, &[("percent", "100"), ("max", "25")]).await.contains("notice="));
    w.eventually(30, "WooCommerce shows at most 25", || async { both(&w, "AS0001") == (Some(40), Some(25)) }).await;
    assert!(sku_page(&w, "AS0001").await.contains("max(0, 40 − 0 committed − 1 buffer) = 39 · at most 25 = 25"));
}

#[tokio::test]
async fn bad_rules_are_refused_with_a_message_and_change_nothing() {
    let w = World::new().await;
    let rules = |id: i64| {
        format!(
            "SELECT (safety_buffer * 1000000 + publish_percent * 1000 + zero_below)::bigint
                    + coalesce(publish_max, -1) FROM connections WHERE id = {id}"
        )
    };
    let before = w.app.scalar(&rules(w.woo_connection)).await;
    let history = "SELECT count(*) FROM sku_history WHERE kind IN ('rules', 'buffer')";
    for (form, message) in [
        (vec![("percent", "101")], "The share must be a whole percentage from 0 to 100."),
        (vec![("percent", "-1")], "The share must be a whole percentage from 0 to 100."),
        (vec![("percent", "half")], "The share must be a whole percentage from 0 to 100."),
        (vec![("max", "-4")], "The maximum must be a whole number from 0 to 100000, or empty for no maximum."),
        (vec![("zero_below", "2.5")], "“Show 0 below” must be a whole number from 0 to 100000 (0: never)."),
        // One bad field refuses the whole form: the good one is not saved either.
        (vec![("safety_buffer", "3"), ("max", "lots")], "The maximum must be a whole number"),
        (vec![], "Nothing to set"),
    ] {
        let back = post_rules(&w, w.woo_connection, &form).await;
        assert!(back.starts_with("/connections?error="), "{form:?}: {back}");
        let page = common::shown(&w.browser.get(w.app.url(&back)).send().await.unwrap().text().await.unwrap());
        assert!(page.contains(message), "{form:?}: {page}");
    }
    assert_eq!(w.app.scalar(&rules(w.woo_connection)).await, before, "nothing changed");
    assert_eq!(w.app.scalar(history).await, 0, "no history written");

    // Another account's store is not found, and stays as it was.
    let other = w.app.new_browser();
    w.app.register(&other, "bakari", "correct horse", "Bakari shop").await;
    let r = other
        .post(w.app.url(&format!("/connections/{}/rules", w.woo_connection)))
        .form(&[("percent", "10")])
        .send()
        .await
        .unwrap();
    assert!(location(&r).starts_with("/connections?error="), "{}", location(&r));
    assert_eq!(w.app.scalar(&rules(w.woo_connection)).await, before);
}
