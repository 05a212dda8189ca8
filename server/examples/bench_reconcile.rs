//! `bench_reconcile`: the scheduled reconcile (read every store's quantities back, then a full
//! stock push — the body of the `push_stock` job the reconcile tick enqueues) for 10,000 SKUs in
//! three stores: the demo Shopify shop, a second Shopify shop and the demo WooCommerce store.
//!
//! The mocks run as a separate process with no added latency. The merchant registers and connects
//! everything through the real forms (each store is indexed as it connects). Each measured phase
//! runs in a fresh child process, so its peak RSS (`VmHWM`) is that reconcile's alone. Calls per
//! platform come from the mocks' request counts and are printed beside the fewest the platforms'
//! APIs allow. Figures are printed, never asserted.
//!
//! `cargo run --release -p server --example bench_reconcile [-- --shopify-throttle] [--skus 1000,10000,100000]`
//! with `DATABASE_URL`/`TEST_DATABASE_URL` set (`make bench` does). By default the Shopify mock's
//! query-cost bucket refills at once, so the app's own cost is measured; `--shopify-throttle`
//! keeps Shopify's standard bucket (1,000 points, 50 restored per second). `--skus` measures each
//! catalog size in turn (10,000 by default) and, with several, prints how time, memory and calls
//! grow from the smallest. `--two-locations` opens a warehouse in Prokip (stocked like the shop)
//! and a back room in each Shopify shop: every store draws on both Prokip locations, and in each
//! shop the warehouse feeds the back room, so Prokip is read at two locations and each shop is read
//! and written at two. `--woo-latency MS` makes WooCommerce answer every read that much later once
//! the store is connected, and prints what the reads would take one after another.

mod bench_common;

use app::backend::{jobs::PushStock, sync::stock};
use bench_common::{
    App, BenchDb, Platforms,
    mocks_process::MocksProcess,
    table::{Table, verdict},
};
use mocks::{catalog, shopify as sm, woocommerce as wm};
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Value, json};
use std::{collections::BTreeMap, time::Instant};

const SKUS: usize = 10_000;
/// SKUs changed in Prokip for phase (b): 1,000, or a tenth of a smaller catalog.
const CHANGED: usize = 1_000;
const SECOND_SHOP: &str = "bench-two.myshopify.com";
/// Page and batch sizes: Prokip's the app uses (`per_page=-1` is slow on a real Prokip), the most
/// Shopify allows per query/mutation, the most WooCommerce allows per page/batch.
const PROKIP_PAGE: usize = 200;
const SHOPIFY_BATCH: usize = 250;
const WOO_BATCH: usize = 100;

#[tokio::main]
async fn main() {
    bench_common::init_logging();
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--phase") {
        return child(&args[i + 1]).await;
    }
    let throttle = args.iter().any(|a| a == "--shopify-throttle");
    let locations = if args.iter().any(|a| a == "--two-locations") { 2 } else { 1 };
    let woo_latency: Option<u64> = args
        .iter()
        .position(|a| a == "--woo-latency")
        .map(|i| args.get(i + 1).and_then(|ms| ms.parse().ok()).expect("--woo-latency needs milliseconds, e.g. 20"));
    let sizes: Vec<usize> = match args.iter().position(|a| a == "--skus") {
        Some(i) => args
            .get(i + 1)
            .expect("--skus needs sizes, e.g. 1000,10000,100000")
            .split(',')
            .map(|n| n.trim().replace('_', "").parse().expect("a number of SKUs"))
            .collect(),
        None => vec![SKUS],
    };
    let mut growth = Vec::new();
    for &skus in &sizes {
        growth.push(parent(skus, throttle, locations, woo_latency).await);
    }
    if growth.len() > 1 {
        print_growth(&growth);
    }
}

/// One catalog size's figures for the growth table: phase (a), nothing changed.
struct Size {
    skus: usize,
    secs: f64,
    peak_mib: f64,
    /// CPU time of the reconcile's own process (the mocks and PostgreSQL not counted).
    cpu: f64,
    calls: u64,
    minimum: usize,
}

