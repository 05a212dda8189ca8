//! Order import bookkeeping: a lease on each sales_log row (one worker handles an order at a
//! time; a crashed worker's lease expires), the event that last touched the order (for retries),
//! each processed refund's restocked lines (so returns are resent as running totals), and when
//! each store's orders were last pulled.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE sales_log
    ADD COLUMN lease_until    TIMESTAMPTZ,
    ADD COLUMN last_event_id  BIGINT REFERENCES webhook_events(id) ON DELETE SET NULL;
CREATE INDEX sales_log_held_idx ON sales_log (state) WHERE state IN ('needs_attention', 'sending');

ALTER TABLE processed_refunds
    ADD COLUMN lines        JSONB NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN returned_at  TIMESTAMPTZ;

ALTER TABLE connections ADD COLUMN orders_pulled_at TIMESTAMPTZ;
"#;

const DOWN: &str = r#"
ALTER TABLE connections DROP COLUMN IF EXISTS orders_pulled_at;
ALTER TABLE processed_refunds DROP COLUMN IF EXISTS lines, DROP COLUMN IF EXISTS returned_at;
DROP INDEX IF EXISTS sales_log_held_idx;
ALTER TABLE sales_log DROP COLUMN IF EXISTS lease_until, DROP COLUMN IF EXISTS last_event_id;
"#;

sql_migration!(UP, DOWN);
