//! The job queues as apalis keeps them (`apalis.jobs`), read for the metrics page: how many jobs
//! are due and waiting per queue, and how long the oldest has waited.

use sea_orm::{DatabaseConnection, DbErr, FromQueryResult, Statement};

#[derive(Debug, Clone, FromQueryResult)]
pub struct Waiting {
    pub queue: String,
    pub depth: i64,
    pub oldest_seconds: f64,
}

/// Due jobs per queue, as apalis's fetch selects them (pending, or failed with tries left); one
/// pass over its partial index on exactly these rows.
pub async fn waiting(db: &DatabaseConnection) -> Result<Vec<Waiting>, DbErr> {
    // Hand-written: apalis owns this table (no entity of ours), and its fetch condition is copied to match its index.
    let sql = "SELECT job_type AS queue, count(*) AS depth,
                      extract(epoch FROM now() - min(run_at))::float8 AS oldest_seconds
                 FROM apalis.jobs
                WHERE (status = 'Pending' OR (status = 'Failed' AND attempts < max_attempts)) AND run_at <= now()
                GROUP BY job_type";
    Waiting::find_by_statement(Statement::from_string(db.get_database_backend(), sql)).all(db).await
}
