//! What the dashboard shows of the Prokip business (its locations and payment methods), kept here
//! so pages render from the database: read at connect, on "Refresh from Prokip", and hourly by the
//! poll job, with when it was read and why the last read failed, if it did.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "
ALTER TABLE prokip_configs ADD COLUMN directory JSONB;
ALTER TABLE prokip_configs ADD COLUMN directory_read_at TIMESTAMPTZ;
ALTER TABLE prokip_configs ADD COLUMN directory_problem TEXT;
";

const DOWN: &str = "
ALTER TABLE prokip_configs DROP COLUMN IF EXISTS directory_problem;
ALTER TABLE prokip_configs DROP COLUMN IF EXISTS directory_read_at;
ALTER TABLE prokip_configs DROP COLUMN IF EXISTS directory;
";

sql_migration!(UP, DOWN);
