//! Behind a reverse proxy: the login throttle keys on the client the trusted proxy names, so one
//! visitor's bad attempts cannot lock a username for everyone; a forwarded header from anyone
//! else is ignored.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn login(app: &TestApp, forwarded_for: &str, password: &str) -> StatusCode {
    let body = json!({ "username": "amina", "password": password });
    let r = app.new_browser().post(app.url("/auth/login")).header("x-forwarded-for", forwarded_for).json(&body);
    r.send().await.unwrap().status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_another() {
    // The test client connects from loopback: here that is the reverse proxy.
    let app = TestApp::spawn_with(&[("TRUSTED_PROXIES", "127.0.0.1/32, ::1/128")]).await;
    app.register(&app.new_browser(), "amina", "correct horse", "A").await;
    for _ in 0..5 {
        assert_eq!(login(&app, "6.6.6.6, 203.0.113.66", "nope").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login(&app, "203.0.113.66", "correct horse").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(login(&app, "198.51.100.7", "correct horse").await, StatusCode::OK, "another client signs in");
    let recorded = "SELECT count(*) FROM login_failures WHERE ip = '203.0.113.66'";
    assert_eq!(app.scalar(recorded).await, 5, "failures are recorded under the client's address");
}

#[tokio::test]
async fn without_trusted_proxies_a_forwarded_header_changes_nothing() {
    let app = TestApp::spawn().await;
    app.register(&app.new_browser(), "amina", "correct horse", "A").await;
    for i in 0..5 {
        assert_eq!(login(&app, &format!("203.0.113.{i}"), "nope").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login(&app, "198.51.100.7", "correct horse").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a made-up X-Forwarded-For does not escape the throttle"
    );
}

#[test]
fn startup_refuses_trusted_proxies_it_cannot_read() {
    let stderr = common::startup_refusal(&[("TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal")]);
    assert!(stderr.contains("TRUSTED_PROXIES") && stderr.contains("proxy.internal"), "{stderr}");
}
