//! A SKU's history: every change to its numbers is recorded with its cause by the change itself
//! (a failed write records nothing), and the SKU page shows it with a chart. The mocks are the
//! oracle for every number.

mod common;

use app::backend::{jobs::PushStock, sync::stock};
use app::model::PushReason;
use common::world::{Options, World};
use mocks::{
    faults::{FaultKind, FaultRule},
    shopify::DEMO_SHOP,
    woocommerce as wm,
};
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, Statement};

async fn push(w: &World, skus: Option<&[&str]>, reason: PushReason) -> Vec<stock::StoreOutcome> {
    let job =
        PushStock { account_id: w.account_id, skus: skus.map(|s| s.iter().map(|x| x.to_string()).collect()), reason };
    stock::push(&w.app.state, &job).await.expect("push")
}

/// The SKU's history rows as "kind cause connection before→after amount", oldest first (stores are
/// written one after the other, so rows of one push are compared sorted).
async fn history(w: &World, sku: &str) -> Vec<String> {
    let db = &w.app.state.db;
    let sql = format!(
        "SELECT concat_ws(' ', kind, cause, coalesce(connection_id::text, 'prokip'),
                          coalesce(trunc(before)::text, '-') || '→' || coalesce(trunc(after)::text, '-'),
                          coalesce(amount::text, '-'))
         FROM sku_history WHERE account_id = {} AND sku = '{sku}' ORDER BY id",
        w.account_id
    );
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
}

