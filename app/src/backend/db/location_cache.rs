//! What a Shopify shop's other locations showed at our last write or read-back, per SKU: the base
//! of "write only differences" for the locations a Prokip source feeds besides the shop's own
//! (whose quantities are in `inventory_cache`).

use sea_orm::{ConnectionTrait, DbErr, Statement};
use std::collections::HashMap;

/// The cached quantities at one location of the store: all, or those of `skus`. Hand-written: a
/// table without an entity, read with one array parameter.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    location: &str,
    skus: Option<&[String]>,
) -> Result<HashMap<String, i64>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT sku, quantity FROM location_cache WHERE connection_id = $1 AND store_location = $2
           AND ($3::text[] IS NULL OR sku = ANY($3))",
        [connection_id.into(), location.into(), skus.map(<[String]>::to_vec).into()],
    );
    db.query_all_raw(stmt).await?.iter().map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?))).collect()
}

/// Records quantities the location now has. Hand-written: an upsert of any number of rows.
pub async fn put<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    location: &str,
    quantities: &[(String, i64)],
) -> Result<(), DbErr> {
    if quantities.is_empty() {
        return Ok(());
    }
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO location_cache (connection_id, store_location, sku, quantity)
         SELECT $1, $2, t.sku, t.quantity FROM UNNEST($3::text[], $4::bigint[]) AS t(sku, quantity)
         ON CONFLICT (connection_id, store_location, sku) DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = now()",
        [
            connection_id.into(),
            location.into(),
            quantities.iter().map(|q| q.0.clone()).collect::<Vec<_>>().into(),
            quantities.iter().map(|q| q.1).collect::<Vec<_>>().into(),
        ],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// Forgets cached quantities at one location (`None`: every SKU there).
pub async fn forget<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    location: &str,
    skus: Option<&[String]>,
) -> Result<(), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "DELETE FROM location_cache WHERE connection_id = $1 AND store_location = $2
           AND ($3::text[] IS NULL OR sku = ANY($3))",
        [connection_id.into(), location.into(), skus.map(<[String]>::to_vec).into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// Forgets what every other location of the store showed (its feeds or its own location changed,
/// or it starts syncing again after a pause): each is read before it is written next.
pub async fn forget_connection<C: ConnectionTrait>(db: &C, connection_id: i64) -> Result<(), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "DELETE FROM location_cache WHERE connection_id = $1",
        [connection_id.into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
}
