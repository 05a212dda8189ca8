//! The SSRF guard outside mock mode: connecting a WooCommerce store (keys or one-click grant) at a
//! loopback, private, link-local, metadata or non-https address is refused and stores nothing.

use super::Check;
use crate::common::{TestApp, location};

const TARGETS: [&str; 16] = [
    "http://127.0.0.1:8080/",
    "https://127.0.0.1/",
    "https://localhost/",
    "https://10.0.0.5/",
    "https://10.255.1.1:8443/shop",
    "https://172.16.0.1/",
    "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://metadata.google.internal/",
    "https://100.64.0.1/",
    "https://0.0.0.0/",
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[fd00::1]/",
    "https://2130706433/",
    "http://shop.example.com/",
];

pub async fn run() -> Check {
    let app = TestApp::spawn().await;
    let c = app.new_browser();
    crate::logs::secret("gita's long passphrase");
    app.register(&c, "gita", "gita's long passphrase", "Gita").await;
    let mut check = Check::default();
    for target in TARGETS {
        let form = [("store_url", target), ("consumer_key", "ck_0123456789"), ("consumer_secret", "cs_0123456789")];
        let keys = c
            .post(app.url("/connections/woocommerce"))
            .form(&form)
            .send()
            .await
            .map(|r| location(&r))
            .unwrap_or_default();
        check.record(keys.contains("error="), format!("keys for {target} → {keys}"));
        let grant = c
            .post(app.url("/connections/woocommerce/grant"))
            .form(&[("store_url", target)])
            .send()
            .await
            .map(|r| location(&r))
            .unwrap_or_default();
        if grant.starts_with("/connections?error=") {
            check.record(true, "");
            continue;
        }
        // A name cannot be judged before it is resolved: the grant sends the browser on, and the
        // guard must stop the server's own requests when the store posts its keys back.
        let user_id = reqwest::Url::parse(&grant)
            .ok()
            .and_then(|u| u.query_pairs().find(|(k, _)| k == "user_id").map(|(_, v)| v.into_owned()));
        let keys = serde_json::json!({"key_id": 1, "user_id": user_id, "consumer_key": "ck_0123456789abcdef", "consumer_secret": "cs_0123456789abcdef", "key_permissions": "read_write"});
        let callback = app
            .client
            .post(app.url("/connections/woocommerce/callback"))
            .json(&keys)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        check.record(
            user_id.is_some() && callback == 400,
            format!("grant for {target} → {grant}; keys posted back → {callback}"),
        );
    }
    check.record(app.scalar("SELECT count(*) FROM connections").await == 0, "a connection was stored");
    check
}
