//! Tenant isolation: merchant B, signed in, aims every route that takes an id at merchant A's
//! objects (connections, orders, activity, store settings, create-in-store) and runs every
//! account-wide action; each must be refused (or, for account-wide actions, touch only B) and A's
//! data must stay exactly as it was. B's pages and server functions must never show A's data.

use super::{Check, refused};
use crate::{common::world::World, logs};
use mocks::{catalog, shopify as sm, woocommerce as wm};
use reqwest::Client;
use sea_orm::ConnectionTrait;

/// Everything of account `a` a request could change, as one string (runs of the scheduled
/// reconcile, which come every 5 minutes whatever the requests do, are not counted).
pub async fn account_print(w: &World, a: i64) -> String {
    let conns = format!("(SELECT id FROM connections WHERE account_id = {a})");
    let sql = format!(
        "SELECT concat_ws(' | ',
          (SELECT string_agg(concat_ws(',', id, status, sync_enabled, safety_buffer, order_trigger, store_url, location_id, md5(credentials_enc)), ';' ORDER BY id) FROM connections WHERE account_id = {a}),
          (SELECT string_agg(concat_ws(',', payment_method, customer_mode), ';') FROM account_settings WHERE account_id = {a}),
          (SELECT string_agg(concat_ws(',', location_id, api_url, md5(access_token_enc)), ';') FROM prokip_configs WHERE account_id = {a}),
          (SELECT md5(string_agg(concat_ws(',', connection_id, sku), ';' ORDER BY connection_id, sku)) FROM sku_map WHERE connection_id IN {conns}),
          (SELECT string_agg(concat_ws(',', id, state, last_event_id), ';' ORDER BY id) FROM sales_log WHERE connection_id IN {conns}),
          (SELECT string_agg(concat_ws(',', id, processed_at, attempts), ';' ORDER BY id) FROM webhook_events WHERE connection_id IN {conns}),
          (SELECT string_agg(concat_ws(',', id, status, resolved), ';' ORDER BY id) FROM activity WHERE account_id = {a}),
          (SELECT count(*) FROM sync_runs WHERE account_id = {a} AND reason <> 'reconcile'),
          (SELECT count(*) FROM commitments WHERE connection_id IN {conns}))"
    );
    let db = &w.app.db;
    let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await;
    row.ok().flatten().and_then(|r| r.try_get_by_index::<String>(0).ok()).unwrap_or_default()
}

/// Runs B's request and tells whether it was answered as expected and A's data stayed the same
/// across it. A's own background work (the sweeper retries A's held order every minute) can change
/// A at any moment, so a difference is measured again, up to three times: a request that changes
/// A does so every time, a sweeper pass does not recur within seconds.
async fn across<F, Fut>(w: &World, a: i64, request: F) -> (bool, bool)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let mut answered = false;
    for _ in 0..3 {
        let before = account_print(w, a).await;
        answered = request().await;
        crate::hostile::settle(&w.app, 10).await;
        if account_print(w, a).await == before {
            return (answered, true);
        }
    }
    (answered, false)
}

async fn ids(w: &World, sql: &str) -> Vec<i64> {
    let db = &w.app.db;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap_or_default();
    rows.iter().filter_map(|r| r.try_get_by_index::<i64>(0).ok()).collect()
}

/// Merchant B with its own Prokip and WooCommerce store, signed in on the returned browser.
async fn merchant_b(w: &World) -> (Client, i64) {
    let b = w.app.new_browser();
    logs::secret("bilal's long passphrase");
    w.app.register(&b, "bilal", "bilal's long passphrase", "Bilal Hardware").await;
    let account = w.app.scalar("SELECT account_id FROM users WHERE username = 'bilal'").await;
    b.post(w.app.url("/connections/prokip/login"))
        .form(&[("username", mocks::prokip::DEMO_USERNAME), ("password", mocks::prokip::DEMO_PASSWORD)])
        .send()
        .await
        .expect("B prokip");
    let keys = w.woo.create_store("bilal-shop").expect("B's store");
    w.woo.seed_store("bilal-shop", &catalog::demo_catalog(), catalog::demo_store_sku).expect("B's catalog");
    logs::secret(keys.consumer_secret.clone());
    logs::secret(keys.consumer_key.clone());
    let store = w.woo.store_url("bilal-shop");
    let form = [
        ("store_url", store.as_str()),
        ("consumer_key", keys.consumer_key.as_str()),
        ("consumer_secret", keys.consumer_secret.as_str()),
    ];
    b.post(w.app.url("/connections/woocommerce")).form(&form).send().await.expect("B woo");
    (b, account)
}

/// A gets two sold orders, so it has orders and activity to aim at. (Not a held one: the sweeper
/// re-runs held orders every minute, which would change A's data while B attacks.)
async fn give_a_history(w: &World) {
    for sku in ["AS0003", "AS0004"] {
        let order = sm::NewOrder {
            line_items: vec![sm::NewOrderLine { sku: sku.into(), quantity: 1 }],
            financial_status: "paid".into(),
        };
        w.shopify.create_order(sm::DEMO_SHOP, order).await.expect("A's order");
    }
    let conn = w.shopify_connection;
    w.eventually(30, "A's two orders recorded", || async {
        w.app.scalar(&format!("SELECT count(*) FROM sales_log WHERE connection_id = {conn}")).await >= 2
    })
    .await;
    crate::hostile::settle(&w.app, 30).await;
}

