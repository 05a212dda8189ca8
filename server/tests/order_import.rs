//! Order import through the mocks: store orders become exactly one Prokip sell, unpaid orders are
//! committed, cancellations and refunds restock, unmapped SKUs hold only their order, and missed
//! orders are pulled. The Prokip mock's sells and stock are the oracle.

mod common;

use common::world::{Options, World};
use mocks::{shopify as sm, woocommerce as wm};
use rust_decimal::Decimal;
use serde_json::Value;

const SHOP: &str = sm::DEMO_SHOP;
const WAIT: u64 = 20;

/// A world whose stores were mapped by catalog mapping when they were connected.
async fn mapped_world(opts: Options) -> World {
    let w = World::with(opts).await;
    for conn in [w.woo_connection, w.shopify_connection] {
        let mapped = w
            .app
            .scalar(&format!("SELECT count(*) FROM sku_map WHERE connection_id = {conn} AND sku = 'AS0001'"))
            .await;
        assert_eq!(mapped, 1, "connecting a store maps its catalog");
    }
    w
}

fn sells_with_invoice(w: &World, invoice: &str) -> Vec<Value> {
    w.prokip.state()["sells"].as_array().unwrap().iter().filter(|s| s["invoice_no"] == invoice).cloned().collect()
}

fn stock(w: &World, sku: &str) -> Decimal {
    w.prokip.stock(w.prokip_location, sku).unwrap()
}

async fn state_of(w: &World, conn: i64, order: &str) -> String {
    let db = &w.app.state.db;
    app::backend::db::sales_log::find(db, conn, order)
        .await
        .unwrap()
        .map(|r| sea_orm::ActiveEnum::to_value(&r.state))
        .unwrap_or_default()
}

/// A Shopify order: its id, its REST JSON and the webhook deliveries it fired.
async fn shopify_order(w: &World, lines: &[(&str, i64)], status: &str) -> (u64, Value, Vec<sm::Delivery>) {
    let line_items =
        lines.iter().map(|(sku, quantity)| sm::NewOrderLine { sku: sku.to_string(), quantity: *quantity }).collect();
    let (order, deliveries) =
        w.shopify.create_order(SHOP, sm::NewOrder { line_items, financial_status: status.into() }).await.unwrap();
    (order["id"].as_u64().unwrap(), order, deliveries)
}

async fn woo_order(w: &World, lines: &[(&str, i64)], status: &str) -> u64 {
    let line_items =
        lines.iter().map(|(sku, quantity)| wm::NewOrderLine { sku: sku.to_string(), quantity: *quantity }).collect();
    let new = wm::NewOrder { line_items, status: Some(status.into()), billing_email: None };
    w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap()["id"].as_u64().unwrap()
}

async fn dump(w: &World, sql: &str) -> String {
    use sea_orm::ConnectionTrait;
    let db = &w.app.state.db;
    let q = format!("SELECT coalesce(json_agg(t), '[]')::text FROM ({sql}) t");
    let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), q)).await.unwrap().unwrap();
    row.try_get_by_index::<String>(0).unwrap()
}

