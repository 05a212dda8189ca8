//! Activity entries carry what they are about as keys (store connection, SKU, order, webhook
//! event) beside their display text, so counts and resolutions never match on the text. Existing
//! entries get their keys from the subjects the product wrote until now.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE activity
    ADD COLUMN connection_id BIGINT REFERENCES connections(id) ON DELETE SET NULL,
    ADD COLUMN sku           TEXT,
    ADD COLUMN order_id      TEXT,
    ADD COLUMN event_id      BIGINT;
CREATE INDEX activity_connection_open_idx ON activity (connection_id)
    WHERE status IN ('failed', 'needs_attention') AND NOT resolved;

-- "SKU X → store" (stock) and "Create SKU X → store" (catalog): one SKU in one store.
UPDATE activity a SET sku = p.m[2], connection_id = c.id
FROM (SELECT id, regexp_match(subject, '^(Create )?SKU (.+?) → (.+)$') AS m FROM activity) p, connections c
WHERE p.id = a.id AND p.m IS NOT NULL AND c.account_id = a.account_id AND c.store_url = p.m[3]
  AND ((p.m[1] IS NULL AND a.kind = 'stock') OR (p.m[1] IS NOT NULL AND a.kind = 'catalog'));

-- "Stock → store" (a push that wrote nothing) and "Created N SKUs in store".
UPDATE activity a SET connection_id = c.id
FROM connections c
WHERE c.account_id = a.account_id AND a.connection_id IS NULL
  AND ((a.kind = 'stock' AND a.subject = 'Stock → ' || c.store_url)
    OR (a.kind = 'catalog' AND a.subject ~ '^Created \d+ SKUs in ' AND a.subject LIKE '% in ' || c.store_url));

-- "topic event N": a webhook event that failed for good.
UPDATE activity a SET event_id = e.id, connection_id = e.connection_id
FROM webhook_events e JOIN connections c ON c.id = e.connection_id
WHERE c.account_id = a.account_id AND a.subject ~ '^\S+ event \d+$'
  AND e.id = (regexp_match(a.subject, ' event (\d+)$'))[1]::bigint;

-- "Shopify order #1001": the order the store names so.
UPDATE activity a SET order_id = s.order_id, connection_id = s.connection_id
FROM sales_log s JOIN connections c ON c.id = s.connection_id
WHERE a.kind = 'order' AND c.account_id = a.account_id
  AND a.subject = CASE c.platform WHEN 'shopify' THEN 'Shopify' ELSE 'WooCommerce' END
                  || ' order ' || coalesce(s.order_name, s.order_id);
"#;

const DOWN: &str = r#"
DROP INDEX IF EXISTS activity_connection_open_idx;
ALTER TABLE activity DROP COLUMN connection_id, DROP COLUMN sku, DROP COLUMN order_id, DROP COLUMN event_id;
"#;

sql_migration!(UP, DOWN);
