//! (a) of `bench_orders`: distinct signed Shopify `orders/paid` deliveries posted at a fixed
//! concurrency to the real router (workers off), beside two ceilings measured in the same run: the
//! same load generator against a bare HTTP handler that only reads the body and answers 200 (what
//! loopback HTTP, hyper and this generator allow on this machine), and pgbench's single-row-insert
//! TPS on the same PostgreSQL at the same concurrency.

use super::bench_common::{
    ms, percentile,
    table::{Table, verdict},
};
use mocks::shopify::{self as sm, signing::sign_body};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

/// What a platform sends: the body, its signature and the delivery id.
struct Delivery {
    body: Vec<u8>,
    hmac: String,
    webhook_id: String,
}

/// A delivery of the same shape as `template` (an order the Shopify mock rendered) for order `i`.
fn delivery(template: &Value, i: usize) -> Delivery {
    let mut o = template.clone();
    let id = 9_000_000_000u64 + i as u64;
    o["id"] = json!(id);
    o["admin_graphql_api_id"] = json!(format!("gid://shopify/Order/{id}"));
    o["order_number"] = json!(100_000 + i);
    o["name"] = json!(format!("#{}", 100_000 + i));
    let body = serde_json::to_vec(&o).unwrap();
    Delivery { hmac: sign_body(sm::DEMO_CLIENT_SECRET, &body), body, webhook_id: format!("bench-{i}") }
}

/// The bytes of one HTTP/1.1 request carrying `d`, as Shopify sends it (keep-alive).
fn request_bytes(host: &str, d: &Delivery) -> Vec<u8> {
    let head = format!(
        "POST /connections/webhook/shopify HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
         x-shopify-topic: orders/paid\r\nx-shopify-shop-domain: {shop}\r\nx-shopify-api-version: 2025-10\r\n\
         x-shopify-webhook-id: {id}\r\nx-shopify-hmac-sha256: {hmac}\r\ncontent-length: {len}\r\n\r\n",
        shop = sm::DEMO_SHOP,
        id = d.webhook_id,
        hmac = d.hmac,
        len = d.body.len(),
    );
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&d.body);
    bytes
}

/// Reads one response from a keep-alive connection: its status (the body, if any, is skipped).
async fn read_response(r: &mut tokio::io::BufReader<tokio::net::TcpStream>) -> std::io::Result<u16> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    let mut line = String::new();
    r.read_line(&mut line).await?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut length = 0usize;
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body).await?;
    Ok(status)
}

/// Posts every delivery over `clients` keep-alive connections (each sends a request and waits for
/// its answer, as a platform's sender does): latency of each 200, and how many were not 200. The
/// requests are built beforehand and written as bytes, so the load generator, which shares the
/// machine, spends as little CPU as pgbench's client does.
async fn post_all(addr: std::net::SocketAddr, requests: Arc<Vec<Vec<u8>>>, clients: usize) -> (Vec<Duration>, usize) {
    use tokio::io::AsyncWriteExt;
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (next, requests) = (next.clone(), requests.clone());
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut failed) = (Vec::new(), 0usize);
            let mut conn: Option<tokio::io::BufReader<tokio::net::TcpStream>> = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(request) = requests.get(i) else { break };
                let started = Instant::now();
                if conn.is_none() {
                    match tokio::net::TcpStream::connect(addr).await {
                        Ok(s) => {
                            s.set_nodelay(true).ok();
                            conn = Some(tokio::io::BufReader::new(s));
                        }
                        Err(_) => {
                            failed += 1;
                            continue;
                        }
                    }
                }
                let c = conn.as_mut().unwrap();
                let answered = match c.get_mut().write_all(request).await {
                    Ok(()) => read_response(c).await,
                    Err(e) => Err(e),
                };
                match answered {
                    Ok(200) => latencies.push(started.elapsed()),
                    Ok(_) => failed += 1,
                    Err(_) => {
                        failed += 1;
                        conn = None;
                    }
                }
            }
            (latencies, failed)
        }));
    }
    let (mut all, mut failed) = (Vec::new(), 0);
    for t in tasks {
        let (l, f) = t.await.unwrap();
        all.extend(l);
        failed += f;
    }
    all.sort_unstable();
    (all, failed)
}

