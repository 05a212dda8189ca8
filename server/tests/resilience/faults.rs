//! Platform faults: all three mocks answer about one call in five with a 429 (with `Retry-After`),
//! a 500 or 503, a reset connection or a timeout past the client's own (and Prokip sometimes makes
//! a sell but its answer never arrives) during a burst of orders and a full reconcile. Then every
//! order must be sold exactly once, every store must show the published availability, retries
//! must stay bounded, and whatever gave up must be in the activity log with a Retry that works.

mod probe;

use crate::{Size, common::world::World, logs, table::Row};
use app::backend::sync::allocation::Rules;
use mocks::{
    faults::{FaultKind, FaultRule},
    prokip as pk, shopify as sm, woocommerce as wm,
};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const AREA: &str = "platform faults";

/// The total timeout of each product client the workers use (connect/prokip.rs `client_for`,
/// platforms/shopify/oauth.rs `ShopifyApp::client`, connect/woocommerce.rs `client`). The mocks
/// hold a timed-out request one second longer; only a few such faults are injected per platform
/// because each costs that much wall time.
const CLIENT_TIMEOUT_MS: [(&str, u64); 3] = [("Prokip", 15_000), ("Shopify", 30_000), ("WooCommerce", 20_000)];
const TIMEOUTS_PER_PLATFORM: u32 = 1;
/// Sells Prokip makes after the client has given up waiting (the answer is lost).
const LOST_ANSWERS: u32 = 2;
/// Orders that meet a Prokip refusing every sell, so that they give up and must be retried.
const FORCED_FAILURES: usize = 4;

/// The kinds injected, as the mocks count them, and how the table names them.
const KINDS: [(&str, &str); 6] = [
    ("429", "429 with Retry-After"),
    ("500", "500"),
    ("503", "503"),
    ("reset", "connection reset"),
    ("timeout", "timeout past the client's"),
    ("answer_lost", "sell made, answer lost (Prokip)"),
];

fn status(status: u16, retry_after: Option<f64>, rate: f64) -> FaultRule {
    FaultRule {
        path_prefix: String::new(),
        method: None,
        kind: FaultKind::Status { status, retry_after },
        rate,
        times: None,
    }
}

/// About 20 % of all calls: rules are tried in order and the first one drawn applies.
fn rules(platform: &str, timeout_ms: u64) -> Vec<FaultRule> {
    let mut rules = vec![FaultRule {
        path_prefix: String::new(),
        method: None,
        kind: FaultKind::Timeout { ms: timeout_ms + 1000 },
        rate: 0.02,
        times: Some(TIMEOUTS_PER_PLATFORM),
    }];
    if platform == "Prokip" {
        rules.push(FaultRule {
            path_prefix: "/connector/api/sell".into(),
            method: Some("POST".into()),
            kind: FaultKind::AnswerLost { ms: timeout_ms + 1000 },
            rate: 0.05,
            times: Some(LOST_ANSWERS),
        });
    }
    rules.push(status(429, Some(0.3), 0.08));
    rules.push(status(500, None, 0.05));
    rules.push(status(503, None, 0.045));
    rules.push(FaultRule {
        path_prefix: String::new(),
        method: None,
        kind: FaultKind::Reset,
        rate: 0.045,
        times: None,
    });
    rules
}

async fn register_secrets(w: &World) {
    for s in
        [pk::DEMO_PASSWORD, pk::DEMO_CLIENT_SECRET, sm::DEMO_CLIENT_SECRET, wm::DEMO_CONSUMER_SECRET, "correct horse"]
    {
        logs::secret(s);
    }
    for hook in w.woo.webhooks(wm::DEMO_STORE) {
        logs::secret(hook.secret);
    }
    if let Some(t) =
        app::backend::stores::prokip::client_for(&w.app.state, w.account_id).await.ok().and_then(|c| c.tokens())
    {
        logs::secret(t.access.expose());
        t.refresh.iter().for_each(|r| logs::secret(r.expose()));
    }
    let db = &w.app.state.db;
    let conn = app::backend::db::connections::by_id_unscoped(db, w.shopify_connection).await.unwrap().unwrap();
    let context = app::backend::stores::shopify::credentials_context(&conn.store_url);
    if let Some(opened) = conn.credentials_enc.as_deref().and_then(|c| w.app.state.keyring.open(c, &context).ok()) {
        let creds: serde_json::Value = serde_json::from_str(opened.expose()).unwrap_or_default();
        creds.as_object().into_iter().flatten().filter_map(|(_, v)| v.as_str()).for_each(logs::secret);
    }
}

