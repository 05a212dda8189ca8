//! Commitments: quantities of unpaid orders, which lower what we publish as available until the
//! order is paid (it becomes a sell) or cancelled (they vanish).

use super::sku_history;
use sea_orm::{DatabaseConnection, Set, TransactionTrait, entity::prelude::*};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub connection_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub order_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sku: String,
    pub qty: i64,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Sets the order's commitments to exactly `qty_by_sku` (quantities ≤ 0 are left out); each
/// difference is a history row written in the same transaction.
pub async fn replace(
    db: &DatabaseConnection,
    connection_id: i64,
    order_id: &str,
    qty_by_sku: &BTreeMap<String, i64>,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    let mut change: BTreeMap<String, i64> = BTreeMap::new();
    for old in delete_of_order(&txn, connection_id, order_id).await? {
        *change.entry(old.sku).or_default() -= old.qty;
    }
    let now = chrono::Utc::now();
    let rows: Vec<ActiveModel> = qty_by_sku
        .iter()
        .filter(|(_, q)| **q > 0)
        .map(|(sku, qty)| {
            *change.entry(sku.clone()).or_default() += qty;
            ActiveModel {
                connection_id: Set(connection_id),
                order_id: Set(order_id.to_owned()),
                sku: Set(sku.clone()),
                qty: Set(*qty),
                created_at: Set(now),
            }
        })
        .collect();
    if !rows.is_empty() {
        Entity::insert_many(rows).exec_without_returning(&txn).await?;
    }
    let change: Vec<(String, i64)> = change.into_iter().collect();
    sku_history::record_committed(&txn, connection_id, order_id, sku_history::cause::ORDER_UNPAID, &change).await?;
    txn.commit().await
}

/// Drops the order's commitments (`cause`: it was paid or cancelled) with their history rows, in
/// one transaction; the SKUs they held.
pub async fn remove(
    db: &DatabaseConnection,
    connection_id: i64,
    order_id: &str,
    cause: &str,
) -> Result<Vec<String>, DbErr> {
    let txn = db.begin().await?;
    let removed = delete_of_order(&txn, connection_id, order_id).await?;
    let change: Vec<(String, i64)> = removed.iter().map(|c| (c.sku.clone(), -c.qty)).collect();
    sku_history::record_committed(&txn, connection_id, order_id, cause, &change).await?;
    txn.commit().await?;
    Ok(removed.into_iter().map(|c| c.sku).collect())
}

async fn delete_of_order<C: ConnectionTrait>(db: &C, connection_id: i64, order_id: &str) -> Result<Vec<Model>, DbErr> {
    Entity::delete_many()
        .filter(Column::ConnectionId.eq(connection_id))
        .filter(Column::OrderId.eq(order_id))
        .exec_with_returning(db)
        .await
}