/// How time, memory and calls grow with the catalog: each size against the smallest.
fn print_growth(sizes: &[Size]) {
    let base = &sizes[0];
    let mut t = Table::new(
        "Growth: reconcile with nothing changed (a), each size against the smallest (linear growth = the SKU ratio)",
        &[
            "SKUs",
            "× SKUs",
            "wall s",
            "× wall",
            "app CPU s",
            "× app CPU",
            "peak RSS MiB",
            "× RSS",
            "calls (all platforms)",
            "minimum",
            "× calls",
        ],
    );
    for s in sizes {
        t.row(vec![
            s.skus.to_string(),
            format!("{:.1}", s.skus as f64 / base.skus as f64),
            format!("{:.2}", s.secs),
            format!("{:.1}", s.secs / base.secs),
            format!("{:.2}", s.cpu),
            format!("{:.1}", s.cpu / base.cpu),
            format!("{:.0}", s.peak_mib),
            format!("{:.1}", s.peak_mib / base.peak_mib),
            s.calls.to_string(),
            s.minimum.to_string(),
            format!("{:.1}", s.calls as f64 / base.calls as f64),
        ]);
    }
    t.print();
    let last = sizes.last().unwrap();
    let ratio = last.skus as f64 / base.skus as f64;
    let mut targets = Table::new("Targets (growth)", &["figure", "measured", "target", "verdict"]);
    targets.row(vec![
        format!("wall time, {} → {} SKUs", base.skus, last.skus),
        format!("× {:.1}", last.secs / base.secs),
        format!("≤ × {ratio:.0} (linear)"),
        verdict(last.secs / base.secs <= ratio),
    ]);
    targets.row(vec![
        format!("app CPU time, {} → {} SKUs", base.skus, last.skus),
        format!("× {:.1}", last.cpu / base.cpu),
        format!("≤ × {ratio:.0} (linear)"),
        verdict(last.cpu / base.cpu <= ratio),
    ]);
    targets.row(vec![
        format!("peak RSS, {} → {} SKUs", base.skus, last.skus),
        format!("× {:.1}", last.peak_mib / base.peak_mib),
        format!("≤ × {ratio:.0} (linear)"),
        verdict(last.peak_mib / base.peak_mib <= ratio),
    ]);
    targets.print();
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} not set"))
}

/// One measured reconcile in this (fresh) process; prints a `RESULT {json}` line.
async fn child(phase: &str) {
    let vars = app_vars(&env("BENCH_PROKIP_API"), &env("BENCH_SHOPIFY_TEMPLATE"));
    let state = bench_common::state(&env("BENCH_DB_URL"), &vars).await;
    let account_id: i64 = env("BENCH_ACCOUNT").parse().unwrap();
    let rss_before = bench_common::peak_rss_mib();
    let cpu_before = bench_common::cpu_secs();
    let job = PushStock { account_id, skus: None, reason: app::model::PushReason::Reconcile };
    let started = Instant::now();
    let outcomes = stock::push(&state, &job).await.expect("reconcile");
    let secs = started.elapsed().as_secs_f64();
    let cpu = bench_common::cpu_secs() - cpu_before;
    let result = json!({ "phase": phase, "secs": secs, "cpu_secs": cpu, "rss_before_mib": rss_before, "rss_peak_mib": bench_common::peak_rss_mib(), "outcomes": outcomes });
    println!("RESULT {result}");
}

fn app_vars(prokip: &str, shopify_template: &str) -> Vec<(String, String)> {
    vec![
        ("MOCK_MODE".into(), "true".into()),
        ("PROKIP_API".into(), prokip.into()),
        ("SHOPIFY_SHOP_URL_TEMPLATE".into(), shopify_template.into()),
    ]
}

async fn run_child(phase: &str, db: &BenchDb, mocks: &MocksProcess, template: &str, account_id: i64) -> Value {
    let out = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["--phase", phase])
        .env("BENCH_DB_URL", &db.url)
        .env("BENCH_PROKIP_API", &mocks.prokip)
        .env("BENCH_SHOPIFY_TEMPLATE", template)
        .env("BENCH_ACCOUNT", account_id.to_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        // `spawn` keeps the inherited stderr (`output()` would capture it): the child's logs and
        // a failure's cause show in the terminal.
        .spawn()
        .expect("start the measured reconcile")
        .wait_with_output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("phase {phase} failed: {stdout}"));
    serde_json::from_str(line).unwrap()
}

/// A SKU of the generated catalog: its seeded stock and, for a variation, its parent product.
struct Sku {
    sku: String,
    stock: i64,
    parent: Option<usize>,
}

