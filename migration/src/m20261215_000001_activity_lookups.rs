//! Indexes for the activity an order page and a SKU page show: an order's entries and a SKU's
//! latest entries, read without walking the account's whole history.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE INDEX activity_order_idx ON activity (account_id, connection_id, order_id) WHERE order_id IS NOT NULL;
CREATE INDEX activity_sku_idx ON activity (account_id, sku, at DESC) WHERE sku IS NOT NULL;
"#;

const DOWN: &str = r#"
DROP INDEX IF EXISTS activity_order_idx;
DROP INDEX IF EXISTS activity_sku_idx;
"#;

sql_migration!(UP, DOWN);
