//! Orders: created, paid, cancelled and refunded through the control API (each adjusts stock and
//! fires the matching webhooks with the REST order JSON), and read by the GraphQL `orders` and
//! `order(id:)` queries.

use super::graphql::{OpResult, Outcome};
use super::ops::{decode_cursor, encode_cursor, first_arg, level_payload, page_info};
use super::state::{Order, OrderLine, Refund, RefundLine, Shop, gid, money, parse_gid, ts};
use super::{Delivery, MockError, ShopifyMock, not_found};
use crate::pricing::{LineMoney, Pricing};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Clone, Deserialize)]
pub struct NewOrderLine {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NewOrder {
    pub line_items: Vec<NewOrderLine>,
    /// `paid` (default) or `pending`.
    #[serde(default = "paid")]
    pub financial_status: String,
}

/// An order as the control API places it: lines and status, the checkout's tax, shipping and
/// discount, and the customer's email.
#[derive(Debug, Clone, Deserialize)]
pub struct PlacedOrder {
    #[serde(flatten)]
    pub order: NewOrder,
    #[serde(flatten)]
    pub pricing: Pricing,
    #[serde(default)]
    pub email: Option<String>,
}

fn paid() -> String {
    "paid".into()
}

#[derive(Debug, Clone, Deserialize)]
pub struct RefundLineInput {
    pub line_item_id: u64,
    pub quantity: i64,
    /// `return` (default), `cancel` or `no_restock`.
    #[serde(default = "restock_return")]
    pub restock_type: String,
}

fn restock_return() -> String {
    "return".into()
}

fn tax_lines_json(p: &Pricing, tax: Decimal) -> Value {
    if p.tax_rate.is_zero() {
        return json!([]);
    }
    json!([{ "title": "VAT", "rate": p.tax_rate, "price": money(tax) }])
}

fn line_json(l: &OrderLine, m: &LineMoney, p: &Pricing) -> Value {
    json!({
        "id": l.id, "admin_graphql_api_id": gid("LineItem", l.id), "variant_id": l.variant_id, "product_id": l.product_id,
        "sku": l.sku, "title": l.title, "name": l.title, "quantity": l.quantity, "price": money(l.price),
        "total_discount": "0.00", "tax_lines": tax_lines_json(p, m.tax),
        "discount_allocations": [{ "amount": money(m.discount), "discount_application_index": 0 }],
    })
}

fn shop_money(amount: Decimal, currency: &str) -> Value {
    json!({ "shop_money": { "amount": money(amount), "currency_code": currency },
        "presentment_money": { "amount": money(amount), "currency_code": currency } })
}

fn refund_json(order: &Order, r: &Refund) -> Value {
    let lines: Vec<Value> = r
        .lines
        .iter()
        .map(|rl| {
            let money = order.line_money();
            let item = order
                .lines
                .iter()
                .zip(&money)
                .find(|(l, _)| l.id == rl.line_item_id)
                .map(|(l, m)| line_json(l, m, &order.pricing));
            json!({ "id": rl.id, "line_item_id": rl.line_item_id, "quantity": rl.quantity, "restock_type": rl.restock_type, "line_item": item })
        })
        .collect();
    json!({ "id": r.id, "order_id": order.id, "admin_graphql_api_id": gid("Refund", r.id), "created_at": ts(r.created_at), "refund_line_items": lines })
}

/// The REST order JSON that `orders/*` webhooks carry.
pub fn rest_json(o: &Order) -> Value {
    let p = &o.pricing;
    let lines = o.line_money();
    let subtotal: Decimal = lines.iter().map(|m| m.gross - m.discount).sum();
    let tax: Decimal = lines.iter().map(|m| m.tax).sum::<Decimal>() + p.shipping_tax();
    let shipping_lines = if p.shipping.is_zero() {
        json!([])
    } else {
        json!([{ "id": o.id + 1, "title": "Standard", "code": "Standard", "price": money(p.shipping),
            "price_set": shop_money(p.shipping, &o.currency), "tax_lines": tax_lines_json(p, p.shipping_tax()) }])
    };
    json!({
        "id": o.id, "admin_graphql_api_id": gid("Order", o.id), "name": format!("#{}", o.number), "order_number": o.number,
        "created_at": ts(o.created_at), "processed_at": ts(o.created_at), "updated_at": ts(o.updated_at),
        "financial_status": o.financial_status, "fulfillment_status": null, "cancelled_at": o.cancelled_at.map(ts),
        "cancel_reason": o.cancelled_at.map(|_| "customer"), "currency": o.currency, "email": o.email,
        "contact_email": o.email, "taxes_included": p.taxes_included, "total_tax": money(tax),
        "total_discounts": money(p.discount), "subtotal_price": money(subtotal), "total_price": money(p.total(&lines)),
        "total_shipping_price_set": shop_money(p.shipping, &o.currency), "shipping_lines": shipping_lines,
        "line_items": o.lines.iter().zip(&lines).map(|(l, m)| line_json(l, m, p)).collect::<Vec<_>>(),
        "refunds": o.refunds.iter().map(|r| refund_json(o, r)).collect::<Vec<_>>(),
        "customer": o.email.as_deref().map(customer_json),
    })
}

/// The customer Shopify attaches to an order with an email; the mock names them after the
/// email's local part ("wanjiru@example.com" → Wanjiru).
fn customer_json(email: &str) -> Value {
    let local = email.split('@').next().unwrap_or_default();
    let mut first: Vec<char> = local.chars().collect();
    if let Some(c) = first.first_mut() {
        *c = c.to_ascii_uppercase();
    }
    json!({ "email": email, "first_name": first.into_iter().collect::<String>(), "last_name": null })
}

/// A GraphQL `MoneyBag`.
fn money_bag(amount: Decimal, currency: &str) -> Value {
    json!({ "shopMoney": { "amount": money(amount), "currencyCode": currency },
        "presentmentMoney": { "amount": money(amount), "currencyCode": currency } })
}

/// GraphQL `TaxLine`s.
fn tax_lines_node(p: &Pricing, tax: Decimal, currency: &str) -> Value {
    if p.tax_rate.is_zero() {
        return json!([]);
    }
    json!([{ "title": "VAT", "rate": p.tax_rate, "ratePercentage": p.tax_rate * Decimal::from(100),
        "priceSet": money_bag(tax, currency) }])
}

fn graphql_node(o: &Order) -> Value {
    let (p, c) = (&o.pricing, o.currency.as_str());
    let money_lines = o.line_money();
    let lines: Vec<Value> = o
        .lines
        .iter()
        .zip(&money_lines)
        .map(|(l, m)| json!({ "id": gid("LineItem", l.id), "sku": l.sku, "quantity": l.quantity,
            "originalUnitPriceSet": money_bag(l.price, c), "taxLines": tax_lines_node(p, m.tax, c),
            "variant": { "id": gid("ProductVariant", l.variant_id) }, "product": { "id": gid("Product", l.product_id) } }))
        .collect();
    let shipping: Vec<Value> = if p.shipping.is_zero() {
        Vec::new()
    } else {
        vec![
            json!({ "id": gid("ShippingLine", o.id + 1), "title": "Standard", "originalPriceSet": money_bag(p.shipping, c),
            "taxLines": tax_lines_node(p, p.shipping_tax(), c) }),
        ]
    };
    let refunds: Vec<Value> = o
        .refunds
        .iter()
        .map(|r| json!({ "id": gid("Refund", r.id), "createdAt": ts(r.created_at), "refundLineItems": { "nodes":
            r.lines.iter().map(|rl| json!({ "lineItem": { "id": gid("LineItem", rl.line_item_id) }, "quantity": rl.quantity,
                "restockType": rl.restock_type.to_ascii_uppercase() })).collect::<Vec<_>>() } }))
        .collect();
    json!({
        "id": gid("Order", o.id), "legacyResourceId": o.id.to_string(), "name": format!("#{}", o.number),
        "createdAt": ts(o.created_at), "updatedAt": ts(o.updated_at), "cancelledAt": o.cancelled_at.map(ts),
        "displayFinancialStatus": o.financial_status.to_ascii_uppercase(), "currencyCode": o.currency,
        "email": o.email, "taxesIncluded": p.taxes_included, "totalDiscountsSet": money_bag(p.discount, c),
        "totalShippingPriceSet": money_bag(p.shipping, c), "shippingLines": { "nodes": shipping },
        "lineItems": { "nodes": lines }, "refunds": refunds,
        "customer": o.email.as_deref().map(|e| {
            let c = customer_json(e);
            json!({ "id": gid("Customer", o.id), "firstName": c["first_name"], "lastName": c["last_name"],
                    "displayName": c["first_name"] })
        }),
    })
}

/// `updated_at:>='2026-01-01T00:00:00Z'` (or `>`) → the bound and whether it is inclusive.
fn updated_since(query: &str) -> Option<(DateTime<Utc>, bool)> {
    let rest = query.trim().strip_prefix("updated_at:>")?;
    let (inclusive, rest) = match rest.strip_prefix('=') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let value = rest.trim_matches(|c| c == '\'' || c == '"');
    DateTime::parse_from_rfc3339(value).ok().map(|t| (t.with_timezone(&Utc), inclusive))
}

pub fn query(shop: &Shop, vars: &Value) -> OpResult {
    let first = first_arg(vars)?;
    let since = vars.get("query").and_then(Value::as_str).and_then(updated_since);
    let mut sorted: Vec<&Order> = shop
        .orders
        .iter()
        .filter(|o| since.is_none_or(|(t, inclusive)| o.updated_at > t || (inclusive && o.updated_at == t)))
        .collect();
    sorted.sort_by_key(|o| (o.updated_at, o.id));
    let key = |o: &Order| format!("{}|{}", o.updated_at.timestamp_micros(), o.id);
    let after = decode_cursor(vars)?;
    let start = after.map_or(0, |a| sorted.iter().position(|o| key(o) > a).unwrap_or(sorted.len()));
    let page: Vec<&Order> = sorted.iter().skip(start).take(first).copied().collect();
    let has_next = start + page.len() < sorted.len();
    let end = page.last().map(|o| encode_cursor(&key(o)));
    let nodes: Vec<Value> = page.iter().map(|o| graphql_node(o)).collect();
    let n = nodes.len();
    Ok(Outcome::new(json!({ "orders": { "nodes": nodes, "pageInfo": page_info(has_next, end) } }), n))
}

/// `order(id:)`: one order, or null when there is none with that id.
pub fn one(shop: &Shop, vars: &Value) -> OpResult {
    let id = vars.get("id").and_then(Value::as_str).and_then(|id| parse_gid("Order", id));
    let order = id.and_then(|id| shop.orders.iter().find(|o| o.id == id)).map(graphql_node);
    let n = usize::from(order.is_some());
    Ok(Outcome::new(json!({ "order": order }), n))
}

impl ShopifyMock {
    /// Runs `change` on one order under the lock; the events it returns are delivered afterwards.
    async fn with_order(
        &self,
        shop: &str,
        order_id: Option<u64>,
        change: impl FnOnce(
            &mut Shop,
            &mut super::state::Ids,
            Option<usize>,
        ) -> Result<Vec<(&'static str, Value)>, MockError>,
    ) -> Result<(Value, Vec<Delivery>), MockError> {
        let (order, events) = {
            let mut guard = self.lock();
            let store = &mut *guard;
            let s = store.shops.get_mut(shop).ok_or_else(|| not_found(shop))?;
            let index = match order_id {
                Some(id) => Some(
                    s.orders
                        .iter()
                        .position(|o| o.id == id)
                        .ok_or_else(|| MockError::NotFound(format!("no order {id}")))?,
                ),
                None => None,
            };
            let events = change(s, &mut store.ids, index)?;
            let index = index.unwrap_or(s.orders.len() - 1);
            (rest_json(&s.orders[index]), events)
        };
        let mut deliveries = Vec::new();
        for (topic, payload) in events {
            deliveries.extend(self.deliver(shop, topic, payload).await);
        }
        Ok((order, deliveries))
    }

    /// Creates an order (stock is taken at the primary location) and fires `orders/create`
    /// (+ `orders/paid` when paid) and `inventory_levels/update`. Returns the REST order JSON.
    pub async fn create_order(&self, shop: &str, new: NewOrder) -> Result<(Value, Vec<Delivery>), MockError> {
        self.place_order(shop, PlacedOrder { order: new, pricing: Pricing::default(), email: None }).await
    }

    /// [`Self::create_order`] with the checkout's tax, shipping, discount and email.
    pub async fn place_order(&self, shop: &str, placed: PlacedOrder) -> Result<(Value, Vec<Delivery>), MockError> {
        let PlacedOrder { order: new, pricing, email } = placed;
        if new.line_items.is_empty() || new.line_items.iter().any(|l| l.quantity < 1) {
            return Err(MockError::Invalid("an order needs line items with quantity ≥ 1".into()));
        }
        if !matches!(new.financial_status.as_str(), "paid" | "pending") {
            return Err(MockError::Invalid("financial_status is paid or pending".into()));
        }
        self.with_order(shop, None, |s, ids, _| {
            let location = s.primary_location();
            let mut lines = Vec::new();
            let mut events = Vec::new();
            let found = new
                .line_items
                .iter()
                .map(|l| {
                    s.variant_by_sku(&l.sku)
                        .cloned()
                        .ok_or_else(|| MockError::Invalid(format!("no variant with SKU {}", l.sku)))
                })
                .collect::<Result<Vec<_>, _>>()?;
            for (l, v) in new.line_items.iter().zip(found) {
                let title = s.product(v.product_id).map(|p| p.title.clone()).unwrap_or_default();
                lines.push(OrderLine {
                    id: ids.next(),
                    variant_id: v.id,
                    product_id: v.product_id,
                    sku: v.sku.clone(),
                    title,
                    quantity: l.quantity,
                    price: v.price,
                });
                if let Some(q) = s.levels.get_mut(&(v.inventory_item_id, location)) {
                    *q -= l.quantity;
                    events.push(("inventory_levels/update", level_payload(v.inventory_item_id, location, *q)));
                }
            }
            let now = Utc::now();
            let order = Order {
                id: ids.next(),
                number: s.next_order_number,
                created_at: now,
                updated_at: now,
                financial_status: new.financial_status.clone(),
                cancelled_at: None,
                currency: s.currency.clone(),
                lines,
                refunds: Vec::new(),
                pricing,
                email,
            };
            s.next_order_number += 1;
            let body = rest_json(&order);
            let mut order_events = vec![("orders/create", body.clone())];
            if order.financial_status == "paid" {
                order_events.push(("orders/paid", body));
            }
            s.orders.push(order);
            order_events.extend(events);
            Ok(order_events)
        })
        .await
    }

    /// Marks a pending order paid: `orders/paid` and `orders/updated`.
    pub async fn pay_order(&self, shop: &str, order_id: u64) -> Result<(Value, Vec<Delivery>), MockError> {
        self.with_order(shop, Some(order_id), |s, _, i| {
            let o = &mut s.orders[i.expect("order given")];
            if o.financial_status != "pending" || o.cancelled_at.is_some() {
                return Err(MockError::Invalid(format!("order is {}, not pending", o.financial_status)));
            }
            o.financial_status = "paid".into();
            o.updated_at = Utc::now();
            let body = rest_json(o);
            Ok(vec![("orders/paid", body.clone()), ("orders/updated", body)])
        })
        .await
    }

    /// Cancels an order and restocks its remaining items: `orders/cancelled` and `orders/updated`.
    pub async fn cancel_order(&self, shop: &str, order_id: u64) -> Result<(Value, Vec<Delivery>), MockError> {
        self.with_order(shop, Some(order_id), |s, _, i| {
            let i = i.expect("order given");
            if s.orders[i].cancelled_at.is_some() {
                return Err(MockError::Invalid("order is already cancelled".into()));
            }
            let location = s.primary_location();
            let mut events = Vec::new();
            for l in s.orders[i].lines.clone() {
                let refunded: i64 = s.orders[i]
                    .refunds
                    .iter()
                    .flat_map(|r| &r.lines)
                    .filter(|rl| rl.line_item_id == l.id)
                    .map(|rl| rl.quantity)
                    .sum();
                let item = s.variant(l.variant_id).map(|v| v.inventory_item_id);
                if let Some(q) = item.and_then(|item| s.levels.get_mut(&(item, location))) {
                    *q += l.quantity - refunded;
                    events.push(("inventory_levels/update", level_payload(item.unwrap_or_default(), location, *q)));
                }
            }
            let o = &mut s.orders[i];
            let now = Utc::now();
            o.cancelled_at = Some(now);
            o.updated_at = now;
            if o.financial_status == "pending" {
                o.financial_status = "voided".into();
            }
            let body = rest_json(o);
            let mut out = vec![("orders/cancelled", body.clone()), ("orders/updated", body)];
            out.extend(events);
            Ok(out)
        })
        .await
    }

    /// Refunds line quantities (restocked unless `no_restock`): `refunds/create` and `orders/updated`.
    pub async fn refund_order(
        &self,
        shop: &str,
        order_id: u64,
        lines: Vec<RefundLineInput>,
    ) -> Result<(Value, Vec<Delivery>), MockError> {
        self.with_order(shop, Some(order_id), |s, ids, i| {
            let i = i.expect("order given");
            let location = s.primary_location();
            let mut refund_lines = Vec::new();
            let mut restock = Vec::new();
            for rl in &lines {
                let o = &s.orders[i];
                let line = o
                    .lines
                    .iter()
                    .find(|l| l.id == rl.line_item_id)
                    .ok_or_else(|| MockError::Invalid(format!("no line item {}", rl.line_item_id)))?;
                let done: i64 = o
                    .refunds
                    .iter()
                    .flat_map(|r| &r.lines)
                    .filter(|x| x.line_item_id == line.id)
                    .map(|x| x.quantity)
                    .sum();
                if rl.quantity < 1 || rl.quantity > line.quantity - done {
                    return Err(MockError::Invalid(format!(
                        "line item {} has {} refundable",
                        line.id,
                        line.quantity - done
                    )));
                }
                if !matches!(rl.restock_type.as_str(), "return" | "cancel" | "no_restock") {
                    return Err(MockError::Invalid("restock_type is return, cancel or no_restock".into()));
                }
                if rl.restock_type != "no_restock" {
                    restock.push((line.variant_id, rl.quantity));
                }
                refund_lines.push(RefundLine {
                    id: ids.next(),
                    line_item_id: line.id,
                    quantity: rl.quantity,
                    restock_type: rl.restock_type.clone(),
                });
            }
            let mut events = Vec::new();
            for (variant_id, qty) in restock {
                let item = s.variant(variant_id).map(|v| v.inventory_item_id).unwrap_or_default();
                if let Some(q) = s.levels.get_mut(&(item, location)) {
                    *q += qty;
                    events.push(("inventory_levels/update", level_payload(item, location, *q)));
                }
            }
            let now = Utc::now();
            let o = &mut s.orders[i];
            o.refunds.push(Refund { id: ids.next(), created_at: now, lines: refund_lines });
            let ordered: i64 = o.lines.iter().map(|l| l.quantity).sum();
            let refunded: i64 = o.refunds.iter().flat_map(|r| &r.lines).map(|l| l.quantity).sum();
            o.financial_status = if refunded >= ordered { "refunded" } else { "partially_refunded" }.into();
            o.updated_at = now;
            let refund = refund_json(o, o.refunds.last().expect("just pushed"));
            let mut out = vec![("refunds/create", refund), ("orders/updated", rest_json(o))];
            out.extend(events);
            Ok(out)
        })
        .await
    }
}
