//! Scale-out: several `server` processes on one PostgreSQL during a burst of paid Shopify orders,
//! the deliveries spread over the web processes like a load balancer would. Every job must run
//! once (exactly one Prokip sell per order), every Prokip poll tick once across the processes
//! (Prokip sees one poll per tick claimed in `sync_ticks`, not one per process), and the dashboard
//! of either process must show the same truth, whichever process signed the user in. Prints the
//! measured webhook ingest rate the README's capacity estimate is derived from.

use crate::process::ChildServer;
use crate::{Size, platform, table::Row};
use axum::{
    extract::{Request, State},
    middleware::{Next, from_fn_with_state},
    response::Response,
};
use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

const AREA: &str = "scale-out";
/// Seconds between Prokip polls in this scenario (divides a minute, as the setting requires).
const POLL_SECONDS: u64 = 3;

/// Counts Prokip polls: the first page of `GET /connector/api/sell` (one per poll).
async fn count_polls(State(polls): State<Arc<AtomicU64>>, req: Request, next: Next) -> Response {
    let query = req.uri().query().unwrap_or_default();
    if req.method() == "GET" && req.uri().path() == "/connector/api/sell" && query.split('&').any(|kv| kv == "page=1") {
        polls.fetch_add(1, Ordering::SeqCst);
    }
    next.run(req).await
}

pub async fn run(size: Size) -> Vec<Row> {
    let w = platform::world().await;
    let polls = Arc::new(AtomicU64::new(0));
    let counted = w.prokip.router().layer(from_fn_with_state(polls.clone(), count_polls));
    let counted = format!("http://{}", mocks::serve(counted, "127.0.0.1:0".parse().unwrap()).await.unwrap());
    w.app.sql(&format!("UPDATE prokip_configs SET api_url = '{counted}' WHERE account_id = {}", w.account_id)).await;
    let mut spec = platform::spec(&w, "web", &[("PROKIP_POLL_SECONDS", &POLL_SECONDS.to_string())]);
    spec.prokip_api = counted;
    let webs = [ChildServer::start(spec.clone()).await, ChildServer::start(spec.clone()).await];
    spec.command = "worker";

    // First half: the web processes alone take it in (the pure ingest rate); then two worker
    // processes start and the second half arrives while they sell.
    let orders: Vec<u64> = (0..size.orders as u64).map(|i| 9_000_000 + i).collect();
    let (first, second) = orders.split_at(orders.len() / 2);
    let (first_accepted, ingest) = burst(&webs, first).await;
    let started = Instant::now();
    let _workers = [ChildServer::start(spec.clone()).await, ChildServer::start(spec).await];
    let (second_accepted, busy_ingest) = burst(&webs, second).await;
    let (sold, duplicates) = platform::wait_sold(&w, &orders, 180).await;
    let processed = started.elapsed();
    let accepted = first_accepted + second_accepted;
    let lost = orders.len() as u64 - sold;
    let ingest_rate = first_accepted as f64 / ingest.as_secs_f64();
    let busy_rate = second_accepted as f64 / busy_ingest.as_secs_f64();
    let sell_rate = sold as f64 / processed.as_secs_f64();
    println!(
        "scale-out: 2 web processes ingested {first_accepted} webhooks in {:.2} s = {ingest_rate:.0} webhooks/s \
         (idle workers), {second_accepted} in {:.2} s = {busy_rate:.0} webhooks/s while 2 workers sold; \
         {sold} sold in {:.1} s = {sell_rate:.1} orders/s",
        ingest.as_secs_f64(),
        busy_ingest.as_secs_f64(),
        processed.as_secs_f64()
    );

    let ticks = ticks_run_once(&w, &polls).await;
    let dashboards = same_truth(&webs, orders.len()).await;
    vec![
        Row::new(
            AREA,
            format!("2 web + 2 worker processes, {} orders → every job once", orders.len()),
            orders.len() as u64,
            sold,
            lost + duplicates + (orders.len() as u64 - accepted),
            format!(
                "{sold} sold, {lost} lost, {duplicates} duplicated; ingest {ingest_rate:.0} webhooks/s \
                 ({busy_rate:.0} while selling), {sell_rate:.1} orders/s sold"
            ),
        ),
        ticks,
        dashboards,
    ]
}

