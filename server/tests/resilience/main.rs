//! The resilience and security suite. Each scenario injects faults or hostile input into a real
//! server (in this process or as child processes of the `server` binary) over a real PostgreSQL
//! and the mock platforms, and reports what it injected, what recovered and what was lost. The
//! table is printed at the end; the suite fails when anything was lost, panicked or leaked.
//!
//! `make resilience` runs it at full size (500-order bursts); `make test` runs it at the size in
//! `RESILIENCE_ORDERS` (see `.ci/test`).

#[path = "../common/mod.rs"]
mod common;

mod crash;
mod faults;
mod hostile;
mod logs;
mod outage;
mod platform;
mod process;
mod proxy;
mod scaleout;
mod security;
mod table;

use table::Row;

/// How big the bursts are: `RESILIENCE_ORDERS` (default 500).
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub orders: usize,
}

impl Size {
    fn from_env() -> Size {
        let orders = std::env::var("RESILIENCE_ORDERS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
        Size { orders }
    }
}

/// Whether `RESILIENCE_ONLY` (a comma-separated list of scenario modules, e.g. `faults,crash`)
/// selects this scenario; unset selects all.
fn selected(module: &str) -> bool {
    std::env::var("RESILIENCE_ONLY").map(|only| only.split(',').any(|m| m.trim() == module)).unwrap_or(true)
}

/// Runs one scenario on its own task, so a scenario that panics becomes a failed row instead of
/// hiding the others' figures.
async fn scenario<F, Fut>(module: &str, area: &'static str, f: F) -> Vec<Row>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Vec<Row>> + Send + 'static,
{
    if !selected(module) {
        return Vec::new();
    }
    match tokio::spawn(f()).await {
        Ok(rows) => rows,
        Err(e) => vec![Row::broken(area, format!("the scenario itself failed: {e}"))],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn resilience_and_security_suite() {
    logs::install();
    let size = Size::from_env();
    let started = std::time::Instant::now();
    let mut rows = Vec::new();
    rows.extend(scenario("faults", "platform faults", move || faults::run(size)).await);
    rows.extend(scenario("crash", "crash", move || crash::run(size)).await);
    rows.extend(scenario("outage", "database outage", move || outage::run(size)).await);
    rows.extend(scenario("hostile", "hostile input", move || hostile::run(size)).await);
    rows.extend(scenario("security", "security", move || security::run(size)).await);
    rows.extend(scenario("scaleout", "scale-out", move || scaleout::run(size)).await);
    rows.push(logs::secrets_row());
    println!("\n{}", table::render(&rows, size, started.elapsed()));
    let bad: Vec<&Row> = rows.iter().filter(|r| r.bad > 0 || r.broken).collect();
    assert!(bad.is_empty(), "lost, panicked, leaked or failed: {bad:#?}");
}
