//! What a client written for the original service sees: `DELETE /connections/{id}`, a pasted
//! `Bearer` token, 401 JSON for every signed-out JSON request, the seed's `WEBHOOK_URL` and
//! `"success": true` on its routes.

mod common;

use common::{TestApp, location};
use mocks::{
    prokip::{self as pk, ProkipMock},
    shopify::{self as sm, ShopifyMock},
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

struct World {
    app: TestApp,
    shopify: ShopifyMock,
    browser: Client,
}

/// The app against the Prokip and Shopify mocks, started with `WEBHOOK_URL` as the seed sets it.
async fn world() -> World {
    let prokip = ProkipMock::new(pk::DEMO_CLIENT_ID, pk::DEMO_CLIENT_SECRET);
    prokip.seed_demo();
    let shopify = ShopifyMock::new(sm::DEMO_CLIENT_ID, sm::DEMO_CLIENT_SECRET);
    shopify.seed_demo();
    let p = mocks::serve(prokip.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let s = mocks::serve(shopify.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let app = TestApp::spawn_with(&[
        ("PROKIP_API", &format!("http://{p}")),
        ("PROKIP_CLIENT_ID", pk::DEMO_CLIENT_ID),
        ("PROKIP_CLIENT_SECRET", pk::DEMO_CLIENT_SECRET),
        ("SHOPIFY_SHOP_URL_TEMPLATE", &format!("http://{s}/{{shop}}")),
        ("SHOPIFY_CLIENT_ID", sm::DEMO_CLIENT_ID),
        ("SHOPIFY_CLIENT_SECRET", sm::DEMO_CLIENT_SECRET),
        ("WEBHOOK_URL", "https://hooks.example.com/connections/webhook/shopify"),
    ])
    .await;
    let browser = app.new_browser();
    app.register(&browser, "amina", "correct horse", "Amina Traders").await;
    World { app, shopify, browser }
}

impl World {
    /// Installs the demo shop through OAuth; returns its connection id.
    async fn install_shop(&self) -> i64 {
        let r = self.browser.post(self.app.url("/connections/shopify/start")).form(&[("store_url", "demo-store")]);
        let r = r.send().await.unwrap();
        let r = self.browser.get(format!("{}&decision=approve", location(&r))).send().await.unwrap();
        let r = self.browser.get(location(&r)).send().await.unwrap();
        assert!(location(&r).contains("shopify_success=true"), "{}", location(&r));
        self.app.scalar("SELECT id FROM connections WHERE platform = 'shopify'").await
    }

    fn subscriptions(&self) -> Vec<Value> {
        self.shopify.state(sm::DEMO_SHOP).unwrap()["subscriptions"].as_array().unwrap().clone()
    }
}

async fn json(r: reqwest::Response) -> (StatusCode, Value) {
    let status = r.status();
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn delete_disconnects_like_the_dashboard_and_other_accounts_get_404() {
    let w = world().await;
    let id = w.install_shop().await;
    assert_eq!(w.subscriptions().len(), 6);

    let stranger = w.app.new_browser();
    w.app.register(&stranger, "bakari", "correct horse", "Bakari Ltd").await;
    for other in [id, id + 1000] {
        let (status, body) =
            json(stranger.delete(w.app.url(&format!("/connections/{other}"))).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{other}: {body}");
        assert!(body["error"].is_string() && body["details"].is_string(), "{body}");
    }
    assert_eq!(w.subscriptions().len(), 6, "another account's DELETE changes nothing");

    let (status, body) = json(w.browser.delete(w.app.url(&format!("/connections/{id}"))).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], true);
    assert!(body["message"].as_str().unwrap().contains("6 webhooks were removed from the store."), "{body}");
    assert!(w.subscriptions().is_empty(), "our webhooks are gone from the shop");
    let html = w.browser.get(w.app.url("/connections")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("No store connected yet"), "the dashboard shows it disconnected");

    let (status, _) = json(w.browser.delete(w.app.url(&format!("/connections/{id}"))).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a second DELETE finds nothing");
}

#[tokio::test]
async fn the_seeds_webhook_url_registers_our_shopify_route_not_a_suffixed_one() {
    let w = world().await;
    w.install_shop().await;
    for sub in w.subscriptions() {
        assert_eq!(sub["uri"], "https://hooks.example.com/connections/webhook/shopify", "{sub}");
    }
}

#[tokio::test]
async fn a_token_pasted_with_its_bearer_scheme_connects() {
    let w = world().await;
    let token: Value = Client::new()
        .post(format!("{}/oauth/token", w.app.config_value("PROKIP_API")))
        .form(&[
            ("grant_type", "password"),
            ("client_id", pk::DEMO_CLIENT_ID),
            ("client_secret", pk::DEMO_CLIENT_SECRET),
            ("username", pk::DEMO_USERNAME),
            ("password", pk::DEMO_PASSWORD),
            ("scope", ""),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pasted = format!("  bearer {} ", token["access_token"].as_str().unwrap());
    let r = w.browser.post(w.app.url("/connections/prokip")).json(&json!({ "token": pasted })).send().await.unwrap();
    let (status, body) = json(r).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["success"], true);
    assert!(body["message"].is_string());

    // The dashboard's token form takes the same paste.
    let r = w.browser.post(w.app.url("/connections/prokip/token")).form(&[("token", pasted.as_str())]).send().await;
    assert!(location(&r.unwrap()).starts_with("/connections?notice="));
}

#[tokio::test]
async fn every_json_request_gets_401_json_when_signed_out() {
    let app = TestApp::spawn().await;
    let c = app.new_browser();
    let json_body = json!({});
    let cases: [(&str, &str, bool); 12] = [
        ("DELETE", "/connections/1", false),
        ("POST", "/connections/prokip", false),
        ("POST", "/sync/pull-orders", false),
        ("POST", "/sync", false),
        ("POST", "/connections/prokip", true),
        ("POST", "/connections/woocommerce", true),
        ("POST", "/connections/shopify/initiate", true),
        ("POST", "/connections/1/sync", true),
        ("POST", "/connections/1/buffer", true),
        ("POST", "/settings/customer", true),
        ("POST", "/orders/1/retry", true),
        ("DELETE", "/connections/1", true),
    ];
    for (method, path, sends_json) in cases {
        let mut r = c.request(method.parse().unwrap(), app.url(path));
        if sends_json {
            r = r.json(&json_body);
        }
        let (status, body) = json(r.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert!(body["error"].is_string() && body["details"].is_string(), "{method} {path}: {body}");
    }
    for path in ["/connections", "/orders", "/"] {
        let r = c.get(app.url(path)).header("accept", "application/json").send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "GET {path} asking for JSON");
        let r = c.get(app.url(path)).header("accept", "text/html").send().await.unwrap();
        assert_eq!(location(&r), "/login", "a browser still lands on sign-in: {path}");
    }
    let r = c.post(app.url("/connections/1/sync")).form(&[("enabled", "false")]).send().await.unwrap();
    assert_eq!(location(&r), "/login", "a signed-out form post still lands on sign-in");
}

#[tokio::test]
async fn seed_routes_answer_success_beside_their_fields() {
    let app = TestApp::spawn().await;
    let c = app.new_browser();
    let creds = json!({ "username": "amina", "password": "correct horse" });
    let (status, body) = json(c.post(app.url("/auth/register")).json(&creds).send().await.unwrap()).await;
    assert_eq!(
        (status, &body["success"], &body["user"]["username"]),
        (StatusCode::CREATED, &json!(true), &json!("amina"))
    );
    let (_, body) = json(c.post(app.url("/auth/logout")).send().await.unwrap()).await;
    assert_eq!((&body["success"], body["message"].is_string()), (&json!(true), true));
    let (_, body) = json(c.post(app.url("/auth/login")).json(&creds).send().await.unwrap()).await;
    assert_eq!((&body["success"], &body["message"]), (&json!(true), &json!("Login successful")));
    for path in ["/sync", "/sync/pause", "/sync/resume"] {
        let (status, body) = json(c.post(app.url(path)).send().await.unwrap()).await;
        assert_eq!(
            (status, &body["success"], body["message"].is_string()),
            (StatusCode::OK, &json!(true), true),
            "{path}"
        );
    }
}

#[test]
fn startup_refuses_a_webhook_url_it_cannot_read() {
    let stderr = common::startup_refusal(&[("WEBHOOK_URL", "https://sync.example.com/connections/webhooks/shopify")]);
    assert!(stderr.contains("WEBHOOK_URL"), "{stderr}");
}
