//! First-sync review: a store connected from the dashboard can start with stock updates off and
//! `in_review` set, until the merchant has seen its preview and pressed "Start syncing". Whether
//! new stores start so is the account's `review_new_stores` setting (on unless turned off).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE connections ADD COLUMN in_review BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE account_settings ADD COLUMN review_new_stores BOOLEAN NOT NULL DEFAULT true;
"#;

const DOWN: &str = r#"
ALTER TABLE account_settings DROP COLUMN review_new_stores;
ALTER TABLE connections DROP COLUMN in_review;
"#;

sql_migration!(UP, DOWN);
