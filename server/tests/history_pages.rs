//! The Orders and Activity pages show the account's own orders and log, with Retry where it helps.

mod common;

use common::TestApp;
use reqwest::Client;

async fn merchant(app: &TestApp, name: &str) -> (Client, i64) {
    let c = app.new_browser();
    app.register(&c, name, "correct horse", name).await;
    let account = app.scalar(&format!("SELECT account_id FROM users WHERE username = '{name}'")).await;
    app.sql(&format!("INSERT INTO connections (account_id, platform, store_url) VALUES ({account}, 'shopify', '{name}.myshopify.com')")).await;
    (c, account)
}

async fn page(app: &TestApp, c: &Client, path: &str) -> String {
    common::shown(&c.get(app.url(path)).send().await.unwrap().text().await.unwrap())
}

#[tokio::test]
async fn orders_show_their_prokip_sale_or_why_they_are_held() {
    let app = TestApp::spawn().await;
    let (a, _) = merchant(&app, "amina").await;
    let (b, _) = merchant(&app, "bakari").await;
    app.sql(
        "INSERT INTO sales_log (connection_id, order_id, order_name, state, invoice_no, prokip_sell_id)
         SELECT id, '1001', '#1001', 'sent', 'SHOP-' || id || '-1001', 5550001 FROM connections WHERE store_url = 'amina.myshopify.com'",
    )
    .await;
    app.sql(
        "INSERT INTO sales_log (connection_id, order_id, order_name, state, invoice_no, error)
         SELECT id, '1002', '#1002', 'needs_attention', 'SHOP-' || id || '-1002', 'SKU as0040 is not in Prokip' FROM connections WHERE store_url = 'amina.myshopify.com'",
    )
    .await;

    let html = page(&app, &a, "/orders").await;
    assert!(html.contains("#1001") && html.contains("Sent to Prokip") && html.contains("(sell 5550001)"), "{html}");
    assert!(html.contains("#1002") && html.contains("Needs attention") && html.contains("SKU as0040 is not in Prokip"));
    let other = page(&app, &b, "/orders").await;
    assert!(!other.contains("#1001") && other.contains("No online orders yet."));
}

#[tokio::test]
async fn orders_are_searched_filtered_and_paged_with_their_totals_and_store_links() {
    let app = TestApp::spawn().await;
    let (a, _) = merchant(&app, "amina").await;
    // 120 orders: every third one failed; each has a total.
    app.sql(
        "INSERT INTO sales_log (connection_id, order_id, order_name, state, invoice_no, total, currency, updated_at)
         SELECT c.id, (5000 + g)::text, '#' || (5000 + g), CASE WHEN g % 3 = 0 THEN 'failed' ELSE 'sent' END,
                'SHOP-' || c.id || '-' || (5000 + g), 100 + g, 'KES', now() - make_interval(mins => g)
         FROM connections c, generate_series(1, 120) g WHERE c.store_url = 'amina.myshopify.com'",
    )
    .await;
    let first = page(&app, &a, "/orders").await;
    assert!(first.contains("120 orders · page 1 of 3"), "{first}");
    assert!(first.contains("#5001") && !first.contains("#5051"), "newest first, 50 a page");
    assert!(first.contains("<td>101.00 KES</td>"), "totals: {first}");
    assert!(first.contains("https://amina.myshopify.com/admin/orders/5001"), "the store's own page: {first}");
    let third = page(&app, &a, "/orders?page=3").await;
    assert!(third.contains("#5120") && third.contains("rel=\"prev\"") && !third.contains("rel=\"next\""));

    let failed = page(&app, &a, "/orders?state=failed").await;
    assert!(failed.contains("40 orders") && failed.contains("#5003") && !failed.contains("#5001"), "{failed}");
    let found = page(&app, &a, "/orders?q=5077").await;
    assert!(found.contains("1 orders") && found.contains("#5077"), "{found}");
    let none = page(&app, &a, "/orders?q=nothing-like-it").await;
    assert!(none.contains("No orders match."), "{none}");

    let r =
        a.post(app.url("/api/orders")).form(&[("q", ""), ("state", "shipped"), ("page", "1")]).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("is not an order state to filter by"));
}

