//! How much of its available stock each store is offered, beyond the safety buffer: a share
//! (percent, rounded down), a maximum, and "show 0 when fewer than N are available".

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "
ALTER TABLE connections
    ADD COLUMN publish_percent SMALLINT NOT NULL DEFAULT 100 CHECK (publish_percent BETWEEN 0 AND 100),
    ADD COLUMN publish_max INTEGER CHECK (publish_max >= 0),
    ADD COLUMN zero_below INTEGER NOT NULL DEFAULT 0 CHECK (zero_below >= 0);
";

const DOWN: &str = "
ALTER TABLE connections
    DROP COLUMN IF EXISTS publish_percent,
    DROP COLUMN IF EXISTS publish_max,
    DROP COLUMN IF EXISTS zero_below;
";

sql_migration!(UP, DOWN);
