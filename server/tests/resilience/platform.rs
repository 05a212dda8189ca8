//! The platforms' side of the child-process scenarios: a World whose merchant child servers can
//! serve, Shopify `orders/paid` deliveries signed like the Shopify mock signs them and re-sent
//! until the server answers 2xx (as Shopify does), and the Prokip mock's sells as the oracle.

use crate::common::world::{Options, World};
use crate::process::Spec;
use mocks::shopify::{self as sm, signing};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The SKUs the bursts sell (single-variant demo products, mapped when the shop was connected).
const SKUS: [&str; 8] = ["AS0001", "AS0002", "AS0003", "AS0004", "AS0005", "AS0006", "AS0007", "AS0008"];

/// A World without in-process workers (the child servers run them), with enough Prokip stock for
/// any burst, and its secrets registered for the log check.
pub async fn world() -> World {
    let w = World::with(Options { jobs: false, ..Default::default() }).await;
    for sku in SKUS {
        w.prokip.set_stock(w.prokip_location, sku, 1_000_000.into()).unwrap();
    }
    for secret in [
        sm::DEMO_CLIENT_SECRET,
        mocks::prokip::DEMO_CLIENT_SECRET,
        mocks::prokip::DEMO_PASSWORD,
        "correct horse",
        crate::process::ENCRYPTION_KEY,
        "prokip-dev-only",
    ] {
        crate::logs::secret(secret);
    }
    w
}

/// How a child server of this World is started: its database, the mocks, polls and reconciles
/// off unless `vars` turn them on.
pub fn spec(w: &World, command: &'static str, vars: &[(&str, &str)]) -> Spec {
    let mut all: Vec<(String, String)> =
        vec![("PROKIP_POLL_SECONDS".into(), "0".into()), ("RECONCILE_MINUTES".into(), "0".into())];
    for (k, v) in vars {
        all.retain(|(name, _)| name != k);
        all.push((k.to_string(), v.to_string()));
    }
    Spec {
        command,
        database_url: w.app.state.config.database_url.clone(),
        prokip_api: w.app.state.config.platforms.prokip_api.clone(),
        shopify_template: w.app.state.config.platforms.shopify_shop_url_template.clone(),
        vars: all,
    }
}

/// One Shopify webhook delivery: the body and the ids Shopify keeps across re-deliveries.
#[derive(Clone)]
pub struct Delivery {
    pub webhook_id: String,
    pub event_id: String,
    pub triggered_at: String,
    pub body: String,
}

/// A paid order's `orders/paid` delivery, in the REST shape the Shopify mock sends.
pub fn orders_paid(order_id: u64) -> Delivery {
    let sku = SKUS[(order_id % SKUS.len() as u64) as usize];
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let line = json!({ "id": order_id * 10 + 1, "admin_graphql_api_id": format!("gid://shopify/LineItem/{}", order_id * 10 + 1),
        "variant_id": null, "product_id": null, "sku": sku, "title": sku, "name": sku, "quantity": 1, "price": "100.00" });
    let body = json!({
        "id": order_id, "admin_graphql_api_id": format!("gid://shopify/Order/{order_id}"), "name": format!("#R{order_id}"),
        "order_number": order_id, "created_at": now, "processed_at": now, "updated_at": now, "financial_status": "paid",
        "fulfillment_status": null, "cancelled_at": null, "cancel_reason": null, "currency": "KES", "total_price": "100.00",
        "line_items": [line], "refunds": [],
    });
    let (webhook_id, event_id) = (uuid::Uuid::new_v4().to_string(), uuid::Uuid::new_v4().to_string());
    Delivery { webhook_id, event_id, triggered_at: now, body: body.to_string() }
}

/// What the platform saw while delivering one webhook.
#[derive(Default, Debug, Clone)]
pub struct Attempts {
    /// Statuses answered, by code (0 = no answer: refused, reset or timed out).
    pub statuses: BTreeMap<u16, u64>,
    pub accepted: bool,
    /// Every attempt: when it started, how long its answer took, the status.
    pub tries: Vec<(Instant, Duration, u16)>,
}

