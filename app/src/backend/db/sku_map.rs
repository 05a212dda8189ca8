//! The per-connection SKU map: a store variant ↔ a Prokip variation, matched by exact SKU.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};
use std::collections::HashMap;

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
pub async fn lookup<C: ConnectionTrait>(db: &C, connection_id: i64, skus: &[String]) -> Result<HashMap<String, MappedSku>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT sku, store_product_id, store_variant_id, store_inventory_item_id, prokip_product_id, prokip_variation_id
         FROM sku_map WHERE connection_id = $1 AND sku = ANY($2)",
        [connection_id.into(), skus.to_vec().into()],
    );
    Ok(MappedSku::find_by_statement(stmt).all(db).await?.into_iter().map(|m| (m.sku.clone(), m)).collect())
}
