//! Hostile input: property-based fuzzing of the webhook parsers and signature verifiers, thousands
//! of mutated webhook deliveries over HTTP, every form/JSON route and server function with mutated
//! fields, and replayed/reordered/duplicated order deliveries checked against the Prokip mock.
//! Rows read: inputs tried / rejected (or right) / panics + 5xx + wrong outcomes.

mod deliveries;
mod forms;
mod props;
mod replay;

use crate::{
    Size,
    common::{TestApp, world::World},
    logs,
    table::Row,
};
use proptest::{
    strategy::{Strategy, ValueTree},
    test_runner::TestRunner,
};
use serde_json::Value;
use std::sync::{
    Once,
    atomic::{AtomicU64, Ordering},
};

const AREA: &str = "hostile input";

static PANICS: AtomicU64 = AtomicU64::new(0);

/// Counts every panic in this process from now on (server handlers and jobs run in it), then
/// defers to the previous hook.
pub fn count_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info)
        }));
    });
}

pub fn panics() -> u64 {
    PANICS.load(Ordering::SeqCst)
}

/// Replaces every SKU-looking string, so no garbage order can name a mapped product.
fn scrub(v: &mut Value) {
    match v {
        Value::String(s) if s.to_ascii_uppercase().starts_with("AS0") => *s = format!("NOBODY-{s}"),
        Value::Array(a) => a.iter_mut().for_each(scrub),
        Value::Object(m) => m.values_mut().for_each(scrub),
        _ => {}
    }
}

/// `n` pairs of (Shopify, Woo) bodies: random JSON, and real orders with a mutation.
fn garbage_bodies(shopify: &Value, woo: &Value, n: usize) -> Vec<(Value, Value)> {
    let mut runner = TestRunner::default();
    let strategy = (
        props::arbitrary_json(),
        props::arbitrary_json(),
        proptest::collection::vec(proptest::prelude::any::<usize>(), 0..5),
        proptest::prelude::any::<bool>(),
    );
    (0..n)
        .map(|i| {
            let (random, with, path, delete) = strategy.new_tree(&mut runner).expect("garbage").current();
            if i % 2 == 0 {
                (random.clone(), random)
            } else {
                // A fresh order id: garbage must never be about a real order.
                let (mut s, mut w) = (shopify.clone(), woo.clone());
                let fresh = Value::from(900_000_000 + i as u64);
                for v in [&mut s, &mut w] {
                    v["id"] = fresh.clone();
                    v["order_id"] = fresh.clone();
                }
                props::mutate(&mut s, &path, with.clone(), delete);
                props::mutate(&mut w, &path, with, delete);
                (s, w)
            }
        })
        .collect()
}

/// A number from the app's database, or `None` while its pool (shared with the app under load)
/// has no connection to spare.
pub async fn try_scalar(app: &TestApp, sql: &str) -> Option<i64> {
    use sea_orm::ConnectionTrait;
    let row =
        app.db.query_one_raw(sea_orm::Statement::from_string(app.db.get_database_backend(), sql.to_owned())).await;
    row.ok().flatten().and_then(|r| r.try_get_by_index::<i64>(0).ok())
}

/// Waits (up to `secs`) until every stored webhook event has been processed; `false` if not.
pub async fn settle(app: &TestApp, secs: u64) -> bool {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if try_scalar(app, "SELECT count(*) FROM webhook_events WHERE processed_at IS NULL").await == Some(0) {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    false
}

/// What a merchant's data looks like: row counts of every account table and the settings a form
/// could change. Equal fingerprints = nothing of the account changed. Runs of the scheduled
/// reconcile (every 5 minutes, whatever the requests do) are not counted.
pub async fn fingerprint(app: &TestApp, account_id: i64) -> String {
    use sea_orm::ConnectionTrait;
    let a = account_id;
    let sql = format!(
        "SELECT concat_ws(' | ',
          (SELECT count(*) FROM accounts), (SELECT count(*) FROM users),
          (SELECT string_agg(concat_ws(',', id, account_id, status, sync_enabled, safety_buffer, order_trigger, store_url, location_id), ';' ORDER BY id) FROM connections),
          (SELECT string_agg(concat_ws(',', payment_method, customer_mode), ';') FROM account_settings WHERE account_id = {a}),
          (SELECT string_agg(concat_ws(',', location_id, api_url, business_name), ';') FROM prokip_configs WHERE account_id = {a}),
          (SELECT count(*) FROM sku_map m JOIN connections c ON c.id = m.connection_id WHERE c.account_id = {a}),
          (SELECT string_agg(concat_ws(',', order_id, state), ';' ORDER BY id) FROM sales_log),
          (SELECT count(*) FROM commitments), (SELECT count(*) FROM processed_refunds),
          (SELECT count(*) FROM webhook_events), (SELECT count(*) FROM sync_runs WHERE reason <> 'reconcile'),
          (SELECT count(*) FROM activity WHERE account_id = {a}), (SELECT count(*) FROM activity WHERE account_id = {a} AND resolved))"
    );
    let db = &app.db;
    let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await;
    row.ok().flatten().and_then(|r| r.try_get_by_index::<String>(0).ok()).unwrap_or_default()
}

