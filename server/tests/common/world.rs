//! A whole world for sync tests: the three mock platforms seeded with the demo catalog, the app
//! configured to use them, and one merchant who has connected Prokip, the demo WooCommerce store
//! and the demo Shopify shop through the real connect flows.

#![allow(dead_code)]

use super::{TestApp, location};
use mocks::{
    prokip::{self as pk, ProkipMock},
    shopify::{self as sm, ShopifyMock},
    woocommerce::{self as wm, WooMock},
};
use reqwest::Client;

pub struct World {
    pub app: TestApp,
    pub prokip: ProkipMock,
    pub shopify: ShopifyMock,
    pub woo: WooMock,
    pub browser: Client,
    pub account_id: i64,
    pub prokip_location: i64,
    pub woo_connection: i64,
    pub shopify_connection: i64,
}

pub struct Options {
    /// Start the background workers (default true).
    pub jobs: bool,
    /// More configuration variables, e.g. `SMTP_URL`.
    pub vars: Vec<(&'static str, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options { jobs: true, vars: Vec::new() }
    }
}

impl World {
    pub async fn new() -> World {
        Self::with(Options::default()).await
    }

    pub async fn with(opts: Options) -> World {
        let prokip = ProkipMock::new(pk::DEMO_CLIENT_ID, pk::DEMO_CLIENT_SECRET);
        let ids = prokip.seed_demo();
        let shopify = ShopifyMock::new(sm::DEMO_CLIENT_ID, sm::DEMO_CLIENT_SECRET);
        shopify.seed_demo();
        let woo = WooMock::new();
        woo.seed_demo();
        let any = || "127.0.0.1:0".parse().unwrap();
        let p = mocks::serve(prokip.router(), any()).await.unwrap();
        let s = mocks::serve(shopify.router(), any()).await.unwrap();
        let w = mocks::serve(woo.router(), any()).await.unwrap();
        woo.set_base_url(&format!("http://{w}"));
        let prokip_api = format!("http://{p}");
        let template = format!("http://{s}/{{shop}}");
        let mut vars = vec![
            ("MOCK_MODE", "true"),
            ("PROKIP_API", prokip_api.as_str()),
            ("SHOPIFY_SHOP_URL_TEMPLATE", template.as_str()),
        ];
        vars.extend(opts.vars.iter().map(|(k, v)| (*k, v.as_str())));
        let app = TestApp::spawn_with(&vars).await;
        if opts.jobs {
            app.start_jobs();
        }
        let browser = app.new_browser();
        app.register(&browser, "amina", "correct horse", "Amina Traders").await;
        let account_id = app.scalar("SELECT account_id FROM users WHERE username = 'amina'").await;
        // The world's stores sync from the start; review before the first sync has its own tests.
        let r = browser.post(app.url("/settings/review")).form(&[("review_new_stores", "off")]).send().await.unwrap();
        assert!(location(&r).contains("notice="), "review setting: {}", location(&r));

        let r = browser
            .post(app.url("/connections/prokip/login"))
            .form(&[("username", pk::DEMO_USERNAME), ("password", pk::DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert!(location(&r).contains("notice="), "Prokip connect: {}", location(&r));

        let store = woo.store_url(wm::DEMO_STORE);
        let form = [
            ("store_url", store.as_str()),
            ("consumer_key", wm::DEMO_CONSUMER_KEY),
            ("consumer_secret", wm::DEMO_CONSUMER_SECRET),
        ];
        let r = browser.post(app.url("/connections/woocommerce")).form(&form).send().await.unwrap();
        assert!(location(&r).contains("notice="), "Woo connect: {}", location(&r));

        let r = browser
            .post(app.url("/connections/shopify/start"))
            .form(&[("store_url", "demo-store")])
            .send()
            .await
            .unwrap();
        let r = browser.get(format!("{}&decision=approve", location(&r))).send().await.unwrap();
        let r = browser.get(location(&r)).send().await.unwrap();
        assert!(location(&r).contains("shopify_success=true"), "Shopify connect: {}", location(&r));

        // Connecting answers before the catalogs are matched: the workers match them, or here. Each
        // connect (Prokip's too) queued an index; all of them finish before the world is ready, so no
        // late one changes what a test counts.
        if opts.jobs {
            let matched = "SELECT count(*) FROM sync_runs WHERE reason = 'catalog-match' AND finished_at IS NOT NULL";
            let queued = "SELECT count(*) FROM apalis.jobs WHERE job_type = 'index_catalog'
                          AND status IN ('Pending', 'Queued', 'Running')";
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
            while app.scalar(matched).await < 2 || app.scalar(queued).await > 0 {
                assert!(tokio::time::Instant::now() < deadline, "catalogs not matched after connecting");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        } else {
            // Done here instead of by the queued jobs, which would repeat it once workers start.
            app::backend::sync::mapping::index_with_progress(&app.state, account_id, None)
                .await
                .expect("catalog match");
            app.sql("DELETE FROM apalis.jobs WHERE job_type = 'index_catalog'").await;
        }
        let woo_connection = app.scalar("SELECT id FROM connections WHERE platform = 'woocommerce'").await;
        let shopify_connection = app.scalar("SELECT id FROM connections WHERE platform = 'shopify'").await;
        World {
            app,
            prokip,
            shopify,
            woo,
            browser,
            account_id,
            prokip_location: ids.location_ids[0],
            woo_connection,
            shopify_connection,
        }
    }

    /// Sets a store's safety buffer through the Connections page's form.
    pub async fn set_buffer(&self, connection_id: i64, buffer: i32) {
        let r = self
            .browser
            .post(self.app.url(&format!("/connections/{connection_id}/buffer")))
            .form(&[("safety_buffer", buffer.to_string())])
            .send()
            .await
            .unwrap();
        assert!(location(&r).contains("notice="), "buffer not set: {}", location(&r));
    }

    /// Waits (up to `secs`) until `check` holds, polling every 50 ms; panics with `what` otherwise.
    pub async fn eventually<F, Fut>(&self, secs: u64, what: &str, check: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
        while tokio::time::Instant::now() < deadline {
            if check().await {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("timed out waiting for: {what}");
    }
}
