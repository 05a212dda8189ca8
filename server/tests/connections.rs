//! Managing connected stores from the Connections page, as the merchant sees it.

mod common;

use common::{TestApp, location};
use reqwest::{Client, StatusCode};

async fn signed_in(app: &TestApp, name: &str) -> Client {
    let c = app.new_browser();
    app.register(&c, name, "correct horse", &format!("{name} shop")).await;
    c
}

/// Adds a store straight into the database, as a completed connect flow would.
async fn add_store(app: &TestApp, username: &str, store: &str) -> i64 {
    app.sql(&format!(
        "INSERT INTO connections (account_id, platform, store_url)
         SELECT account_id, 'shopify', '{store}' FROM users WHERE username = '{username}'"
    ))
    .await;
    app.scalar(&format!("SELECT id FROM connections WHERE store_url = '{store}'")).await
}

async fn page(app: &TestApp, c: &Client, path: &str) -> String {
    common::shown(&c.get(app.url(path)).send().await.unwrap().text().await.unwrap())
}

#[tokio::test]
async fn a_new_account_is_asked_to_connect_prokip_and_has_no_stores() {
    let app = TestApp::spawn().await;
    let c = signed_in(&app, "amina").await;
    let html = page(&app, &c, "/connections").await;
    assert!(html.contains("Connect Prokip"));
    assert!(html.contains("No store connected yet"));
    assert!(html.contains("Stock flows one way, from Prokip to your stores."));
}

#[tokio::test]
async fn pausing_resuming_and_the_safety_buffer_show_on_the_page() {
    let app = TestApp::spawn().await;
    let c = signed_in(&app, "amina").await;
    let id = add_store(&app, "amina", "amina.myshopify.com").await;
    let html = page(&app, &c, "/connections").await;
    assert!(html.contains("Healthy"), "{html}");
    // When the next poll and reconcile come (the defaults: every 60 s, every 5 min).
    assert!(html.contains("Prokip is read for sales at the till every 60 s (next "), "{html}");
    assert!(html.contains("Every store is read back and repaired every 5 min (next "), "{html}");

    let r = c.post(app.url(&format!("/connections/{id}/sync"))).form(&[("enabled", "false")]).send().await.unwrap();
    assert!(location(&r).starts_with("/connections?notice="), "{}", location(&r));
    let html = page(&app, &c, &location(&r)).await;
    assert!(
        html.contains("Stock updates paused")
            && html.contains(">Stock paused<")
            && html.contains("Resume stock updates")
    );

    let r = c.post(app.url(&format!("/connections/{id}/buffer"))).form(&[("safety_buffer", "5")]).send().await.unwrap();
    assert!(page(&app, &c, &location(&r)).await.contains("Safety buffer set to 5"));
    assert_eq!(app.scalar(&format!("SELECT safety_buffer::bigint FROM connections WHERE id = {id}")).await, 5);

    let r =
        c.post(app.url(&format!("/connections/{id}/buffer"))).form(&[("safety_buffer", "-3")]).send().await.unwrap();
    assert!(location(&r).starts_with("/connections?error="));
    assert_eq!(
        app.scalar(&format!("SELECT safety_buffer::bigint FROM connections WHERE id = {id}")).await,
        5,
        "bad input changes nothing"
    );

    c.post(app.url(&format!("/connections/{id}/sync"))).form(&[("enabled", "true")]).send().await.unwrap();
    assert!(page(&app, &c, "/connections").await.contains(">Healthy<"));
}

#[tokio::test]
async fn another_account_cannot_touch_a_store_by_guessing_its_id() {
    let app = TestApp::spawn().await;
    let _a = signed_in(&app, "amina").await;
    let b = signed_in(&app, "bakari").await;
    let id = add_store(&app, "amina", "amina.myshopify.com").await;

    for (path, form) in
        [("sync", ("enabled", "false")), ("buffer", ("safety_buffer", "9")), ("disconnect", ("confirm", "yes"))]
    {
        let r = b.post(app.url(&format!("/connections/{id}/{path}"))).form(&[form]).send().await.unwrap();
        assert!(location(&r).starts_with("/connections?error="), "{path}: {}", location(&r));
    }
    assert_eq!(
        app.scalar(&format!("SELECT count(*) FROM connections WHERE id = {id} AND sync_enabled AND safety_buffer = 0 AND status = 'healthy'")).await,
        1,
        "amina's store is untouched"
    );
    assert!(!page(&app, &b, "/connections").await.contains("amina.myshopify.com"));
}

#[tokio::test]
async fn disconnecting_needs_confirmation_keeps_sales_history_and_frees_the_store() {
    let app = TestApp::spawn().await;
    let c = signed_in(&app, "amina").await;
    let id = add_store(&app, "amina", "amina.myshopify.com").await;
    app.sql(&format!("INSERT INTO sales_log (connection_id, order_id, state, invoice_no) VALUES ({id}, '1001', 'sent', 'SHOP-{id}-1001')")).await;
    app.sql(&format!("INSERT INTO sku_map (connection_id, sku) VALUES ({id}, 'AS0001')")).await;

    let r = c.post(app.url(&format!("/connections/{id}/disconnect"))).form(&[("confirm", "")]).send().await.unwrap();
    assert!(page(&app, &c, &location(&r)).await.contains("Tick the confirmation box"));
    assert_eq!(app.scalar("SELECT count(*) FROM sku_map").await, 1);

    let r = c.post(app.url(&format!("/connections/{id}/disconnect"))).form(&[("confirm", "yes")]).send().await.unwrap();
    let html = page(&app, &c, &location(&r)).await;
    assert!(html.contains("is disconnected"));
    assert!(!html.contains(&format!("store-{id}")), "no longer listed");
    assert_eq!(app.scalar("SELECT count(*) FROM sku_map").await, 0, "SKU map deleted");
    assert_eq!(app.scalar("SELECT count(*) FROM sales_log").await, 1, "sales history kept");
    assert_eq!(
        app.scalar(&format!("SELECT count(*) FROM connections WHERE id = {id} AND credentials_enc IS NULL")).await,
        1
    );

    // The same store can be connected again.
    add_store(&app, "amina", "amina.myshopify.com").await;
    assert_eq!(StatusCode::OK, c.get(app.url("/connections")).send().await.unwrap().status());
}
