//! Store refunds we have taken in, with the quantities they restocked per order line. Prokip
//! returns are set as running totals per line, so the totals over every recorded refund are what
//! each (re)sent return carries: recording first and sending after is exactly once.

use sea_orm::{ConnectionTrait, DbErr, Statement};
use std::collections::BTreeMap;

/// Records a refund's restocked quantities; `false` if it was already recorded.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    order_id: &str,
    refund_id: &str,
    restocked: &BTreeMap<String, i64>,
) -> Result<bool, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO processed_refunds (connection_id, refund_id, order_id, lines) VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, refund_id) DO NOTHING",
        [
            connection_id.into(),
            refund_id.into(),
            order_id.into(),
            serde_json::to_value(restocked).unwrap_or_default().into(),
        ],
    );
    Ok(db.execute_raw(stmt).await?.rows_affected() == 1)
}

/// Restocked quantity per order line over every recorded refund of the order, and whether any
/// of them has not reached Prokip yet.
pub async fn totals<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    order_id: &str,
) -> Result<(BTreeMap<String, i64>, bool), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT lines, returned_at IS NULL FROM processed_refunds WHERE connection_id = $1 AND order_id = $2",
        [connection_id.into(), order_id.into()],
    );
    let mut totals = BTreeMap::new();
    let mut unsent = false;
    for row in db.query_all_raw(stmt).await? {
        let lines: BTreeMap<String, i64> = serde_json::from_value(row.try_get_by_index(0)?).unwrap_or_default();
        for (line, qty) in lines {
            *totals.entry(line).or_insert(0) += qty;
        }
        unsent |= row.try_get_by_index::<bool>(1)?;
    }
    Ok((totals, unsent))
}

/// Every recorded refund of the order has reached Prokip.
pub async fn mark_returned<C: ConnectionTrait>(db: &C, connection_id: i64, order_id: &str) -> Result<(), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE processed_refunds SET returned_at = now() WHERE connection_id = $1 AND order_id = $2 AND returned_at IS NULL",
        [connection_id.into(), order_id.into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// The refunds of the order already recorded.
pub async fn recorded_ids<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    order_id: &str,
) -> Result<Vec<String>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT refund_id FROM processed_refunds WHERE connection_id = $1 AND order_id = $2",
        [connection_id.into(), order_id.into()],
    );
    db.query_all_raw(stmt).await?.iter().map(|r| r.try_get_by_index::<String>(0)).collect()
}