fn flatten(catalog: &[catalog::CatalogProduct]) -> Vec<Sku> {
    let mut out = Vec::new();
    for (i, p) in catalog.iter().enumerate() {
        for v in &p.variants {
            let stock = v.stock.trunc().to_i64().unwrap_or(0);
            out.push(Sku { sku: v.sku.clone(), stock, parent: (p.kind == "variable").then_some(i) });
        }
    }
    out
}

/// Fewest calls for each platform in one reconcile that writes `changed` SKUs. Each store's
/// webhooks are listed once (the webhook health check). Shopify reads its levels back in one bulk
/// operation above 250 items (the mutation, one status poll, one download; a slower Shopify
/// takes more polls), else in one page.
struct Minimum {
    prokip: usize,
    shopify: usize,
    woo_reads: usize,
    woo_writes: usize,
}

/// `locations`: Prokip locations read, and locations read back in each Shopify shop (the changed
/// SKUs change at the first Prokip location, which feeds the shops' first locations only).
fn minimum(catalog: &[catalog::CatalogProduct], skus: usize, changed: &[&Sku], locations: usize) -> Minimum {
    let variable = catalog.iter().filter(|p| p.kind == "variable").count();
    let simple_changed = changed.iter().filter(|s| s.parent.is_none()).count();
    let mut parents: Vec<usize> = changed.iter().filter_map(|s| s.parent).collect();
    parents.sort_unstable();
    parents.dedup();
    let shopify_reads =
        if skus > app::backend::platforms::shopify::DEFAULT_BULK_ABOVE { 3 } else { skus.div_ceil(SHOPIFY_BATCH) };
    Minimum {
        prokip: locations * skus.div_ceil(PROKIP_PAGE),
        shopify: 1 + locations * shopify_reads + changed.len().div_ceil(SHOPIFY_BATCH),
        // Every page of products, then each variable product's variations (one page of ≤ 100 each).
        woo_reads: 1 + catalog.len().div_ceil(WOO_BATCH) + variable,
        // Simple products in batches of 100; variations batched per parent product, as the API requires.
        woo_writes: simple_changed.div_ceil(WOO_BATCH) + parents.len(),
    }
}

fn sum(counts: &BTreeMap<String, u64>, keep: impl Fn(&str) -> bool) -> u64 {
    counts.iter().filter(|(k, _)| keep(k)).map(|(_, n)| n).sum()
}

