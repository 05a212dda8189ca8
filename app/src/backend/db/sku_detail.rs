//! The SKU page's reads: one SKU's Prokip row, the unpaid orders holding it, and per store how
//! it is mapped and what the store last showed. Hand-written: joins across five tables with a
//! link-aware match that the query builder would only spell longer.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};

#[derive(Debug, Clone, FromQueryResult)]
pub struct ProkipSide {
    pub name: String,
    /// Decimal text, as Prokip writes it.
    pub qty: String,
    pub read_at: DateTime<Utc>,
}

/// The SKU in the account's Prokip catalog (its one variation; `None` when absent or duplicated).
pub async fn prokip<C: ConnectionTrait>(db: &C, account_id: i64, sku: &str) -> Result<Option<ProkipSide>, DbErr> {
    let sql = "SELECT min(name) AS name, sum(qty)::text AS qty, min(qty_read_at) AS read_at FROM prokip_catalog
               WHERE account_id = $1 AND sku = $2 GROUP BY sku HAVING count(*) = 1";
    ProkipSide::find_by_statement(stmt(db, sql, vec![account_id.into(), sku.into()])).one(db).await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct StoreSide {
    pub connection_id: i64,
    /// The store's SKU for it, when mapped.
    pub store_sku: Option<String>,
    pub manual: Option<bool>,
    pub quantity: Option<i64>,
    pub quantity_at: Option<DateTime<Utc>>,
}

/// Per connected store of the account: the map row for `sku` (equal SKU, or a store SKU linked
/// to it) and the store's last known quantity.
pub async fn stores<C: ConnectionTrait>(db: &C, account_id: i64, sku: &str) -> Result<Vec<StoreSide>, DbErr> {
    let sql = "SELECT c.id AS connection_id, m.sku AS store_sku, m.manual, i.quantity, i.updated_at AS quantity_at
               FROM connections c
               LEFT JOIN LATERAL (
                   SELECT m.sku, m.manual FROM sku_map m
                   LEFT JOIN sku_links l ON l.connection_id = m.connection_id AND l.store_sku = m.sku
                   WHERE m.connection_id = c.id AND ((m.sku = $2 AND NOT m.manual) OR l.prokip_sku = $2)
                   ORDER BY m.manual LIMIT 1) m ON true
               LEFT JOIN inventory_cache i ON i.connection_id = c.id AND i.sku = m.sku
               WHERE c.account_id = $1 AND c.status <> 'disconnected' ORDER BY c.id";
    StoreSide::find_by_statement(stmt(db, sql, vec![account_id.into(), sku.into()])).all(db).await
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Holder {
    pub connection_id: i64,
    pub sku: String,
    pub order: String,
    pub qty: i64,
}

/// Unpaid orders of the account's stores holding any of `skus` (store spellings included).
pub async fn holders<C: ConnectionTrait>(db: &C, account_id: i64, skus: &[String]) -> Result<Vec<Holder>, DbErr> {
    let sql = "SELECT m.connection_id, m.sku, coalesce(s.order_name, m.order_id) AS order, m.qty
               FROM commitments m JOIN connections c ON c.id = m.connection_id AND c.account_id = $1
               LEFT JOIN sales_log s ON s.connection_id = m.connection_id AND s.order_id = m.order_id
               WHERE m.sku = ANY($2) ORDER BY m.created_at";
    Holder::find_by_statement(stmt(db, sql, vec![account_id.into(), skus.to_vec().into()])).all(db).await
}

fn stmt<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}
