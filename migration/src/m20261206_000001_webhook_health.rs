//! Webhook health per store: the topics its subscriptions cover after the last check, and why they
//! could not be repaired (none when they are fine). Kept apart from the connection's status, so a
//! store with broken webhooks still receives stock.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE connections
    ADD COLUMN webhook_topics JSONB,
    ADD COLUMN webhook_problem TEXT;
"#;

const DOWN: &str =
    "ALTER TABLE connections DROP COLUMN IF EXISTS webhook_topics, DROP COLUMN IF EXISTS webhook_problem;";

sql_migration!(UP, DOWN);
