//! SKUs waiting for the push after an order (see `sync::stock::push`): added when an order moved
//! their Prokip stock, taken all at once by the next such push of the account.

use sea_orm::{QueryOrder, Set, entity::prelude::*, sea_query::OnConflict};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pending_pushes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sku: String,
    pub queued_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Marks these SKUs of the account as waiting for a push (an order names a handful).
pub async fn add<C: ConnectionTrait>(db: &C, account_id: i64, skus: &[String]) -> Result<(), DbErr> {
    if skus.is_empty() {
        return Ok(());
    }
    let now = chrono::Utc::now();
    let rows =
        skus.iter().map(|sku| ActiveModel { account_id: Set(account_id), sku: Set(sku.clone()), queued_at: Set(now) });
    let once = OnConflict::columns([Column::AccountId, Column::Sku]).do_nothing().to_owned();
    Entity::insert_many(rows).on_conflict(once).exec_without_returning(db).await.map(|_| ())
}

/// Takes every SKU of the account waiting for a push (sorted). Run it in the transaction holding
/// the account's stock lock: if the push fails, the rollback puts them back.
pub async fn take<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<String>, DbErr> {
    let taken = Entity::delete_many().filter(Column::AccountId.eq(account_id)).exec_with_returning(db).await?;
    let mut skus: Vec<String> = taken.into_iter().map(|p| p.sku).collect();
    skus.sort();
    Ok(skus)
}

/// SKUs of the account waiting for a push since before `before` (none, normally: a push after an
/// order takes them within a second). Read, not taken.
pub async fn waiting_since<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<String>, DbErr> {
    let rows = Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::QueuedAt.lt(before))
        .order_by_asc(Column::Sku)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|p| p.sku).collect())
}
