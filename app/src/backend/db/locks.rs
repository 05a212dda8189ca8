//! Advisory locks that serialise work across server processes.

use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, Statement};

/// Takes the account's stock lock until `txn` ends.
pub async fn stock_push(txn: &DatabaseTransaction, account_id: i64) -> Result<(), DbErr> {
    // Hand-written: advisory locks are PostgreSQL functions the query builder has no form for.
    let sql = "SELECT pg_advisory_xact_lock(hashtextextended('prokip-sync:push-stock:' || $1::text, 0))";
    txn.execute_raw(Statement::from_sql_and_values(txn.get_database_backend(), sql, [account_id.into()]))
        .await
        .map(|_| ())
}

/// Takes the account's SKU summary lock until `txn` ends (one rebuild of the summary at a time).
pub async fn sku_summary(txn: &DatabaseTransaction, account_id: i64) -> Result<(), DbErr> {
    // Hand-written: advisory locks are PostgreSQL functions the query builder has no form for.
    let sql = "SELECT pg_advisory_xact_lock(hashtextextended('prokip-sync:sku-summary:' || $1::text, 0))";
    txn.execute_raw(Statement::from_sql_and_values(txn.get_database_backend(), sql, [account_id.into()]))
        .await
        .map(|_| ())
}

/// Tries to take the account's one waiting place for the stock lock until `txn` ends: `false`
/// when another push after an order already waits for the stock lock. That push takes every SKU
/// waiting after it gets the lock, so a push that finds the place taken has nothing left to do.
pub async fn try_stock_push_waiter(txn: &DatabaseTransaction, account_id: i64) -> Result<bool, DbErr> {
    // Hand-written: advisory locks are PostgreSQL functions the query builder has no form for.
    let sql = "SELECT pg_try_advisory_xact_lock(hashtextextended('prokip-sync:push-stock-waiter:' || $1::text, 0))";
    try_lock(txn, sql, account_id).await
}

/// Tries to take the store's order-resume lock until `txn` ends: `false` when another process
/// is already importing that store's paused orders.
pub async fn try_order_resume(txn: &DatabaseTransaction, connection_id: i64) -> Result<bool, DbErr> {
    // Hand-written: advisory locks are PostgreSQL functions the query builder has no form for.
    let sql = "SELECT pg_try_advisory_xact_lock(hashtextextended('prokip-sync:order-resume:' || $1::text, 0))";
    try_lock(txn, sql, connection_id).await
}

async fn try_lock(txn: &DatabaseTransaction, sql: &str, key: i64) -> Result<bool, DbErr> {
    let row = txn.query_one_raw(Statement::from_sql_and_values(txn.get_database_backend(), sql, [key.into()])).await?;
    Ok(row.map(|r| r.try_get_by_index::<bool>(0)).transpose()?.unwrap_or(false))
}
