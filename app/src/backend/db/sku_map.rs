//! The per-connection SKU map (`sku_map`): a store variant ↔ a Prokip variation, matched by SKU.

use sea_orm::{
    FromQueryResult, JoinType, QueryOrder, QuerySelect, RelationDef, Statement,
    entity::prelude::*,
    sea_query::{Expr, ExprTrait, extension::postgres::PgFunc},
};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sku_map")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub connection_id: i64,
    pub sku: String,
    pub store_product_id: Option<String>,
    pub store_variant_id: Option<String>,
    pub store_inventory_item_id: Option<String>,
    pub prokip_product_id: Option<i64>,
    pub prokip_variation_id: Option<i64>,
    pub updated_at: ChronoDateTimeUtc,
    /// Made from a merchant's link (`sku_links`), not by equal SKUs.
    pub manual: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `sku_map` → its connection (whose account owns the row).
fn to_connection() -> RelationDef {
    Entity::belongs_to(super::connections::Entity).from(Column::ConnectionId).to(super::connections::Column::Id).into()
}

/// The columns of [`MappedSku`].
fn mapped(select: Select<Entity>) -> sea_orm::Selector<sea_orm::SelectModel<MappedSku>> {
    select
        .select_only()
        .columns([
            Column::Sku,
            Column::StoreProductId,
            Column::StoreVariantId,
            Column::StoreInventoryItemId,
            Column::ProkipProductId,
            Column::ProkipVariationId,
        ])
        .into_model::<MappedSku>()
}

/// What an order line or a stock push needs to know about one mapped SKU.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct MappedSku {
    pub sku: String,
    pub store_product_id: Option<String>,
    pub store_variant_id: Option<String>,
    pub store_inventory_item_id: Option<String>,
    pub prokip_product_id: Option<i64>,
    pub prokip_variation_id: Option<i64>,
}

/// The mapped rows of `skus` for one connection (SKUs not in the map are absent).
pub async fn lookup<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    skus: &[String],
) -> Result<HashMap<String, MappedSku>, DbErr> {
    let found = Entity::find().filter(Column::ConnectionId.eq(connection_id)).filter(sku_in(skus));
    Ok(mapped(found).all(db).await?.into_iter().map(|m| (m.sku.clone(), m)).collect())
}

/// Per mapped store SKU of `skus`, the Prokip SKU and name it sells as (from the last index).
/// Hand-written: a join of the map with the Prokip index.
pub async fn prokip_names<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    connection_id: i64,
    skus: &[String],
) -> Result<HashMap<String, (String, String)>, DbErr> {
    let sql = "SELECT m.sku, p.sku, p.name FROM sku_map m
               JOIN prokip_catalog p ON p.account_id = $1 AND p.variation_id = m.prokip_variation_id
               WHERE m.connection_id = $2 AND m.sku = ANY($3)";
    let values = vec![account_id.into(), connection_id.into(), skus.to_vec().into()];
    let rows =
        db.query_all_raw(sea_orm::Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await?;
    rows.iter().map(|r| Ok((r.try_get_by_index(0)?, (r.try_get_by_index(1)?, r.try_get_by_index(2)?)))).collect()
}

/// A matched SKU to store in the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMapping {
    pub sku: String,
    pub store_product_id: String,
    pub store_variant_id: Option<String>,
    pub store_inventory_item_id: Option<String>,
    pub prokip_product_id: i64,
    pub prokip_variation_id: i64,
    /// From a merchant's link.
    pub manual: bool,
}

