//! Long runs and their progress (`sync_runs`): full stock syncs (items are SKU × store) and catalog
//! matches (items are stores), started with the number of items, advanced as they complete,
//! finished at the end. The dashboard shows the running or last one of each kind.

use crate::model::{PushReason, RunKind};
use sea_orm::{
    QueryOrder, Set,
    entity::prelude::*,
    sea_query::{Expr, ExprTrait},
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    /// A [`PushReason`] for a stock sync, [`CATALOG_MATCH`] for a catalog match.
    pub reason: String,
    pub started_at: ChronoDateTimeUtc,
    pub finished_at: Option<ChronoDateTimeUtc>,
    pub total: i32,
    pub done: i32,
    pub failed: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub type Run = Model;

/// The reason recorded for a catalog match; every other reason is a stock sync's.
pub const CATALOG_MATCH: &str = "catalog-match";

impl Model {
    pub fn kind(&self) -> RunKind {
        if self.reason == CATALOG_MATCH { RunKind::CatalogMatch } else { RunKind::StockSync }
    }
}

fn int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Starts a full stock sync of `total` store items (every mapped SKU of every store receiving stock).
pub async fn start<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    reason: PushReason,
    total: usize,
) -> Result<i64, DbErr> {
    insert(db, account_id, reason.as_str(), total).await
}

/// Starts a catalog match of `stores` stores.
pub async fn start_catalog_match<C: ConnectionTrait>(db: &C, account_id: i64, stores: usize) -> Result<i64, DbErr> {
    insert(db, account_id, CATALOG_MATCH, stores).await
}

async fn insert<C: ConnectionTrait>(db: &C, account_id: i64, reason: &str, total: usize) -> Result<i64, DbErr> {
    let run = ActiveModel {
        account_id: Set(account_id),
        reason: Set(reason.to_owned()),
        started_at: Set(chrono::Utc::now()),
        total: Set(int(total)),
        done: Set(0),
        failed: Set(0),
        ..Default::default()
    };
    Ok(Entity::insert(run).exec(db).await?.last_insert_id)
}

/// Counts `done` more items checked, `failed` of which could not be written.
pub async fn advance<C: ConnectionTrait>(db: &C, id: i64, done: usize, failed: usize) -> Result<(), DbErr> {
    if done == 0 && failed == 0 {
        return Ok(());
    }
    Entity::update_many()
        .col_expr(Column::Done, Expr::col(Column::Done).add(int(done)))
        .col_expr(Column::Failed, Expr::col(Column::Failed).add(int(failed)))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn finish<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::FinishedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// The account's latest run of this kind (running or finished).
pub async fn latest<C: ConnectionTrait>(db: &C, account_id: i64, kind: RunKind) -> Result<Option<Run>, DbErr> {
    let reason = Column::Reason.eq(CATALOG_MATCH);
    let of_kind = match kind {
        RunKind::CatalogMatch => reason,
        RunKind::StockSync => reason.not(),
    };
    Entity::find().filter(Column::AccountId.eq(account_id)).filter(of_kind).order_by_desc(Column::Id).one(db).await
}

/// Mapped SKUs of these stores: the items a full push checks.
pub async fn mapped_items<C: ConnectionTrait>(db: &C, connection_ids: &[i64]) -> Result<usize, DbErr> {
    use super::sku_map;
    let n =
        sku_map::Entity::find().filter(sku_map::Column::ConnectionId.is_in(connection_ids.to_vec())).count(db).await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}
