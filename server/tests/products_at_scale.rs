//! The Products page with thousands of SKUs once PostgreSQL has analyzed the catalog tables (as
//! autovacuum soon does in production): the page lists them, and its query joins Prokip's SKUs
//! with the stores' without comparing every SKU with every other.

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
    app.register(&browser, "amina", "correct horse", "Amina shop").await;
    let account = app.scalar("SELECT account_id FROM users WHERE username = 'amina'").await;
    app.sql(&format!(
        "INSERT INTO connections (account_id, platform, store_url) VALUES ({account}, 'shopify', 'amina.myshopify.com')"
    ))
    .await;
    let store = app.scalar("SELECT id FROM connections WHERE store_url = 'amina.myshopify.com'").await;
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

    let explain = format!("EXPLAIN (ANALYZE, FORMAT JSON) {}", app::backend::db::products::PAGE_SQL);
    let db = &app.state.db;
    let values = [account.into(), "".into(), "".into(), 50i64.into(), 0i64.into(), "".into()];
    let row = db.query_one_raw(Statement::from_sql_and_values(db.get_database_backend(), &explain, values)).await;
    let plan: Value = row.unwrap().unwrap().try_get_by_index(0).unwrap();
    let removed = rows_removed_by_joins(&plan[0]["Plan"]);
    // A join of the two SKU lists on their key removes nothing; comparing each with every other
    // removes about SKUS² rows (9,000,000 here).
    assert!(removed < SKUS as f64 * 10.0, "the page's joins threw away {removed} rows:\n{plan:#}");
}
