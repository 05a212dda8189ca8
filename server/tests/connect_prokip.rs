//! Connecting Prokip from the dashboard, against the Prokip mock.

mod common;

use common::{TestApp, location};
use mocks::prokip::{self as pk, NewBusiness, ProkipMock};
use reqwest::Client;
use serde_json::{Value, json};

struct World {
    app: TestApp,
    prokip: ProkipMock,
    browser: Client,
}

async fn world() -> World {
    let prokip = ProkipMock::new(pk::DEMO_CLIENT_ID, pk::DEMO_CLIENT_SECRET);
    prokip.seed_demo();
    let addr = mocks::serve(prokip.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let api = format!("http://{addr}");
    let app = TestApp::spawn_with(&[
        ("PROKIP_API", &api),
        ("PROKIP_CLIENT_ID", pk::DEMO_CLIENT_ID),
        ("PROKIP_CLIENT_SECRET", pk::DEMO_CLIENT_SECRET),
    ])
    .await;
    let browser = app.new_browser();
    app.register(&browser, "amina", "correct horse", "Amina Traders").await;
    World { app, prokip, browser }
}

impl World {
    async fn post(&self, path: &str, form: &[(&str, &str)]) -> String {
        let r = self.browser.post(self.app.url(path)).form(form).send().await.unwrap();
        location(&r)
    }

    async fn page(&self, path: &str) -> String {
        common::shown(&self.browser.get(self.app.url(path)).send().await.unwrap().text().await.unwrap())
    }
}

#[tokio::test]
async fn signing_in_with_the_prokip_login_connects_and_picks_the_only_location() {
    let w = world().await;
    let to =
        w.post("/connections/prokip/login", &[("username", pk::DEMO_USERNAME), ("password", pk::DEMO_PASSWORD)]).await;
    assert!(to.starts_with("/connections?notice="), "{to}");
    let html = w.page(&to).await;
    assert!(html.contains("Prokip is connected. Stock comes from the location Main Shop."), "{html}");
    assert!(html.contains(r#"data-testid="prokip-location">Main Shop<"#));
    assert!(html.contains(&format!("{} (signed in as", mocks::prokip::DEMO_BUSINESS)), "the business's name: {html}");

    // The password is used once and never stored.
    let raw = w
        .app
        .scalar("SELECT count(*) FROM prokip_configs WHERE location_id IS NOT NULL AND walk_in_contact_id IS NOT NULL")
        .await;
    assert_eq!(raw, 1, "location and walk-in contact stored");
    let leaked = w
        .app
        .scalar(&format!(
            "SELECT count(*) FROM prokip_configs WHERE position('{}'::bytea in access_token_enc) > 0",
            pk::DEMO_PASSWORD
        ))
        .await;
    assert_eq!(leaked, 0);

    let overview: Value = w.app.overview(&w.browser).await.json().await.unwrap();
    assert_eq!(overview["prokip_connected"], json!(true));
}

#[tokio::test]
async fn a_wrong_prokip_password_says_so_and_stores_nothing() {
    let w = world().await;
    let to = w.post("/connections/prokip/login", &[("username", pk::DEMO_USERNAME), ("password", "nope")]).await;
    assert!(to.starts_with("/connections?error="), "{to}");
    assert!(w.page(&to).await.contains("Prokip did not accept that username and password"));
    assert_eq!(w.app.scalar("SELECT count(*) FROM prokip_configs").await, 0);
    let to = w.post("/connections/prokip/login", &[("username", ""), ("password", "x")]).await;
    assert!(w.page(&to).await.contains("Enter your Prokip username."));
}

#[tokio::test]
async fn with_several_locations_the_merchant_chooses_and_can_change_it() {
    let w = world().await;
    let ids = w
        .prokip
        .create_business(&NewBusiness {
            username: "multi".into(),
            password: "multi-password".into(),
            business_name: Some("Multi".into()),
            locations: Some(vec!["Nairobi CBD".into(), "Westlands".into()]),
            allow_overselling: None,
        })
        .unwrap();
    let to = w.post("/connections/prokip/login", &[("username", "multi"), ("password", "multi-password")]).await;
    let html = w.page(&to).await;
    assert!(html.contains("Now choose the shop location"), "{html}");
    assert!(html.contains("Nairobi CBD") && html.contains("Westlands"), "locations listed live");

    let westlands = ids.location_ids[1].to_string();
    let to = w.post("/connections/prokip/location", &[("location_id", &westlands)]).await;
    assert!(w.page(&to).await.contains("Stock now comes from the Prokip location Westlands."));

    // A location of another business (the demo one) is refused and changes nothing.
    let demo_location = w.prokip.seed_demo_business().location_ids[0].to_string();
    let to = w.post("/connections/prokip/location", &[("location_id", &demo_location)]).await;
    assert!(w.page(&to).await.contains("not one of your Prokip business locations"));
    assert_eq!(w.app.scalar(&format!("SELECT count(*) FROM prokip_configs WHERE location_id = {westlands}")).await, 1);
}

#[tokio::test]
async fn the_seed_json_route_connects_with_a_token_and_location() {
    let w = world().await;
    let ids = w.prokip.seed_demo_business();
    // Get a token the way the seed's users did: a password grant straight at Prokip.
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
    let access = token["access_token"].as_str().unwrap();
    let r = w
        .browser
        .post(w.app.url("/connections/prokip"))
        .json(&json!({ "token": access, "locationId": ids.location_ids[0] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("Main Shop"));

    let r = w.browser.post(w.app.url("/connections/prokip")).json(&json!({ "token": "wrong" })).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"].is_string() && body["details"].is_string());
}

#[tokio::test]
async fn disconnecting_prokip_deletes_its_tokens() {
    let w = world().await;
    w.post("/connections/prokip/login", &[("username", pk::DEMO_USERNAME), ("password", pk::DEMO_PASSWORD)]).await;
    let to = w.post("/connections/prokip/disconnect", &[]).await;
    assert!(w.page(&to).await.contains("Prokip is disconnected."));
    assert_eq!(w.app.scalar("SELECT count(*) FROM prokip_configs").await, 0);
}
