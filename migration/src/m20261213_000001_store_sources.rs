//! Where each store's stock comes from (one or more Prokip locations, summed) and where its
//! orders are sold; and the Prokip quantities last read at the other locations (the account's
//! are in `prokip_catalog`), which explain the sums.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "
ALTER TABLE connections
    -- Empty: the account's Prokip location.
    ADD COLUMN source_locations BIGINT[] NOT NULL DEFAULT '{}',
    -- NULL: the first source.
    ADD COLUMN sell_location BIGINT;

CREATE TABLE prokip_stock (
    account_id    BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    location_id   BIGINT NOT NULL,
    variation_id  BIGINT NOT NULL,
    qty           NUMERIC(20, 4) NOT NULL,
    read_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, location_id, variation_id)
);
";

const DOWN: &str = "
DROP TABLE IF EXISTS prokip_stock;
ALTER TABLE connections
    DROP COLUMN IF EXISTS source_locations,
    DROP COLUMN IF EXISTS sell_location;
";

sql_migration!(UP, DOWN);
