//! Failed sign-ins (`login_failures`), which the sign-in throttle counts; kept for a day.

use sea_orm::{
    entity::prelude::*,
    sea_query::{Expr, ExprTrait},
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub username: String,
    pub ip: String,
    pub at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Deletes failures older than a day (the throttle looks at less).
pub async fn delete_stale<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    let res =
        Entity::delete_many().filter(Expr::col(Column::At).lt(Expr::cust("now() - interval '1 day'"))).exec(db).await?;
    Ok(res.rows_affected)
}
