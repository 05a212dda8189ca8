//! A stock push a store refused is in the activity log with a Retry; once the store answers again,
//! Retry writes the stock and closes that failure (and an item failure closes when the item is
//! written), so the log does not keep showing problems that are gone.

mod common;

use app::backend::{
    db::activity::{self, About, NewActivity, RetryHandle},
    jobs::PushStock,
    sync::stock,
};
use app::model::{ActivityKind, ActivityStatus};
use common::world::{Options, World};
use mocks::{
    faults::{FaultKind, FaultRule},
    woocommerce as wm,
};
use rust_decimal::Decimal;
use serde_json::Value;

const OPEN: &str = "SELECT count(*) FROM activity WHERE status = 'failed' AND NOT resolved";

#[tokio::test]
async fn retry_after_a_store_failure_writes_the_stock_and_closes_the_failure() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    w.prokip.set_stock(w.prokip_location, "AS0001", Decimal::from(9)).unwrap();
    let failing = FaultKind::Status { status: 500, retry_after: None };
    w.woo.faults().add(FaultRule { path_prefix: String::new(), method: None, kind: failing, rate: 1.0, times: None });
    let job = PushStock {
        account_id: w.account_id,
        skus: Some(vec!["AS0001".into()]),
        reason: app::model::PushReason::Manual,
    };
    let outcomes = stock::push(&w.app.state, &job).await.unwrap();
    assert!(outcomes.iter().any(|o| o.error.is_some()), "{outcomes:?}");
    assert_eq!(w.app.scalar(OPEN).await, 1);
    let entry = w
        .app
        .scalar("SELECT id FROM activity WHERE status = 'failed' AND retry IS NOT NULL AND subject LIKE 'Stock → %'")
        .await;

    // An unrelated SKU pushed meanwhile does not close it: AS0001 is still wrong in the store.
    w.woo.faults().clear();
    let other = PushStock { skus: Some(vec!["AS0002".into()]), ..job.clone() };
    stock::push(&w.app.state, &other).await.unwrap();
    assert_eq!(w.app.scalar(OPEN).await, 1);

    w.app.start_jobs();
    let r = w.browser.post(w.app.url(&format!("/activity/{entry}/retry"))).send().await.unwrap();
    assert!(common::location(&r).starts_with("/activity?notice="), "{}", common::location(&r));
    w.eventually(20, "the store shows the stock", || async { w.woo.stock_of(wm::DEMO_STORE, "AS0001") == Some(9) })
        .await;
    w.eventually(10, "the failure is closed", || async { w.app.scalar(OPEN).await == 0 }).await;
}

/// Counting and closing go by what an entry is about, never by its wording: failures of one SKU in
/// two stores, worded unlike anything the push writes, count per store, and a push that writes the
/// SKU to one store closes that store's failure only.
#[tokio::test]
async fn counts_and_closing_follow_what_an_entry_is_about_not_its_wording() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    let failure = |connection_id: i64, subject: &'static str| NewActivity {
        account_id: w.account_id,
        kind: ActivityKind::Stock,
        about: About::sku(connection_id, "AS0001"),
        subject,
        status: ActivityStatus::Failed,
        detail: Some("the store said no"),
        retry: Some(RetryHandle::PushStock { skus: Some(vec!["AS0001".into()]) }),
    };
    activity::record(&w.app.db, failure(w.woo_connection, "AS0001 did not reach the site")).await.unwrap();
    activity::record(&w.app.db, failure(w.shopify_connection, "The shop refused AS0001")).await.unwrap();
    let failed = |status: &Value, id: i64| {
        status.as_array().unwrap().iter().find(|s| s["id"] == id).map(|s| s["failed"].clone()).unwrap()
    };
    let status: Value = w.browser.get(w.app.url("/sync/status")).send().await.unwrap().json().await.unwrap();
    assert_eq!((failed(&status, w.woo_connection), failed(&status, w.shopify_connection)), (1.into(), 1.into()));

    // Shopify takes AS0001; WooCommerce refuses everything.
    w.prokip.set_stock(w.prokip_location, "AS0001", Decimal::from(9)).unwrap();
    let failing = FaultKind::Status { status: 500, retry_after: None };
    w.woo.faults().add(FaultRule { path_prefix: String::new(), method: None, kind: failing, rate: 1.0, times: None });
    let job = PushStock {
        account_id: w.account_id,
        skus: Some(vec!["AS0001".into()]),
        reason: app::model::PushReason::Manual,
    };
    stock::push(&w.app.state, &job).await.unwrap();

    let open_item = |connection_id: i64| {
        format!(
            "SELECT count(*) FROM activity WHERE connection_id = {connection_id} AND sku = 'AS0001'
               AND status = 'failed' AND NOT resolved"
        )
    };
    assert_eq!(w.app.scalar(&open_item(w.shopify_connection)).await, 0, "written to Shopify: closed");
    assert_eq!(w.app.scalar(&open_item(w.woo_connection)).await, 1, "still wrong in WooCommerce: open");
    let status: Value = w.browser.get(w.app.url("/sync/status")).send().await.unwrap().json().await.unwrap();
    // WooCommerce: the item and the push that wrote nothing.
    assert_eq!((failed(&status, w.woo_connection), failed(&status, w.shopify_connection)), (2.into(), 0.into()));
}

/// "Retry all open problems" re-runs every open failure with a Retry at once: the stock items in
/// one push, and reports what it started; with nothing open it says so.
#[tokio::test]
async fn retry_all_reruns_every_open_problem_in_one_press() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    w.prokip.set_stock(w.prokip_location, "AS0001", Decimal::from(9)).unwrap();
    w.prokip.set_stock(w.prokip_location, "AS0002", Decimal::from(8)).unwrap();
    let failing = FaultKind::Status { status: 500, retry_after: None };
    w.woo.faults().add(FaultRule { path_prefix: String::new(), method: None, kind: failing, rate: 1.0, times: None });
    for sku in ["AS0001", "AS0002"] {
        let job = PushStock {
            account_id: w.account_id,
            skus: Some(vec![sku.into()]),
            reason: app::model::PushReason::Manual,
        };
        stock::push(&w.app.state, &job).await.unwrap();
    }
    let open = w.app.scalar(OPEN).await;
    assert_eq!(open, 2, "one failure per push");

    w.woo.faults().clear();
    w.app.start_jobs();
    let r = w.browser.post(w.app.url("/activity/retry-all")).send().await.unwrap();
    let to = common::location(&r);
    assert!(to.starts_with("/activity?open=1&notice="), "{to}");
    let html = w.app.follow(&w.browser, &to).await;
    assert!(html.contains("Retrying 2 problems: 0 orders and 2 stock failures (in one push)."), "{html}");
    w.eventually(20, "the store shows both", || async {
        w.woo.stock_of(wm::DEMO_STORE, "AS0001") == Some(9) && w.woo.stock_of(wm::DEMO_STORE, "AS0002") == Some(8)
    })
    .await;
    w.eventually(10, "both failures are closed", || async { w.app.scalar(OPEN).await == 0 }).await;

    let r = w.browser.post(w.app.url("/activity/retry-all")).send().await.unwrap();
    let html = w.app.follow(&w.browser, &common::location(&r)).await;
    assert!(html.contains("There is no open problem with a Retry."), "{html}");
}
