//! The `resume_orders` job: imports the order events a store received while its order import was
//! paused, oldest first, each through the webhook job's own run (so the exactly-once import stays
//! the one path). One process at a time works on a store; the sweeper enqueues this job again for
//! a store that still has events set aside after a resume.

use super::{Job, Retry, process_webhook};
use crate::backend::{
    db::{locks, webhook_events},
    state::AppState,
};
use apalis::prelude::BoxDynError;
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResumeOrders {
    pub connection_id: i64,
}

impl Job for ResumeOrders {
    const QUEUE: &'static str = "resume_orders";
    /// A database hiccup: a few more runs (1 s doubling up to 10 s), then the sweeper's next pass.
    const RETRY: Retry = Retry { attempts: 3, first: Duration::from_secs(1), cap: Duration::from_secs(10) };

    async fn run(self, state: &AppState) -> Result<(), BoxDynError> {
        let lock = state.db.begin().await?;
        if !locks::try_order_resume(&lock, self.connection_id).await? {
            return Ok(());
        }
        let mut imported = 0;
        while let Some(event_id) = webhook_events::take_paused(&state.db, self.connection_id).await? {
            if let Err(e) = process_webhook::run(state, event_id).await {
                // A transient failure: the event gets the webhook job's retries from here.
                tracing::warn!(event_id, error = %e, "paused order event failed; retried by its own job");
                if let Err(e) = state.queues.process_webhook(event_id).await {
                    tracing::warn!(event_id, error = %e, "not enqueued; the sweeper will");
                }
            }
            imported += 1;
        }
        lock.commit().await?;
        tracing::info!(connection_id = self.connection_id, imported, "paused order events imported");
        Ok(())
    }
}
