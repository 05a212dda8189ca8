//! The Products page with thousands of SKUs once PostgreSQL has analyzed the catalog tables (as
//! autovacuum soon does in production): the page lists them, and its per-SKU summary joins
//! Prokip's SKUs with the stores' without comparing every SKU with every other. The summary follows
//! every change of the catalog, the links and the stores, whatever wrote it, and is not rebuilt
//! for a quantity.

mod common;

use common::TestApp;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;

const SKUS: i64 = 3000;

/// Rows every join of the plan compared and threw away, summed over the whole plan.
fn rows_removed_by_joins(node: &Value) -> f64 {
    let own =
        node["Rows Removed by Join Filter"].as_f64().unwrap_or(0.0) * node["Actual Loops"].as_f64().unwrap_or(1.0);
    own + node["Plans"].as_array().map_or(0.0, |children| children.iter().map(rows_removed_by_joins).sum())
}

#[tokio::test]
async fn thousands_of_skus_are_listed_without_comparing_each_with_every_other() {
    let app = TestApp::spawn().await;
    let browser = app.new_browser();
    let (account, store) = app.merchant_with_shop_row(&browser).await;
    // Prokip and the shop share most SKUs; each also has a few of its own.
    app.sql(&format!(
        "INSERT INTO prokip_catalog (account_id, variation_id, product_id, sku, name, qty)
         SELECT {account}, n, n, 'SKU' || lpad(n::text, 5, '0'), 'Product ' || n, n % 40 FROM generate_series(1, {SKUS}) n"
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO store_catalog (connection_id, variant_key, sku, name)
         SELECT {store}, 'v' || n, 'SKU' || lpad(n::text, 5, '0'), 'Product ' || n FROM generate_series(11, {SKUS} + 10) n"
    ))
    .await;
    app.sql("ANALYZE prokip_catalog").await;
    app.sql("ANALYZE store_catalog").await;

    let html = common::shown(&browser.get(app.url("/products")).send().await.unwrap().text().await.unwrap());
    assert!(html.contains("SKU00001") && html.contains("Product 1"), "the first page starts at the first SKU");
    let listed =
        app.scalar("SELECT count(*) FROM (SELECT sku FROM prokip_catalog UNION SELECT sku FROM store_catalog) a").await;
    assert_eq!(listed, SKUS + 10);
    assert!(html.contains(&format!("{listed} SKUs")), "the page counts every SKU of both sides: {html}");

    let explain = format!("EXPLAIN (ANALYZE, FORMAT JSON) {}", app::backend::db::products::SUMMARY_SQL);
    let db = &app.state.db;
    let values = [account.into()];
    let row = db.query_one_raw(Statement::from_sql_and_values(db.get_database_backend(), &explain, values)).await;
    let plan: Value = row.unwrap().unwrap().try_get_by_index(0).unwrap();
    let removed = rows_removed_by_joins(&plan[0]["Plan"]);
    // A join of the two SKU lists on their key removes nothing; comparing each with every other
    // removes about SKUS² rows (9,000,000 here).
    assert!(removed < SKUS as f64 * 10.0, "the summary's joins threw away {removed} rows:\n{plan:#}");
}

/// The table row of `sku` on the page, as HTML.
fn row<'a>(html: &'a str, sku: &str) -> Option<&'a str> {
    let start = html.find(&format!("data-testid=\"sku-{sku}\""))?;
    let end = html[start..].find("</tr>")?;
    Some(&html[start..start + end])
}

