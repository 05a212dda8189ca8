//! Progress of full stock syncs: one row per full push of an account (total store items to check,
//! how many are done and how many failed), updated as batches complete, so the dashboard can show
//! a running sync ("Syncing: 120 / 530") and the last one.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE sync_runs (
    id           BIGSERIAL PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    reason       TEXT NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    total        INTEGER NOT NULL,
    done         INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sync_runs_account_idx ON sync_runs (account_id, id DESC);
"#;

const DOWN: &str = "DROP TABLE IF EXISTS sync_runs;";

sql_migration!(UP, DOWN);