/// Posts `d` to `url` like Shopify: again (after `pause`) until a 2xx or `give_up` passes.
pub async fn deliver(
    client: &reqwest::Client,
    url: &str,
    d: &Delivery,
    pause: Duration,
    give_up: Duration,
) -> Attempts {
    let mut seen = Attempts::default();
    let deadline = Instant::now() + give_up;
    let hmac = signing::sign_body(sm::DEMO_CLIENT_SECRET, d.body.as_bytes());
    while Instant::now() < deadline {
        let started = Instant::now();
        let result = client
            .post(url)
            .header("Content-Type", "application/json")
            .header("X-Shopify-Topic", "orders/paid")
            .header("X-Shopify-Hmac-Sha256", &hmac)
            .header("X-Shopify-Shop-Domain", sm::DEMO_SHOP)
            .header("X-Shopify-API-Version", "2026-01")
            .header("X-Shopify-Webhook-Id", &d.webhook_id)
            .header("X-Shopify-Event-Id", &d.event_id)
            .header("X-Shopify-Triggered-At", &d.triggered_at)
            .body(d.body.clone())
            .send()
            .await;
        let status = result.map(|r| r.status().as_u16()).unwrap_or(0);
        seen.tries.push((started, started.elapsed(), status));
        *seen.statuses.entry(status).or_default() += 1;
        if (200..300).contains(&status) {
            seen.accepted = true;
            return seen;
        }
        tokio::time::sleep(pause).await;
    }
    seen
}

/// The client the platform delivers with: Shopify gives up on an answer after 5 s.
/// Sends each order's `orders/paid` at evenly spread times from `t0` over `span`, each on its own
/// task re-delivered like the platform does (every `pause`, for up to `give_up`).
pub fn spread(
    url: &str,
    orders: &[u64],
    t0: Instant,
    span: Duration,
    pause: Duration,
    give_up: Duration,
) -> Vec<tokio::task::JoinHandle<Attempts>> {
    orders
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let url = url.to_owned();
            let at = t0 + span.mul_f64(i as f64 / orders.len() as f64);
            tokio::spawn(async move {
                tokio::time::sleep_until(at.into()).await;
                deliver(&platform_client(), &url, &orders_paid(id), pause, give_up).await
            })
        })
        .collect()
}

pub fn platform_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The sells Prokip holds for these orders: how many distinct orders were sold, and how many
/// sells beyond one per order (duplicates).
pub fn sold(w: &World, orders: &[u64]) -> (u64, u64) {
    let state = w.prokip.state();
    let mut per_invoice: BTreeMap<String, u64> = BTreeMap::new();
    for s in state["sells"].as_array().into_iter().flatten() {
        if let Some(inv) = s["invoice_no"].as_str() {
            *per_invoice.entry(inv.to_owned()).or_default() += 1;
        }
    }
    let invoice = |o: &u64| {
        app::backend::sync::orders::import::invoice_no(
            app::model::Platform::Shopify,
            w.shopify_connection,
            &o.to_string(),
        )
    };
    let counts: Vec<u64> = orders.iter().map(|o| per_invoice.get(&invoice(o)).copied().unwrap_or(0)).collect();
    let distinct = counts.iter().filter(|c| **c > 0).count() as u64;
    let duplicates = counts.iter().map(|c| c.saturating_sub(1)).sum();
    (distinct, duplicates)
}

/// Waits (up to `secs`) until every order is sold; returns (sold, duplicates) at the end.
pub async fn wait_sold(w: &World, orders: &[u64], secs: u64) -> (u64, u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if sold(w, orders).0 == orders.len() as u64 || Instant::now() > deadline {
            // A moment more, so a late duplicate would show.
            tokio::time::sleep(Duration::from_millis(500)).await;
            return sold(w, orders);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Status counts as `200×98 0×3 503×4`.
pub fn statuses(all: &[Attempts]) -> String {
    let mut total: BTreeMap<u16, u64> = BTreeMap::new();
    for a in all {
        for (s, n) in &a.statuses {
            *total.entry(*s).or_default() += n;
        }
    }
    total.iter().map(|(s, n)| format!("{s}×{n}")).collect::<Vec<_>>().join(" ")
}
