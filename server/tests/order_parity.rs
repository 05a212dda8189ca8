//! One order, one sale: an order that arrives by webhook and the same order recovered by "Pull
//! orders" become identical Prokip sells — lines, tax, shipping, discount and payment — on both
//! stores, whether the shop's prices include tax or not. The Prokip mock's record of each sell
//! request is the oracle, and each sell's payment is what the shopper paid.

mod common;

use common::world::{Options, World};
use mocks::{pricing::Pricing, shopify as sm, woocommerce as wm};
use rust_decimal::Decimal;
use serde_json::Value;

const WAIT: u64 = 30;
const LINES: [(&str, i64); 2] = [("AS0011", 2), ("AS0012", 1)];

fn pricing(taxes_included: bool) -> Pricing {
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    Pricing { taxes_included, tax_rate: d("0.16"), shipping: d("9.99"), discount: d("25.50") }
}

/// A Shopify order's id and what the shopper paid.
async fn shopify_order(w: &World, taxes_included: bool) -> (u64, String) {
    let line_items = LINES.iter().map(|(sku, quantity)| sm::NewOrderLine { sku: sku.to_string(), quantity: *quantity });
    let order = sm::NewOrder { line_items: line_items.collect(), financial_status: "paid".into() };
    let placed = sm::PlacedOrder { order, pricing: pricing(taxes_included), email: Some("wanjiru@example.com".into()) };
    let (order, _) = w.shopify.place_order(sm::DEMO_SHOP, placed).await.unwrap();
    (order["id"].as_u64().unwrap(), order["total_price"].as_str().unwrap().to_owned())
}

/// A WooCommerce order's id and what the shopper paid.
async fn woo_order(w: &World, taxes_included: bool) -> (u64, String) {
    let line_items = LINES.iter().map(|(sku, quantity)| wm::NewOrderLine { sku: sku.to_string(), quantity: *quantity });
    let order = wm::NewOrder {
        line_items: line_items.collect(),
        status: Some("processing".into()),
        billing_email: Some("wanjiru@example.com".into()),
    };
    let placed = wm::PlacedOrder { order, pricing: pricing(taxes_included) };
    let order = w.woo.place_order(wm::DEMO_STORE, &placed).await.unwrap();
    (order["id"].as_u64().unwrap(), order["total"].as_str().unwrap().to_owned())
}

/// The sell request Prokip received for `invoice`, once there is one.
async fn received(w: &World, invoice: &str) -> Value {
    let find = || w.prokip.state()["sells"].as_array().unwrap().iter().find(|s| s["invoice_no"] == invoice).cloned();
    w.eventually(WAIT, &format!("a sell {invoice}"), || async { find().is_some() }).await;
    find().unwrap()["received"].clone()
}

/// The sell without what names the order itself (invoice, notes) or the moment it was sent.
fn content(mut sell: Value) -> Value {
    let o = sell.as_object_mut().unwrap();
    for key in ["invoice_no", "transaction_date", "sale_note", "staff_note"] {
        o.remove(key);
    }
    for p in o["payments"].as_array_mut().unwrap() {
        p.as_object_mut().unwrap().remove("note");
    }
    sell
}

fn amount(v: &Value) -> Decimal {
    v.as_str().map(|s| s.parse().unwrap()).or_else(|| v.as_f64().map(|f| Decimal::try_from(f).unwrap())).unwrap()
}

#[tokio::test]
async fn a_pulled_order_becomes_the_same_prokip_sell_as_by_webhook() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    // Each case: the order that arrives by webhook, then the same order whose webhooks are lost.
    let mut cases = Vec::new();
    for taxes_included in [true, false] {
        let shop = |(id, paid): (u64, String)| (format!("SHOP-{}-{id}", w.shopify_connection), id, paid);
        let woo = |(id, paid): (u64, String)| (format!("WOO-{}-{id}", w.woo_connection), id, paid);
        cases.push((shop(shopify_order(&w, taxes_included).await), shop(shopify_order(&w, taxes_included).await)));
        cases.push((woo(woo_order(&w, taxes_included).await), woo(woo_order(&w, taxes_included).await)));
    }
    let lost: Vec<String> = cases.iter().map(|(_, (_, id, _))| format!("'{id}'")).collect();
    w.app.sql(&format!("DELETE FROM webhook_events WHERE payload->>'id' IN ({})", lost.join(","))).await;
    w.app.start_jobs();
    for ((invoice, _, _), _) in &cases {
        received(&w, invoice).await;
    }

    let r = w.browser.post(w.app.url("/sync/pull-orders")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    for ((hooked, _, paid), (pulled, _, paid_again)) in &cases {
        assert_eq!(paid, paid_again, "the same order twice");
        let (by_webhook, by_pull) = (received(&w, hooked).await, received(&w, pulled).await);
        assert!(amount(&by_webhook["shipping_charges"]) > Decimal::ZERO, "{hooked}: {by_webhook}");
        assert!(
            amount(&by_webhook["discount_amount"]) > Decimal::ZERO || hooked.starts_with("WOO"),
            "{hooked}: {by_webhook}"
        );
        assert_eq!(amount(&by_webhook["payments"][0]["amount"]), paid.parse::<Decimal>().unwrap(), "{hooked}");
        assert_eq!(content(by_pull), content(by_webhook), "{pulled} (pulled) against {hooked} (webhook)");
    }
    // The order pages name the customer whichever way the order came.
    let invoices: Vec<String> = cases
        .iter()
        .flat_map(|((hooked, _, _), (pulled, _, _))| [format!("'{hooked}'"), format!("'{pulled}'")])
        .collect();
    let named = format!(
        "SELECT count(*) FROM sales_log WHERE invoice_no IN ({}) AND details->>'customer_name' = 'Wanjiru'",
        invoices.join(",")
    );
    assert_eq!(w.app.scalar(&named).await, invoices.len() as i64);
}
