//! One order model for both stores: a stored event (Shopify `orders/*` REST order JSON,
//! `refunds/create`, or a pulled GraphQL order; WooCommerce `order.*`, `order.deleted` =
//! `{"id":N}`) parsed into the platform's typed order, then into what the import needs. A webhook
//! and a pull of the same order give the same model. Each platform's payloads and status rules
//! live in its store module.

use super::{shopify, woocommerce};
use crate::model::Platform;
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
    /// The tax the store charged, included in the line and shipping amounts above.
    pub tax: Decimal,
    /// "Wanjiru Kamau", when the store said.
    pub customer_name: Option<String>,
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

/// "First Last" from the parts a store sent (`None` when it sent neither).
pub(super) fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let name = [first, last].into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>();
    (!name.is_empty()).then(|| name.join(" "))
}

/// What one stored event asks of the import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreEvent {
    /// Boxed: an order is far larger than the other events.
    Order(Box<StoreOrder>),
    /// Shopify `refunds/create`: one refund of an order.
    Refund { order_id: String, refund: StoreRefund },
    /// WooCommerce `order.deleted`: the order is gone for good.
    Deleted { order_id: String },
    /// Not about orders (products, inventory): nothing to import.
    Other,
}

#[derive(Debug, thiserror::Error)]
#[error("the {topic} payload is not a valid order: {reason}")]
pub struct ParseError {
    pub topic: String,
    pub reason: String,
}

impl ParseError {
    pub(super) fn new(topic: &str, reason: impl Into<String>) -> Self {
        ParseError { topic: topic.to_owned(), reason: reason.into() }
    }
}

/// Parses a stored event of `platform` (`shopify` / `woocommerce`) and `topic`.
pub fn parse(platform: &str, topic: &str, payload: &Value) -> Result<StoreEvent, ParseError> {
    if let Some(reason) = out_of_range(payload) {
        return Err(ParseError::new(topic, reason));
    }
    match platform.parse::<Platform>() {
        Ok(Platform::Shopify) => shopify::orders::event(topic, payload),
        Ok(Platform::WooCommerce) => woocommerce::orders::event(topic, payload),
        Err(_) => Ok(StoreEvent::Other),
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

pub(super) fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A money amount sent as a string or a number; absent or unparsable reads as zero.
pub(super) fn money(v: &Value) -> Decimal {
    match v {
        Value::String(s) => Decimal::from_str(s.trim()).unwrap_or_default(),
        Value::Number(n) => Decimal::from_str(&n.to_string()).unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

#[cfg(test)]
#[path = "orders_tests.rs"]
mod tests;
