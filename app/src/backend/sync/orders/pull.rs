//! Pulling missed orders: every store's orders updated since its last pull (default the last 7
//! days) are stored as events and processed by the same idempotent job as webhooks — on request,
//! and once a day for every account by itself (one job per account).

use crate::backend::{
    connect::{shopify as shopify_connect, woocommerce as woo_connect},
    db::{
        connections::{self, Model as Connection},
        sync_ticks,
    },
    jobs::PullOrders,
    platforms::woocommerce,
    state::AppState,
    webhooks::{self, Event},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DbErr, Statement};
use serde_json::{Value, json};

/// How far back the first pull of a store looks.
const FIRST_PULL_DAYS: i64 = 7;
/// Overlap with the previous pull, for clocks and in-flight updates.
const OVERLAP_MINUTES: i64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("could not read orders from {store}: {reason}")]
    Store { store: String, reason: String },
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("{0}")]
    Queue(String),
}

/// What a pull found: orders read from the stores, and how many were new to us.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pulled {
    pub orders: usize,
    pub new: usize,
}

/// Pulls every active store of the account. A failing store does not stop the others; the first
/// failure is reported after all were tried.
pub async fn pull_account(state: &AppState, account_id: i64) -> Result<Pulled, PullError> {
    let mut total = Pulled::default();
    let mut first_error = None;
    for conn in connections::list(&state.db, account_id).await?.into_iter().filter(|c| c.sync_enabled) {
        match pull_store(state, &conn).await {
            Ok(p) => {
                total.orders += p.orders;
                total.new += p.new;
            }
            Err(e) => {
                tracing::warn!(connection = conn.id, error = %e, "order pull failed");
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) if total.orders == 0 => Err(e),
        _ => Ok(total),
    }
}

/// The `sync_ticks` name of the daily pull.
pub const DAILY_TICK: &str = "daily-order-pull";

/// The daily pull: claims the day (so with several server processes it runs once), then enqueues
/// a pull job per account with an active store. How many were enqueued; `None` when the day was
/// already claimed.
pub async fn daily_tick(state: &AppState, at: DateTime<Utc>) -> Result<Option<usize>, PullError> {
    let day = at.timestamp().div_euclid(86_400);
    if !sync_ticks::claim(&state.db, DAILY_TICK, day).await? {
        return Ok(None);
    }
    let sql = "SELECT DISTINCT account_id FROM connections WHERE status <> $1 AND sync_enabled ORDER BY account_id";
    let stmt = Statement::from_sql_and_values(state.db.get_database_backend(), sql, [connections::DISCONNECTED.into()]);
    let mut jobs = Vec::new();
    for row in state.db.query_all_raw(stmt).await? {
        jobs.push(PullOrders { account_id: row.try_get_by_index(0)? });
    }
    let enqueued = jobs.len();
    state.queues.enqueue_all(jobs).await.map_err(|e| PullError::Queue(e.to_string()))?;
    tracing::info!(accounts = enqueued, "daily order pull enqueued");
    Ok(Some(enqueued))
}

async fn pulled_at<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<DateTime<Utc>>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT orders_pulled_at FROM connections WHERE id = $1",
        [id.into()],
    );
    Ok(db.query_one_raw(stmt).await?.and_then(|r| r.try_get_by_index::<Option<DateTime<Utc>>>(0).ok()).flatten())
}

async fn set_pulled_at<C: ConnectionTrait>(db: &C, id: i64, at: DateTime<Utc>) -> Result<(), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE connections SET orders_pulled_at = $2 WHERE id = $1",
        [id.into(), at.into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// One store: its orders since the last pull, each stored (deduplicated) and enqueued.
pub async fn pull_store(state: &AppState, conn: &Connection) -> Result<Pulled, PullError> {
    let started = Utc::now();
    let since = pulled_at(&state.db, conn.id).await?.unwrap_or(started - Duration::days(FIRST_PULL_DAYS))
        - Duration::minutes(OVERLAP_MINUTES);
    let failed = |reason: String| PullError::Store { store: conn.store_url.clone(), reason };
    // (topic, order id, version, payload) of every order read.
    let orders: Vec<(&str, String, String, Value)> = if conn.platform == connections::SHOPIFY {
        let client = shopify_connect::client_for(state, conn).ok_or_else(|| failed("credentials unreadable".into()))?;
        let orders = client.all_orders_updated_since(since).await.map_err(|e| failed(e.to_string()))?;
        orders
            .into_iter()
            .map(|o| {
                (
                    "orders/updated",
                    o.id.to_string(),
                    o.updated_at.to_rfc3339(),
                    serde_json::to_value(&o).unwrap_or_default(),
                )
            })
            .collect()
    } else {
        let client = woo_connect::client_for(state, conn).ok_or_else(|| failed("credentials unreadable".into()))?;
        let orders = client.orders_modified_since(since).await.map_err(|e| failed(e.to_string()))?;
        orders.iter().map(|o| ("order.updated", o.id.to_string(), version(o), woo_payload(o))).collect()
    };
    let mut pulled = Pulled { orders: orders.len(), new: 0 };
    for (topic, id, version, payload) in orders {
        let event = Event {
            target: webhooks::intake::Target::Connection(conn.id),
            platform: if conn.platform == connections::SHOPIFY {
                connections::SHOPIFY
            } else {
                connections::WOOCOMMERCE
            },
            topic,
            dedupe_key: format!("pull:{id}:{version}"),
            event_id: None,
            payload: webhooks::Payload::Value(payload),
        };
        let stored = webhooks::store(state, event).await.map_err(|e| match e {
            webhooks::Rejected::Unavailable(e) => PullError::Db(e),
            other => failed(other.to_string()),
        })?;
        if matches!(stored, webhooks::intake::Stored::New(_)) {
            pulled.new += 1;
        }
    }
    set_pulled_at(&state.db, conn.id, started).await?;
    Ok(pulled)
}

fn version(o: &woocommerce::Order) -> String {
    o.date_modified_gmt.map(|d| d.to_string()).unwrap_or_default()
}

/// The parts of the REST order JSON the import reads, from the typed order.
fn woo_payload(o: &woocommerce::Order) -> Value {
    let lines: Vec<Value> = o
        .line_items
        .iter()
        .map(|l| {
            json!({ "id": l.id, "sku": l.sku, "quantity": l.quantity, "price": l.price, "total": l.total,
            "product_id": l.product_id, "variation_id": l.variation_id.unwrap_or(0), "meta_data": l.meta_data })
        })
        .collect();
    let refunds: Vec<Value> = o.refunds.iter().map(|r| json!({ "id": r.id, "total": r.total.to_string() })).collect();
    json!({ "id": o.id, "number": o.number, "status": o.status, "currency": o.currency,
        "date_modified_gmt": o.date_modified_gmt.map(|d| d.format("%Y-%m-%dT%H:%M:%S").to_string()),
        "billing": { "email": o.billing_email() }, "line_items": lines, "refunds": refunds })
}
