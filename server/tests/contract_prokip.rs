//! Contract tests: every Prokip client call against the Prokip mock, including the errors Prokip
//! hides in HTTP 200 answers, pagination, 401 → refresh → retry, and injected faults.

use app::backend::{
    platforms::{http::RetryPolicy, prokip::*},
    secret::Secret,
};
use chrono::Local;
use mocks::{
    catalog::generated_catalog,
    faults::{FaultKind, FaultRule},
    prokip::{BusinessIds, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USERNAME, NewBusiness, ProkipMock},
};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

struct Env {
    mock: ProkipMock,
    base: String,
    demo: BusinessIds,
}

impl Env {
    async fn start() -> Env {
        let mock = ProkipMock::new(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);
        let demo = mock.seed_demo();
        let addr = mocks::serve(mock.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        Env { mock, base: format!("http://{addr}"), demo }
    }

    fn location(&self) -> i64 {
        self.demo.location_ids[0]
    }

    fn client(&self) -> ProkipClient {
        let oauth = OAuthClient { client_id: DEMO_CLIENT_ID.into(), client_secret: Secret::new(DEMO_CLIENT_SECRET) };
        let fast = RetryPolicy { attempts: 3, base: Duration::from_millis(10), cap: Duration::from_millis(50) };
        ProkipClient::new(self.base.clone(), oauth, None).with_retry_policy(fast)
    }

    async fn logged_in(&self) -> ProkipClient {
        let c = self.client();
        c.login(DEMO_USERNAME, &Secret::new(DEMO_PASSWORD)).await.unwrap();
        c
    }

    fn fault(&self, path: &str, method: Option<&str>, kind: FaultKind, times: Option<u32>) {
        let rule = FaultRule { path_prefix: path.into(), method: method.map(str::to_owned), kind, rate: 1.0, times };
        self.mock.faults().add(rule);
    }

    fn count(&self, key: &str) -> u64 {
        self.mock.faults().count(key)
    }

    async fn variation(&self, c: &ProkipClient, sku: &str) -> Variation {
        c.variations(self.location()).await.unwrap().into_iter().find(|v| v.sub_sku == sku).unwrap()
    }

    fn stock(&self, sku: &str) -> Decimal {
        self.mock.stock(self.location(), sku).unwrap()
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn sell(location_id: i64, contact_id: i64, invoice_no: &str, lines: &[(&Variation, &str)]) -> NewSell {
    let products: Vec<SellProduct> = lines
        .iter()
        .map(|(v, q)| SellProduct {
            product_id: v.product_id,
            variation_id: v.variation_id,
            quantity: dec(q),
            unit_price: v.sell_price_inc_tax,
            note: None,
        })
        .collect();
    let total: Decimal = products.iter().map(|p| p.quantity * p.unit_price).sum();
    NewSell {
        location_id,
        contact_id,
        transaction_date: Local::now().naive_local(),
        invoice_no: invoice_no.into(),
        source: Some("shopify".into()),
        status: SellStatus::Final,
        discount_type: DiscountType::Fixed,
        discount_amount: Decimal::ZERO,
        shipping_charges: Decimal::ZERO,
        sale_note: None,
        staff_note: None,
        products,
        payments: vec![SellPayment { amount: total, method: "custom_pay_1".into(), note: None }],
    }
}

fn created(outcome: SellOutcome) -> Transaction {
    match outcome {
        SellOutcome::Created(t) => t,
        SellOutcome::Rejected { message } => panic!("sell rejected: {message}"),
    }
}

fn rejected(outcome: SellOutcome) -> String {
    match outcome {
        SellOutcome::Rejected { message } => message,
        SellOutcome::Created(t) => panic!("sell {} was created but should not be", t.id),
    }
}

#[tokio::test]
async fn login_reads_the_business_its_locations_and_payment_methods() {
    let env = Env::start().await;
    let c = env.client();
    let tokens = c.login(DEMO_USERNAME, &Secret::new(DEMO_PASSWORD)).await.unwrap();
    assert!(tokens.refresh.is_some() && tokens.expires_at > chrono::Utc::now());
    assert_eq!(c.tokens(), Some(tokens));
    assert_eq!(c.logged_in_user().await.unwrap().business_id, env.demo.business_id);
    let locations = c.business_locations().await.unwrap();
    assert_eq!(locations.iter().map(|l| (l.id, l.name.as_str())).collect::<Vec<_>>(), [(env.location(), "Main Shop")]);
    assert!(locations[0].location_code.is_none() && locations[0].is_active);
    let methods = c.payment_methods().await.unwrap();
    assert_eq!(methods.get("cash").map(String::as_str), Some("Cash"));
    assert!(methods.contains_key("custom_pay_1"));
}

#[tokio::test]
async fn wrong_credentials_or_tokens_are_unauthorized() {
    let env = Env::start().await;
    let err = env.client().login(DEMO_USERNAME, &Secret::new("wrong")).await.unwrap_err();
    assert!(matches!(err, ProkipError::Unauthorized), "{err:?}");
    let bad_client = OAuthClient { client_id: DEMO_CLIENT_ID.into(), client_secret: Secret::new("nope") };
    let c = ProkipClient::new(env.base.clone(), bad_client, None);
    assert!(matches!(c.login(DEMO_USERNAME, &Secret::new(DEMO_PASSWORD)).await, Err(ProkipError::Unauthorized)));
    let pasted = ProkipClient::from_access_token(env.base.clone(), Secret::new("not-a-token"));
    assert!(matches!(pasted.logged_in_user().await, Err(ProkipError::Unauthorized)));
    let raw = reqwest::get(format!("{}/connector/api/product", env.base)).await.unwrap();
    assert_eq!(raw.status(), 401);
    assert_eq!(raw.json::<Value>().await.unwrap(), json!({ "message": "Unauthenticated." }));
}

#[tokio::test]
async fn variations_and_products_walk_every_page() {
    let env = Env::start().await;
    env.mock.seed(&generated_catalog(450));
    let c = env.logged_in().await;
    let variations = c.variations(env.location()).await.unwrap();
    assert_eq!(variations.len(), 54 + 450, "demo catalog (54 variations) plus 450 generated");
    assert_eq!(env.count("GET /connector/api/variation"), 3, "pages of 200");
    let as0001 = variations.iter().find(|v| v.sub_sku == "AS0001").unwrap();
    assert_eq!((as0001.qty_available, as0001.product_type), (dec("5"), ProductType::Single));
    let shirt = variations.iter().find(|v| v.sub_sku == "AS0033-2").unwrap();
    assert_eq!(
        (shirt.product_type, shirt.variation_name.as_str(), shirt.qty_available),
        (ProductType::Variable, "M", dec("5"))
    );
    assert!(shirt.variation_id > 5_290_000 && shirt.product_id > 4_900_000, "ids are large autoincrements");

    let products = c.products(env.location()).await.unwrap();
    let shirt_product = products.iter().find(|p| p.sku == "AS0033").unwrap();
    assert_eq!(shirt_product.variations.len(), 3);
    assert!(shirt_product.variations.contains(shirt), "/product and /variation agree on ids and stock");
    assert_eq!(products.iter().map(|p| p.variations.len()).sum::<usize>(), variations.len());
}

#[tokio::test]
async fn stock_for_reads_only_the_variations_asked_for() {
    let env = Env::start().await;
    let c = env.logged_in().await;
    let a = env.variation(&c, "AS0002").await;
    let b = env.variation(&c, "AS0034-3").await;
    env.mock.set_stock(env.location(), "AS0002", dec("7.5")).unwrap();
    let stock = c.stock_for(env.location(), &[a.variation_id, b.variation_id, 1]).await.unwrap();
    assert_eq!(stock.len(), 2, "unknown id 1 is absent: {stock:?}");
    assert_eq!(stock[&a.variation_id], dec("7.5"));
    assert_eq!(stock[&b.variation_id], env.stock("AS0034-3"));
}

#[tokio::test]
async fn walk_in_contact_and_new_customers() {
    let env = Env::start().await;
    let c = env.logged_in().await;
    let walk_in = c.walk_in_contact().await.unwrap().unwrap();
    assert_eq!((walk_in.id, walk_in.is_default), (env.demo.walk_in_contact_id, true));
    let jane = c.create_customer("Jane", "+254700000001", Some("jane@example.com")).await.unwrap();
    assert_eq!((jane.contact_type.as_str(), jane.email.as_deref()), ("customer", Some("jane@example.com")));
    assert!(jane.id > 1_849_000 && jane.id != walk_in.id);
    let v = env.variation(&c, "AS0003").await;
    created(c.create_sell(&sell(env.location(), jane.id, "WEB-JANE", &[(&v, "1")])).await.unwrap());
}

#[tokio::test]
async fn a_final_sell_decrements_stock_and_deleting_it_restores_stock() {
    let env = Env::start().await;
    let c = env.logged_in().await;
    let v = env.variation(&c, "AS0005").await;
    let before = env.stock("AS0005");
    let t = created(
        c.create_sell(&sell(env.location(), env.demo.walk_in_contact_id, "SHOPIFY-1001", &[(&v, "2")])).await.unwrap(),
    );
    assert_eq!(t.invoice_no.as_deref(), Some("SHOPIFY-1001"));
    assert_eq!(t.final_total, v.sell_price_inc_tax * dec("2"));
    assert_eq!(t.payment_status.as_deref(), Some("paid"));
    assert_eq!(env.stock("AS0005"), before - dec("2"));

    let full = c.get_sell(t.id).await.unwrap().unwrap();
    assert_eq!(
        full.sell_lines.iter().map(|l| (l.variation_id, l.quantity)).collect::<Vec<_>>(),
        [(v.variation_id, dec("2"))]
    );
    let today = Local::now().date_naive();
    let listed = c.list_sells(Some(env.location()), today, today).await.unwrap();
    assert!(listed.iter().any(|s| s.invoice_no.as_deref() == Some("SHOPIFY-1001") && s.id == t.id));
    let yesterday = today.pred_opt().unwrap();
    assert!(c.list_sells(Some(env.location()), yesterday, yesterday).await.unwrap().is_empty());

    c.delete_sell(t.id).await.unwrap();
    assert_eq!(env.stock("AS0005"), before);
    assert_eq!(c.get_sell(t.id).await.unwrap(), None);
    assert!(matches!(c.delete_sell(t.id).await, Err(ProkipError::Rejected(_))));
}

#[tokio::test]
async fn returns_restore_the_returned_quantity_and_block_deletion() {
    let env = Env::start().await;
    let c = env.logged_in().await;
    let v = env.variation(&c, "AS0010").await;
    let before = env.stock("AS0010");
    let t = created(
        c.create_sell(&sell(env.location(), env.demo.walk_in_contact_id, "WOO-1", &[(&v, "3")])).await.unwrap(),
    );
    let line = c.get_sell(t.id).await.unwrap().unwrap().sell_lines.remove(0);
    let ret = |q: &str| {
        vec![ReturnLine { sell_line_id: line.id, quantity: dec(q), unit_price_inc_tax: line.unit_price_inc_tax }]
    };

    let r = c.sell_return(t.id, &ret("2")).await.unwrap();
    assert_eq!(r.final_total, line.unit_price_inc_tax * dec("2"));
    assert_eq!(env.stock("AS0010"), before - dec("1"));
    c.sell_return(t.id, &ret("2")).await.unwrap();
    assert_eq!(env.stock("AS0010"), before - dec("1"), "the quantity is the line's total returned, not an increment");
    let err = c.sell_return(t.id, &ret("5")).await.unwrap_err();
    assert!(matches!(err, ProkipError::Rejected(_)), "{err:?}");
    let unknown_line = vec![ReturnLine { sell_line_id: 1, quantity: dec("1"), unit_price_inc_tax: dec("1") }];
    assert!(matches!(c.sell_return(t.id, &unknown_line).await, Err(ProkipError::Rejected(_))));
    assert_eq!(c.get_sell(t.id).await.unwrap().unwrap().sell_lines[0].quantity_returned, dec("2"));
    assert!(
        matches!(c.delete_sell(t.id).await, Err(ProkipError::Rejected(_))),
        "a sell with a return cannot be deleted"
    );
}

#[tokio::test]
async fn rejected_sells_come_back_inside_http_200_and_change_nothing() {
    let env = Env::start().await;
    let other = env
        .mock
        .create_business(&NewBusiness { username: "other".into(), password: "pw".into(), ..Default::default() })
        .unwrap();
    let c = env.logged_in().await;
    let v = env.variation(&c, "AS0007").await;
    let (loc, walk_in) = (env.location(), env.demo.walk_in_contact_id);
    let before = env.stock("AS0007");

    let mut wrong_variation = sell(loc, walk_in, "X-1", &[(&v, "1")]);
    wrong_variation.products[0].variation_id = wrong_variation.products[0].product_id;
    assert!(!rejected(c.create_sell(&wrong_variation).await.unwrap()).is_empty());
    rejected(c.create_sell(&sell(loc, other.walk_in_contact_id, "X-2", &[(&v, "1")])).await.unwrap());
    rejected(c.create_sell(&sell(other.location_ids[0], walk_in, "X-3", &[(&v, "1")])).await.unwrap());
    let too_many = rejected(c.create_sell(&sell(loc, walk_in, "X-4", &[(&v, "1000")])).await.unwrap());
    assert!(too_many.contains("Mismatch"), "{too_many}");
    assert_eq!(env.stock("AS0007"), before);

    // Each sell of a batch stands alone.
    let batch = [sell(loc, walk_in, "OK-1", &[(&v, "1")]), sell(loc, walk_in, "X-5", &[(&v, "1000")])];
    let outcomes = c.create_sells(&batch).await.unwrap();
    assert!(matches!(&outcomes[..], [SellOutcome::Created(_), SellOutcome::Rejected { .. }]));
    assert_eq!(env.stock("AS0007"), before - dec("1"));

    env.mock.set_allow_overselling(env.demo.business_id, true).unwrap();
    created(c.create_sell(&sell(loc, walk_in, "OVER-1", &[(&v, "1000")])).await.unwrap());
    assert_eq!(env.stock("AS0007"), before - dec("1001"));

    let token = c.tokens().unwrap().access;
    let raw: Value = reqwest::Client::new()
        .post(format!("{}/connector/api/sell", env.base))
        .bearer_auth(token.expose())
        .json(&json!({ "products": [] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(raw[0]["original"]["error"]["message"], "Invalid form data");
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_retried() {
    let env = Env::start().await;
    let c = env.logged_in().await;
    let first = c.tokens().unwrap();
    assert_eq!(env.mock.expire_tokens(), 1);
    assert_eq!(c.logged_in_user().await.unwrap().business_id, env.demo.business_id);
    let refreshed = c.tokens().unwrap();
    assert_ne!(refreshed.access, first.access);
    assert_ne!(refreshed.refresh, first.refresh, "the caller must persist the rotated refresh token");
    assert_eq!(env.count("POST /oauth/token"), 2);
    assert_eq!(env.count("GET /connector/api/user/loggedin"), 2);
}

#[tokio::test]
async fn revoked_tokens_end_in_unauthorized_after_a_single_refresh_attempt() {
    let env = Env::start().await;
    let c = env.logged_in().await;
    env.mock.revoke_tokens();
    assert!(matches!(c.business_locations().await, Err(ProkipError::Unauthorized)));
    assert_eq!(env.count("POST /oauth/token"), 2, "login plus one refresh");
    assert_eq!(env.count("GET /connector/api/business-location"), 1, "no retry without a fresh token");

    let pasted = ProkipClient::from_access_token(env.base.clone(), env.logged_in().await.tokens().unwrap().access);
    assert!(pasted.business_locations().await.is_ok());
    env.mock.expire_tokens();
    assert!(matches!(pasted.business_locations().await, Err(ProkipError::Unauthorized)));
    assert_eq!(env.count("POST /oauth/token"), 3, "a pasted token cannot be refreshed");
}

#[tokio::test]
async fn a_rate_limited_call_is_retried_after_retry_after() {
    let env = Env::start().await;
    let c = env.logged_in().await;
    env.fault(
        "/connector/api/business-location",
        None,
        FaultKind::Status { status: 429, retry_after: Some(0.3) },
        Some(1),
    );
    let started = Instant::now();
    assert_eq!(c.business_locations().await.unwrap().len(), 1);
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(env.count("GET /connector/api/business-location"), 2);

    env.fault("/connector/api/sell", Some("POST"), FaultKind::Status { status: 429, retry_after: Some(0.05) }, Some(1));
    let v = env.variation(&c, "AS0001").await;
    created(c.create_sell(&sell(env.location(), env.demo.walk_in_contact_id, "RL-1", &[(&v, "1")])).await.unwrap());
    let sells = env.mock.state()["sells"].as_array().unwrap().len();
    assert_eq!(sells, 1);
}

#[tokio::test]
async fn server_errors_are_retried_for_reads_but_never_resend_a_sell() {
    let env = Env::start().await;
    let c = env.logged_in().await;
    env.fault("/connector/api/payment-methods", None, FaultKind::Status { status: 503, retry_after: None }, Some(1));
    assert!(c.payment_methods().await.is_ok());
    env.fault("/connector/api/payment-methods", None, FaultKind::Status { status: 500, retry_after: None }, None);
    let err = c.payment_methods().await.unwrap_err();
    assert!(matches!(err, ProkipError::Http { status: 500, .. }), "{err:?}");
    assert_eq!(env.count("GET /connector/api/payment-methods"), 2 + 3);
    env.mock.faults().clear();

    env.fault("/connector/api/sell", Some("POST"), FaultKind::Status { status: 502, retry_after: None }, Some(1));
    let v = env.variation(&c, "AS0001").await;
    let err = c.create_sell(&sell(env.location(), env.demo.walk_in_contact_id, "S-1", &[(&v, "1")])).await.unwrap_err();
    assert!(matches!(err, ProkipError::Http { status: 502, .. }), "{err:?}");
    assert_eq!(env.count("POST /connector/api/sell"), 1, "a sell is not sent twice");

    env.fault("/connector/api/product", None, FaultKind::Reset, None);
    let c = env.logged_in().await.with_retry_policy(RetryPolicy::none());
    assert!(matches!(c.products(env.location()).await, Err(ProkipError::Transport(_))));
}

#[tokio::test]
async fn the_control_api_drives_businesses_seeding_pos_sales_and_stock() {
    let env = Env::start().await;
    let http = reqwest::Client::new();
    let post = |path: &str, body: Value| http.post(format!("{}{path}", env.base)).json(&body).send();
    let ids: BusinessIds =
        post("/_control/businesses", json!({ "username": "amina", "password": "pw", "locations": ["Town", "Mall"] }))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(ids.location_ids.len(), 2);
    let mall = ids.location_ids[1];
    let seeded = post("/_control/seed", json!({ "business_id": ids.business_id, "location_id": mall, "skus": 15 }))
        .await
        .unwrap();
    assert_eq!(seeded.status(), 200);
    assert_eq!(
        post("/_control/stock", json!({ "location_id": mall, "sku": "GEN000000", "qty": 9 })).await.unwrap().status(),
        204
    );
    assert_eq!(
        post("/_control/pos-sale", json!({ "location_id": mall, "sku": "GEN000000", "quantity": 2 }))
            .await
            .unwrap()
            .status(),
        201
    );

    let oauth = OAuthClient { client_id: DEMO_CLIENT_ID.into(), client_secret: Secret::new(DEMO_CLIENT_SECRET) };
    let c = ProkipClient::new(env.base.clone(), oauth, None);
    c.login("amina", &Secret::new("pw")).await.unwrap();
    let variations = c.variations(mall).await.unwrap();
    assert_eq!(variations.len(), generated_catalog(15).iter().map(|p| p.variants.len()).sum::<usize>());
    let gen0 = variations.iter().find(|v| v.sub_sku == "GEN000000").unwrap();
    assert_eq!(gen0.qty_available, dec("7"));
    assert!(
        c.variations(ids.location_ids[0]).await.unwrap().iter().all(|v| v.qty_available.is_zero()),
        "no stock at Town"
    );
    let today = Local::now().date_naive();
    let pos = c.list_sells(Some(mall), today, today).await.unwrap();
    assert_eq!(pos.len(), 1);

    let state: Value = http.get(format!("{}/_control/state", env.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(state["stock"][mall.to_string()]["GEN000000"], "7");
    assert_eq!(state["sells"][0]["lines"][0]["sku"], "GEN000000");
    let expired: Value = post("/_control/tokens/expire", json!({})).await.unwrap().json().await.unwrap();
    assert_eq!(expired["expired"], 1);
    assert!(c.logged_in_user().await.is_ok(), "refreshed after the control API expired the token");
}