#[tokio::test]
async fn the_page_follows_every_change_of_the_catalog_links_and_stores() {
    let app = TestApp::spawn().await;
    let browser = app.new_browser();
    let (account, store) = app.merchant_with_shop_row(&browser).await;
    app.sql(&format!(
        "INSERT INTO prokip_catalog (account_id, variation_id, product_id, sku, name, qty)
         SELECT {account}, n, n, 'SKU' || n, 'Product ' || n, 10 FROM generate_series(1, 3) n"
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO store_catalog (connection_id, variant_key, sku, name) VALUES
         ({store}, 'v1', 'SKU1', 'Product 1'), ({store}, 'v2', 'SKU2', 'Product 2'), ({store}, 'v3', 'sku-3', 'Product 3')"
    ))
    .await;
    let page =
        || async { common::shown(&browser.get(app.url("/products")).send().await.unwrap().text().await.unwrap()) };
    let version_sql = format!("SELECT version FROM catalog_versions WHERE account_id = {account}");
    let version = || app.scalar(&version_sql);

    let html = page().await;
    assert!(html.contains("4 SKUs"), "{html}");
    assert!(row(&html, "SKU1").unwrap().contains("Matched"), "{html}");
    assert!(row(&html, "SKU3").unwrap().contains("Missing in a store"), "{html}");
    assert!(row(&html, "sku-3").unwrap().contains("Only in a store"), "{html}");
    assert!(html.contains("sku-3 → SKU3"), "the near miss is suggested: {html}");

    // A quantity read from Prokip shows at once, and the summary is not rebuilt for it.
    let before = version().await;
    app.sql(&format!("UPDATE prokip_catalog SET qty = 7 WHERE account_id = {account} AND sku = 'SKU1'")).await;
    assert_eq!(version().await, before, "a quantity is not a change of the catalog");
    let html = page().await;
    assert!(row(&html, "SKU1").unwrap().contains("data-testid=\"prokip-qty\">7<"), "{html}");

    // A link (as any code would write it) merges the store SKU into the Prokip SKU's row.
    app.sql(&format!("INSERT INTO sku_links (connection_id, store_sku, prokip_sku) VALUES ({store}, 'sku-3', 'SKU3')"))
        .await;
    let html = page().await;
    assert!(html.contains("3 SKUs") && row(&html, "sku-3").is_none(), "{html}");
    assert!(row(&html, "SKU3").unwrap().contains("Matched") && html.contains("linked from sku-3"), "{html}");
    assert!(!html.contains("sku-3 → SKU3"), "a linked SKU is no longer suggested: {html}");

    // A new Prokip SKU, then a second store without any SKU yet.
    app.sql(&format!(
        "INSERT INTO prokip_catalog (account_id, variation_id, product_id, sku, name, qty) VALUES ({account}, 4, 4, 'SKU4', 'Product 4', 1)"
    ))
    .await;
    app.sql(&format!(
        "INSERT INTO connections (account_id, platform, store_url) VALUES ({account}, 'woocommerce', 'https://amina.example')"
    ))
    .await;
    let html = page().await;
    assert!(html.contains("4 SKUs") && row(&html, "SKU4").unwrap().contains("Missing in a store"), "{html}");
    assert!(row(&html, "SKU1").unwrap().contains("Missing in a store"), "the new store lacks it: {html}");

    // Disconnecting it counts it no more; a renamed Prokip product shows its new name.
    app.sql("UPDATE connections SET status = 'disconnected' WHERE store_url = 'https://amina.example'").await;
    let html = page().await;
    assert!(row(&html, "SKU1").unwrap().contains("Matched"), "{html}");
    app.sql(&format!("UPDATE prokip_catalog SET name = 'Renamed' WHERE account_id = {account} AND sku = 'SKU2'")).await;
    let html = page().await;
    assert!(row(&html, "SKU2").unwrap().contains("Renamed"), "{html}");

    // Another account's catalog changes nothing here.
    let built = version().await;
    let other = app.new_browser();
    app.register(&other, "bahati", "correct horse", "Bahati shop").await;
    let bo = app.scalar("SELECT account_id FROM users WHERE username = 'bahati'").await;
    app.sql(&format!(
        "INSERT INTO prokip_catalog (account_id, variation_id, product_id, sku, name, qty) VALUES ({bo}, 1, 1, 'BO1', 'Bo', 1)"
    ))
    .await;
    assert_eq!(version().await, built);
    assert!(!page().await.contains("BO1"));
}
