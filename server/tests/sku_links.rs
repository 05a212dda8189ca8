//! Fixing a near-miss SKU from the Products page: the demo stores sell `as0040`, Prokip calls it
//! `AS0040`. The page suggests the link; linking maps it in every store that has it, pushes its
//! stock there, releases the order held for it (sold once), survives re-indexing, and can be
//! undone. A store barcode that is a Prokip SKU is suggested too. Bad links change nothing and say
//! why.

mod common;

use common::{location, world::World};
use mocks::catalog::{DEMO_MISMATCH_PROKIP_SKU as PROKIP_SKU, DEMO_MISMATCH_STORE_SKU as STORE_SKU};
use mocks::woocommerce as wm;
use rust_decimal::Decimal;

const WAIT: u64 = 20;

async fn post(w: &World, path: &str, form: &[(&str, &str)]) -> String {
    let r = w.browser.post(w.app.url(path)).form(form).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let to = location(&r);
    w.browser.get(w.app.url(&to)).send().await.unwrap().text().await.unwrap()
}

fn manual_rows(w: &World) -> String {
    format!(
        "SELECT count(*) FROM sku_map WHERE sku = '{STORE_SKU}' AND manual AND connection_id IN ({}, {})",
        w.woo_connection, w.shopify_connection
    )
}

#[tokio::test]
async fn a_suggested_link_maps_the_sku_everywhere_pushes_it_and_releases_its_held_order() {
    let w = World::new().await;
    w.prokip.set_stock(w.prokip_location, PROKIP_SKU, Decimal::from(17)).unwrap();
    // An order for the unmatched spelling waits.
    let line = wm::NewOrderLine { sku: STORE_SKU.to_owned(), quantity: 2 };
    let new = wm::NewOrder { line_items: vec![line], status: Some("processing".into()), billing_email: None };
    let order = w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap()["id"].as_u64().unwrap();
    let held = format!("SELECT count(*) FROM sales_log WHERE order_id = '{order}' AND state = 'needs_attention'");
    w.eventually(WAIT, "the order is held", || async { w.app.scalar(&held).await == 1 }).await;

    let page = w.browser.get(w.app.url("/products?status=store_only")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("{STORE_SKU} → {PROKIP_SKU}")), "{page}");
    assert!(page.contains(&format!("Link to {PROKIP_SKU}")), "{page}");

    let html = post(&w, "/products/link", &[("store_sku", STORE_SKU), ("prokip_sku", PROKIP_SKU)]).await;
    assert!(
        html.contains(&format!("{STORE_SKU} is linked to Prokip&#x27;s {PROKIP_SKU}"))
            || html.contains(&format!("{STORE_SKU} is linked to Prokip's {PROKIP_SKU}")),
        "{html}"
    );
    w.eventually(WAIT, "both stores map it", || async { w.app.scalar(&manual_rows(&w)).await == 2 }).await;

    // The held order is sold once; both stores then show Prokip's quantity for their spelling.
    let invoice = format!("WOO-{}-{order}", w.woo_connection);
    let sells = || w.prokip.state()["sells"].as_array().unwrap().iter().filter(|s| s["invoice_no"] == invoice).count();
    w.eventually(WAIT, "the held order is sold", || async { sells() == 1 }).await;
    w.eventually(WAIT, "the stores show 15", || async {
        w.woo.stock_of(wm::DEMO_STORE, STORE_SKU) == Some(15)
            && w.shopify.available(mocks::shopify::DEMO_SHOP, STORE_SKU) == Some(15)
    })
    .await;
    let products =
        w.browser.get(w.app.url(&format!("/products?q={PROKIP_SKU}"))).send().await.unwrap().text().await.unwrap();
    assert!(products.contains(&format!("linked from {STORE_SKU}")), "{products}");

    // A re-index keeps the link; the order is still sold once.
    post(&w, "/products/reindex", &[]).await;
    assert_eq!(w.app.scalar(&manual_rows(&w)).await, 2);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sells(), 1);

    // Unlinking removes it from the map again.
    let html = post(&w, "/products/unlink", &[("store_sku", STORE_SKU)]).await;
    assert!(html.contains("is no longer linked"), "{html}");
    w.eventually(WAIT, "unmapped", || async { w.app.scalar(&manual_rows(&w)).await == 0 }).await;
}

