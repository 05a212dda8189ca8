//! SKUs whose Prokip stock moved through an order and still wait for their push: the push after an
//! order takes every SKU of its account waiting here, so a burst of orders costs one push per
//! batch of arrivals instead of one per order.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE pending_pushes (
    account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    sku         TEXT NOT NULL,
    queued_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, sku)
);
"#;

const DOWN: &str = "DROP TABLE IF EXISTS pending_pushes;";

sql_migration!(UP, DOWN);
