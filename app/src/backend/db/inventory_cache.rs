//! What each store last had per SKU (what we wrote, or read back): the base of every
//! compare-and-set and of "write only differences".

use sea_orm::{ConnectionTrait, DbErr, Statement};
use std::collections::HashMap;

/// The cached quantities of a connection: all, or those of `skus`.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    skus: Option<&[String]>,
) -> Result<HashMap<String, i64>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT sku, quantity FROM inventory_cache WHERE connection_id = $1 AND ($2::text[] IS NULL OR sku = ANY($2))",
        [connection_id.into(), skus.map(<[String]>::to_vec).into()],
    );
    db.query_all_raw(stmt)
        .await?
        .iter()
        .map(|r| Ok((r.try_get_by_index::<String>(0)?, r.try_get_by_index::<i64>(1)?)))
        .collect()
}

/// Records quantities the store now has.
pub async fn put<C: ConnectionTrait>(db: &C, connection_id: i64, quantities: &[(String, i64)]) -> Result<(), DbErr> {
    if quantities.is_empty() {
        return Ok(());
    }
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO inventory_cache (connection_id, sku, quantity)
         SELECT $1, t.* FROM UNNEST($2::text[], $3::bigint[]) AS t
         ON CONFLICT (connection_id, sku) DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = now()",
        [
            connection_id.into(),
            quantities.iter().map(|q| q.0.clone()).collect::<Vec<_>>().into(),
            quantities.iter().map(|q| q.1).collect::<Vec<_>>().into(),
        ],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// Forgets cached quantities (the store could not tell us what it has).
pub async fn forget<C: ConnectionTrait>(db: &C, connection_id: i64, skus: &[String]) -> Result<(), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "DELETE FROM inventory_cache WHERE connection_id = $1 AND sku = ANY($2)",
        [connection_id.into(), skus.to_vec().into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// Committed quantity per SKU over the account's stores (unpaid orders hold stock).
pub async fn committed<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    skus: Option<&[String]>,
) -> Result<HashMap<String, i64>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT m.sku, SUM(m.qty)::bigint FROM commitments m JOIN connections c ON c.id = m.connection_id
         WHERE c.account_id = $1 AND ($2::text[] IS NULL OR m.sku = ANY($2)) GROUP BY m.sku",
        [account_id.into(), skus.map(<[String]>::to_vec).into()],
    );
    db.query_all_raw(stmt)
        .await?
        .iter()
        .map(|r| Ok((r.try_get_by_index::<String>(0)?, r.try_get_by_index::<i64>(1)?)))
        .collect()
}
