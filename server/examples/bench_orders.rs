//! `bench_orders`: order import speed.
//!
//! (a) Ingest: N distinct Shopify `orders/paid` deliveries, signed with the app secret, posted by
//! C concurrent clients to the real router served on a port (workers off, so only the verified,
//! durable store-and-enqueue is measured): throughput and p50/p99 latency, beside the same load
//! against a bare HTTP handler and pgbench's single-row-insert TPS on the same PostgreSQL at the
//! same concurrency, and the ratios to both.
//! (b) Order → other store: orders placed in the Shopify mock (which fires the webhooks) at a fixed
//! rate, each for its own SKU, with the background workers running; the time until the
//! WooCommerce mock shows the new quantity for that SKU.
//!
//! (b, `--saturate [R1,R2,…]`) The same, raising the rate step by step (`--step-seconds` of orders
//! each, 10 by default) until p99 passes 2 s or a backlog grows: the last rate one process held.
//! The shop's query-cost bucket restores `--shopify-restore` points a second (100: Shopify's
//! Standard plan; 1000: Plus) and holds ten seconds of it; each step says how often Shopify
//! throttled, so a limit of the shop's plan is told apart from one of this process.
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
/// `shopify_restore`: the shop's query-cost restore rate (points a second), its bucket ten seconds of it.
pub async fn world(db_suffix: &str, extra_skus: usize, jobs: bool, shopify_restore: f64) -> World {
    let generated = catalog::generated_catalog(extra_skus);
    let prokip = ProkipMock::new(mocks::prokip::DEMO_CLIENT_ID, mocks::prokip::DEMO_CLIENT_SECRET);
    prokip.seed_demo();
    let shopify = sm::ShopifyMock::new(sm::DEMO_CLIENT_ID, sm::DEMO_CLIENT_SECRET);
    shopify.seed_demo();
    shopify.set_bucket(Some(sm::DEMO_SHOP), shopify_restore * 10.0, shopify_restore).expect("the demo shop");
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
    /// (b) as a saturation search: these rates in turn, until one does not hold.
    saturate: Option<Vec<f64>>,
    /// Seconds of orders per saturation step.
    step_seconds: f64,
    /// (b) The Shopify shop's restore rate, points per second.
    shopify_restore: f64,
}

/// Shopify's Standard plan: 100 points a second (`reference/shopify-woocommerce.md`, rate limits).
const STANDARD_RESTORE: f64 = 100.0;

/// The saturation search's rates (orders per second) when `--saturate` names none.
const SATURATION_RATES: [f64; 9] = [10.0, 25.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 400.0];

