//! Stock push against the mock platforms: what each store shows after Prokip changes, how many
//! calls it took, and what is reported when a store refuses an item.

mod common;

use app::backend::{
    jobs::PushStock,
    sync::{mapping, stock, triggers},
};
use app::model::PushReason;
use common::world::{Options, World};
use mocks::{catalog, shopify::DEMO_SHOP, woocommerce as wm};
use rust_decimal::Decimal;
use serde_json::{Value, json};

async fn quiet_world() -> World {
    World::with(Options { jobs: false, ..Default::default() }).await
}

async fn push(w: &World, skus: Option<&[&str]>, reason: PushReason) -> Vec<stock::StoreOutcome> {
    let job =
        PushStock { account_id: w.account_id, skus: skus.map(|s| s.iter().map(|x| x.to_string()).collect()), reason };
    stock::push(&w.app.state, &job).await.expect("push")
}

/// Reads both stores back, so the cache holds what they really show.
async fn reconcile(w: &World) {
    push(w, None, PushReason::Reconcile).await;
}

fn set_prokip(w: &World, sku: &str, qty: i64) {
    w.prokip.set_stock(w.prokip_location, sku, Decimal::from(qty)).unwrap();
}

/// GraphQL calls Shopify accepted (a call answered THROTTLED is waited out and sent again).
fn shopify_calls(w: &World) -> u64 {
    let sent: u64 =
        w.shopify.faults().counts().iter().filter(|(k, _)| k.ends_with("/graphql.json")).map(|(_, n)| n).sum();
    sent - w.shopify.throttled(DEMO_SHOP)
}

fn woo_batch_calls(w: &World, variations: bool) -> u64 {
    let wanted = |k: &str| k.ends_with("/batch") && k.contains("/variations/") == variations;
    w.woo.faults().counts().iter().filter(|(k, _)| wanted(k)).map(|(_, n)| n).sum()
}

fn both(w: &World, sku: &str) -> (Option<i64>, Option<i64>) {
    (w.shopify.available(DEMO_SHOP, sku), w.woo.stock_of(wm::DEMO_STORE, sku))
}

/// The WooCommerce id of a simple product by SKU.
fn woo_product_id(w: &World, sku: &str) -> u64 {
    let state = w.woo.state(wm::DEMO_STORE).unwrap();
    let products = state["products"].as_array().unwrap();
    products.iter().find(|p| p["sku"] == sku).and_then(|p| p["id"].as_u64()).unwrap()
}

