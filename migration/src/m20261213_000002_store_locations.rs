//! A Shopify shop's active locations as last read (at connect, at every index and when one is
//! chosen), so the Connections page offers them without calling the shop.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "
ALTER TABLE connections
    -- [[id, name], …]; NULL: never read (WooCommerce stores have none).
    ADD COLUMN store_locations JSONB;
";

const DOWN: &str = "
ALTER TABLE connections DROP COLUMN IF EXISTS store_locations;
";

sql_migration!(UP, DOWN);
