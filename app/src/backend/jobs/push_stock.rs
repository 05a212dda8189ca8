//! The `push_stock` job: one stock push for an account (some SKUs or all). A push that cannot run
//! at all (Prokip unreachable) is logged in the activity feed with a Retry and fails the job;
//! failures of single items are reported by the push itself and do not fail the job.

use super::PushStock;
use crate::backend::{
    db::activity::{self, About, NewActivity, RetryHandle, StockScope},
    state::AppState,
    sync::{SyncError, stock},
};
use crate::model::{ActivityKind, ActivityStatus};
use apalis::prelude::{BoxDynError, Data};

/// What the activity log calls a push that could not run.
const SUBJECT: &str = "Stock push";

pub async fn run(job: PushStock, state: Data<AppState>) -> Result<(), BoxDynError> {
    match stock::push(&state, &job).await {
        Ok(_) => {
            // Prokip was read: an earlier push of these SKUs that could not run is done now.
            activity::resolve_covered(&state.db, job.account_id, StockScope::Account, job.skus.as_deref()).await?;
            Ok(())
        }
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
