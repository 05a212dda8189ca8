//! An order event that gave up (Prokip answered 503 to every try) is in the activity log with its
//! reason and a Retry; pressing Retry once Prokip is back sells the order once and closes that
//! failure, so the dashboard no longer shows an open problem for an order that went through.

mod common;

use common::world::World;
use mocks::{
    faults::{FaultKind, FaultRule},
    woocommerce as wm,
};

#[tokio::test]
async fn retrying_an_event_that_gave_up_sells_it_once_and_closes_its_failure() {
    let w = World::new().await;
    let refuse = FaultKind::Status { status: 503, retry_after: None };
    let rule = FaultRule {
        path_prefix: "/connector/api/sell".into(),
        method: Some("POST".into()),
        kind: refuse,
        rate: 1.0,
        times: None,
    };
    w.prokip.faults().add(rule);
    let new = wm::NewOrder {
        line_items: vec![wm::NewOrderLine { sku: "AS0003".into(), quantity: 1 }],
        status: Some("processing".into()),
        billing_email: None,
    };
    let id = w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap()["id"].as_u64().unwrap();
    let open =
        "SELECT count(*) FROM activity WHERE status = 'failed' AND NOT resolved AND retry IS NOT NULL AND detail <> ''";
    w.eventually(60, "the event gives up, visibly", || async { w.app.scalar(open).await == 1 }).await;
    let entry = w.app.scalar("SELECT id FROM activity WHERE status = 'failed' AND NOT resolved").await;

    w.prokip.faults().clear();
    let r = w.browser.post(w.app.url(&format!("/activity/{entry}/retry"))).send().await.unwrap();
    assert!(common::location(&r).starts_with("/activity?notice="), "{}", common::location(&r));
    let invoice = format!("WOO-{}-{id}", w.woo_connection);
    let sells =
        || w.prokip.state()["sells"].as_array().unwrap().iter().filter(|s| s["invoice_no"] == invoice.as_str()).count();
    w.eventually(20, "the order is sold", || async { sells() == 1 }).await;
    w.eventually(10, "its failure is closed", || async { w.app.scalar(open).await == 0 }).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sells(), 1);
}
