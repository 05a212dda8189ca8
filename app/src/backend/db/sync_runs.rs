//! Full stock syncs and their progress: started with the number of store items to check, advanced
//! as batches complete, finished at the end. The dashboard shows the running or last one.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromQueryResult)]
pub struct Run {
    pub id: i64,
    pub reason: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub total: i32,
    pub done: i32,
    pub failed: i32,
}

fn stmt<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

fn int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Starts a run of `total` store items (every mapped SKU of every store receiving stock).
pub async fn start<C: ConnectionTrait>(db: &C, account_id: i64, reason: &str, total: usize) -> Result<i64, DbErr> {
    let sql = "INSERT INTO sync_runs (account_id, reason, total) VALUES ($1, $2, $3) RETURNING id";
    let row = db.query_one_raw(stmt(db, sql, vec![account_id.into(), reason.into(), int(total).into()])).await?;
    row.ok_or_else(|| DbErr::RecordNotInserted)?.try_get_by_index(0)
}

/// Counts `done` more items checked, `failed` of which could not be written.
pub async fn advance<C: ConnectionTrait>(db: &C, id: i64, done: usize, failed: usize) -> Result<(), DbErr> {
    if done == 0 && failed == 0 {
        return Ok(());
    }
    let sql = "UPDATE sync_runs SET done = done + $2, failed = failed + $3 WHERE id = $1";
    db.execute_raw(stmt(db, sql, vec![id.into(), int(done).into(), int(failed).into()])).await.map(|_| ())
}

pub async fn finish<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    db.execute_raw(stmt(db, "UPDATE sync_runs SET finished_at = now() WHERE id = $1", vec![id.into()]))
        .await
        .map(|_| ())
}

/// The account's latest run (running or finished).
pub async fn latest<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Option<Run>, DbErr> {
    let sql = "SELECT id, reason, started_at, finished_at, total, done, failed FROM sync_runs
               WHERE account_id = $1 ORDER BY id DESC LIMIT 1";
    Run::find_by_statement(stmt(db, sql, vec![account_id.into()])).one(db).await
}

/// Mapped SKUs of these stores: the items a full push checks.
pub async fn mapped_items<C: ConnectionTrait>(db: &C, connection_ids: &[i64]) -> Result<usize, DbErr> {
    let sql = "SELECT count(*) FROM sku_map WHERE connection_id = ANY($1)";
    let row = db.query_one_raw(stmt(db, sql, vec![connection_ids.to_vec().into()])).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.map_or(0, |n| usize::try_from(n).unwrap_or(0)))
}
