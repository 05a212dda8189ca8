//! Shopify's order events (`orders/*` REST order JSON, `refunds/create`) in the order model, with
//! its status rules: a cancelled order is gone, a paid (even partly refunded) one is sold.

use crate::backend::{
    platforms::shopify::{FinancialStatus, Order, Refund},
    stores::orders::{
        OrderLine, ParseError, RefundLine, Status, StoreEvent, StoreOrder, StoreRefund, id_text, money, text,
    },
};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a stored Shopify event of `topic` asks of the import.
pub(in crate::backend::stores) fn event(topic: &str, payload: &Value) -> Result<StoreEvent, ParseError> {
    let bad = |reason: String| ParseError::new(topic, reason);
    match topic {
        "refunds/create" => {
            let r: Refund = serde_json::from_value(payload.clone()).map_err(|e| bad(e.to_string()))?;
            let order_id = id_text(&payload["order_id"]).ok_or_else(|| bad("no order_id".into()))?;
            Ok(StoreEvent::Refund { order_id, refund: refund(&r) })
        }
        t if t.starts_with("orders/") => {
            let o: Order = serde_json::from_value(payload.clone()).map_err(|e| bad(e.to_string()))?;
            Ok(StoreEvent::Order(order(&o, payload)))
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

/// A Shopify order; `raw` supplies the REST fields the typed order does not keep.
pub fn order(o: &Order, raw: &Value) -> StoreOrder {
    let taxes_included = raw["taxes_included"].as_bool().unwrap_or(true);
    let raw_lines = raw["line_items"].as_array().cloned().unwrap_or_default();
    let lines = o
        .line_items
        .iter()
        .map(|l| {
            // Prices exclude tax when the shop does: add the line's tax per unit.
            let tax: Decimal = if taxes_included {
                Decimal::ZERO
            } else {
                let raw = raw_lines.iter().find(|r| r["id"].as_i64() == Some(l.id));
                raw.and_then(|r| r["tax_lines"].as_array()).into_iter().flatten().map(|t| money(&t["price"])).sum()
            };
            let per_unit = if l.quantity > 0 { tax / Decimal::from(l.quantity) } else { Decimal::ZERO };
            OrderLine {
                line_id: l.id.to_string(),
                sku: l.sku.clone(),
                quantity: l.quantity,
                unit_price_incl_tax: l.price + per_unit,
            }
        })
        .collect();
    let shipping = match raw["total_shipping_price_set"]["shop_money"]["amount"] {
        Value::Null => raw["shipping_lines"].as_array().into_iter().flatten().map(|s| money(&s["price"])).sum(),
        ref amount => money(amount),
    };
    StoreOrder {
        order_id: o.id.to_string(),
        name: o.name.clone(),
        status: status(o),
        store_status: raw["financial_status"].as_str().unwrap_or_default().to_owned(),
        lines,
        shipping,
        discount: money(&raw["total_discounts"]),
        currency: o.currency.clone(),
        email: text(&raw["email"]),
        refunds: o.refunds.iter().map(refund).collect(),
        listed_refunds: Vec::new(),
        restocked: BTreeMap::new(),
    }
}
