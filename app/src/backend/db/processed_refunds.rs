//! Store refunds we have taken in, with the quantities they restocked per order line. Prokip
//! returns are set as running totals per line, so the totals over every recorded refund are what
//! each (re)sent return carries: recording first and sending after is exactly once.

use sea_orm::{
    QuerySelect, Set,
    entity::prelude::*,
    sea_query::{Expr, OnConflict},
};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "processed_refunds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub connection_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub refund_id: String,
    pub order_id: String,
    pub processed_at: ChronoDateTimeUtc,
    /// Order line id → restocked quantity.
    pub lines: Json,
    /// When Prokip's return covered this refund.
    pub returned_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

fn of_order(connection_id: i64, order_id: &str) -> sea_orm::Condition {
    sea_orm::Condition::all().add(Column::ConnectionId.eq(connection_id)).add(Column::OrderId.eq(order_id))
}

/// Records a refund's restocked quantities; `false` if it was already recorded.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    order_id: &str,
    refund_id: &str,
    restocked: &BTreeMap<String, i64>,
) -> Result<bool, DbErr> {
    let row = ActiveModel {
        connection_id: Set(connection_id),
        refund_id: Set(refund_id.to_owned()),
        order_id: Set(order_id.to_owned()),
        processed_at: Set(chrono::Utc::now()),
        lines: Set(serde_json::to_value(restocked).unwrap_or_default()),
        returned_at: Set(None),
    };
    let once = OnConflict::columns([Column::ConnectionId, Column::RefundId]).do_nothing().to_owned();
    Ok(Entity::insert(row).on_conflict(once).exec_without_returning(db).await? == 1)
}

/// Restocked quantity per order line over every recorded refund of the order, and whether any
/// of them has not reached Prokip yet.
pub async fn totals<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    order_id: &str,
) -> Result<(BTreeMap<String, i64>, bool), DbErr> {
    let mut totals = BTreeMap::new();
    let mut unsent = false;
    for refund in Entity::find().filter(of_order(connection_id, order_id)).all(db).await? {
        let lines: BTreeMap<String, i64> = serde_json::from_value(refund.lines).unwrap_or_default();
        for (line, qty) in lines {
            *totals.entry(line).or_insert(0) += qty;
        }
        unsent |= refund.returned_at.is_none();
    }
    Ok((totals, unsent))
}

/// Every recorded refund of the order has reached Prokip.
pub async fn mark_returned<C: ConnectionTrait>(db: &C, connection_id: i64, order_id: &str) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::ReturnedAt, Expr::value(chrono::Utc::now()))
        .filter(of_order(connection_id, order_id))
        .filter(Column::ReturnedAt.is_null())
        .exec(db)
        .await
        .map(|_| ())
}

/// The refunds of the order already recorded.
pub async fn recorded_ids<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    order_id: &str,
) -> Result<Vec<String>, DbErr> {
    Entity::find()
        .filter(of_order(connection_id, order_id))
        .select_only()
        .column(Column::RefundId)
        .into_tuple()
        .all(db)
        .await
}
