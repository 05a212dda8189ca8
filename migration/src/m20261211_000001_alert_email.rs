//! Alerts by e-mail: the address an account's alerts are also sent to (when the server has SMTP).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "ALTER TABLE account_settings ADD COLUMN alert_email TEXT;";

const DOWN: &str = "ALTER TABLE account_settings DROP COLUMN IF EXISTS alert_email;";

sql_migration!(UP, DOWN);
