//! In-process checks of the WooCommerce mock's own rules: seeding speed, the demo store, and
//! stock following order statuses and refunds as WooCommerce does.

use super::*;
use crate::catalog::{DEMO_MISMATCH_STORE_SKU, generated_catalog};
use std::time::Instant;

fn order(sku: &str, quantity: i64, status: &str) -> NewOrder {
    NewOrder {
        line_items: vec![NewOrderLine { sku: sku.into(), quantity }],
        status: Some(status.into()),
        billing_email: None,
    }
}

#[test]
fn the_router_builds_and_seeding_ten_thousand_skus_is_fast() {
    let mock = WooMock::new();
    let _ = mock.router();
    mock.create_store("big").unwrap();
    let started = Instant::now();
    mock.seed_store("big", &generated_catalog(10_000), |s| s.to_owned()).unwrap();
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(mock.stock_of("big", "GEN000000"), Some(0));
}

#[test]
fn the_demo_store_has_the_demo_keys_and_the_mismatched_sku() {
    let mock = WooMock::new();
    mock.seed_demo();
    mock.seed_demo();
    let state = mock.state(DEMO_STORE).unwrap();
    assert_eq!(state["products"].as_array().unwrap().len(), 40);
    assert_eq!(state["keys"][0]["consumer_key"], DEMO_CONSUMER_KEY);
    assert!(mock.stock_of(DEMO_STORE, DEMO_MISMATCH_STORE_SKU).is_some());
    assert_eq!(mock.stock_of(DEMO_STORE, "AS0040"), None);
    assert_eq!(mock.create_store(DEMO_STORE).unwrap_err(), MockError::StoreExists(DEMO_STORE.into()));
}

#[tokio::test]
async fn stock_follows_order_status_like_woocommerce() {
    let mock = WooMock::new();
    mock.seed_demo();
    let start = mock.stock_of(DEMO_STORE, "AS0001").unwrap();
    let pending = mock.create_order(DEMO_STORE, &order("AS0001", 2, "pending")).await.unwrap();
    assert_eq!(mock.stock_of(DEMO_STORE, "AS0001"), Some(start), "pending holds no stock");
    let id = pending["id"].as_u64().unwrap();
    mock.set_order_status(DEMO_STORE, id, "processing").await.unwrap();
    assert_eq!(mock.stock_of(DEMO_STORE, "AS0001"), Some(start - 2));
    mock.set_order_status(DEMO_STORE, id, "completed").await.unwrap();
    assert_eq!(mock.stock_of(DEMO_STORE, "AS0001"), Some(start - 2), "reduced once");
    mock.set_order_status(DEMO_STORE, id, "cancelled").await.unwrap();
    assert_eq!(mock.stock_of(DEMO_STORE, "AS0001"), Some(start), "cancelling gives it back");
    assert!(mock.create_order(DEMO_STORE, &order("NOPE", 1, "processing")).await.is_err());
    assert!(mock.create_order(DEMO_STORE, &order("AS0001", 0, "processing")).await.is_err());
}

#[tokio::test]
async fn a_full_refund_with_restock_returns_stock_and_marks_the_order_refunded() {
    let mock = WooMock::new();
    mock.seed_demo();
    let start = mock.stock_of(DEMO_STORE, "AS0034-2").unwrap();
    let placed = mock.create_order(DEMO_STORE, &order("AS0034-2", 3, "processing")).await.unwrap();
    let (id, line) = (placed["id"].as_u64().unwrap(), placed["line_items"][0]["id"].as_u64().unwrap());
    let refund = |quantity| NewRefund {
        line_items: vec![RefundLine { line_item_id: line, quantity }],
        restock: true,
        reason: None,
    };
    let after = mock.refund_order(DEMO_STORE, id, &refund(3)).await.unwrap();
    assert_eq!(after["status"], "refunded");
    assert_eq!(after["refunds"][0]["total"], "-3900.00");
    assert_eq!(mock.stock_of(DEMO_STORE, "AS0034-2"), Some(start));
    assert!(mock.refund_order(DEMO_STORE, id, &refund(1)).await.is_err(), "nothing left to refund");
}
