//! The job monitor that runs beside the web server: Postgres-backed workers and the cron ticks
//! that feed them.

use apalis::prelude::*;
use apalis_cron::{CronScheduler, Tick};
use apalis_postgres::PostgresStorage;
use app::backend::jobs::{HOUSEKEEPING_QUEUE, housekeeping::{self, Housekeeping}};
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

/// Every worker of the product.
pub fn monitor(state: AppState) -> Monitor {
    let db = state.db.clone();
    let queue = housekeeping_queue(&db);
    let every_minute = cron::Schedule::from_str("0 * * * * *").expect("valid cron expression");
    Monitor::new()
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
