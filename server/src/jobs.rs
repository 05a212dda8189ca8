//! The job monitor that runs beside the web server: a Postgres-backed worker for each job and a
//! cron worker for each tick, built from what the job files in `app::backend::jobs` declare.

use apalis::layers::retry::{
    BackoffRetryPolicy, HasherRng, RetryPolicy,
    backoff::{ExponentialBackoff, ExponentialBackoffMaker, MakeBackoff},
};
use apalis::prelude::*;
use apalis::prelude::{PollWith, Strategy};
use apalis_cron::{CronScheduler, Tick};
use apalis_postgres::{PostgresStorage, Pubsub};
use app::backend::jobs::{
    Housekeeping, IndexCatalog, Job, PollProkip, ProcessWebhook, PullOrders, PushStock, ResumeOrders, Retry,
    schedule::{self, Scheduled},
};
use app::backend::state::AppState;

/// Queue workers per process. Each holds one pooled connection for as long as it runs, for its
/// LISTEN (a sqlx `PgListener` takes its connection from the pool).
pub const QUEUE_WORKERS: u32 = 7;

/// The pool size for `work` connections shared by requests and jobs: the listeners come on top,
/// or they would take most of the pool (7 of the 10 by default) and leave requests, pushes and
/// lease renewals waiting for connections.
pub fn pool_size(work: u32) -> u32 {
    work + QUEUE_WORKERS
}

/// How often an idle worker looks for jobs it was not told about. LISTEN/NOTIFY wakes a worker at
/// once for each enqueue, but a job queued while the worker is (re)connecting its listener, or one
/// whose retry time has just come, would otherwise wait for the next heartbeat.
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

/// Runs the job once and counts the run (a success, a failure with tries left, or the last).
async fn run_job<J: Job>(job: J, state: Data<AppState>, attempt: Attempt) -> Result<(), BoxDynError> {
    let result = job.run(&state).await;
    app::backend::metrics::job_run(J::QUEUE, result.is_ok(), attempt.current().max(1), J::RETRY.attempts);
    result
}

/// The in-process retries of a job's declared policy (after its first run).
fn retry_policy(retry: Retry) -> BackoffRetryPolicy<ExponentialBackoff<HasherRng>> {
    let first = retry.first.max(std::time::Duration::from_millis(1));
    let backoff = ExponentialBackoffMaker::new(first, retry.cap.max(first), 0.5, HasherRng::default())
        .expect("valid backoff bounds")
        .make_backoff();
    RetryPolicy::retries(retry.attempts.saturating_sub(1)).with_backoff(backoff)
}

/// The worker of job `J`: its queue, concurrency and retries as the job declares them.
fn worker<J: Job>(monitor: Monitor, state: &AppState) -> Monitor {
    let queue = app::backend::jobs::storage::<J>(&state.db);
    let state = state.clone();
    monitor.register(move |_| {
        WorkerBuilder::new(worker_id(J::QUEUE))
            .backend(listening(queue.clone()))
            .data(state.clone())
            .concurrency(J::CONCURRENCY)
            .retry(retry_policy(J::RETRY))
            .build(run_job::<J>)
    })
}

async fn fire(tick: Tick, state: Data<AppState>, scheduled: Data<schedule::Tick>) -> Result<(), BoxDynError> {
    let at = chrono::DateTime::from_timestamp(tick.get_timestamp() as i64, 0).unwrap_or_else(chrono::Utc::now);
    scheduled.fire(&state, at).await
}

/// The cron worker of one tick.
fn cron(monitor: Monitor, state: &AppState, Scheduled { name, schedule, tick }: Scheduled) -> Monitor {
    let state = state.clone();
    monitor.register(move |_| {
        WorkerBuilder::new(name)
            .backend(CronScheduler::new(schedule.clone()))
            .data(state.clone())
            .data(tick)
            .build(fire)
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
    let workers: [fn(Monitor, &AppState) -> Monitor; QUEUE_WORKERS as usize] = [
        worker::<ProcessWebhook>,
        worker::<PushStock>,
        worker::<PollProkip>,
        worker::<PullOrders>,
        worker::<Housekeeping>,
        worker::<IndexCatalog>,
        worker::<ResumeOrders>,
    ];
    let monitor = workers.into_iter().fold(monitor, |m, add| add(m, &state));
    schedule::ticks(&state.config.sync).into_iter().fold(monitor, |m, scheduled| cron(m, &state, scheduled))
}
