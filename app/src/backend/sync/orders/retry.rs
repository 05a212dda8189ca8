//! Retry buttons: re-run what an activity entry's retry handle names, or a held or failed
//! order's last event. Both check that the thing belongs to the caller's account.

use crate::backend::{
    db::{
        activity::{self, RetryHandle},
        sales_log, webhook_events,
    },
    error::{Kind, ServerError},
    jobs::{PushStock, process_webhook},
    state::AppState,
};
use crate::model::PushReason;
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("There is no such entry.")]
    NotFound,
    #[error("That entry has nothing to retry.")]
    NothingToRetry,
    #[error(transparent)]
    Internal(#[from] ServerError),
}

impl From<DbErr> for RetryError {
    fn from(e: DbErr) -> Self {
        RetryError::Internal(e.into())
    }
}

impl From<RetryError> for ServerError {
    fn from(e: RetryError) -> Self {
        match e {
            RetryError::Internal(e) => e,
            other => ServerError::from_error(Kind::BadRequest, other),
        }
    }
}

async fn rerun_event(state: &AppState, account_id: i64, event_id: i64) -> Result<(), RetryError> {
    if !webhook_events::owned_by(&state.db, account_id, event_id).await? {
        return Err(RetryError::NotFound);
    }
    process_webhook::requeue(state, event_id).await?;
    Ok(())
}

/// Runs an activity entry's retry handle again.
pub async fn retry_activity(state: &AppState, account_id: i64, id: i64) -> Result<String, RetryError> {
    let entry = activity::get(&state.db, account_id, id).await?.ok_or(RetryError::NotFound)?;
    let handle: RetryHandle =
        entry.retry.and_then(|v| serde_json::from_value(v).ok()).ok_or(RetryError::NothingToRetry)?;
    match handle {
        RetryHandle::ProcessWebhook { event_id } => rerun_event(state, account_id, event_id).await?,
        RetryHandle::PushStock { skus } => {
            let job = PushStock { account_id, skus, reason: PushReason::Manual };
            state.queues.push_stock(job).await.map_err(ServerError::internal)?;
        }
    }
    Ok(format!("Retrying “{}”.", entry.subject))
}

/// Runs a held or failed order's last event again.
pub async fn retry_order(state: &AppState, account_id: i64, id: i64) -> Result<String, RetryError> {
    let order = sales_log::get(&state.db, account_id, id).await?.ok_or(RetryError::NotFound)?;
    let event_id = order.last_event_id.ok_or(RetryError::NothingToRetry)?;
    rerun_event(state, account_id, event_id).await?;
    Ok(format!("Retrying order {}.", order.order_name.unwrap_or(order.order_id)))
}
