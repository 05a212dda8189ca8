//! The per-store sync status an account's stores report (`GET /sync/status`): counts over the SKU
//! map, the sales log, the inventory cache and the open problems of each store in the activity
//! log, counted by the entries' keys (kind, status, order, SKU), never by their text.

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
    /// Open failures of this store: stock entries plus failed orders.
    pub failed: i64,
    /// Orders that did not reach Prokip (refused, or their event gave up), each once.
    pub failed_orders: i64,
    /// Orders held until the merchant acts (e.g. an unmapped SKU), each once.
    pub held_orders: i64,
    /// SKUs whose last stock write to this store failed, each once.
    pub failed_stock_items: i64,
}

// Hand-written: correlated count subqueries and filtered distinct counts per row, which the query
// builder cannot say readably. An order is its store id, or the webhook event that failed for it.
const SQL: &str = r#"
SELECT c.id, c.platform, c.store_url, c.last_sync, c.sync_enabled, c.status,
  (SELECT count(*) FROM sku_map m WHERE m.connection_id = c.id) AS product_count,
  (SELECT count(*) FROM sales_log s WHERE s.connection_id = c.id) AS order_count,
  (SELECT count(*) FROM sku_map m WHERE m.connection_id = c.id
     AND NOT EXISTS (SELECT 1 FROM inventory_cache i WHERE i.connection_id = c.id AND i.sku = m.sku)) AS pending,
  p.failed_stock + p.failed_orders AS failed, p.failed_orders, p.held_orders, p.failed_stock_items
FROM connections c
CROSS JOIN LATERAL (
  SELECT count(*) FILTER (WHERE a.kind = 'stock' AND a.status = 'failed') AS failed_stock,
    count(DISTINCT a.sku) FILTER (WHERE a.kind = 'stock' AND a.status = 'failed') AS failed_stock_items,
    count(DISTINCT coalesce(a.order_id, 'event ' || a.event_id))
      FILTER (WHERE a.kind = 'order' AND a.status = 'failed') AS failed_orders,
    count(DISTINCT coalesce(a.order_id, 'event ' || a.event_id))
      FILTER (WHERE a.kind = 'order' AND a.status = 'needs_attention') AS held_orders
  FROM activity a WHERE a.account_id = c.account_id AND a.connection_id = c.id
    AND a.status IN ('failed', 'needs_attention') AND NOT a.resolved
) p
WHERE c.account_id = $1 AND c.status <> 'disconnected' ORDER BY c.id
"#;

/// The account's connected stores with their counts.
pub async fn for_account<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<StoreStatus>, DbErr> {
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), SQL, [account_id.into()]);
    StoreStatus::find_by_statement(stmt).all(db).await
}
