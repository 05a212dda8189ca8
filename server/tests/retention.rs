//! Retention of personal data by the housekeeping job: webhook payloads are redacted
//! `PAYLOAD_RETENTION_DAYS` after processing, activity is deleted after `ACTIVITY_RETENTION_DAYS` and
//! SKU history after `HISTORY_RETENTION_DAYS`,
//! in batches, and nothing still waiting to be processed loses its payload.

mod common;

use common::TestApp;

const CUSTOMER: &str = r#"{"id": 1, "billing": {"first_name": "Wanjiru", "email": "w@example.com"}}"#;

/// An account with one store; its connection id.
async fn store(app: &TestApp) -> i64 {
    app.register(&app.new_browser(), "amina", "correct horse", "Amina Traders").await;
    app.sql(
        "INSERT INTO connections (account_id, platform, store_url)
         SELECT account_id, 'woocommerce', 'https://shop.example' FROM users WHERE username = 'amina'",
    )
    .await;
    app.scalar("SELECT id FROM connections").await
}

/// A stored delivery received `received` days ago, processed `processed` days ago (or never).
async fn event(app: &TestApp, conn: i64, key: &str, received: i32, processed: Option<i32>) {
    let processed = processed.map_or("NULL".to_owned(), |d| format!("now() - interval '{d} days'"));
    app.sql(&format!(
        "INSERT INTO webhook_events (connection_id, platform, topic, dedupe_key, payload, received_at, processed_at)
         VALUES ({conn}, 'woocommerce', 'order.updated', '{key}', '{CUSTOMER}', now() - interval '{received} days', {processed})"
    ))
    .await;
}

async fn has_customer(app: &TestApp, key: &str) -> bool {
    let sql =
        format!("SELECT count(*) FROM webhook_events WHERE dedupe_key = '{key}' AND payload::text LIKE '%Wanjiru%'");
    app.scalar(&sql).await == 1
}

async fn housekeeping(app: &TestApp) {
    app::backend::jobs::housekeeping::run(&app.db, app.state.config.retention).await.unwrap();
}

#[tokio::test]
async fn payloads_are_redacted_after_processing_plus_the_retention_days() {
    let app = TestApp::spawn().await;
    let conn = store(&app).await;
    event(&app, conn, "old-processed", 40, Some(31)).await;
    event(&app, conn, "recent-processed", 40, Some(29)).await;
    event(&app, conn, "old-waiting", 60, None).await;
    housekeeping(&app).await;
    assert!(!has_customer(&app, "old-processed").await, "processed 31 days ago: redacted");
    let redacted = "SELECT count(*) FROM webhook_events WHERE payload = '{\"redacted\": true}'::jsonb";
    assert_eq!(app.scalar(redacted).await, 1);
    assert!(has_customer(&app, "recent-processed").await, "processed 29 days ago: kept");
    assert!(has_customer(&app, "old-waiting").await, "not processed yet: kept, however old");
}

#[tokio::test]
async fn the_retention_days_are_configurable_and_activity_is_trimmed_in_batches() {
    let app = TestApp::spawn_with(&[("PAYLOAD_RETENTION_DAYS", "7"), ("ACTIVITY_RETENTION_DAYS", "90")]).await;
    let conn = store(&app).await;
    event(&app, conn, "eight-days", 10, Some(8)).await;
    // More old entries than one batch holds, and a recent one.
    app.sql(
        "INSERT INTO activity (account_id, kind, subject, status, at)
         SELECT account_id, 'order', 'WooCommerce order #' || n, 'ok', now() - interval '91 days'
         FROM users, generate_series(1, 2500) n WHERE username = 'amina'",
    )
    .await;
    app.sql(
        "INSERT INTO activity (account_id, kind, subject, status, at)
         SELECT account_id, 'order', 'WooCommerce order #9', 'ok', now() - interval '89 days' FROM users",
    )
    .await;
    housekeeping(&app).await;
    assert!(!has_customer(&app, "eight-days").await);
    assert_eq!(app.scalar("SELECT count(*) FROM activity").await, 1, "only the entry younger than 90 days is left");
}

#[tokio::test]
async fn sku_history_is_kept_for_its_retention_days() {
    let app = TestApp::spawn_with(&[("HISTORY_RETENTION_DAYS", "14")]).await;
    let conn = store(&app).await;
    app.sql(&format!(
        "INSERT INTO sku_history (account_id, connection_id, sku, kind, cause, before, after, at)
         SELECT c.account_id, c.id, 'AS0001', 'store-write', 'order', 5, 4, now() - make_interval(days => d)
         FROM connections c, (VALUES (15), (13)) AS t(d) WHERE c.id = {conn}"
    ))
    .await;
    housekeeping(&app).await;
    let left = "SELECT count(*) FROM sku_history WHERE at > now() - interval '14 days'";
    assert_eq!(app.scalar("SELECT count(*) FROM sku_history").await, 1, "only the row younger than 14 days is left");
    assert_eq!(app.scalar(left).await, 1);
}