/// A call to the WooCommerce REST API as the merchant (or another app) would make it.
async fn woo_rest(w: &World, method: reqwest::Method, path: &str, body: Value) -> Value {
    let url = format!("{}/wp-json/wc/v3{path}", w.woo.store_url(wm::DEMO_STORE));
    let r = reqwest::Client::new()
        .request(method, url)
        .query(&[("consumer_key", wm::DEMO_CONSUMER_KEY), ("consumer_secret", wm::DEMO_CONSUMER_SECRET)])
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_pos_sale_reaches_both_stores_after_one_poll() {
    let w = World::new().await;
    assert_eq!(both(&w, "AS0001"), (Some(5), Some(5)));
    assert_eq!(both(&w, "AS0033-2"), (Some(5), Some(5)));
    w.prokip.pos_sale(w.prokip_location, "AS0001", Decimal::from(2)).unwrap();
    w.prokip.pos_sale(w.prokip_location, "AS0033-2", Decimal::from(1)).unwrap();

    let enqueued = triggers::poll_account(&w.app.state, w.account_id).await.expect("poll");
    assert_eq!(enqueued, ["AS0001", "AS0033-2"]);
    w.eventually(10, "the sales reach both stores", || async {
        both(&w, "AS0001") == (Some(3), Some(3)) && both(&w, "AS0033-2") == (Some(4), Some(4))
    })
    .await;
    assert_eq!(both(&w, "AS0002"), (Some(12), Some(12)), "other SKUs are untouched");
    let last_sync = "SELECT count(*) FROM connections WHERE last_sync IS NOT NULL";
    w.eventually(5, "both connections record the sync", || async { w.app.scalar(last_sync).await == 2 }).await;
}

#[tokio::test]
async fn reconcile_repairs_a_quantity_changed_behind_our_back() {
    let w = quiet_world().await;
    reconcile(&w).await;
    w.shopify.merchant_sets_available(DEMO_SHOP, "AS0002", 99).await.unwrap();
    let id = woo_product_id(&w, "AS0002");
    woo_rest(&w, reqwest::Method::PUT, &format!("/products/{id}"), json!({ "stock_quantity": 77 })).await;
    assert_eq!(both(&w, "AS0002"), (Some(99), Some(77)));

    // A plain push trusts what we last wrote and sees nothing to do …
    push(&w, None, PushReason::Manual).await;
    assert_eq!(both(&w, "AS0002"), (Some(99), Some(77)));
    // … a reconcile reads the stores back and repairs them.
    push(&w, None, PushReason::Reconcile).await;
    assert_eq!(both(&w, "AS0002"), (Some(12), Some(12)));
}

#[tokio::test]
async fn a_thousand_changed_skus_take_the_fewest_calls() {
    let w = quiet_world().await;
    // 2,000 SKUs: 1,000 simple products and 250 variable ones with 4 variations each.
    let generated = catalog::generated_catalog(2000);
    w.prokip.seed(&generated);
    w.shopify.seed(&generated);
    w.woo.seed(&generated);
    // A Shopify Plus budget, so the test does not spend its time waiting for the bucket to refill.
    w.shopify.set_bucket(Some(DEMO_SHOP), 2000.0, 1000.0).unwrap();
    let reports = mapping::index_account(&w.app.state, w.account_id).await.unwrap();
    assert!(reports.iter().all(|r| r.matched == 53 + 2000), "{reports:?}");
    reconcile(&w).await;

    let (simple, variants): (Vec<_>, Vec<_>) = generated.iter().partition(|p| p.kind == "single");
    for p in &simple {
        set_prokip(&w, &p.sku, 100);
    }
    let (shopify_before, woo_before) = (shopify_calls(&w), woo_batch_calls(&w, false));
    push(&w, None, PushReason::Manual).await;
    assert_eq!(shopify_calls(&w) - shopify_before, 1000u64.div_ceil(250));
    assert_eq!(woo_batch_calls(&w, false) - woo_before, 1000u64.div_ceil(100));
    assert_eq!(both(&w, "GEN000000"), (Some(100), Some(100)));
    assert_eq!(both(&w, &simple[999].sku), (Some(100), Some(100)));

    // Variations can only be batched per parent product in WooCommerce: one call per parent is the least.
    for v in variants.iter().flat_map(|p| &p.variants) {
        set_prokip(&w, &v.sku, 7);
    }
    let (shopify_before, woo_before) = (shopify_calls(&w), woo_batch_calls(&w, true));
    push(&w, None, PushReason::Manual).await;
    assert_eq!(shopify_calls(&w) - shopify_before, 1000u64.div_ceil(250));
    assert_eq!(woo_batch_calls(&w, true) - woo_before, variants.len() as u64);
    assert_eq!(both(&w, "GEN000004-4"), (Some(7), Some(7)));
}

#[tokio::test]
async fn a_stale_compare_and_set_retries_that_item_only() {
    let w = quiet_world().await;
    reconcile(&w).await;
    w.shopify.merchant_sets_available(DEMO_SHOP, "AS0003", 50).await.unwrap();
    set_prokip(&w, "AS0003", 30);
    set_prokip(&w, "AS0004", 31);
    let before = shopify_calls(&w);
    let outcomes = push(&w, Some(&["AS0003", "AS0004"]), PushReason::Manual).await;
    assert_eq!(both(&w, "AS0003"), (Some(30), Some(30)));
    assert_eq!(both(&w, "AS0004"), (Some(31), Some(31)));
    assert!(outcomes.iter().all(|o| o.failed == 0 && o.written == 2), "{outcomes:?}");
    // Refused whole (stale), the other item alone, a re-read of the stale item, and its retry.
    assert_eq!(shopify_calls(&w) - before, 4);
    assert_eq!(w.app.scalar("SELECT count(*) FROM activity WHERE status = 'failed'").await, 0);
}

#[tokio::test]
async fn an_item_the_store_rejects_is_reported_while_the_rest_succeed() {
    let w = quiet_world().await;
    reconcile(&w).await;
    // The product disappears from WooCommerce after it was indexed.
    let gone = woo_product_id(&w, "AS0005");
    woo_rest(&w, reqwest::Method::POST, "/products/batch", json!({ "delete": [gone] })).await;
    set_prokip(&w, "AS0005", 1);
    set_prokip(&w, "AS0006", 2);
    push(&w, Some(&["AS0005", "AS0006"]), PushReason::Manual).await;

    assert_eq!(both(&w, "AS0006"), (Some(2), Some(2)));
    assert_eq!(w.shopify.available(DEMO_SHOP, "AS0005"), Some(1));
    let store = w.woo.store_url(wm::DEMO_STORE);
    let row = format!(
        "SELECT count(*) FROM activity WHERE account_id = {} AND kind = 'stock' AND status = 'failed'
         AND subject = 'SKU AS0005 → {store}' AND detail LIKE '%Invalid ID%'
         AND retry = '{{\"job\":\"push_stock\",\"skus\":[\"AS0005\"]}}'::jsonb",
        w.account_id
    );
    assert_eq!(w.app.scalar(&row).await, 1);
    assert_eq!(w.app.scalar("SELECT count(*) FROM activity WHERE status = 'failed'").await, 1);
}

#[tokio::test]
async fn a_paused_connection_receives_nothing() {
    let w = quiet_world().await;
    reconcile(&w).await;
    let r = w
        .browser
        .post(w.app.url(&format!("/connections/{}/sync", w.woo_connection)))
        .form(&[("enabled", "false")])
        .send()
        .await
        .unwrap();
    assert!(common::location(&r).contains("notice="));
    set_prokip(&w, "AS0007", 3);
    let before = w.woo.faults().counts().values().sum::<u64>();
    push(&w, None, PushReason::Reconcile).await;
    assert_eq!(both(&w, "AS0007"), (Some(3), Some(7)));
    assert_eq!(w.woo.faults().counts().values().sum::<u64>(), before, "no request reached the paused store");
}

#[tokio::test]
async fn commitments_and_the_buffer_lower_what_is_published() {
    let w = quiet_world().await;
    reconcile(&w).await;
    w.set_buffer(w.shopify_connection, 2).await;
    // An unpaid WooCommerce order holds 3 (commitments are written by the order import).
    w.app
        .sql(&format!(
            "INSERT INTO commitments (connection_id, order_id, sku, qty) VALUES ({}, '501', 'AS0008', 3)",
            w.woo_connection
        ))
        .await;
    assert_eq!(w.prokip.stock(w.prokip_location, "AS0008"), Some(Decimal::from(14)));
    push(&w, Some(&["AS0008"]), PushReason::Manual).await;
    assert_eq!(both(&w, "AS0008"), (Some(14 - 3 - 2), Some(14 - 3)));
}

#[tokio::test]
async fn the_seed_sync_routes_pause_resume_report_and_start_a_push() {
    let w = World::new().await;
    let stranger = w.app.new_browser();
    for (method, path) in
        [("POST", "/sync"), ("POST", "/sync/pause"), ("POST", "/sync/resume"), ("GET", "/sync/status")]
    {
        let r = stranger.request(method.parse().unwrap(), w.app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{method} {path}");
        assert!(r.json::<Value>().await.unwrap()["error"].is_string());
    }

    let r = w.browser.post(w.app.url("/sync/pause")).send().await.unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["message"],
        "Stock updates paused for 2 stores; order import is unchanged."
    );
    let status: Value = w.browser.get(w.app.url("/sync/status")).send().await.unwrap().json().await.unwrap();
    let stores = status.as_array().unwrap();
    assert_eq!(stores.len(), 2);
    for s in stores {
        assert_eq!(s["syncEnabled"], false);
        assert_eq!(s["productCount"], 53);
        assert_eq!(s["pending"], 53, "nothing pushed or read back yet");
        for field in ["id", "platform", "storeUrl", "lastSync", "orderCount", "failed"] {
            assert!(s.get(field).is_some(), "{field} in {s}");
        }
    }
    let r = w.browser.post(w.app.url("/sync/resume")).send().await.unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap()["message"],
        "Stock updates resumed for 2 stores; order import is unchanged."
    );

    set_prokip(&w, "AS0009", 1);
    let r = w.browser.post(w.app.url("/sync")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.json::<Value>().await.unwrap()["message"].is_string());
    w.eventually(15, "the full push reaches both stores", || async { both(&w, "AS0009") == (Some(1), Some(1)) }).await;
    // The push records each store's sync once all of them are written.
    let synced = |s: &Value| s["pending"] == 0 && s["lastSync"].is_string() && s["syncEnabled"] == true;
    w.eventually(15, "the status reports both stores synced", || async {
        let status: Value = w.browser.get(w.app.url("/sync/status")).send().await.unwrap().json().await.unwrap();
        status.as_array().unwrap().iter().all(synced)
    })
    .await;
}

