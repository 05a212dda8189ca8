//! A store's order import switch: while it is off, the store's order events are set aside
//! (`webhook_events.paused_at`) and their new orders shown as `paused`. Resuming hands them, oldest
//! first, to the same import as any event (`jobs::resume_orders`), so each is still sold once.

use super::{OrderCtx, import, model::StoreEvent};
use crate::backend::db::{sales_log, webhook_events};
use sea_orm::{DbErr, TransactionTrait};

/// Sets the event aside when its store's order import is paused. `false` when it must be
/// imported now: the import is on (again), or the event is not about an order.
pub async fn hold(ctx: &OrderCtx<'_>, event: &StoreEvent) -> Result<bool, DbErr> {
    let Some(event_id) = ctx.event_id else { return Ok(false) };
    if ctx.conn.order_import_enabled || matches!(event, StoreEvent::Other) {
        return Ok(false);
    }
    let txn = ctx.state.db.begin().await?;
    if !webhook_events::defer(&txn, event_id, ctx.conn.id).await? {
        return Ok(false);
    }
    if let StoreEvent::Order(o) = event {
        let invoice = import::invoice_no(ctx.conn.platform, ctx.conn.id, &o.order_id);
        sales_log::note_paused(&txn, import::new_order(ctx, o, &invoice)).await?;
    }
    txn.commit().await?;
    tracing::info!(event_id, connection_id = ctx.conn.id, "order event set aside: order import is paused");
    Ok(true)
}
