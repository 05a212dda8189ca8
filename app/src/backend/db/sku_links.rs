//! Links the merchant made (`sku_links`): a store SKU of one store sold as a Prokip SKU that is
//! spelled differently. The catalog index applies them when it builds the SKU map.

use super::sku_history::{self, Kind, Merchant};
use sea_orm::{QueryOrder, Set, entity::prelude::*, sea_query::OnConflict};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sku_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub connection_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub store_sku: String,
    pub prokip_sku: String,
    pub created_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The links of one store: store SKU → Prokip SKU.
pub async fn of_connection<C: ConnectionTrait>(db: &C, connection_id: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find().filter(Column::ConnectionId.eq(connection_id)).order_by_asc(Column::StoreSku).all(db).await
}

/// The links of these stores.
pub async fn of_connections<C: ConnectionTrait>(db: &C, connection_ids: &[i64]) -> Result<Vec<Model>, DbErr> {
    Entity::find().filter(Column::ConnectionId.is_in(connection_ids.to_vec())).all(db).await
}

/// Links `store_sku` of this store to `prokip_sku` (replacing an earlier link of that store SKU),
/// with its history row: call it in a transaction.
pub async fn put<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    store_sku: &str,
    prokip_sku: &str,
) -> Result<(), DbErr> {
    let row = ActiveModel {
        connection_id: Set(connection_id),
        store_sku: Set(store_sku.to_owned()),
        prokip_sku: Set(prokip_sku.to_owned()),
        created_at: Set(chrono::Utc::now()),
    };
    let upsert = OnConflict::columns([Column::ConnectionId, Column::StoreSku])
        .update_columns([Column::ProkipSku, Column::CreatedAt])
        .to_owned();
    Entity::insert(row).on_conflict(upsert).exec_without_returning(db).await?;
    history(db, connection_id, store_sku, prokip_sku, Kind::Linked).await
}

/// Removes the link of `store_sku` in these stores, with their history rows (call it in a
/// transaction); how many there were.
pub async fn remove<C: ConnectionTrait>(db: &C, connection_ids: &[i64], store_sku: &str) -> Result<u64, DbErr> {
    let removed = Entity::delete_many()
        .filter(Column::ConnectionId.is_in(connection_ids.to_vec()))
        .filter(Column::StoreSku.eq(store_sku))
        .exec_with_returning(db)
        .await?;
    for l in &removed {
        history(db, l.connection_id, &l.store_sku, &l.prokip_sku, Kind::Unlinked).await?;
    }
    Ok(removed.len() as u64)
}

/// The row is kept under the store SKU, with the Prokip SKU as its detail: both SKUs' pages show it.
async fn history<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    store_sku: &str,
    prokip_sku: &str,
    kind: Kind,
) -> Result<(), DbErr> {
    let row =
        Merchant { connection_id, sku: Some(store_sku), kind, before: None, after: None, detail: Some(prokip_sku) };
    sku_history::record_merchant(db, row).await
}
