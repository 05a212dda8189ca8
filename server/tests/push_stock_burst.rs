//! Many stock pushes queued at once for one account (a burst of orders each asks for one) all
//! finish: pushes that wait for the account's stock lock must not take every pooled database
//! connection from the push that holds it.

mod common;

use app::backend::jobs::PushStock;
use common::world::World;
use mocks::{shopify::DEMO_SHOP, woocommerce as wm};
use rust_decimal::Decimal;

#[tokio::test]
async fn twenty_pushes_queued_at_once_all_finish() {
    let w = World::new().await;
    w.prokip.set_stock(w.prokip_location, "AS0001", Decimal::from(40)).unwrap();
    for _ in 0..20 {
        let job = PushStock {
            account_id: w.account_id,
            skus: Some(vec!["AS0001".into()]),
            reason: app::model::PushReason::Manual,
        };
        w.app.state.queues.push_stock(job).await.unwrap();
    }
    let unfinished = "SELECT count(*) FROM apalis.jobs WHERE job_type = 'push_stock' AND status <> 'Done'";
    w.eventually(60, "every queued push finishes", || async { w.app.scalar(unfinished).await == 0 }).await;
    assert_eq!(w.shopify.available(DEMO_SHOP, "AS0001"), Some(40));
    assert_eq!(w.woo.stock_of(wm::DEMO_STORE, "AS0001"), Some(40));
    let failed = "SELECT count(*) FROM activity WHERE status = 'failed'";
    assert_eq!(w.app.scalar(failed).await, 0, "no push gave up");
}
