//! Contract test of `GET /orders/{id}/refunds` against the WooCommerce mock: each refund with its
//! lines (negative quantities, the order line in `_refunded_item_id`), and the order lines'
//! `_restock_refunded_items` counting only refunds that restocked.

use app::backend::{
    platforms::woocommerce::{StoreUrl, WooClient, WooError},
    secret::Secret,
};
use mocks::woocommerce::{
    DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, DEMO_STORE, NewOrder, NewOrderLine, NewRefund, RefundLine, WooMock,
};

#[tokio::test]
async fn order_refunds_lists_each_refund_with_its_lines_and_the_order_counts_restocked_items() {
    let mock = WooMock::new();
    mock.seed_demo();
    let addr = mocks::serve(mock.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    mock.set_base_url(&format!("http://{addr}"));
    let url = StoreUrl::parse(&format!("http://{addr}/{DEMO_STORE}"), true).unwrap();
    let client = WooClient::new(url, DEMO_CONSUMER_KEY, Secret::new(DEMO_CONSUMER_SECRET), false);

    let lines =
        vec![NewOrderLine { sku: "AS0002".into(), quantity: 3 }, NewOrderLine { sku: "AS0003".into(), quantity: 1 }];
    let placed = mock
        .create_order(DEMO_STORE, &NewOrder { line_items: lines, status: None, billing_email: None })
        .await
        .unwrap();
    let id = placed["id"].as_u64().unwrap();
    let line = |i: usize| placed["line_items"][i]["id"].as_u64().unwrap();
    assert!(client.order_refunds(id).await.unwrap().is_empty());

    let refund = |line_item_id, quantity, restock| NewRefund {
        line_items: vec![RefundLine { line_item_id, quantity }],
        restock,
        reason: None,
    };
    mock.refund_order(DEMO_STORE, id, &refund(line(0), 2, true)).await.unwrap();
    mock.refund_order(DEMO_STORE, id, &refund(line(1), 1, false)).await.unwrap();

    let refunds = client.order_refunds(id).await.unwrap();
    assert_eq!(refunds.len(), 2);
    let (newest, oldest) = (&refunds[0], &refunds[1]);
    assert!(newest.id > oldest.id, "newest first");
    let item = &oldest.line_items[0];
    assert_eq!((item.refunded_item_id(), item.quantity, item.refunded_quantity()), (Some(line(0)), -2, 2));
    assert_ne!(item.id, line(0), "a refund line is an item of its own");
    assert_eq!(newest.line_items[0].refunded_item_id(), Some(line(1)));

    let order = client.orders_modified_since(chrono::Utc::now() - chrono::Duration::hours(1)).await.unwrap();
    let order = order.iter().find(|o| o.id == id).unwrap();
    let restocked: Vec<i64> = order.line_items.iter().map(|l| l.restocked_refunds()).collect();
    assert_eq!(restocked, vec![2, 0], "only the refund that restocked counts");
    assert_eq!(order.refunds.len(), 2);

    let missing = client.order_refunds(999_999).await.unwrap_err();
    assert!(
        matches!(missing, WooError::NotFound { ref code, .. } if code == "woocommerce_rest_order_invalid_id"),
        "{missing:?}"
    );
}
