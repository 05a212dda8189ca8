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