async fn parent(skus: usize, throttle: bool, locations: usize, woo_latency: Option<u64>) -> Size {
    println!(
        "\nReconcile benchmark: {skus} SKUs × 3 stores (demo Shopify shop, {SECOND_SHOP}, demo WooCommerce store){}",
        if locations == 2 { ", two Prokip locations feeding two locations of each shop" } else { "" }
    );
    let (mocks, seeded) = MocksProcess::start(skus).await;
    println!("mocks process: {seeded}");
    let catalog = catalog::generated_catalog(skus);
    let flat = flatten(&catalog);
    mocks.seed_shop(SECOND_SHOP, &catalog).await;
    if !throttle {
        for shop in [sm::DEMO_SHOP, SECOND_SHOP] {
            mocks.set_bucket(shop, 1000.0, 1e9).await;
        }
    }
    let db = BenchDb::fresh("reconcile").await;
    let template = format!("{}/{{shop}}", mocks.shopify);
    let vars = app_vars(&mocks.prokip, &template);
    let borrowed: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let app = App::serve(&db.url, &borrowed).await;
    let started = Instant::now();
    let platforms = Platforms {
        woo_store_url: format!("{}/{}", mocks.woo, wm::DEMO_STORE),
        woo_key: wm::DEMO_CONSUMER_KEY.into(),
        woo_secret: wm::DEMO_CONSUMER_SECRET.into(),
        shops: vec!["demo-store".into(), "bench-two".into()],
    };
    let account_id = bench_common::connect_merchant(&app, &platforms).await;
    let mapped = app.scalar("SELECT count(*) FROM sku_map").await;
    println!(
        "merchant registered, Prokip + 3 stores connected and indexed in {:.1} s ({mapped} SKU mappings)",
        started.elapsed().as_secs_f64()
    );
    let location = app.scalar(&format!("SELECT location_id FROM prokip_configs WHERE account_id = {account_id}")).await;
    if locations == 2 {
        // What the Connections page's forms save, written straight to the rows: every store draws
        // on both Prokip locations; in each shop the warehouse feeds a back room.
        let warehouse = mocks.add_prokip_location("Warehouse", skus).await;
        app.sql(&format!("UPDATE connections SET source_locations = ARRAY[{location}, {warehouse}]::bigint[]")).await;
        for shop in [sm::DEMO_SHOP, SECOND_SHOP] {
            let back_room = mocks.add_shop_location(shop, "Back room").await;
            app.sql(&format!(
                "UPDATE connections SET location_feeds = jsonb_build_object('{warehouse}', '{back_room}') \
                 WHERE store_url = '{shop}'"
            ))
            .await;
        }
    }
    if let Some(ms) = woo_latency {
        // From here on (the store is connected and indexed): every read answered `ms` late, as a
        // store on the other side of the internet.
        mocks.add_woo_latency(ms).await;
        println!("WooCommerce answers every read {ms} ms late from here on");
    }
    let total = flat.len();
    let n_changed = CHANGED.min(total / 10).max(1);
    let changed: Vec<&Sku> = flat.iter().step_by(total / n_changed).take(n_changed).collect();
    let changed_label = format!("(b) {n_changed} SKUs changed in Prokip");
    let mut size = Size { skus: total, secs: f64::NAN, peak_mib: f64::NAN, cpu: f64::NAN, calls: 0, minimum: 0 };

    let phases = [
        ("first", "first reconcile after connecting"),
        ("unchanged", "(a) nothing changed"),
        ("changed", changed_label.as_str()),
    ];
    let mut results = Table::new(
        "Reconcile: wall time, peak RSS (VmHWM of a fresh process), API calls actual/minimum",
        &[
            "phase",
            "wall s",
            "app CPU s",
            "RSS start MiB",
            "RSS peak MiB",
            "Prokip",
            "Shopify demo",
            "Shopify two",
            "Woo reads",
            "Woo writes",
            "written per store",
        ],
    );
    let mut targets = Table::new("Targets", &["figure", "measured", "target", "verdict"]);
    for (phase, label) in phases {
        let written: &[&Sku] = if phase == "changed" { &changed } else { &[] };
        if phase == "changed" {
            for s in &changed {
                mocks.set_prokip_stock(location, &s.sku, s.stock + 5).await;
            }
        }
        mocks.reset_counts().await;
        let r = run_child(phase, &db, &mocks, &template, account_id).await;
        let [prokip, shopify, woo] = mocks.counts().await;
        let min = minimum(&catalog, total, written, locations);
        let prokip_calls = sum(&prokip, |_| true);
        let shop_calls = |shop: &str| sum(&shopify, |k| k.contains(&format!("/{shop}/")));
        let (demo, two) = (shop_calls(sm::DEMO_SHOP), shop_calls(SECOND_SHOP));
        let (woo_reads, woo_writes) = (sum(&woo, |k| k.starts_with("GET ")), sum(&woo, |k| !k.starts_with("GET ")));
        let outcomes = r["outcomes"].as_array().cloned().unwrap_or_default();
        let per_store: Vec<String> = outcomes
            .iter()
            .map(|o| match o["error"].as_str() {
                Some(e) => format!("error: {e}"),
                None => format!("{}/{}f", o["written"], o["failed"]),
            })
            .collect();
        let (secs, peak) = (r["secs"].as_f64().unwrap_or(f64::NAN), r["rss_peak_mib"].as_f64().unwrap_or(f64::NAN));
        let cpu = r["cpu_secs"].as_f64().unwrap_or(f64::NAN);
        let pair = |a: u64, m: usize| format!("{a}/{m}");
        results.row(vec![
            label.into(),
            format!("{secs:.2}"),
            format!("{cpu:.2}"),
            format!("{:.0}", r["rss_before_mib"].as_f64().unwrap_or(f64::NAN)),
            format!("{peak:.0}"),
            pair(prokip_calls, min.prokip),
            pair(demo, min.shopify),
            pair(two, min.shopify),
            pair(woo_reads, min.woo_reads),
            pair(woo_writes, min.woo_writes),
            per_store.join(", "),
        ]);
        // A bulk read polls until Shopify has finished: a slower finish costs a status poll or two more.
        let polls = if total > app::backend::platforms::shopify::DEFAULT_BULK_ABOVE { 2 } else { 0 };
        let shop_ok = |n: u64| (min.shopify..=min.shopify + polls).contains(&(n as usize));
        let at_min = prokip_calls as usize == min.prokip
            && shop_ok(demo)
            && shop_ok(two)
            && woo_reads as usize == min.woo_reads
            && woo_writes as usize == min.woo_writes;
        if let Some(ms) = woo_latency.filter(|_| phase == "unchanged") {
            println!(
                "  (a) {woo_reads} WooCommerce reads at {ms} ms each: {:.1} s one after another; the reconcile took {secs:.1} s",
                woo_reads as f64 * ms as f64 / 1000.0
            );
        }
        if phase == "unchanged" {
            let minimum = min.prokip + 2 * min.shopify + min.woo_reads + min.woo_writes;
            size = Size {
                skus: total,
                secs,
                peak_mib: peak,
                cpu,
                calls: prokip_calls + demo + two + woo_reads + woo_writes,
                minimum,
            };
            targets.row(vec!["(a) wall time".into(), format!("{secs:.2} s"), "≤ 10 s".into(), verdict(secs <= 10.0)]);
            targets.row(vec![
                "(a) peak RSS".into(),
                format!("{peak:.0} MiB"),
                "≤ 300 MB".into(),
                verdict(peak * 1.048_576 <= 300.0),
            ]);
        }
        if phase != "first" {
            targets.row(vec![
                format!("{label}: calls"),
                if at_min { "= minimum".into() } else { "above minimum".into() },
                "= minimum".into(),
                verdict(at_min),
            ]);
        }
        if phase != "unchanged" {
            print_breakdown(label, &[("Prokip", &prokip), ("Shopify", &shopify), ("WooCommerce", &woo)]);
        }
    }
    verify_changed(&mocks, &changed, locations).await;
    results.print();
    targets.print();
    print_throttle_note(&flat, throttle);
    app.state.db.clone().close().await.ok();
    db.drop().await;
    mocks.stop().await;
    size
}

