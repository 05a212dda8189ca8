//! Background jobs (apalis, Postgres storage on the shared pool). Queue names are fixed here, so
//! renaming a type never silently moves its jobs to another queue. [`Queues`] is how web handlers
//! and other jobs enqueue work.

pub mod housekeeping;
pub mod process_webhook;
pub mod push_stock;

use apalis::prelude::TaskSink;
use apalis_postgres::{Config, PostgresStorage};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};

pub const HOUSEKEEPING_QUEUE: &str = "housekeeping";
pub const WEBHOOK_QUEUE: &str = "process_webhook";
pub const PUSH_STOCK_QUEUE: &str = "push_stock";

/// Process one stored `webhook_events` row (order import, product re-index, …).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessWebhook {
    pub event_id: i64,
}

/// Push Prokip's available stock to every enabled store of the account: for these SKUs, or all.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushStock {
    pub account_id: i64,
    /// `None` = every mapped SKU (a full sync).
    pub skus: Option<Vec<String>>,
    /// Why: "order", "prokip-poll", "reconcile", "manual" (shown in the activity log).
    pub reason: String,
}

/// Workers heartbeat this often; a worker silent for [`MISSED_HEARTBEATS`] of them (a killed
/// process) has its running jobs put back in the queue for the others.
const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(5);
const MISSED_HEARTBEATS: usize = 6;

pub fn storage<T>(db: &DatabaseConnection, queue: &str) -> PostgresStorage<T> {
    let config = Config::default().queue(queue).heartbeat_interval(HEARTBEAT).missed_heartbeats(MISSED_HEARTBEATS);
    PostgresStorage::new(db.get_postgres_connection_pool()).with_config(config)
}

/// Handles for enqueueing; cheap to clone.
#[derive(Clone)]
pub struct Queues {
    pub webhooks: PostgresStorage<ProcessWebhook>,
    pub push_stock: PostgresStorage<PushStock>,
}

#[derive(Debug, thiserror::Error)]
#[error("could not enqueue the job: {0}")]
pub struct EnqueueError(String);

impl Queues {
    pub fn new(db: &DatabaseConnection) -> Self {
        Queues { webhooks: storage(db, WEBHOOK_QUEUE), push_stock: storage(db, PUSH_STOCK_QUEUE) }
    }

    pub async fn process_webhook(&self, event_id: i64) -> Result<(), EnqueueError> {
        self.webhooks.clone().push(ProcessWebhook { event_id }).await.map_err(|e| EnqueueError(e.to_string()))
    }

    pub async fn push_stock(&self, job: PushStock) -> Result<(), EnqueueError> {
        self.push_stock.clone().push(job).await.map_err(|e| EnqueueError(e.to_string()))
    }
}
