//! A business: the tenant that owns users, connections and everything synced for them.

use sea_orm::{QuerySelect, entity::prelude::*};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// An IANA zone name (see [`crate::backend::time::Zone`]).
    pub time_zone: String,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The account's time zone name as stored (`None`: no such account).
pub async fn time_zone<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Option<String>, DbErr> {
    let row = Entity::find_by_id(account_id).select_only().column(Column::TimeZone).into_tuple::<String>().one(db);
    row.await
}

/// Sets the account's time zone (a name the caller has checked).
pub async fn set_time_zone<C: ConnectionTrait>(db: &C, account_id: i64, zone: &str) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::TimeZone, sea_orm::sea_query::Expr::value(zone))
        .filter(Column::Id.eq(account_id))
        .exec(db)
        .await
        .map(|_| ())
}