/// Plenty of stock everywhere (so no order is refused), a buffer on one store, all published.
async fn prepare(w: &World, skus: &[String]) {
    for sku in skus {
        w.prokip.set_stock(w.prokip_location, sku, Decimal::from(5000)).unwrap();
    }
    let db = &w.app.state.db;
    let (none, buffer) = (Rules::default(), Rules { buffer: 2, ..Rules::default() });
    assert!(
        app::backend::db::connections::set_rules(db, w.account_id, w.woo_connection, &none, &buffer).await.unwrap()
    );
    probe::reconcile(w).await;
    probe::settle(w, Duration::from_secs(60)).await.expect("the first reconcile settles");
}

fn diff(a: &BTreeMap<&'static str, u64>, b: &BTreeMap<&'static str, u64>) -> BTreeMap<&'static str, u64> {
    b.iter().map(|(k, v)| (*k, v - a.get(k).copied().unwrap_or(0))).collect()
}

/// Failed, unresolved activity entries.
async fn open_failures(w: &World) -> Vec<app::backend::db::activity::Entry> {
    let entries = app::backend::db::activity::list(&w.app.state.db, w.account_id, true, 1000, 0).await.unwrap();
    entries.into_iter().filter(|a| a.status == app::model::ActivityStatus::Failed).collect()
}

/// Shown with a reason and a Retry button.
fn actionable(a: &app::backend::db::activity::Entry) -> bool {
    a.detail.as_deref().is_some_and(|d| !d.is_empty()) && a.retry.is_some()
}