async fn page(w: &World, path: &str) -> String {
    common::shown(&w.browser.get(w.app.url(path)).send().await.unwrap().text().await.unwrap())
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn both(w: &World, sku: &str) -> (Option<i64>, Option<i64>) {
    (w.shopify.available(DEMO_SHOP, sku), w.woo.stock_of(wm::DEMO_STORE, sku))
}

#[tokio::test]
async fn a_pos_sale_and_an_online_order_leave_their_causes_in_the_history() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    push(&w, None, PushReason::Reconcile).await;
    let (shop, woo) = (w.shopify_connection, w.woo_connection);
    let start = w.prokip.stock(w.prokip_location, "AS0010").unwrap().trunc();
    assert!(history(&w, "AS0010").await.is_empty(), "nothing changed yet: {:?}", history(&w, "AS0010").await);

    // A sale at the till, seen by the poll, which pushes the SKU.
    w.prokip.pos_sale(w.prokip_location, "AS0010", Decimal::from(3)).unwrap();
    push(&w, Some(&["AS0010"]), PushReason::ProkipPoll).await;
    let after = start - Decimal::from(3);
    assert_eq!(both(&w, "AS0010"), (Some(after.try_into().unwrap()), Some(after.try_into().unwrap())));
    assert_eq!(
        sorted(history(&w, "AS0010").await),
        sorted(vec![
            format!("prokip prokip-poll prokip {start}→{after} -"),
            format!("store-write prokip-poll {shop} {start}→{after} -"),
            format!("store-write prokip-poll {woo} {start}→{after} -"),
        ])
    );

    // The page says it in words, with the chart.
    let html = page(&w, "/products/AS0010").await;
    assert!(html.contains(&format!("Prokip quantity {start} → {after}")), "{html}");
    assert!(html.contains("a sale or stock change in Prokip, seen by the poll"), "{html}");
    assert!(html.contains(&format!("Wrote {after} (store had {start})")), "{html}");
    assert!(html.contains(r#"data-testid="sku-chart""#) && html.contains("qty-line"), "{html}");
    assert!(html.contains("3 changes · page 1 of 1"), "{html}");
}

#[tokio::test]
async fn an_unpaid_order_holds_and_releases_with_its_order_named() {
    let w = World::new().await;
    let line = wm::NewOrderLine { sku: "AS0008".into(), quantity: 2 };
    let new = wm::NewOrder { line_items: vec![line], status: Some("pending".into()), billing_email: None };
    let order = w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap();
    let woo = w.woo_connection;
    let held = format!("committed order-unpaid {woo} -→- 2");
    w.eventually(20, "the hold is recorded", || async { history(&w, "AS0008").await.contains(&held) }).await;

    // Paid: the hold is released and the sale recorded, in that order.
    let id = order["id"].as_u64().unwrap();
    w.woo.set_order_status(wm::DEMO_STORE, id, "processing").await.unwrap();
    let released = format!("committed order-paid {woo} -→- -2");
    let sold = format!("sold order-paid {woo} -→- -2");
    w.eventually(20, "the sale is recorded", || async {
        let h = history(&w, "AS0008").await;
        h.contains(&released) && h.contains(&sold)
    })
    .await;
    let number = order["number"].as_str().map(str::to_owned).unwrap_or_else(|| id.to_string());
    let html = page(&w, "/products/AS0008").await;
    assert!(html.contains("Sold 2 in Prokip"), "{html}");
    assert!(html.contains(&format!("{number}</td>")) || html.contains(&format!("#{number}")), "{html}");
}

#[tokio::test]
async fn a_failed_write_records_nothing_and_drift_is_recorded_before_its_repair() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    push(&w, None, PushReason::Reconcile).await;
    let (shop, woo) = (w.shopify_connection, w.woo_connection);
    let was = w.prokip.stock(w.prokip_location, "AS0002").unwrap().trunc();

    // WooCommerce refuses every write: its side records nothing, Shopify's records its write.
    let refuse = FaultKind::Status { status: 500, retry_after: None };
    w.woo.faults().add(FaultRule {
        path_prefix: String::new(),
        method: Some("POST".into()),
        kind: refuse,
        rate: 1.0,
        times: None,
    });
    w.prokip.set_stock(w.prokip_location, "AS0002", Decimal::from(9)).unwrap();
    push(&w, Some(&["AS0002"]), PushReason::Manual).await;
    assert_eq!(both(&w, "AS0002"), (Some(9), Some(was.try_into().unwrap())));
    assert_eq!(
        history(&w, "AS0002").await,
        [format!("prokip manual prokip {was}→9 -"), format!("store-write manual {shop} {was}→9 -")]
    );

    // A merchant changes Shopify by hand; the reconcile finds it (drift), then writes it back.
    w.woo.faults().clear();
    w.shopify.merchant_sets_available(DEMO_SHOP, "AS0002", 40).await.unwrap();
    push(&w, None, PushReason::Reconcile).await;
    assert_eq!(both(&w, "AS0002"), (Some(9), Some(9)));
    let h = history(&w, "AS0002").await;
    let drift = format!("drift reconcile {shop} 9→40 -");
    assert_eq!(h[2], drift, "read-backs come before writes: {h:?}");
    assert_eq!(
        sorted(h[3..].to_vec()),
        // The failed write left WooCommerce's quantity unknown: the read-back learns it (no drift:
        // nothing was known to drift from), then the write shows from what to what.
        sorted(vec![format!("store-write reconcile {shop} 40→9 -"), format!("store-write reconcile {woo} {was}→9 -")]),
    );
}

#[tokio::test]
async fn a_buffer_change_and_a_link_show_on_the_sku_page() {
    let w = World::new().await;
    w.set_buffer(w.shopify_connection, 4).await;
    let r = w.browser.post(w.app.url("/products/link")).form(&[("store_sku", "as0040"), ("prokip_sku", "AS0040")]);
    let r = r.send().await.unwrap();
    assert!(common::location(&r).contains("notice="), "{}", common::location(&r));
    let html = page(&w, "/products/AS0040").await;
    assert!(html.contains("Safety buffer 0 → 4"), "{html}");
    assert!(
        html.contains("Store SKU as0040 linked to Prokip&#x27;s AS0040")
            || html.contains("Store SKU as0040 linked to Prokip's AS0040"),
        "{html}"
    );
    // Setting the same buffer again is no change.
    w.set_buffer(w.shopify_connection, 4).await;
    let n = w.app.scalar("SELECT count(*) FROM sku_history WHERE kind = 'buffer'").await;
    assert_eq!(n, 1);
}