pub async fn run(w: &World) -> (Check, Check) {
    give_a_history(w).await;
    let (b, b_account) = merchant_b(w).await;
    crate::hostile::settle(&w.app, 30).await;
    let a = w.account_id;
    let mut activity = ids(w, &format!("SELECT id FROM activity WHERE account_id = {a} ORDER BY id")).await;
    if activity.is_empty() {
        // The held order normally leaves an entry; make sure there is one with a retry handle.
        let event =
            ids(w, &format!("SELECT max(id) FROM webhook_events WHERE connection_id = {}", w.shopify_connection)).await;
        let entry = app::backend::db::activity::NewActivity {
            account_id: a,
            kind: app::model::ActivityKind::Order,
            about: app::backend::db::activity::About::account(),
            subject: "A's order",
            status: app::model::ActivityStatus::Failed,
            detail: None,
            retry: event.first().map(|&event_id| app::backend::db::activity::RetryHandle::ProcessWebhook { event_id }),
        };
        activity.push(app::backend::db::activity::record(&w.app.db, entry).await.expect("activity"));
    }
    let orders = ids(
        w,
        &format!(
            "SELECT id FROM sales_log WHERE connection_id IN ({}, {}) ORDER BY id",
            w.woo_connection, w.shopify_connection
        ),
    )
    .await;

    let mut attacks: Vec<(String, Vec<(&str, String)>)> = Vec::new();
    for id in [w.woo_connection, w.shopify_connection] {
        attacks.push((format!("/connections/{id}/sync"), vec![("enabled", "false".into())]));
        attacks.push((format!("/connections/{id}/buffer"), vec![("safety_buffer", "9".into())]));
        attacks.push((format!("/settings/stores/{id}/trigger"), vec![("trigger", "completed".into())]));
        attacks.push((format!("/products/create/{id}"), vec![("sku", "AS0001".into())]));
        attacks.push((format!("/products/create/{id}"), vec![]));
        attacks.push((format!("/connections/{id}/disconnect"), vec![("confirm", "yes".into())]));
    }
    attacks.extend(orders.iter().map(|id| (format!("/orders/{id}/retry"), vec![])));
    attacks.extend(activity.iter().map(|id| (format!("/activity/{id}/retry"), vec![])));

    let mut by_id = Check::default();
    for (path, form) in attacks {
        let (ok, unchanged) =
            across(w, a, || async { b.post(w.app.url(&path)).form(&form).send().await.as_ref().is_ok_and(refused) })
                .await;
        by_id.record(ok && unchanged, format!("{path}: {}", if ok { "A's data changed" } else { "not refused" }));
    }
    // Account-wide actions: allowed, but only ever about B.
    for path in [
        "/sync/pause",
        "/sync/resume",
        "/sync",
        "/sync/pull-orders",
        "/products/reindex",
        "/products/sync",
        "/connections/prokip/disconnect",
    ] {
        let answered = || async { b.post(w.app.url(path)).send().await.is_ok_and(|r| r.status().as_u16() < 500) };
        let (answered, unchanged) = across(w, a, answered).await;
        by_id.record(answered && unchanged, format!("{path} (B's own action) changed A or failed"));
    }
    let reads = reads(w, &b, b_account).await;
    (by_id, reads)
}

/// B's pages and server functions: B's own store shows, nothing of A's does.
async fn reads(w: &World, b: &Client, b_account: i64) -> Check {
    let a_orders =
        ids(w, &format!("SELECT order_id::bigint FROM sales_log WHERE connection_id = {}", w.shopify_connection)).await;
    // A's store addresses as they appear anywhere (the demo badge names the demo store, not these).
    let mut markers: Vec<String> = vec![w.woo.store_url(wm::DEMO_STORE), sm::DEMO_SHOP.into(), "Amina Traders".into()];
    markers.extend(a_orders.iter().map(i64::to_string));
    let mut check = Check::default();
    let b_has_store =
        w.app.scalar(&format!("SELECT count(*) FROM connections WHERE account_id = {b_account}")).await > 0;
    for (path, post) in [
        ("/api/connections", true),
        ("/api/orders", true),
        ("/api/products", true),
        ("/api/activity", true),
        ("/api/overview", true),
        ("/api/settings", true),
        ("/api/sync-run", true),
        ("/api/current_user", true),
        ("/sync/status", false),
        ("/", false),
        ("/connections", false),
        ("/orders", false),
        ("/activity", false),
        ("/settings", false),
        ("/products", false),
    ] {
        let req = if post {
            let body = match path {
                "/api/activity" => "open_only=false&q=&kind=&page=1",
                "/api/orders" => "q=&state=&page=1",
                "/api/products" => "q=&status=&page=1",
                _ => "",
            };
            b.post(w.app.url(path)).header("content-type", "application/x-www-form-urlencoded").body(body)
        } else {
            b.get(w.app.url(path))
        };
        let text = match req.send().await {
            Ok(r) if r.status().is_success() => r.text().await.unwrap_or_default(),
            Ok(r) => format!("status {}", r.status()),
            Err(e) => e.to_string(),
        };
        let leaked: Vec<&String> = markers.iter().filter(|m| text.contains(m.as_str())).collect();
        let answered = !text.starts_with("status ");
        check.record(
            answered && leaked.is_empty(),
            format!("{path}: {}", if answered { format!("shows A's {leaked:?}") } else { text.clone() }),
        );
        if path == "/api/connections" {
            check.record(
                b_has_store && text.contains("bilal-shop"),
                "B's own connections page does not show B's store".to_owned(),
            );
        }
    }
    check
}
