//! Live Prokip quantities and manual SKU links. `prokip_catalog.qty_read_at` says when the
//! quantity was last read from Prokip (by an index, a push or a reconcile), so the Products page
//! shows the latest read and its age. `sku_links` holds the links a merchant made between a store
//! SKU and a Prokip SKU that differ (e.g. `as0040` ↔ `AS0040`): every index applies them, so they
//! survive re-indexing; `sku_map.manual` marks the map rows that came from one.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE prokip_catalog ADD COLUMN qty_read_at TIMESTAMPTZ;
UPDATE prokip_catalog SET qty_read_at = indexed_at;
ALTER TABLE prokip_catalog ALTER COLUMN qty_read_at SET NOT NULL, ALTER COLUMN qty_read_at SET DEFAULT now();
ALTER TABLE sku_map ADD COLUMN manual BOOLEAN NOT NULL DEFAULT false;
CREATE TABLE sku_links (
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    store_sku     TEXT NOT NULL,
    prokip_sku    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, store_sku)
);
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS sku_links;
ALTER TABLE sku_map DROP COLUMN manual;
ALTER TABLE prokip_catalog DROP COLUMN qty_read_at;
"#;

sql_migration!(UP, DOWN);
