//! Unit tests of the order model: each platform's payloads and status rules.

use super::*;
use serde_json::json;

fn shopify(financial: &str, cancelled: Option<&str>) -> Value {
    json!({
        "id": 820982911946154508u64, "name": "#1001", "financial_status": financial, "cancelled_at": cancelled,
        "updated_at": "2026-01-10T10:00:05-05:00", "currency": "KES", "email": "a@b.example", "total_discounts": "5.00",
        "total_shipping_price_set": { "shop_money": { "amount": "10.00", "currency_code": "KES" } },
        "line_items": [
            { "id": 1, "variant_id": 2, "product_id": 3, "sku": "AS0001", "quantity": 2, "price": "49.00" },
            { "id": 4, "variant_id": null, "product_id": null, "sku": null, "quantity": 1, "price": 3 }
        ],
        "refunds": [{ "id": 9, "created_at": null, "refund_line_items": [
            { "line_item_id": 1, "quantity": 1, "restock_type": "return" },
            { "line_item_id": 4, "quantity": 1, "restock_type": "no_restock" }
        ] }]
    })
}

fn order(e: StoreEvent) -> StoreOrder {
    match e {
        StoreEvent::Order(o) => *o,
        other => panic!("not an order: {other:?}"),
    }
}

#[test]
fn a_shopify_order_has_lines_shipping_discount_and_restocking_refunds() {
    let o = order(parse("shopify", "orders/create", &shopify("paid", None)).unwrap());
    assert_eq!((o.order_id.as_str(), o.name.as_str(), o.status), ("820982911946154508", "#1001", Status::Paid));
    assert_eq!(
        o.lines[0],
        OrderLine {
            line_id: "1".into(),
            sku: Some("AS0001".into()),
            quantity: 2,
            unit_price_incl_tax: Decimal::new(4900, 2)
        }
    );
    assert_eq!(o.lines[1].sku, None);
    assert_eq!((o.shipping, o.discount), (Decimal::from(10), Decimal::from(5)));
    assert_eq!(o.total(), Decimal::from(98 + 3 + 10 - 5));
    assert_eq!(o.email.as_deref(), Some("a@b.example"));
    let restocked: Vec<bool> = o.refunds[0].lines.iter().map(|l| l.restock).collect();
    assert_eq!(restocked, [true, false]);
    assert_eq!(o.skus(), ["AS0001"]);
}

#[test]
fn shopify_status_follows_financial_status_and_cancellation() {
    let status = |f: &str, c: Option<&str>| order(parse("shopify", "orders/updated", &shopify(f, c)).unwrap()).status;
    assert_eq!(status("partially_refunded", None), Status::Paid);
    assert_eq!(status("refunded", None), Status::Paid);
    assert_eq!(status("pending", None), Status::Unpaid);
    assert_eq!(status("authorized", None), Status::Unpaid);
    assert_eq!(status("paid", Some("2026-01-11T00:00:00Z")), Status::Cancelled);
    assert_eq!(status("voided", None), Status::Cancelled);
}

#[test]
fn shopify_prices_without_tax_get_the_line_tax_added() {
    let mut raw = shopify("paid", None);
    raw["taxes_included"] = json!(false);
    raw["line_items"][0]["tax_lines"] = json!([{ "price": "15.68", "rate": 0.16 }]);
    let o = order(parse("shopify", "orders/paid", &raw).unwrap());
    assert_eq!(o.lines[0].unit_price_incl_tax, Decimal::new(5684, 2));
}

#[test]
fn a_shopify_refund_event_names_its_order() {
    let raw = json!({ "id": 77, "order_id": 5, "created_at": "2026-01-11T00:00:00Z",
        "refund_line_items": [{ "id": 1, "line_item_id": 3, "quantity": 2, "restock_type": "cancel" }] });
    let e = parse("shopify", "refunds/create", &raw).unwrap();
    let want = StoreRefund {
        refund_id: "77".into(),
        lines: vec![RefundLine { line_id: "3".into(), quantity: 2, restock: true }],
    };
    assert_eq!(e, StoreEvent::Refund { order_id: "5".into(), refund: want });
}