/// Delivers `orders` (32 at a time, alternating between the web processes); how many were
/// accepted and how long that took.
async fn burst(webs: &[ChildServer; 2], orders: &[u64]) -> (u64, Duration) {
    let limit = Arc::new(tokio::sync::Semaphore::new(32));
    let started = Instant::now();
    let senders: Vec<_> = orders
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let url = webs[i % 2].url("/connections/webhook/shopify");
            let limit = limit.clone();
            tokio::spawn(async move {
                let _slot = limit.acquire_owned().await.unwrap();
                let client = platform::platform_client();
                platform::deliver(
                    &client,
                    &url,
                    &platform::orders_paid(id),
                    Duration::from_millis(250),
                    Duration::from_secs(60),
                )
                .await
            })
        })
        .collect();
    let mut accepted = 0;
    for s in senders {
        accepted += u64::from(s.await.is_ok_and(|a| a.accepted));
    }
    (accepted, started.elapsed())
}

/// Over a few poll periods, Prokip must see one poll per tick claimed, not one per process.
async fn ticks_run_once(w: &crate::common::world::World, polls: &AtomicU64) -> Row {
    let period = POLL_SECONDS as f64;
    // Read the counts mid-period, when the tick of the period has run and the next has not.
    let mid = || {
        let now = chrono::Utc::now().timestamp_millis() as f64 / 1000.0;
        let next_mid = ((now / period).floor() + 1.5) * period;
        Duration::from_secs_f64(next_mid - now)
    };
    let sql = format!("SELECT count(*) FROM sync_ticks WHERE name = '{}'", app::backend::sync::triggers::POLL_TICK);
    let claimed = || w.app.scalar(&sql);
    tokio::time::sleep(mid()).await;
    let (polls_before, claimed_before) = (polls.load(Ordering::SeqCst), claimed().await);
    tokio::time::sleep(Duration::from_secs(4 * POLL_SECONDS)).await;
    tokio::time::sleep(mid()).await;
    let (polls_after, claimed_after) = (polls.load(Ordering::SeqCst), claimed().await);
    let (ticks, seen) = ((claimed_after - claimed_before) as u64, polls_after - polls_before);
    let bad = ticks.abs_diff(seen) + u64::from(ticks == 0);
    Row::new(
        AREA,
        "each Prokip poll tick runs once across 2 worker processes",
        ticks,
        seen.min(ticks),
        bad,
        format!("{ticks} ticks claimed in sync_ticks, Prokip saw {seen} polls (one per tick expected, not two)"),
    )
}

/// Signs in once on each web process, then reads the sync status from both processes with both
/// sessions: all four views must agree, and count every order.
async fn same_truth(servers: &[ChildServer; 2], orders: usize) -> Row {
    let first = crate::common::client();
    let second = crate::common::client();
    let login = |c: &reqwest::Client, s: &ChildServer| {
        c.post(s.url("/login")).form(&[("username", "amina"), ("password", "correct horse")]).send()
    };
    let _ = login(&first, &servers[0]).await;
    let _ = login(&second, &servers[1]).await;
    // Stock pushes may still be finishing (sync times move): read all four views again until
    // they agree in one round, or 30 s pass.
    let mut views = Vec::new();
    let mut rounds = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while rounds == 0 || (Instant::now() < deadline && views.iter().any(|v| *v != views[0])) {
        rounds += 1;
        views.clear();
        for (client, server) in
            [(&first, &servers[0]), (&first, &servers[1]), (&second, &servers[1]), (&second, &servers[0])]
        {
            let body = match client.get(server.url("/sync/status")).send().await {
                Ok(r) if r.status().is_success() => r.text().await.unwrap_or_default(),
                Ok(r) => format!("status {}", r.status()),
                Err(e) => format!("error {e}"),
            };
            views.push(body);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let shopify_orders = serde_json::from_str::<serde_json::Value>(&views[0])
        .ok()
        .and_then(|v| v.as_array()?.iter().find(|c| c["platform"] == "shopify").and_then(|c| c["orderCount"].as_u64()))
        .unwrap_or(0);
    let agree = views.iter().filter(|v| **v == views[0]).count() as u64;
    let right = agree == views.len() as u64 && shopify_orders == orders as u64;
    Row::new(
        AREA,
        "either process's dashboard shows the same truth, any session",
        views.len() as u64,
        if right { agree } else { 0 },
        u64::from(!right),
        format!(
            "{agree}/{} views identical in read {rounds} (sessions from either process); Shopify orders shown: {shopify_orders}",
            views.len()
        ),
    )
}
