//! Retry buttons: re-run what an activity entry's retry handle names, a held or failed order's
//! last event, or every open problem at once. Each checks that the thing belongs to the caller's
//! account.

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
use std::collections::BTreeSet;

/// Most open problems one "Retry all" re-runs (newest first); a second press takes the rest.
pub const RETRY_ALL_LIMIT: u64 = 200;

#[derive(Debug, thiserror::Error)]
pub enum RetryError {
    #[error("There is no such entry.")]
    NotFound,
    #[error("That entry has nothing to retry.")]
    NothingToRetry,
    #[error("There is no open problem with a Retry.")]
    NoOpenProblems,
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

/// Re-runs every open problem that has a Retry, newest first, at most [`RETRY_ALL_LIMIT`]: each
/// order event once, and all the stock items in one push (a whole-catalog push when any of them
/// was one).
pub async fn retry_all(state: &AppState, account_id: i64) -> Result<String, RetryError> {
    let open = activity::list(&state.db, account_id, true, RETRY_ALL_LIMIT, 0).await?;
    let handles: Vec<RetryHandle> =
        open.iter().filter_map(|e| e.retry.clone().and_then(|v| serde_json::from_value(v).ok())).collect();
    if handles.is_empty() {
        return Err(RetryError::NoOpenProblems);
    }
    let (mut events, mut skus, mut whole_catalog, mut stock) = (BTreeSet::new(), BTreeSet::new(), false, 0);
    for handle in &handles {
        match handle {
            RetryHandle::ProcessWebhook { event_id } => {
                events.insert(*event_id);
            }
            RetryHandle::PushStock { skus: None } => (whole_catalog, stock) = (true, stock + 1),
            RetryHandle::PushStock { skus: Some(list) } => {
                skus.extend(list.iter().cloned());
                stock += 1;
            }
        }
    }
    let mut orders = 0;
    for event_id in events {
        match rerun_event(state, account_id, event_id).await {
            Ok(()) => orders += 1,
            // Trimmed by retention since: nothing left to run.
            Err(RetryError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    if stock > 0 {
        let skus = (!whole_catalog).then(|| skus.into_iter().collect());
        let job = PushStock { account_id, skus, reason: PushReason::Manual };
        state.queues.push_stock(job).await.map_err(ServerError::internal)?;
    }
    let more =
        if open.len() as u64 == RETRY_ALL_LIMIT { " Press again for older ones once these are done." } else { "" };
    Ok(format!("Retrying {} problems: {orders} orders and {stock} stock failures (in one push).{more}", orders + stock))
}
