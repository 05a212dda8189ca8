//! Orders in detail: the list searches by SKU and customer email and filters by store and the
//! days orders were received (in the account's time zone); the order page shows a realistic order
//! (tax, shipping, discount) as the store and Prokip saw it, only to its own account; the time
//! zone is checked when set and every time on these pages is shown in it.

mod common;

use common::{location, world::World};
use mocks::{pricing::Pricing, shopify as sm, woocommerce as wm};
use rust_decimal::Decimal;

const WAIT: u64 = 30;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A paid Shopify order of AS0011 × 2 and AS0012 × 1 with VAT, shipping and a discount: its id,
/// what the shopper paid and the tax in it.
async fn shopify_order(w: &World) -> (u64, String, String) {
    let line_items = [("AS0011", 2), ("AS0012", 1)]
        .into_iter()
        .map(|(sku, quantity)| sm::NewOrderLine { sku: sku.into(), quantity })
        .collect();
    let order = sm::NewOrder { line_items, financial_status: "paid".into() };
    let pricing = Pricing { taxes_included: true, tax_rate: d("0.16"), shipping: d("9.99"), discount: d("25.50") };
    let placed = sm::PlacedOrder { order, pricing, email: Some("wanjiru@example.com".into()) };
    let (order, _) = w.shopify.place_order(sm::DEMO_SHOP, placed).await.unwrap();
    let text = |key: &str| order[key].as_str().unwrap().to_owned();
    (order["id"].as_u64().unwrap(), text("total_price"), text("total_tax"))
}

/// An unpaid WooCommerce order of AS0013 × 3.
async fn woo_order(w: &World) -> u64 {
    let order = wm::NewOrder {
        line_items: vec![wm::NewOrderLine { sku: "AS0013".into(), quantity: 3 }],
        status: Some("pending".into()),
        billing_email: Some("otieno@example.com".into()),
    };
    let placed = wm::PlacedOrder { order, pricing: Pricing::default() };
    w.woo.place_order(wm::DEMO_STORE, &placed).await.unwrap()["id"].as_u64().unwrap()
}

async fn page(w: &World, c: &reqwest::Client, path: &str) -> (u16, String) {
    let r = c.get(w.app.url(path)).send().await.unwrap();
    (r.status().as_u16(), common::shown(&r.text().await.unwrap()))
}

async fn row_id(w: &World, order_id: u64) -> i64 {
    w.app.scalar(&format!("SELECT id FROM sales_log WHERE order_id = '{order_id}'")).await
}

/// When the order was received, as "YYYY-MM-DD HH:MM:SS" in `zone`.
async fn received_in(w: &World, id: i64, zone: &str) -> String {
    let digits = w
        .app
        .scalar(&format!(
            "SELECT to_char(created_at AT TIME ZONE '{zone}', 'YYYYMMDDHH24MISS')::bigint FROM sales_log WHERE id = {id}"
        ))
        .await
        .to_string();
    let p = |a: usize, b: usize| &digits[a..b];
    format!("{}-{}-{} {}:{}:{}", p(0, 4), p(4, 6), p(6, 8), p(8, 10), p(10, 12), p(12, 14))
}

