//! The job monitor that runs beside the web server: Postgres-backed workers and the cron ticks
//! that feed them.

use apalis::prelude::*;
use apalis_cron::{CronScheduler, Tick};
use apalis_postgres::PostgresStorage;
use app::backend::jobs::{HOUSEKEEPING_QUEUE, housekeeping::{self, Housekeeping}};
use app::backend::jobs::{ProcessWebhook, WEBHOOK_QUEUE, process_webhook};
use apalis::layers::retry::{RetryPolicy, backoff::ExponentialBackoffMaker, backoff::MakeBackoff, HasherRng};
use app::backend::state::AppState;
use sea_orm::DatabaseConnection;
use std::str::FromStr;

type HousekeepingQueue = PostgresStorage<Housekeeping>;

fn housekeeping_queue(db: &DatabaseConnection) -> HousekeepingQueue {
    app::backend::jobs::storage(db, HOUSEKEEPING_QUEUE)
}

async fn run_housekeeping(_job: Housekeeping, db: Data<DatabaseConnection>) -> Result<(), BoxDynError> {
    housekeeping::run(&db).await
}

async fn enqueue_housekeeping(tick: Tick, queue: Data<HousekeepingQueue>) -> Result<(), BoxDynError> {
    let at = chrono::DateTime::from_timestamp(tick.get_timestamp() as i64, 0).unwrap_or_else(chrono::Utc::now);
    let mut queue = (*queue).clone();
    queue.push(Housekeeping { tick: at }).await?;
    Ok(())
}

async fn run_webhook(job: ProcessWebhook, state: Data<AppState>) -> Result<(), BoxDynError> {
    process_webhook::run(&state, job.event_id).await.map_err(Into::into)
}

async fn sweep_webhooks(_tick: Tick, state: Data<AppState>) -> Result<(), BoxDynError> {
    process_webhook::sweep(&state).await?;
    Ok(())
}

/// The webhook worker: woken by each enqueue, a few events at once, transient failures retried in-process with
/// exponential backoff (0.2 s doubling up to 10 s) until the job's own attempt limit.
fn register_webhooks(monitor: Monitor, state: &AppState, every_minute: cron::Schedule) -> Monitor {
    // LISTEN/NOTIFY wakes the worker as soon as a webhook is enqueued (not at the next heartbeat).
    let queue = app::backend::jobs::storage::<ProcessWebhook>(&state.db, WEBHOOK_QUEUE).with_pubsub();
    let worker_state = state.clone();
    let sweeper_state = state.clone();
    monitor
        .register(move |_| {
            let backoff = ExponentialBackoffMaker::new(
                std::time::Duration::from_millis(200),
                std::time::Duration::from_secs(10),
                0.5,
                HasherRng::default(),
            )
            .expect("valid backoff bounds")
            .make_backoff();
            let retries = (process_webhook::MAX_ATTEMPTS - 1) as usize;
            WorkerBuilder::new("process-webhook")
                .backend(queue.clone())
                .data(worker_state.clone())
                .concurrency(4)
                .retry(RetryPolicy::retries(retries).with_backoff(backoff))
                .build(run_webhook)
        })
        .register(move |_| {
            WorkerBuilder::new("webhook-sweeper")
                .backend(CronScheduler::new(every_minute.clone()))
                .data(sweeper_state.clone())
                .build(sweep_webhooks)
        })
}

/// Every worker of the product.
pub fn monitor(state: AppState) -> Monitor {
    let db = state.db.clone();
    let queue = housekeeping_queue(&db);
    let every_minute = cron::Schedule::from_str("0 * * * * *").expect("valid cron expression");
    let monitor = register_webhooks(Monitor::new(), &state, every_minute.clone());
    monitor
        .register({
            let (db, queue) = (db.clone(), queue.clone());
            move |_| {
                WorkerBuilder::new("housekeeping")
                    .backend(queue.clone())
                    .data(db.clone())
                    .build(run_housekeeping)
            }
        })
        .register(move |_| {
            WorkerBuilder::new("housekeeping-cron")
                .backend(CronScheduler::new(every_minute.clone()))
                .data(queue.clone())
                .build(enqueue_housekeeping)
        })
}
