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
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
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

/// The key every test app seals with (`common::test_config`).
const TEST_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// Opens every stored secret with `ring`: how many open.
async fn openable(w: &World, ring: &app::backend::crypto::Keyring) -> usize {
    use app::backend::{db, stores};
    let state = &w.app.state;
    let mut opened = 0;
    for c in db::connections::all_sealed(&state.db).await.unwrap() {
        let credentials = match c.platform {
            app::model::Platform::Shopify => stores::shopify::credentials_context(&c.store_url),
            app::model::Platform::WooCommerce => {
                let url = app::backend::platforms::woocommerce::StoreUrl::parse(&c.store_url, true).unwrap();
                stores::woocommerce::credentials_context(&url)
            }
        };
        opened += usize::from(ring.open(c.credentials_enc.as_deref().unwrap(), &credentials).is_ok());
        if let Some(secret) = c.webhook_secret_enc.as_deref() {
            opened += usize::from(ring.open(secret, &stores::woocommerce::webhook_context(c.id)).is_ok());
        }
    }
    let cfg = db::prokip_configs::for_account(&state.db, w.account_id).await.unwrap().unwrap();
    opened += usize::from(ring.open(&cfg.access_token_enc, &stores::prokip::context(w.account_id, "access")).is_ok());
    if let Some(refresh) = cfg.refresh_token_enc.as_deref() {
        opened += usize::from(ring.open(refresh, &stores::prokip::context(w.account_id, "refresh")).is_ok());
    }
    opened
}

#[tokio::test]
async fn after_a_key_rotation_every_secret_is_resealed_and_the_old_key_can_go() {
    use app::backend::{crypto::Keyring, reseal::reseal_all};
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    let db = &w.app.state.db;
    let new_key = Keyring::generate_base64();
    let old = Keyring::from_base64(TEST_KEY, &[]).unwrap();
    let rotating = Keyring::from_base64(&new_key, &[TEST_KEY]).unwrap();
    let new_only = Keyring::from_base64(&new_key, &[]).unwrap();
    let all = openable(&w, &old).await;
    assert!(all >= 5, "two stores' credentials, a webhook secret and the Prokip tokens: {all}");
    assert_eq!(openable(&w, &new_only).await, 0, "before the re-seal the new key alone opens nothing");

    let unknown = Keyring::from_base64(&Keyring::generate_base64(), &[]).unwrap();
    let refused = reseal_all(db, &unknown).await.unwrap();
    assert_eq!((refused.resealed, refused.unopened), (0, all as u64), "a keyring without the old key changes nothing");
    assert_eq!(openable(&w, &old).await, all);

    let done = reseal_all(db, &rotating).await.unwrap();
    assert_eq!((done.resealed, done.current, done.unopened), (all as u64, 0, 0));
    assert_eq!(openable(&w, &new_only).await, all, "every secret opens with the new key alone");
    assert_eq!(openable(&w, &old).await, 0, "and no longer with the old one");
    let again = reseal_all(db, &rotating).await.unwrap();
    assert_eq!((again.resealed, again.current), (0, all as u64), "a second run has nothing left to do");
}
