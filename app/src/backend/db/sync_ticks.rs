//! Scheduled ticks claimed once: several server processes on one database each get the cron
//! tick, and only the one that claims `(name, slot)` runs it.

use sea_orm::{
    Set,
    entity::prelude::*,
    sea_query::{Expr, ExprTrait, OnConflict},
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_ticks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub slot: i64,
    pub claimed_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `true` when this process claimed the tick; `false` when another one already had.
pub async fn claim<C: ConnectionTrait>(db: &C, name: &str, slot: i64) -> Result<bool, DbErr> {
    let tick = ActiveModel { name: Set(name.to_owned()), slot: Set(slot), claimed_at: Set(chrono::Utc::now()) };
    let first = OnConflict::columns([Column::Name, Column::Slot]).do_nothing().to_owned();
    let claimed = Entity::insert(tick).on_conflict(first).exec_without_returning(db).await? == 1;
    if claimed {
        Entity::delete_many()
            .filter(Column::Name.eq(name))
            .filter(Expr::col(Column::ClaimedAt).lt(Expr::cust("now() - interval '1 day'")))
            .exec(db)
            .await?;
    }
    Ok(claimed)
}
