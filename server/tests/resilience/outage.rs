//! Database outage: a child server reaches PostgreSQL through a TCP proxy, and for 10 s during a
//! stream of paid Shopify orders the proxy cuts every connection and refuses new ones (the shared
//! PostgreSQL itself is never touched). Webhooks must get a quick 503 meanwhile (Shopify
//! re-delivers), the server must come back by itself (readiness, workers restarted by the job
//! monitor), and every order the server accepted must end up sold exactly once.

use crate::process::ChildServer;
use crate::proxy::{Proxy, upstream_of};
use crate::{Size, platform, table::Row};
use std::time::{Duration, Instant};

const AREA: &str = "database outage";
const OUTAGE: Duration = Duration::from_secs(10);
/// Orders arrive over this span: a third before the outage, the outage, some after.
const BEFORE: Duration = Duration::from_secs(5);
const AFTER: Duration = Duration::from_secs(5);

pub async fn run(size: Size) -> Vec<Row> {
    let w = platform::world().await;
    let db_url = w.app.state.config.database_url.clone();
    let proxy = Proxy::start(upstream_of(&db_url)).await;
    let mut spec = platform::spec(&w, "serve", &[]);
    spec.database_url = proxy.url_through(&db_url);
    let server = ChildServer::start(spec).await;

    let orders: Vec<u64> = (0..size.orders as u64).map(|i| 8_000_000 + i).collect();
    let url = server.url("/connections/webhook/shopify");
    let span = BEFORE + OUTAGE + AFTER;
    let t0 = Instant::now();
    let senders = platform::spread(&url, &orders, t0, span, Duration::from_millis(500), Duration::from_secs(180));

    tokio::time::sleep_until((t0 + BEFORE).into()).await;
    let cut_at = Instant::now();
    proxy.cut();
    // Readiness while the database is away.
    let probe = platform::platform_client();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ready_during = probe.get(server.url("/readyz")).send().await.map(|r| r.status().as_u16()).unwrap_or(0);
    tokio::time::sleep_until((cut_at + OUTAGE).into()).await;
    proxy.open().await;
    let opened_at = Instant::now();
    let mut ready_after = None;
    while opened_at.elapsed() < Duration::from_secs(60) {
        if probe.get(server.url("/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
            ready_after = Some(opened_at.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut attempts = Vec::new();
    for s in senders {
        attempts.push(s.await.unwrap_or_default());
    }
    // Attempts made and answered while the database was away (from a moment after the cut); an
    // attempt still waiting when it came back may rightly be stored and answered 200.
    let during: Vec<(Duration, u16)> = attempts
        .iter()
        .flat_map(|a| a.tries.iter())
        .filter(|(at, took, _)| *at > cut_at + Duration::from_millis(500) && *at + *took < opened_at)
        .map(|(_, took, status)| (*took, *status))
        .collect();
    let answered_503 = during.iter().filter(|(_, s)| *s == 503).count() as u64;
    let slowest = during.iter().map(|(t, _)| *t).max().unwrap_or_default();
    let other: Vec<u16> = during.iter().filter(|(_, s)| *s != 503).map(|(_, s)| *s).collect();

    let accepted = attempts.iter().filter(|a| a.accepted).count() as u64;
    // An order being sold when the connections were cut keeps its lease (up to 20 s) before
    // another run takes it up again.
    let (sold, duplicates) = platform::wait_sold(&w, &orders, 300).await;
    let all_sold_after = opened_at.elapsed().as_secs_f64();
    let lost = accepted.saturating_sub(sold) + (orders.len() as u64 - accepted);
    let restarts = server.count_in_output("restarting a failed worker");
    if lost + duplicates > 0 || ready_after.is_none() {
        eprintln!("outage: the server's last output:\n{}", server.tail());
    }
    let ready_ok = u64::from(ready_after.is_some() && ready_during == 503);
    vec![
        Row::new(
            AREA,
            "webhooks while PostgreSQL is unreachable → 503 within 2 s",
            during.len() as u64,
            answered_503,
            other.len() as u64 + u64::from(during.is_empty()),
            format!("slowest answer {} ms; other answers: {other:?}", slowest.as_millis()),
        ),
        Row::new(
            AREA,
            "the server recovers by itself after 10 s without its database",
            1,
            ready_ok,
            1 - ready_ok,
            format!(
                "/readyz {ready_during} during, 200 again {} after; {restarts} worker restarts by the job monitor",
                ready_after.map(|d| format!("{:.1} s", d.as_secs_f64())).unwrap_or_else(|| "never (60 s)".into())
            ),
        ),
        Row::new(
            AREA,
            format!("{} orders across the outage → every accepted one sold once", orders.len()),
            orders.len() as u64,
            sold,
            lost + duplicates,
            format!(
                "accepted {accepted}, sold {sold}, duplicated {duplicates}, all sold {all_sold_after:.0} s after the database \
                 returned; platform saw {}",
                platform::statuses(&attempts)
            ),
        ),
    ]
}
