//! The SKU page explains every number of one SKU from what the mocks hold: Prokip's quantity as
//! last read, the unpaid order holding stock, and per store the formula with the numbers filled in
//! and what the store shows. A POS sale shows on Products without a re-index.

mod common;

use common::world::World;
use mocks::{shopify::DEMO_SHOP, woocommerce as wm};
use rust_decimal::Decimal;

const WAIT: u64 = 20;

async fn page(w: &World, path: &str) -> (reqwest::StatusCode, String) {
    let r = w.browser.get(w.app.url(path)).send().await.unwrap();
    (r.status(), common::shown(&r.text().await.unwrap()))
}

#[tokio::test]
async fn the_sku_page_fills_the_formula_with_the_numbers_the_stores_receive() {
    let w = World::new().await;
    w.set_buffer(w.shopify_connection, 2).await;
    w.prokip.set_stock(w.prokip_location, "AS0008", Decimal::from(20)).unwrap();
    // An unpaid WooCommerce order holds 3; the push it causes writes 20 − 3 − buffer to each store.
    let line = wm::NewOrderLine { sku: "AS0008".into(), quantity: 3 };
    let new = wm::NewOrder { line_items: vec![line], status: Some("pending".into()), billing_email: None };
    let order = w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap();
    let number = order["number"].as_str().map(str::to_owned).unwrap_or_else(|| order["id"].to_string());
    w.eventually(WAIT, "both stores updated", || async {
        w.shopify.available(DEMO_SHOP, "AS0008") == Some(15) && w.woo.stock_of(wm::DEMO_STORE, "AS0008") == Some(17)
    })
    .await;

    let (status, html) = page(&w, "/products/AS0008").await;
    assert_eq!(status, 200);
    assert!(html.contains("max(0, 20 − 3 committed − 2 buffer) = 15"), "{html}");
    assert!(html.contains("max(0, 20 − 3 committed − 0 buffer) = 17"), "{html}");
    assert!(html.contains(&format!("order {number}: 3")) || html.contains(&format!("order #{number}: 3")), "{html}");
    assert!(html.contains(">15 (") && html.contains(">17 ("), "the stores show what was published: {html}");

    let (status, html) = page(&w, "/products/NO-SUCH-SKU").await;
    assert_eq!(status, 404);
    assert!(html.contains("No product with the SKU “NO-SUCH-SKU”"), "{html}");
}

#[tokio::test]
async fn a_pos_sale_shows_on_products_without_a_re_index() {
    let w = World::new().await;
    let before = w.prokip.stock(w.prokip_location, "AS0010").unwrap();
    w.prokip.pos_sale(w.prokip_location, "AS0010", Decimal::from(3)).unwrap();
    let now = before - Decimal::from(3);
    // The poll sees the sale and pushes its SKU, reading Prokip again on the way.
    app::backend::sync::triggers::poll_account(&w.app.state, w.account_id).await.unwrap();
    let shown = format!(r#"data-testid="prokip-qty">{}<"#, now.normalize());
    w.eventually(WAIT, "Products shows the new quantity", || async {
        page(&w, "/products?q=AS0010").await.1.contains(&shown)
    })
    .await;
}
