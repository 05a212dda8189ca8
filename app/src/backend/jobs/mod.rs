//! Background jobs (apalis, Postgres storage on the shared pool). Each job is one file: its struct,
//! its queue, its retry policy and its `run`, declared through [`Job`]; `schedule` says which cron
//! ticks start work. The server builds every worker from these declarations, and [`Queues`] is
//! how web handlers and other jobs enqueue work.

pub mod housekeeping;
pub mod index_catalog;
pub mod poll_prokip;
pub mod process_webhook;
pub mod pull_orders;
pub mod push_stock;
pub mod resume_orders;
pub mod schedule;

pub use housekeeping::Housekeeping;
pub use index_catalog::IndexCatalog;
pub use poll_prokip::PollProkip;
pub use process_webhook::ProcessWebhook;
pub use pull_orders::PullOrders;
pub use push_stock::PushStock;
pub use resume_orders::ResumeOrders;

use crate::backend::state::AppState;
use apalis::prelude::{BoxDynError, TaskBuilder, TaskSink};
use apalis_postgres::{Config, PostgresStorage};
use sea_orm::DatabaseConnection;
use serde::{Serialize, de::DeserializeOwned};
use std::time::Duration;

/// Every queue, for the metrics page (a queue without waiting jobs shows 0).
pub const QUEUES: [&str; 7] = [
    ProcessWebhook::QUEUE,
    PushStock::QUEUE,
    PollProkip::QUEUE,
    PullOrders::QUEUE,
    Housekeeping::QUEUE,
    IndexCatalog::QUEUE,
    ResumeOrders::QUEUE,
];

/// What a job file declares; the worker, its retries and every row enqueued follow from it.
pub trait Job: Serialize + DeserializeOwned + Clone + Send + Sync + Unpin + 'static {
    /// The apalis queue: a fixed string, so renaming the type never moves its jobs to another queue.
    const QUEUE: &'static str;
    /// How often a failed run is tried again.
    const RETRY: Retry;
    /// Jobs of this queue one process runs at once.
    const CONCURRENCY: usize = 1;

    /// Runs the job once. `Err` asks for a retry while [`Retry::attempts`] allow.
    fn run(self, state: &AppState) -> impl Future<Output = Result<(), BoxDynError>> + Send;
}

/// A job's retry policy: runs at most, the first included, with exponential backoff between them
/// (`first`, doubling, up to `cap`, jittered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub attempts: usize,
    pub first: Duration,
    pub cap: Duration,
}

impl Retry {
    /// One run: a failure is final (what follows it is the job's own business).
    pub const ONCE: Retry = Retry { attempts: 1, first: Duration::ZERO, cap: Duration::ZERO };
}

/// Workers heartbeat this often; a worker silent for [`MISSED_HEARTBEATS`] of them (a killed
/// process) has its running jobs put back in the queue for the others, 10 s after it went silent.
const HEARTBEAT: Duration = Duration::from_secs(2);
const MISSED_HEARTBEATS: usize = 5;

/// The queue of `J` on the shared pool.
pub fn storage<J: Job>(db: &DatabaseConnection) -> PostgresStorage<J> {
    let config = Config::default().queue(J::QUEUE).heartbeat_interval(HEARTBEAT).missed_heartbeats(MISSED_HEARTBEATS);
    PostgresStorage::new(db.get_postgres_connection_pool()).with_config(config)
}

/// A job as its queue row carries it: the job's own attempt limit, so apalis never runs it more
/// often than the job declares.
pub fn task<J: Job>(job: J) -> TaskBuilder<J> {
    TaskBuilder::new(job).max_attempts(J::RETRY.attempts)
}

/// The job as its queue row stores it: JSON, as apalis-postgres's codec writes it (for rows written
/// by our own statements, like the webhook intake's).
pub fn encode<J: Job>(job: &J) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(job)
}

/// Handles for enqueueing; cheap to clone.
#[derive(Clone)]
pub struct Queues {
    db: DatabaseConnection,
}

#[derive(Debug, thiserror::Error)]
#[error("could not enqueue the job: {0}")]
pub struct EnqueueError(String);

impl Queues {
    pub fn new(db: &DatabaseConnection) -> Self {
        Queues { db: db.clone() }
    }

    /// Enqueues one job.
    pub async fn enqueue<J: Job>(&self, job: J) -> Result<(), EnqueueError> {
        self.enqueue_task(task(job)).await
    }

    /// Enqueues one job as built (e.g. to run later).
    pub async fn enqueue_task<J: Job>(&self, task: TaskBuilder<J>) -> Result<(), EnqueueError> {
        storage::<J>(&self.db).push_task(task.build()).await.map_err(|e| EnqueueError(e.to_string()))
    }

    /// Enqueues several jobs of one queue in one statement: all or none.
    pub async fn enqueue_all<J: Job>(&self, jobs: Vec<J>) -> Result<(), EnqueueError> {
        let tasks = futures::stream::iter(jobs.into_iter().map(|j| task(j).build()));
        storage::<J>(&self.db).push_all(tasks).await.map_err(|e| EnqueueError(e.to_string()))
    }

    pub async fn process_webhook(&self, event_id: i64) -> Result<(), EnqueueError> {
        self.enqueue(ProcessWebhook { event_id }).await
    }

    pub async fn push_stock(&self, job: PushStock) -> Result<(), EnqueueError> {
        self.enqueue(job).await
    }
}
