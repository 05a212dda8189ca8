//! Deletes expired sessions and stale login failures, applies the retention of personal data
//! (webhook payloads redacted some days after processing, old activity deleted, in batches) and
//! sends the alerts that are due. A cron
//! tick enqueues it every minute; the work is idempotent, so ticks from several processes at once
//! are harmless.

use super::{Job, Retry};
use crate::backend::{
    config::Retention,
    db::{activity, login_failures, sku_history, webhook_events},
    session_store::PgSessionStore,
    state::AppState,
};
use apalis::prelude::BoxDynError;
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use tower_sessions::session_store::ExpiredDeletion;

/// Rows one statement redacts or deletes: short statements, short locks.
const BATCH: u64 = 1_000;
/// Batches of each kind one run does at most; the next minute's run goes on.
const MAX_BATCHES: u32 = 50;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Housekeeping {
    pub tick: chrono::DateTime<chrono::Utc>,
}

impl Job for Housekeeping {
    const QUEUE: &'static str = "housekeeping";
    /// The next minute's run does the same work.
    const RETRY: Retry = Retry::ONCE;

    async fn run(self, state: &AppState) -> Result<(), BoxDynError> {
        run(&state.db, state.config.retention).await?;
        crate::backend::alerts::run(state, chrono::Utc::now()).await?;
        Ok(())
    }
}

pub async fn run(db: &DatabaseConnection, retention: Retention) -> Result<(), BoxDynError> {
    PgSessionStore::new(db.clone()).delete_expired().await?;
    login_failures::delete_stale(db).await?;
    let redacted = batched(|| webhook_events::redact_processed_before(db, retention.payload_days, BATCH)).await?;
    let trimmed = batched(|| activity::delete_older_than(db, retention.activity_days, BATCH)).await?;
    let history = batched(|| sku_history::delete_older_than(db, retention.history_days, BATCH)).await?;
    if redacted + trimmed + history > 0 {
        tracing::info!(
            redacted,
            trimmed,
            history,
            "retention applied: payloads redacted, activity and SKU history deleted"
        );
    }
    Ok(())
}

/// Runs `step` until a batch comes back short (or [`MAX_BATCHES`]); the rows it touched.
async fn batched<F, Fut>(step: F) -> Result<u64, sea_orm::DbErr>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<u64, sea_orm::DbErr>>,
{
    let mut total = 0;
    for _ in 0..MAX_BATCHES {
        let n = step().await?;
        total += n;
        if n < BATCH {
            break;
        }
    }
    Ok(total)
}
