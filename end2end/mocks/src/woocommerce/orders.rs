//! Orders on the mock: the REST reads (`GET /orders` with status and date filters, paged;
//! `GET /orders/{id}`, `GET /orders/{id}/refunds`) and what a shopper or merchant does to orders (control API): place one,
//! change its status, refund lines, delete it — each firing the matching webhooks.

use super::{
    MockError, WooMock,
    model::{Order, OrderLine, OrderRefund, STATUSES, Store, now},
    render,
    rest::{Paging, WpErr, WpResult, query_map},
};
use crate::pricing::Pricing;
use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderMap, Uri},
    response::IntoResponse,
};
use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewOrderLine {
    pub sku: String,
    pub quantity: i64,
}

/// An order as a shopper places it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewOrder {
    pub line_items: Vec<NewOrderLine>,
    /// `processing` (paid, the default), `pending`, `on-hold`, `completed`, …
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub billing_email: Option<String>,
}

/// An order as the control API places it: the shopper's order and the checkout's tax, shipping
/// and coupon.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlacedOrder {
    #[serde(flatten)]
    pub order: NewOrder,
    #[serde(flatten)]
    pub pricing: Pricing,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefundLine {
    pub line_item_id: u64,
    pub quantity: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewRefund {
    pub line_items: Vec<RefundLine>,
    /// Put the refunded quantities back in stock.
    #[serde(default)]
    pub restock: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

impl WooMock {
    /// Places an order (stock is taken off for processing/completed/on-hold) and fires `order.created`.
    pub async fn create_order(&self, store: &str, order: &NewOrder) -> Result<Value, MockError> {
        self.place_order(store, &PlacedOrder { order: order.clone(), pricing: Pricing::default() }).await
    }

    /// [`Self::create_order`] with the checkout's tax, shipping and coupon.
    pub async fn place_order(&self, store: &str, placed: &PlacedOrder) -> Result<Value, MockError> {
        let id = self.with_store(store, |s| place(s, &placed.order, &placed.pricing))??;
        self.fire(store, "order.created", id).await;
        self.order_json(store, id)
    }

    /// Changes the status (stock follows WooCommerce's rules) and fires `order.updated`.
    pub async fn set_order_status(&self, store: &str, id: u64, status: &str) -> Result<Value, MockError> {
        if !STATUSES.contains(&status) {
            return Err(MockError::Invalid(format!("unknown order status {status}")));
        }
        self.with_store(store, |s| {
            s.orders.get(&id).ok_or(MockError::UnknownOrder(id))?;
            s.set_order_status(id, status);
            Ok::<_, MockError>(())
        })??;
        self.fire(store, "order.updated", id).await;
        self.order_json(store, id)
    }

    /// Refunds line quantities (optionally restocking them) and fires `order.updated`; a full
    /// refund moves the order to `refunded`.
    pub async fn refund_order(&self, store: &str, id: u64, refund: &NewRefund) -> Result<Value, MockError> {
        self.with_store(store, |s| add_refund(s, id, refund))??;
        self.fire(store, "order.updated", id).await;
        self.order_json(store, id)
    }

    /// Deletes the order for good and fires `order.deleted` (payload `{"id":N}`).
    pub async fn delete_order(&self, store: &str, id: u64) -> Result<(), MockError> {
        self.with_store(store, |s| s.orders.get(&id).map(|_| ()).ok_or(MockError::UnknownOrder(id)))??;
        self.fire(store, "order.deleted", id).await;
        self.with_store(store, |s| s.orders.remove(&id))?;
        Ok(())
    }

    pub fn order_json(&self, store: &str, id: u64) -> Result<Value, MockError> {
        self.with_store(store, |s| s.orders.get(&id).map(render::order).ok_or(MockError::UnknownOrder(id)))?
    }
}

/// Keeps order money far from `Decimal` overflow.
const MAX_QUANTITY: i64 = 1_000_000;

fn place(store: &mut Store, new: &NewOrder, pricing: &Pricing) -> Result<u64, MockError> {
    let status = new.status.clone().unwrap_or_else(|| "processing".into());
    if !STATUSES.contains(&status.as_str()) {
        return Err(MockError::Invalid(format!("unknown order status {status}")));
    }
    if new.line_items.is_empty() || new.line_items.iter().any(|l| !(1..=MAX_QUANTITY).contains(&l.quantity)) {
        return Err(MockError::Invalid(format!("an order needs line items with quantities from 1 to {MAX_QUANTITY}")));
    }
    let mut lines = Vec::new();
    for l in &new.line_items {
        let (product_id, variation_id, name, price) =
            store.sellable(&l.sku).ok_or_else(|| MockError::UnknownSku(l.sku.clone()))?;
        lines.push((product_id, variation_id, name, l.sku.clone(), l.quantity, price));
    }
    let id = store.next_id();
    let at = now();
    let lines = lines
        .into_iter()
        .map(|(product_id, variation_id, name, sku, quantity, price)| OrderLine {
            id: store.next_id(),
            product_id,
            variation_id,
            name,
            sku,
            quantity,
            price,
        })
        .collect();
    let order = Order {
        id,
        status: "pending".into(),
        currency: store.currency.clone(),
        created: at,
        modified: at,
        paid: None,
        completed: None,
        lines,
        refunds: Vec::new(),
        billing_email: new.billing_email.clone().unwrap_or_else(|| format!("shopper{id}@example.com")),
        pricing: pricing.clone(),
        stock_reduced: false,
    };
    store.orders.insert(id, order);
    store.set_order_status(id, &status);
    Ok(id)
}

fn add_refund(store: &mut Store, id: u64, refund: &NewRefund) -> Result<(), MockError> {
    let refund_id = store.next_id();
    let order = store.orders.get_mut(&id).ok_or(MockError::UnknownOrder(id))?;
    let mut amount = Decimal::ZERO;
    let mut restock = Vec::new();
    for r in &refund.line_items {
        let line = order
            .lines
            .iter()
            .find(|l| l.id == r.line_item_id)
            .ok_or_else(|| MockError::Invalid(format!("order {id} has no line item {}", r.line_item_id)))?;
        let left = line.quantity - order.refunded_qty(line.id);
        if r.quantity < 1 || r.quantity > left {
            return Err(MockError::Invalid(format!("line item {} has {left} left to refund", line.id)));
        }
        amount += line.price * Decimal::from(r.quantity);
        restock.push((line.product_id, line.variation_id, r.quantity));
    }
    let lines: Vec<(u64, i64)> = refund.line_items.iter().map(|r| (r.line_item_id, r.quantity)).collect();
    let give_back = refund.restock && order.stock_reduced;
    let reason = refund.reason.clone().unwrap_or_default();
    let first_item_id = refund_id + 1;
    order.refunds.push(OrderRefund { id: refund_id, reason, amount, lines, first_item_id, restocked: give_back });
    order.modified = now();
    let fully = order.lines.iter().all(|l| order.refunded_qty(l.id) >= l.quantity);
    // The refund's line items take the ids after the refund's own.
    for _ in &refund.line_items {
        store.next_id();
    }
    if give_back {
        for (pid, vid, qty) in restock {
            store.adjust_stock(pid, vid, qty);
        }
    }
    if fully {
        store.set_order_status(id, "refunded");
    }
    Ok(())
}

pub(super) async fn list_orders(
    State(mock): State<WooMock>,
    Path(store): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> WpResult {
    let q = query_map(&uri);
    let paging = Paging::parse(&q)?;
    let statuses: Option<Vec<String>> = match q.get("status").map(String::as_str) {
        None | Some("any") => None,
        Some(list) => Some(list.split(',').map(|s| s.trim().to_owned()).collect()),
    };
    let bound = |name: &str| -> Result<Option<NaiveDateTime>, WpErr> {
        q.get(name).map(|v| parse_date(v).ok_or_else(|| WpErr::invalid_param(name, "Invalid date."))).transpose()
    };
    let (modified_after, modified_before) = (bound("modified_after")?, bound("modified_before")?);
    let (after, before) = (bound("after")?, bound("before")?);
    let items = mock.read_store(&store, |s| {
        s.orders
            .values()
            .rev()
            .filter(|o| match &statuses {
                None => o.status != "trash",
                Some(list) => list.iter().any(|x| x == &o.status),
            })
            .filter(|o| modified_after.is_none_or(|t| o.modified > t) && modified_before.is_none_or(|t| o.modified < t))
            .filter(|o| after.is_none_or(|t| o.created > t) && before.is_none_or(|t| o.created < t))
            .map(render::order)
            .collect::<Vec<_>>()
    })?;
    Ok(paging.respond(&headers, &uri, items))
}

pub(super) async fn get_order(State(mock): State<WooMock>, Path((store, id)): Path<(String, String)>) -> WpResult {
    let id: u64 = id.parse().map_err(|_| WpErr::no_route())?;
    mock.read_store(&store, |s| s.orders.get(&id).map(render::order))?
        .map(|o| Json(o).into_response())
        .ok_or_else(|| WpErr::new(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID."))
}

/// `GET /orders/{id}/refunds`: the order's refunds, newest first, with their line items.
pub(super) async fn list_refunds(
    State(mock): State<WooMock>,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> WpResult {
    let paging = Paging::parse(&query_map(&uri))?;
    let id: u64 = id.parse().map_err(|_| WpErr::no_route())?;
    let items = mock
        .read_store(&store, |s| {
            s.orders.get(&id).map(|o| o.refunds.iter().rev().map(|r| render::refund(o, r)).collect::<Vec<_>>())
        })?
        .ok_or_else(|| WpErr::new(404, "woocommerce_rest_order_invalid_id", "Invalid order ID."))?;
    Ok(paging.respond(&headers, &uri, items))
}

/// ISO 8601 with or without offset (without: taken as GMT, as with `dates_are_gmt=true`).
fn parse_date(s: &str) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.naive_utc())
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok())
}
