//! What the Orders and Activity pages and the sync progress line show: the account's recorded
//! orders, its activity log and its latest full sync, as page data.

use crate::{
    backend::{
        db::{activity, connections, sales_log, sync_runs},
        error::{Kind, ServerError},
        state::AppState,
        stores,
        time::{Shown, Zone},
    },
    model::{
        ACTIVITY_PER_PAGE, ActivitiesView, ActivityKind, ActivityStatus, ActivityView, ORDERS_PER_PAGE, OrderState,
        OrderView, OrdersView, Platform, RunKind, StoreChoice, SyncRunView,
    },
};
use chrono::NaiveDate;

/// The Orders page's query as the URL carries it; each part '' for any.
#[derive(Debug, Clone, Default)]
pub struct OrdersQuery<'a> {
    pub q: &'a str,
    pub state: &'a str,
    /// A connection id.
    pub store: &'a str,
    /// Received from / to, inclusive, as `YYYY-MM-DD` in the account's time zone.
    pub from: &'a str,
    pub to: &'a str,
    pub page: u64,
}

fn bad(message: String) -> ServerError {
    ServerError::new(Kind::BadRequest, message)
}

fn day(text: &str, what: &str) -> Result<Option<NaiveDate>, ServerError> {
    match text.trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad(format!("“{t}” is not a date to filter {what} (use YYYY-MM-DD)."))),
    }
}

/// One page of the account's orders, most recently changed first, searched by name, id,
/// invoice, customer email or a line's SKU and filtered by state, store and the days they were
/// received (in the account's zone); held and failed ones with a stored event can be retried.
pub async fn orders(state: &AppState, account_id: i64, query: &OrdersQuery<'_>) -> Result<OrdersView, ServerError> {
    let q: String = query.q.trim().chars().take(100).collect();
    let order_state = match query.state {
        "" => None,
        key => {
            Some(OrderState::from_key(key).ok_or_else(|| bad(format!("“{key}” is not an order state to filter by.")))?)
        }
    };
    let connection_id = match query.store.trim() {
        "" => None,
        id => Some(id.parse::<i64>().map_err(|_| bad(format!("“{id}” is not a store to filter by.")))?),
    };
    let zone = Zone::of_account(&state.db, account_id).await?;
    let (from, to) = (day(query.from, "from")?, day(query.to, "to")?);
    let filter = sales_log::Filter {
        q: &q,
        state: order_state,
        connection_id,
        received_from: from.map(|d| zone.start_of(d)),
        received_before: to.and_then(|d| d.succ_opt()).map(|d| zone.start_of(d)),
    };
    let page = query.page.max(1);
    let rows = sales_log::page(&state.db, account_id, &filter, ORDERS_PER_PAGE, (page - 1) * ORDERS_PER_PAGE).await?;
    let total = rows.first().map_or(0, |r| u64::try_from(r.matching).unwrap_or(0));
    let stores = connections::list(&state.db, account_id)
        .await?
        .into_iter()
        .map(|c| StoreChoice { id: c.id, label: store_label(c.platform, &c.store_url) })
        .collect();
    Ok(OrdersView {
        rows: rows.into_iter().map(|r| order_view(r, &zone)).collect(),
        total,
        page,
        pages: total.div_ceil(ORDERS_PER_PAGE).max(1),
        q,
        state: query.state.to_owned(),
        store: connection_id.map(|c| c.to_string()).unwrap_or_default(),
        from: from.map(|d| d.to_string()).unwrap_or_default(),
        to: to.map(|d| d.to_string()).unwrap_or_default(),
        stores,
        time_zone: zone.name().to_owned(),
    })
}

/// "Shopify · demo-store.myshopify.com"
pub fn store_label(platform: Platform, store_url: &str) -> String {
    format!("{} · {store_url}", platform.label())
}

fn order_view(r: sales_log::Listed, zone: &Zone) -> OrderView {
    let platform: Option<Platform> = r.platform.parse().ok();
    OrderView {
        id: r.id,
        connection_id: r.connection_id,
        can_retry: r.state.retryable() && r.last_event_id.is_some(),
        store_link: platform.map(|p| stores::facts(p).order_link(&r.store_url, &r.order_id)).unwrap_or_default(),
        total: r.total.as_deref().map(|t| money(t, r.currency.as_deref())),
        customer: r.details().and_then(|d| d.customer_name.or(d.email)),
        platform: r.platform,
        store_url: r.store_url,
        order: r.order_name.unwrap_or(r.order_id),
        state: r.state,
        invoice_no: r.invoice_no,
        prokip_sell_id: r.prokip_sell_id,
        error: r.error,
        updated_at: zone.show(r.updated_at, Shown::DateTime),
    }
}

/// "101.00 KES": an amount as stored (decimal text) with two decimals and its currency.
pub fn money(amount: &str, currency: Option<&str>) -> String {
    let shown =
        amount.parse::<rust_decimal::Decimal>().map_or_else(|_| amount.to_owned(), |d| format!("{:.2}", d.round_dp(2)));
    format!("{shown} {}", currency.unwrap_or_default()).trim_end().to_owned()
}

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
    let zone = Zone::of_account(&state.db, account_id).await?;
    Ok(ActivitiesView {
        rows: rows.into_iter().map(|e| activity_view(e, &zone)).collect(),
        total,
        page,
        pages: total.div_ceil(ACTIVITY_PER_PAGE).max(1),
        q,
        kind: kind.to_owned(),
        open_only,
    })
}

/// An activity entry as the pages show it.
pub fn activity_view(e: activity::Entry, zone: &Zone) -> ActivityView {
    ActivityView {
        id: e.id,
        can_retry: e.retry.is_some() && !e.resolved && e.status != ActivityStatus::Ok,
        kind: e.kind.to_string(),
        subject: e.subject,
        status: e.status.to_string(),
        detail: e.detail,
        at: zone.show(e.at, Shown::DateTimeSeconds),
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
    let zone = Zone::of_account(&state.db, account_id).await?;
    Ok(run.map(|r| SyncRunView {
        kind: r.kind(),
        started: zone.show(r.started_at, Shown::Time),
        running: r.finished_at.is_none(),
        total: r.total,
        done: r.done,
        failed: r.failed,
    }))
}
