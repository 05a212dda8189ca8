//! Stock sync: the last catalog index of each side (so the Products page can show unmatched and
//! duplicate SKUs without calling the platforms), and the claimed cron ticks that keep several
//! server processes from running the same scheduled tick twice.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE prokip_catalog (
    account_id     BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    variation_id   BIGINT NOT NULL,
    product_id     BIGINT NOT NULL,
    sku            TEXT NOT NULL,
    name           TEXT NOT NULL,
    qty            NUMERIC(20, 4) NOT NULL,
    indexed_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, variation_id)
);
CREATE INDEX prokip_catalog_sku_idx ON prokip_catalog (account_id, sku);

CREATE TABLE store_catalog (
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    variant_key    TEXT NOT NULL,
    sku            TEXT NOT NULL,
    name           TEXT NOT NULL,
    indexed_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, variant_key)
);
CREATE INDEX store_catalog_sku_idx ON store_catalog (connection_id, sku);

CREATE TABLE sync_ticks (
    name        TEXT NOT NULL,
    slot        BIGINT NOT NULL,
    claimed_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (name, slot)
);
"#;

const DOWN: &str = "DROP TABLE IF EXISTS sync_ticks, store_catalog, prokip_catalog;";

sql_migration!(UP, DOWN);
