//! Deletes expired sessions and stale login failures. A cron tick enqueues it every minute; the
//! work is idempotent, so ticks from several processes at once are harmless.

use super::{Job, Retry};
use crate::backend::{db::login_failures, session_store::PgSessionStore, state::AppState};
use apalis::prelude::BoxDynError;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use tower_sessions::session_store::ExpiredDeletion;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Housekeeping {
    pub tick: chrono::DateTime<chrono::Utc>,
}

impl Job for Housekeeping {
    const QUEUE: &'static str = "housekeeping";
    /// The next minute's run does the same work.
    const RETRY: Retry = Retry::ONCE;

    async fn run(self, state: &AppState) -> Result<(), BoxDynError> {
        run(&state.db).await
    }
}

pub async fn run(db: &DatabaseConnection) -> Result<(), BoxDynError> {
    PgSessionStore::new(db.clone()).delete_expired().await?;
    login_failures::delete_stale(db).await?;
    Ok(())
}
