//! Connecting WooCommerce stores from the dashboard, against the WooCommerce mock: keys, the
//! one-click key grant, webhook registration and signed deliveries.

mod common;

use common::{TestApp, location};
use mocks::woocommerce::{self as wm, NewOrder, NewOrderLine, WooMock};
use reqwest::{Client, StatusCode};
use serde_json::json;

struct World {
    app: TestApp,
    woo: WooMock,
    browser: Client,
    store: String,
}

async fn world() -> World {
    let woo = WooMock::new();
    woo.seed_demo();
    let addr = mocks::serve(woo.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    woo.set_base_url(&format!("http://{addr}"));
    let app = TestApp::spawn_with(&[("ALLOW_PRIVATE_STORE_URLS", "true")]).await;
    let browser = app.new_browser();
    app.register(&browser, "amina", "correct horse", "Amina Traders").await;
    let store = woo.store_url(wm::DEMO_STORE);
    World { app, woo, browser, store }
}

impl World {
    async fn connect_with_keys(&self, key: &str, secret: &str) -> String {
        let form = [("store_url", self.store.as_str()), ("consumer_key", key), ("consumer_secret", secret)];
        let r = self.browser.post(self.app.url("/connections/woocommerce")).form(&form).send().await.unwrap();
        let to = location(&r);
        self.browser.get(self.app.url(&to)).send().await.unwrap().text().await.unwrap()
    }

    async fn connection_id(&self) -> i64 {
        self.app.scalar("SELECT id FROM connections WHERE platform = 'woocommerce'").await
    }
}

#[tokio::test]
async fn keys_connect_the_store_and_register_four_signed_webhooks() {
    let w = world().await;
    let html = w.connect_with_keys(wm::DEMO_CONSUMER_KEY, wm::DEMO_CONSUMER_SECRET).await;
    assert!(html.contains("is connected; 4 webhooks registered."), "{html}");
    // Connected from the dashboard: its stock waits for the merchant's review.
    assert!(html.contains(&w.store) && html.contains(">Review before first sync<"));

    let id = w.connection_id().await;
    let hooks = w.woo.webhooks(wm::DEMO_STORE);
    let mut topics: Vec<_> = hooks.iter().map(|h| h.topic.as_str()).collect();
    topics.sort();
    assert_eq!(topics, ["order.created", "order.deleted", "order.updated", "product.updated"]);
    let url = w.app.url(&format!("/connections/webhook/woocommerce/{id}"));
    assert!(
        hooks.iter().all(|h| h.delivery_url == url
            && h.secret.len() >= 32
            && h.secret.chars().all(|c| c.is_ascii_alphanumeric()))
    );
    // Woo pinged each new webhook, unsigned; we answered 200 and stored nothing.
    let pings: Vec<_> = w.woo.deliveries(wm::DEMO_STORE).into_iter().filter(|d| d.topic == "ping").collect();
    assert_eq!(pings.len(), 4);
    assert!(pings.iter().all(|d| d.status == Some(200)), "{pings:?}");
    assert_eq!(w.app.scalar("SELECT count(*) FROM webhook_events").await, 0);
    // The catalog is matched by a job, not inside the request (a large one would outlast it).
    let queued = format!(
        "SELECT count(*) FROM apalis.jobs WHERE job_type = 'index_catalog'
         AND (convert_from(job, 'UTF8')::jsonb->>'connection_id')::bigint = {id}"
    );
    assert_eq!(w.app.scalar(&queued).await, 1);

    // The keys are sealed at rest.
    let plain = w
        .app
        .scalar(&format!(
            "SELECT count(*) FROM connections WHERE position('{}'::bytea in credentials_enc) > 0",
            wm::DEMO_CONSUMER_SECRET
        ))
        .await;
    assert_eq!(plain, 0);
}

#[tokio::test]
async fn wrong_keys_and_non_woocommerce_sites_get_distinct_messages_and_store_nothing() {
    let w = world().await;
    let html = w.connect_with_keys(wm::DEMO_CONSUMER_KEY, "cs_wrong").await;
    assert!(html.contains("WooCommerce did not accept those keys"), "{html}");

    let form = [
        ("store_url", format!("{}/_control/not-woo", w.woo.base_url())),
        ("consumer_key", "ck_x".into()),
        ("consumer_secret", "cs_x".into()),
    ];
    let r = w.browser.post(w.app.url("/connections/woocommerce")).form(&form).send().await.unwrap();
    let html = w.browser.get(w.app.url(&location(&r))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("not a WooCommerce store"), "{html}");

    let form = [("store_url", "http://127.0.0.1:9/shop"), ("consumer_key", "ck_x"), ("consumer_secret", "cs_x")];
    let r = w.browser.post(w.app.url("/connections/woocommerce")).form(&form).send().await.unwrap();
    let html = w.browser.get(w.app.url(&location(&r))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("could not be reached"), "{html}");
    assert_eq!(w.app.scalar("SELECT count(*) FROM connections").await, 0);
}

#[tokio::test]
async fn private_store_addresses_are_refused_outside_demo_and_development() {
    let app = TestApp::spawn().await;
    let browser = app.new_browser();
    app.register(&browser, "amina", "correct horse", "A").await;
    let form = [("store_url", "http://127.0.0.1:4002/demo-store"), ("consumer_key", "ck"), ("consumer_secret", "cs")];
    let r = browser.post(app.url("/connections/woocommerce")).form(&form).send().await.unwrap();
    assert!(location(&r).starts_with("/connections?error="), "{}", location(&r));
    assert_eq!(app.scalar("SELECT count(*) FROM connections").await, 0);
}

#[tokio::test]
async fn the_one_click_key_grant_connects_the_store() {
    let w = world().await;
    let r = w
        .browser
        .post(w.app.url("/connections/woocommerce/grant"))
        .form(&[("store_url", w.store.as_str())])
        .send()
        .await
        .unwrap();
    let authorize = location(&r);
    assert!(authorize.starts_with(&format!("{}/wc-auth/v1/authorize?", w.store)), "{authorize}");
    assert!(authorize.contains("scope=read_write"));

    // The merchant approves on the store; the store posts the keys to us, then sends the browser back.
    let r = w.browser.get(format!("{authorize}&auto_approve=1")).send().await.unwrap();
    let back = location(&r);
    assert!(back.starts_with(&w.app.url("/connections/woocommerce/return?success=1")), "{back}");
    let r = w.browser.get(&back).send().await.unwrap();
    let html = w.browser.get(w.app.url(&location(&r))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("is connected."), "{html}");
    assert_eq!(w.woo.webhooks(wm::DEMO_STORE).len(), 4);
}

#[tokio::test]
async fn a_forged_key_grant_is_refused() {
    let w = world().await;
    let body = json!({"key_id": 1, "user_id": "1.9999999999.Zm9v.AAAA", "consumer_key": "ck_x", "consumer_secret": "cs_x", "key_permissions": "read_write"});
    let r = Client::new().post(w.app.url("/connections/woocommerce/callback")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(w.app.scalar("SELECT count(*) FROM connections").await, 0);
}

#[tokio::test]
async fn signed_order_deliveries_are_stored_once_and_forged_ones_refused() {
    let w = world().await;
    w.connect_with_keys(wm::DEMO_CONSUMER_KEY, wm::DEMO_CONSUMER_SECRET).await;
    let order = NewOrder {
        line_items: vec![NewOrderLine { sku: "AS0001".into(), quantity: 2 }],
        status: None,
        billing_email: None,
    };
    let created = w.woo.create_order(wm::DEMO_STORE, &order).await.unwrap();
    assert_eq!(w.app.scalar("SELECT count(*) FROM webhook_events WHERE topic = 'order.created'").await, 1);
    let stored =
        w.app.scalar(&format!("SELECT count(*) FROM webhook_events WHERE payload->>'id' = '{}'", created["id"])).await;
    assert_eq!(stored, 1);
    assert_eq!(
        w.app.scalar("SELECT count(*) FROM webhook_events WHERE enqueued_at IS NOT NULL").await,
        1,
        "queued for processing"
    );

    // The same delivery again (same order state) is not stored twice.
    let id = w.connection_id().await;
    let hook = w.woo.webhooks(wm::DEMO_STORE).into_iter().find(|h| h.topic == "order.created").unwrap();
    let body = serde_json::to_vec(&created).unwrap();
    let signature = wm::sign(&body, &hook.secret);
    let send = |sig: String| {
        Client::new()
            .post(w.app.url(&format!("/connections/webhook/woocommerce/{id}")))
            .header("content-type", "application/json")
            .header("x-wc-webhook-topic", "order.created")
            .header("x-wc-webhook-signature", sig)
            .body(body.clone())
            .send()
    };
    assert_eq!(send(signature).await.unwrap().status(), StatusCode::OK);
    assert_eq!(w.app.scalar("SELECT count(*) FROM webhook_events").await, 1);

    assert_eq!(send("AAAA".into()).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(w.app.scalar("SELECT count(*) FROM webhook_events").await, 1, "nothing stored on a bad signature");
    let last = w
        .app
        .scalar(&format!("SELECT count(*) FROM connections WHERE id = {id} AND last_webhook_at IS NOT NULL"))
        .await;
    assert_eq!(last, 1, "webhook health shows the last delivery");
}

#[tokio::test]
async fn a_store_of_another_account_is_refused_and_the_seed_json_route_reports_it() {
    let w = world().await;
    w.connect_with_keys(wm::DEMO_CONSUMER_KEY, wm::DEMO_CONSUMER_SECRET).await;
    let other = w.app.new_browser();
    w.app.register(&other, "bakari", "correct horse", "Bakari").await;
    let body =
        json!({"storeUrl": w.store, "consumerKey": wm::DEMO_CONSUMER_KEY, "consumerSecret": wm::DEMO_CONSUMER_SECRET});
    let r = other.post(w.app.url("/connections/woocommerce")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let err: serde_json::Value = r.json().await.unwrap();
    assert!(err["details"].as_str().unwrap().contains("another Prokip Sync account"), "{err}");
    assert_eq!(w.app.scalar("SELECT count(DISTINCT account_id) FROM connections").await, 1);
}

#[tokio::test]
async fn disconnecting_removes_our_webhooks_from_the_store() {
    let w = world().await;
    w.connect_with_keys(wm::DEMO_CONSUMER_KEY, wm::DEMO_CONSUMER_SECRET).await;
    let id = w.connection_id().await;
    let r = w
        .browser
        .post(w.app.url(&format!("/connections/{id}/disconnect")))
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    let html = w.browser.get(w.app.url(&location(&r))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("4 webhooks were removed from the store."), "{html}");
    assert!(w.woo.webhooks(wm::DEMO_STORE).is_empty());
}