#[test]
fn a_woo_order_uses_tax_inclusive_line_totals() {
    let raw = json!({ "id": 727, "number": "727", "status": "processing", "currency": "KES",
        "shipping_total": "4.00", "shipping_tax": "1.00", "billing": { "email": "s@x.example" },
        "line_items": [{ "id": 315, "sku": "AS0001", "quantity": 2, "price": 40, "total": "80.00", "total_tax": "12.80" }] });
    let o = order(parse("woocommerce", "order.created", &raw).unwrap());
    assert_eq!((o.name.as_str(), o.status), ("#727", Status::Paid));
    assert_eq!(o.lines[0].unit_price_incl_tax, Decimal::new(4640, 2));
    assert_eq!((o.shipping, o.discount), (Decimal::from(5), Decimal::ZERO));
    assert_eq!(o.email.as_deref(), Some("s@x.example"));
}

#[test]
fn woo_statuses_map_to_paid_unpaid_cancelled_and_refunded() {
    for (s, want) in [
        ("processing", Status::Paid),
        ("completed", Status::Paid),
        ("pending", Status::Unpaid),
        ("on-hold", Status::Unpaid),
        ("cancelled", Status::Cancelled),
        ("failed", Status::Cancelled),
        ("trash", Status::Cancelled),
        ("refunded", Status::Refunded),
    ] {
        assert_eq!(woocommerce::orders::status(s), want, "{s}");
    }
}

#[test]
fn woo_deleted_and_other_topics() {
    assert_eq!(
        parse("woocommerce", "order.deleted", &json!({"id": 9})).unwrap(),
        StoreEvent::Deleted { order_id: "9".into() }
    );
    assert_eq!(parse("woocommerce", "product.updated", &json!({"id": 9})).unwrap(), StoreEvent::Other);
    assert_eq!(parse("shopify", "products/update", &json!({"id": 9})).unwrap(), StoreEvent::Other);
    assert!(parse("woocommerce", "order.updated", &json!({"status": "x"})).is_err());
}

#[test]
fn amounts_and_quantities_that_would_overflow_the_totals_are_refused_not_a_panic() {
    let max = "79228162514264337593543950335";
    let cases = [
        ("shopify", "orders/paid", "/line_items/0/price", json!(max)),
        ("shopify", "orders/paid", "/total_discounts", json!(format!("-{max}"))),
        ("shopify", "orders/paid", "/line_items/0/quantity", json!(i64::MAX)),
        ("shopify", "orders/paid", "/line_items/0/quantity", json!(-3)),
        ("shopify", "orders/paid", "/total_shipping_price_set/shop_money/amount", json!(max)),
    ];
    for (platform, topic, path, value) in cases {
        let mut payload = shopify("paid", None);
        *payload.pointer_mut(path).unwrap() = value.clone();
        let e = parse(platform, topic, &payload).unwrap_err();
        assert!(e.reason.contains("out of range"), "{path} = {value}: {e}");
    }
    let woo = json!({"id": 1, "status": "processing", "shipping_total": max, "line_items": []});
    assert!(parse("woocommerce", "order.updated", &woo).unwrap_err().reason.contains("shipping_total"));
    // A big but real order still parses, and its total is exact.
    let mut big = shopify("paid", None);
    big["line_items"][0]["price"] = json!("999999999.99");
    big["line_items"][0]["quantity"] = json!(9_999_999);
    assert_eq!(
        order(parse("shopify", "orders/paid", &big).unwrap()).total(),
        Decimal::from_str("9999998999900000.01").unwrap() + Decimal::from(3) - Decimal::from(5) + Decimal::from(10)
    );
}