#[tokio::test]
async fn bad_links_say_why_and_change_nothing() {
    let w = World::new().await;
    let links = "SELECT count(*) FROM sku_links";
    for (store_sku, prokip_sku, says) in [
        (STORE_SKU, "NO-SUCH", "is not a Prokip SKU of your business"),
        ("not-in-any-store", PROKIP_SKU, "is not a SKU of any of your stores"),
        ("AS0001", PROKIP_SKU, "needs no link"),
        ("", PROKIP_SKU, "Enter the store SKU"),
    ] {
        let html = post(&w, "/products/link", &[("store_sku", store_sku), ("prokip_sku", prokip_sku)]).await;
        assert!(html.contains(says), "{store_sku} → {prokip_sku}: {html}");
        assert_eq!(w.app.scalar(links).await, 0);
    }
    post(&w, "/products/link", &[("store_sku", STORE_SKU), ("prokip_sku", PROKIP_SKU)]).await;
    assert_eq!(w.app.scalar(links).await, 2);
    let again = post(&w, "/products/link", &[("store_sku", STORE_SKU), ("prokip_sku", PROKIP_SKU)]).await;
    assert!(again.contains("is already linked"), "{again}");
    assert_eq!(w.app.scalar(links).await, 2);
    let html = post(&w, "/products/unlink", &[("store_sku", "AS0001")]).await;
    assert!(html.contains("is not linked"), "{html}");

    // Another account cannot link (or see) this account's store SKUs.
    let other = w.app.new_browser();
    w.app.register(&other, "bashir", "correct horse", "Bashir Goods").await;
    let r = other
        .post(w.app.url("/products/link"))
        .form(&[("store_sku", STORE_SKU), ("prokip_sku", PROKIP_SKU)])
        .send()
        .await
        .unwrap();
    let html = other.get(w.app.url(&location(&r))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("is not a Prokip SKU of your business"), "{html}");
    assert_eq!(w.app.scalar(links).await, 2);
}

#[tokio::test]
async fn a_store_barcode_that_is_a_prokip_sku_is_suggested_and_linked() {
    let w = World::new().await;
    // The merchant gave AS0030 a SKU of their own in both stores and scanned Prokip's label into
    // the barcode field (Shopify's barcode, WooCommerce's GTIN/UPC/EAN/ISBN).
    assert!(w.shopify.relabel(mocks::shopify::DEMO_SHOP, "AS0030", "MUG-BLUE", Some("AS0030")));
    assert!(w.woo.relabel(wm::DEMO_STORE, "AS0030", "MUG-BLUE", "as0030"));
    w.prokip.set_stock(w.prokip_location, "AS0030", Decimal::from(23)).unwrap();
    post(&w, "/products/reindex", &[]).await;
    let only = "SELECT count(*) FROM store_catalog WHERE sku = 'MUG-BLUE' AND barcode IS NOT NULL";
    w.eventually(WAIT, "both stores indexed with their barcodes", || async { w.app.scalar(only).await == 2 }).await;

    let page = w.browser.get(w.app.url("/products?status=store_only")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("MUG-BLUE → AS0030"), "{page}");
    assert!(page.contains("(its barcode is AS0030)"), "{page}");

    let html = post(&w, "/products/link-suggested", &[]).await;
    assert!(html.contains("2 SKUs are linked"), "{html}");
    let mapped = "SELECT count(*) FROM sku_map WHERE sku = 'MUG-BLUE' AND manual";
    w.eventually(WAIT, "both stores map it", || async { w.app.scalar(mapped).await == 2 }).await;
    w.eventually(WAIT, "both stores show Prokip's 23", || async {
        w.woo.stock_of(wm::DEMO_STORE, "MUG-BLUE") == Some(23)
            && w.shopify.available(mocks::shopify::DEMO_SHOP, "MUG-BLUE") == Some(23)
    })
    .await;
}
