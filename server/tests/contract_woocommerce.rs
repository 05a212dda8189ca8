//! Contract tests: every WooCommerce client call against the WooCommerce mock — credential checks
//! (wrong keys, read-only keys, not WooCommerce, unreachable), paging, SKU lookups, batch limits
//! and per-item errors, product creation, webhooks with the unsigned ping and signed deliveries,
//! order catch-up, the key grant, and injected faults.

use app::backend::{
    platforms::{http::RetryPolicy, woocommerce::*},
    secret::Secret,
};
use axum::{Router, body::Bytes, extract::State, http::HeaderMap, routing::any};
use chrono::{Duration as ChronoDuration, Utc};
use mocks::{
    catalog::generated_catalog,
    faults::{FaultKind, FaultRule},
    woocommerce::{DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, DEMO_STORE, NewOrder, NewOrderLine, StoreKeys, WooMock},
};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

struct Env {
    mock: WooMock,
    base: String,
    http: reqwest::Client,
}

impl Env {
    async fn start() -> Env {
        let mock = WooMock::new();
        mock.seed_demo();
        let addr = mocks::serve(mock.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let base = format!("http://{addr}");
        mock.set_base_url(&base);
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Env { mock, base, http }
    }

    fn client_for(&self, store_path: &str, ck: &str, cs: &str, query_auth: bool) -> WooClient {
        let url = StoreUrl::parse(&format!("{}{store_path}", self.base), true).unwrap();
        WooClient::new(url, ck, Secret::new(cs), query_auth).with_retry(RetryPolicy {
            attempts: 3,
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
        })
    }

    fn demo(&self) -> WooClient {
        self.client_for(&format!("/{DEMO_STORE}"), DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, false)
    }

    fn store(&self, keys: &StoreKeys) -> WooClient {
        self.client_for(&keys.url_path, &keys.consumer_key, &keys.consumer_secret, false)
    }

    fn api(&self, path: &str) -> String {
        format!("{}/{DEMO_STORE}/wp-json/wc/v3{path}", self.base)
    }
}

/// What a tiny webhook receiver got.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// A local HTTP receiver answering `status` to everything and keeping what it got.
async fn receiver(status: u16) -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let app = Router::new().fallback(any(
        |State((inbox, status)): State<(Inbox, u16)>, uri: axum::http::Uri, headers: HeaderMap, body: Bytes| async move {
            inbox.lock().unwrap().push(Received { path: uri.path().to_owned(), headers, body });
            axum::http::StatusCode::from_u16(status).unwrap()
        },
    ));
    let addr = mocks::serve(app.with_state((inbox.clone(), status)), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    (format!("http://{addr}"), inbox)
}

fn header<'a>(r: &'a Received, name: &str) -> &'a str {
    r.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test]
async fn check_credentials_accepts_read_write_keys_by_header_or_query_string() {
    let env = Env::start().await;
    env.demo().check_credentials().await.unwrap();
    let query = env.client_for(&format!("/{DEMO_STORE}"), DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, true);
    query.check_credentials().await.unwrap();
}

#[tokio::test]
async fn wrong_keys_get_the_woocommerce_401_and_are_told_apart() {
    let env = Env::start().await;
    let resp = env.http.get(env.api("/products")).basic_auth(DEMO_CONSUMER_KEY, Some("cs_wrong")).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({"code":"woocommerce_rest_authentication_error","message":"Consumer secret is invalid.","data":{"status":401}})
    );
    let wrong_secret = env.client_for(&format!("/{DEMO_STORE}"), DEMO_CONSUMER_KEY, "cs_wrong", false);
    assert!(matches!(wrong_secret.check_credentials().await, Err(WooError::WrongKeys { .. })));
    let unknown_key = env.client_for(&format!("/{DEMO_STORE}"), "ck_nobody", "cs_nobody", true);
    assert!(matches!(unknown_key.check_credentials().await, Err(WooError::WrongKeys { .. })));
    let missing = env.http.get(env.api("/products")).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    let partial_oauth = env.http.get(env.api("/products?oauth_consumer_key=ck_x")).send().await.unwrap();
    let body: Value = partial_oauth.json().await.unwrap();
    assert_eq!(body["code"], "woocommerce_rest_authentication_missing_parameter");
}

