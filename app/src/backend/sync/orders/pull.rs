//! Pulling missed orders: every store's orders updated since its last pull (default the last 7
//! days) are stored as events and processed by the same idempotent job as webhooks — on request,
//! and once a day for every account by itself.

use crate::backend::{
    connect::{shopify as shopify_connect, woocommerce as woo_connect},
    db::{
        connections::{self, Model as Connection},
        sync_ticks,
    },
    platforms::woocommerce,
    state::AppState,
    webhooks::{self, Event},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::DbErr;
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

/// The daily pull: claims the day (so with several server processes it runs once), then pulls
/// every account with a store. `None` when the day was already claimed.
pub async fn daily_tick(state: &AppState, at: DateTime<Utc>) -> Result<Option<Pulled>, PullError> {
    let day = at.timestamp().div_euclid(86_400);
    if !sync_ticks::claim(&state.db, DAILY_TICK, day).await? {
        return Ok(None);
    }
    let mut total = Pulled::default();
    for account_id in connections::accounts_syncing(&state.db).await? {
        match pull_account(state, account_id).await {
            Ok(p) => {
                total.orders += p.orders;
                total.new += p.new;
            }
            Err(e) => tracing::warn!(account_id, error = %e, "daily order pull failed"),
        }
    }
    tracing::info!(orders = total.orders, new = total.new, "daily order pull done");
    Ok(Some(total))
}

/// One store: its orders since the last pull, each stored (deduplicated) and enqueued.
pub async fn pull_store(state: &AppState, conn: &Connection) -> Result<Pulled, PullError> {
    let started = Utc::now();
    let since =
        connections::orders_pulled_at(&state.db, conn.id).await?.unwrap_or(started - Duration::days(FIRST_PULL_DAYS))
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
    connections::set_orders_pulled_at(&state.db, conn.id, started).await?;
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
