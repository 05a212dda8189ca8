//! One order model for both stores: a stored webhook payload (Shopify `orders/*` REST order JSON,
//! `refunds/create`; WooCommerce `order.*`, `order.deleted` = `{"id":N}`) parsed into what the
//! import needs, with each platform's status rules in one place.

use crate::backend::platforms::{shopify, woocommerce};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Becomes a Prokip sell.
    Paid,
    /// Held as commitments until paid or cancelled.
    Unpaid,
    /// Gone: its sell is deleted or its commitments dropped.
    Cancelled,
    /// WooCommerce `refunded`: keeps a sell it already has, otherwise counts as cancelled.
    Refunded,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub line_id: String,
    /// `None` when the store line has no SKU (it can never be mapped).
    pub sku: Option<String>,
    pub quantity: i64,
    pub unit_price_incl_tax: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundLine {
    pub line_id: String,
    pub quantity: i64,
    /// Whether the store put the items back in stock (only those go back to Prokip).
    pub restock: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreRefund {
    pub refund_id: String,
    pub lines: Vec<RefundLine>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOrder {
    pub order_id: String,
    /// What the merchant calls it, e.g. "#1001".
    pub name: String,
    pub status: Status,
    /// The store's own word for it (`processing`, `completed`, `paid`, …).
    pub store_status: String,
    pub lines: Vec<OrderLine>,
    pub shipping: Decimal,
    /// Order-level discount not already in the unit prices.
    pub discount: Decimal,
    pub currency: Option<String>,
    pub email: Option<String>,
    pub refunds: Vec<StoreRefund>,
    /// WooCommerce: ids of the refunds the order lists without their lines (read from the store).
    pub listed_refunds: Vec<String>,
    /// WooCommerce: per line id, how many refunded items the store put back in stock so far.
    pub restocked: BTreeMap<String, i64>,
}

impl StoreOrder {
    /// Σ unit price × quantity − discount + shipping: what Prokip will compute as the final total.
    pub fn total(&self) -> Decimal {
        let lines: Decimal = self.lines.iter().map(|l| l.unit_price_incl_tax * Decimal::from(l.quantity)).sum();
        lines - self.discount + self.shipping
    }

    /// The distinct SKUs of the order's lines.
    pub fn skus(&self) -> Vec<String> {
        let mut skus: Vec<String> = self.lines.iter().filter_map(|l| l.sku.clone()).collect();
        skus.sort();
        skus.dedup();
        skus
    }
}

/// What one stored event asks of the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreEvent {
    Order(StoreOrder),
    /// Shopify `refunds/create`: one refund of an order.
    Refund {
        order_id: String,
        refund: StoreRefund,
    },
    /// WooCommerce `order.deleted`: the order is gone for good.
    Deleted {
        order_id: String,
    },
    /// Not about orders (products, inventory): nothing to import.
    Other,
}

#[derive(Debug, thiserror::Error)]
#[error("the {topic} payload is not a valid order: {reason}")]
pub struct ParseError {
    pub topic: String,
    pub reason: String,
}

/// Parses a stored event of `platform` (`shopify` / `woocommerce`) and `topic`.
pub fn parse(platform: &str, topic: &str, payload: &Value) -> Result<StoreEvent, ParseError> {
    let bad = |reason: String| ParseError { topic: topic.to_owned(), reason };
    if let Some(reason) = out_of_range(payload) {
        return Err(bad(reason));
    }
    match (platform, topic) {
        ("shopify", "refunds/create") => {
            let r: shopify::Refund = serde_json::from_value(payload.clone()).map_err(|e| bad(e.to_string()))?;
            let order_id = id_text(&payload["order_id"]).ok_or_else(|| bad("no order_id".into()))?;
            Ok(StoreEvent::Refund { order_id, refund: shopify_refund(&r) })
        }
        ("shopify", t) if t.starts_with("orders/") => {
            let o: shopify::Order = serde_json::from_value(payload.clone()).map_err(|e| bad(e.to_string()))?;
            Ok(StoreEvent::Order(shopify_order(&o, payload)))
        }
        ("woocommerce", "order.deleted") => {
            let id = id_text(&payload["id"]).ok_or_else(|| bad("no id".into()))?;
            Ok(StoreEvent::Deleted { order_id: id })
        }
        ("woocommerce", t) if t.starts_with("order.") => {
            let o: woocommerce::Order = serde_json::from_value(payload.clone()).map_err(|e| bad(e.to_string()))?;
            Ok(StoreEvent::Order(woo_order(&o, payload)))
        }
        _ => Ok(StoreEvent::Other),
    }
}

/// No real order carries amounts or quantities near these; beyond them the sums and products the
/// import computes (in `Decimal`, max ≈ 7.9e28) could overflow.
const MAX_AMOUNT: i64 = 1_000_000_000_000;
const MAX_QUANTITY: i64 = 10_000_000;
const AMOUNT_KEYS: [&str; 11] = [
    "price",
    "total",
    "total_tax",
    "subtotal",
    "subtotal_tax",
    "shipping_total",
    "shipping_tax",
    "total_discounts",
    "amount",
    "total_price",
    "discount_total",
];

/// Why a payload cannot be an order: an amount or quantity anywhere in it out of range.
fn out_of_range(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) => items.iter().find_map(out_of_range),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let amount = || v.is_string() || v.is_number();
            if AMOUNT_KEYS.contains(&k.as_str()) && amount() && money(v).abs() > Decimal::from(MAX_AMOUNT) {
                return Some(format!("{k} {v} is out of range"));
            }
            if k == "quantity" && v.is_number() && !v.as_i64().is_some_and(|q| (0..=MAX_QUANTITY).contains(&q)) {
                return Some(format!("quantity {v} is out of range"));
            }
            out_of_range(v)
        }),
        _ => None,
    }
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A money amount sent as a string or a number; absent or unparsable reads as zero.
fn money(v: &Value) -> Decimal {
    match v {
        Value::String(s) => Decimal::from_str(s.trim()).unwrap_or_default(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

pub fn shopify_status(o: &shopify::Order) -> Status {
    use shopify::FinancialStatus as F;
    if o.cancelled_at.is_some() {
        return Status::Cancelled;
    }
    match o.financial_status {
        Some(F::Paid | F::PartiallyRefunded | F::Refunded) => Status::Paid,
        Some(F::Voided | F::Expired) => Status::Cancelled,
        _ => Status::Unpaid,
    }
}

fn shopify_refund(r: &shopify::Refund) -> StoreRefund {
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
pub fn shopify_order(o: &shopify::Order, raw: &Value) -> StoreOrder {
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
        status: shopify_status(o),
        store_status: raw["financial_status"].as_str().unwrap_or_default().to_owned(),
        lines,
        shipping,
        discount: money(&raw["total_discounts"]),
        currency: o.currency.clone(),
        email: text(&raw["email"]),
        refunds: o.refunds.iter().map(shopify_refund).collect(),
        listed_refunds: Vec::new(),
        restocked: BTreeMap::new(),
    }
}

pub fn woo_status(status: &str) -> Status {
    match status {
        s if woocommerce::is_paid_status(s) => Status::Paid,
        "pending" | "on-hold" => Status::Unpaid,
        "refunded" => Status::Refunded,
        _ => Status::Cancelled,
    }
}

/// A WooCommerce order. Line totals already carry discounts, so the order discount is zero; the
/// order's `refunds` summary has no lines: it names the refunds to read from the store.
pub fn woo_order(o: &woocommerce::Order, raw: &Value) -> StoreOrder {
    let raw_lines = raw["line_items"].as_array().cloned().unwrap_or_default();
    let lines = o
        .line_items
        .iter()
        .map(|l| {
            let raw = raw_lines.iter().find(|r| r["id"].as_u64() == Some(l.id));
            let tax = raw.map(|r| money(&r["total_tax"])).unwrap_or_default();
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
        status: woo_status(&o.status),
        store_status: o.status.clone(),
        lines,
        shipping: money(&raw["shipping_total"]) + money(&raw["shipping_tax"]),
        discount: Decimal::ZERO,
        currency: Some(o.currency.clone()).filter(|c| !c.is_empty()),
        email: o.billing_email().map(str::to_owned),
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

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
