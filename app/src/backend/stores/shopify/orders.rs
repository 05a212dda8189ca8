//! Shopify's order events (`orders/*` REST order JSON, `refunds/create`) in the order model, with
//! its status rules: a cancelled order is gone, a paid (even partly refunded) one is sold. Orders
//! the pull read arrive as GraphQL JSON and become the same typed order.

use crate::backend::{
    platforms::shopify::{FinancialStatus, Order, Refund, TaxLine},
    stores::orders::{
        OrderLine, ParseError, RefundLine, Status, StoreEvent, StoreOrder, StoreRefund, full_name, id_text,
    },
};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;

/// The topic of an order the pull read: its payload is the GraphQL `orders` node, not REST JSON.
pub const PULLED_TOPIC: &str = "orders/pulled";

/// What a stored Shopify event of `topic` asks of the import.
pub(in crate::backend::stores) fn event(topic: &str, payload: &Value) -> Result<StoreEvent, ParseError> {
    let bad = |reason: String| ParseError::new(topic, reason);
    match topic {
        "refunds/create" => {
            let r: Refund = serde_json::from_value(payload.clone()).map_err(|e| bad(e.to_string()))?;
            let order_id = id_text(&payload["order_id"]).ok_or_else(|| bad("no order_id".into()))?;
            Ok(StoreEvent::Refund { order_id, refund: refund(&r) })
        }
        PULLED_TOPIC => {
            let o = Order::from_graphql(payload).map_err(|e| bad(e.to_string()))?;
            Ok(StoreEvent::Order(Box::new(order(&o))))
        }
        t if t.starts_with("orders/") => {
            let o: Order = serde_json::from_value(payload.clone()).map_err(|e| bad(e.to_string()))?;
            Ok(StoreEvent::Order(Box::new(order(&o))))
        }
        _ => Ok(StoreEvent::Other),
    }
}

pub fn status(o: &Order) -> Status {
    use FinancialStatus as F;
    if o.cancelled_at.is_some() {
        return Status::Cancelled;
    }
    match o.financial_status {
        Some(F::Paid | F::PartiallyRefunded | F::Refunded) => Status::Paid,
        Some(F::Voided | F::Expired) => Status::Cancelled,
        _ => Status::Unpaid,
    }
}

fn refund(r: &Refund) -> StoreRefund {
    let restocks = |t: &Option<String>| t.as_deref().is_none_or(|t| t != "no_restock");
    StoreRefund {
        refund_id: r.id.to_string(),
        lines: r
            .refund_line_items
            .iter()
            .map(|l| RefundLine {
                line_id: l.line_item_id.to_string(),
                quantity: l.quantity,
                restock: restocks(&l.restock_type),
            })
            .collect(),
    }
}

/// A Shopify order, as a webhook or the pull delivered it.
pub fn order(o: &Order) -> StoreOrder {
    let taxes_included = o.taxes_included.unwrap_or(true);
    // Prices exclude tax when the shop's do: add the tax the store charged on top.
    let added_tax = |lines: &[TaxLine]| -> Decimal {
        if taxes_included { Decimal::ZERO } else { lines.iter().map(|t| t.price).sum() }
    };
    let lines = o
        .line_items
        .iter()
        .map(|l| {
            let tax = added_tax(&l.tax_lines);
            let per_unit = if l.quantity > 0 { tax / Decimal::from(l.quantity) } else { Decimal::ZERO };
            OrderLine {
                line_id: l.id.to_string(),
                sku: l.sku.clone(),
                quantity: l.quantity,
                unit_price_incl_tax: l.price + per_unit,
            }
        })
        .collect();
    let shipping_price = match &o.total_shipping_price_set {
        Some(set) => set.shop_money.amount,
        None => o.shipping_lines.iter().map(|s| s.price).sum(),
    };
    let shipping_tax: Decimal = o.shipping_lines.iter().map(|s| added_tax(&s.tax_lines)).sum();
    let charged = |lines: &[TaxLine]| lines.iter().map(|t| t.price).sum::<Decimal>();
    let tax = o.line_items.iter().map(|l| charged(&l.tax_lines)).sum::<Decimal>()
        + o.shipping_lines.iter().map(|s| charged(&s.tax_lines)).sum::<Decimal>();
    let customer = o.customer.as_ref();
    StoreOrder {
        order_id: o.id.to_string(),
        name: o.name.clone(),
        status: status(o),
        store_status: o.financial_status.map(FinancialStatus::as_str).unwrap_or_default().to_owned(),
        lines,
        shipping: shipping_price + shipping_tax,
        discount: o.total_discounts.unwrap_or_default(),
        currency: o.currency.clone(),
        email: o.email.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned),
        tax,
        customer_name: full_name(
            customer.and_then(|c| c.first_name.as_deref()),
            customer.and_then(|c| c.last_name.as_deref()),
        ),
        refunds: o.refunds.iter().map(refund).collect(),
        listed_refunds: Vec::new(),
        restocked: BTreeMap::new(),
    }
}
