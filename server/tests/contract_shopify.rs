//! Contract tests: every Shopify client call against the Shopify mock — OAuth install with signed
//! redirects and rotating refresh tokens, GraphQL reads and writes, compare-and-set, idempotency,
//! the 250-item limit, cost throttling, injected faults, and signed webhook deliveries.

use app::backend::{
    platforms::{http::RetryPolicy, shopify::*},
    secret::Secret,
};
use axum::{body::Bytes, http::HeaderMap, routing::post};
use chrono::{Duration as ChronoDuration, Utc};
use mocks::{
    catalog::{demo_catalog, demo_store_sku},
    faults::{FaultKind, FaultRule},
    shopify::{DEMO_SHOP, NewOrder, NewOrderLine, RefundLineInput, ShopifyMock},
};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

const CLIENT_ID: &str = "client-1";
const CLIENT_SECRET: &str = "secret-1";

struct Env {
    mock: ShopifyMock,
    base: String,
}

impl Env {
    async fn start() -> Env {
        let mock = ShopifyMock::new(CLIENT_ID, CLIENT_SECRET);
        mock.seed_demo();
        let addr = mocks::serve(mock.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        Env { mock, base: format!("http://{addr}") }
    }

    fn app(&self, secret: &str) -> ShopifyApp {
        let mut app = ShopifyApp::new(CLIENT_ID, Secret::new(secret), "http://127.0.0.1:9/shopify/callback")
            .with_shop_url_template(format!("{}/{{shop}}", self.base));
        app.retry = RetryPolicy { attempts: 3, base: Duration::from_millis(10), cap: Duration::from_millis(50) };
        app
    }

    fn shop(&self) -> ShopDomain {
        ShopDomain::parse(DEMO_SHOP).unwrap()
    }

    fn client(&self) -> ShopifyClient {
        self.app(CLIENT_SECRET).client(&self.shop(), Secret::new(self.mock.issue_token(DEMO_SHOP).unwrap()))
    }

    fn location(&self) -> String {
        self.mock.primary_location(DEMO_SHOP).unwrap()
    }

    fn stock(&self, sku: &str) -> Option<i64> {
        self.mock.available(DEMO_SHOP, sku)
    }

    fn item_id(&self, sku: &str) -> String {
        self.mock.inventory_item_id(DEMO_SHOP, sku).unwrap()
    }

    async fn set(&self, client: &ShopifyClient, items: &[SetItem], key: &str) -> SetOutcome {
        client.set_available(&self.location(), items, key, &format!("gid://prokip-sync/SyncRun/{key}")).await.unwrap()
    }

    fn fault(&self, kind: FaultKind, times: Option<u32>) {
        let path_prefix = format!("/{DEMO_SHOP}/admin/api/");
        self.mock.faults().add(FaultRule { path_prefix, method: None, kind, rate: 1.0, times });
    }

    fn graphql_calls(&self) -> u64 {
        self.mock.faults().count(&format!("POST /{DEMO_SHOP}/admin/api/2026-01/graphql.json"))
    }
}

/// Follows one redirect back to the app and returns the callback's query pairs.
async fn redirected(url: String) -> Vec<(String, String)> {
    let resp = no_redirects().get(url).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    callback_pairs(resp.headers()["location"].to_str().unwrap())
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn callback_pairs(location: &str) -> Vec<(String, String)> {
    assert!(location.starts_with("http://127.0.0.1:9/shopify/callback?"), "{location}");
    reqwest::Url::parse(location).unwrap().query_pairs().into_owned().collect()
}

#[tokio::test]
async fn oauth_install_exchange_and_refresh_rotation() {
    let env = Env::start().await;
    let app = env.app(CLIENT_SECRET);
    let state = ShopifyApp::new_state();
    let pairs = redirected(format!("{}&auto_approve=1", app.authorize_url(&env.shop(), &state))).await;
    let cb = app.verify_callback(&pairs, &state, Utc::now()).unwrap();
    assert_eq!(cb.shop, env.shop());
    assert_eq!(app.verify_callback(&pairs, "another-state", Utc::now()), Err(CallbackError::StateMismatch));
    assert_eq!(
        app.verify_callback(&pairs, &state, Utc::now() + ChronoDuration::seconds(120)),
        Err(CallbackError::Stale)
    );
    let mut forged = pairs.clone();
    forged.iter_mut().find(|(k, _)| k == "shop").unwrap().1 = "other.myshopify.com".into();
    assert_eq!(app.verify_callback(&forged, &state, Utc::now()), Err(CallbackError::BadHmac));

    let first = app.exchange_code(&cb.shop, &cb.code).await.unwrap();
    assert_eq!(first.scope, SCOPES);
    let expires_in = first.expires_at.unwrap() - Utc::now();
    assert!(expires_in > ChronoDuration::seconds(3500) && expires_in <= ChronoDuration::seconds(3600));
    assert!(first.refresh_expires_at.unwrap() > Utc::now() + ChronoDuration::days(30));
    assert_eq!(app.client(&cb.shop, first.access.clone()).shop().await.unwrap().myshopify_domain, DEMO_SHOP);
    let reused = app.exchange_code(&cb.shop, &cb.code).await.unwrap_err();
    assert!(
        matches!(reused, ShopifyError::TokenRejected { status: 400, ref error, .. } if error == "invalid_request"),
        "{reused:?}"
    );

    let r1 = first.refresh.unwrap();
    let second = app.refresh(&cb.shop, &r1).await.unwrap();
    let r2 = second.refresh.clone().unwrap();
    assert_ne!(r2, r1);
    // Until the replacement is used the old token still works (lost-response recovery)…
    let again = app.refresh(&cb.shop, &r1).await.unwrap();
    assert!(again.refresh.is_some());
    let third = app.refresh(&cb.shop, &r2).await.unwrap();
    // …once it is, the old one is dead.
    assert!(matches!(app.refresh(&cb.shop, &r1).await, Err(ShopifyError::TokenRejected { status: 400, .. })));
    assert!(app.client(&cb.shop, third.access).locations().await.is_ok());

    let wrong = env.app("wrong-secret").refresh(&cb.shop, &third.refresh.unwrap()).await.unwrap_err();
    assert!(matches!(wrong, ShopifyError::TokenRejected { status: 400, .. }));
}

#[tokio::test]
async fn the_install_page_offers_approve_and_cancel_and_cancel_is_a_signed_denial() {
    let env = Env::start().await;
    let app = env.app(CLIENT_SECRET);
    let page = no_redirects().get(app.authorize_url(&env.shop(), "s1")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(">Approve</button>") && html.contains(">Cancel</button>"), "{html}");

    let pairs = redirected(format!("{}&decision=approve", app.authorize_url(&env.shop(), "s1"))).await;
    assert!(app.verify_callback(&pairs, "s1", Utc::now()).is_ok(), "clicking Approve redirects with a code");

    let url = format!(
        "{}/_control/shops/{DEMO_SHOP}/authorize-url?client_id={CLIENT_ID}&state=s1&decision=cancel&redirect_uri=http://127.0.0.1:9/shopify/callback",
        env.base
    );
    let answer: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    let pairs = callback_pairs(answer["location"].as_str().unwrap());
    assert_eq!(app.verify_callback(&pairs, "s1", Utc::now()), Err(CallbackError::AccessDenied));

    let wrong_client = app.authorize_url(&env.shop(), "s1").replace(CLIENT_ID, "someone-else");
    assert_eq!(no_redirects().get(format!("{wrong_client}&auto_approve=1")).send().await.unwrap().status(), 422);
}

#[tokio::test]
async fn reads_shop_locations_variants_and_levels() {
    let env = Env::start().await;
    let client = env.client().with_page_size(7);
    let shop = client.shop().await.unwrap();
    assert_eq!((shop.name.as_str(), shop.currency_code.as_str()), ("Demo Store", "KES"));
    let locations = client.locations().await.unwrap();
    assert_eq!(locations.iter().map(|l| l.id.clone()).collect::<Vec<_>>(), vec![env.location()]);

    let all = client.all_variants().await.unwrap();
    let catalog: Vec<_> = demo_catalog().into_iter().flat_map(|p| p.variants).collect();
    assert_eq!(all.len(), catalog.len(), "paged through every variant, 7 at a time");
    let page = client.product_variants(None, None).await.unwrap();
    assert_eq!(page.items.len(), 7);
    assert!(page.next_cursor.is_some());

    let found = client.variants_by_sku(&["AS0001", "AS0040", "as0040", "AS0033-2"]).await.unwrap();
    let mut skus: Vec<_> = found.iter().filter_map(|v| v.sku.clone()).collect();
    skus.sort();
    assert_eq!(skus, ["AS0001", "AS0033-2", "as0040"], "exact, case-sensitive SKU match");
    let shirt = found.iter().find(|v| v.sku.as_deref() == Some("AS0033-2")).unwrap();
    assert_eq!((shirt.title.as_str(), shirt.product_title.as_str(), shirt.tracked), ("M", "Ankara Shirt", true));

    let items: Vec<&str> = found.iter().map(|v| v.inventory_item_id.as_str()).collect();
    let levels = client.inventory_levels(&items, &env.location()).await.unwrap();
    for v in &found {
        let sku = v.sku.as_deref().unwrap();
        let stock = catalog.iter().find(|c| demo_store_sku(&c.sku) == sku).unwrap().stock;
        assert_eq!(levels[&v.inventory_item_id], Some(i64::try_from(stock).unwrap()), "{sku}");
    }
}

fn item(id: &str, quantity: i64, change_from_quantity: Option<i64>) -> SetItem {
    SetItem { inventory_item_id: id.into(), quantity, change_from_quantity }
}

#[tokio::test]
async fn set_available_compare_and_set_and_idempotency() {
    let env = Env::start().await;
    let client = env.client();
    let (a, b) = (env.item_id("AS0001"), env.item_id("AS0002"));
    let (qa, qb) = (env.stock("AS0001").unwrap(), env.stock("AS0002").unwrap());

    let ok = env.set(&client, &[item(&a, 40, Some(qa)), item(&b, 41, None)], "key-1").await;
    assert!(ok.applied(), "{ok:?}");
    let deltas: Vec<_> = ok.changes.iter().map(|c| (c.inventory_item_id.as_str(), c.delta)).collect();
    assert_eq!(deltas, [(a.as_str(), 40 - qa), (b.as_str(), 41 - qb)]);
    assert_eq!((env.stock("AS0001"), env.stock("AS0002")), (Some(40), Some(41)));

    // Second item stale: Shopify rejects the call as a whole and names the item.
    let stale = env.set(&client, &[item(&a, 1, Some(40)), item(&b, 2, Some(qb))], "key-2").await;
    assert!(!stale.applied());
    assert_eq!(stale.errors.len(), 1);
    assert_eq!((&stale.errors[0].code, stale.errors[0].item), (&InventoryErrorCode::ChangeFromQuantityStale, Some(1)));
    assert_eq!((env.stock("AS0001"), env.stock("AS0002")), (Some(40), Some(41)));

    // A retried call with the same key gives the first answer and is not applied again.
    env.mock.merchant_sets_available(DEMO_SHOP, "AS0001", 5).await.unwrap();
    assert_eq!(env.set(&client, &[item(&a, 40, Some(qa)), item(&b, 41, None)], "key-1").await, ok);
    assert_eq!(env.stock("AS0001"), Some(5));
    let mismatch = env.set(&client, &[item(&a, 9, None)], "key-1").await;
    assert_eq!(mismatch.errors[0].code, InventoryErrorCode::IdempotencyKeyParameterMismatch);
    assert_eq!(env.stock("AS0001"), Some(5));

    let unknown = env.set(&client, &[item("gid://shopify/InventoryItem/1", 1, None)], "key-3").await;
    assert_eq!(unknown.errors[0].code, InventoryErrorCode::InvalidInventoryItem);
}

#[tokio::test]
async fn more_than_250_items_are_refused_by_client_and_mock() {
    let env = Env::start().await;
    let client = env.client();
    let loc = env.location();
    let (a, stock) = (env.item_id("AS0001"), env.stock("AS0001"));
    let items: Vec<SetItem> = (0..251).map(|q| item(&a, q, None)).collect();
    let before = env.graphql_calls();
    assert!(matches!(
        client.set_available(&loc, &items, "k", "gid://x/Y/1").await,
        Err(ShopifyError::TooManyItems(251))
    ));
    assert_eq!(env.graphql_calls(), before, "nothing was sent");

    let query = "mutation M($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }";
    let quantities: Vec<Value> = (0..251)
        .map(|q| json!({ "inventoryItemId": a, "locationId": loc, "quantity": q, "changeFromQuantity": null }))
        .collect();
    let vars = json!({ "input": { "name": "available", "reason": "correction", "quantities": quantities } });
    let err = client.graphql::<Value>(query, vars).await.unwrap_err();
    assert!(
        matches!(&err, ShopifyError::GraphQl(e) if e[0].code.as_deref() == Some("MAX_INPUT_SIZE_EXCEEDED")),
        "{err:?}"
    );
    assert_eq!(env.stock("AS0001"), stock, "nothing applied");
}

#[tokio::test]
async fn create_product_with_variants_stocked_at_a_location() {
    let env = Env::start().await;
    let client = env.client();
    let new = NewProduct {
        title: "Kanga Wrap".into(),
        option_name: Some("Size".into()),
        variants: ["S", "M"]
            .iter()
            .enumerate()
            .map(|(i, s)| NewVariant {
                sku: format!("KW-{s}"),
                option_value: (*s).into(),
                price: Decimal::new(4900, 2),
                available: 3 + i as i64,
            })
            .collect(),
    };
    let created = client.create_product(&new, &env.location()).await.unwrap();
    assert_eq!(
        created.iter().map(|v| (v.sku.clone().unwrap(), v.title.clone())).collect::<Vec<_>>(),
        [("KW-S".into(), "S".into()), ("KW-M".into(), "M".into())]
    );
    assert_eq!(created[0].price, Some(Decimal::new(4900, 2)));
    assert_eq!(env.stock("KW-M"), Some(4));
    assert_eq!(client.variants_by_sku(&["KW-S"]).await.unwrap()[0].product_title, "Kanga Wrap");
    let blank = NewProduct { title: " ".into(), option_name: None, variants: vec![new.variants[0].clone()] };
    assert!(matches!(client.create_product(&blank, &env.location()).await, Err(ShopifyError::UserErrors(_))));
}

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

async fn receiver() -> (String, Received) {
    let got: Received = Arc::default();
    let sink = got.clone();
    let router = axum::Router::new().route(
        "/wh",
        post(move |headers: HeaderMap, body: Bytes| async move {
            sink.lock().unwrap().push((headers, body));
            "ok"
        }),
    );
    let addr = mocks::serve(router, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    (format!("http://{addr}/wh"), got)
}

fn order(sku: &str, quantity: i64, financial_status: &str) -> NewOrder {
    NewOrder { line_items: vec![NewOrderLine { sku: sku.into(), quantity }], financial_status: financial_status.into() }
}

fn refund(line_item_id: u64, quantity: i64, restock_type: &str) -> Vec<RefundLineInput> {
    vec![RefundLineInput { line_item_id, quantity, restock_type: restock_type.into() }]
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

#[tokio::test]
async fn webhook_subscriptions_and_signed_deliveries() {
    let env = Env::start().await;
    let client = env.client();
    let (uri, got) = receiver().await;
    let second_uri = format!("{uri}?copy=2");
    for (topic, uri) in [
        (WebhookTopic::OrdersCreate, &uri),
        (WebhookTopic::OrdersPaid, &uri),
        (WebhookTopic::RefundsCreate, &uri),
        (WebhookTopic::OrdersPaid, &second_uri),
    ] {
        assert_eq!(client.create_webhook(topic, uri).await.unwrap().topic, topic.as_rest());
    }
    assert!(matches!(client.create_webhook(WebhookTopic::OrdersCreate, &uri).await, Err(ShopifyError::UserErrors(_))));
    let subs = client.list_webhooks().await.unwrap();
    assert_eq!(subs.len(), 4);

    let (rest, deliveries) = env.mock.create_order(DEMO_SHOP, order("AS0001", 2, "paid")).await.unwrap();
    let topics: Vec<_> = deliveries.iter().map(|d| (d.topic.as_str(), d.status)).collect();
    assert_eq!(topics, [("orders/create", Some(200)), ("orders/paid", Some(200)), ("orders/paid", Some(200))]);
    let received = got.lock().unwrap().clone();
    let (h, body) = &received[0];
    assert_eq!(header(h, "x-shopify-topic"), "orders/create");
    assert_eq!((header(h, "x-shopify-shop-domain"), header(h, "x-shopify-api-version")), (DEMO_SHOP, "2026-01"));
    let signature = header(h, "x-shopify-hmac-sha256");
    assert!(verify_webhook(body, signature, &[Secret::new("old"), Secret::new(CLIENT_SECRET)]));
    assert!(!verify_webhook(body, signature, &[Secret::new("old")]));
    let (paid_a, paid_b) = (&received[1].0, &received[2].0);
    assert_eq!(
        header(paid_a, "x-shopify-event-id"),
        header(paid_b, "x-shopify-event-id"),
        "one event, two subscriptions"
    );
    assert_ne!(header(paid_a, "x-shopify-webhook-id"), header(paid_b, "x-shopify-webhook-id"), "one delivery id each");
    assert_ne!(header(h, "x-shopify-event-id"), header(paid_a, "x-shopify-event-id"));
    let parsed: Order = serde_json::from_slice(body).unwrap();
    assert_eq!(
        (parsed.name.as_str(), parsed.financial_status, parsed.line_items[0].sku.as_deref()),
        ("#1001", Some(FinancialStatus::Paid), Some("AS0001"))
    );
    assert_eq!(parsed.line_items[0].quantity, 2);

    let line = rest["line_items"][0]["id"].as_u64().unwrap();
    let (_, d) =
        env.mock.refund_order(DEMO_SHOP, rest["id"].as_u64().unwrap(), refund(line, 1, "return")).await.unwrap();
    assert_eq!(d[0].topic, "refunds/create");

    let first = &deliveries[0];
    let again = env.mock.redeliver(DEMO_SHOP, &first.webhook_id).await.unwrap();
    assert_eq!((again.webhook_id.as_str(), again.status), (first.webhook_id.as_str(), Some(200)));
    let last = got.lock().unwrap().last().cloned().unwrap();
    assert_eq!(
        (header(&last.0, "x-shopify-webhook-id"), &last.1),
        (first.webhook_id.as_str(), body),
        "a duplicate, byte for byte"
    );

    client.delete_webhook(&subs[0].id).await.unwrap();
    assert_eq!(client.list_webhooks().await.unwrap().len(), 3);
    assert!(matches!(client.delete_webhook(&subs[0].id).await, Err(ShopifyError::UserErrors(_))));
}

#[tokio::test]
async fn orders_updated_since_come_back_in_the_webhook_shape() {
    let env = Env::start().await;
    let client = env.client().with_page_size(2);
    let since = Utc::now() - ChronoDuration::seconds(1);
    let mut ids = Vec::new();
    for status in ["paid", "pending", "paid"] {
        ids.push(env.mock.create_order(DEMO_SHOP, order("AS0033-1", 3, status)).await.unwrap().0);
    }
    let id = |i: usize| ids[i]["id"].as_u64().unwrap();
    env.mock.cancel_order(DEMO_SHOP, id(1)).await.unwrap();
    let line = ids[2]["line_items"][0]["id"].as_u64().unwrap();
    env.mock.refund_order(DEMO_SHOP, id(2), refund(line, 1, "no_restock")).await.unwrap();

    let orders = client.all_orders_updated_since(since).await.unwrap();
    let by_id: HashMap<i64, &Order> = orders.iter().map(|o| (o.id, o)).collect();
    assert_eq!(by_id.len(), 3, "three orders over two pages");
    let o = |i: usize| by_id[&(id(i) as i64)];
    assert_eq!((o(0).name.as_str(), o(0).financial_status), ("#1001", Some(FinancialStatus::Paid)));
    assert_eq!(
        (o(0).line_items[0].sku.as_deref(), o(0).line_items[0].quantity, o(0).line_items[0].price),
        (Some("AS0033-1"), 3, Decimal::from(1200))
    );
    assert!(o(1).cancelled_at.is_some());
    assert_eq!(o(1).financial_status, Some(FinancialStatus::Voided));
    assert_eq!(o(2).financial_status, Some(FinancialStatus::PartiallyRefunded));
    let refund = &o(2).refunds[0].refund_line_items[0];
    assert_eq!(
        (refund.line_item_id, refund.quantity, refund.restock_type.as_deref()),
        (line as i64, 1, Some("no_restock"))
    );
    assert_eq!(serde_json::to_value(o(0)).unwrap()["line_items"][0]["price"], "1200.00", "prices stay decimal strings");

    let none = client.orders_updated_since(Utc::now() + ChronoDuration::hours(1), None).await.unwrap();
    assert!(none.items.is_empty() && none.next_cursor.is_none());
}

#[tokio::test]
async fn throttled_queries_wait_for_the_bucket_and_succeed() {
    let env = Env::start().await;
    env.mock.set_bucket(Some(DEMO_SHOP), 30.0, 20.0).unwrap();
    let client = env.client();
    // `shop` costs 1 point, as on Shopify: more calls than the bucket holds, faster than it refills.
    for _ in 0..40 {
        client.shop().await.unwrap();
    }
    assert!(env.mock.throttled(DEMO_SHOP) >= 1, "the bucket ran dry at least once");
    env.mock.set_bucket(Some(DEMO_SHOP), 30.0, 20.0).unwrap();
    // A page of 250 can never fit a 30-point bucket: refused at once, not waited for.
    let err = client.product_variants(None, None).await.unwrap_err();
    assert!(matches!(&err, ShopifyError::GraphQl(e) if e[0].code.as_deref() == Some("MAX_COST_EXCEEDED")), "{err:?}");
}

#[tokio::test]
async fn transient_http_failures_are_retried_then_reported() {
    let env = Env::start().await;
    let client = env.client();
    env.fault(FaultKind::Status { status: 429, retry_after: Some(0.1) }, Some(2));
    client.shop().await.unwrap();
    env.fault(FaultKind::Status { status: 503, retry_after: None }, Some(1));
    client.locations().await.unwrap();
    assert_eq!(env.mock.faults().injected(), 3);
    env.fault(FaultKind::Status { status: 500, retry_after: None }, None);
    assert!(matches!(client.shop().await, Err(ShopifyError::Http { status: 500, .. })));
}

#[tokio::test]
async fn bad_or_expired_tokens_are_unauthorized_and_unknown_fields_are_graphql_errors() {
    let env = Env::start().await;
    let app = env.app(CLIENT_SECRET);
    let bad = app.client(&env.shop(), Secret::new("shpat_nope"));
    assert!(matches!(bad.shop().await, Err(ShopifyError::Unauthorized)));
    let client = env.client();
    env.mock.expire_access_tokens(DEMO_SHOP);
    let err = client.shop().await.unwrap_err();
    assert!(err.needs_reconnect(), "{err:?}");
    let fresh = env.client();
    let err = fresh.graphql::<Value>("query { somethingElse { id } }", json!({})).await.unwrap_err();
    assert!(matches!(err, ShopifyError::GraphQl(_)), "{err:?}");
    let missing = app.client(&ShopDomain::parse("nowhere").unwrap(), Secret::new("x"));
    assert!(matches!(missing.shop().await, Err(ShopifyError::NotFound)));
}