#[tokio::test]
async fn activity_lists_failures_with_retry_and_filters_open_problems() {
    let app = TestApp::spawn().await;
    let (a, account) = merchant(&app, "amina").await;
    app.sql(&format!(
        "INSERT INTO activity (account_id, kind, subject, status, detail, retry) VALUES
           ({account}, 'stock', 'SKU AS0001 → amina.myshopify.com', 'failed', 'Shopify: ITEM_NOT_STOCKED_AT_LOCATION', '{{\"job\":\"push_stock\",\"skus\":[\"AS0001\"]}}'),
           ({account}, 'stock', 'Pushed 12 SKUs', 'ok', NULL, NULL)"
    ))
    .await;
    let all = page(&app, &a, "/activity").await;
    assert!(all.contains("ITEM_NOT_STOCKED_AT_LOCATION") && all.contains("Pushed 12 SKUs"));
    assert!(all.contains("/retry"), "failed entries offer Retry");
    let open = page(&app, &a, "/activity?open=1").await;
    assert!(open.contains("ITEM_NOT_STOCKED_AT_LOCATION") && !open.contains("Pushed 12 SKUs"));
}

/// Entries written before activity carried keys get them from their subjects; what cannot be
/// parsed keeps none.
#[tokio::test]
async fn entries_from_before_their_keys_get_them_from_their_subjects() {
    use migration::{Migrator, MigratorTrait};
    let app = TestApp::spawn().await;
    let (_, account) = merchant(&app, "amina").await;
    let shop = app.scalar("SELECT id FROM connections WHERE store_url = 'amina.myshopify.com'").await;
    // Back to before the keys: that migration and every later one.
    let names: Vec<String> = Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let keys_at = names.iter().position(|n| n == "m20261205_000001_activity_keys").unwrap();
    Migrator::down(&app.db, Some((names.len() - keys_at) as u32)).await.unwrap();
    let old_rows = format!(
        "INSERT INTO sales_log (connection_id, order_id, order_name, state, invoice_no)
           VALUES ({shop}, '820982911946154508', '#1001', 'sent', 'SHOP-1001');
         INSERT INTO webhook_events (id, connection_id, platform, topic, dedupe_key, payload)
           VALUES (77, {shop}, 'shopify', 'orders/create', 'k77', '{{}}');
         INSERT INTO activity (account_id, kind, subject, status) VALUES
           ({account}, 'stock', 'SKU AS0001 → amina.myshopify.com', 'failed'),
           ({account}, 'stock', 'Stock → amina.myshopify.com', 'failed'),
           ({account}, 'stock', 'Stock push', 'failed'),
           ({account}, 'catalog', 'Create SKU NEW-1 → amina.myshopify.com', 'failed'),
           ({account}, 'catalog', 'Created 2 SKUs in amina.myshopify.com', 'ok'),
           ({account}, 'order', 'orders/create event 77', 'failed'),
           ({account}, 'order', 'Shopify order #1001', 'needs_attention'),
           ({account}, 'stock', 'SKU AS0002 → gone.example', 'failed')"
    );
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, &old_rows).await.unwrap();
    Migrator::up(&app.db, None).await.unwrap();

    let keys = |subject: &str| {
        format!(
            "SELECT count(*) FROM activity WHERE subject = '{subject}' AND {}",
            "concat_ws('|', connection_id, sku, order_id, event_id) = "
        )
    };
    let expect = [
        ("SKU AS0001 → amina.myshopify.com", format!("{shop}|AS0001")),
        ("Stock → amina.myshopify.com", format!("{shop}")),
        ("Stock push", String::new()),
        ("Create SKU NEW-1 → amina.myshopify.com", format!("{shop}|NEW-1")),
        ("Created 2 SKUs in amina.myshopify.com", format!("{shop}")),
        ("orders/create event 77", format!("{shop}|77")),
        ("Shopify order #1001", format!("{shop}|820982911946154508")),
        ("SKU AS0002 → gone.example", String::new()),
    ];
    for (subject, want) in expect {
        assert_eq!(app.scalar(&format!("{}'{want}'", keys(subject))).await, 1, "{subject}: keys {want:?}");
    }
}