#[tokio::test]
async fn a_push_waits_for_the_one_before_and_then_reads_prokip_afresh() {
    let w = quiet_world().await;
    reconcile(&w).await;
    // Another push of this account is in progress (it holds the account's lock).
    let other = sea_orm::TransactionTrait::begin(&w.app.db).await.unwrap();
    stock::lock_account(&other, w.account_id).await.unwrap();
    set_prokip(&w, "AS0010", 20);
    let waiting = {
        let state = w.app.state.clone();
        let job = PushStock { account_id: w.account_id, skus: Some(vec!["AS0010".into()]), reason: PushReason::Manual };
        tokio::spawn(async move { stock::push(&state, &job).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "the second push waits for the first");
    // What Prokip has when the first push ends is what the waiting push publishes.
    set_prokip(&w, "AS0010", 8);
    other.commit().await.unwrap();
    waiting.await.unwrap().unwrap();
    assert_eq!(both(&w, "AS0010"), (Some(8), Some(8)));
}

/// Prokip reads of variations: `(catalog pages, reads by id)` since `before`.
fn prokip_variation_reads(w: &World, before: &std::collections::BTreeMap<String, u64>) -> (u64, u64) {
    let since = |k: &String, n: &u64| n - before.get(k).copied().unwrap_or(0);
    let counts = w.prokip.faults().counts();
    let pages = counts.iter().filter(|(k, _)| *k == "GET /connector/api/variation").map(|(k, n)| since(k, n)).sum();
    let by_id =
        counts.iter().filter(|(k, _)| k.starts_with("GET /connector/api/variation/")).map(|(k, n)| since(k, n)).sum();
    (pages, by_id)
}

#[tokio::test]
async fn a_full_push_reads_prokip_by_id_and_refreshes_skus_no_store_sells() {
    let w = quiet_world().await;
    let unsold = catalog::DEMO_MISMATCH_PROKIP_SKU;
    assert_eq!(both(&w, unsold), (None, None), "the demo stores spell it differently");
    let indexed =
        w.app.scalar(&format!("SELECT count(*) FROM prokip_catalog WHERE account_id = {}", w.account_id)).await;
    set_prokip(&w, unsold, 17);
    set_prokip(&w, "AS0001", 9);
    let before = w.prokip.faults().counts();
    reconcile(&w).await;

    assert_eq!(both(&w, "AS0001"), (Some(9), Some(9)));
    // The Products page's Prokip column for a SKU no store sells is as fresh as the rest.
    let shown =
        format!("SELECT qty::bigint FROM prokip_catalog WHERE account_id = {} AND sku = '{unsold}'", w.account_id);
    assert_eq!(w.app.scalar(&shown).await, 17);
    // Every indexed variation is read by id, 200 to a request, and the catalog is not walked page
    // by page (each page of which costs Prokip a count of the whole catalog).
    assert_eq!(prokip_variation_reads(&w, &before), (0, (indexed as u64).div_ceil(200)));
}

#[tokio::test]
async fn a_full_push_records_its_progress_and_the_pages_show_it() {
    let w = quiet_world().await;
    reconcile(&w).await;
    // 53 mapped SKUs in each of the two stores, all checked, none failed; the run is finished.
    // (Beside the catalog match that followed the connects.)
    let numbers = "SELECT (total * 10000 + done * 10 + failed)::bigint FROM sync_runs
                   WHERE reason <> 'catalog-match' ORDER BY id DESC LIMIT 1";
    assert_eq!(w.app.scalar(numbers).await, 106 * 10000 + 106 * 10);
    let finished = "SELECT count(*) FROM sync_runs WHERE finished_at IS NOT NULL AND reason <> 'catalog-match'";
    assert_eq!(w.app.scalar(finished).await, 1);

    // One item refused by WooCommerce: counted as done and failed.
    let gone = woo_product_id(&w, "AS0005");
    woo_rest(&w, reqwest::Method::POST, "/products/batch", json!({ "delete": [gone] })).await;
    set_prokip(&w, "AS0005", 1);
    set_prokip(&w, "AS0006", 2);
    push(&w, None, PushReason::Manual).await;
    assert_eq!(w.app.scalar(numbers).await, 106 * 10000 + 106 * 10 + 1);
    // A push of a few SKUs is not a full sync.
    push(&w, Some(&["AS0006"]), PushReason::Manual).await;
    let full =
        format!("SELECT count(*) FROM sync_runs WHERE account_id = {} AND reason <> 'catalog-match'", w.account_id);
    assert_eq!(w.app.scalar(&full).await, 2);

    for page in ["/products", "/connections"] {
        let html = w.browser.get(w.app.url(page)).send().await.unwrap().text().await.unwrap();
        assert!(
            html.contains("Last full sync ") && html.contains("106 items (SKU × store), 1 failed"),
            "{page}: {html}"
        );
    }
    // While a full sync runs, the pages say how far it is.
    w.app
        .sql(&format!(
            "INSERT INTO sync_runs (account_id, reason, total, done) VALUES ({}, 'manual', 530, 120)",
            w.account_id
        ))
        .await;
    let html = w.browser.get(w.app.url("/products")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Syncing: 120 / 530"), "{html}");
}

#[tokio::test]
async fn pushes_after_orders_take_every_waiting_sku_and_a_push_with_none_left_calls_no_store() {
    let w = quiet_world().await;
    reconcile(&w).await;
    // Three orders moved three SKUs in Prokip; each queued its SKU and a push.
    let skus = ["AS0001", "AS0002", "AS0003"];
    for (i, sku) in skus.iter().enumerate() {
        set_prokip(&w, sku, 40 + i as i64);
        app::backend::db::pending_pushes::add(&w.app.state.db, w.account_id, &[sku.to_string()]).await.unwrap();
    }
    // The first push to run writes all three.
    let outcomes = push(&w, Some(&["AS0001"]), PushReason::Order).await;
    assert!(outcomes.iter().all(|o| o.written == 3 && o.failed == 0), "{outcomes:?}");
    for (i, sku) in skus.iter().enumerate() {
        assert_eq!(both(&w, sku), (Some(40 + i as i64), Some(40 + i as i64)), "{sku}");
    }
    // The other two pushes find their SKUs written after their orders: no store is called.
    let calls = (shopify_calls(&w), woo_batch_calls(&w, false), w.prokip.faults().counts().values().sum::<u64>());
    for sku in ["AS0002", "AS0003"] {
        assert!(push(&w, Some(&[sku]), PushReason::Order).await.is_empty());
    }
    let after = (shopify_calls(&w), woo_batch_calls(&w, false), w.prokip.faults().counts().values().sum::<u64>());
    assert_eq!(after, calls, "no platform called by pushes with nothing left");
    // Pushes for other reasons still push what they name.
    set_prokip(&w, "AS0002", 7);
    push(&w, Some(&["AS0002"]), PushReason::Manual).await;
    assert_eq!(both(&w, "AS0002"), (Some(7), Some(7)));
}

#[tokio::test]
async fn while_a_push_after_an_order_waits_for_the_lock_the_next_ones_end_at_once_and_it_pushes_theirs() {
    use sea_orm::TransactionTrait;
    let w = quiet_world().await;
    reconcile(&w).await;
    let order_push = |sku: &str| {
        let state = w.app.state.clone();
        let job = PushStock { account_id: w.account_id, skus: Some(vec![sku.to_string()]), reason: PushReason::Order };
        tokio::spawn(async move { stock::push(&state, &job).await.expect("push") })
    };
    let w = &w;
    let order = |sku: &'static str, qty: i64| async move {
        set_prokip(w, sku, qty);
        app::backend::db::pending_pushes::add(&w.app.state.db, w.account_id, &[sku.to_string()]).await.unwrap();
    };
    // A push (a reconcile, say) holds the account's stock lock.
    let held = w.app.state.db.begin().await.unwrap();
    stock::lock_account(&held, w.account_id).await.unwrap();
    order("AS0001", 41).await;
    let waiting = order_push("AS0001");
    let advisory = |granted: bool| {
        format!(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted = {granted}
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
    };
    w.eventually(20, "the first push after an order waits for the lock", || async {
        w.app.scalar(&advisory(false)).await == 1
    })
    .await;
    // Two more orders while it waits: their pushes end without waiting and without a call.
    order("AS0002", 42).await;
    order("AS0003", 43).await;
    let calls = (shopify_calls(w), woo_batch_calls(w, false));
    for sku in ["AS0002", "AS0003"] {
        let ended = tokio::time::timeout(std::time::Duration::from_secs(20), order_push(sku)).await;
        let outcomes = ended.expect("a push with a push waiting before it ends at once").unwrap();
        assert!(outcomes.is_empty(), "{outcomes:?}");
    }
    assert_eq!((shopify_calls(w), woo_batch_calls(w, false)), calls, "no store called yet");
    // The lock is freed: the waiting push writes all three orders' SKUs.
    held.commit().await.unwrap();
    let outcomes = waiting.await.unwrap();
    assert_eq!(outcomes.len(), 2, "both stores pushed: {outcomes:?}");
    assert!(outcomes.iter().all(|o| o.written == 3 && o.failed == 0), "{outcomes:?}");
    for (sku, qty) in [("AS0001", 41), ("AS0002", 42), ("AS0003", 43)] {
        assert_eq!(both(w, sku), (Some(qty), Some(qty)), "{sku}");
    }
    assert_eq!(w.app.scalar("SELECT count(*) FROM pending_pushes").await, 0);
}

#[tokio::test]
async fn skus_an_order_left_waiting_for_a_push_that_never_came_are_pushed_by_the_next_poll() {
    let w = quiet_world().await;
    reconcile(&w).await;
    // An order queued AS0005 a minute ago; the push that was to take it failed and gave up.
    set_prokip(&w, "AS0005", 17);
    w.app
        .sql(&format!(
            "INSERT INTO pending_pushes (account_id, sku, queued_at) VALUES ({}, 'AS0005', now() - interval '1 minute')",
            w.account_id
        ))
        .await;
    triggers::poll_account(&w.app.state, w.account_id).await.unwrap();
    let queued = "SELECT count(*) FROM apalis.jobs WHERE job_type = 'push_stock'
                    AND convert_from(job, 'UTF8')::jsonb->>'reason' = 'order'";
    assert_eq!(w.app.scalar(queued).await, 1, "the poll queued a push after an order");
    w.app.start_jobs();
    // The stores are written before the push commits taking the SKU: wait for both.
    w.eventually(20, "both stores show AS0005 and nothing waits", || async {
        both(&w, "AS0005") == (Some(17), Some(17)) && w.app.scalar("SELECT count(*) FROM pending_pushes").await == 0
    })
    .await;
}

#[tokio::test]
async fn a_poll_tick_enqueues_one_job_per_account_and_a_failing_account_does_not_stop_the_others() {
    let w = quiet_world().await;
    // A second account whose Prokip cannot be reached: nothing listens on port 1.
    w.app.sql("INSERT INTO accounts (name) VALUES ('Unreachable Ltd')").await;
    let broken = w.app.scalar("SELECT id FROM accounts WHERE name = 'Unreachable Ltd'").await;
    w.app
        .sql(&format!(
            "INSERT INTO prokip_configs (account_id, api_url, location_id, access_token_enc, walk_in_contact_id)
             SELECT {broken}, 'http://127.0.0.1:1', location_id, access_token_enc, walk_in_contact_id
               FROM prokip_configs WHERE account_id = {}",
            w.account_id
        ))
        .await;
    w.prokip.pos_sale(w.prokip_location, "AS0001", Decimal::from(2)).unwrap();

    let at = chrono::Utc::now();
    assert_eq!(triggers::poll_tick(&w.app.state, at).await.unwrap(), 2, "one poll job per account");
    let polls = "SELECT count(*) FROM apalis.jobs WHERE job_type = 'prokip_poll'";
    assert_eq!(w.app.scalar(polls).await, 2);
    assert_eq!(triggers::poll_tick(&w.app.state, at).await.unwrap(), 0, "the tick is claimed once");

    w.app.start_jobs();
    w.eventually(20, "the reachable account's sale reaches both stores", || async {
        both(&w, "AS0001") == (Some(3), Some(3))
    })
    .await;
    let broken_poll = format!(
        "SELECT count(*) FROM apalis.jobs WHERE job_type = 'prokip_poll' AND status = 'Failed' AND attempts > 1
            AND convert_from(job, 'UTF8')::jsonb->>'account_id' = '{broken}'"
    );
    w.eventually(30, "the unreachable account's poll retried, then failed on its own", || async {
        w.app.scalar(&broken_poll).await >= 1
    })
    .await;
}
