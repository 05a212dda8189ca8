//! Indexes for the retention the housekeeping job applies: processed webhook events whose payload
//! is not redacted yet, and activity by age.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE INDEX webhook_events_unredacted_idx ON webhook_events (processed_at)
    WHERE processed_at IS NOT NULL AND payload <> '{"redacted": true}'::jsonb;
CREATE INDEX activity_at_idx ON activity (at);
"#;

const DOWN: &str = r#"
DROP INDEX IF EXISTS webhook_events_unredacted_idx;
DROP INDEX IF EXISTS activity_at_idx;
"#;

sql_migration!(UP, DOWN);