pub async fn run(size: Size) -> Vec<Row> {
    let w = World::new().await;
    register_secrets(&w).await;
    let skus = probe::order_skus();
    prepare(&w, &skus).await;
    let mut rows = Vec::new();

    // Without faults: what the same work costs in calls.
    let n0 = size.orders;
    let patience = |base: u64| Duration::from_secs(base + size.orders as u64 / 2);
    let c0 = probe::calls(&w);
    let mut placed = probe::place_orders(&w, 0, n0, &skus).await;
    probe::settle(&w, patience(60)).await.expect("the fault-free burst settles");
    let c1 = probe::calls(&w);
    probe::reconcile(&w).await;
    probe::settle(&w, Duration::from_secs(60)).await.expect("the fault-free reconcile settles");
    let (per_burst, per_reconcile) = (diff(&c0, &c1), diff(&c1, &probe::calls(&w)));

    // The burst and a full reconcile with faults on.
    for ((name, faults), (_, timeout)) in probe::platforms(&w).into_iter().zip(CLIENT_TIMEOUT_MS) {
        rules(name, timeout).into_iter().for_each(|r| faults.add(r));
    }
    let started = Instant::now();
    let c2 = probe::calls(&w);
    placed.extend(probe::place_orders(&w, n0, size.orders, &skus).await);
    probe::reconcile(&w).await;
    let settled = probe::settle(&w, patience(240)).await;
    let took = started.elapsed().as_secs_f64();
    let faulted_calls = diff(&c2, &probe::calls(&w));
    let (pairs_on, equal_on, _) = probe::convergence(&w).await;
    let gave_up = open_failures(&w).await.len();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut where_: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, f) in probe::platforms(&w) {
        for (k, n) in f.injected_by_kind() {
            *by_kind.entry(k.clone()).or_default() += n;
            where_.entry(k).or_default().push(format!("{name} {n}"));
        }
        f.clear();
    }

    // Permanent failures: Prokip refuses every sell until the merchant presses Retry.
    let prokip = w.prokip.faults();
    prokip.add(FaultRule {
        method: Some("POST".into()),
        path_prefix: "/connector/api/sell".into(),
        ..status(503, None, 1.0)
    });
    let forced = probe::place_orders(&w, n0 + size.orders, FORCED_FAILURES, &skus).await;
    let forced_settled = probe::settle(&w, Duration::from_secs(180)).await;
    prokip.clear();
    let failures = open_failures(&w).await;
    let sold = probe::sells_by_invoice(&w);
    let forced_unsold = forced.iter().filter(|i| !sold.contains_key(*i)).count();
    let mut pressed = 0;
    for a in failures.iter().filter(|a| actionable(a)) {
        let r = w.browser.post(w.app.url(&format!("/activity/{}/retry", a.id))).send().await.unwrap();
        pressed += u64::from(crate::common::location(&r).starts_with("/activity?notice="));
    }
    let after_retry = probe::settle(&w, Duration::from_secs(120)).await;
    probe::reconcile(&w).await;
    let final_settled = probe::settle(&w, Duration::from_secs(120)).await;
    placed.extend(forced.iter().cloned());

    // Every order exactly once.
    let sold = probe::sells_by_invoice(&w);
    let once = placed.iter().filter(|i| sold.get(*i) == Some(&1)).count() as u64;
    let missing = placed.iter().filter(|i| !sold.contains_key(*i)).count() as u64;
    let duplicated: u64 = placed.iter().filter_map(|i| sold.get(i)).filter(|n| **n > 1).map(|n| n - 1).sum();
    let strangers =
        sold.keys().filter(|k| (k.starts_with("SHOP-") || k.starts_with("WOO-")) && !placed.contains(k)).count() as u64;
    let settle_note = |s: &Result<f64, String>| match s {
        Ok(secs) => format!("settled in {secs:.0} s"),
        Err(left) => format!("NOT settled: {left}"),
    };
    rows.push(Row::new(
        AREA,
        "orders sold exactly once",
        placed.len() as u64,
        once,
        missing + duplicated + strangers,
        format!(
            "{missing} missing, {duplicated} duplicated, {strangers} unknown invoices; faulted burst {}",
            settle_note(&settled)
        ),
    ));

    let injected: u64 = by_kind.values().sum();
    let still_open = open_failures(&w).await;
    let unresolved_after = still_open.len() as u64;
    let (pairs, equal, differ) = probe::convergence(&w).await;
    // A fault is recovered when nothing it could have cost is left at the end: no order lost or
    // doubled, no store showing a wrong quantity, no failure left open after Retry.
    let clean = unresolved_after + missing + duplicated + strangers + (pairs - equal) == 0;
    for (key, label) in KINDS {
        let n = by_kind.get(key).copied().unwrap_or(0);
        let lost = if clean { 0 } else { n };
        let detail = where_.get(key).map(|w| w.join(", ")).unwrap_or_default();
        rows.push(Row::new(AREA, format!("faults injected / recovered: {label}"), n, n - lost, lost, detail));
    }
    let total: u64 = faulted_calls.values().sum();
    rows.push(Row::new(
        AREA,
        "fault rate during the burst",
        total,
        total - injected,
        0,
        format!(
            "{injected} of {total} calls faulted ({:.1} %) in {took:.0} s",
            100.0 * injected as f64 / total.max(1) as f64
        ),
    ));

    // Retries bounded: calls made against calls the same work took without faults.
    for (name, made) in &faulted_calls {
        let needed = per_burst[name] + per_reconcile[name];
        let bounded = *made <= 3 * needed.max(1);
        rows.push(Row::new(
            AREA,
            format!("retries bounded: {name} calls made vs needed"),
            *made,
            needed,
            u64::from(!bounded),
            format!(
                "×{:.2} (bound ×3; needed = the same burst and reconcile without faults)",
                *made as f64 / needed.max(1) as f64
            ),
        ));
    }

    rows.push(Row::new(
        AREA,
        "stores converged (faults cleared, one more reconcile)",
        pairs,
        equal,
        pairs - equal,
        format!(
            "while faults were on: {equal_on}/{pairs_on} equal; {} {}",
            settle_note(&final_settled),
            differ.join("; ")
        ),
    ));

    let visible = failures.iter().filter(|a| actionable(a)).count() as u64;
    let open: Vec<String> =
        still_open.iter().take(3).map(|a| format!("{}: {}", a.subject, a.detail.as_deref().unwrap_or(""))).collect();
    let invisible = failures.len() as u64 - visible + forced_unsold.saturating_sub(failures.len()) as u64;
    rows.push(Row::new(
        AREA,
        "permanent failures visible and retried",
        failures.len() as u64,
        pressed.min(failures.len() as u64 - unresolved_after.min(failures.len() as u64)),
        invisible + unresolved_after + u64::from(after_retry.is_err()),
        format!(
            "{gave_up} gave up under 20 % faults, {forced_unsold}/{FORCED_FAILURES} forced ones unsold ({}); {pressed} Retry presses accepted; {unresolved_after} still open after {}",
            settle_note(&forced_settled),
            open.join("; ")
        ),
    ));
    register_secrets(&w).await;
    rows
}
