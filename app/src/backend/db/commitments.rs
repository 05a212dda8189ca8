//! Commitments: quantities of unpaid orders, which lower what we publish as available until the
//! order is paid (it becomes a sell) or cancelled (they vanish).

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

/// Sets the order's commitments to exactly `qty_by_sku` (quantities ≤ 0 are left out).
pub async fn replace(
    db: &DatabaseConnection,
    connection_id: i64,
    order_id: &str,
    qty_by_sku: &BTreeMap<String, i64>,
) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    remove(&txn, connection_id, order_id).await?;
    let now = chrono::Utc::now();
    let rows: Vec<ActiveModel> = qty_by_sku
        .iter()
        .filter(|(_, q)| **q > 0)
        .map(|(sku, qty)| ActiveModel {
            connection_id: Set(connection_id),
            order_id: Set(order_id.to_owned()),
            sku: Set(sku.clone()),
            qty: Set(*qty),
            created_at: Set(now),
        })
        .collect();
    if !rows.is_empty() {
        Entity::insert_many(rows).exec_without_returning(&txn).await?;
    }
    txn.commit().await
}

/// Drops the order's commitments (paid or cancelled); the SKUs they held.
pub async fn remove<C: ConnectionTrait>(db: &C, connection_id: i64, order_id: &str) -> Result<Vec<String>, DbErr> {
    let removed = Entity::delete_many()
        .filter(Column::ConnectionId.eq(connection_id))
        .filter(Column::OrderId.eq(order_id))
        .exec_with_returning(db)
        .await?;
    Ok(removed.into_iter().map(|c| c.sku).collect())
}