#[tokio::test]
async fn orders_are_found_by_sku_email_store_and_day_and_shown_in_detail() {
    let w = World::new().await;
    let (shop_order, paid, tax) = shopify_order(&w).await;
    let woo = woo_order(&w).await;
    let sent = format!("SELECT count(*) FROM sales_log WHERE order_id = '{shop_order}' AND state = 'sent'");
    w.eventually(WAIT, "the Shopify order sold", || async { w.app.scalar(&sent).await == 1 }).await;
    let held = format!("SELECT count(*) FROM sales_log WHERE order_id = '{woo}' AND state = 'committed'");
    w.eventually(WAIT, "the Woo order held", || async { w.app.scalar(&held).await == 1 }).await;
    let (shop_id, woo_id) = (row_id(&w, shop_order).await, row_id(&w, woo).await);
    let c = &w.browser;
    let listed = |html: &str, id: i64| html.contains(&format!("data-testid=\"order-{id}\""));

    // Search: a line's SKU, the customer's email; each row opens its order page.
    let (_, html) = page(&w, c, "/orders?q=as0013").await;
    assert!(listed(&html, woo_id) && !listed(&html, shop_id), "{html}");
    assert!(html.contains(&format!("href=\"/orders/{woo_id}\"")), "{html}");
    let (_, html) = page(&w, c, "/orders?q=WANJIRU%40example").await;
    assert!(listed(&html, shop_id) && !listed(&html, woo_id), "{html}");
    // Store.
    let (_, html) = page(&w, c, &format!("/orders?store={}", w.woo_connection)).await;
    assert!(listed(&html, woo_id) && !listed(&html, shop_id), "{html}");
    // Received days, inclusive, in the account's zone (UTC until changed).
    let today = received_in(&w, shop_id, "UTC").await[..10].to_owned();
    let (_, html) = page(&w, c, &format!("/orders?from={today}&to={today}")).await;
    assert!(listed(&html, woo_id) && listed(&html, shop_id), "{html}");
    let (_, html) = page(&w, c, &format!("/orders?to={}", yesterday(&today))).await;
    assert!(html.contains("No orders match."), "{html}");
    let (_, html) = page(&w, c, "/orders?from=03/12/2026").await;
    assert!(html.contains("is not a date to filter from"), "{html}");

    // The order page: lines with their Prokip products, totals, customer, payment, invoice, links.
    let (status, html) = page(&w, c, &format!("/orders/{shop_id}")).await;
    assert_eq!(status, 200, "{html}");
    for sku in ["AS0011", "AS0012"] {
        assert!(html.contains(&format!("href=\"/products/{sku}\"")), "{sku} links its Prokip product: {html}");
    }
    assert!(!html.contains("not linked"), "{html}");
    assert!(html.contains("−25.50") && html.contains(">9.99<"), "discount and shipping: {html}");
    assert!(html.contains(&format!("{} KES", money(&paid))), "the total the shopper paid ({paid}): {html}");
    assert!(html.contains("Wanjiru") && html.contains("wanjiru@example.com"), "customer: {html}");
    assert!(html.contains("data-testid=\"order-payment\">paid<"), "payment: {html}");
    let sell = w.app.scalar(&format!("SELECT prokip_sell_id FROM sales_log WHERE id = {shop_id}")).await;
    assert!(html.contains(&format!("SHOP-{}-{shop_order}", w.shopify_connection)), "invoice: {html}");
    assert!(html.contains(&format!("/sells/{sell}\"")), "the Prokip sell: {html}");
    assert!(html.contains(&format!("/admin/orders/{shop_order}\"")), "the store's order: {html}");
    assert!(html.contains("Received from the store") && html.contains("Sent to Prokip as invoice"), "{html}");
    // The tax the checkout charged: 16 % included in the lines and in shipping.
    assert!(d(&tax) > Decimal::ZERO && html.contains(&format!(">{}<", money(&tax))), "tax {tax}: {html}");

    // The held Woo order: its hold in the timeline.
    let (_, html) = page(&w, c, &format!("/orders/{woo_id}")).await;
    assert!(html.contains("Unpaid: stock held (AS0013 × 3)"), "{html}");

    // Another account sees neither the order nor its page.
    let other = w.app.new_browser();
    w.app.register(&other, "bahati", "correct horse", "Bahati Shop").await;
    let (status, html) = page(&w, &other, &format!("/orders/{shop_id}")).await;
    assert_eq!(status, 404, "{html}");
    assert!(html.contains(&format!("There is no order {shop_id} in your account.")) && !html.contains("wanjiru"));

    // A failed order shows why, with Retry.
    w.app
        .sql(&format!(
            "UPDATE sales_log SET state = 'failed', error = 'Prokip refused the sale: closed' WHERE id = {woo_id}"
        ))
        .await;
    let (_, html) = page(&w, c, &format!("/orders/{woo_id}")).await;
    assert!(html.contains("Prokip refused the sale: closed"), "{html}");
    let retry = format!("/orders/{woo_id}/retry?back=order");
    assert!(html.contains(&format!("action=\"{retry}\"")), "{html}");
    // Without JavaScript, Retry comes back to this order's page.
    let r = c.post(w.app.url(&retry)).send().await.unwrap();
    assert!(location(&r).starts_with(&format!("/orders/{woo_id}?")), "{}", location(&r));

    // Times follow the account's zone.
    let r = c.post(w.app.url("/settings/time-zone")).form(&[("time_zone", "Africa/Nairobi")]).send().await.unwrap();
    assert!(location(&r).contains("notice="), "{}", location(&r));
    let received = received_in(&w, shop_id, "Africa/Nairobi").await;
    let (_, html) = page(&w, c, &format!("/orders/{shop_id}")).await;
    assert!(html.contains(&format!("{received} EAT")), "received at {received} EAT: {html}");
    let (_, html) = page(&w, c, "/activity").await;
    assert!(html.contains(" EAT<") && !html.contains(" UTC<"), "{html}");
}

/// "12.5" → "12.50".
fn money(amount: &str) -> String {
    format!("{:.2}", d(amount))
}

fn yesterday(day: &str) -> String {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    d.pred_opt().unwrap().to_string()
}

#[tokio::test]
async fn the_time_zone_comes_from_the_browser_and_settings_refuse_unknown_zones() {
    let app = common::TestApp::spawn().await;
    let c = app.new_browser();
    let form = [("username", "amina"), ("password", "correct horse"), ("time_zone", "Africa/Lagos")];
    c.post(app.url("/register")).form(&form).send().await.unwrap();
    let zone = "SELECT count(*) FROM accounts a JOIN users u ON u.account_id = a.id
                WHERE u.username = 'amina' AND a.time_zone = 'Africa/Lagos'";
    assert_eq!(app.scalar(zone).await, 1, "the browser's zone");
    // Without JavaScript no zone is sent: UTC.
    let other = app.new_browser();
    app.register(&other, "bahati", "correct horse", "Bahati Shop").await;
    let utc = "SELECT count(*) FROM accounts a JOIN users u ON u.account_id = a.id
               WHERE u.username = 'bahati' AND a.time_zone = 'UTC'";
    assert_eq!(app.scalar(utc).await, 1);

    let r = c.post(app.url("/settings/time-zone")).form(&[("time_zone", "Mars/Olympus")]).send().await.unwrap();
    let html = app.follow(&c, &location(&r)).await;
    assert!(html.contains("“Mars/Olympus” is not a time zone"), "{html}");
    assert_eq!(app.scalar(zone).await, 1, "unchanged");
    let html = app.follow(&c, "/settings").await;
    assert!(html.contains("<option value=\"Africa/Lagos\" selected"), "the zone in use is chosen: {html}");
}
