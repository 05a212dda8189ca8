//! A store's two switches: "stock updates" (what the seed's `/sync/pause` turns) and "order
//! import". Orders arriving while import is paused are kept, shown as paused, and on resume
//! become Prokip sales in the order they arrived, each exactly once. The Prokip mock is the oracle.

mod common;

use common::{location, world::World};
use mocks::woocommerce as wm;
use reqwest::Client;
use serde_json::Value;

async fn woo_order(w: &World, sku: &str) -> u64 {
    let line_items = vec![wm::NewOrderLine { sku: sku.to_owned(), quantity: 1 }];
    let new = wm::NewOrder { line_items, status: Some("processing".into()), billing_email: None };
    w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap()["id"].as_u64().unwrap()
}

/// The invoices of the Prokip sells made for the WooCommerce store, in the order Prokip made them.
fn woo_sells(w: &World) -> Vec<String> {
    let prefix = format!("WOO-{}-", w.woo_connection);
    let mut sells: Vec<(i64, String)> = w.prokip.state()["sells"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| Some((s["id"].as_i64()?, s["invoice_no"].as_str()?.to_owned())))
        .filter(|(_, invoice)| invoice.starts_with(&prefix))
        .collect();
    sells.sort();
    sells.into_iter().map(|(_, invoice)| invoice).collect()
}

async fn switch(w: &World, c: &Client, what: &str, enabled: bool) -> String {
    let path = format!("/connections/{}/{what}", w.woo_connection);
    let r = c.post(w.app.url(&path)).form(&[("enabled", enabled.to_string())]).send().await.unwrap();
    let to = location(&r);
    assert!(to.starts_with("/connections?notice="), "{to}");
    common::shown(&c.get(w.app.url(&to)).send().await.unwrap().text().await.unwrap())
}

#[tokio::test]
async fn orders_kept_while_import_is_paused_are_sold_in_arrival_order_once_on_resume() {
    let w = World::new().await;
    let html = switch(&w, &w.browser, "orders", false).await;
    assert!(html.contains("Order import paused: new orders from this store are kept"), "{html}");
    assert!(html.contains(">Orders paused<") && html.contains("Resume order import"), "{html}");

    let ids = [woo_order(&w, "AS0003").await, woo_order(&w, "AS0001").await, woo_order(&w, "AS0002").await];
    let paused = "SELECT count(*) FROM sales_log WHERE state = 'paused'";
    w.eventually(20, "three orders kept as paused", || async { w.app.scalar(paused).await == 3 }).await;
    let orders = common::shown(&w.browser.get(w.app.url("/orders")).send().await.unwrap().text().await.unwrap());
    assert_eq!(orders.matches("\">Paused: imported when you resume</span>").count(), 3, "{orders}");
    let page = common::shown(&w.browser.get(w.app.url("/connections")).send().await.unwrap().text().await.unwrap());
    assert!(page.contains("Paused: 3 order updates kept"), "{page}");
    assert!(woo_sells(&w).is_empty(), "nothing reaches Prokip while paused");

    // The seed's pause and resume turn stock updates only.
    let r = w.browser.post(w.app.url("/sync/resume")).send().await.unwrap();
    assert!(r.json::<Value>().await.unwrap()["message"].as_str().unwrap().contains("order import is unchanged"));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(woo_sells(&w).is_empty(), "resuming stock updates imports nothing");

    let html = switch(&w, &w.browser, "orders", true).await;
    assert!(html.contains("Order import resumed: the 3 order updates"), "{html}");
    let expected: Vec<String> = ids.iter().map(|id| format!("WOO-{}-{id}", w.woo_connection)).collect();
    w.eventually(20, "the three orders are sold", || async { woo_sells(&w).len() >= 3 }).await;
    assert_eq!(woo_sells(&w), expected, "sold once each, in the order they arrived");

    // The sweeper finds nothing left to resume, and nothing is sold twice.
    app::backend::jobs::process_webhook::sweep(&w.app.state).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(woo_sells(&w), expected);
    assert_eq!(w.app.scalar("SELECT count(*) FROM sales_log WHERE state = 'sent'").await, 3);
}

#[tokio::test]
async fn pausing_stock_updates_leaves_order_import_running() {
    let w = World::new().await;
    let html = switch(&w, &w.browser, "sync", false).await;
    assert!(html.contains("Stock updates paused") && html.contains("Order import is not affected."), "{html}");
    let id = woo_order(&w, "AS0004").await;
    let invoice = format!("WOO-{}-{id}", w.woo_connection);
    w.eventually(20, "the order is sold", || async { woo_sells(&w) == [invoice.clone()] }).await;
}

#[tokio::test]
async fn an_event_left_aside_after_a_resume_is_imported_by_the_sweeper() {
    let w = World::new().await;
    switch(&w, &w.browser, "orders", false).await;
    let id = woo_order(&w, "AS0005").await;
    let paused = "SELECT count(*) FROM webhook_events WHERE paused_at IS NOT NULL";
    w.eventually(20, "the order is kept", || async { w.app.scalar(paused).await == 1 }).await;
    // The import is switched on without its resume job (a process killed right after the switch).
    w.app.sql(&format!("UPDATE connections SET order_import_enabled = true WHERE id = {}", w.woo_connection)).await;
    app::backend::jobs::process_webhook::sweep(&w.app.state).await.unwrap();
    let invoice = format!("WOO-{}-{id}", w.woo_connection);
    w.eventually(20, "the order is sold", || async { woo_sells(&w) == [invoice.clone()] }).await;
}
