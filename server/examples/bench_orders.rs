//! `bench_orders`: order import speed.
//!
//! (a) Ingest: N distinct Shopify `orders/paid` deliveries, signed with the app secret, posted by
//! C concurrent clients to the real router served on a port (workers off, so only the verified,
//! durable store-and-enqueue is measured): throughput and p50/p99 latency, beside pgbench's
//! single-row-insert TPS on the same PostgreSQL at the same concurrency, and their ratio.
//! (b) Order → other store: orders placed in the Shopify mock (which fires the webhooks) at a fixed
//! rate, each for its own SKU, with the background workers running; the time until the
//! WooCommerce mock shows the new quantity for that SKU.
//!
//! `cargo run --release -p server --example bench_orders [-- --deliveries N --clients C --orders M --rate R]`
//! with `DATABASE_URL`/`TEST_DATABASE_URL` set (`make bench` does). Figures are printed, never asserted.

mod bench_common;
#[path = "bench_orders/ingest.rs"]
mod ingest;

use bench_common::{
    App, BenchDb, Platforms, ms, percentile,
    table::{Table, verdict},
};
use mocks::{catalog, prokip::ProkipMock, shopify as sm, woocommerce as wm};
use rust_decimal::prelude::ToPrimitive;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

/// Mock platforms in this process (their CPU shows up here, which only makes the figures worse).
pub struct World {
    pub shopify: sm::ShopifyMock,
    pub woo: wm::WooMock,
    pub app: App,
    pub db: BenchDb,
}

/// Fresh mocks seeded with the demo catalog plus `extra_skus` generated SKUs, a fresh database,
/// the app, and a merchant with Prokip, the demo WooCommerce store and the demo Shopify shop.
pub async fn world(db_suffix: &str, extra_skus: usize, jobs: bool) -> World {
    let generated = catalog::generated_catalog(extra_skus);
    let prokip = ProkipMock::new(mocks::prokip::DEMO_CLIENT_ID, mocks::prokip::DEMO_CLIENT_SECRET);
    prokip.seed_demo();
    let shopify = sm::ShopifyMock::new(sm::DEMO_CLIENT_ID, sm::DEMO_CLIENT_SECRET);
    shopify.seed_demo();
    let woo = wm::WooMock::new();
    woo.seed_demo();
    if extra_skus > 0 {
        prokip.seed(&generated);
        shopify.seed(&generated);
        woo.seed(&generated);
    }
    let any = || "127.0.0.1:0".parse().unwrap();
    let p = mocks::serve(prokip.router(), any()).await.unwrap();
    let s = mocks::serve(shopify.router(), any()).await.unwrap();
    let w = mocks::serve(woo.router(), any()).await.unwrap();
    woo.set_base_url(&format!("http://{w}"));
    let db = BenchDb::fresh(db_suffix).await;
    let (prokip_api, template) = (format!("http://{p}"), format!("http://{s}/{{shop}}"));
    let app = App::serve(
        &db.url,
        &[("MOCK_MODE", "true"), ("PROKIP_API", &prokip_api), ("SHOPIFY_SHOP_URL_TEMPLATE", &template)],
    )
    .await;
    if jobs {
        app.start_jobs();
    }
    let platforms = Platforms {
        woo_store_url: woo.store_url(wm::DEMO_STORE),
        woo_key: wm::DEMO_CONSUMER_KEY.into(),
        woo_secret: wm::DEMO_CONSUMER_SECRET.into(),
        shops: vec!["demo-store".into()],
    };
    bench_common::connect_merchant(&app, &platforms).await;
    World { shopify, woo, app, db }
}

impl World {
    /// Closes the pool and drops the database (only without workers: they would restart against a closed pool).
    pub async fn close(self) {
        self.app.state.db.clone().close().await.ok();
        self.db.drop().await;
    }
}

struct Args {
    deliveries: usize,
    clients: usize,
    orders: usize,
    rate: f64,
    /// Run only `ingest` (a) or `orders` (b).
    only: Option<String>,
}

fn args() -> Args {
    let mut a = Args { deliveries: 20_000, clients: 32, orders: 500, rate: 10.0, only: None };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let value = || pair.get(1).unwrap_or_else(|| panic!("{} needs a value", pair[0]));
        match pair[0].as_str() {
            "--deliveries" => a.deliveries = value().parse().expect("a number"),
            "--clients" => a.clients = value().parse().expect("a number"),
            "--orders" => a.orders = value().parse().expect("a number"),
            "--rate" => a.rate = value().parse().expect("orders per second"),
            "--only" => a.only = Some(value().clone()),
            other => {
                panic!("unknown argument {other}: --deliveries N --clients C --orders M --rate R --only ingest|orders")
            }
        }
    }
    a
}