/// The Prokip mock's sells, as (invoice, status) pairs.
fn sells(w: &World) -> Vec<String> {
    let state = w.prokip.state();
    let mut out: Vec<String> = state["sells"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| format!("{} {}", s["invoice_no"], s["status"]))
        .collect();
    out.sort();
    out
}

/// The first few items, each cut to a readable length (an item may quote a 100 KiB input).
fn first(list: &[String]) -> String {
    list.iter().take(3).map(|s| s.chars().take(160).collect::<String>()).collect::<Vec<_>>().join("; ")
}

pub async fn run(size: Size) -> Vec<Row> {
    count_panics();
    let cases = (size.orders * 20) as u32;
    let mut rows = Vec::new();
    let (parser, money, verifiers) = tokio::task::spawn_blocking(move || {
        let samples = props::samples();
        (props::parser(cases, samples), props::money(cases), props::verifiers(cases))
    })
    .await
    .expect("property runs");
    for (check, t) in [
        ("parser: random and mutated payloads, every topic", parser),
        ("parser and totals: extreme money and quantities", money),
        ("signature verifiers and ping detector", verifiers),
    ] {
        let detail = t.first_failure.unwrap_or_else(|| format!("{} rejected by the code under test", t.rejected));
        rows.push(Row::new(
            AREA,
            format!("proptest {check}"),
            t.tried,
            t.tried.saturating_sub(t.panics + t.wrong),
            t.panics + t.wrong,
            detail,
        ));
    }
    rows.extend(http(size).await);
    rows.push(replayed(size).await);
    rows
}

async fn http(size: Size) -> Vec<Row> {
    let w = World::new().await;
    for s in [
        mocks::shopify::DEMO_CLIENT_SECRET,
        mocks::woocommerce::DEMO_CONSUMER_KEY,
        mocks::woocommerce::DEMO_CONSUMER_SECRET,
        mocks::prokip::DEMO_PASSWORD,
        "correct horse",
    ] {
        logs::secret(s);
    }
    let (_, shop_order, _) = {
        let line = vec![mocks::shopify::NewOrderLine { sku: "AS0001".into(), quantity: 1 }];
        let (o, d) = w
            .shopify
            .create_order(
                mocks::shopify::DEMO_SHOP,
                mocks::shopify::NewOrder { line_items: line, financial_status: "paid".into() },
            )
            .await
            .expect("order");
        ((), o, d)
    };
    let new = mocks::woocommerce::NewOrder {
        line_items: vec![mocks::woocommerce::NewOrderLine { sku: "AS0002".into(), quantity: 1 }],
        status: Some("processing".into()),
        billing_email: None,
    };
    let woo_order = w.woo.create_order(mocks::woocommerce::DEMO_STORE, &new).await.expect("woo order");
    w.eventually(30, "the two real orders sold", || async { sells(&w).len() == 2 }).await;
    settle(&w.app, 30).await;
    let mut rows = Vec::new();

    let n = size.orders * 10;
    let (events, panics_before) = (w.app.scalar("SELECT count(*) FROM webhook_events").await, panics());
    let o = deliveries::mutated(&w, &shop_order.to_string(), &woo_order.to_string(), n).await;
    let stored = w.app.scalar("SELECT count(*) FROM webhook_events").await - events;
    let bad = o.unexpected.len() as u64 + stored as u64 + (panics() - panics_before);
    let detail = if bad == 0 {
        format!("{stored} stored; 2 endpoints, 12 mutations each")
    } else {
        format!("{stored} stored; {}", first(&o.unexpected))
    };
    rows.push(Row::new(AREA, "mutated webhook deliveries: 4xx, nothing stored", o.sent, o.refused, bad, detail));

    let panics_before = panics();
    let o = deliveries::raw_http(&w.app.base).await;
    let bad = o.unexpected.len() as u64 + (panics() - panics_before);
    rows.push(Row::new(
        AREA,
        "malformed raw HTTP (smuggling, folding, NUL, CR)",
        o.sent,
        o.refused,
        bad,
        first(&o.unexpected),
    ));

    let (events, sold, panics_before) =
        (w.app.scalar("SELECT count(*) FROM webhook_events").await, sells(&w), panics());
    let o = deliveries::signed_garbage(&w, &shop_order, &woo_order, size.orders * 2).await;
    let settled = settle(&w.app, 90).await;
    let stored = w.app.scalar("SELECT count(*) FROM webhook_events").await - events;
    let now = sells(&w);
    let changed = now.iter().filter(|s| !sold.contains(s)).count() + sold.iter().filter(|s| !now.contains(s)).count();
    let bad = o.server_errors + o.broken + (panics() - panics_before) + changed as u64;
    let detail = format!(
        "{stored} stored and processed{}, {changed} sells made or changed{}",
        if settled { "" } else { " (NOT all processed in 90 s)" },
        if o.unexpected.is_empty() { String::new() } else { format!("; {}", first(&o.unexpected)) }
    );
    rows.push(Row::new(AREA, "signed garbage bodies: processed, never a sell", o.sent, o.refused, bad, detail));

    rows.push(forms_row().await);
    rows
}