/// The same requests against a handler that only reads the body and answers 200, on the same
/// server stack (axum on tokio), in this process: deliveries per second.
async fn bare_http_rate(requests: Arc<Vec<Vec<u8>>>, clients: usize) -> (f64, usize) {
    async fn take(body: axum::body::Bytes) -> axum::http::StatusCode {
        std::hint::black_box(body.len());
        axum::http::StatusCode::OK
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = axum::Router::new().route("/connections/webhook/shopify", axum::routing::post(take));
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let warm = Arc::new(requests.iter().take(clients * 10).cloned().collect::<Vec<_>>());
    post_all(addr, warm, clients).await;
    let started = Instant::now();
    let (latencies, failed) = post_all(addr, requests, clients).await;
    let rate = latencies.len() as f64 / started.elapsed().as_secs_f64();
    server.abort();
    (rate, failed)
}

/// The same deliveries stored and enqueued by `clients` tasks calling the intake in this process
/// (the body checked as JSON, as the handler does), with no HTTP and no signature: what the
/// database side alone allows at the same concurrency, in deliveries per second.
async fn intake_rate(state: &app::backend::state::AppState, all: &[Delivery], clients: usize) -> f64 {
    use app::backend::webhooks::{self, Event, Payload, intake::Target};
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new(all.iter().map(|d| d.body.clone()).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (state, bodies, next) = (state.clone(), bodies.clone(), next.clone());
            tokio::spawn(async move {
                let mut stored = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(body) = bodies.get(i) else { break };
                    let Ok(payload) = Payload::checked(body) else { continue };
                    let event = Event {
                        target: Target::Store(sm::DEMO_SHOP.into()),
                        platform: app::model::Platform::Shopify,
                        topic: "orders/paid",
                        dedupe_key: format!("bench-intake-{i}"),
                        event_id: None,
                        payload,
                    };
                    if matches!(webhooks::store(&state, event).await, Ok(webhooks::intake::Stored::New(_))) {
                        stored += 1;
                    }
                }
                stored
            })
        })
        .collect();
    let mut stored = 0;
    for t in tasks {
        stored += t.await.unwrap();
    }
    stored as f64 / started.elapsed().as_secs_f64()
}

/// The signature check alone, on one core: microseconds per delivery.
fn hmac_micros(all: &[Delivery]) -> f64 {
    let secret = app::backend::secret::Secret::new(sm::DEMO_CLIENT_SECRET);
    let started = Instant::now();
    let verified = all
        .iter()
        .filter(|d| app::backend::platforms::shopify::verify_webhook(&d.body, &d.hmac, std::slice::from_ref(&secret)))
        .count();
    assert_eq!(verified, all.len(), "every delivery is signed with the app secret");
    started.elapsed().as_secs_f64() * 1e6 / all.len() as f64
}

fn pgbench_bin() -> Option<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|d| d.path().join("bin/pgbench"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.pop().or_else(|| {
        let ok = std::process::Command::new("pgbench").arg("--version").output().is_ok_and(|o| o.status.success());
        ok.then(|| "pgbench".into())
    })
}

/// pgbench inserting one row per transaction into a scratch table, `clients` connections, 10 s.
async fn pgbench_tps(db: &sea_orm::DatabaseConnection, url: &str, clients: usize) -> Result<f64, String> {
    let bin = pgbench_bin().ok_or("pgbench not found (install postgresql-contrib / the PostgreSQL client)")?;
    let scratch = "CREATE TABLE IF NOT EXISTS bench_scratch (id bigserial PRIMARY KEY, body jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now())";
    db.execute_unprepared(scratch).await.map_err(|e| e.to_string())?;
    let script = std::env::temp_dir().join(format!("prokip-bench-insert-{}.sql", std::process::id()));
    std::fs::write(&script, "INSERT INTO bench_scratch (body) VALUES ('{\"id\": 1}');\n").map_err(|e| e.to_string())?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(clients);
    let out = tokio::process::Command::new(&bin)
        .args(["-n", "-c", &clients.to_string(), "-j", &threads.to_string(), "-T", "10", "-f"])
        .arg(&script)
        .arg(url)
        .output()
        .await
        .map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&script);
    let out = out?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("pgbench said: {}", String::from_utf8_lossy(&out.stderr).trim()))
}