/// Waits until exactly `n` sells carry the invoice (and stays there for a moment).
async fn expect_sells(w: &World, invoice: &str, n: usize) -> Vec<Value> {
    for _ in 0..100 {
        if sells_with_invoice(w, invoice).len() == n {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    if sells_with_invoice(w, invoice).len() != n {
        eprintln!(
            "events: {}",
            dump(w, "SELECT id, topic, attempts, error, processed_at IS NOT NULL AS done FROM webhook_events").await
        );
        eprintln!("orders: {}", dump(w, "SELECT order_id, state, error FROM sales_log").await);
    }
    w.eventually(WAIT, &format!("{n} sell(s) {invoice}"), || async { sells_with_invoice(w, invoice).len() == n }).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let sells = sells_with_invoice(w, invoice);
    assert_eq!(sells.len(), n, "sells for {invoice}: {sells:?}");
    sells
}

#[tokio::test]
async fn a_paid_shopify_order_becomes_one_prokip_sell_and_takes_the_stock() {
    let w = mapped_world(Options::default()).await;
    let before = stock(&w, "AS0001");
    let (id, _, _) = shopify_order(&w, &[("AS0001", 2)], "paid").await;

    let sells = expect_sells(&w, &format!("SHOP-{}-{id}", w.shopify_connection), 1).await;
    let line = &sells[0]["lines"][0];
    assert_eq!(line["variation_id"], w.prokip.variation_id(w.prokip_location, "AS0001").unwrap());
    assert_eq!(line["quantity"], "2");
    assert_eq!(sells[0]["status"], "final");
    assert_eq!(stock(&w, "AS0001"), before - Decimal::from(2));
    assert_eq!(state_of(&w, w.shopify_connection, &id.to_string()).await, "sent");
}

#[tokio::test]
async fn a_paid_woo_order_becomes_one_prokip_sell() {
    let w = mapped_world(Options::default()).await;
    let before = stock(&w, "AS0002");
    let id = woo_order(&w, &[("AS0002", 3)], "processing").await;

    let sells = expect_sells(&w, &format!("WOO-{}-{id}", w.woo_connection), 1).await;
    assert_eq!(sells[0]["lines"][0]["sku"], "AS0002");
    assert_eq!(sells[0]["lines"][0]["quantity"], "3");
    assert_eq!(stock(&w, "AS0002"), before - Decimal::from(3));
}

#[tokio::test]
async fn ten_concurrent_duplicate_deliveries_make_one_sell() {
    let w = mapped_world(Options::default()).await;
    let (id, _, deliveries) = shopify_order(&w, &[("AS0003", 1)], "paid").await;
    let created = deliveries.iter().find(|d| d.topic == "orders/create").unwrap().webhook_id.clone();
    let redeliveries = (0..10).map(|_| w.shopify.redeliver(SHOP, &created));
    for d in futures::future::join_all(redeliveries).await {
        assert_eq!(d.unwrap().status, Some(200));
    }

    let woo_id = woo_order(&w, &[("AS0004", 1)], "processing").await;
    let hook = w.woo.webhooks(wm::DEMO_STORE).into_iter().find(|h| h.topic == "order.created").unwrap();
    let body = w.woo.order_json(wm::DEMO_STORE, woo_id).unwrap().to_string();
    let signature = wm::sign(body.as_bytes(), &hook.secret);
    let posts = (0..10).map(|_| {
        w.browser
            .post(&hook.delivery_url)
            .header("content-type", "application/json")
            .header("X-WC-Webhook-Topic", "order.created")
            .header("X-WC-Webhook-Signature", &signature)
            .body(body.clone())
            .send()
    });
    for r in futures::future::join_all(posts).await {
        assert_eq!(r.unwrap().status(), 200);
    }

    expect_sells(&w, &format!("SHOP-{}-{id}", w.shopify_connection), 1).await;
    expect_sells(&w, &format!("WOO-{}-{woo_id}", w.woo_connection), 1).await;
}

#[tokio::test]
async fn an_unpaid_woo_order_is_committed_then_sold_when_paid() {
    let w = mapped_world(Options::default()).await;
    let id = woo_order(&w, &[("AS0005", 2)], "pending").await;
    let commitments =
        format!("SELECT coalesce(sum(qty), 0)::bigint FROM commitments WHERE order_id = '{id}' AND sku = 'AS0005'");
    w.eventually(WAIT, "commitment", || async { w.app.scalar(&commitments).await == 2 }).await;
    assert_eq!(state_of(&w, w.woo_connection, &id.to_string()).await, "committed");
    let invoice = format!("WOO-{}-{id}", w.woo_connection);
    assert!(sells_with_invoice(&w, &invoice).is_empty());

    w.woo.set_order_status(wm::DEMO_STORE, id, "processing").await.unwrap();
    expect_sells(&w, &invoice, 1).await;
    w.eventually(WAIT, "commitment dropped", || async { w.app.scalar(&commitments).await == 0 }).await;
}

#[tokio::test]
async fn cancelling_a_sold_order_restores_prokip_stock() {
    let w = mapped_world(Options::default()).await;
    let before = stock(&w, "AS0006");
    let (id, _, _) = shopify_order(&w, &[("AS0006", 2)], "paid").await;
    let invoice = format!("SHOP-{}-{id}", w.shopify_connection);
    expect_sells(&w, &invoice, 1).await;
    assert_eq!(stock(&w, "AS0006"), before - Decimal::from(2));

    w.shopify.cancel_order(SHOP, id).await.unwrap();
    w.eventually(WAIT, "sell deleted", || async { sells_with_invoice(&w, &invoice).is_empty() }).await;
    assert_eq!(stock(&w, "AS0006"), before);
    w.eventually(WAIT, "state deleted", || async {
        state_of(&w, w.shopify_connection, &id.to_string()).await == "deleted"
    })
    .await;
}

#[tokio::test]
async fn a_partial_refund_returns_only_its_restocked_lines_once() {
    let w = mapped_world(Options::default()).await;
    let (a, b) = (stock(&w, "AS0007"), stock(&w, "AS0008"));
    let (id, order, _) = shopify_order(&w, &[("AS0007", 2), ("AS0008", 1)], "paid").await;
    let invoice = format!("SHOP-{}-{id}", w.shopify_connection);
    expect_sells(&w, &invoice, 1).await;
    let line =
        order["line_items"].as_array().unwrap().iter().find(|l| l["sku"] == "AS0007").unwrap()["id"].as_u64().unwrap();

    let refund = vec![sm::RefundLineInput { line_item_id: line, quantity: 1, restock_type: "return".into() }];
    w.shopify.refund_order(SHOP, id, refund).await.unwrap();
    let returned = |sku: &'static str| {
        let sells = sells_with_invoice(&w, &invoice);
        let lines = sells.first().map(|s| s["lines"].as_array().unwrap().clone()).unwrap_or_default();
        lines
            .into_iter()
            .find(|l| l["sku"] == sku)
            .map(|l| l["quantity_returned"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    w.eventually(WAIT, "return of AS0007", || async { returned("AS0007") == "1" }).await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(returned("AS0007"), "1", "the refund arrives twice (refunds/create and orders/updated) but counts once");
    assert_eq!(returned("AS0008"), "0");
    assert_eq!(stock(&w, "AS0007"), a - Decimal::from(1));
    assert_eq!(stock(&w, "AS0008"), b - Decimal::from(1));
}

#[tokio::test]
async fn a_partial_woocommerce_refund_returns_only_its_restocked_lines_once() {
    let w = mapped_world(Options::default()).await;
    let (a, b) = (stock(&w, "AS0011"), stock(&w, "AS0012"));
    let id = woo_order(&w, &[("AS0011", 2), ("AS0012", 1)], "processing").await;
    let invoice = format!("WOO-{}-{id}", w.woo_connection);
    expect_sells(&w, &invoice, 1).await;
    let order = w.woo.order_json(wm::DEMO_STORE, id).unwrap();
    let line = |sku: &str| {
        order["line_items"].as_array().unwrap().iter().find(|l| l["sku"] == sku).unwrap()["id"].as_u64().unwrap()
    };
    let returned = |sku: &'static str| {
        let lines = sells_with_invoice(&w, &invoice)[0]["lines"].as_array().unwrap().clone();
        lines
            .into_iter()
            .find(|l| l["sku"] == sku)
            .map(|l| l["quantity_returned"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let refund = |sku, restock| wm::NewRefund {
        line_items: vec![wm::RefundLine { line_item_id: line(sku), quantity: 1 }],
        restock,
        reason: None,
    };

    w.woo.refund_order(wm::DEMO_STORE, id, &refund("AS0011", true)).await.unwrap();
    w.eventually(WAIT, "return of AS0011", || async { returned("AS0011") == "1" }).await;
    // A refund that did not restock, then a later update: neither returns anything more.
    w.woo.refund_order(wm::DEMO_STORE, id, &refund("AS0012", false)).await.unwrap();
    w.eventually(WAIT, "second refund recorded", || async {
        w.app.scalar(&format!("SELECT count(*) FROM processed_refunds WHERE order_id = '{id}'")).await == 2
    })
    .await;
    w.woo.set_order_status(wm::DEMO_STORE, id, "completed").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!((returned("AS0011"), returned("AS0012")), ("1".to_owned(), "0".to_owned()));
    assert_eq!(stock(&w, "AS0011"), a - Decimal::from(1));
    assert_eq!(stock(&w, "AS0012"), b - Decimal::from(1));
    assert_eq!(
        w.woo.faults().count(&format!("GET /{}/wp-json/wc/v3/orders/{id}/refunds", wm::DEMO_STORE)),
        2,
        "each refund read once"
    );
}

#[tokio::test]
async fn an_unmapped_sku_holds_only_its_order_until_it_is_mapped() {
    let w = mapped_world(Options::default()).await;
    let held = woo_order(&w, &[("as0040", 1), ("AS0009", 1)], "processing").await;
    let fine = woo_order(&w, &[("AS0010", 1)], "processing").await;

    expect_sells(&w, &format!("WOO-{}-{fine}", w.woo_connection), 1).await;
    w.eventually(WAIT, "held", || async {
        state_of(&w, w.woo_connection, &held.to_string()).await == "needs_attention"
    })
    .await;
    let invoice = format!("WOO-{}-{held}", w.woo_connection);
    assert!(sells_with_invoice(&w, &invoice).is_empty());
    let named = "SELECT count(*) FROM activity WHERE kind = 'order' AND status = 'needs_attention' AND detail LIKE '%as0040%' AND retry IS NOT NULL";
    assert_eq!(w.app.scalar(named).await, 1);

    // The mapping appears (as0040 is Prokip's AS0040); the sweeper's next pass releases the order.
    let client = app::backend::stores::prokip::client_for(&w.app.state, w.account_id).await.unwrap();
    let v = client.variations(w.prokip_location).await.unwrap().into_iter().find(|v| v.sub_sku == "AS0040").unwrap();
    w.app
        .sql(&format!(
            "INSERT INTO sku_map (connection_id, sku, prokip_product_id, prokip_variation_id) VALUES ({}, 'as0040', {}, {})",
            w.woo_connection, v.product_id, v.variation_id
        ))
        .await;
    w.app.sql("UPDATE sales_log SET updated_at = now() - interval '5 minutes'").await;
    app::backend::jobs::process_webhook::sweep(&w.app.state).await.unwrap();
    let sells = expect_sells(&w, &invoice, 1).await;
    assert_eq!(sells[0]["lines"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_sell_created_before_an_interruption_is_adopted_not_sent_again() {
    use app::backend::platforms::prokip::{DiscountType, NewSell, SellOutcome, SellPayment, SellProduct, SellStatus};
    let w = mapped_world(Options { jobs: false, ..Default::default() }).await;
    let id = woo_order(&w, &[("AS0011", 1)], "processing").await;
    let event = format!("SELECT id FROM webhook_events WHERE payload->>'id' = '{id}'");
    w.eventually(WAIT, "event stored", || async {
        w.app.scalar(&format!("SELECT count(*) FROM ({event}) e")).await == 1
    })
    .await;
    let event_id = w.app.scalar(&event).await;
    let invoice = format!("WOO-{}-{id}", w.woo_connection);

    // A previous run committed `sending`, posted the sell, and stopped before recording it.
    w.app
        .sql(&format!(
            "INSERT INTO sales_log (connection_id, order_id, state, invoice_no) VALUES ({}, '{id}', 'sending', '{invoice}')",
            w.woo_connection
        ))
        .await;
    let client = app::backend::stores::prokip::client_for(&w.app.state, w.account_id).await.unwrap();
    let v = client.variations(w.prokip_location).await.unwrap().into_iter().find(|v| v.sub_sku == "AS0011").unwrap();
    let walk_in = w.app.scalar("SELECT walk_in_contact_id FROM prokip_configs").await;
    let sell = NewSell {
        location_id: w.prokip_location,
        contact_id: walk_in,
        transaction_date: chrono::Utc::now().naive_utc(),
        invoice_no: invoice.clone(),
        source: None,
        status: SellStatus::Final,
        discount_type: DiscountType::Fixed,
        discount_amount: Decimal::ZERO,
        shipping_charges: Decimal::ZERO,
        sale_note: None,
        staff_note: None,
        products: vec![SellProduct {
            product_id: v.product_id,
            variation_id: v.variation_id,
            quantity: Decimal::ONE,
            unit_price: v.sell_price_inc_tax,
            note: None,
        }],
        payments: vec![SellPayment { amount: v.sell_price_inc_tax, method: "cash".into(), note: None }],
    };
    let SellOutcome::Created(tx) = client.create_sell(&sell).await.unwrap() else { panic!("sell refused") };
    let posts = || w.prokip.faults().count("POST /connector/api/sell");
    assert_eq!(posts(), 1);

    app::backend::jobs::process_webhook::run(&w.app.state, event_id).await.unwrap();
    assert_eq!(posts(), 1, "no second POST /sell");
    assert_eq!(sells_with_invoice(&w, &invoice).len(), 1);
    assert_eq!(state_of(&w, w.woo_connection, &id.to_string()).await, "sent");
    let recorded = w.app.scalar(&format!("SELECT prokip_sell_id FROM sales_log WHERE invoice_no = '{invoice}'")).await;
    assert_eq!(recorded, tx.id);

    // Without a sell in Prokip, the same situation sends it (once).
    let other = woo_order(&w, &[("AS0012", 1)], "processing").await;
    let other_invoice = format!("WOO-{}-{other}", w.woo_connection);
    let other_event = format!("SELECT id FROM webhook_events WHERE payload->>'id' = '{other}'");
    w.eventually(WAIT, "event stored", || async {
        w.app.scalar(&format!("SELECT count(*) FROM ({other_event}) e")).await == 1
    })
    .await;
    w.app
        .sql(&format!(
            "INSERT INTO sales_log (connection_id, order_id, state, invoice_no) VALUES ({}, '{other}', 'sending', '{other_invoice}')",
            w.woo_connection
        ))
        .await;
    app::backend::jobs::process_webhook::run(&w.app.state, w.app.scalar(&other_event).await).await.unwrap();
    assert_eq!(sells_with_invoice(&w, &other_invoice).len(), 1);
}

#[tokio::test]
async fn pull_orders_back_fills_an_order_whose_webhook_was_lost() {
    let w = mapped_world(Options { jobs: false, ..Default::default() }).await;
    let id = woo_order(&w, &[("AS0013", 1)], "processing").await;
    let (shop_id, _, _) = shopify_order(&w, &[("AS0014", 1)], "paid").await;
    w.eventually(WAIT, "events stored", || async { w.app.scalar("SELECT count(*) FROM webhook_events").await >= 2 })
        .await;
    w.app.sql("DELETE FROM webhook_events").await;
    w.app.start_jobs();

    let r = w.browser.post(w.app.url("/sync/pull-orders")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert!(body["count"].as_i64().unwrap() >= 2, "{body}");
    assert!(body["message"].is_string());

    expect_sells(&w, &format!("WOO-{}-{id}", w.woo_connection), 1).await;
    expect_sells(&w, &format!("SHOP-{}-{shop_id}", w.shopify_connection), 1).await;

    // A second pull finds nothing new and sends nothing twice.
    let again: Value = w.browser.post(w.app.url("/sync/pull-orders")).send().await.unwrap().json().await.unwrap();
    assert_eq!(again["count"], 0, "{again}");
}

#[tokio::test]
async fn a_refused_sale_shows_prokips_reason_and_retry_sends_it_for_its_account_only() {
    let w = mapped_world(Options::default()).await;
    let business = w.prokip.state()["businesses"][0]["id"].as_i64().unwrap();
    w.prokip.set_allow_overselling(business, false).unwrap();
    w.prokip.set_stock(w.prokip_location, "AS0015", Decimal::ZERO).unwrap();
    let id = woo_order(&w, &[("AS0015", 1)], "processing").await;
    let invoice = format!("WOO-{}-{id}", w.woo_connection);
    w.eventually(WAIT, "failed", || async { state_of(&w, w.woo_connection, &id.to_string()).await == "failed" }).await;
    let entry = "SELECT id FROM activity WHERE status = 'failed' AND retry IS NOT NULL AND NOT resolved";
    let activity_id = w.app.scalar(entry).await;
    let reason = dump(&w, "SELECT detail FROM activity WHERE status = 'failed'").await;
    assert!(reason.contains("Prokip refused the sale"), "{reason}");

    // Someone else's account cannot retry it.
    let other = w.app.new_browser();
    w.app.register(&other, "mallory", "correct horse", "Other Traders").await;
    let r = other.post(w.app.url(&format!("/activity/{activity_id}/retry"))).send().await.unwrap();
    assert!(common::location(&r).starts_with("/activity?error="), "{}", common::location(&r));
    let order_row = w.app.scalar(&format!("SELECT id FROM sales_log WHERE invoice_no = '{invoice}'")).await;
    let r = other.post(w.app.url(&format!("/orders/{order_row}/retry"))).send().await.unwrap();
    assert!(common::location(&r).starts_with("/orders?error="), "{}", common::location(&r));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(sells_with_invoice(&w, &invoice).is_empty());

    // Stock arrives in Prokip; the merchant presses Retry.
    w.prokip.set_stock(w.prokip_location, "AS0015", Decimal::from(5)).unwrap();
    let r = w.browser.post(w.app.url(&format!("/activity/{activity_id}/retry"))).send().await.unwrap();
    assert!(common::location(&r).starts_with("/activity?notice="), "{}", common::location(&r));
    expect_sells(&w, &invoice, 1).await;
    w.eventually(WAIT, "failure resolved", || async {
        w.app.scalar("SELECT count(*) FROM activity WHERE status = 'failed' AND NOT resolved").await == 0
    })
    .await;

    // Retrying the order again is harmless: it is already sent.
    let r = w.browser.post(w.app.url(&format!("/orders/{order_row}/retry"))).send().await.unwrap();
    assert!(common::location(&r).starts_with("/orders?notice="), "{}", common::location(&r));
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(sells_with_invoice(&w, &invoice).len(), 1);
}

#[tokio::test]
async fn an_order_in_shopify_lowers_the_stock_woocommerce_shows() {
    let w = mapped_world(Options::default()).await;
    // Publish Prokip's stock first, so each store shows what Prokip has.
    w.app
        .state
        .queues
        .push_stock(app::backend::jobs::PushStock {
            account_id: w.account_id,
            skus: None,
            reason: app::model::PushReason::Manual,
        })
        .await
        .unwrap();
    let before = stock(&w, "AS0002");
    let shown = || w.woo.stock_of(wm::DEMO_STORE, "AS0002");
    w.eventually(WAIT, "WooCommerce shows Prokip's stock", || async {
        shown() == Some(i64::try_from(before).unwrap())
    })
    .await;

    let (id, _, _) = shopify_order(&w, &[("AS0002", 3)], "paid").await;
    expect_sells(&w, &format!("SHOP-{}-{id}", w.shopify_connection), 1).await;
    w.eventually(WAIT, "the Shopify sale reaches WooCommerce", || async {
        shown() == Some(i64::try_from(before).unwrap() - 3)
    })
    .await;
}
