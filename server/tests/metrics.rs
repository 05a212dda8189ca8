//! `/metrics` as Prometheus reads it: the page parses, its counters move when a webhook arrives, a
//! sell is made and stock is pushed, `METRICS_TOKEN` closes it to anyone without the token, and no
//! label names a SKU or a store. Every server of this test process shares one recorder, so the
//! tests compare a scrape before with one after and never expect absolute values.

mod common;

use common::{TestApp, world::World};
use mocks::{shopify as sm, woocommerce as wm};
use prometheus_parse::{Scrape, Value};

const TOKEN: &str = "scrape-token-0123456789abcdef";

async fn scrape_with(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let request = app.client.get(app.url("/metrics"));
    match token {
        Some(t) => request.bearer_auth(t),
        None => request,
    }
    .send()
    .await
    .unwrap()
}

async fn scrape(app: &TestApp) -> Scrape {
    let r = scrape_with(app, None).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("the page parses as Prometheus text")
}

/// The sum of the samples of `metric` carrying every label of `labels` (0 when none do).
fn value(s: &Scrape, metric: &str, labels: &[(&str, &str)]) -> f64 {
    s.samples
        .iter()
        .filter(|x| x.metric == metric && labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
        .map(|x| match x.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => v,
            _ => 0.0,
        })
        .sum()
}

/// Waits until every check sees `after` above `before`.
async fn until_moved(w: &World, before: &Scrape, checks: &[(&str, &[(&str, &str)])]) -> Scrape {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let after = scrape(&w.app).await;
        let still = checks.iter().find(|(m, l)| value(&after, m, l) <= value(before, m, l));
        let Some((metric, labels)) = still else { return after };
        assert!(tokio::time::Instant::now() < deadline, "{metric} {labels:?} did not move");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn woo_paid_order(w: &World, sku: &str) {
    let line_items = vec![wm::NewOrderLine { sku: sku.into(), quantity: 1 }];
    let new = wm::NewOrder { line_items, status: Some("processing".into()), billing_email: None };
    w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_webhook_a_sell_and_a_push_move_their_counters() {
    let w = World::new().await;
    let before = scrape(&w.app).await;
    woo_paid_order(&w, "AS0001").await;
    let after = until_moved(
        &w,
        &before,
        &[
            (
                "prokip_sync_webhooks_total",
                &[("platform", "woocommerce"), ("topic", "order.created"), ("outcome", "received")],
            ),
            ("prokip_sync_webhook_intake_batch_size_count", &[]),
            ("prokip_sync_order_to_sell_seconds_count", &[("platform", "woocommerce")]),
            ("prokip_sync_stock_push_items_total", &[("platform", "shopify"), ("outcome", "written")]),
            ("prokip_sync_stock_push_seconds_count", &[("platform", "shopify")]),
            ("prokip_sync_job_runs_total", &[("queue", "process_webhook"), ("outcome", "succeeded")]),
            ("prokip_sync_platform_calls_total", &[("platform", "prokip"), ("outcome", "ok"), ("status", "2xx")]),
        ],
    )
    .await;
    // Read from the database at scrape time: every queue and problem kind has its gauge.
    for queue in app::backend::jobs::QUEUES {
        assert!(
            after
                .samples
                .iter()
                .any(|s| s.metric == "prokip_sync_job_queue_depth" && s.labels.get("queue") == Some(queue)),
            "{queue}"
        );
    }
    assert!(
        after.samples.iter().any(|s| s.metric == "prokip_sync_open_problems" && s.labels.get("kind") == Some("order"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_label_names_a_sku_or_a_store() {
    let w = World::new().await;
    let before = scrape(&w.app).await;
    woo_paid_order(&w, "AS0002").await;
    // A forged delivery whose unsigned topic header names a SKU and a store: refused, and counted
    // under a topic we know of.
    let forged = w
        .app
        .client
        .post(w.app.url("/connections/webhook/shopify"))
        .header("x-shopify-topic", "AS0002 demo-store")
        .header("x-shopify-shop-domain", sm::DEMO_SHOP)
        .header("x-shopify-hmac-sha256", "bm90IGEgc2lnbmF0dXJl")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let after = until_moved(
        &w,
        &before,
        &[
            ("prokip_sync_webhooks_total", &[("platform", "shopify"), ("outcome", "rejected")]),
            ("prokip_sync_order_to_sell_seconds_count", &[("platform", "woocommerce")]),
            ("prokip_sync_stock_push_seconds_count", &[("platform", "shopify")]),
        ],
    )
    .await;
    let store = w.woo.store_url(wm::DEMO_STORE);
    let forbidden = ["AS0", "demo-store", sm::DEMO_SHOP, store.as_str(), "127.0.0.1", "amina"];
    for sample in &after.samples {
        for (name, value) in sample.labels.iter() {
            for word in forbidden {
                assert!(!value.contains(word), "{} has label {name}={value}", sample.metric);
            }
        }
    }
}

#[tokio::test]
async fn a_token_closes_the_page_to_anyone_without_it() {
    let app = TestApp::spawn_with(&[("METRICS_TOKEN", TOKEN)]).await;
    for token in [None, Some("wrong-token-0123456789abcdef"), Some("")] {
        let r = scrape_with(&app, token).await;
        assert_eq!(r.status(), 401, "token {token:?}");
        assert_eq!(r.text().await.unwrap(), "", "a refused scrape shows nothing");
    }
    let r = app.client.get(app.url("/metrics")).header("authorization", format!("Basic {TOKEN}")).send().await.unwrap();
    assert_eq!(r.status(), 401, "only a bearer token opens it");
    let r = scrape_with(&app, Some(TOKEN)).await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let page = Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).unwrap();
    assert!(page.docs.contains_key("prokip_sync_job_queue_depth"), "{text}");
}

#[tokio::test]
async fn without_a_token_the_page_is_open_and_needs_no_session() {
    let app = TestApp::spawn().await;
    let page = scrape(&app).await;
    assert!(page.docs.contains_key("prokip_sync_open_problems"));
}

#[tokio::test]
async fn with_a_listener_of_its_own_the_main_port_has_no_metrics() {
    let app = TestApp::spawn_with(&[("METRICS_ADDR", "127.0.0.1:9464")]).await;
    let r = scrape_with(&app, None).await;
    assert_ne!(r.status(), 200, "the main port still serves /metrics");
    assert!(!r.text().await.unwrap().contains("prokip_sync_"));
}
