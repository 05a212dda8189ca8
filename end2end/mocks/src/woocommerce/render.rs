//! JSON as WooCommerce REST v3 renders it: products, variations (on their own endpoint and as
//! `type: "variation"` posts in `/products?sku=`), orders and webhooks.

use super::model::{Kind, Order, OrderRefund, Product, Store, Variation, Webhook, variation_name};
use crate::pricing::{LineMoney, Pricing};
use chrono::NaiveDateTime;
use rust_decimal::{Decimal, prelude::ToPrimitive};
use serde_json::{Value, json};

fn date(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn opt_date(t: Option<NaiveDateTime>) -> Value {
    t.map(|t| Value::String(date(t))).unwrap_or(Value::Null)
}

fn price_text(p: Option<Decimal>) -> String {
    p.map(|d| d.normalize().to_string()).unwrap_or_default()
}

/// Two-decimal money text, as order totals are sent.
pub(super) fn money(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

/// A JSON number for a unit price (`49`, `19.99`), as the order sample in the docs has it.
fn money_number(d: Decimal) -> Value {
    let d = d.normalize();
    if let Some(i) = d.to_i64().filter(|_| d.fract().is_zero()) {
        return json!(i);
    }
    d.to_f64().map(|f| json!(f)).unwrap_or(Value::Null)
}

fn stock_status(manage_stock: bool, qty: Option<i64>, manual: &str) -> String {
    match (manage_stock, qty) {
        (true, Some(q)) if q > 0 => "instock".into(),
        (true, _) => "outofstock".into(),
        (false, _) => manual.to_owned(),
    }
}

pub(super) fn product(store: &Store, p: &Product) -> Value {
    let (kind, price, status) = match p.kind {
        Kind::Simple => ("simple", p.regular_price, stock_status(p.manage_stock, p.stock_quantity, &p.stock_status)),
        Kind::Variable => {
            let children: Vec<&Variation> = p.variation_ids.iter().filter_map(|id| store.variations.get(id)).collect();
            let min = children.iter().filter_map(|v| v.regular_price).min();
            let any_in =
                children.iter().any(|v| stock_status(v.manage_stock, v.stock_quantity, &v.stock_status) == "instock");
            ("variable", min, if any_in { "instock".to_owned() } else { "outofstock".to_owned() })
        }
    };
    let attributes: Vec<Value> = p
        .attributes
        .iter()
        .enumerate()
        .map(|(i, (name, options))| json!({"id": 0, "name": name, "position": i, "visible": true, "variation": true, "options": options}))
        .collect();
    json!({
        "id": p.id,
        "name": p.name,
        "slug": slug(&p.name),
        "type": kind,
        "status": "publish",
        "sku": p.sku,
        "global_unique_id": p.global_unique_id,
        "price": price_text(price),
        "regular_price": if p.kind == Kind::Simple { price_text(p.regular_price) } else { String::new() },
        "sale_price": "",
        "manage_stock": p.manage_stock,
        "stock_quantity": if p.manage_stock { json!(p.stock_quantity) } else { Value::Null },
        "stock_status": status,
        "backorders": "no",
        "parent_id": 0,
        "attributes": attributes,
        "variations": p.variation_ids,
        "date_created": date(p.created),
        "date_created_gmt": date(p.created),
        "date_modified": date(p.modified),
        "date_modified_gmt": date(p.modified),
    })
}

/// A variation on `/products/{id}/variations`.
pub(super) fn variation(parent: &Product, v: &Variation) -> Value {
    let attributes: Vec<Value> =
        v.attributes.iter().map(|(name, option)| json!({"id": 0, "name": name, "option": option})).collect();
    json!({
        "id": v.id,
        "name": variation_name(parent, v),
        "parent_id": parent.id,
        "sku": v.sku,
        "global_unique_id": v.global_unique_id,
        "price": price_text(v.regular_price),
        "regular_price": price_text(v.regular_price),
        "sale_price": "",
        "status": "publish",
        "manage_stock": v.manage_stock,
        "stock_quantity": if v.manage_stock { json!(v.stock_quantity) } else { Value::Null },
        "stock_status": stock_status(v.manage_stock, v.stock_quantity, &v.stock_status),
        "backorders": "no",
        "attributes": attributes,
        "date_created": date(v.created),
        "date_created_gmt": date(v.created),
        "date_modified": date(v.modified),
        "date_modified_gmt": date(v.modified),
    })
}

/// A variation as the products endpoint renders a `product_variation` post.
pub(super) fn variation_as_product(parent: &Product, v: &Variation) -> Value {
    let mut out = variation(parent, v);
    out["type"] = json!("variation");
    out["variations"] = json!([]);
    out
}

pub(super) fn order(o: &Order) -> Value {
    let p = &o.pricing;
    let money_lines = o.line_money();
    let lines: Vec<Value> = o
        .lines
        .iter()
        .zip(&money_lines)
        .map(|(l, m)| {
            // WooCommerce's line: `subtotal` before the coupon, `total` after it, both without tax.
            let gross = LineMoney { gross: m.gross, discount: Decimal::ZERO, tax: p.tax_of(m.gross) };
            let total = m.net_excl_tax(p);
            // WooCommerce's own line meta: stock taken off, and how much of the refunds restocked.
            let mut meta = Vec::new();
            if o.stock_reduced {
                meta.push(json!({"id": l.id * 10 + 1, "key": "_reduced_stock", "value": l.quantity.to_string()}));
            }
            let restocked = o.restocked_qty(l.id);
            if restocked > 0 {
                meta.push(
                    json!({"id": l.id * 10 + 2, "key": "_restock_refunded_items", "value": restocked.to_string()}),
                );
            }
            json!({
                "id": l.id, "name": l.name, "product_id": l.product_id, "variation_id": l.variation_id,
                "quantity": l.quantity, "tax_class": "", "subtotal": money(gross.net_excl_tax(p)),
                "subtotal_tax": money(gross.tax), "total": money(total), "total_tax": money(m.tax),
                "taxes": taxes(p, m.tax, gross.tax), "meta_data": meta, "sku": l.sku,
                "price": money_number(total / Decimal::from(l.quantity.max(1))),
            })
        })
        .collect();
    let refunds: Vec<Value> =
        o.refunds.iter().map(|r| json!({"id": r.id, "reason": r.reason, "total": money(-r.amount)})).collect();
    let line_tax: Decimal = money_lines.iter().map(|m| m.tax).sum();
    let discount_tax: Decimal = money_lines.iter().map(|m| p.tax_of(m.gross) - m.tax).sum();
    let discount: Decimal = money_lines.iter().map(|m| m.discount).sum();
    let discount_excl = if p.taxes_included { discount - discount_tax } else { discount };
    let shipping_excl = if p.taxes_included { p.shipping - p.shipping_tax() } else { p.shipping };
    let shipping_lines = if p.shipping.is_zero() {
        json!([])
    } else {
        json!([{ "id": o.id * 10 + 9, "method_title": "Flat rate", "method_id": "flat_rate",
            "total": money(shipping_excl), "total_tax": money(p.shipping_tax()),
            "taxes": taxes(p, p.shipping_tax(), p.shipping_tax()) }])
    };
    json!({
        "id": o.id,
        "parent_id": 0,
        "number": o.id.to_string(),
        "order_key": format!("wc_order_{}", o.id),
        "created_via": "checkout",
        "status": o.status,
        "currency": o.currency,
        "date_created": date(o.created),
        "date_created_gmt": date(o.created),
        "date_modified": date(o.modified),
        "date_modified_gmt": date(o.modified),
        "date_paid": opt_date(o.paid),
        "date_paid_gmt": opt_date(o.paid),
        "date_completed": opt_date(o.completed),
        "date_completed_gmt": opt_date(o.completed),
        "discount_total": money(discount_excl),
        "discount_tax": money(discount_tax),
        "shipping_total": money(shipping_excl),
        "shipping_tax": money(p.shipping_tax()),
        "cart_tax": money(line_tax),
        "total": money(p.total(&money_lines)),
        "total_tax": money(line_tax + p.shipping_tax()),
        "prices_include_tax": p.taxes_included,
        "shipping_lines": shipping_lines,
        "billing": {"first_name": first_name(&o.billing_email), "last_name": "", "email": o.billing_email, "phone": ""},
        "payment_method": "cod",
        "line_items": lines,
        "refunds": refunds,
    })
}

/// A line's `taxes`: one rate (id 1) with its tax after and before the coupon.
fn taxes(p: &Pricing, total: Decimal, subtotal: Decimal) -> Value {
    if p.tax_rate.is_zero() {
        return json!([]);
    }
    json!([{ "id": 1, "total": money(total), "subtotal": money(subtotal) }])
}

/// A refund as `GET /orders/{id}/refunds` renders it: negative quantities and totals, each line
/// item pointing at the order line it refunds through `_refunded_item_id`.
pub(super) fn refund(o: &Order, r: &OrderRefund) -> Value {
    let lines: Vec<Value> = r
        .lines
        .iter()
        .zip(r.first_item_id..)
        .filter_map(|((line_id, qty), item_id)| {
            let l = o.lines.iter().find(|l| l.id == *line_id)?;
            let total = money(-(l.price * Decimal::from(*qty)));
            Some(json!({
                "id": item_id, "name": l.name, "product_id": l.product_id, "variation_id": l.variation_id,
                "quantity": -qty, "tax_class": "", "subtotal": total, "subtotal_tax": "0.00", "total": total,
                "total_tax": "0.00", "taxes": [], "sku": l.sku, "price": money_number(-l.price),
                "refund_total": money_number(l.price * Decimal::from(*qty)),
                "meta_data": [{"id": item_id * 10, "key": "_refunded_item_id", "value": line_id.to_string()}],
            }))
        })
        .collect();
    json!({
        "id": r.id, "date_created": date(o.modified), "date_created_gmt": date(o.modified),
        "amount": money(r.amount), "reason": r.reason, "refunded_by": 1, "refunded_payment": false,
        "meta_data": [], "line_items": lines, "shipping_lines": [], "tax_lines": [], "fee_lines": [],
    })
}

pub(super) fn webhook(w: &Webhook, rest_base: &str) -> Value {
    let (resource, event) = w.topic.split_once('.').unwrap_or((w.topic.as_str(), ""));
    json!({
        "id": w.id,
        "name": w.name,
        "status": w.status,
        "topic": w.topic,
        "resource": resource,
        "event": event,
        "hooks": [],
        "delivery_url": w.delivery_url,
        "date_created": date(w.created),
        "date_created_gmt": date(w.created),
        "date_modified": date(w.modified),
        "date_modified_gmt": date(w.modified),
        "_links": {
            "self": [{"href": format!("{rest_base}/webhooks/{}", w.id)}],
            "collection": [{"href": format!("{rest_base}/webhooks")}],
        },
    })
}

fn slug(name: &str) -> String {
    let s: String = name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-")
}

/// The mock names a shopper after their email's local part ("wanjiru@example.com" → Wanjiru), as
/// the Shopify mock does.
fn first_name(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let mut chars = local.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}
