//! Fixed vectors from the Connector's documented answers (independent of the mock).

use super::{
    ProkipError,
    types::*,
    wire::{Page, ProductRow, parse_sell_results},
};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde_json::json;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The `GET /product` docblock sample (trimmed as in the reference).
const PRODUCT_PAGE: &str = r#"{ "data": [ {
    "id": 1, "name": "Men's Reverse Fleece Crew", "type": "single", "sku": "AS0001",
    "enable_stock": 1, "not_for_selling": 0, "is_inactive": 0, "woocommerce_product_id": 356,
    "product_variations": [ { "id": 1, "name": "DUMMY", "is_dummy": 1,
        "variations": [ { "id": 1, "name": "DUMMY", "product_id": 1, "sub_sku": "AS0001",
            "default_sell_price": "130.0000", "sell_price_inc_tax": "143.0000",
            "variation_location_details": [ { "variation_id": 1, "location_id": 1, "qty_available": "20.0000" } ] } ] } ],
    "unit": {"short_name": "Pc(s)", "allow_decimal": 0}, "product_tax": {"amount": 10}, "category": {},
    "product_locations": [ { "id": 1, "name": "Awesome Shop" } ] } ],
  "links": { "first": "https://x/connector/api/product?page=1", "last": "https://x/connector/api/product?page=32", "prev": null, "next": "https://x/connector/api/product?page=2" },
  "meta": { "current_page": 1, "from": 1, "path": "https://x/connector/api/product", "per_page": 10, "to": 10 } }"#;

#[test]
fn product_sample_gives_variation_1_with_sku_as0001_and_20_in_stock() {
    let page: Page<ProductRow> = serde_json::from_str(PRODUCT_PAGE).unwrap();
    assert!(page.has_next(), "links.next is set");
    let product = page.data.into_iter().next().unwrap().into_product(1);
    assert_eq!(product.product_type, ProductType::Single);
    let v = &product.variations[0];
    assert_eq!((v.variation_id, v.sub_sku.as_str(), v.product_id), (1, "AS0001", 1));
    assert_eq!(v.qty_available, d("20"));
    assert_eq!(v.sell_price_inc_tax, d("143"));
    assert!(v.enable_stock);
}

#[test]
fn a_location_without_a_stock_row_reads_as_zero() {
    let page: Page<ProductRow> = serde_json::from_str(PRODUCT_PAGE).unwrap();
    let product = page.data.into_iter().next().unwrap().into_product(21237);
    assert_eq!(product.variations[0].qty_available, Decimal::ZERO);
}

#[test]
fn failed_and_created_sells_in_one_http_200_array() {
    let body = json!([
        { "headers": {}, "original": { "error": { "message": "Invalid form data" } }, "exception": null },
        { "id": 9100001, "invoice_no": "WOO-14213", "final_total": 1055.0, "payment_status": "paid" }
    ]);
    let out = parse_sell_results(body.to_string().as_bytes()).unwrap();
    assert_eq!(out[0], SellOutcome::Rejected { message: "Invalid form data".into() });
    let SellOutcome::Created(t) = &out[1] else { panic!("second sell was created") };
    assert_eq!((t.id, t.invoice_no.as_deref(), t.final_total), (9100001, Some("WOO-14213"), d("1055")));
}

#[test]
fn a_sell_answer_that_is_not_an_array_is_a_decode_error() {
    let err = parse_sell_results(br#"{"data":[{"id":1}]}"#).unwrap_err();
    assert!(matches!(err, ProkipError::Decode(_)));
    assert!(matches!(parse_sell_results(b"<html>"), Err(ProkipError::Decode(_))));
}

#[test]
fn per_page_minus_one_is_a_plain_data_list_without_links() {
    let body = r#"{"data":[{"id":1849984,"type":"customer","name":"Walk-In Customer","is_default":1,"mobile":""},
                            {"id":1849985,"type":"customer","name":"Walk-In Jane","is_default":0}]}"#;
    let page: Page<Contact> = serde_json::from_str(body).unwrap();
    assert!(!page.has_next());
    let walk_in: Vec<_> = page.data.iter().filter(|c| c.is_default).map(|c| c.id).collect();
    assert_eq!(walk_in, [1849984]);
}

#[test]
fn sell_lines_keep_their_ids_and_decimal_quantities() {
    let t: Transaction = serde_json::from_value(json!({
        "id": 6, "invoice_no": "AS0001", "final_total": "770.0000", "payment_status": "paid",
        "sell_lines": [{ "id": 1, "transaction_id": 6, "product_id": 2, "variation_id": 3, "quantity": 10,
                         "quantity_returned": "0.0000", "unit_price_inc_tax": "77.0000" }]
    }))
    .unwrap();
    assert_eq!(t.final_total, d("770"));
    let line = &t.sell_lines[0];
    assert_eq!((line.id, line.variation_id, line.quantity, line.unit_price_inc_tax), (1, 3, d("10"), d("77")));
}

#[test]
fn dates_use_prokip_formats_not_iso_8601() {
    let dt = NaiveDateTime::parse_from_str("2026-01-27 13:45:00", "%Y-%m-%d %H:%M:%S").unwrap();
    assert_eq!(format_datetime(dt), "2026-01-27 13:45:00");
    assert_eq!(format_date(NaiveDate::from_ymd_opt(2026, 1, 7).unwrap()), "2026-01-07");
}

#[test]
fn a_new_sell_serializes_as_the_reference_request() {
    let sell = NewSell {
        location_id: 21237,
        contact_id: 1849984,
        transaction_date: NaiveDateTime::parse_from_str("2026-01-27 13:45:00", "%Y-%m-%d %H:%M:%S").unwrap(),
        invoice_no: "WOO-14213".into(),
        source: Some("shopify".into()),
        status: SellStatus::Final,
        discount_type: DiscountType::Fixed,
        discount_amount: Decimal::ZERO,
        shipping_charges: d("5.0"),
        sale_note: Some("Shopify order #1001".into()),
        staff_note: None,
        products: vec![SellProduct {
            product_id: 4922111,
            variation_id: 5291257,
            quantity: d("2"),
            unit_price: d("525.0"),
            note: None,
        }],
        payments: vec![SellPayment { amount: d("1055.0"), method: "custom_pay_1".into(), note: None }],
    };
    let v = serde_json::to_value(&sell).unwrap();
    assert_eq!(v["transaction_date"], "2026-01-27 13:45:00");
    assert_eq!(v["status"], "final");
    assert_eq!(v["discount_type"], "fixed");
    assert_eq!(v["products"][0]["variation_id"], 5291257);
    assert_eq!(Decimal::from_str(v["products"][0]["unit_price"].as_str().unwrap()).unwrap(), d("525"));
    assert_eq!(v["payments"][0]["method"], "custom_pay_1");
    assert!(v.get("staff_note").is_none());
}

#[test]
fn tokens_debug_never_shows_secrets() {
    let t = Tokens {
        access: "eyJ0eXAi-access".into(),
        refresh: Some("def502-refresh".into()),
        expires_at: chrono::Utc::now(),
    };
    let shown = format!("{t:?}");
    assert!(!shown.contains("eyJ0eXAi") && !shown.contains("def502"));
}
