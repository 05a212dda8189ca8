//! What the platform-faults scenario reads and does in its World: places orders through the store
//! mocks, waits for the workers to settle, and reads the oracles (the Prokip mock's sells, what
//! each store mock shows, the mocks' request counters).

use crate::common::world::World;
use app::backend::{
    db::{connections, inventory_cache, sku_map},
    jobs::PushStock,
    sync::allocation::Rules,
};
use futures::StreamExt;
use mocks::{catalog, faults::Faults, shopify as sm, woocommerce as wm};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// The store SKUs orders are placed for: the demo catalog minus the one spelled differently.
pub fn order_skus() -> Vec<String> {
    let skus = catalog::demo_catalog().into_iter().flat_map(|p| p.variants).map(|v| v.sku);
    skus.filter(|s| s != catalog::DEMO_MISMATCH_PROKIP_SKU).collect()
}

/// Places `n` paid orders, alternating Shopify and WooCommerce (each mock fires its signed
/// webhooks); order `i` takes SKU `first + i` (and every fifth one a second line). Returns the
/// invoice numbers the product will give them.
pub async fn place_orders(w: &World, first: usize, n: usize, skus: &[String]) -> Vec<String> {
    let shop_conn = w.shopify_connection;
    let woo_conn = w.woo_connection;
    let orders = (first..first + n).map(|i| {
        let mut lines = vec![(skus[i % skus.len()].clone(), 1 + (i % 2) as i64)];
        if i % 5 == 0 {
            lines.push((skus[(i * 7 + 3) % skus.len()].clone(), 1));
        }
        async move {
            if i % 2 == 0 {
                let line_items = lines.into_iter().map(|(sku, quantity)| sm::NewOrderLine { sku, quantity }).collect();
                let (order, _) = w
                    .shopify
                    .create_order(sm::DEMO_SHOP, sm::NewOrder { line_items, financial_status: "paid".into() })
                    .await
                    .unwrap();
                format!("SHOP-{shop_conn}-{}", order["id"].as_u64().unwrap())
            } else {
                let line_items = lines.into_iter().map(|(sku, quantity)| wm::NewOrderLine { sku, quantity }).collect();
                let new = wm::NewOrder { line_items, status: Some("processing".into()), billing_email: None };
                let order = w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap();
                format!("WOO-{woo_conn}-{}", order["id"].as_u64().unwrap())
            }
        }
    });
    futures::stream::iter(orders).buffer_unordered(8).collect().await
}

/// Sells in the Prokip mock per invoice number.
pub fn sells_by_invoice(w: &World) -> HashMap<String, u64> {
    let mut by = HashMap::new();
    for s in w.prokip.state()["sells"].as_array().unwrap() {
        *by.entry(s["invoice_no"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    by
}

/// Jobs queued, running or due a retry, plus stored webhook events not yet processed.
async fn busy(w: &World) -> i64 {
    w.app
        .scalar(
            "SELECT (SELECT count(*) FROM apalis.jobs WHERE status IN ('Pending', 'Queued', 'Running')
                        OR (status = 'Failed' AND attempts < max_attempts))
                  + (SELECT count(*) FROM webhook_events WHERE processed_at IS NULL)",
        )
        .await
}

/// Waits until nothing is left to do (seen idle three times in a row) or `limit` passes; the
/// seconds waited, or `Err` saying what was still pending.
pub async fn settle(w: &World, limit: Duration) -> Result<f64, String> {
    let start = Instant::now();
    let mut idle = 0;
    while start.elapsed() < limit {
        if busy(w).await == 0 {
            idle += 1;
            if idle == 3 {
                return Ok(start.elapsed().as_secs_f64());
            }
        } else {
            idle = 0;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let jobs = dump(w, "SELECT job_type, status, count(*) FROM apalis.jobs GROUP BY 1, 2").await;
    let events = dump(w, "SELECT topic, attempts, error FROM webhook_events WHERE processed_at IS NULL LIMIT 5").await;
    Err(format!("{} pending; jobs {jobs}; unprocessed events {events}", busy(w).await))
}

async fn dump(w: &World, sql: &str) -> String {
    use sea_orm::ConnectionTrait;
    let db = &w.app.state.db;
    let q = format!("SELECT coalesce(json_agg(t), '[]')::text FROM ({sql}) t");
    let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), q)).await.unwrap().unwrap();
    row.try_get_by_index::<String>(0).unwrap()
}

/// Enqueues the full reconcile the scheduler would (a push that reads every store back first).
pub async fn reconcile(w: &World) {
    let job = PushStock { account_id: w.account_id, skus: None, reason: app::model::PushReason::Reconcile };
    w.app.state.queues.push_stock(job).await.unwrap();
}

/// For every mapped SKU of both stores: does the store show Prokip's quantity minus committed
/// minus the store's buffer, after its rules? Returns (pairs, equal, the first differences).
pub async fn convergence(w: &World) -> (u64, u64, Vec<String>) {
    let db = &w.app.state.db;
    let by_variation: HashMap<i64, String> = catalog::demo_catalog()
        .into_iter()
        .flat_map(|p| p.variants)
        .filter_map(|v| Some((w.prokip.variation_id(w.prokip_location, &v.sku)?, v.sku)))
        .collect();
    let committed = inventory_cache::committed(db, w.account_id, None).await.unwrap();
    let (mut pairs, mut equal, mut differ) = (0, 0, Vec::new());
    for conn in [w.shopify_connection, w.woo_connection] {
        let store = connections::get(db, w.account_id, conn).await.unwrap().expect("the store");
        let rules = Rules::of(&store);
        for m in sku_map::for_connection(db, conn, None).await.unwrap() {
            let Some(prokip_sku) = m.prokip_variation_id.and_then(|v| by_variation.get(&v)) else { continue };
            let qty = w.prokip.stock(w.prokip_location, prokip_sku).unwrap();
            let want = rules.publish(qty, committed.get(&m.sku).copied().unwrap_or(0));
            let shown = if conn == w.shopify_connection {
                w.shopify.available(sm::DEMO_SHOP, &m.sku)
            } else {
                w.woo.stock_of(wm::DEMO_STORE, &m.sku)
            };
            pairs += 1;
            if shown == Some(want) {
                equal += 1;
            } else if differ.len() < 5 {
                differ.push(format!("{} in store {conn}: {shown:?} ≠ {want}", m.sku));
            }
        }
    }
    (pairs, equal, differ)
}

/// The three mocks' fault handles, by platform name.
pub fn platforms(w: &World) -> [(&'static str, Faults); 3] {
    [("Prokip", w.prokip.faults()), ("Shopify", w.shopify.faults()), ("WooCommerce", w.woo.faults())]
}

/// Requests each platform has answered so far.
pub fn calls(w: &World) -> BTreeMap<&'static str, u64> {
    platforms(w).into_iter().map(|(name, f)| (name, f.counts().values().sum())).collect()
}
