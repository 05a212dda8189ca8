//! Per-SKU history: every change to a SKU's numbers with its cause, written in the transaction of
//! the change it records (Prokip quantity read, store write, drift found by a read-back, stock held
//! or released by an unpaid order, an order sold, a link, a buffer change). Kept for
//! `HISTORY_RETENTION_DAYS`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE sku_history (
    id            BIGSERIAL PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- NULL: a change to every SKU of the store (its safety buffer).
    sku           TEXT,
    -- NULL: Prokip's side.
    connection_id BIGINT REFERENCES connections (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL,
    cause         TEXT NOT NULL,
    before        NUMERIC,
    after         NUMERIC,
    -- Units an order moved (sold −2, held 2, released −2); NULL for levels.
    amount        BIGINT,
    order_id      TEXT,
    detail        TEXT,
    at            TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sku_history_sku_idx ON sku_history (account_id, sku, at DESC);
CREATE INDEX sku_history_at_idx ON sku_history (at);
"#;

const DOWN: &str = "DROP TABLE IF EXISTS sku_history;";

sql_migration!(UP, DOWN);
