//! People who sign in to the dashboard; each belongs to exactly one account.

use sea_orm::{
    entity::prelude::*,
    sea_query::{Expr, ExprTrait, Func},
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub username: String,
    pub password_hash: String,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Usernames are unique regardless of case.
pub async fn find_by_username<C: ConnectionTrait>(db: &C, username: &str) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(ExprTrait::eq(Expr::expr(Func::lower(Expr::col(Column::Username))), username.to_lowercase()))
        .one(db)
        .await
}

/// A user together with the name of their account.
pub async fn find_with_account<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<Option<(Model, String)>, DbErr> {
    let Some(user) = Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let name = super::accounts::Entity::find_by_id(user.account_id).one(db).await?.map(|a| a.name).unwrap_or_default();
    Ok(Some((user, name)))
}
