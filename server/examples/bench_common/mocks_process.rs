//! The `mocks` binary run as a separate process (so the benchmark's memory is the app's alone),
//! on free loopback ports, and the parts of its control API the benchmarks use: request counts,
//! Prokip stock, the Shopify query-cost bucket, and what each store shows.

use serde_json::{Value, json};
use std::{collections::BTreeMap, collections::HashMap, process::Stdio, time::Duration};
use tokio::io::{AsyncBufReadExt, BufReader};

pub struct MocksProcess {
    child: tokio::process::Child,
    pub prokip: String,
    pub shopify: String,
    pub woo: String,
    http: reqwest::Client,
}

/// `MOCKS_BIN`, else the `mocks` binary next to this example's profile directory.
fn mocks_bin() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("MOCKS_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().expect("current exe");
    let profile_dir = exe.parent().and_then(|examples| examples.parent()).expect("target/<profile>/examples");
    profile_dir.join("mocks")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl MocksProcess {
    /// Starts `mocks --no-demo --skus N` and waits until it serves; returns its seeding line too.
    pub async fn start(skus: usize) -> (MocksProcess, String) {
        let bin = mocks_bin();
        assert!(
            bin.exists(),
            "{} not found: build it with `cargo build --release -p mocks` or set MOCKS_BIN",
            bin.display()
        );
        let ports = [free_port(), free_port(), free_port()];
        let mut child = tokio::process::Command::new(&bin)
            .args(["--no-demo", "--skus", &skus.to_string()])
            .args(["--prokip-port", &ports[0].to_string(), "--shopify-port", &ports[1].to_string()])
            .args(["--woo-port", &ports[2].to_string()])
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut seeded = String::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.starts_with("seeded") {
                seeded = line;
            } else if line == "ready" {
                break;
            }
        }
        // Keep draining its output so the pipe never fills.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let url = |p: u16| format!("http://127.0.0.1:{p}");
        let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().unwrap();
        (MocksProcess { child, prokip: url(ports[0]), shopify: url(ports[1]), woo: url(ports[2]), http }, seeded)
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }

    async fn get(&self, url: String) -> Value {
        let r = self.http.get(&url).send().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert!(r.status().is_success(), "GET {url}: {}", r.status());
        r.json().await.unwrap()
    }

    /// Posts `body`; the answer's JSON (`null` when it has none).
    async fn post(&self, url: String, body: &Value) -> Value {
        let r = self.http.post(&url).json(body).send().await.unwrap_or_else(|e| panic!("POST {url}: {e}"));
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {url}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    fn bases(&self) -> [&str; 3] {
        [&self.prokip, &self.shopify, &self.woo]
    }

    /// Forgets the request counts of all three mocks.
    pub async fn reset_counts(&self) {
        for base in self.bases() {
            self.http.delete(format!("{base}/_control/requests")).send().await.unwrap();
        }
    }

    /// Requests per `"METHOD /path"` since the last reset: (Prokip, Shopify, WooCommerce).
    pub async fn counts(&self) -> [BTreeMap<String, u64>; 3] {
        let mut out: [BTreeMap<String, u64>; 3] = Default::default();
        for (i, base) in self.bases().iter().enumerate() {
            out[i] = serde_json::from_value(self.get(format!("{base}/_control/requests")).await).unwrap();
        }
        out
    }

    /// Creates a Shopify shop seeded with `catalog` (SKUs as they are).
    pub async fn seed_shop(&self, shop: &str, catalog: &[mocks::catalog::CatalogProduct]) {
        self.post(format!("{}/_control/shops/{shop}/seed", self.shopify), &json!(catalog)).await;
    }

    /// Sets a shop's query-cost bucket (points, points restored per second).
    /// Delays every WooCommerce read (`GET`) by `ms`, before the mock does its work.
    pub async fn add_woo_latency(&self, ms: u64) {
        let rule = json!({ "path_prefix": "", "method": "GET", "type": "latency", "ms": ms });
        self.post(format!("{}/_control/faults", self.woo), &rule).await;
    }

    pub async fn set_bucket(&self, shop: &str, max: f64, restore_rate: f64) {
        self.post(
            format!("{}/_control/shops/{shop}/bucket", self.shopify),
            &json!({ "max": max, "restore_rate": restore_rate }),
        )
        .await;
    }

    /// Sets Prokip's quantity of `sku` at `location_id` (as a stock adjustment in Prokip would).
    pub async fn set_prokip_stock(&self, location_id: i64, sku: &str, quantity: i64) {
        self.post(
            format!("{}/_control/stock", self.prokip),
            &json!({ "location_id": location_id, "sku": sku, "quantity": quantity }),
        )
        .await;
    }

    /// Available quantity per SKU a Shopify shop shows at its first location.
    pub async fn shop_quantities(&self, shop: &str) -> HashMap<String, i64> {
        let state = self.get(format!("{}/_control/shops/{shop}/state", self.shopify)).await;
        let first = state["locations"][0]["id"].as_str().unwrap_or_default().to_owned();
        let variants = state["variants"].as_array().cloned().unwrap_or_default();
        variants
            .iter()
            .filter_map(|v| {
                let qty = v["inventory"][first.as_str()].as_i64()?;
                Some((v["sku"].as_str()?.to_owned(), qty))
            })
            .collect()
    }

    /// Opens another location of the demo Prokip business, stocked with the generated catalog of
    /// `skus` (the same SKUs and quantities as the first); its id.
    pub async fn add_prokip_location(&self, name: &str, skus: usize) -> i64 {
        let made = self.post(format!("{}/_control/locations", self.prokip), &json!({ "name": name })).await;
        let id = made["location_id"].as_i64().expect("a location id");
        self.post(format!("{}/_control/seed", self.prokip), &json!({ "location_id": id, "skus": skus })).await;
        id
    }

    /// Opens another location in a Shopify shop, every variant stocked there at 0; its gid.
    pub async fn add_shop_location(&self, shop: &str, name: &str) -> String {
        let made = self
            .post(
                format!("{}/_control/shops/{shop}/locations", self.shopify),
                &json!({ "name": name, "stock_all": true }),
            )
            .await;
        made["location_id"].as_str().expect("a location gid").to_owned()
    }

    /// Stock quantity per SKU a WooCommerce store shows (simple products and variations).
    pub async fn store_quantities(&self, store: &str) -> HashMap<String, i64> {
        let state = self.get(format!("{}/_control/stores/{store}/state", self.woo)).await;
        let mut out = HashMap::new();
        for p in state["products"].as_array().cloned().unwrap_or_default() {
            let items = std::iter::once(&p).chain(p["variation_details"].as_array().into_iter().flatten());
            for item in items {
                if let (Some(sku), Some(q)) = (item["sku"].as_str(), item["stock_quantity"].as_i64()) {
                    out.insert(sku.to_owned(), q);
                }
            }
        }
        out
    }
}
