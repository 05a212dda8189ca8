//! Commitments: quantities of unpaid orders, which lower what we publish as available until the
//! order is paid (it becomes a sell) or cancelled (they vanish).

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait};
use std::collections::BTreeMap;

/// Sets the order's commitments to exactly `qty_by_sku` (quantities ≤ 0 are left out).
pub async fn replace(
    db: &DatabaseConnection,
    connection_id: i64,
    order_id: &str,
    qty_by_sku: &BTreeMap<String, i64>,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    remove(&txn, connection_id, order_id).await?;
    for (sku, qty) in qty_by_sku.iter().filter(|(_, q)| **q > 0) {
        txn.execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "INSERT INTO commitments (connection_id, order_id, sku, qty) VALUES ($1, $2, $3, $4)",
            [connection_id.into(), order_id.into(), sku.as_str().into(), (*qty).into()],
        ))
        .await?;
    }
    txn.commit().await
}

/// Drops the order's commitments (paid or cancelled); the SKUs they held.
pub async fn remove<C: ConnectionTrait>(db: &C, connection_id: i64, order_id: &str) -> Result<Vec<String>, DbErr> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "DELETE FROM commitments WHERE connection_id = $1 AND order_id = $2 RETURNING sku",
            [connection_id.into(), order_id.into()],
        ))
        .await?;
    rows.iter().map(|r| r.try_get_by_index::<String>(0)).collect()
}