pub async fn run(deliveries: usize, clients: usize) {
    let w = super::world("ingest", 0, false, super::STANDARD_RESTORE).await;
    let lines = vec![
        sm::NewOrderLine { sku: "AS0001".into(), quantity: 1 },
        sm::NewOrderLine { sku: "AS0033-2".into(), quantity: 2 },
    ];
    let (template, _) = w
        .shopify
        .create_order(sm::DEMO_SHOP, sm::NewOrder { line_items: lines, financial_status: "paid".into() })
        .await
        .unwrap();
    let addr: std::net::SocketAddr =
        w.app.base.trim_start_matches("http://").parse().expect("the app listens on an address");
    let host = addr.to_string();
    let warmup = clients * 10;
    let all: Vec<Delivery> = (0..warmup + deliveries).map(|i| delivery(&template, i)).collect();
    let body_bytes = all[0].body.len();
    let (warm, measured): (Vec<_>, Vec<_>) = all.iter().enumerate().partition(|(i, _)| *i < warmup);
    let bytes =
        |v: Vec<(usize, &Delivery)>| Arc::new(v.into_iter().map(|(_, d)| request_bytes(&host, d)).collect::<Vec<_>>());
    let (warm, measured) = (bytes(warm), bytes(measured));
    post_all(addr, warm, clients).await;
    let started = Instant::now();
    let (latencies, failed) = post_all(addr, measured.clone(), clients).await;
    let wall = started.elapsed();
    let (bare, bare_failed) = bare_http_rate(measured, clients).await;
    let stored = w.app.scalar("SELECT count(*) FROM webhook_events WHERE dedupe_key LIKE 'bench-%'").await;
    let alone = intake_rate(&w.app.state, &all[warmup..], clients).await;
    let hmac_us = hmac_micros(&all[warmup..]);
    let rate = latencies.len() as f64 / wall.as_secs_f64();
    let (p50, p99) = (percentile(&latencies, 0.50), percentile(&latencies, 0.99));
    let tps = pgbench_tps(w.app.db(), &w.db.url, clients).await;
    let settings = w.app.db().query_one_raw(sea_orm::Statement::from_string(
        sea_orm::DbBackend::Postgres,
        "SELECT current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit')",
    ));
    let durability = match settings.await {
        Ok(Some(row)) => format!("fsync {}", row.try_get_by_index::<String>(0).unwrap_or_default()),
        _ => "settings unknown".into(),
    };

    let mut t = Table::new(
        &format!(
            "(a) Signed Shopify orders/paid webhooks → verified, stored, enqueued (workers off; app pool 10 connections; PostgreSQL {durability})"
        ),
        &[
            "deliveries",
            "body bytes",
            "clients",
            "wall s",
            "webhooks/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "not 200",
            "rows stored",
        ],
    );
    t.row(vec![
        deliveries.to_string(),
        body_bytes.to_string(),
        clients.to_string(),
        format!("{:.2}", wall.as_secs_f64()),
        format!("{rate:.0}"),
        format!("{:.1}", ms(p50)),
        format!("{:.1}", ms(p99)),
        format!("{:.1}", ms(latencies.last().copied().unwrap_or_default())),
        failed.to_string(),
        format!("{stored} (incl. {warmup} warm-up)"),
    ]);
    t.print();
    println!(
        "  bare HTTP (same requests and generator, a handler that reads the body and answers 200): {bare:.0} /s \
         ({bare_failed} not 200); webhooks/s ÷ bare = {:.2}",
        rate / bare
    );
    println!(
        "  store and enqueue alone (same deliveries, {clients} tasks calling the intake in this process, no HTTP, no signature): \
         {alone:.0} /s; webhooks/s ÷ alone = {:.2}",
        rate / alone
    );
    // Per delivery, as the machine's two cores' time spread over the deliveries each run handled.
    let us = |per_second: f64| 1e6 / per_second;
    println!(
        "  per delivery: all of it {:.0} µs; HTTP alone {:.0} µs; store and enqueue alone {:.0} µs; signature check {hmac_us:.1} µs \
         (one core); the rest (router, middleware, handler, the wait between them) {:.0} µs",
        us(rate),
        us(bare),
        us(alone),
        (us(rate) - us(bare) - us(alone)).max(0.0),
    );
    let ratio = tps.as_ref().ok().map(|tps| rate / tps);
    match &tps {
        Ok(tps) => println!(
            "  pgbench, one INSERT per transaction, {clients} connections, 10 s: {tps:.0} TPS; webhooks/s ÷ TPS = {:.2}",
            rate / tps
        ),
        Err(e) => println!("  pgbench not run: {e}"),
    }
    let mut targets = Table::new("Targets (a)", &["figure", "measured", "target", "verdict"]);
    targets.row(vec![
        "throughput".into(),
        format!("{rate:.0} webhooks/s"),
        "≥ 2,000 /s".into(),
        verdict(rate >= 2000.0),
    ]);
    targets.row(vec![
        "p99 latency".into(),
        format!("{:.1} ms", ms(p99)),
        "≤ 50 ms".into(),
        verdict(p99 <= Duration::from_millis(50)),
    ]);
    targets.row(vec![
        "ratio to bare HTTP".into(),
        format!("{:.2}", rate / bare),
        "≥ 0.5".into(),
        verdict(rate / bare >= 0.5),
    ]);
    let ratio_cell = ratio.map_or("n/a".into(), |r| format!("{r:.2}"));
    // Group commit pays one flush per batch where pgbench pays one per row: on a cluster that
    // flushes every commit the intake should beat it; without flushes pgbench has the edge.
    let durable = durability.contains("fsync on, synchronous_commit on");
    let floor = if durable { 1.0 } else { 0.5 };
    targets.row(vec![
        "ratio to pgbench".into(),
        ratio_cell,
        format!("≥ {floor:.1}{}", if durable { " (durable)" } else { "" }),
        verdict(ratio.is_some_and(|r| r >= floor)),
    ]);
    targets.print();
    w.close().await;
}
