//! The order page (`/orders/{id}`): one order of the account in detail — its lines with the
//! Prokip products they sell as, totals, customer, payment and invoice, links to the store's order
//! and the Prokip sell, and its timeline, built from what the import stored.

use super::history::{money, store_label};
use crate::{
    backend::{
        db::{activity, prokip_configs, sales_log, sku_history, sku_map},
        error::{Kind, ServerError},
        state::AppState,
        stores,
        time::{Shown, Zone},
    },
    model::{ActivityStatus, OrderLineView, OrderPageView, OrderTotals, Platform, TimelineEntry},
};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// The account's order `id`; another account's id (or none) is not found.
pub async fn view(state: &AppState, account_id: i64, id: i64) -> Result<OrderPageView, ServerError> {
    let db = &state.db;
    let not_found = || ServerError::new(Kind::NotFound, format!("There is no order {id} in your account."));
    let row = sales_log::get(db, account_id, id).await?.ok_or_else(not_found)?;
    let platform: Platform = row.platform.parse().map_err(|_| not_found())?;
    let zone = Zone::of_account(db, account_id).await?;
    let details = row.details();
    let lines = match &details {
        Some(d) => {
            let skus: Vec<String> = d.lines.iter().filter_map(|l| l.sku.clone()).collect();
            let names = sku_map::prokip_names(db, account_id, row.connection_id, &skus).await?;
            let currency = row.currency.as_deref();
            Some(
                d.lines
                    .iter()
                    .map(|l| {
                        let linked = l.sku.as_ref().and_then(|s| names.get(s));
                        OrderLineView {
                            sku: l.sku.clone(),
                            quantity: l.quantity,
                            unit_price: money(&l.unit_price.to_string(), currency),
                            product: linked.map(|(_, name)| name.clone()),
                            sku_page: linked.map(|(prokip_sku, _)| prokip_sku.clone()).or_else(|| l.sku.clone()),
                        }
                    })
                    .collect(),
            )
        }
        None => None,
    };
    let sell_link = match row.prokip_sell_id {
        Some(sell) => prokip_configs::for_account(db, account_id).await?.map(|c| sell_page(&c.api_url, sell)),
        None => None,
    };
    Ok(OrderPageView {
        id: row.id,
        order: row.order_name.clone().unwrap_or_else(|| row.order_id.clone()),
        store: store_label(platform, &row.store_url),
        state: row.state,
        error: row.error.clone(),
        can_retry: row.state.retryable() && row.last_event_id.is_some(),
        lines,
        totals: details.as_ref().map(|d| totals(d, row.total.as_deref(), row.currency.as_deref())),
        customer_name: details.as_ref().and_then(|d| d.customer_name.clone()),
        email: details.as_ref().and_then(|d| d.email.clone()),
        payment: details.map(|d| d.payment).filter(|p| !p.is_empty()),
        invoice_no: row.invoice_no.clone(),
        prokip_sell_id: row.prokip_sell_id,
        prokip_sell_link: sell_link,
        store_link: stores::facts(platform).order_link(&row.store_url, &row.order_id),
        timeline: timeline(state, account_id, &row, &zone).await?,
    })
}

/// The sell's page in Prokip's own web app (UltimatePOS serves it beside the Connector API).
fn sell_page(api_url: &str, sell_id: i64) -> String {
    format!("{}/sells/{sell_id}", api_url.trim_end_matches('/'))
}

fn totals(d: &sales_log::Details, total: Option<&str>, currency: Option<&str>) -> OrderTotals {
    let subtotal: Decimal = d.lines.iter().map(|l| l.unit_price * Decimal::from(l.quantity)).sum();
    let amount = |a: Decimal| money(&a.to_string(), None);
    OrderTotals {
        subtotal: amount(subtotal),
        discount: amount(d.discount),
        shipping: amount(d.shipping),
        tax: amount(d.tax),
        total: total.map_or_else(|| amount(subtotal - d.discount + d.shipping), |t| money(t, None)),
        currency: currency.unwrap_or_default().to_owned(),
    }
}

/// Received, then every hold and release of stock and every logged step, oldest first.
async fn timeline(
    state: &AppState,
    account_id: i64,
    row: &sales_log::Listed,
    zone: &Zone,
) -> Result<Vec<TimelineEntry>, ServerError> {
    let db = &state.db;
    let info = || ActivityStatus::Info.to_string();
    let mut steps: Vec<(DateTime<Utc>, String, String)> =
        vec![(row.created_at, "Received from the store".into(), info())];
    for h in sku_history::holds_of_order(db, row.connection_id, &row.order_id).await? {
        let what = match (h.amount > 0, h.cause.as_str()) {
            (true, _) => format!("Unpaid: stock held ({})", h.skus),
            (false, sku_history::cause::ORDER_CANCELLED) => format!("Cancelled: held stock released ({})", h.skus),
            (false, _) => format!("Paid: held stock released to the sale ({})", h.skus),
        };
        steps.push((h.at, what, info()));
    }
    for e in activity::for_order(db, account_id, row.connection_id, &row.order_id).await? {
        steps.push((e.at, e.detail.unwrap_or(e.subject), e.status.to_string()));
    }
    steps.sort_by_key(|(at, _, _)| *at);
    Ok(steps
        .into_iter()
        .map(|(at, what, status)| TimelineEntry { at: zone.show(at, Shown::DateTimeSeconds), what, status })
        .collect())
}
