//! The `push_stock` job: one stock push for an account (some SKUs or all). A push that cannot run
//! at all (Prokip unreachable) is logged in the activity feed with a Retry and fails the job;
//! failures of single items are reported by the push itself and do not fail the job.

use super::{Job, Retry};
use crate::backend::{
    db::activity::{self, About, NewActivity, RetryHandle},
    metrics,
    state::AppState,
    sync::{SyncError, stock},
};
use apalis::prelude::BoxDynError;
use serde::{Deserialize, Serialize};

/// Push Prokip's available stock to every enabled store of the account: for these SKUs, or all.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushStock {
    pub account_id: i64,
    /// `None` = every mapped SKU (a full sync).
    pub skus: Option<Vec<String>>,
    /// Why (recorded with the push).
    pub reason: PushReason,
}

impl Job for PushStock {
    const QUEUE: &'static str = "push_stock";
    /// A push that cannot run is in the activity log with a Retry; the next trigger or reconcile
    /// pushes the same stock anyway.
    const RETRY: Retry = Retry::ONCE;
    /// One push holding the account's stock lock, one waiting for it. Each waits inside a
    /// transaction holding a pooled connection (a push after an order two: its place in line and
    /// its wait): without a limit a burst of them takes the whole pool and the push holding the
    /// lock can never get a connection to finish.
    const CONCURRENCY: usize = 2;

    async fn run(self, state: &AppState) -> Result<(), BoxDynError> {
        run(self, state).await
    }
}
use crate::model::{ActivityKind, ActivityStatus, PushReason};

/// What the activity log calls a push that could not run.
const SUBJECT: &str = "Stock push";

pub async fn run(job: PushStock, state: &AppState) -> Result<(), BoxDynError> {
    let started = std::time::Instant::now();
    let pushed = stock::push(state, &job).await;
    if job.reason == PushReason::Reconcile {
        metrics::pass(metrics::Pass::Reconcile, started.elapsed());
    }
    match pushed {
        // The push itself closes earlier failures of the SKUs it pushed (a push that left its SKUs
        // to one waiting for the lock pushed nothing yet, and closes nothing).
        Ok(_) => Ok(()),
        Err(SyncError::ProkipNotReady) => Ok(()),
        Err(e) => {
            let detail = e.to_string();
            let entry = NewActivity {
                account_id: job.account_id,
                kind: ActivityKind::Stock,
                about: About::account(),
                subject: SUBJECT,
                status: ActivityStatus::Failed,
                detail: Some(&detail),
                retry: Some(RetryHandle::PushStock { skus: job.skus.clone() }),
            };
            activity::record(&state.db, entry).await?;
            Err(e.into())
        }
    }
}
