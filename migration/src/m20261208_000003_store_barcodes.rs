//! Store barcodes in the catalog index: a store-only SKU whose barcode (Shopify's barcode,
//! WooCommerce's GTIN/UPC/EAN/ISBN) is a Prokip SKU is suggested as a link.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "ALTER TABLE store_catalog ADD COLUMN barcode TEXT;";

const DOWN: &str = "ALTER TABLE store_catalog DROP COLUMN IF EXISTS barcode;";

sql_migration!(UP, DOWN);
