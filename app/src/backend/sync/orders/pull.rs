//! Pulling missed orders: every store's orders updated since its last pull (default the last 7
//! days) are stored as events and processed by the same idempotent job as webhooks — on request,
//! and once a day for every account by itself (one job per account).

use crate::backend::{
    db::{
        connections::{self, Model as Connection},
        sync_ticks,
        webhook_events::PULLED_KEY_PREFIX,
    },
    error::{Kind, ServerError},
    jobs::{EnqueueError, PullOrders},
    state::AppState,
    stores::Store,
    webhooks::{self, Event},
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::DbErr;

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
    #[error(transparent)]
    Queue(#[from] EnqueueError),
}

impl From<PullError> for ServerError {
    fn from(e: PullError) -> Self {
        match e {
            PullError::Store { .. } => ServerError::from_error(Kind::BadGateway, e),
            PullError::Db(e) => ServerError::internal(e),
            PullError::Queue(e) => ServerError::internal(e),
        }
    }
}

/// What a pull found: orders read from the stores, and how many were new to us.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pulled {
    pub orders: usize,
    pub new: usize,
}

/// Pulls every connected store of the account, stock updates paused or not (a store whose order
/// import is paused gets its pulled orders set aside). A failing store does not stop the others;
/// the first failure is reported after all were tried.
pub async fn pull_account(state: &AppState, account_id: i64) -> Result<Pulled, PullError> {
    let mut total = Pulled::default();
    let mut first_error = None;
    for conn in connections::list(&state.db, account_id).await?.into_iter().filter(|c| c.credentials_enc.is_some()) {
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
    let mut jobs = Vec::new();
    for account_id in connections::accounts_with_stores(&state.db).await? {
        jobs.push(PullOrders { account_id });
    }
    let enqueued = jobs.len();
    state.queues.enqueue_all(jobs).await?;
    tracing::info!(accounts = enqueued, "daily order pull enqueued");
    Ok(Some(enqueued))
}

/// One store: its orders since the last pull, each stored (deduplicated) and enqueued.
pub async fn pull_store(state: &AppState, conn: &Connection) -> Result<Pulled, PullError> {
    let started = Utc::now();
    let since =
        connections::orders_pulled_at(&state.db, conn.id).await?.unwrap_or(started - Duration::days(FIRST_PULL_DAYS))
            - Duration::minutes(OVERLAP_MINUTES);
    let failed = |reason: String| PullError::Store { store: conn.store_url.clone(), reason };
    let store = Store::open(state, conn).map_err(|e| failed(e.to_string()))?;
    let orders = store.orders_since(since).await.map_err(|e| failed(e.to_string()))?;
    let mut pulled = Pulled { orders: orders.len(), new: 0 };
    for o in orders {
        let event = Event {
            target: webhooks::intake::Target::Connection(conn.id),
            platform: conn.platform,
            topic: o.topic,
            dedupe_key: format!("{PULLED_KEY_PREFIX}{}:{}", o.order_id, o.version),
            event_id: None,
            payload: webhooks::Payload::Value(o.payload),
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