#[tokio::main]
async fn main() {
    bench_common::init_logging();
    let a = args();
    println!("Order benchmark (this machine: {} CPUs)", std::thread::available_parallelism().map_or(0, |n| n.get()));
    if a.only.as_deref() != Some("orders") {
        ingest::run(a.deliveries, a.clients).await;
    }
    if a.only.as_deref() != Some("ingest") {
        order_to_store(a.orders, a.rate).await;
    }
}

/// (b): orders placed in Shopify at `rate` per second, one SKU each; latency until WooCommerce shows it.
async fn order_to_store(orders: usize, rate: f64) {
    let w = Arc::new(world("orders", orders * 2 + 10, true).await);
    // SKUs with stock to sell: each order takes one unit of its own SKU.
    let skus: Vec<(String, i64)> = catalog::generated_catalog(orders * 2 + 10)
        .iter()
        .flat_map(|p| p.variants.iter().map(|v| (v.sku.clone(), v.stock.trunc().to_i64().unwrap_or(0))))
        .filter(|(_, stock)| *stock >= 1)
        .take(orders)
        .collect();
    assert_eq!(skus.len(), orders, "enough SKUs with stock");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, (sku, stock)) in skus.into_iter().enumerate() {
        let w = w.clone();
        let at = started + Duration::from_secs_f64(i as f64 / rate);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            let placed = Instant::now();
            let order = sm::NewOrder {
                line_items: vec![sm::NewOrderLine { sku: sku.clone(), quantity: 1 }],
                financial_status: "paid".into(),
            };
            w.shopify.create_order(sm::DEMO_SHOP, order).await.expect("order placed");
            let deadline = placed + Duration::from_secs(30);
            while Instant::now() < deadline {
                if w.woo.stock_of(wm::DEMO_STORE, &sku) == Some(stock - 1) {
                    return Some(placed.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            None
        }));
    }
    let mut in_order = Vec::new();
    for t in tasks {
        in_order.push(t.await.unwrap());
    }
    // Whether latency grows during the run (a backlog) or is flat.
    let per_tenth: Vec<String> = in_order
        .chunks(orders.div_ceil(10).max(1))
        .map(|c| {
            let mut shown: Vec<Duration> = c.iter().flatten().copied().collect();
            shown.sort_unstable();
            match shown.len() {
                n if n == c.len() => format!("{:.0}", ms(percentile(&shown, 0.5))),
                n => format!("{:.0} ({} missing)", ms(percentile(&shown, 0.5)), c.len() - n),
            }
        })
        .collect();
    println!("\n(b) p50 ms per tenth of the orders, in the order placed: {}", per_tenth.join(", "));
    let mut latencies: Vec<Duration> = in_order.into_iter().flatten().collect();
    let wall = started.elapsed();
    latencies.sort_unstable();
    let timed_out = orders - latencies.len();
    let (p50, p99) = (percentile(&latencies, 0.50), percentile(&latencies, 0.99));
    let mut t = Table::new(
        "(b) Order in Shopify → WooCommerce shows the new quantity (workers on, mocks in process)",
        &["orders", "placed at", "wall s", "p50 ms", "p99 ms", "max ms", "not shown within 30 s"],
    );
    let max = latencies.last().copied().unwrap_or_default();
    t.row(vec![
        orders.to_string(),
        format!("{rate} /s"),
        format!("{:.1}", wall.as_secs_f64()),
        format!("{:.0}", ms(p50)),
        format!("{:.0}", ms(p99)),
        format!("{:.0}", ms(max)),
        timed_out.to_string(),
    ]);
    t.print();
    let mut targets = Table::new("Targets (b)", &["figure", "measured", "target", "verdict"]);
    let met = timed_out == 0 && p99 <= Duration::from_secs(2);
    targets.row(vec![
        "order → other store p99".into(),
        format!("{:.0} ms", ms(p99)),
        "≤ 2,000 ms".into(),
        verdict(met),
    ]);
    targets.print();
    // The workers still hold the pool: drop the database and end the process at once, before
    // they notice and start restarting against a database that is gone.
    bench_common::quiet_logging();
    if let Ok(w) = Arc::try_unwrap(w) {
        w.db.drop().await;
    }
    std::process::exit(0);
}
