//! WooCommerce's order events (`order.*`, `order.deleted` = `{"id":N}`) in the order model, with
//! its status rules and its refunds, listed by id only (their lines are read from the store).

use crate::backend::{
    platforms::woocommerce::{Order, is_paid_status},
    stores::orders::{OrderLine, ParseError, Status, StoreEvent, StoreOrder, full_name, id_text},
};
use rust_decimal::Decimal;
use serde_json::Value;

/// What a stored WooCommerce event of `topic` asks of the import.
pub(in crate::backend::stores) fn event(topic: &str, payload: &Value) -> Result<StoreEvent, ParseError> {
    let bad = |reason: String| ParseError::new(topic, reason);
    match topic {
        "order.deleted" => {
            let id = id_text(&payload["id"]).ok_or_else(|| bad("no id".into()))?;
            Ok(StoreEvent::Deleted { order_id: id })
        }
        t if t.starts_with("order.") => {
            let o: Order = serde_json::from_value(payload.clone()).map_err(|e| bad(e.to_string()))?;
            Ok(StoreEvent::Order(Box::new(order(&o))))
        }
        _ => Ok(StoreEvent::Other),
    }
}

pub fn status(status: &str) -> Status {
    match status {
        s if is_paid_status(s) => Status::Paid,
        "pending" | "on-hold" => Status::Unpaid,
        "refunded" => Status::Refunded,
        _ => Status::Cancelled,
    }
}

/// A WooCommerce order. Line totals already carry discounts, so the order discount is zero; the
/// order's `refunds` summary has no lines: it names the refunds to read from the store.
pub fn order(o: &Order) -> StoreOrder {
    let lines = o
        .line_items
        .iter()
        .map(|l| {
            let tax = l.total_tax.unwrap_or_default();
            let unit = match l.total {
                Some(total) if l.quantity > 0 => (total + tax) / Decimal::from(l.quantity),
                _ => l.price.unwrap_or_default(),
            };
            OrderLine {
                line_id: l.id.to_string(),
                sku: l.sku.clone(),
                quantity: l.quantity,
                unit_price_incl_tax: unit.round_dp(4),
            }
        })
        .collect();
    let number = if o.number.is_empty() { o.id.to_string() } else { o.number.clone() };
    StoreOrder {
        order_id: o.id.to_string(),
        name: format!("#{number}"),
        status: status(&o.status),
        store_status: o.status.clone(),
        lines,
        shipping: o.shipping_total.unwrap_or_default() + o.shipping_tax.unwrap_or_default(),
        discount: Decimal::ZERO,
        currency: Some(o.currency.clone()).filter(|c| !c.is_empty()),
        email: o.billing_email().map(str::to_owned),
        tax: o.line_items.iter().filter_map(|l| l.total_tax).sum::<Decimal>() + o.shipping_tax.unwrap_or_default(),
        customer_name: full_name(o.billing.first_name.as_deref(), o.billing.last_name.as_deref()),
        refunds: Vec::new(),
        listed_refunds: o.refunds.iter().map(|r| r.id.to_string()).collect(),
        restocked: o
            .line_items
            .iter()
            .map(|l| (l.id.to_string(), l.restocked_refunds()))
            .filter(|(_, q)| *q > 0)
            .collect(),
    }
}