/// Endpoint-level counts (ids collapsed) for a phase, so extra calls can be traced to their source.
fn print_breakdown(label: &str, platforms: &[(&str, &BTreeMap<String, u64>)]) {
    println!("\ncalls in \"{label}\" by endpoint:");
    for (name, counts) in platforms {
        let mut grouped: BTreeMap<String, u64> = BTreeMap::new();
        for (k, n) in counts.iter() {
            let key: Vec<String> = k
                .split('/')
                .map(|seg| {
                    if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() { "{id}".into() } else { seg.into() }
                })
                .collect();
            *grouped.entry(key.join("/")).or_default() += n;
        }
        for (k, n) in grouped {
            println!("  {name:<12} {n:>6}  {k}");
        }
    }
}

/// What the stores show after (b): the changed SKUs at Prokip's new quantity (the shops' first
/// locations draw on the first Prokip location; with `locations` 2 WooCommerce draws on both, the
/// second stocked as the first was before the change).
async fn verify_changed(mocks: &MocksProcess, changed: &[&Sku], locations: usize) {
    let shown = [
        ("demo Shopify shop", mocks.shop_quantities(sm::DEMO_SHOP).await),
        ("second Shopify shop", mocks.shop_quantities(SECOND_SHOP).await),
        ("demo WooCommerce store", mocks.store_quantities(wm::DEMO_STORE).await),
    ];
    println!();
    for (store, quantities) in shown {
        let others = if store.contains("WooCommerce") { locations as i64 - 1 } else { 0 };
        let ok = changed.iter().filter(|s| quantities.get(&s.sku) == Some(&(s.stock + 5 + others * s.stock))).count();
        println!("after (b), {store} shows Prokip's new quantity for {ok} of {} changed SKUs", changed.len());
    }
}

/// Shopify's cost budget: what reading every level back would cost page by page, against the bulk read.
fn print_throttle_note(flat: &[Sku], throttle: bool) {
    let queries = flat.len().div_ceil(SHOPIFY_BATCH);
    // nodes(ids:) is priced per id: the item, its level and the quantity asked for, 3 points each.
    let points = flat.len() * 3;
    let secs = (points as f64 - 1000.0).max(0.0) / 50.0;
    let mode = if throttle {
        "ran with Shopify's standard bucket, 1,000 points restored at 50/s"
    } else {
        "ran with a bucket that refills at once; --shopify-throttle keeps the standard one"
    };
    let how = if flat.len() > app::backend::platforms::shopify::DEFAULT_BULK_ABOVE {
        "was read back in one bulk operation per shop (a few points)"
    } else {
        "was read back page by page"
    };
    println!(
        "\nShopify ({mode}): each shop's {} levels {how}; page by page they would be {queries} queries ≈ {points} points, \
         ≥ {secs:.0} s per shop on a standard bucket.",
        flat.len()
    );
}
