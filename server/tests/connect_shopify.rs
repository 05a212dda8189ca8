//! Connecting Shopify shops from the dashboard with OAuth, against the Shopify mock; and the
//! webhooks Shopify sends us (signed events, uninstall, compliance).

mod common;

use common::{TestApp, location};
use mocks::shopify::{self as sm, ShopifyMock};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

struct World {
    app: TestApp,
    shopify: ShopifyMock,
    browser: Client,
}

async fn world() -> World {
    let shopify = ShopifyMock::new(sm::DEMO_CLIENT_ID, sm::DEMO_CLIENT_SECRET);
    shopify.seed_demo();
    let addr = mocks::serve(shopify.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let template = format!("http://{addr}/{{shop}}");
    let app = TestApp::spawn_with(&[
        ("SHOPIFY_SHOP_URL_TEMPLATE", &template),
        ("SHOPIFY_CLIENT_ID", sm::DEMO_CLIENT_ID),
        ("SHOPIFY_CLIENT_SECRET", sm::DEMO_CLIENT_SECRET),
    ])
    .await;
    let browser = app.new_browser();
    app.register(&browser, "amina", "correct horse", "Amina Traders").await;
    World { app, shopify, browser }
}

impl World {
    /// Connect → Shopify's approval page → `decision` → our callback. Returns where we land.
    async fn install(&self, shop: &str, decision: &str) -> String {
        let r = self
            .browser
            .post(self.app.url("/connections/shopify/start"))
            .form(&[("store_url", shop)])
            .send()
            .await
            .unwrap();
        let authorize = location(&r);
        assert!(authorize.contains("/admin/oauth/authorize?"), "{authorize}");
        let r = self.browser.get(format!("{authorize}&decision={decision}")).send().await.unwrap();
        let callback = location(&r);
        assert!(callback.starts_with(&self.app.url("/connections/callback/shopify?")), "{callback}");
        let r = self.browser.get(&callback).send().await.unwrap();
        location(&r)
    }
}

#[tokio::test]
async fn oauth_connects_the_shop_registers_webhooks_and_lands_on_the_seed_success_url() {
    let w = world().await;
    let landed = w.install("demo-store", "approve").await;
    // The seed's address, and the id of the message the page shows once.
    assert!(landed.starts_with("/?shopify_success=true&store=demo-store.myshopify.com&notice="), "{landed}");
    let html = w.browser.get(w.app.url(&landed)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("demo-store.myshopify.com is connected."));

    let state: Value = w.shopify.state(sm::DEMO_SHOP).unwrap();
    let topics: Vec<&str> =
        state["subscriptions"].as_array().unwrap().iter().map(|s| s["topic"].as_str().unwrap()).collect();
    for t in
        ["orders/create", "orders/updated", "orders/cancelled", "refunds/create", "products/update", "app/uninstalled"]
    {
        assert!(topics.contains(&t), "{t} missing from {topics:?}");
    }
    let row = w.app.scalar("SELECT count(*) FROM connections WHERE platform = 'shopify' AND store_url = 'demo-store.myshopify.com' AND location_id IS NOT NULL").await;
    assert_eq!(row, 1);

    // Reconnecting updates the same connection and does not duplicate the subscriptions.
    w.install("demo-store.myshopify.com", "approve").await;
    assert_eq!(w.app.scalar("SELECT count(*) FROM connections").await, 1);
    let state: Value = w.shopify.state(sm::DEMO_SHOP).unwrap();
    assert_eq!(state["subscriptions"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn cancelling_on_shopify_or_a_tampered_callback_lands_on_the_seed_error_url() {
    let w = world().await;
    let landed = w.install("demo-store", "cancel").await;
    assert!(landed.starts_with("/?shopify_error="), "{landed}");
    assert!(landed.contains("declined"), "{landed}");

    let r = w
        .browser
        .post(w.app.url("/connections/shopify/start"))
        .form(&[("store_url", "demo-store")])
        .send()
        .await
        .unwrap();
    let authorize = location(&r);
    let r = w.browser.get(format!("{authorize}&decision=approve")).send().await.unwrap();
    let tampered = location(&r).replace("code=", "code=x");
    let landed = location(&w.browser.get(&tampered).send().await.unwrap());
    assert!(landed.contains("signature"), "{landed}");
    assert_eq!(w.app.scalar("SELECT count(*) FROM connections").await, 0);
}

#[tokio::test]
async fn a_callback_from_another_session_is_refused() {
    let w = world().await;
    let r = w
        .browser
        .post(w.app.url("/connections/shopify/start"))
        .form(&[("store_url", "demo-store")])
        .send()
        .await
        .unwrap();
    let r = w.browser.get(format!("{}&decision=approve", location(&r))).send().await.unwrap();
    let callback = location(&r);
    let attacker = w.app.new_browser();
    w.app.register(&attacker, "mallory", "correct horse", "M").await;
    let landed = location(&attacker.get(&callback).send().await.unwrap());
    assert!(landed.starts_with("/?shopify_error="), "{landed}");
    assert_eq!(w.app.scalar("SELECT count(*) FROM connections").await, 0);
}

#[tokio::test]
async fn bad_shop_names_are_refused_and_the_seed_initiate_route_answers_json() {
    let w = world().await;
    let r = w
        .browser
        .post(w.app.url("/connections/shopify/start"))
        .form(&[("store_url", "not a shop!")])
        .send()
        .await
        .unwrap();
    assert!(location(&r).starts_with("/connections?error="));
    let r = w
        .browser
        .post(w.app.url("/connections/shopify/initiate"))
        .json(&json!({"storeUrl": "demo-store"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["authUrl"]
            .as_str()
            .unwrap()
            .contains("demo-store.myshopify.com/admin/oauth/authorize?client_id=prokip-sync-demo")
    );
}

#[tokio::test]
async fn signed_order_webhooks_are_stored_once_and_unsigned_ones_refused() {
    let w = world().await;
    w.install("demo-store", "approve").await;
    let (order, deliveries) = w
        .shopify
        .create_order(
            sm::DEMO_SHOP,
            sm::NewOrder {
                line_items: vec![sm::NewOrderLine { sku: "AS0001".into(), quantity: 1 }],
                financial_status: "paid".into(),
            },
        )
        .await
        .unwrap();
    assert!(deliveries.iter().all(|d| d.status == Some(200)), "{deliveries:?}");
    let stored = w
        .app
        .scalar(&format!(
            "SELECT count(*) FROM webhook_events WHERE topic = 'orders/create' AND payload->>'id' = '{}'",
            order["id"]
        ))
        .await;
    assert_eq!(stored, 1);

    // Shopify retries deliver the same webhook id again: stored once.
    let first = deliveries.iter().find(|d| d.topic == "orders/create").unwrap();
    w.shopify.redeliver(sm::DEMO_SHOP, &first.webhook_id).await.unwrap();
    assert_eq!(w.app.scalar("SELECT count(*) FROM webhook_events WHERE topic = 'orders/create'").await, 1);

    let r = Client::new()
        .post(w.app.url("/connections/webhook/shopify"))
        .header("x-shopify-topic", "orders/create")
        .header("x-shopify-shop-domain", sm::DEMO_SHOP)
        .header("x-shopify-hmac-sha256", "bm90IGEgc2lnbmF0dXJl")
        .body(r#"{"id":1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(w.app.scalar("SELECT count(*) FROM webhook_events WHERE payload->>'id' = '1'").await, 0);
}

#[tokio::test]
async fn a_delivery_the_database_cannot_store_fails_alone_not_the_deliveries_written_with_it() {
    let w = world().await;
    w.install("demo-store", "approve").await;
    // A delivery id too long for the dedupe index (incompressible, over PostgreSQL's 2,704-byte
    // index row limit) arrives amid 30 good deliveries.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let huge: String = (0..6_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from_digit((x % 16) as u32, 16).unwrap()
        })
        .collect();
    let mut all: Vec<(String, u64)> = (0..30).map(|i| (format!("good-{i}"), 8_000 + i)).collect();
    all.insert(15, (huge, 9_000));
    let statuses =
        futures::future::join_all(all.iter().map(|(id, order)| deliver(&w, sm::DEMO_SHOP, id, *order))).await;
    let refused: Vec<usize> =
        statuses.iter().enumerate().filter(|(_, s)| **s != StatusCode::OK).map(|(i, _)| i).collect();
    assert_eq!(refused, vec![15], "{statuses:?}");
    assert_eq!(statuses[15], StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(w.app.scalar("SELECT count(*) FROM webhook_events WHERE dedupe_key LIKE 'good-%'").await, 30);
    // Beside the catalog match the install enqueued.
    assert_eq!(w.app.scalar("SELECT count(*) FROM apalis.jobs WHERE job_type <> 'index_catalog'").await, 30);
}

/// Posts one signed `orders/paid` delivery for `shop` with Shopify's delivery id `id`.
async fn deliver(w: &World, shop: &str, id: &str, order_id: u64) -> StatusCode {
    let body = json!({"id": order_id, "financial_status": "paid", "line_items": []}).to_string();
    Client::new()
        .post(w.app.url("/connections/webhook/shopify"))
        .header("x-shopify-topic", "orders/paid")
        .header("x-shopify-shop-domain", shop)
        .header("x-shopify-webhook-id", id)
        .header("x-shopify-hmac-sha256", sm::signing::sign_body(sm::DEMO_CLIENT_SECRET, body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_burst_of_deliveries_stores_each_event_once_with_exactly_one_job() {
    let w = world().await;
    w.install("demo-store", "approve").await;
    // 40 distinct deliveries, 10 copies of one more, and 5 for a shop nobody connected, all at once:
    // they are written together, many per statement.
    let distinct = (0..40).map(|i| (sm::DEMO_SHOP, format!("burst-{i}"), 5_000 + i));
    let copies = (0..10).map(|_| (sm::DEMO_SHOP, "burst-copy".to_owned(), 6_000));
    let strangers = (0..5).map(|i| ("nobody-here.myshopify.com", format!("stranger-{i}"), 7_000 + i));
    let all: Vec<_> = distinct.chain(copies).chain(strangers).collect();
    let statuses = futures::future::join_all(all.iter().map(|(shop, id, order)| deliver(&w, shop, id, *order))).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");

    assert_eq!(
        w.app.scalar("SELECT count(*) FROM webhook_events").await,
        41,
        "40 distinct + 1 of the copies; nothing for the stranger"
    );
    assert_eq!(w.app.scalar("SELECT count(*) FROM webhook_events WHERE enqueued_at IS NULL").await, 0);
    let jobs = "SELECT count(*) FROM apalis.jobs j JOIN webhook_events e ON e.id = (convert_from(j.job, 'UTF8')::jsonb->>'event_id')::bigint
                WHERE j.job_type = 'process_webhook'";
    assert_eq!(w.app.scalar(jobs).await, 41, "one job per stored event");
    let other = "SELECT count(*) FROM apalis.jobs WHERE job_type <> 'index_catalog'";
    assert_eq!(w.app.scalar(other).await, 41, "and no other (beside the install's catalog match)");
    let last_heard =
        "SELECT count(*) FROM connections WHERE platform = 'shopify' AND last_webhook_at > now() - interval '1 minute'";
    assert_eq!(w.app.scalar(last_heard).await, 1);

    // The jobs written beside the events are the rows apalis itself writes for the same job, so its
    // workers take them (pinned here: an apalis upgrade that changes its row would fail this).
    let event = w.app.scalar("SELECT min(id) FROM webhook_events").await;
    w.app.state.queues.process_webhook(event).await.unwrap();
    let columns = "job_type, job, status, attempts, max_attempts, priority, metadata::text, idempotency_key";
    let differing = format!(
        "SELECT count(*) FROM (SELECT DISTINCT {columns} FROM apalis.jobs WHERE convert_from(job, 'UTF8')::jsonb->>'event_id' = '{event}') AS rows"
    );
    assert_eq!(
        w.app
            .scalar(&format!(
                "SELECT count(*) FROM apalis.jobs WHERE convert_from(job, 'UTF8')::jsonb->>'event_id' = '{event}'"
            ))
            .await,
        2
    );
    assert_eq!(
        w.app.scalar(&differing).await,
        1,
        "the intake's job row and apalis's own are the same but for id and time"
    );
}

#[tokio::test]
async fn uninstalling_purges_credentials_and_compliance_redaction_blanks_payloads() {
    let w = world().await;
    w.install("demo-store", "approve").await;
    let (order, _) = w
        .shopify
        .create_order(
            sm::DEMO_SHOP,
            sm::NewOrder {
                line_items: vec![sm::NewOrderLine { sku: "AS0001".into(), quantity: 1 }],
                financial_status: "paid".into(),
            },
        )
        .await
        .unwrap();
    let redact = json!({ "shop_domain": sm::DEMO_SHOP, "customer": {"id": 1}, "orders_to_redact": [order["id"]] });
    // Compliance topics are configured in the app's settings, not subscribed: send it signed directly.
    let body = serde_json::to_vec(&redact).unwrap();
    let signature = sm::signing::sign_body(sm::DEMO_CLIENT_SECRET, &body);
    let r = Client::new()
        .post(w.app.url("/connections/webhook/shopify/compliance"))
        .header("x-shopify-topic", "customers/redact")
        .header("x-shopify-shop-domain", sm::DEMO_SHOP)
        .header("x-shopify-hmac-sha256", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        w.app.scalar("SELECT count(*) FROM webhook_events WHERE payload ? 'line_items'").await,
        0,
        "order payloads blanked"
    );

    w.shopify.deliver(sm::DEMO_SHOP, "app/uninstalled", json!({ "id": 1, "domain": sm::DEMO_SHOP })).await;
    let html = w.browser.get(w.app.url("/connections")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Uninstalled"), "{html}");
    assert_eq!(
        w.app.scalar("SELECT count(*) FROM connections WHERE credentials_enc IS NULL AND status = 'uninstalled'").await,
        1
    );
}

#[tokio::test]
async fn disconnecting_removes_our_subscriptions_from_the_shop() {
    let w = world().await;
    w.install("demo-store", "approve").await;
    let id = w.app.scalar("SELECT id FROM connections").await;
    let r = w
        .browser
        .post(w.app.url(&format!("/connections/{id}/disconnect")))
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    let html = w.browser.get(w.app.url(&location(&r))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("6 webhooks were removed from the store."), "{html}");
    let state: Value = w.shopify.state(sm::DEMO_SHOP).unwrap();
    assert!(state["subscriptions"].as_array().unwrap().is_empty());
}

/// A callback for the pending install, re-signed correctly after changing `field` to `value`.
async fn forged_callback(w: &World, field: &str, value: &str) -> String {
    let r = w
        .browser
        .post(w.app.url("/connections/shopify/start"))
        .form(&[("store_url", "demo-store")])
        .send()
        .await
        .unwrap();
    let r = w.browser.get(format!("{}&decision=approve", location(&r))).send().await.unwrap();
    let callback = location(&r);
    let (base, query) = callback.split_once('?').unwrap();
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k != "hmac")
        .collect();
    for p in pairs.iter_mut().filter(|(k, _)| k == field) {
        p.1 = value.to_owned();
    }
    let secret = app::backend::secret::Secret::new(sm::DEMO_CLIENT_SECRET);
    let hmac = app::backend::platforms::shopify::sign_query(&secret, &pairs);
    pairs.push(("hmac".into(), hmac));
    format!("{base}?{}", serde_urlencoded::to_string(&pairs).unwrap())
}

#[tokio::test]
async fn a_stale_or_foreign_state_callback_is_refused_even_when_correctly_signed() {
    let w = world().await;
    let old = (chrono::Utc::now().timestamp() - 600).to_string();
    let landed = location(&w.browser.get(forged_callback(&w, "timestamp", &old).await).send().await.unwrap());
    assert!(landed.starts_with("/?shopify_error=") && landed.contains("too+old"), "{landed}");

    let landed =
        location(&w.browser.get(forged_callback(&w, "state", "someone-elses-state").await).send().await.unwrap());
    assert!(landed.starts_with("/?shopify_error=") && landed.contains("does+not+belong"), "{landed}");
    assert_eq!(w.app.scalar("SELECT count(*) FROM connections").await, 0, "nothing stored");
}

#[tokio::test]
async fn compliance_webhooks_with_a_bad_hmac_are_refused() {
    let w = world().await;
    w.install("demo-store", "approve").await;
    for topic in ["customers/data_request", "customers/redact", "shop/redact"] {
        let r = Client::new()
            .post(w.app.url("/connections/webhook/shopify/compliance"))
            .header("x-shopify-topic", topic)
            .header("x-shopify-shop-domain", sm::DEMO_SHOP)
            .header("x-shopify-hmac-sha256", "d3Jvbmc=")
            .body(json!({ "shop_domain": sm::DEMO_SHOP }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{topic}");
    }
    assert_eq!(
        w.app.scalar("SELECT count(*) FROM connections WHERE credentials_enc IS NOT NULL").await,
        1,
        "nothing purged"
    );
}
