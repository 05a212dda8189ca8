//! SKUs waiting for the push after an order (see `sync::stock::push`): added when an order moved
//! their Prokip stock, taken all at once by the next such push of the account.

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// Marks these SKUs of the account as waiting for a push.
pub async fn add<C: ConnectionTrait>(db: &C, account_id: i64, skus: &[String]) -> Result<(), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO pending_pushes (account_id, sku) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
        [account_id.into(), skus.to_vec().into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// Takes every SKU of the account waiting for a push (sorted). Run it in the transaction holding
/// the account's stock lock: if the push fails, the rollback puts them back.
pub async fn take<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<String>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "DELETE FROM pending_pushes WHERE account_id = $1 RETURNING sku",
        [account_id.into()],
    );
    let mut skus =
        db.query_all_raw(stmt).await?.iter().map(|r| r.try_get_by_index::<String>(0)).collect::<Result<Vec<_>, _>>()?;
    skus.sort();
    Ok(skus)
}
