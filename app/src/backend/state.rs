//! The state shared by every request, server function and job.

use super::{
    config::{Config, ConfigError},
    crypto::Keyring,
    jobs::Queues,
    webhooks::intake::Intake,
};
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    /// Seals and opens secrets at rest.
    pub keyring: Arc<Keyring>,
    /// Where handlers enqueue background work.
    pub queues: Queues,
    /// Stores verified webhook deliveries, many per statement under load.
    pub intake: Intake,
}

impl AppState {
    pub fn new(config: Config, db: DatabaseConnection, leptos_options: LeptosOptions) -> Result<Self, ConfigError> {
        let keyring = Arc::new(config.encryption.keyring()?);
        super::metrics::install();
        let queues = Queues::new(&db);
        let intake = Intake::new(db.clone());
        Ok(AppState { leptos_options, db, config: Arc::new(config), keyring, queues, intake })
    }
}
