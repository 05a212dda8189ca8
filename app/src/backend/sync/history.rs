//! What the Orders and Activity pages and the sync progress line show: the account's recorded
//! orders, its activity log and its latest full sync, as page data.

use crate::{
    backend::{
        db::{activity, sales_log, sync_runs},
        error::ServerError,
        state::AppState,
    },
    model::{ActivityStatus, ActivityView, OrderView, RunKind, SyncRunView},
};

/// How many rows the Orders and Activity pages list.
const PAGE_ROWS: u64 = 200;

/// The account's latest orders, newest first; held and failed ones with a stored event can be retried.
pub async fn orders(state: &AppState, account_id: i64) -> Result<Vec<OrderView>, ServerError> {
    let rows = sales_log::list(&state.db, account_id, PAGE_ROWS).await?;
    Ok(rows
        .into_iter()
        .map(|r| OrderView {
            id: r.id,
            can_retry: r.state.retryable() && r.last_event_id.is_some(),
            platform: r.platform,
            store_url: r.store_url,
            order: r.order_name.unwrap_or(r.order_id),
            state: r.state,
            invoice_no: r.invoice_no,
            prokip_sell_id: r.prokip_sell_id,
            error: r.error,
            updated_at: r.updated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect())
}

/// The account's activity log, newest first; `open_only` leaves out what is resolved.
pub async fn activity(state: &AppState, account_id: i64, open_only: bool) -> Result<Vec<ActivityView>, ServerError> {
    let rows = activity::list(&state.db, account_id, open_only, PAGE_ROWS, 0).await?;
    Ok(rows.into_iter().map(activity_view).collect())
}

/// An activity entry as the pages show it.
pub fn activity_view(e: activity::Entry) -> ActivityView {
    ActivityView {
        id: e.id,
        can_retry: e.retry.is_some() && !e.resolved && e.status != ActivityStatus::Ok,
        kind: e.kind.to_string(),
        subject: e.subject,
        status: e.status.to_string(),
        detail: e.detail,
        at: e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        resolved: e.resolved,
    }
}

/// A catalog match while it runs, else the running or last full sync of the account, if it ever
/// ran one.
pub async fn sync_run(state: &AppState, account_id: i64) -> Result<Option<SyncRunView>, ServerError> {
    let matching = sync_runs::latest(&state.db, account_id, RunKind::CatalogMatch).await?;
    let run = match matching.filter(|r| r.finished_at.is_none()) {
        Some(running) => Some(running),
        None => sync_runs::latest(&state.db, account_id, RunKind::StockSync).await?,
    };
    Ok(run.map(|r| SyncRunView {
        kind: r.kind(),
        started: r.started_at.format("%H:%M UTC").to_string(),
        running: r.finished_at.is_none(),
        total: r.total,
        done: r.done,
        failed: r.failed,
    }))
}
