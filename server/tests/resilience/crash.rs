//! Crash: the `server` binary is killed with SIGKILL several times during a burst of paid Shopify
//! orders and started again. Shopify re-delivers every webhook until it gets a 2xx, so deliveries
//! refused while the server was dead come back after the restart. Prokip answers `POST /sell`
//! late, so each kill lands while sells exist in Prokip that our commit has not recorded yet
//! (ARCHITECTURE §4: the restart must find them by invoice number, not sell again). The oracle is
//! the Prokip mock: exactly one sell per order.

use crate::process::ChildServer;
use crate::{Size, platform, table::Row};
use axum::{
    body::Body,
    extract::{Request, State},
    middleware::{Next, from_fn_with_state},
    response::Response,
};
use mocks::faults::{FaultKind, FaultRule};
use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

const AREA: &str = "crash";
const KILLS: usize = 3;
/// How late Prokip answers a sell it has already stored.
const REPLY_DELAY: Duration = Duration::from_millis(400);
/// How fast paid orders arrive (close to what one process sells with the late answers).
const ARRIVALS_PER_SEC: f64 = 6.0;

/// Invoices whose sell Prokip has stored but whose answer is still on its way.
#[derive(Clone, Default)]
struct InFlight(Arc<Mutex<BTreeSet<String>>>);

/// Removes the invoice when the answer is sent or the connection is cut (the future is dropped).
struct Landed(InFlight, String);

impl Drop for Landed {
    fn drop(&mut self) {
        self.0.0.lock().unwrap().remove(&self.1);
    }
}

/// Lets Prokip store the sell, then holds the answer for [`REPLY_DELAY`].
async fn late_sell_answer(State(flight): State<InFlight>, req: Request, next: Next) -> Response {
    if !(req.method() == "POST" && req.uri().path() == "/connector/api/sell") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap_or_default();
    let invoice = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v["sells"][0]["invoice_no"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let answer = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    flight.0.lock().unwrap().insert(invoice.clone());
    let _landed = Landed(flight, invoice);
    tokio::time::sleep(REPLY_DELAY).await;
    answer
}

pub async fn run(size: Size) -> Vec<Row> {
    let w = platform::world().await;
    let flight = InFlight::default();
    let late = w.prokip.router().layer(from_fn_with_state(flight.clone(), late_sell_answer));
    let late = format!("http://{}", mocks::serve(late, "127.0.0.1:0".parse().unwrap()).await.unwrap());
    // The merchant's Prokip is reached through the late-answering listener (same mock state).
    w.app.sql(&format!("UPDATE prokip_configs SET api_url = '{late}' WHERE account_id = {}", w.account_id)).await;
    // A third of the sells also wait before Prokip stores them: a kill then leaves `sending` with no sell.
    w.prokip.faults().add(FaultRule {
        path_prefix: "/connector/api/sell".into(),
        method: Some("POST".into()),
        kind: FaultKind::Latency { ms: 300 },
        rate: 0.3,
        times: None,
    });
    let mut spec = platform::spec(&w, "serve", &[]);
    spec.prokip_api = late;
    let mut server = ChildServer::start(spec).await;

    let orders: Vec<u64> = (0..size.orders as u64).map(|i| 7_000_000 + i).collect();
    let url = server.url("/connections/webhook/shopify");
    // Orders arrive about as fast as they are sold, so the kills also refuse deliveries.
    let span = Duration::from_secs_f64((orders.len() as f64 / ARRIVALS_PER_SEC).max(5.0));
    let t0 = Instant::now();
    let senders = platform::spread(&url, &orders, t0, span, Duration::from_millis(250), Duration::from_secs(240));

    let mut kills = 0;
    let mut cut: BTreeSet<String> = BTreeSet::new();
    while kills < KILLS {
        let threshold = (kills as u64 + 1) * orders.len() as u64 / (KILLS as u64 + 1);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline
            && (platform::sold(&w, &orders).0 < threshold || flight.0.lock().unwrap().is_empty())
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if Instant::now() >= deadline {
            break;
        }
        cut.extend(flight.0.lock().unwrap().iter().cloned());
        server.kill9().await;
        kills += 1;
        tokio::time::sleep(Duration::from_millis(700)).await;
        server.restart().await;
    }
    let restarted = Instant::now();

    let mut attempts = Vec::new();
    for s in senders {
        attempts.push(s.await.unwrap_or_default());
    }
    let accepted = attempts.iter().filter(|a| a.accepted).count() as u64;
    let (sold, duplicates) = platform::wait_sold(&w, &orders, 420).await;
    let recovered_in = restarted.elapsed().as_secs_f64();
    let lost = orders.len() as u64 - sold;
    let stored = w.app.scalar("SELECT count(*) FROM webhook_events WHERE topic = 'orders/paid'").await;

    let state = w.prokip.state();
    let sells = state["sells"].as_array().cloned().unwrap_or_default();
    let cut_once =
        cut.iter().filter(|inv| sells.iter().filter(|s| s["invoice_no"] == inv.as_str()).count() == 1).count() as u64;
    if lost + duplicates > 0 {
        eprintln!("crash: the server's last output:\n{}", server.tail());
    }
    vec![
        Row::new(
            AREA,
            format!("kill -9 ×{kills} during {} paid orders → one Prokip sell each", orders.len()),
            kills as u64,
            sold,
            lost + duplicates + (stored as u64).abs_diff(orders.len() as u64) + (KILLS - kills) as u64,
            format!(
                "{sold}/{} sold, {lost} lost, {duplicates} duplicated; deliveries accepted {accepted}, stored {stored}; \
                 all sold {recovered_in:.0} s after the last restart; platform saw {}",
                orders.len(),
                platform::statuses(&attempts)
            ),
        ),
        Row::new(
            AREA,
            "kill between POST /sell and our commit → sell adopted, not repeated",
            cut.len() as u64,
            cut_once,
            cut.len() as u64 - cut_once + u64::from(cut.is_empty()),
            format!(
                "{} sells were stored in Prokip, unanswered, at the kills; {cut_once} have exactly one sell",
                cut.len()
            ),
        ),
    ]
}
