//! Alerts: a webhook URL set on Settings gets a JSON alert (Slack-compatible `text`) when an order
//! fails or a store comes to need attention, at most one of each kind an hour, and a daily digest
//! after 07:00 in the account's zone; every alert is listed with how the receiver answered. The
//! same alerts are e-mailed through the server's relay, here a real SMTP server (aiosmtpd).

mod common;

use axum::{Json, Router, extract::State, http::StatusCode, routing::post};
use common::{
    location,
    smtp::SmtpSink,
    spawn,
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
    World::with(Options { jobs: false, ..Default::default() }).await
}

/// Without workers, with the server's mail relay set to `relay` (an `smtp://` URL).
async fn world_with_relay(relay: &str) -> World {
    let vars = vec![("SMTP_URL", relay.to_owned()), ("SMTP_FROM", "Prokip Sync <alerts@example.com>".to_owned())];
    World::with(Options { jobs: false, vars }).await
}

async fn set_alerts(w: &World, url: &str, digest: bool) -> String {
    set_alerts_to(w, url, "", digest).await
}

async fn set_alerts_to(w: &World, url: &str, email: &str, digest: bool) -> String {
    let mut form = vec![("alert_webhook_url", url), ("alert_email", email)];
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

const RELAY_LOGIN: (&str, &str) = ("relay-user", "relay pass/word");

async fn test_alert(w: &World) -> String {
    let r = w.browser.post(w.app.url("/settings/alerts/test")).send().await.unwrap();
    w.app.follow(&w.browser, &location(&r)).await
}

#[tokio::test]
async fn alerts_are_emailed_through_an_authenticated_relay_at_most_once_a_kind_an_hour() {
    let sink = SmtpSink::start(Some(RELAY_LOGIN));
    // The password's space and slash travel percent-encoded, as SMTP_URL documents.
    let w = world_with_relay(&sink.url(Some(("relay-user", "relay%20pass%2Fword")))).await;
    let saved = set_alerts_to(&w, "", "owner@example.com, Ops@Example.com", false).await;
    assert!(saved.contains("notice="), "{saved}");

    fail_an_order(&w, "#1001", "Prokip refused the sale: not enough stock of AS0001").await;
    let now = chrono::Utc::now();
    assert_eq!(run_alerts(&w, now).await, 1);
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.login.as_deref(), Some("relay-user"), "authenticated with the relay's login");
    assert_eq!(m.mail_from, "alerts@example.com");
    assert_eq!(m.rcpt_tos, ["owner@example.com", "Ops@Example.com"]);
    assert!(m.from.contains("Prokip Sync <alerts@example.com>"), "{}", m.from);
    assert_eq!(m.content_type, "text/plain");
    assert!(m.message_id.contains('@'), "a Message-ID: {}", m.message_id);
    assert_eq!(m.subject, "Prokip Sync — Amina Traders: 1 order failed");
    assert!(m.body.contains("/activity?open=1"), "{}", m.body);
    assert!(
        m.body.contains("Order #1001 from the demo store") && m.body.contains("not enough stock of AS0001"),
        "one line per problem: {}",
        m.body
    );

    // Within the hour: nothing more; an hour on, what is new since, in one e-mail.
    fail_an_order(&w, "#1002", "Prokip refused the sale: not enough stock of AS0002").await;
    assert_eq!(run_alerts(&w, now + chrono::Duration::minutes(1)).await, 0);
    assert_eq!(sink.mails().len(), 1, "at most one alert of a kind an hour");
    assert_eq!(run_alerts(&w, now + chrono::Duration::minutes(61)).await, 1);
    let last = sink.mails().pop().unwrap();
    assert!(last.body.contains("#1002") && !last.body.contains("#1001"), "only what is new: {}", last.body);

    let relay = format!("accepted by 127.0.0.1:{}", sink.port);
    let settings = w.app.follow(&w.browser, "/settings").await;
    assert!(settings.contains(&format!("yes, {relay}")), "listed on Settings with the relay's answer");
    assert!(settings.contains("owner@example.com, Ops@Example.com"), "the addresses are shown");

    // Both ways at once: each answer is said.
    let (receiver, url) = Receiver::start().await;
    set_alerts_to(&w, &url, "owner@example.com", false).await;
    let page = test_alert(&w).await;
    assert!(page.contains(&format!("Test alert delivered (webhook answered 200; e-mail {relay}).")), "{page}");
    assert_eq!(receiver.bodies().len(), 1);
    let test = sink.mails().pop().unwrap();
    assert_eq!(
        (test.subject.as_str(), test.rcpt_tos.as_slice()),
        ("Prokip Sync — Amina Traders: A test alert", &["owner@example.com".to_owned()][..])
    );
}

#[tokio::test]
async fn a_relay_that_refuses_the_login_is_shown_as_not_delivered() {
    let sink = SmtpSink::start(Some(RELAY_LOGIN));
    let w = world_with_relay(&sink.url(Some(("relay-user", "wrong")))).await;
    set_alerts_to(&w, "", "owner@example.com", false).await;
    let page = test_alert(&w).await;
    assert!(
        page.contains(&format!("The test alert was not delivered: the mail relay 127.0.0.1:{} refused it", sink.port)),
        "{page}"
    );
    assert!(sink.mails().is_empty());
    fail_an_order(&w, "#1003", "Prokip refused the sale").await;
    assert_eq!(run_alerts(&w, chrono::Utc::now()).await, 1, "claimed and tried once");
    let settings = w.app.follow(&w.browser, "/settings").await;
    assert!(settings.contains("no: the mail relay"), "the failed delivery is listed: {settings}");
}

#[tokio::test]
async fn bad_or_unsendable_email_addresses_are_refused_and_change_nothing() {
    let sink = SmtpSink::start(None);
    let w = world_with_relay(&sink.url(None)).await;
    assert!(set_alerts_to(&w, "", "owner@example.com", true).await.contains("notice="));
    let six = (1..=6).map(|i| format!("u{i}@example.com")).collect::<Vec<_>>().join(", ");
    for bad in ["not an address", "owner@", "owner@example.com, @example.com", "a b@example.com", &six] {
        let to = set_alerts_to(&w, "", bad, true).await;
        assert!(to.contains("error=") && to.contains("field=alert_email"), "{bad}: {to}");
    }
    let kept = "SELECT count(*) FROM account_settings WHERE alert_email = 'owner@example.com'";
    assert_eq!(w.app.scalar(kept).await, 1, "the saved address stays");

    // A server without a relay says so and keeps nothing.
    let plain = quiet_world().await;
    let to = set_alerts_to(&plain, "", "owner@example.com", true).await;
    assert!(to.contains("field=alert_email"), "{to}");
    let page = plain.app.follow(&plain.browser, &to).await;
    assert!(page.contains("This server does not send e-mail yet"), "{page}");
    assert_eq!(plain.app.scalar("SELECT count(*) FROM account_settings WHERE alert_email IS NOT NULL").await, 0);
    let settings = plain.app.follow(&plain.browser, "/settings").await;
    assert!(settings.contains("E-mail is not set up on this server"), "Settings says why the field is off");
}
