//! What happens to a sold order afterwards: store refunds become Prokip returns of the restocked
//! quantities (running totals per sell line, once per refund), and a cancellation deletes the
//! sell — or, when Prokip refuses because returns exist, returns everything that is left.

use super::model::StoreRefund;
use super::{ImportError, OrderCtx};
use crate::backend::{
    db::{
        processed_refunds,
        sales_log::{self, Row},
    },
    platforms::prokip::{ProkipClient, ProkipError, ReturnLine},
};
use crate::model::{ActivityStatus, OrderState};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

async fn client(ctx: &OrderCtx<'_>) -> Result<ProkipClient, ImportError> {
    crate::backend::stores::prokip::client_for(ctx.state, ctx.conn.account_id)
        .await
        .map_err(|e| ImportError::Transient(e.to_string()))
}

fn name(row: &Row) -> String {
    row.order_name.clone().unwrap_or_else(|| row.order_id.clone())
}

/// Records the refunds not seen before, then brings Prokip's returned quantities up to the
/// totals over every recorded refund (a no-op for Prokip when it already has them).
pub(super) async fn apply(ctx: &OrderCtx<'_>, row: &Row, refunds: &[StoreRefund]) -> Result<(), ImportError> {
    let db = &ctx.state.db;
    let sold = row.sold_lines();
    for r in refunds {
        let mut restocked: BTreeMap<String, i64> = BTreeMap::new();
        for l in r.lines.iter().filter(|l| l.restock && sold.contains_key(&l.line_id)) {
            *restocked.entry(l.line_id.clone()).or_default() += l.quantity;
        }
        processed_refunds::record(db, ctx.conn.id, &row.order_id, &r.refund_id, &restocked).await?;
    }
    let (totals, unsent) = processed_refunds::totals(db, ctx.conn.id, &row.order_id).await?;
    let Some(sell_id) = row.prokip_sell_id.filter(|_| unsent) else { return Ok(()) };
    let mut lines = Vec::new();
    let mut skus = Vec::new();
    for (line_id, qty) in &totals {
        if let Some(s) = sold.get(line_id).filter(|_| *qty > 0) {
            let quantity = Decimal::from((*qty).min(s.quantity));
            lines.push(ReturnLine { sell_line_id: s.sell_line_id, quantity, unit_price_inc_tax: s.unit_price });
            skus.push(s.sku.clone());
        }
    }
    if !lines.is_empty() {
        let client = client(ctx).await?;
        let result = client.sell_return(sell_id, &lines).await;
        ctx.keep_tokens(&client).await;
        match result {
            Err(ProkipError::Rejected(m)) => {
                ctx.problem(
                    &row.order_id,
                    &name(row),
                    ActivityStatus::Failed,
                    &format!("Prokip refused the return: {m}"),
                )
                .await?;
                return Ok(());
            }
            other => other?,
        };
        ctx.done(
            &row.order_id,
            &name(row),
            &format!("Refund returned to Prokip (sell {sell_id}); restocked items are back in stock."),
        )
        .await?;
        ctx.push_stock(skus).await;
    }
    processed_refunds::mark_returned(db, ctx.conn.id, &row.order_id).await?;
    Ok(())
}

/// The store cancelled or deleted a sold order: Prokip gets its stock back.
pub(super) async fn undo_sell(ctx: &OrderCtx<'_>, row: &Row) -> Result<(), ImportError> {
    let db = &ctx.state.db;
    let Some(sell_id) = row.prokip_sell_id else { return Ok(()) };
    let sold = row.sold_lines();
    let client = client(ctx).await?;
    let deleted = client.delete_sell(sell_id).await;
    let (state, detail) = match deleted {
        Ok(_) => {
            (OrderState::Deleted, format!("Cancelled in the store: Prokip sell {sell_id} deleted, stock restored."))
        }
        Err(ProkipError::Rejected(refusal)) => {
            // Prokip keeps sells that have returns: return whatever is left instead.
            let lines: Vec<ReturnLine> = sold
                .values()
                .map(|s| ReturnLine {
                    sell_line_id: s.sell_line_id,
                    quantity: Decimal::from(s.quantity),
                    unit_price_inc_tax: s.unit_price,
                })
                .collect();
            let returned = if lines.is_empty() {
                Err(ProkipError::Rejected(refusal))
            } else {
                client.sell_return(sell_id, &lines).await
            };
            match returned {
                Ok(_) => (
                    OrderState::Cancelled,
                    format!("Cancelled in the store: every item of Prokip sell {sell_id} returned."),
                ),
                Err(ProkipError::Rejected(m)) => {
                    ctx.keep_tokens(&client).await;
                    // The sell stands: keep it `sent` (with the reason) so a retry tries again.
                    sales_log::set_state(db, row.id, OrderState::Sent, Some(&m)).await?;
                    ctx.problem(
                        &row.order_id,
                        &name(row),
                        ActivityStatus::Failed,
                        &format!("The store cancelled the order but Prokip refused to undo the sale: {m}"),
                    )
                    .await?;
                    return Ok(());
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    ctx.keep_tokens(&client).await;
    sales_log::set_state(db, row.id, state, None).await?;
    ctx.done(&row.order_id, &name(row), &detail).await?;
    ctx.push_stock(sold.values().map(|s| s.sku.clone()).collect()).await;
    Ok(())
}