#[tokio::test]
async fn read_only_keys_are_forbidden_for_sync() {
    let env = Env::start().await;
    let read_only = env.mock.add_key(DEMO_STORE, "read").unwrap();
    let client = env.store(&read_only);
    assert!(client.products().await.is_ok(), "read-only keys can read");
    assert!(matches!(client.check_credentials().await, Err(WooError::Forbidden { .. })));
}

#[tokio::test]
async fn wordpress_without_woocommerce_and_other_sites_are_not_woocommerce() {
    let env = Env::start().await;
    let wp = env.mock.create_wordpress_site("just-wp").unwrap();
    assert!(matches!(env.store(&wp).check_credentials().await, Err(WooError::NotWooCommerce { wordpress: true })));
    let html = env.client_for("/_control/not-woo", "ck", "cs", false);
    assert!(matches!(html.check_credentials().await, Err(WooError::NotWooCommerce { wordpress: false })));
    let nothing = env.client_for("/no-such-store", "ck", "cs", false);
    assert!(matches!(nothing.check_credentials().await, Err(WooError::NotWooCommerce { wordpress: false })));
}

#[tokio::test]
async fn a_closed_port_is_unreachable_and_the_error_never_shows_the_secret() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let url = StoreUrl::parse(&format!("http://127.0.0.1:{port}/shop"), true).unwrap();
    let client = WooClient::new(url, "ck_x", Secret::new("cs_topsecret"), true).with_retry(RetryPolicy::none());
    let err = client.check_credentials().await.unwrap_err();
    assert!(matches!(err, WooError::Unreachable { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("cs_topsecret"));
}

#[tokio::test]
async fn pages_are_limited_to_100_and_carry_paging_headers() {
    let env = Env::start().await;
    let auth = |r: reqwest::RequestBuilder| r.basic_auth(DEMO_CONSUMER_KEY, Some(DEMO_CONSUMER_SECRET));
    let too_big = auth(env.http.get(env.api("/products?per_page=101"))).send().await.unwrap();
    assert_eq!(too_big.status(), 400);
    let body: Value = too_big.json().await.unwrap();
    assert_eq!(body["code"], "rest_invalid_param");
    assert_eq!(body["data"]["params"]["per_page"], "per_page must be between 1 (inclusive) and 100 (inclusive)");
    let first = auth(env.http.get(env.api("/products"))).send().await.unwrap();
    assert_eq!(first.headers()["x-wp-total"], "40");
    assert_eq!(first.headers()["x-wp-totalpages"], "4");
    assert!(first.headers()["link"].to_str().unwrap().contains("page=2>; rel=\"next\""));
    assert_eq!(first.json::<Vec<Value>>().await.unwrap().len(), 10, "default page size");
}

#[tokio::test]
async fn all_variants_follows_pages_and_flattens_variations() {
    let env = Env::start().await;
    let keys = env.mock.create_store("big").unwrap();
    let catalog = generated_catalog(250);
    env.mock.seed_store("big", &catalog, |s| s.to_owned()).unwrap();
    let client = env.store(&keys);
    let variants = client.all_variants().await.unwrap();
    assert_eq!(variants.len(), catalog.iter().map(|p| p.variants.len()).sum::<usize>());
    assert!(catalog.len() > 100, "needs two pages of products");
    assert_eq!(env.mock.faults().count("GET /big/wp-json/wc/v3/products"), 2);
    let variation = variants.iter().find(|v| v.sku.as_deref() == Some("GEN000004-2")).unwrap();
    assert!(variation.variation_id.is_some() && variation.manage_stock);
    assert_eq!(variation.stock_quantity, Some(11));
    assert_eq!(variation.name, "Generated product 4 - B");
    let demo = env.demo().all_variants().await.unwrap();
    assert!(demo.iter().any(|v| v.sku.as_deref() == Some("as0040")), "the demo store spells one SKU differently");
}

#[tokio::test]
async fn products_by_sku_is_exact_and_includes_variations() {
    let env = Env::start().await;
    let found = env.demo().products_by_sku(&["AS0001", "AS0033-2", "AS0040", "AS000", "AS0001"]).await.unwrap();
    let mut skus: Vec<_> = found.iter().filter_map(|p| p.sku.clone()).collect();
    skus.sort();
    assert_eq!(skus, ["AS0001", "AS0033-2"]);
    let variation = found.iter().find(|p| p.kind == ProductKind::Variation).unwrap();
    let v = variation.as_variant().unwrap();
    assert_eq!((v.product_id, v.variation_id), (variation.parent_id, Some(variation.id)));
    let many: Vec<String> = (1..=32).map(|i| format!("AS{i:04}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(env.demo().products_by_sku(&many).await.unwrap().len(), 32, "looked up in chunks");
}

#[tokio::test]
async fn stock_updates_are_split_into_batches_of_100_with_per_item_errors() {
    let env = Env::start().await;
    let keys = env.mock.create_store("bulk").unwrap();
    env.mock.seed_store("bulk", &generated_catalog(600), |s| s.to_owned()).unwrap();
    let client = env.store(&keys);
    let variants = client.all_variants().await.unwrap();
    let mut updates: Vec<StockUpdate> = variants
        .iter()
        .filter(|v| v.variation_id.is_none())
        .take(248)
        .map(|v| StockUpdate { product_id: v.product_id, variation_id: None, stock_quantity: 77 })
        .collect();
    updates.push(StockUpdate { product_id: 999_999, variation_id: None, stock_quantity: 1 });
    updates.insert(10, StockUpdate { product_id: 999_998, variation_id: None, stock_quantity: 1 });
    let variation = variants.iter().find(|v| v.variation_id.is_some()).unwrap();
    updates.push(StockUpdate {
        product_id: variation.product_id,
        variation_id: variation.variation_id,
        stock_quantity: 3,
    });
    updates.push(StockUpdate { product_id: variation.product_id, variation_id: Some(999_997), stock_quantity: 3 });

    let results = client.batch_update_stock(&updates).await.unwrap();
    assert_eq!(results.len(), updates.len());
    assert!(results.iter().zip(&updates).all(|(r, u)| r.update == *u), "results follow input order");
    assert_eq!(env.mock.faults().count("POST /bulk/wp-json/wc/v3/products/batch"), 3, "250 simple updates → 3 calls");
    let vpath = format!("POST /bulk/wp-json/wc/v3/products/{}/variations/batch", variation.product_id);
    assert_eq!(env.mock.faults().count(&vpath), 1);
    let failed: Vec<_> = results
        .iter()
        .filter_map(|r| r.outcome.as_ref().err().map(|e| (r.update.product_id, e.code.clone())))
        .collect();
    assert_eq!(failed.len(), 3);
    assert!(failed.contains(&(999_999, "woocommerce_rest_product_invalid_id".into())));
    assert!(failed.contains(&(999_998, "woocommerce_rest_product_invalid_id".into())));
    assert!(failed.contains(&(variation.product_id, "woocommerce_rest_product_variation_invalid_id".into())));
    assert_eq!(results[0].outcome, Ok(Some(77)));
    assert_eq!(env.mock.stock_of("bulk", variation.sku.as_deref().unwrap()), Some(3));
}

#[tokio::test]
async fn a_batch_of_101_objects_is_refused_with_413() {
    let env = Env::start().await;
    let updates: Vec<Value> = (0..101).map(|i| json!({"id": i, "stock_quantity": 1})).collect();
    let resp = env
        .http
        .post(env.api("/products/batch"))
        .basic_auth(DEMO_CONSUMER_KEY, Some(DEMO_CONSUMER_SECRET))
        .json(&json!({"update": updates}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(resp.json::<Value>().await.unwrap()["code"], "woocommerce_rest_request_entity_too_large");
}

#[tokio::test]
async fn creates_simple_and_variable_products_and_refuses_duplicate_skus() {
    let env = Env::start().await;
    let client = env.demo();
    let simple = client.create_simple_product("Tea Towel", "NEW-1", Decimal::new(1250, 2), 9).await.unwrap();
    assert_eq!(
        (simple.sku.as_deref(), simple.stock_quantity, simple.price),
        (Some("NEW-1"), Some(9), Some(Decimal::new(1250, 2)))
    );
    let again = client.create_simple_product("Tea Towel", "NEW-1", Decimal::ONE, 1).await.unwrap_err();
    assert!(matches!(again, WooError::DuplicateSku { ref sku } if sku == "NEW-1"), "{again:?}");

    let variant = |option: &str, sku: &str| NewVariant {
        option: option.into(),
        sku: sku.into(),
        price: Decimal::new(30, 0),
        stock: 4,
    };
    let created = client
        .create_variable_product(
            "Kikoi",
            "KK",
            "Colour",
            &[variant("Red", "KK-R"), variant("Blue", "AS0001"), variant("Green", "KK-G")],
        )
        .await
        .unwrap();
    assert_eq!(created.variations.len(), 3);
    assert_eq!(created.variations[1].as_ref().unwrap_err().code, "product_invalid_sku");
    let red = created.variations[0].as_ref().unwrap();
    assert_eq!((red.sku.as_deref(), red.stock_quantity), (Some("KK-R"), Some(4)));
    let listed = client.variations(created.product.id).await.unwrap();
    assert_eq!(listed.len(), 2);
}

#[tokio::test]
async fn webhooks_are_created_pinged_unsigned_listed_reactivated_and_deleted() {
    let env = Env::start().await;
    let (url, inbox) = receiver(200).await;
    let client = env.demo();
    let hook =
        client.create_webhook(WebhookTopic::OrderCreated, &format!("{url}/woo"), &generate_secret()).await.unwrap();
    assert_eq!((hook.status.as_str(), hook.topic.as_str()), ("active", "order.created"));
    let ping = inbox.lock().unwrap()[0].clone();
    assert_eq!(ping.body, format!("webhook_id={}", hook.id));
    assert!(is_ping(Some(header(&ping, "content-type")), &ping.body));
    assert!(ping.headers.keys().all(|k| !k.as_str().starts_with("x-wc-")), "the ping is unsigned");

    assert!(client.list_webhooks().await.unwrap().iter().any(|w| w.id == hook.id));
    assert_eq!(client.activate_webhook(hook.id).await.unwrap().status, "active");
    let trash = env
        .http
        .delete(env.api(&format!("/webhooks/{}", hook.id)))
        .basic_auth(DEMO_CONSUMER_KEY, Some(DEMO_CONSUMER_SECRET));
    assert_eq!(trash.send().await.unwrap().status(), 501, "webhooks cannot be trashed");
    client.delete_webhook(hook.id).await.unwrap();
    assert!(client.list_webhooks().await.unwrap().is_empty());
    let bad = env.http.post(env.api("/webhooks")).basic_auth(DEMO_CONSUMER_KEY, Some(DEMO_CONSUMER_SECRET));
    let bad = bad.json(&json!({"topic": "order.paid", "delivery_url": url})).send().await.unwrap();
    assert_eq!(bad.json::<Value>().await.unwrap()["code"], "woocommerce_rest_shop_webhook_invalid_topic");
}

#[tokio::test]
async fn order_deliveries_are_signed_and_parse_as_orders() {
    let env = Env::start().await;
    let (url, inbox) = receiver(200).await;
    let client = env.demo();
    let secret = generate_secret();
    for topic in [WebhookTopic::OrderCreated, WebhookTopic::OrderUpdated, WebhookTopic::OrderDeleted] {
        client.create_webhook(topic, &format!("{url}/woo"), &secret).await.unwrap();
    }
    inbox.lock().unwrap().clear();
    let before = env.mock.stock_of(DEMO_STORE, "AS0002").unwrap();
    let order: Value = env
        .http
        .post(format!("{}/_control/stores/{DEMO_STORE}/orders", env.base))
        .json(&NewOrder {
            line_items: vec![NewOrderLine { sku: "AS0002".into(), quantity: 2 }],
            status: None,
            billing_email: None,
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(env.mock.stock_of(DEMO_STORE, "AS0002"), Some(before - 2), "a paid order takes stock off");
    let created = inbox.lock().unwrap()[0].clone();
    assert_eq!(created.path, "/woo");
    assert_eq!(header(&created, "x-wc-webhook-topic"), "order.created");
    assert_eq!(header(&created, "x-wc-webhook-source"), format!("{}/{DEMO_STORE}/", env.base));
    assert!(header(&created, "user-agent").contains("Hookshot"));
    assert!(verify_signature(&created.body, header(&created, "x-wc-webhook-signature"), &secret));
    assert!(!verify_signature(&created.body, header(&created, "x-wc-webhook-signature"), &generate_secret()));
    let parsed = Order::from_json(&created.body).unwrap();
    assert_eq!((parsed.id, parsed.status.as_str()), (order["id"].as_u64().unwrap(), "processing"));
    assert_eq!(parsed.line_items[0].sku.as_deref(), Some("AS0002"));
    assert_eq!((parsed.line_items[0].quantity, parsed.line_items[0].price), (2, Some(Decimal::new(125, 0))));

    let line_id = parsed.line_items[0].id;
    let refund = json!({"line_items": [{"line_item_id": line_id, "quantity": 1}], "restock": true});
    let refund_url = format!("{}/_control/stores/{DEMO_STORE}/orders/{}/refund", env.base, parsed.id);
    env.http.post(refund_url).json(&refund).send().await.unwrap().error_for_status().unwrap();
    let updated = inbox.lock().unwrap()[1].clone();
    assert_eq!(header(&updated, "x-wc-webhook-topic"), "order.updated");
    assert_eq!(Order::from_json(&updated.body).unwrap().refunds[0].total, Decimal::new(-12500, 2));
    assert_eq!(env.mock.stock_of(DEMO_STORE, "AS0002"), Some(before - 1));

    let delete_url = format!("{}/_control/stores/{DEMO_STORE}/orders/{}", env.base, parsed.id);
    env.http.delete(delete_url).send().await.unwrap().error_for_status().unwrap();
    let deleted = inbox.lock().unwrap()[2].clone();
    assert_eq!(header(&deleted, "x-wc-webhook-topic"), "order.deleted");
    assert_eq!(deleted.body, format!("{{\"id\":{}}}", parsed.id));
    assert!(verify_signature(&deleted.body, header(&deleted, "x-wc-webhook-signature"), &secret));
}

#[tokio::test]
async fn failing_deliveries_are_not_retried_and_disable_the_webhook_after_five() {
    let env = Env::start().await;
    let (url, inbox) = receiver(500).await;
    let client = env.demo();
    let hook = client.create_webhook(WebhookTopic::ProductUpdated, &url, &generate_secret()).await.unwrap();
    let product = client.products_by_sku(&["AS0003"]).await.unwrap()[0].id;
    for _ in 0..7 {
        env.mock.touch_product(DEMO_STORE, product).await.unwrap();
    }
    let received = inbox.lock().unwrap().clone();
    assert_eq!(received.len(), 7, "the ping and six deliveries, none retried");
    assert_eq!(
        received.iter().filter(|r| !r.headers.contains_key("x-wc-webhook-topic")).count(),
        1,
        "only the ping is unsigned"
    );
    assert_eq!(env.mock.deliveries(DEMO_STORE).iter().filter(|d| d.topic == "product.updated").count(), 6);
    let listed = client.list_webhooks().await.unwrap();
    assert_eq!(listed.iter().find(|w| w.id == hook.id).unwrap().status, "disabled");
    assert_eq!(client.activate_webhook(hook.id).await.unwrap().status, "active");
}

#[tokio::test]
async fn orders_modified_since_catches_up_on_any_status() {
    let env = Env::start().await;
    let since = Utc::now() - ChronoDuration::seconds(5);
    let line = |sku: &str| vec![NewOrderLine { sku: sku.into(), quantity: 1 }];
    env.mock
        .create_order(
            DEMO_STORE,
            &NewOrder {
                line_items: line("AS0033-1"),
                status: Some("pending".into()),
                billing_email: Some("a@b.example".into()),
            },
        )
        .await
        .unwrap();
    env.mock
        .create_order(DEMO_STORE, &NewOrder { line_items: line("AS0004"), status: None, billing_email: None })
        .await
        .unwrap();
    let orders = env.demo().orders_modified_since(since).await.unwrap();
    assert_eq!(orders.len(), 2);
    let pending = orders.iter().find(|o| o.status == "pending").unwrap();
    assert_eq!(pending.billing_email(), Some("a@b.example"));
    assert!(pending.line_items[0].variation_id.is_some() && pending.date_paid.is_none());
    assert!(orders.iter().any(|o| o.is_paid() && o.date_paid.is_some() && o.total.is_some()));
    let future = env.demo().orders_modified_since(Utc::now() + ChronoDuration::hours(1)).await.unwrap();
    assert!(future.is_empty());
}

#[tokio::test]
async fn the_key_grant_posts_keys_to_the_callback_and_redirects_back() {
    let env = Env::start().await;
    let (cb, inbox) = receiver(200).await;
    let store = StoreUrl::parse(&format!("{}/{DEMO_STORE}", env.base), true).unwrap();
    let url = auth_url(&store, "Prokip Sync", "acct-7", "https://app.example/back", &format!("{cb}/wc/callback"));
    let page = env.http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Approve") && page.contains("Deny") && page.contains("Prokip Sync"));
    assert!(page.contains("https://app.example/back?success=0&amp;user_id=acct-7"));

    let approved = env.http.get(format!("{url}&auto_approve=1")).send().await.unwrap();
    assert_eq!(approved.status(), 302);
    assert_eq!(approved.headers()["location"], "https://app.example/back?success=1&user_id=acct-7");
    let grant = KeyGrant::from_json(&inbox.lock().unwrap()[0].body).unwrap();
    assert_eq!((grant.user_id.as_str(), grant.key_permissions.as_str()), ("acct-7", "read_write"));
    let client = WooClient::new(store, grant.consumer_key.clone(), grant.consumer_secret.clone(), false);
    client.check_credentials().await.unwrap();
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_and_a_lasting_503_is_unavailable() {
    let env = Env::start().await;
    let path_prefix = format!("/{DEMO_STORE}/wp-json/wc/v3/products");
    let rule = |kind, times| FaultRule { path_prefix: path_prefix.clone(), method: None, kind, rate: 1.0, times };
    env.mock.faults().add(rule(FaultKind::Status { status: 429, retry_after: Some(0.05) }, Some(1)));
    assert_eq!(env.demo().products().await.unwrap().len(), 40);
    assert_eq!(env.mock.faults().injected(), 1);
    assert_eq!(env.mock.faults().count(&format!("GET {path_prefix}")), 2, "one page of 40, asked twice");
    env.mock.faults().add(rule(FaultKind::Status { status: 503, retry_after: None }, None));
    assert!(matches!(env.demo().products().await, Err(WooError::Unavailable { status: 503 })));
}

/// Most requests a store answered at once: (catalog pages, variation lists).
#[derive(Default)]
struct InFlight {
    now: [std::sync::atomic::AtomicUsize; 2],
    most: [std::sync::atomic::AtomicUsize; 2],
}

#[tokio::test]
async fn a_catalog_read_sends_four_reads_at_once_and_never_more() {
    use std::sync::atomic::Ordering::SeqCst;
    let mock = WooMock::new();
    let keys = mock.create_store("wide").unwrap();
    let catalog = generated_catalog(1_000);
    mock.seed_store("wide", &catalog, |s| s.to_owned()).unwrap();
    // Every catalog read answers 50 ms late; the store counts how many it is answering at once.
    let slow = FaultRule {
        path_prefix: "/wide/wp-json/wc/v3/products".into(),
        method: Some("GET".into()),
        kind: FaultKind::Latency { ms: 50 },
        rate: 1.0,
        times: None,
    };
    mock.faults().add(slow);
    let seen = Arc::new(InFlight::default());
    let counter = seen.clone();
    let router = mock.router().layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            let seen = counter.clone();
            async move {
                let path = req.uri().path();
                let kind = [path.ends_with("/products"), path.ends_with("/variations")].iter().position(|k| *k);
                if let Some(k) = kind {
                    seen.most[k].fetch_max(seen.now[k].fetch_add(1, SeqCst) + 1, SeqCst);
                }
                let resp = next.run(req).await;
                if let Some(k) = kind {
                    seen.now[k].fetch_sub(1, SeqCst);
                }
                resp
            }
        },
    ));
    let addr = mocks::serve(router, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let url = StoreUrl::parse(&format!("http://{addr}{}", keys.url_path), true).unwrap();
    let client = WooClient::new(url, &keys.consumer_key, Secret::new(&keys.consumer_secret), false);

    let variants = client.all_variants().await.unwrap();
    let skus: Vec<String> = catalog.iter().flat_map(|p| p.variants.iter().map(|v| v.sku.clone())).collect();
    let mut got: Vec<String> = variants.iter().filter_map(|v| v.sku.clone()).collect();
    got.sort();
    let mut want = skus.clone();
    want.sort();
    assert_eq!(got, want, "every SKU once");
    let pages = catalog.len().div_ceil(100) as u64;
    let variable = catalog.iter().filter(|p| p.kind == "variable").count() as u64;
    assert!(pages > 4 && variable > 8, "{pages} pages, {variable} variable products");
    let counts = mock.faults().counts();
    let reads = |suffix: &str| counts.iter().filter(|(k, _)| k.ends_with(suffix)).map(|(_, n)| n).sum::<u64>();
    assert_eq!((reads("/products"), reads("/variations")), (pages, variable), "each page and list read once");
    let most = [seen.most[0].load(SeqCst), seen.most[1].load(SeqCst)];
    assert_eq!(most, [4, 4], "catalog pages, variation lists read at once");
}
