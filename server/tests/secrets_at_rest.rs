//! After connecting all three platforms, no table holds a token, key, secret or password in plain text.

mod common;

use common::world::{Options, World};
use mocks::{prokip as pk, woocommerce as wm};
use sea_orm::ConnectionTrait;

/// Every row of every table of ours, as text.
async fn dump(w: &World) -> String {
    let db = &w.app.state.db;
    let tables = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
        ))
        .await
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let name: String = t.try_get_by_index(0).unwrap();
        let sql = format!("SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM \"{name}\" t");
        let row =
            db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
        let text: String = row.try_get_by_index(0).unwrap();
        out.push_str(&format!("== {name}\n{text}\n"));
    }
    out
}

#[tokio::test]
async fn no_plaintext_secret_is_stored_anywhere() {
    let w = World::with(Options { jobs: false }).await;
    let prokip = app::backend::stores::prokip::client_for(&w.app.state, w.account_id).await.unwrap().tokens().unwrap();
    let shop =
        app::backend::db::connections::get(&w.app.state.db, w.account_id, w.shopify_connection).await.unwrap().unwrap();
    let woo_hooks = w.woo.webhooks(wm::DEMO_STORE);
    assert!(!woo_hooks.is_empty());

    let mut secrets = vec![
        pk::DEMO_PASSWORD.to_owned(),
        prokip.access.expose().to_owned(),
        wm::DEMO_CONSUMER_SECRET.to_owned(),
        woo_hooks[0].secret.clone(),
        "correct horse".to_owned(),
    ];
    secrets.extend(prokip.refresh.map(|r| r.expose().to_owned()));
    // The shop's tokens, as the connect flow received them from Shopify.
    let context = app::backend::stores::shopify::credentials_context(&shop.store_url);
    let opened = w.app.state.keyring.open(shop.credentials_enc.as_deref().unwrap(), &context).unwrap();
    let creds: serde_json::Value = serde_json::from_str(opened.expose()).unwrap();
    for key in ["access", "refresh"] {
        secrets.extend(creds[key].as_str().map(str::to_owned));
    }

    let everything = dump(&w).await;
    assert!(everything.contains("== connections") && everything.contains("== prokip_configs"));
    for s in &secrets {
        assert!(s.len() >= 8, "a real secret: {s}");
        assert!(!everything.contains(s.as_str()), "a secret is stored in plain text: {}…", &s[..4]);
    }
}
