//! Order settings: per account, the Prokip payment method online sales are booked with and
//! whether online customers appear as the walk-in customer or are matched (or created) by email;
//! per store connection, which order state makes the sale (WooCommerce: paid, or completed only).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE account_settings (
    account_id      BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    payment_method  TEXT NOT NULL DEFAULT 'custom_pay_1',
    customer_mode   TEXT NOT NULL DEFAULT 'walk_in' CHECK (customer_mode IN ('walk_in', 'email')),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
ALTER TABLE connections
    ADD COLUMN order_trigger TEXT NOT NULL DEFAULT 'paid' CHECK (order_trigger IN ('paid', 'completed'));
"#;

const DOWN: &str =
    "ALTER TABLE connections DROP COLUMN IF EXISTS order_trigger; DROP TABLE IF EXISTS account_settings;";

sql_migration!(UP, DOWN);
