//! The daily pull of missed orders: its tick enqueues a pull per account, which imports an order
//! whose webhook was lost, and a second tick on the same day (another process's, say) does nothing.

mod common;

use app::backend::sync::orders::pull::daily_tick;
use common::world::{Options, World};
use mocks::woocommerce as wm;

#[tokio::test]
async fn the_daily_tick_imports_a_missed_order_once_a_day() {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    let line_items = vec![wm::NewOrderLine { sku: "AS0016".into(), quantity: 1 }];
    let new = wm::NewOrder { line_items, status: Some("processing".into()), billing_email: None };
    let id = w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap()["id"].as_u64().unwrap();
    w.eventually(20, "the webhook stored", || async { w.app.scalar("SELECT count(*) FROM webhook_events").await >= 1 })
        .await;
    w.app.sql("DELETE FROM webhook_events").await;
    w.app.start_jobs();

    // The day's first moment and now: the same day whenever the test runs.
    let now = chrono::Utc::now();
    let midnight = now.date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc();
    let enqueued = daily_tick(&w.app.state, midnight).await.unwrap().expect("the first tick of the day runs");
    assert_eq!(enqueued, 1, "one pull job for the one account");
    w.eventually(20, "the missed order pulled", || async {
        w.app.scalar("SELECT count(*) FROM webhook_events").await >= 1
    })
    .await;
    let invoice = format!("WOO-{}-{id}", w.woo_connection);
    let sells =
        || w.prokip.state()["sells"].as_array().unwrap().iter().filter(|s| s["invoice_no"] == invoice.as_str()).count();
    w.eventually(20, "the missed order sold", || async { sells() == 1 }).await;

    let events = w.app.scalar("SELECT count(*) FROM webhook_events").await;
    assert_eq!(daily_tick(&w.app.state, now).await.unwrap(), None, "the day is claimed");
    assert_eq!(w.app.scalar("SELECT count(*) FROM webhook_events").await, events, "nothing pulled again");
    assert_eq!(sells(), 1);
}
