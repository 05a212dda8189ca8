//! Alerts: a webhook URL set on Settings gets a JSON alert (Slack-compatible `text`) when an order
//! fails or a store comes to need attention, at most one of each kind an hour, and a daily digest
//! after 07:00 in the account's zone; every alert is listed with how the receiver answered.

mod common;

use axum::{Json, Router, extract::State, http::StatusCode, routing::post};
use common::{
    location, spawn,
    world::{Options, World},
};
use serde_json::Value;
use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU16, Ordering},
};

/// A local receiver: keeps every body and answers with the status it is told to.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Value>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    async fn start() -> (Receiver, String) {
        let r = Receiver::default();
        r.status.store(200, Ordering::SeqCst);
        async fn take(State(r): State<Receiver>, Json(body): Json<Value>) -> StatusCode {
            r.got.lock().unwrap().push(body);
            StatusCode::from_u16(r.status.load(Ordering::SeqCst)).unwrap()
        }
        let url = spawn(Router::new().route("/hook", post(take)).with_state(r.clone())).await;
        (r, format!("{url}/hook"))
    }

    fn bodies(&self) -> Vec<Value> {
        self.got.lock().unwrap().clone()
    }
}

/// Without the background workers: the housekeeping minute would send alerts at the real time
/// beside the ones each test sends at the time it chooses.
async fn quiet_world() -> World {
    World::with(Options { jobs: false }).await
}

async fn set_alerts(w: &World, url: &str, digest: bool) -> String {
    let mut form = vec![("alert_webhook_url", url)];
    if digest {
        form.push(("alert_digest", "on"));
    }
    location(&w.browser.post(w.app.url("/settings/alerts")).form(&form).send().await.unwrap())
}

async fn fail_an_order(w: &World, order: &str, why: &str) {
    w.app
        .sql(&format!(
            "INSERT INTO activity (account_id, kind, subject, status, detail, resolved, at, connection_id, order_id)
             VALUES ({}, 'order', 'Order {order} from the demo store', 'failed', '{why}', false, now(), {}, '{order}')",
            w.account_id, w.woo_connection
        ))
        .await;
}

async fn run_alerts(w: &World, now: chrono::DateTime<chrono::Utc>) -> u64 {
    app::backend::alerts::run(&w.app.state, now).await.unwrap()
}

#[tokio::test]
async fn a_failed_order_is_told_at_once_and_at_most_once_an_hour() {
    let w = quiet_world().await;
    let (receiver, url) = Receiver::start().await;
    assert!(set_alerts(&w, &url, false).await.contains("notice="));
    assert_eq!(run_alerts(&w, chrono::Utc::now()).await, 0, "nothing to tell yet");

    fail_an_order(&w, "#1001", "Prokip refused the sale: not enough stock of AS0001").await;
    let now = chrono::Utc::now();
    assert_eq!(run_alerts(&w, now).await, 1);
    let bodies = receiver.bodies();
    assert_eq!(bodies.len(), 1);
    let text = bodies[0]["text"].as_str().unwrap();
    assert!(text.contains("1 order failed") && text.contains("/activity?open=1"), "{text}");
    assert_eq!(bodies[0]["kind"], "order_failed");
    assert_eq!(bodies[0]["problems"][0]["detail"], "Prokip refused the sale: not enough stock of AS0001");

    // Another failure within the hour: kept for the next alert, not sent now.
    fail_an_order(&w, "#1002", "Prokip refused the sale: not enough stock of AS0002").await;
    assert_eq!(run_alerts(&w, now + chrono::Duration::minutes(1)).await, 0);
    assert_eq!(receiver.bodies().len(), 1, "at most one alert of a kind an hour");

    // An hour on: the failures since the last alert, in one.
    assert_eq!(run_alerts(&w, now + chrono::Duration::minutes(61)).await, 1);
    let last = receiver.bodies().pop().unwrap();
    assert_eq!(last["problems"].as_array().unwrap().len(), 1, "only what is new since the last alert: {last}");
    assert!(last["problems"][0]["subject"].as_str().unwrap().contains("#1002"));

    let settings = w.app.follow(&w.browser, "/settings").await;
    assert!(settings.contains("1 order failed") && settings.contains("yes, answered 200"), "listed on Settings");
}

