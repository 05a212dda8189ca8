//! Health checks, readiness and housekeeping.

mod common;

use common::{TestApp, TestDb, router, spawn, test_config};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, SqlxPostgresConnector, Statement, sqlx::postgres::PgPoolOptions};
use std::time::Duration;

#[tokio::test]
async fn healthz_and_readyz_answer_when_the_database_is_up() {
    let app = TestApp::spawn().await;
    let h = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(h.status(), StatusCode::OK);
    assert!(h.headers().contains_key("x-request-id"), "every response carries a request id");
    assert_eq!(app.client.get(app.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn readyz_is_503_while_the_database_is_unreachable_and_healthz_stays_up() {
    // A pool pointing at a port where nothing listens: what the server sees while Postgres is down.
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(500))
        .connect_lazy("postgres://nobody:nothing@127.0.0.1:1/none")
        .unwrap();
    let db = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
    let config = test_config("postgres://nobody:nothing@127.0.0.1:1/none");
    let base = spawn(router(config, db)).await;
    let client = common::client();
    assert_eq!(client.get(format!("{base}/readyz")).send().await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(client.get(format!("{base}/healthz")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn housekeeping_deletes_expired_sessions_and_old_login_failures() {
    let database = TestDb::new().await;
    let db = server::db::connect(&database.url, 2, Duration::from_secs(5)).await.unwrap();
    let run = |sql: &str| db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()));
    run("INSERT INTO sessions VALUES ('old', '\\x00', now() - interval '1 minute'), ('live', '\\x00', now() + interval '1 hour')").await.unwrap();
    run(
        "INSERT INTO login_failures (username, ip, at) VALUES ('a', '1', now() - interval '2 days'), ('a', '1', now())",
    )
    .await
    .unwrap();

    app::backend::jobs::housekeeping::run(&db, Default::default()).await.unwrap();

    let left = |sql: &'static str| {
        let db = db.clone();
        async move {
            let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        }
    };
    assert_eq!(left("SELECT count(*) FROM sessions WHERE id = 'live'").await, 1);
    assert_eq!(left("SELECT count(*) FROM sessions").await, 1);
    assert_eq!(left("SELECT count(*) FROM login_failures").await, 1);
}

#[tokio::test]
async fn demo_mode_shows_a_badge_with_the_demo_credentials_and_normal_mode_does_not() {
    let demo = TestApp::spawn_with(&[("MOCK_MODE", "true")]).await;
    let page = demo.client.get(demo.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Demo mode"), "badge on the sign-in page");
    assert!(page.contains("demo-password"), "the mock Prokip credentials are shown");

    let normal = TestApp::spawn().await;
    let page = normal.client.get(normal.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("Demo mode"));
}

#[tokio::test]
async fn a_signed_webhook_gets_503_while_the_database_is_unreachable_so_the_platform_retries() {
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(500))
        .connect_lazy("postgres://nobody:nothing@127.0.0.1:1/none")
        .unwrap();
    let db = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
    let secret = mocks::shopify::DEMO_CLIENT_SECRET;
    let config =
        common::test_config_with("postgres://nobody:nothing@127.0.0.1:1/none", &[("SHOPIFY_CLIENT_SECRET", secret)]);
    let base = spawn(router(config, db)).await;
    let body = br#"{"id":1001,"financial_status":"paid","line_items":[]}"#;
    let r = common::client()
        .post(format!("{base}/connections/webhook/shopify"))
        .header("x-shopify-topic", "orders/create")
        .header("x-shopify-shop-domain", "demo-store.myshopify.com")
        .header("x-shopify-webhook-id", "9b1c2f64-0000-4000-8000-000000000001")
        .header("x-shopify-hmac-sha256", mocks::shopify::signing::sign_body(secret, body))
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
}

/// Another server starting in the same process (as the tests do, many at once) lists the
/// dashboard's routes; a page rendering meanwhile still loads its data and finishes.
#[tokio::test]
async fn pages_finish_while_another_server_starts_in_the_same_process() {
    let app = TestApp::spawn().await;
    let c = reqwest::Client::builder().timeout(Duration::from_secs(10)).cookie_store(true).build().unwrap();
    app.register(&c, "starter", "a long enough password", "Starter Ltd").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let starting = {
        let (state, stop) = (app.state.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                drop(server::startup::router(state.clone()));
            }
        })
    };
    let mut stalled = None;
    for i in 0..30 {
        let page = ["/", "/products", "/orders"][i % 3];
        match c.get(app.url(page)).send().await {
            Ok(r) if r.status() == StatusCode::OK => {
                if r.text().await.is_err() {
                    stalled = Some(page);
                    break;
                }
            }
            other => {
                stalled = Some(page);
                eprintln!("{page}: {other:?}");
                break;
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    starting.join().unwrap();
    assert_eq!(stalled, None, "a page never finished while another server started");
}
