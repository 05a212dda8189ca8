//! Order import gets its own switch per store, apart from stock updates (`sync_enabled`): while it
//! is off, order events wait in `webhook_events` (`paused_at`) and their new orders are shown in the
//! sales log as `paused`, until the merchant resumes and they are imported in arrival order.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE connections ADD COLUMN order_import_enabled BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE webhook_events ADD COLUMN paused_at TIMESTAMPTZ;
CREATE INDEX webhook_events_paused_idx ON webhook_events (connection_id, id)
    WHERE paused_at IS NOT NULL AND processed_at IS NULL;
ALTER TABLE sales_log DROP CONSTRAINT sales_log_state_check;
ALTER TABLE sales_log ADD CONSTRAINT sales_log_state_check CHECK (state IN
    ('pending', 'paused', 'committed', 'sending', 'sent', 'needs_attention', 'failed', 'cancelled', 'deleted'));
"#;

const DOWN: &str = r#"
UPDATE sales_log SET state = 'pending' WHERE state = 'paused';
ALTER TABLE sales_log DROP CONSTRAINT sales_log_state_check;
ALTER TABLE sales_log ADD CONSTRAINT sales_log_state_check CHECK (state IN
    ('pending', 'committed', 'sending', 'sent', 'needs_attention', 'failed', 'cancelled', 'deleted'));
DROP INDEX IF EXISTS webhook_events_paused_idx;
ALTER TABLE webhook_events DROP COLUMN paused_at;
ALTER TABLE connections DROP COLUMN order_import_enabled;
"#;

sql_migration!(UP, DOWN);
