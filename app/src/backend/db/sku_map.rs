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
pub async fn lookup<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    skus: &[String],
) -> Result<HashMap<String, MappedSku>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT sku, store_product_id, store_variant_id, store_inventory_item_id, prokip_product_id, prokip_variation_id
         FROM sku_map WHERE connection_id = $1 AND sku = ANY($2)",
        [connection_id.into(), skus.to_vec().into()],
    );
    Ok(MappedSku::find_by_statement(stmt).all(db).await?.into_iter().map(|m| (m.sku.clone(), m)).collect())
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
}

/// Makes the connection's map exactly `rows`: matched SKUs are upserted, the others deleted (with
/// their stock cache, which described a variant no longer mapped).
pub async fn replace<C: ConnectionTrait>(db: &C, connection_id: i64, rows: &[NewMapping]) -> Result<(), DbErr> {
    // Arrays cannot hold NULL here: absent ids travel as '' and come back as NULL.
    let col = |f: fn(&NewMapping) -> Option<String>| rows.iter().map(|r| f(r).unwrap_or_default()).collect::<Vec<_>>();
    let skus: Vec<String> = rows.iter().map(|r| r.sku.clone()).collect();
    let upsert = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO sku_map (connection_id, sku, store_product_id, store_variant_id, store_inventory_item_id,
                              prokip_product_id, prokip_variation_id)
         SELECT $1, t.sku, NULLIF(t.pid, ''), NULLIF(t.vid, ''), NULLIF(t.iid, ''), t.ppid, t.pvid
         FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[]) AS t(sku, pid, vid, iid, ppid, pvid)
         ON CONFLICT (connection_id, sku) DO UPDATE SET
           store_product_id = EXCLUDED.store_product_id, store_variant_id = EXCLUDED.store_variant_id,
           store_inventory_item_id = EXCLUDED.store_inventory_item_id, prokip_product_id = EXCLUDED.prokip_product_id,
           prokip_variation_id = EXCLUDED.prokip_variation_id, updated_at = now()",
        [
            connection_id.into(),
            skus.clone().into(),
            col(|r| Some(r.store_product_id.clone())).into(),
            col(|r| r.store_variant_id.clone()).into(),
            col(|r| r.store_inventory_item_id.clone()).into(),
            rows.iter().map(|r| r.prokip_product_id).collect::<Vec<_>>().into(),
            rows.iter().map(|r| r.prokip_variation_id).collect::<Vec<_>>().into(),
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
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT sku, store_product_id, store_variant_id, store_inventory_item_id, prokip_product_id, prokip_variation_id
         FROM sku_map WHERE connection_id = $1 AND ($2::text[] IS NULL OR sku = ANY($2)) ORDER BY sku",
        [connection_id.into(), skus.map(<[String]>::to_vec).into()],
    );
    MappedSku::find_by_statement(stmt).all(db).await
}

/// SKU → Prokip variation over every store of the account (the same SKU maps to one variation).
pub async fn variations_of_account<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    skus: Option<&[String]>,
) -> Result<HashMap<String, i64>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT DISTINCT m.sku, m.prokip_variation_id FROM sku_map m JOIN connections c ON c.id = m.connection_id
         WHERE c.account_id = $1 AND m.prokip_variation_id IS NOT NULL AND ($2::text[] IS NULL OR m.sku = ANY($2))",
        [account_id.into(), skus.map(<[String]>::to_vec).into()],
    );
    let rows = db.query_all_raw(stmt).await?;
    rows.iter().map(|r| Ok((r.try_get_by_index::<String>(0)?, r.try_get_by_index::<i64>(1)?))).collect()
}

/// The SKUs of these Prokip variations, over every store of the account.
pub async fn skus_of_variations<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    variation_ids: &[i64],
) -> Result<Vec<String>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT DISTINCT m.sku FROM sku_map m JOIN connections c ON c.id = m.connection_id
         WHERE c.account_id = $1 AND m.prokip_variation_id = ANY($2) ORDER BY m.sku",
        [account_id.into(), variation_ids.to_vec().into()],
    );
    db.query_all_raw(stmt).await?.iter().map(|r| r.try_get_by_index::<String>(0)).collect()
}
