//! Order import: one store event → at most one Prokip sell per order, exactly once (ARCHITECTURE
//! §4). Each order is acted on under its `sales_log` lease, renewed while the work runs; `sending`
//! is committed before `POST /sell`, and a later run that finds it looks the invoice up in Prokip
//! before sending again.

use super::model::{Status, StoreEvent, StoreOrder};
use super::{ImportError, OrderCtx, lease::Lease, refunds, sell, woo_refunds};
use crate::{
    backend::{
        db::{
            account_settings, commitments,
            sales_log::{self, Claim, DetailLine, Details, NewOrder, Row},
            sku_history::cause,
        },
        stores,
    },
    model::{OrderState, Platform},
};
use std::collections::BTreeMap;

/// Our invoice number for a store order: deterministic, unique across connections.
pub fn invoice_no(platform: Platform, connection_id: i64, order_id: &str) -> String {
    format!("{}-{connection_id}-{order_id}", stores::facts(platform).invoice_prefix)
}

/// Applies one parsed event of the connection.
pub async fn handle(ctx: &OrderCtx<'_>, event: StoreEvent) -> Result<(), ImportError> {
    match event {
        StoreEvent::Order(order) => import_order(ctx, &with_trigger(ctx, *order).await?).await,
        StoreEvent::Refund { order_id, refund } => {
            // An order we have not sold yet carries its refunds again when it is.
            with_existing(ctx, &order_id, |row| async move {
                if row.state == OrderState::Sent {
                    refunds::apply(ctx, &row, std::slice::from_ref(&refund)).await?;
                }
                Ok(())
            })
            .await
        }
        StoreEvent::Deleted { order_id } => {
            with_existing(ctx, &order_id, |row| async move { cancel(ctx, &row).await }).await
        }
        StoreEvent::Other => Ok(()),
    }
}

/// A paid order of a store that sells on completion (WooCommerce) waits, committed, until completed.
async fn with_trigger(ctx: &OrderCtx<'_>, mut o: StoreOrder) -> Result<StoreOrder, ImportError> {
    let completed = stores::facts(ctx.conn.platform).completed_status;
    let paid_not_completed = completed.is_some_and(|c| o.status == Status::Paid && o.store_status != c);
    if paid_not_completed
        && account_settings::order_trigger(&ctx.state.db, ctx.conn.id).await? == account_settings::TRIGGER_COMPLETED
    {
        o.status = Status::Unpaid;
    }
    Ok(o)
}

async fn with_existing<'a, F, Fut>(ctx: &OrderCtx<'a>, order_id: &str, act: F) -> Result<(), ImportError>
where
    F: FnOnce(Row) -> Fut,
    Fut: Future<Output = Result<(), ImportError>>,
{
    match sales_log::claim_existing(&ctx.state.db, ctx.conn.id, order_id).await? {
        Claim::Unknown => Ok(()),
        Claim::Busy => Err(ImportError::Busy),
        Claim::Held(row) => {
            let lease = Lease::of(&ctx.state.db, &row);
            let result = lease.hold(act(*row)).await;
            lease.release().await?;
            result
        }
    }
}

/// The order's sales log row as this event describes it.
pub(super) fn new_order<'a>(ctx: &OrderCtx<'_>, o: &'a StoreOrder, invoice: &'a str) -> NewOrder<'a> {
    NewOrder {
        connection_id: ctx.conn.id,
        order_id: &o.order_id,
        order_name: &o.name,
        invoice_no: invoice,
        total: o.total(),
        currency: o.currency.as_deref(),
        event_id: ctx.event_id,
        details: details(o),
    }
}

/// What the order page shows of the order, as the store said it.
fn details(o: &StoreOrder) -> Details {
    Details {
        lines: o
            .lines
            .iter()
            .map(|l| DetailLine {
                line_id: l.line_id.clone(),
                sku: l.sku.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price_incl_tax,
            })
            .collect(),
        discount: o.discount,
        shipping: o.shipping,
        tax: o.tax,
        customer_name: o.customer_name.clone(),
        email: o.email.clone(),
        payment: o.store_status.clone(),
    }
}

/// Takes the order's lease (creating its row) and moves it towards what the store says.
pub async fn import_order(ctx: &OrderCtx<'_>, o: &StoreOrder) -> Result<(), ImportError> {
    let db = &ctx.state.db;
    let invoice = invoice_no(ctx.conn.platform, ctx.conn.id, &o.order_id);
    let row = sales_log::claim(db, new_order(ctx, o, &invoice)).await?.ok_or(ImportError::Busy)?;
    let lease = Lease::of(db, &row);
    let result = lease.hold(apply(ctx, &lease, &row, o)).await;
    lease.release().await?;
    result
}

async fn apply(ctx: &OrderCtx<'_>, lease: &Lease, row: &Row, o: &StoreOrder) -> Result<(), ImportError> {
    let db = &ctx.state.db;
    let state = row.state;
    if matches!(state, OrderState::Deleted | OrderState::Cancelled) {
        return Ok(());
    }
    match o.status {
        // Sold, then (partly or fully) refunded: what the store restocked goes back to Prokip.
        Status::Paid | Status::Refunded if state == OrderState::Sent => {
            refunds::apply(ctx, row, &woo_refunds::with_lines(ctx, o).await?).await
        }
        Status::Paid => {
            if let Some(row) = sell::sell(ctx, lease, row, o).await? {
                commitments::remove(db, ctx.conn.id, &o.order_id, cause::ORDER_PAID).await?;
                refunds::apply(ctx, &row, &woo_refunds::with_lines(ctx, o).await?).await?;
            }
            Ok(())
        }
        // Already sold: an older event.
        Status::Unpaid if state == OrderState::Sent => Ok(()),
        Status::Unpaid => {
            if state == OrderState::Sending && sell::recover(ctx, row, Some(o)).await?.is_some() {
                return Ok(());
            }
            let mut qty: BTreeMap<String, i64> = BTreeMap::new();
            for l in o.lines.iter().filter(|l| l.sku.is_some()) {
                *qty.entry(l.sku.clone().unwrap_or_default()).or_default() += l.quantity;
            }
            commitments::replace(db, ctx.conn.id, &o.order_id, &qty).await?;
            sales_log::set_state(db, row.id, OrderState::Committed, None).await?;
            // What the order holds is no longer available anywhere: the stores hear it now.
            ctx.push_stock(qty.into_keys().collect()).await;
            Ok(())
        }
        Status::Cancelled | Status::Refunded => cancel(ctx, row).await,
    }
}

/// Cancels the order: deletes (or fully returns) its sell, or drops its commitments.
async fn cancel(ctx: &OrderCtx<'_>, row: &Row) -> Result<(), ImportError> {
    let sold = match row.state {
        OrderState::Sending => sell::recover(ctx, row, None).await?,
        OrderState::Sent => Some(row.clone()),
        _ => None,
    };
    if let Some(sold) = sold {
        return refunds::undo_sell(ctx, &sold).await;
    }
    let db = &ctx.state.db;
    let released = commitments::remove(db, ctx.conn.id, &row.order_id, cause::ORDER_CANCELLED).await?;
    sales_log::set_state(db, row.id, OrderState::Cancelled, None).await?;
    ctx.push_stock(released).await;
    Ok(())
}
