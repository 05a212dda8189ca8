//! Regression tests for hostile input the resilience suite found answered with a 5xx: server
//! functions called with arguments they cannot read, and a signed webhook whose JSON carries
//! U+0000 (which PostgreSQL cannot store).

mod common;

use common::{TestApp, world::World};
use mocks::shopify as sm;
use reqwest::StatusCode;

#[tokio::test]
async fn server_functions_answer_400_with_the_reason_for_unreadable_arguments() {
    let app = TestApp::spawn().await;
    let c = app.new_browser();
    app.register(&c, "amina", "correct horse", "Amina Traders").await;
    for (path, body) in
        [("/api/products", "q=&status=&page=-1"), ("/api/products", "q=x"), ("/api/activity", "open_only=maybe")]
    {
        let r = c
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path} {body}");
        let text = r.text().await.unwrap();
        assert!(text.contains("bad_request") && text.contains("argument"), "{path} {body}: {text}");
    }
    let r = c.post(app.url("/api/products")).form(&[("q", ""), ("status", ""), ("page", "1")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "readable arguments still work");
}

#[tokio::test]
async fn a_signed_delivery_with_a_nul_character_is_stored_not_refused_as_unavailable() {
    let w = World::new().await;
    let body = serde_json::json!({"id": 4242, "note": "gift\u{0}wrap", "line_items": []}).to_string();
    assert!(body.contains("\\u0000"));
    let r = w
        .browser
        .post(w.app.url("/connections/webhook/shopify"))
        .header("content-type", "application/json")
        .header("x-shopify-topic", "orders/updated")
        .header("x-shopify-shop-domain", sm::DEMO_SHOP)
        .header("x-shopify-webhook-id", "nul-1")
        .header("x-shopify-hmac-sha256", sm::signing::sign_body(sm::DEMO_CLIENT_SECRET, body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let stored = w
        .app
        .scalar("SELECT count(*) FROM webhook_events WHERE payload->>'note' = 'gift' || chr(65533) || 'wrap'")
        .await;
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn a_nul_in_the_username_or_business_name_is_refused_not_a_500() {
    let app = TestApp::spawn().await;
    let c = app.new_browser();
    let r = c
        .post(app.url("/auth/login"))
        .json(&serde_json::json!({"username": "ami\u{0}na", "password": "whatever it is"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app.login(&c, "\u{0}", "whatever it is").await;
    assert!(common::location(&r).starts_with("/login?error="), "{}", common::location(&r));
    let r = app.register(&c, "amina", "correct horse", "Amina\u{0}Traders").await;
    let location = common::location(&r);
    assert!(location.starts_with("/register?error=") && location.contains("field=business_name"), "{location}");
    assert_eq!(app.scalar("SELECT count(*) FROM users").await, 0);
}
