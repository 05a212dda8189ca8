//! Webhook health: WooCommerce disables a webhook after repeated failed deliveries and a merchant
//! deletes a Shopify subscription; the reconcile notices, repairs both, says so in Activity, and
//! the pull recovers the orders in between, each sold once. A store whose webhooks cannot be
//! repaired needs attention, with the reason, until a later reconcile repairs them; the
//! Connections page shows the reason and each store's topics with their last delivery.

mod common;

use app::{
    backend::{jobs::PushStock, sync::stock},
    model::PushReason,
};
use common::world::World;
use mocks::{
    faults::{FaultKind, FaultRule},
    shopify as sm, woocommerce as wm,
};

const WAIT: u64 = 20;

async fn reconcile(w: &World) {
    let job = PushStock { account_id: w.account_id, skus: None, reason: PushReason::Reconcile };
    stock::push(&w.app.state, &job).await.expect("reconcile");
}

async fn woo_order(w: &World) -> u64 {
    let line_items = vec![wm::NewOrderLine { sku: "AS0020".into(), quantity: 1 }];
    let new = wm::NewOrder { line_items, status: Some("processing".into()), billing_email: None };
    w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap()["id"].as_u64().unwrap()
}

fn woo_hook_status(w: &World, topic: &str) -> Vec<String> {
    w.woo.webhooks(wm::DEMO_STORE).into_iter().filter(|h| h.topic == topic).map(|h| h.status).collect()
}

fn sells(w: &World, invoice: &str) -> usize {
    w.prokip.state()["sells"].as_array().unwrap().iter().filter(|s| s["invoice_no"] == invoice).count()
}

/// One text value a query returns.
async fn text(w: &World, sql: &str) -> String {
    use sea_orm::ConnectionTrait;
    let db = &w.app.state.db;
    let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<String>(0).unwrap()
}

async fn webhook_activity(w: &World, status: &str) -> String {
    let sql = format!(
        "SELECT coalesce(string_agg(detail, ' | '), '') FROM activity WHERE subject LIKE 'Webhooks → %' \
         AND status = '{status}'"
    );
    text(w, &sql).await
}

#[tokio::test]
async fn the_reconcile_repairs_disabled_and_deleted_webhooks_and_the_pull_recovers_the_orders() {
    let w = World::new().await;
    // Our end refuses every WooCommerce delivery (its secret is lost): after more than five
    // failures WooCommerce disables the webhook, as it does.
    w.app.sql(&format!("UPDATE connections SET webhook_secret_enc = NULL WHERE id = {}", w.woo_connection)).await;
    let mut missed = Vec::new();
    for _ in 0..7 {
        missed.push(woo_order(&w).await);
    }
    assert_eq!(woo_hook_status(&w, "order.created"), ["disabled"], "WooCommerce gave up on the webhook");
    assert_eq!(w.shopify.delete_subscriptions(sm::DEMO_SHOP, "orders/create"), 1, "a merchant deleted it");

    reconcile(&w).await;
    assert_eq!(woo_hook_status(&w, "order.created"), ["active"]);
    let subs = w.shopify.state(sm::DEMO_SHOP).unwrap()["subscriptions"].clone();
    assert!(subs.as_array().unwrap().iter().any(|s| s["topic"] == "orders/create"), "{subs}");
    let repaired = webhook_activity(&w, "ok").await;
    assert!(repaired.contains("order.created") && repaired.contains("orders/create"), "{repaired}");

    // Orders arrive by webhook again, and the pull recovers those in between, each sold once.
    let after = woo_order(&w).await;
    let r = w.browser.post(w.app.url("/sync/pull-orders")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    for id in missed.iter().chain([&after]) {
        let invoice = format!("WOO-{}-{id}", w.woo_connection);
        w.eventually(WAIT, &format!("{invoice} sold"), || async { sells(&w, &invoice) >= 1 }).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    for id in missed.iter().chain([&after]) {
        assert_eq!(sells(&w, &format!("WOO-{}-{id}", w.woo_connection)), 1, "order {id} sold once");
    }
    // Nothing left to repair: no new entry.
    reconcile(&w).await;
    assert_eq!(webhook_activity(&w, "ok").await, repaired);
}

#[tokio::test]
async fn a_store_whose_webhooks_cannot_be_repaired_needs_attention_until_they_are() {
    let w = World::new().await;
    let status = || async {
        let sql = format!("SELECT coalesce(webhook_problem, 'fine') FROM connections WHERE id = {}", w.woo_connection);
        text(&w, &sql).await
    };
    let path_prefix = format!("/{}/wp-json/wc/v3/webhooks", wm::DEMO_STORE);
    let fault = FaultKind::Status { status: 500, retry_after: None };
    w.woo.faults().add(FaultRule { path_prefix, method: None, kind: fault, rate: 1.0, times: None });

    reconcile(&w).await;
    let now = status().await;
    assert!(now.starts_with("Webhooks: its webhooks could not be read"), "{now}");
    assert!(webhook_activity(&w, "needs_attention").await.contains("could not be read"));
    let page = connections_page(&w).await;
    assert!(page.contains("Webhooks: its webhooks could not be read"), "the Connections page says why");

    w.woo.faults().clear();
    reconcile(&w).await;
    assert_eq!(status().await, "fine");
    // The page lists each store's topics with their last delivery.
    let page = connections_page(&w).await;
    assert!(!page.contains("could not be read"));
    for topic in ["order.created", "order.updated", "orders/create", "refunds/create"] {
        assert!(page.contains(&format!("<td>{topic}</td>")), "{topic} listed");
    }
}

async fn connections_page(w: &World) -> String {
    common::shown(&w.browser.get(w.app.url("/connections")).send().await.unwrap().text().await.unwrap())
}
