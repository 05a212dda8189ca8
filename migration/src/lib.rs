//! Database schema. Every table of the product is created here; later changes add new
//! migrations and never edit old ones.

pub use sea_orm_migration::prelude::*;

/// A migration written in SQL: `$up` applies it, `$down` undoes it.
macro_rules! sql_migration {
    ($up:expr, $down:expr) => {
        #[async_trait::async_trait]
        impl MigrationTrait for Migration {
            async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                manager.get_connection().execute_unprepared($up).await.map(|_| ())
            }

            async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                manager.get_connection().execute_unprepared($down).await.map(|_| ())
            }
        }
    };
}

mod m20261126_000001_initial;
mod m20261201_000001_order_import;
mod m20261201_000001_stock_sync;
mod m20261202_000001_account_settings;
mod m20261203_000001_sync_runs;
mod m20261204_000001_pending_pushes;
mod m20261205_000001_activity_keys;
mod m20261205_000001_connection_enums;
mod m20261206_000001_webhook_health;
mod m20261206_000002_sku_links;
mod m20261207_000001_order_import_pause;
mod m20261207_000002_retention;
mod m20261208_000001_store_review;
mod m20261208_000002_sku_history;
mod m20261208_000003_store_barcodes;
mod m20261209_000101_order_details;
mod m20261210_000001_api_tokens;
mod m20261210_000002_alerts;
mod m20261211_000001_alert_email;
mod m20261211_000002_prokip_directory;
mod m20261212_000001_allocation_rules;
mod m20261213_000001_store_sources;
mod m20261213_000002_store_locations;
mod m20261213_000003_location_feeds;
mod m20261214_000001_sku_summary;
mod m20261215_000001_activity_lookups;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_initial::Migration),
            Box::new(m20261201_000001_order_import::Migration),
            Box::new(m20261201_000001_stock_sync::Migration),
            Box::new(m20261202_000001_account_settings::Migration),
            Box::new(m20261203_000001_sync_runs::Migration),
            Box::new(m20261204_000001_pending_pushes::Migration),
            Box::new(m20261205_000001_connection_enums::Migration),
            Box::new(m20261205_000001_activity_keys::Migration),
            Box::new(m20261206_000001_webhook_health::Migration),
            Box::new(m20261206_000002_sku_links::Migration),
            Box::new(m20261207_000001_order_import_pause::Migration),
            Box::new(m20261207_000002_retention::Migration),
            Box::new(m20261208_000001_store_review::Migration),
            Box::new(m20261208_000002_sku_history::Migration),
            Box::new(m20261208_000003_store_barcodes::Migration),
            Box::new(m20261209_000101_order_details::Migration),
            Box::new(m20261210_000001_api_tokens::Migration),
            Box::new(m20261210_000002_alerts::Migration),
            Box::new(m20261211_000001_alert_email::Migration),
            Box::new(m20261211_000002_prokip_directory::Migration),
            Box::new(m20261212_000001_allocation_rules::Migration),
            Box::new(m20261213_000001_store_sources::Migration),
            Box::new(m20261213_000002_store_locations::Migration),
            Box::new(m20261213_000003_location_feeds::Migration),
            Box::new(m20261214_000001_sku_summary::Migration),
            Box::new(m20261215_000001_activity_lookups::Migration),
        ]
    }
}
