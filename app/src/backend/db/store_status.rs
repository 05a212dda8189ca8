//! The per-store sync status an account's stores report (`GET /sync/status`): counts over the SKU
//! map, the sales log, the inventory cache and the open stock failures of each store.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};
use serde::Serialize;

#[derive(Debug, Serialize, FromQueryResult)]
#[serde(rename_all = "camelCase")]
pub struct StoreStatus {
    pub id: i64,
    pub platform: String,
    pub store_url: String,
    pub last_sync: Option<chrono::DateTime<chrono::Utc>>,
    pub sync_enabled: bool,
    pub status: String,
    /// Mapped SKUs.
    pub product_count: i64,
    /// Orders recorded from this store.
    pub order_count: i64,
    /// Mapped SKUs whose quantity in the store is not known yet (never pushed or read back).
    pub pending: i64,
    /// Open stock failures of this store in the activity log.
    pub failed: i64,
}

// Hand-written: four correlated count subqueries per row, which the query builder cannot say readably.
const SQL: &str = r#"
SELECT c.id, c.platform, c.store_url, c.last_sync, c.sync_enabled, c.status,
  (SELECT count(*) FROM sku_map m WHERE m.connection_id = c.id) AS product_count,
  (SELECT count(*) FROM sales_log s WHERE s.connection_id = c.id) AS order_count,
  (SELECT count(*) FROM sku_map m WHERE m.connection_id = c.id
     AND NOT EXISTS (SELECT 1 FROM inventory_cache i WHERE i.connection_id = c.id AND i.sku = m.sku)) AS pending,
  (SELECT count(*) FROM activity a WHERE a.account_id = c.account_id AND a.connection_id = c.id
     AND a.kind = 'stock' AND a.status = 'failed' AND NOT a.resolved) AS failed
FROM connections c WHERE c.account_id = $1 AND c.status <> 'disconnected' ORDER BY c.id
"#;

/// The account's connected stores with their counts.
pub async fn for_account<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<StoreStatus>, DbErr> {
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), SQL, [account_id.into()]);
    StoreStatus::find_by_statement(stmt).all(db).await
}
