//! Accounts and sessions as a browser and the seed's JSON clients see them.

mod common;

use common::{TestApp, location, session_cookie};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn registering_signs_in_and_shows_the_business_on_the_overview() {
    let app = TestApp::spawn().await;
    let r = app.register(&app.client, "amina", "correct horse", "Amina Traders").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/");
    let cookie = session_cookie(&r).expect("session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain-http PUBLIC_URL must not set Secure: {cookie}");

    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Amina Traders"), "account name in the header");
    assert!(html.contains("Connect Prokip first"), "a new account is told where to start");
    let mut o: Value = app.overview(&app.client).await.json().await.unwrap();
    let chart = o.as_object_mut().unwrap().remove("chart").unwrap();
    assert_eq!(
        o,
        json!({"prokip_connected": false, "connections": 0, "mapped_skus": 0, "orders_synced_today": 0, "needs_attention": 0,
               "stores": []})
    );
    assert_eq!(chart.as_array().unwrap().len(), 14, "a chart of 14 empty days");
}

#[tokio::test]
async fn a_short_password_is_refused_on_its_field_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let r = app.register(&app.client, "amina", "1234567", "Amina Traders").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.starts_with("/register?") && to.contains("field=password"), "{to}");
    let page = app.client.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Password must be at least 8 characters long."));
    assert!(page.contains(r#"aria-describedby="password-error""#), "error tied to the field");
    assert_eq!(app.login(&app.client, "amina", "1234567").await.status(), StatusCode::SEE_OTHER);
    assert!(location(&app.login(&app.client, "amina", "1234567").await).contains("error="), "no user was created");
}

#[tokio::test]
async fn a_taken_username_is_refused_whatever_its_case() {
    let app = TestApp::spawn().await;
    app.register(&app.client, "amina", "correct horse", "A").await;
    let r = app.register(&app.new_browser(), "AMINA", "another pass", "B").await;
    assert!(location(&r).contains("field=username"), "{}", location(&r));
}

#[tokio::test]
async fn wrong_password_shows_an_error_and_the_right_one_signs_in() {
    let app = TestApp::spawn().await;
    app.register(&app.new_browser(), "amina", "correct horse", "Amina Traders").await;

    let r = app.login(&app.client, "amina", "wrong horse").await;
    let to = location(&r);
    assert!(to.starts_with("/login?"), "{to}");
    let page = app.client.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Wrong username or password."));
    assert!(page.contains(r#"value="amina""#), "the username is kept");
    assert_eq!(app.client.get(app.url("/")).send().await.unwrap().status(), StatusCode::SEE_OTHER);

    let r = app.login(&app.client, "amina", "correct horse").await;
    assert_eq!(location(&r), "/");
    assert_eq!(app.client.get(app.url("/")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn signed_out_visits_land_on_login_and_private_functions_answer_401() {
    let app = TestApp::spawn().await;
    for path in ["/", "/connections", "/products", "/orders", "/activity", "/settings"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&r), "/login", "{path}");
    }
    assert_eq!(app.overview(&app.client).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.client.get(app.url("/login")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn five_failures_lock_the_username_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    app.register(&app.new_browser(), "amina", "correct horse", "A").await;
    for _ in 0..5 {
        let r = app
            .client
            .post(app.url("/auth/login"))
            .json(&json!({"username": "amina", "password": "nope"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"username": "amina", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["details"], "Too many failed sign-in attempts. Try again in 15 minutes.");
    let form = app.login(&app.client, "amina", "correct horse").await;
    let html = app.follow(&app.client, &location(&form)).await;
    assert!(html.contains("Too many failed sign-in attempts"), "the form shows the wait too: {html}");

    // Once the failures age out of the window, the right password works again.
    app.sql("UPDATE login_failures SET at = now() - interval '16 minutes'").await;
    let r = app.login(&app.client, "amina", "correct horse").await;
    assert_eq!(location(&r), "/");
}

#[tokio::test]
async fn a_successful_sign_in_forgets_the_earlier_failures() {
    let app = TestApp::spawn().await;
    app.register(&app.new_browser(), "amina", "correct horse", "A").await;
    let attempt = |password: &'static str| {
        app.client.post(app.url("/auth/login")).json(&json!({"username": "AMINA", "password": password})).send()
    };
    for _ in 0..4 {
        assert_eq!(attempt("nope").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("correct horse").await.unwrap().status(), StatusCode::OK);
    // Four failures before the sign-in and four after: never five in a row, so never locked.
    for _ in 0..4 {
        assert_eq!(attempt("nope").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt("correct horse").await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn login_rotates_the_session_id_and_logout_ends_it() {
    use app::backend::session_store::PgSessionStore;
    use tower_sessions::{
        SessionStore,
        cookie::time::{Duration, OffsetDateTime},
        session::{Id, Record},
    };

    let app = TestApp::spawn().await;
    app.register(&app.new_browser(), "amina", "correct horse", "A").await;

    // An attacker plants a session id of their own in the victim's browser ...
    let mut planted = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: OffsetDateTime::now_utc() + Duration::hours(1),
    };
    PgSessionStore::new(app.db.clone()).create(&mut planted).await.unwrap();
    let planted_cookie = format!("prokip_sync_session={}", planted.id);
    let victim = common::client();
    let r = victim
        .post(app.url("/login"))
        .header("cookie", &planted_cookie)
        .form(&[("username", "amina"), ("password", "correct horse")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/");
    let issued = session_cookie(&r).expect("login issues a session cookie");
    let issued = issued.split(';').next().unwrap().to_owned();
    assert_ne!(issued, planted_cookie, "session id changes at login");

    // ... but the planted id does not open the victim's dashboard.
    let attacker = common::client();
    let r = attacker.get(app.url("/")).header("cookie", &planted_cookie).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = victim.get(app.url("/")).header("cookie", &issued).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let r = victim.post(app.url("/logout")).header("cookie", &issued).send().await.unwrap();
    assert_eq!(location(&r), "/login");
    let r = attacker.get(app.url("/")).header("cookie", &issued).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "a logged-out session id is dead");
    let r = attacker.post(app.url("/api/overview")).header("cookie", &issued).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .post(app.url("/register"))
        .header("origin", "https://evil.example")
        .form(&[("username", "mallory"), ("password", "correct horse"), ("business_name", "M")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .client
        .post(app.url("/auth/register"))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"username": "mallory", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .client
        .post(app.url("/auth/login"))
        .json(&json!({"username": "mallory", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "no account was created");

    // The same form from our own origin works.
    let own = app.base.clone();
    let r = app
        .client
        .post(app.url("/register"))
        .header("origin", own)
        .form(&[("username", "amina"), ("password", "correct horse"), ("business_name", "A")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/");
}

#[tokio::test]
async fn seed_json_api_registers_logs_in_and_reports_errors_in_its_shape() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .post(app.url("/auth/register"))
        .json(&json!({"username": "amina", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["user"]["username"], "amina");
    assert!(body["user"]["id"].is_i64() && body["message"].is_string());

    let browser = app.new_browser();
    let r = browser
        .post(app.url("/auth/login"))
        .json(&json!({"username": "amina", "password": "correct horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(session_cookie(&r).is_some(), "login sets the session cookie instead of returning a token");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["user"]["username"], "amina");
    assert!(body.get("token").is_none());
    assert_eq!(app.overview(&browser).await.status(), StatusCode::OK);

    let r = app
        .client
        .post(app.url("/auth/register"))
        .json(&json!({"username": "bob", "password": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["details"]["field"], "password");
    assert!(body["error"].is_string());

    let r = app.client.post(app.url("/auth/login")).body("{not json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"], "Invalid request body");
}

#[tokio::test]
async fn accounts_see_only_their_own_numbers() {
    let app = TestApp::spawn().await;
    let a = app.new_browser();
    let b = app.new_browser();
    app.register(&a, "amina", "correct horse", "Amina Traders").await;
    app.register(&b, "bakari", "correct horse", "Bakari Goods").await;
    app.sql(
        "INSERT INTO connections (account_id, platform, store_url)
         SELECT account_id, 'shopify', 'amina.myshopify.com' FROM users WHERE username = 'amina'",
    )
    .await;
    app.sql(
        "INSERT INTO activity (account_id, kind, subject, status, detail)
         SELECT account_id, 'order', '#1001', 'failed', 'SKU AS0001 is not mapped' FROM users WHERE username = 'amina'",
    )
    .await;

    let oa: Value = app.overview(&a).await.json().await.unwrap();
    let ob: Value = app.overview(&b).await.json().await.unwrap();
    assert_eq!((oa["connections"].as_u64(), oa["needs_attention"].as_u64()), (Some(1), Some(1)));
    assert_eq!((ob["connections"].as_u64(), ob["needs_attention"].as_u64()), (Some(0), Some(0)));
    let html = a.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"data-testid="connections">1<"#), "the page shows the same number");
}
