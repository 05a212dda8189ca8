//! The job monitor that runs beside the web server: Postgres-backed workers and the cron ticks
//! that feed them.

use apalis::layers::retry::{HasherRng, RetryPolicy, backoff::ExponentialBackoffMaker, backoff::MakeBackoff};
use apalis::prelude::*;
use apalis::prelude::{PollWith, Strategy};
use apalis_cron::{CronScheduler, Tick};
use apalis_postgres::{PostgresStorage, Pubsub};
use app::backend::jobs::{
    HOUSEKEEPING_QUEUE, PUSH_STOCK_QUEUE, ProcessWebhook, PushStock, WEBHOOK_QUEUE,
    housekeeping::{self, Housekeeping},
    process_webhook, push_stock,
};
use app::backend::state::AppState;
use app::backend::sync::triggers;
use sea_orm::DatabaseConnection;
use std::str::FromStr;

type HousekeepingQueue = PostgresStorage<Housekeeping>;

/// How often an idle worker looks for jobs it was not told about. LISTEN/NOTIFY wakes a worker at
/// once for each enqueue, but a job queued while the worker is (re)connecting its listener, or one
/// whose retry time has just come, would otherwise wait for the next heartbeat (30 s).
const IDLE_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// The id of one start of a queue worker. apalis keeps a row per worker id and refuses a second
/// live registration of the same id, so a fixed name would let only one process (and not a worker
/// restarted while its first connection lives) take jobs; and it re-enqueues the jobs of an id that
/// stopped heartbeating, which is how a killed process's running jobs come back.
fn worker_id(name: &str) -> String {
    format!("{name}-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}

/// A queue's worker backend: woken by LISTEN/NOTIFY on every enqueue, and polling once a second
/// when idle so nothing waits for a heartbeat.
fn listening<T>(queue: PostgresStorage<T>) -> PollWith<PostgresStorage<T>, Strategy> {
    let pool = queue.pool().clone();
    let namespace = queue.config().queue.to_string();
    let strategy = Strategy::new().stream(Pubsub::new(pool, namespace)).interval(IDLE_POLL);
    PollWith::new(queue, strategy)
}

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
    let queue = listening(app::backend::jobs::storage::<ProcessWebhook>(&state.db, WEBHOOK_QUEUE));
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
            WorkerBuilder::new(worker_id("process-webhook"))
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

fn tick_time(tick: &Tick) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(tick.get_timestamp() as i64, 0).unwrap_or_else(chrono::Utc::now)
}

async fn prokip_poll(tick: Tick, state: Data<AppState>) -> Result<(), BoxDynError> {
    Ok(triggers::poll_tick(&state, tick_time(&tick)).await?)
}

async fn reconcile(tick: Tick, state: Data<AppState>) -> Result<(), BoxDynError> {
    Ok(triggers::reconcile_tick(&state, tick_time(&tick)).await?)
}

/// Pushes run at once per process: one holding the account's stock lock, one waiting for it.
const PUSH_CONCURRENCY: usize = 2;

/// Stock pushes and the ticks that start them (poll and reconcile, when not turned off).
fn stock_workers(monitor: Monitor, state: AppState) -> Monitor {
    let queue: PostgresStorage<PushStock> = app::backend::jobs::storage(&state.db, PUSH_STOCK_QUEUE);
    let mut monitor = monitor.register({
        let state = state.clone();
        // LISTEN/NOTIFY: a push starts as soon as it is queued, not at the next heartbeat. Pushes
        // of one account wait for its stock lock inside a transaction, each holding a pooled
        // connection; without a limit a burst of them takes the whole pool and the push holding
        // the lock can never get a connection to finish.
        move |_| {
            WorkerBuilder::new(worker_id("push-stock"))
                .backend(listening(queue.clone()))
                .data(state.clone())
                .concurrency(PUSH_CONCURRENCY)
                .build(push_stock::run)
        }
    });
    let sync = state.config.sync;
    if let Some(schedule) = sync.poll_schedule().and_then(|s| cron::Schedule::from_str(&s).ok()) {
        let state = state.clone();
        monitor = monitor.register(move |_| {
            WorkerBuilder::new("prokip-poll-cron")
                .backend(CronScheduler::new(schedule.clone()))
                .data(state.clone())
                .build(prokip_poll)
        });
    }
    if let Some(schedule) = sync.reconcile_schedule().and_then(|s| cron::Schedule::from_str(&s).ok()) {
        monitor = monitor.register(move |_| {
            WorkerBuilder::new("reconcile-cron")
                .backend(CronScheduler::new(schedule.clone()))
                .data(state.clone())
                .build(reconcile)
        });
    }
    monitor
}

async fn daily_order_pull(tick: Tick, state: Data<AppState>) -> Result<(), BoxDynError> {
    app::backend::sync::orders::pull::daily_tick(&state, tick_time(&tick)).await?;
    Ok(())
}

/// The daily pull of orders webhooks missed (03:00 UTC; claimed once across processes).
fn daily_pull(monitor: Monitor, state: AppState) -> Monitor {
    let daily = cron::Schedule::from_str("0 0 3 * * *").expect("valid cron expression");
    monitor.register(move |_| {
        WorkerBuilder::new("daily-order-pull")
            .backend(CronScheduler::new(daily.clone()))
            .data(state.clone())
            .build(daily_order_pull)
    })
}

/// Waits before a worker restarts. apalis asks for the restart inside the monitor's poll, so the
/// pause blocks that thread: on the multi-threaded runtime the other tasks are moved off it first
/// (`block_in_place`); elsewhere (single-threaded tests) the restart is not delayed.
fn pause_before_restart(pause: std::time::Duration) {
    use tokio::runtime::{Handle, RuntimeFlavor};
    if Handle::try_current().is_ok_and(|h| h.runtime_flavor() == RuntimeFlavor::MultiThread) {
        tokio::task::block_in_place(|| std::thread::sleep(pause));
    }
}

/// Every worker of the product.
pub fn monitor(state: AppState) -> Monitor {
    let db = state.db.clone();
    let queue = housekeeping_queue(&db);
    let stock_state = state.clone();
    let every_minute = cron::Schedule::from_str("0 * * * * *").expect("valid cron expression");
    // A worker whose backend fails (e.g. the database is briefly unreachable) is started again
    // instead of ending the monitor, after a pause growing with its restarts (0.2 s up to 5 s): a
    // backend that fails at once (a database that refuses us) would otherwise restart in a tight
    // loop, one log line each.
    let monitor = Monitor::new().should_restart(|worker, error| {
        let restarts = worker.restarts();
        tracing::warn!(worker = %worker.name(), restarts, %error, "restarting a failed worker");
        pause_before_restart(std::time::Duration::from_millis(200 * (restarts.min(24) as u64 + 1)));
        true
    });
    let monitor = daily_pull(register_webhooks(monitor, &state, every_minute.clone()), state.clone());
    stock_workers(monitor, stock_state)
        .register({
            let (db, queue) = (db.clone(), queue.clone());
            move |_| {
                WorkerBuilder::new(worker_id("housekeeping"))
                    .backend(listening(queue.clone()))
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
