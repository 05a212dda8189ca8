//! A stock push a store refused is in the activity log with a Retry; once the store answers again,
//! Retry writes the stock and closes that failure (and an item failure closes when the item is
//! written), so the log does not keep showing problems that are gone.

mod common;

use app::backend::{jobs::PushStock, sync::stock};
use common::world::{Options, World};
use mocks::{
    faults::{FaultKind, FaultRule},
    woocommerce as wm,
};
use rust_decimal::Decimal;

const OPEN: &str = "SELECT count(*) FROM activity WHERE status = 'failed' AND NOT resolved";

#[tokio::test]
async fn retry_after_a_store_failure_writes_the_stock_and_closes_the_failure() {
    let w = World::with(Options { jobs: false }).await;
    w.prokip.set_stock(w.prokip_location, "AS0001", Decimal::from(9)).unwrap();
    let failing = FaultKind::Status { status: 500, retry_after: None };
    w.woo.faults().add(FaultRule { path_prefix: String::new(), method: None, kind: failing, rate: 1.0, times: None });
    let job = PushStock { account_id: w.account_id, skus: Some(vec!["AS0001".into()]), reason: "test".into() };
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
