//! The overview chart: orders sent to Prokip per channel for each of the last 14 days, for the
//! caller's account only, drawn as an SVG with its scale and dates and its numbers in a table;
//! today's bar and "Orders sent to Prokip today" always agree.

mod common;

use common::TestApp;
use serde_json::Value;

/// A store of the account and `n` orders sent to Prokip `days_ago` days ago from it.
async fn orders(app: &TestApp, account: i64, platform: &str, days_ago: i64, n: i64) {
    let conn = app
        .scalar(&format!(
            "WITH c AS (INSERT INTO connections (account_id, platform, store_url) VALUES ({account}, '{platform}', 'https://s{account}-{platform}-{days_ago}.example') RETURNING id) SELECT id FROM c"
        ))
        .await;
    app.sql(&format!(
        "INSERT INTO sales_log (connection_id, order_id, state, invoice_no, created_at, sent_at)
         SELECT {conn}, 'o' || g, 'sent', 'INV-{conn}-' || g, t, t
         FROM generate_series(1, {n}) g, (SELECT date_trunc('day', now()) - interval '{days_ago} days' + interval '1 minute' AS t) d"
    ))
    .await;
}

#[tokio::test]
async fn the_chart_counts_each_channels_orders_per_day_for_this_account_only() {
    let app = TestApp::spawn().await;
    app.register(&app.client, "amina", "correct horse", "Amina Traders").await;
    let other = app.new_browser();
    app.register(&other, "baraka", "correct horse", "Baraka Ltd").await;
    let amina = app.scalar("SELECT account_id FROM users WHERE username = 'amina'").await;
    let baraka = app.scalar("SELECT account_id FROM users WHERE username = 'baraka'").await;
    orders(&app, amina, "shopify", 0, 3).await;
    orders(&app, amina, "woocommerce", 0, 2).await;
    orders(&app, amina, "woocommerce", 13, 4).await;
    orders(&app, amina, "shopify", 14, 7).await; // too old for the chart
    orders(&app, baraka, "shopify", 0, 50).await;
    // An order cancelled before it was sold never reached Prokip: counted nowhere.
    app.sql(&format!(
        "INSERT INTO sales_log (connection_id, order_id, state, invoice_no)
         SELECT id, 'cancelled-1', 'cancelled', 'INV-X' FROM connections WHERE account_id = {amina} LIMIT 1"
    ))
    .await;

    let o: Value = app.overview(&app.client).await.json().await.unwrap();
    let chart = o["chart"].as_array().unwrap();
    assert_eq!(chart.len(), 14);
    let (first, today) = (&chart[0], &chart[13]);
    assert_eq!((today["shopify"].as_u64(), today["woocommerce"].as_u64()), (Some(3), Some(2)), "{today}");
    assert_eq!((first["shopify"].as_u64(), first["woocommerce"].as_u64()), (Some(0), Some(4)), "{first}");
    let all: u64 = chart.iter().map(|d| d["shopify"].as_u64().unwrap() + d["woocommerce"].as_u64().unwrap()).sum();
    assert_eq!(all, 9, "the older order and the other account's are not counted");
    assert_eq!(o["orders_synced_today"].as_u64(), Some(5), "the number beside the chart counts what its bar does");

    let html = common::shown(&app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap());
    assert!(html.contains("<svg") && html.contains("Orders per channel, last 14 days: 9 in all"), "the SVG is named");
    let dates =
        format!("<span>{}</span><span>{}</span>", first["day"].as_str().unwrap(), today["day"].as_str().unwrap());
    assert!(html.contains(&dates), "the dates under the bars: {html}");
    assert!(html.contains(r#"<a href="/activity?open=1">Need attention</a>"#), "{html}");
    let today_row = format!("<th scope=\"row\">{}</th><td>3</td><td>2</td>", today["day"].as_str().unwrap());
    assert!(html.contains(&today_row), "the table has today's numbers");
    assert!(!html.contains("<td>50</td>"), "another account's orders are not shown");
}

/// The days are the merchant's: in Pago Pago (UTC−11) an order a minute after local midnight is
/// today's and one a minute before it yesterday's, though both are the same day in UTC.
#[tokio::test]
async fn the_days_are_the_days_of_the_accounts_time_zone() {
    let app = TestApp::spawn().await;
    app.register(&app.client, "amina", "correct horse", "Amina Traders").await;
    let amina = app.scalar("SELECT account_id FROM users WHERE username = 'amina'").await;
    app.sql(&format!("UPDATE accounts SET time_zone = 'Pacific/Pago_Pago' WHERE id = {amina}")).await;
    orders(&app, amina, "shopify", 0, 0).await;
    let midnight = "(date_trunc('day', now() AT TIME ZONE 'Pacific/Pago_Pago') AT TIME ZONE 'Pacific/Pago_Pago')";
    app.sql(&format!(
        "INSERT INTO sales_log (connection_id, order_id, state, invoice_no, created_at, sent_at)
         SELECT c.id, o.id, 'sent', 'INV-' || o.id, o.t, o.t
         FROM connections c, (VALUES ('after', {midnight} + interval '1 minute'),
                                     ('before', {midnight} - interval '1 minute')) AS o(id, t)
         WHERE c.account_id = {amina}"
    ))
    .await;
    let local_today =
        app.scalar("SELECT to_char(now() AT TIME ZONE 'Pacific/Pago_Pago', 'YYYYMMDD')::bigint").await.to_string();
    let o: Value = app.overview(&app.client).await.json().await.unwrap();
    let chart = o["chart"].as_array().unwrap();
    let (yesterday, today) = (&chart[12], &chart[13]);
    assert_eq!(today["day"].as_str().unwrap().replace('-', ""), local_today, "{today}");
    assert_eq!((yesterday["shopify"].as_u64(), today["shopify"].as_u64()), (Some(1), Some(1)), "{chart:?}");
    assert_eq!(o["orders_synced_today"].as_u64(), Some(1));
}

/// Every store of the account with the badge the Connections page gives it, linking there; the
/// reason shown while it needs the merchant.
#[tokio::test]
async fn each_store_shows_its_health_at_a_glance() {
    let app = TestApp::spawn().await;
    app.register(&app.client, "amina", "correct horse", "Amina Traders").await;
    let other = app.new_browser();
    app.register(&other, "baraka", "correct horse", "Baraka Ltd").await;
    let amina = app.scalar("SELECT account_id FROM users WHERE username = 'amina'").await;
    let baraka = app.scalar("SELECT account_id FROM users WHERE username = 'baraka'").await;
    orders(&app, amina, "shopify", 0, 1).await;
    orders(&app, amina, "woocommerce", 0, 1).await;
    orders(&app, amina, "shopify", 1, 1).await;
    orders(&app, baraka, "woocommerce", 0, 1).await;
    let id = |n: i64| format!("(SELECT id FROM connections WHERE account_id = {amina} ORDER BY id OFFSET {n} LIMIT 1)");
    app.sql(&format!(
        "UPDATE connections SET status = 'needs_attention', status_reason = 'The shop refused our token.' WHERE id = {}",
        id(1)
    ))
    .await;
    app.sql(&format!("UPDATE connections SET sync_enabled = false WHERE id = {}", id(2))).await;

    let o: Value = app.overview(&app.client).await.json().await.unwrap();
    let stores = o["stores"].as_array().unwrap();
    let badges: Vec<&str> = stores.iter().map(|s| s["health"].as_str().unwrap()).collect();
    assert_eq!(badges, ["Healthy", "Needs attention", "Stock paused"], "amina's three stores only: {o}");
    assert_eq!(stores[1]["reason"].as_str(), Some("The shop refused our token."));
    assert_eq!(stores[0]["reason"], Value::Null);

    let html = common::shown(&app.client.get(app.url("/")).send().await.unwrap().text().await.unwrap());
    let first = stores[0]["id"].as_i64().unwrap();
    assert!(html.contains(&format!(r#"href="/connections#store-{first}""#)), "{html}");
    assert!(html.contains("The shop refused our token.") && html.contains("Stock paused"), "{html}");
    assert!(!html.contains(&format!("s{baraka}-woocommerce")), "another account's store is not shown");

    // What open pages ask for to keep their badges current: the same, for the caller only.
    let ask = |c: &reqwest::Client| {
        c.post(app.url("/api/store_health")).header("content-type", "application/x-www-form-urlencoded").send()
    };
    let live: Value = ask(&app.client).await.unwrap().json().await.unwrap();
    assert_eq!(&live, &o["stores"]);
    let theirs: Value = ask(&other).await.unwrap().json().await.unwrap();
    assert_eq!(theirs.as_array().unwrap().len(), 1, "{theirs}");
    assert_eq!(ask(&app.new_browser()).await.unwrap().status(), 401, "signed out");
}
