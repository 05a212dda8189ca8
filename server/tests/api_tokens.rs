//! API tokens: made on the Settings page and shown once, kept as a hash only, listed with their
//! last use and revocable; a request with `Authorization: Bearer <token>` is the token's user on
//! the JSON API, within its scope, and never opens the dashboard's pages.

mod common;

use common::{client, location, world::World};
use reqwest::{Client, StatusCode};
use serde_json::Value;

/// Creates a token from the Settings form: the address the form leads to.
async fn create(browser: &Client, w: &World, name: &str, scope: &str, lifetime: &str) -> String {
    let form = [("token_name", name), ("token_scope", scope), ("token_lifetime", lifetime)];
    location(&browser.post(w.app.url("/settings/api-tokens")).form(&form).send().await.unwrap())
}

/// The token a page shows once, if any (the page also mentions the prefix itself, `pst_…`).
fn shown_token(html: &str) -> Option<String> {
    html.match_indices("pst_")
        .map(|(at, _)| {
            html[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect::<String>()
        })
        .find(|t| t.len() > 40)
}

async fn new_token(w: &World, name: &str, scope: &str) -> String {
    let to = create(&w.browser, w, name, scope, "30").await;
    assert!(to.starts_with("/settings?notice="), "{to}");
    let page = w.app.follow(&w.browser, &to).await;
    shown_token(&page).unwrap_or_else(|| panic!("the new token is on the page: {page}"))
}

async fn call(token: &str, w: &World, method: &str, path: &str) -> (StatusCode, Value) {
    let r = client()
        .request(method.parse().unwrap(), w.app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn paused_stores(w: &World) -> i64 {
    w.app
        .scalar(&format!("SELECT count(*) FROM connections WHERE account_id = {} AND NOT sync_enabled", w.account_id))
        .await
}

#[tokio::test]
async fn a_token_is_shown_once_and_kept_only_as_a_hash() {
    let w = World::new().await;
    let to = create(&w.browser, &w, "stock report", "read", "90").await;
    let plain_in_sessions = "SELECT count(*) FROM sessions WHERE position(convert_to('pst_', 'UTF8') in data) > 0";
    assert_eq!(w.app.scalar(plain_in_sessions).await, 0, "sealed while it waits in the session for the page");
    let page = w.app.follow(&w.browser, &to).await;
    let token = shown_token(&page).expect("shown after creating it");
    assert_eq!(token.len(), 4 + 43, "{token}");
    assert!(page.contains("Copy it now"), "{page}");
    let again = w.app.follow(&w.browser, &to).await;
    assert_eq!(shown_token(&again), None, "a reload does not show it again");
    assert!(again.contains("stock report") && again.contains(&token[..8]), "listed by name and its first characters");

    let stored = w
        .app
        .scalar(&format!(
            "SELECT count(*) FROM api_tokens WHERE token_hash = sha256('{token}'::bytea) AND account_id = {}",
            w.account_id
        ))
        .await;
    assert_eq!(stored, 1, "kept as its SHA-256");
    let rest = &token[8..];
    let anywhere = w
        .app
        .scalar(&format!(
            "SELECT (SELECT count(*) FROM api_tokens WHERE row_to_json(api_tokens)::text LIKE '%{rest}%')
                  + (SELECT count(*) FROM sessions WHERE position(convert_to('{rest}', 'UTF8') in data) > 0)"
        ))
        .await;
    assert_eq!(anywhere, 0, "the token itself is stored nowhere");
}

#[tokio::test]
async fn a_token_opens_the_json_api_within_its_scope_and_never_a_page() {
    let w = World::new().await;
    let read = new_token(&w, "reader", "read").await;

    let (status, body) = call(&read, &w, "GET", "/sync/status").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.as_array().map(Vec::len), Some(2), "the account's two stores: {body}");
    let (status, body) = call(&read, &w, "POST", "/api/overview").await;
    assert_eq!(status, StatusCode::OK, "a server function reads: {body}");

    let (status, body) = call(&read, &w, "POST", "/sync/pause").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::FORBIDDEN, Some("Read-only token")), "{body}");
    assert!(body["details"].as_str().unwrap().contains("read+write"), "{body}");
    assert_eq!(paused_stores(&w).await, 0, "a refused change changes nothing");

    for path in ["/", "/settings", "/orders"] {
        let r = client().get(w.app.url(path)).bearer_auth(&read).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "a token never opens the page {path}");
    }
    let r = client()
        .post(w.app.url("/settings/api-tokens"))
        .bearer_auth(&read)
        .form(&[("token_name", "more"), ("token_scope", "read_write"), ("token_lifetime", "0")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a token cannot make tokens");

    let write = new_token(&w, "nightly job", "read_write").await;
    // A token request from anywhere: the cross-site check is for cookies, which a token does not use.
    let r = client()
        .post(w.app.url("/sync/pause"))
        .bearer_auth(&write)
        .header("origin", "https://elsewhere.example")
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(paused_stores(&w).await, 2, "the read+write token paused both stores");
    let r = w
        .browser
        .post(w.app.url("/sync/resume"))
        .header("origin", "https://elsewhere.example")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a cookie still does not carry a cross-site write");
    assert_eq!(paused_stores(&w).await, 2);

    assert_eq!(
        w.app.scalar("SELECT count(*) FROM api_tokens WHERE name = 'nightly job' AND last_used_at IS NOT NULL").await,
        1
    );
}

#[tokio::test]
async fn unknown_expired_and_revoked_tokens_open_nothing() {
    let w = World::new().await;
    let token = new_token(&w, "short lived", "read").await;
    assert_eq!(call(&token, &w, "GET", "/sync/status").await.0, StatusCode::OK);

    for bad in ["", "pst_not-a-token", "something else", &format!("{token}x")] {
        let r = client().get(w.app.url("/sync/status")).header("authorization", format!("Bearer {bad}")).send();
        let r = r.await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{bad:?}");
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "Invalid API token", "{body}");
    }
    // A bad token wins over a good session: the cookie does not stand in for it.
    let r = w.browser.get(w.app.url("/sync/status")).bearer_auth("pst_wrong").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    w.app.sql("UPDATE api_tokens SET expires_at = now() - interval '1 second'").await;
    assert_eq!(call(&token, &w, "GET", "/sync/status").await.0, StatusCode::UNAUTHORIZED, "expired");
    let settings = w.app.follow(&w.browser, "/settings").await;
    assert!(settings.contains("expired"), "{settings}");

    w.app.sql("UPDATE api_tokens SET expires_at = NULL").await;
    let id = w.app.scalar("SELECT id FROM api_tokens").await;
    let other = w.app.new_browser();
    w.app.register(&other, "baraka", "correct horse", "Baraka Ltd").await;
    let r = other.post(w.app.url(&format!("/settings/api-tokens/{id}/revoke"))).send().await.unwrap();
    assert!(location(&r).contains("error="), "another account cannot revoke it");
    assert_eq!(call(&token, &w, "GET", "/sync/status").await.0, StatusCode::OK, "still open");
    let theirs = {
        let to = create(&other, &w, "theirs", "read", "30").await;
        shown_token(&w.app.follow(&other, &to).await).unwrap()
    };
    let (_, body) = call(&theirs, &w, "GET", "/sync/status").await;
    assert_eq!(body.as_array().map(Vec::len), Some(0), "a token sees its own account only: {body}");

    let r = w.browser.post(w.app.url(&format!("/settings/api-tokens/{id}/revoke"))).send().await.unwrap();
    let page = w.app.follow(&w.browser, &location(&r)).await;
    assert!(page.contains("revoked"), "{page}");
    assert_eq!(call(&token, &w, "GET", "/sync/status").await.0, StatusCode::UNAUTHORIZED, "revoked at once");
}

#[tokio::test]
async fn a_refused_token_form_says_why_and_makes_nothing() {
    let w = World::new().await;
    let long = "x".repeat(61);
    let cases = [
        ("", "read", "30", "token_name"),
        (long.as_str(), "read", "30", "token_name"),
        ("script", "admin", "30", "token_scope"),
        ("script", "read", "7", "token_lifetime"),
        ("script", "read", "", "token_lifetime"),
    ];
    for (name, scope, lifetime, field) in cases {
        let to = create(&w.browser, &w, name, scope, lifetime).await;
        assert!(to.starts_with("/settings?error=") && to.contains(&format!("field={field}")), "{to}");
        let page = w.app.follow(&w.browser, &to).await;
        assert_eq!(shown_token(&page), None);
    }
    assert_eq!(w.app.scalar("SELECT count(*) FROM api_tokens").await, 0);
}
