//! The `push_stock` job: one stock push for an account (some SKUs or all). A push that cannot run
//! at all (Prokip unreachable) is logged in the activity feed with a Retry and fails the job;
//! failures of single items are reported by the push itself and do not fail the job.

use super::PushStock;
use crate::backend::{
    db::activity::{self, NewActivity, RetryHandle},
    state::AppState,
    sync::{SyncError, stock},
};
use apalis::prelude::{BoxDynError, Data};

pub async fn run(job: PushStock, state: Data<AppState>) -> Result<(), BoxDynError> {
    match stock::push(&state, &job).await {
        Ok(_) | Err(SyncError::ProkipNotReady) => Ok(()),
        Err(e) => {
            let detail = e.to_string();
            let entry = NewActivity {
                account_id: job.account_id,
                kind: "stock",
                subject: "Stock push",
                status: activity::FAILED,
                detail: Some(&detail),
                retry: Some(RetryHandle::PushStock { skus: job.skus.clone() }),
            };
            activity::record(&state.db, entry).await?;
            Err(e.into())
        }
    }
}