/// On a world of its own: the garbage above leaves held orders the sweeper retries meanwhile.
async fn forms_row() -> Row {
    let w = World::new().await;
    let browser = &w.browser;
    settle(&w.app, 30).await;
    let before = fingerprint(&w.app, w.account_id).await;
    let panics_before = panics();
    let o = forms::run(&w, browser).await;
    settle(&w.app, 30).await;
    let after = fingerprint(&w.app, w.account_id).await;
    let changed = u64::from(before != after);
    let bad = o.server_errors.len() as u64 + (panics() - panics_before) + changed;
    let mut detail = format!("{} taken as valid, {} no answer", o.taken.len(), o.no_answer.len());
    if changed == 1 {
        let diff: Vec<String> = before
            .split(" | ")
            .zip(after.split(" | "))
            .filter(|(b, a)| b != a)
            .map(|(b, a)| format!("{b:.120} → {a:.120}"))
            .collect();
        detail += &format!("; DATA CHANGED: {}", diff.join("; "));
    }
    if !o.server_errors.is_empty() {
        detail += &format!("; 5xx: {}", first(&o.server_errors));
    }
    if !o.no_answer.is_empty() {
        detail += &format!("; no answer: {}", first(&o.no_answer));
    }
    if !o.taken.is_empty() {
        let kinds: std::collections::BTreeSet<&str> =
            o.taken.iter().filter_map(|t| t.split([' ', '=']).next()).collect();
        detail += &format!("; taken on: {}", kinds.into_iter().collect::<Vec<_>>().join(", "));
    }
    Row::new(
        AREA,
        "forms, JSON routes, server functions: mutated fields",
        o.sent,
        o.refused,
        bad,
        detail.chars().take(900).collect::<String>(),
    )
}

async fn replayed(size: Size) -> Row {
    let w = World::new().await;
    let panics_before = panics();
    let o = replay::run(&w, size.orders / 10).await;
    let bad = o.wrong.len() as u64 + (panics() - panics_before);
    let detail = if o.wrong.is_empty() {
        let deadlocks = try_scalar(&w.app, "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
            .await
            .unwrap_or(-1);
        format!(
            "{} deliveries shuffled and duplicated; {} answered 503 and were sent again; {deadlocks} deadlocks in PostgreSQL",
            o.deliveries, o.unavailable
        )
    } else {
        first(&o.wrong)
    };
    Row::new(AREA, "replayed/reordered/duplicated order sequences", o.orders as u64, o.right as u64, bad, detail)
}