#[tokio::test]
async fn a_store_needing_attention_is_told_and_an_unreachable_receiver_is_shown() {
    let w = quiet_world().await;
    let (receiver, url) = Receiver::start().await;
    set_alerts(&w, &url, false).await;
    receiver.status.store(500, Ordering::SeqCst);
    w.app
        .sql(&format!(
            "UPDATE connections SET status = 'needs_attention', status_reason = 'The store refused our keys (401).',
             updated_at = now() WHERE id = {}",
            w.woo_connection
        ))
        .await;
    assert_eq!(run_alerts(&w, chrono::Utc::now()).await, 1);
    let body = receiver.bodies().pop().unwrap();
    assert_eq!(body["kind"], "store_unhealthy");
    assert!(body["text"].as_str().unwrap().contains("needs attention"), "{body}");
    assert_eq!(body["problems"][0]["detail"], "The store refused our keys (401).");
    let settings = w.app.follow(&w.browser, "/settings").await;
    assert!(settings.contains("no: the receiver answered 500"), "the failed delivery is listed: {settings}");

    // A test alert on request says how it went, whatever was sent before.
    let r = w.browser.post(w.app.url("/settings/alerts/test")).send().await.unwrap();
    let page = w.app.follow(&w.browser, &location(&r)).await;
    assert!(page.contains("The test alert was not delivered: the receiver answered 500"), "{page}");
    receiver.status.store(200, Ordering::SeqCst);
    let r = w.browser.post(w.app.url("/settings/alerts/test")).send().await.unwrap();
    let page = w.app.follow(&w.browser, &location(&r)).await;
    assert!(page.contains("Test alert delivered (answered 200)."), "{page}");
    assert_eq!(receiver.bodies().last().unwrap()["kind"], "test");
}

#[tokio::test]
async fn the_digest_goes_once_a_day_after_seven_in_the_accounts_zone() {
    let w = quiet_world().await;
    let (receiver, url) = Receiver::start().await;
    set_alerts(&w, &url, true).await;
    w.app.sql(&format!("UPDATE accounts SET time_zone = 'Africa/Nairobi' WHERE id = {}", w.account_id)).await;
    let day = chrono::Utc::now().date_naive();
    // 06:30 and 07:30 in Nairobi (UTC+3).
    let before = day.and_hms_opt(3, 30, 0).unwrap().and_utc();
    let after = day.and_hms_opt(4, 30, 0).unwrap().and_utc();
    run_alerts(&w, before).await;
    assert!(receiver.bodies().iter().all(|b| b["kind"] != "digest"), "not before 07:00");
    run_alerts(&w, after).await;
    run_alerts(&w, after + chrono::Duration::minutes(30)).await;
    let digests: Vec<Value> = receiver.bodies().into_iter().filter(|b| b["kind"] == "digest").collect();
    assert_eq!(digests.len(), 1, "one a day");
    let text = digests[0]["text"].as_str().unwrap();
    assert!(text.contains("daily digest for") && text.contains("orders received"), "{text}");

    // Turned off: no digest the next day.
    set_alerts(&w, &url, false).await;
    run_alerts(&w, after + chrono::Duration::days(1)).await;
    assert_eq!(receiver.bodies().iter().filter(|b| b["kind"] == "digest").count(), 1);
}

#[tokio::test]
async fn a_bad_alert_address_is_refused_and_changes_nothing() {
    let w = quiet_world().await;
    let (_, url) = Receiver::start().await;
    assert!(set_alerts(&w, &url, true).await.contains("notice="));
    for bad in [
        "not a url",
        "ftp://example.com/hook",
        "javascript:alert(1)",
        &format!("https://x.example/{}", "a".repeat(2001)),
    ] {
        let to = set_alerts(&w, bad, true).await;
        assert!(to.contains("error=") && to.contains("field=alert_webhook_url"), "{bad}: {to}");
    }
    let kept = w.app.scalar(&format!("SELECT count(*) FROM account_settings WHERE alert_webhook_url = '{url}'")).await;
    assert_eq!(kept, 1, "the saved address stays");
    assert!(set_alerts(&w, "", false).await.contains("notice="));
    assert_eq!(w.app.scalar("SELECT count(*) FROM account_settings WHERE alert_webhook_url IS NOT NULL").await, 0);
}
