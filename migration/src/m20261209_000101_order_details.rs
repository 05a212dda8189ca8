//! Orders in detail and the account's time zone: each order keeps what its store said about it
//! (lines, totals, customer, payment state) as the import last read it, and each account the IANA
//! zone its dashboard shows times in.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "
ALTER TABLE sales_log ADD COLUMN details JSONB;
CREATE INDEX sales_log_created_at ON sales_log (connection_id, created_at);
ALTER TABLE accounts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
";

const DOWN: &str = "
ALTER TABLE accounts DROP COLUMN IF EXISTS time_zone;
DROP INDEX IF EXISTS sales_log_created_at;
ALTER TABLE sales_log DROP COLUMN IF EXISTS details;
";

sql_migration!(UP, DOWN);
