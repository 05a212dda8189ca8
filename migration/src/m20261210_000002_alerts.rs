//! Alerts: where an account wants to be told (a JSON webhook URL, Slack-compatible) and whether it
//! wants the daily digest; and every alert sent, which also bounds them (one per kind an hour).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "
ALTER TABLE account_settings ADD COLUMN alert_webhook_url TEXT;
ALTER TABLE account_settings ADD COLUMN alert_digest BOOLEAN NOT NULL DEFAULT true;
CREATE TABLE alerts_sent (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('order_failed', 'store_unhealthy', 'digest', 'test')),
    sent_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered BOOLEAN NOT NULL DEFAULT false,
    summary TEXT NOT NULL,
    outcome TEXT
);
CREATE INDEX alerts_sent_account_kind ON alerts_sent (account_id, kind, sent_at);
";

const DOWN: &str = "
DROP TABLE IF EXISTS alerts_sent;
ALTER TABLE account_settings DROP COLUMN IF EXISTS alert_digest;
ALTER TABLE account_settings DROP COLUMN IF EXISTS alert_webhook_url;
";

sql_migration!(UP, DOWN);