fn args() -> Args {
    let mut a = Args {
        deliveries: 20_000,
        clients: 32,
        orders: 500,
        rate: 10.0,
        only: None,
        saturate: None,
        step_seconds: 10.0,
        shopify_restore: STANDARD_RESTORE,
    };
    let mut argv: Vec<String> = std::env::args().skip(1).collect();
    // `--saturate` alone takes the default rates.
    if let Some(i) = argv.iter().position(|x| x == "--saturate")
        && argv.get(i + 1).is_none_or(|next| next.starts_with("--"))
    {
        argv.insert(i + 1, SATURATION_RATES.map(|r| r.to_string()).join(","));
    }
    for pair in argv.chunks(2) {
        let value = || pair.get(1).unwrap_or_else(|| panic!("{} needs a value", pair[0]));
        match pair[0].as_str() {
            "--saturate" => {
                a.saturate = Some(value().split(',').map(|r| r.trim().parse().expect("orders per second")).collect())
            }
            "--step-seconds" => a.step_seconds = value().parse().expect("seconds"),
            "--shopify-restore" => a.shopify_restore = value().parse().expect("points per second"),
            "--deliveries" => a.deliveries = value().parse().expect("a number"),
            "--clients" => a.clients = value().parse().expect("a number"),
            "--orders" => a.orders = value().parse().expect("a number"),
            "--rate" => a.rate = value().parse().expect("orders per second"),
            "--only" => a.only = Some(value().clone()),
            other => {
                panic!(
                    "unknown argument {other}: --deliveries N --clients C --orders M --rate R --only ingest|orders \
                     --saturate [R1,R2,…] --step-seconds S --shopify-restore POINTS"
                )
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
        match a.saturate {
            Some(rates) => saturate(&rates, a.step_seconds, a.shopify_restore).await,
            None => order_to_store(a.orders, a.rate, a.shopify_restore).await,
        }
    }
}

/// SKUs with stock to sell, `n` of them: each order takes one unit of its own SKU.
fn skus_to_sell(n: usize) -> Vec<(String, i64)> {
    let skus: Vec<(String, i64)> = catalog::generated_catalog(n * 2 + 10)
        .iter()
        .flat_map(|p| p.variants.iter().map(|v| (v.sku.clone(), v.stock.trunc().to_i64().unwrap_or(0))))
        .filter(|(_, stock)| *stock >= 1)
        .take(n)
        .collect();
    assert_eq!(skus.len(), n, "enough SKUs with stock");
    skus
}

/// Places one Shopify order per SKU at `rate` per second; for each, in the order placed, the time
/// until WooCommerce showed its new quantity (none when not within 30 s).
async fn place_at_rate(w: &Arc<World>, skus: Vec<(String, i64)>, rate: f64) -> Vec<Option<Duration>> {
    let started = Instant::now();
    // When each order was placed (set just before the call: the push may land before it returns).
    let placed: Arc<std::sync::Mutex<Vec<Option<Instant>>>> = Arc::new(std::sync::Mutex::new(vec![None; skus.len()]));
    for (i, (sku, _)) in skus.iter().enumerate() {
        let (w, placed, sku) = (w.clone(), placed.clone(), sku.clone());
        let at = started + Duration::from_secs_f64(i as f64 / rate);
        tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            placed.lock().unwrap()[i] = Some(Instant::now());
            let order = sm::NewOrder {
                line_items: vec![sm::NewOrderLine { sku, quantity: 1 }],
                financial_status: "paid".into(),
            };
            w.shopify.create_order(sm::DEMO_SHOP, order).await.expect("order placed");
        });
    }
    // One watcher reads every waiting SKU in one pass of the store every 2 ms: a poll per order
    // would scan the mock's catalog under its lock hundreds of times a millisecond at high rates,
    // taking the CPU and the lock the store's own writes need.
    let mut shown: Vec<Option<Option<Duration>>> = vec![None; skus.len()];
    while shown.iter().any(Option::is_none) {
        let placed_at: Vec<Option<Instant>> = placed.lock().unwrap().clone();
        let waiting: Vec<usize> = (0..skus.len()).filter(|&i| shown[i].is_none() && placed_at[i].is_some()).collect();
        let wanted: std::collections::HashSet<&str> = waiting.iter().map(|&i| skus[i].0.as_str()).collect();
        let stocks = w.woo.stocks_of(wm::DEMO_STORE, &wanted);
        for i in waiting {
            let (sku, stock) = &skus[i];
            let since = placed_at[i].expect("placed").elapsed();
            if stocks.get(sku) == Some(&(stock - 1)) {
                shown[i] = Some(Some(since));
            } else if since > Duration::from_secs(30) {
                shown[i] = Some(None);
            }
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    shown.into_iter().flatten().collect()
}

/// p50 of each tenth of the orders, in the order placed: flat, or growing with a backlog.
fn per_tenth(in_order: &[Option<Duration>]) -> Vec<String> {
    in_order
        .chunks(in_order.len().div_ceil(10).max(1))
        .map(|c| {
            let mut shown: Vec<Duration> = c.iter().flatten().copied().collect();
            shown.sort_unstable();
            match shown.len() {
                0 => format!("— ({} missing)", c.len()),
                n if n == c.len() => format!("{:.0}", ms(percentile(&shown, 0.5))),
                n => format!("{:.0} ({} missing)", ms(percentile(&shown, 0.5)), c.len() - n),
            }
        })
        .collect()
}

/// (b) as a saturation search: each rate for `step_seconds` of orders, in one process with the
/// workers on, until p99 order → other store passes 2 s, an order is not shown within 30 s, or the
/// last tenth of a step waits over 2 s (a backlog growing); the last rate that held is the figure.
async fn saturate(rates: &[f64], step_seconds: f64, shopify_restore: f64) {
    let sizes: Vec<usize> = rates.iter().map(|r| (r * step_seconds).round().max(1.0) as usize).collect();
    let total: usize = sizes.iter().sum();
    println!(
        "\n(b) saturation: {} steps of {step_seconds} s, {total} orders in all, one SKU each; Shopify restores \
         {shopify_restore} points/s",
        rates.len()
    );
    let w = Arc::new(world("saturate", total * 2 + 10, true, shopify_restore).await);
    let mut skus = skus_to_sell(total).into_iter();
    let mut t = Table::new(
        "(b) Saturation: order in Shopify → WooCommerce shows it, rate raised step by step (one process, workers on, mocks in process)",
        &[
            "rate /s",
            "orders",
            "shown /s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "not shown",
            "Shopify throttled",
            "p50 per tenth (ms)",
            "held",
        ],
    );
    let mut held_at = None;
    for (&rate, &n) in rates.iter().zip(&sizes) {
        let batch: Vec<_> = skus.by_ref().take(n).collect();
        let throttled = w.shopify.throttled(sm::DEMO_SHOP);
        let started = Instant::now();
        let in_order = place_at_rate(&w, batch, rate).await;
        let wall = started.elapsed();
        let tenths = per_tenth(&in_order);
        let last_tenth: Vec<Duration> =
            in_order[in_order.len() - in_order.len().div_ceil(10)..].iter().flatten().copied().collect();
        let mut latencies: Vec<Duration> = in_order.iter().flatten().copied().collect();
        latencies.sort_unstable();
        let missing = n - latencies.len();
        let (p50, p99) = (percentile(&latencies, 0.50), percentile(&latencies, 0.99));
        let mut last_sorted = last_tenth.clone();
        last_sorted.sort_unstable();
        let backlog = percentile(&last_sorted, 0.5) > Duration::from_secs(2);
        let held = missing == 0 && p99 <= Duration::from_secs(2) && !backlog;
        t.row(vec![
            format!("{rate}"),
            n.to_string(),
            // Shown per second, from the first order placed to the last one shown.
            format!("{:.0}", latencies.len() as f64 / wall.as_secs_f64()),
            format!("{:.0}", ms(p50)),
            format!("{:.0}", ms(p99)),
            format!("{:.0}", ms(latencies.last().copied().unwrap_or_default())),
            missing.to_string(),
            (w.shopify.throttled(sm::DEMO_SHOP) - throttled).to_string(),
            tenths.join(" "),
            if held { "yes".into() } else { "no".into() },
        ]);
        if !held {
            break;
        }
        held_at = Some(rate);
        // Let the queues drain before the next step.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    t.print();
    let mut targets = Table::new("Targets (b, saturation)", &["figure", "measured", "target", "verdict"]);
    let rate = held_at.unwrap_or(0.0);
    targets.row(vec![
        "highest rate with p99 ≤ 2 s, per process".into(),
        match held_at {
            Some(r) if Some(&r) == rates.last() => format!("≥ {r} orders/s (the highest tried)"),
            Some(r) => format!("{r} orders/s"),
            None => "below the first rate".into(),
        },
        "≥ 100 orders/s".into(),
        verdict(rate >= 100.0),
    ]);
    targets.print();
    bench_common::quiet_logging();
    if let Ok(w) = Arc::try_unwrap(w) {
        w.db.drop().await;
    }
    std::process::exit(0);
}

/// (b): orders placed in Shopify at `rate` per second, one SKU each; latency until WooCommerce shows it.
async fn order_to_store(orders: usize, rate: f64, shopify_restore: f64) {
    let w = Arc::new(world("orders", orders * 2 + 10, true, shopify_restore).await);
    let started = Instant::now();
    let in_order = place_at_rate(&w, skus_to_sell(orders), rate).await;
    println!("\n(b) p50 ms per tenth of the orders, in the order placed: {}", per_tenth(&in_order).join(", "));
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