/// Makes the connection's map exactly `rows`: matched SKUs are upserted, the others deleted (with
/// their stock cache, which described a variant no longer mapped).
///
/// Hand-written: one statement for a whole catalog through arrays (UNNEST / ANY); the query
/// builder binds one parameter per value and PostgreSQL stops at 65,535 of them.
pub async fn replace<C: ConnectionTrait>(db: &C, connection_id: i64, rows: &[NewMapping]) -> Result<(), DbErr> {
    // Arrays cannot hold NULL here: absent ids travel as '' and come back as NULL.
    let col = |f: fn(&NewMapping) -> Option<String>| rows.iter().map(|r| f(r).unwrap_or_default()).collect::<Vec<_>>();
    let skus: Vec<String> = rows.iter().map(|r| r.sku.clone()).collect();
    let upsert = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO sku_map (connection_id, sku, store_product_id, store_variant_id, store_inventory_item_id,
                              prokip_product_id, prokip_variation_id, manual)
         SELECT $1, t.sku, NULLIF(t.pid, ''), NULLIF(t.vid, ''), NULLIF(t.iid, ''), t.ppid, t.pvid, t.manual
         FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bool[])
              AS t(sku, pid, vid, iid, ppid, pvid, manual)
         ON CONFLICT (connection_id, sku) DO UPDATE SET
           store_product_id = EXCLUDED.store_product_id, store_variant_id = EXCLUDED.store_variant_id,
           store_inventory_item_id = EXCLUDED.store_inventory_item_id, prokip_product_id = EXCLUDED.prokip_product_id,
           prokip_variation_id = EXCLUDED.prokip_variation_id, manual = EXCLUDED.manual, updated_at = now()",
        [
            connection_id.into(),
            skus.clone().into(),
            col(|r| Some(r.store_product_id.clone())).into(),
            col(|r| r.store_variant_id.clone()).into(),
            col(|r| r.store_inventory_item_id.clone()).into(),
            rows.iter().map(|r| r.prokip_product_id).collect::<Vec<_>>().into(),
            rows.iter().map(|r| r.prokip_variation_id).collect::<Vec<_>>().into(),
            rows.iter().map(|r| r.manual).collect::<Vec<_>>().into(),
        ],
    );
    db.execute_raw(upsert).await?;
    for table in ["sku_map", "inventory_cache"] {
        let sql = format!("DELETE FROM {table} WHERE connection_id = $1 AND NOT (sku = ANY($2))");
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [connection_id.into(), skus.clone().into()],
        ))
        .await?;
    }
    Ok(())
}

/// The connection's mapped rows: all, or those of `skus`.
pub async fn for_connection<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    skus: Option<&[String]>,
) -> Result<Vec<MappedSku>, DbErr> {
    let mut found = Entity::find().filter(Column::ConnectionId.eq(connection_id)).order_by_asc(Column::Sku);
    if let Some(skus) = skus {
        found = found.filter(sku_in(skus));
    }
    mapped(found).all(db).await
}

/// SKU → Prokip variation over every store of the account (the same SKU maps to one variation).
pub async fn variations_of_account<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    skus: Option<&[String]>,
) -> Result<HashMap<String, i64>, DbErr> {
    let mut found = of_account(account_id).filter(Column::ProkipVariationId.is_not_null());
    if let Some(skus) = skus {
        found = found.filter(sku_in(skus));
    }
    let rows: Vec<(String, i64)> =
        found.select_only().columns([Column::Sku, Column::ProkipVariationId]).distinct().into_tuple().all(db).await?;
    Ok(rows.into_iter().collect())
}

/// The SKUs of these Prokip variations, over every store of the account.
pub async fn skus_of_variations<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    variation_ids: &[i64],
) -> Result<Vec<String>, DbErr> {
    of_account(account_id)
        .filter(Expr::col((Entity, Column::ProkipVariationId)).eq(PgFunc::any(Expr::val(variation_ids.to_vec()))))
        .select_only()
        .column(Column::Sku)
        .distinct()
        .order_by_asc(Column::Sku)
        .into_tuple()
        .all(db)
        .await
}

/// Rows of every store of the account.
fn of_account(account_id: i64) -> Select<Entity> {
    Entity::find()
        .join(JoinType::InnerJoin, to_connection())
        .filter(super::connections::Column::AccountId.eq(account_id))
}

/// `sku = ANY($1)`: one array parameter however many SKUs (a push may name thousands).
fn sku_in(skus: &[String]) -> Expr {
    Expr::col((Entity, Column::Sku)).eq(PgFunc::any(Expr::val(skus.to_vec())))
}
