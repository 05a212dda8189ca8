//! What the Orders and Activity pages and the sync progress line show: the account's recorded
//! orders, its activity log and its latest full sync, as page data.

use crate::{
    backend::{
        db::{activity, sales_log, sync_runs},
        error::{Kind, ServerError},
        state::AppState,
        stores,
    },
    model::{
        ACTIVITY_PER_PAGE, ActivitiesView, ActivityKind, ActivityStatus, ActivityView, ORDERS_PER_PAGE, OrderState,
        OrderView, OrdersView, Platform, RunKind, SyncRunView,
    },
};

/// One page of the account's orders, most recently changed first, searched by name, id or
/// invoice and filtered by state; held and failed ones with a stored event can be retried.
pub async fn orders(
    state: &AppState,
    account_id: i64,
    q: &str,
    order_state: &str,
    page: u64,
) -> Result<OrdersView, ServerError> {
    let q: String = q.trim().chars().take(100).collect();
    let filter = match order_state {
        "" => None,
        key => Some(OrderState::from_key(key).ok_or_else(|| {
            ServerError::new(Kind::BadRequest, format!("“{key}” is not an order state to filter by."))
        })?),
    };
    let page = page.max(1);
    let rows =
        sales_log::page(&state.db, account_id, &q, filter, ORDERS_PER_PAGE, (page - 1) * ORDERS_PER_PAGE).await?;
    let total = rows.first().map_or(0, |r| u64::try_from(r.matching).unwrap_or(0));
    let rows = rows
        .into_iter()
        .map(|r| {
            let platform: Option<Platform> = r.platform.parse().ok();
            OrderView {
                id: r.id,
                can_retry: r.state.retryable() && r.last_event_id.is_some(),
                store_link: platform
                    .map(|p| stores::facts(p).order_link(&r.store_url, &r.order_id))
                    .unwrap_or_default(),
                total: r.total.as_deref().map(|t| money(t, r.currency.as_deref())),
                platform: r.platform,
                store_url: r.store_url,
                order: r.order_name.unwrap_or(r.order_id),
                state: r.state,
                invoice_no: r.invoice_no,
                prokip_sell_id: r.prokip_sell_id,
                error: r.error,
                updated_at: r.updated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            }
        })
        .collect();
    Ok(OrdersView {
        rows,
        total,
        page,
        pages: total.div_ceil(ORDERS_PER_PAGE).max(1),
        q,
        state: order_state.to_owned(),
    })
}

/// "101.00 KES": an amount as stored (decimal text) with two decimals and its currency.
fn money(amount: &str, currency: Option<&str>) -> String {
    let shown =
        amount.parse::<rust_decimal::Decimal>().map_or_else(|_| amount.to_owned(), |d| format!("{:.2}", d.round_dp(2)));
    format!("{shown} {}", currency.unwrap_or_default()).trim_end().to_owned()
}

/// The account's activity log, newest first; `open_only` leaves out what is resolved.
/// One page of the account's activity, newest first, searched in subject and detail, filtered by
/// kind and to open problems.
pub async fn activity(
    state: &AppState,
    account_id: i64,
    open_only: bool,
    q: &str,
    kind: &str,
    page: u64,
) -> Result<ActivitiesView, ServerError> {
    let q: String = q.trim().chars().take(100).collect();
    let filter_kind = match kind {
        "" => None,
        key => Some(ActivityKind::ALL.into_iter().find(|k| k.as_str() == key).ok_or_else(|| {
            ServerError::new(Kind::BadRequest, format!("“{key}” is not a kind of activity to filter by."))
        })?),
    };
    let page = page.max(1);
    let filter = activity::Filter { q: &q, kind: filter_kind, only_open: open_only };
    let offset = (page - 1) * ACTIVITY_PER_PAGE;
    let (rows, total) = activity::page(&state.db, account_id, &filter, ACTIVITY_PER_PAGE, offset).await?;
    Ok(ActivitiesView {
        rows: rows.into_iter().map(activity_view).collect(),
        total,
        page,
        pages: total.div_ceil(ACTIVITY_PER_PAGE).max(1),
        q,
        kind: kind.to_owned(),
        open_only,
    })
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
