//! Sign-in sessions (`sessions`): one row per session, its record as bytes, until it expires.

use sea_orm::{
    Set, TryInsertResult,
    entity::prelude::*,
    sea_query::{Expr, ExprTrait, OnConflict},
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub data: Vec<u8>,
    pub expiry_date: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

fn row(id: String, data: Vec<u8>, expiry_date: ChronoDateTimeUtc) -> ActiveModel {
    ActiveModel { id: Set(id), data: Set(data), expiry_date: Set(expiry_date) }
}

/// Stores a new session; `false` when the id is taken (the caller draws another).
pub async fn insert_new<C: ConnectionTrait>(
    db: &C,
    id: String,
    data: Vec<u8>,
    expiry_date: ChronoDateTimeUtc,
) -> Result<bool, DbErr> {
    let res = Entity::insert(row(id, data, expiry_date))
        .on_conflict_do_nothing_on([Column::Id])
        .exec_without_returning(db)
        .await?;
    Ok(matches!(res, TryInsertResult::Inserted(1)))
}

/// Stores the session, replacing its earlier record.
pub async fn upsert<C: ConnectionTrait>(
    db: &C,
    id: String,
    data: Vec<u8>,
    expiry_date: ChronoDateTimeUtc,
) -> Result<(), DbErr> {
    Entity::insert(row(id, data, expiry_date))
        .on_conflict(OnConflict::column(Column::Id).update_columns([Column::Data, Column::ExpiryDate]).to_owned())
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// The record of a session that has not expired.
pub async fn load<C: ConnectionTrait>(db: &C, id: &str) -> Result<Option<Vec<u8>>, DbErr> {
    let found = Entity::find_by_id(id.to_owned())
        .filter(Expr::col(Column::ExpiryDate).gt(Expr::current_timestamp()))
        .one(db)
        .await?;
    Ok(found.map(|s| s.data))
}

pub async fn delete<C: ConnectionTrait>(db: &C, id: &str) -> Result<(), DbErr> {
    Entity::delete_by_id(id.to_owned()).exec(db).await.map(|_| ())
}

pub async fn delete_expired<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    let res =
        Entity::delete_many().filter(Expr::col(Column::ExpiryDate).lt(Expr::current_timestamp())).exec(db).await?;
    Ok(res.rows_affected)
}
