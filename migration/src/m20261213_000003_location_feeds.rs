//! A Shopify shop whose Prokip sources feed different locations of the shop: which Shopify
//! location each source feeds (a source not listed feeds the shop's own location), and what each
//! of those other locations showed at our last write or read-back.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "
ALTER TABLE connections
    -- {\"<Prokip location id>\": \"<Shopify location id>\"}.
    ADD COLUMN location_feeds JSONB NOT NULL DEFAULT '{}';

CREATE TABLE location_cache (
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    store_location TEXT NOT NULL,
    sku            TEXT NOT NULL,
    quantity       BIGINT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, store_location, sku)
);
";

const DOWN: &str = "
DROP TABLE IF EXISTS location_cache;
ALTER TABLE connections DROP COLUMN IF EXISTS location_feeds;
";

sql_migration!(UP, DOWN);
