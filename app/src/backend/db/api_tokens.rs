//! API tokens (`api_tokens`): each belongs to the account and user that created it and is kept as
//! a SHA-256 of the token only.

use sea_orm::{
    QueryOrder, Set,
    entity::prelude::*,
    sea_query::{Expr, ExprTrait},
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub user_id: i64,
    pub name: String,
    /// `read` or `read_write` (a `TokenScope`).
    pub scope: String,
    pub shown_prefix: String,
    pub token_hash: Vec<u8>,
    pub created_at: ChronoDateTimeUtc,
    pub expires_at: Option<ChronoDateTimeUtc>,
    pub last_used_at: Option<ChronoDateTimeUtc>,
    pub revoked_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What a new token is stored as.
pub struct NewToken<'a> {
    pub account_id: i64,
    pub user_id: i64,
    pub name: &'a str,
    pub scope: &'a str,
    pub shown_prefix: &'a str,
    pub token_hash: Vec<u8>,
    pub expires_at: Option<ChronoDateTimeUtc>,
}

pub async fn insert<C: ConnectionTrait>(db: &C, new: NewToken<'_>) -> Result<Model, DbErr> {
    ActiveModel {
        account_id: Set(new.account_id),
        user_id: Set(new.user_id),
        name: Set(new.name.to_owned()),
        scope: Set(new.scope.to_owned()),
        shown_prefix: Set(new.shown_prefix.to_owned()),
        token_hash: Set(new.token_hash),
        created_at: Set(chrono::Utc::now()),
        expires_at: Set(new.expires_at),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// The account's tokens, newest first.
pub async fn of_account<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(db)
        .await
}

/// No expiry, or one still ahead.
fn unexpired() -> sea_orm::sea_query::SimpleExpr {
    Expr::col(Column::ExpiresAt).is_null().or(Expr::col(Column::ExpiresAt).gt(Expr::cust("now()")))
}

/// The token with this hash while it opens something: not revoked, not expired.
pub async fn find_active<C: ConnectionTrait>(db: &C, token_hash: &[u8]) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::TokenHash.eq(token_hash.to_vec()))
        .filter(Column::RevokedAt.is_null())
        .filter(unexpired())
        .one(db)
        .await
}

/// Notes a use, at most once a minute per token (a busy script does not write on every call).
pub async fn touch<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::LastUsedAt, Expr::cust("now()"))
        .filter(Column::Id.eq(id))
        .filter(
            Expr::col(Column::LastUsedAt)
                .is_null()
                .or(Expr::col(Column::LastUsedAt).lt(Expr::cust("now() - interval '1 minute'"))),
        )
        .exec(db)
        .await
        .map(|_| ())
}

/// Revokes one of the account's tokens; its name when it was active (`None`: not the account's,
/// or revoked already).
pub async fn revoke<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<Option<String>, DbErr> {
    let res = Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::cust("now()"))
        .filter(Column::Id.eq(id))
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::RevokedAt.is_null())
        .exec_with_returning(db)
        .await?;
    Ok(res.into_iter().next().map(|m| m.name))
}

/// How many of the account's tokens still open something (bounds how many one account keeps).
pub async fn count_active<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::RevokedAt.is_null())
        .filter(unexpired())
        .count(db)
        .await
}
