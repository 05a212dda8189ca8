//! JSON shapes of the mock's records, following the Connector's resources: decimals as
//! 4-place strings, flags as 0/1, `variation_location_details` per location.

use super::store::{Contact, Location, Product, Sell, Store, Variation};
use rust_decimal::{Decimal, prelude::ToPrimitive};
use serde_json::{Value, json};

/// `"20.0000"`, as MySQL `decimal(22,4)` columns come out of Laravel.
pub(super) fn d4(d: Decimal) -> String {
    format!("{:.4}", d)
}

fn flag(b: bool) -> u8 {
    u8::from(b)
}

fn location_details(store: &Store, v: &Variation, business_id: i64, only: Option<i64>) -> Vec<Value> {
    let Some(business) = store.businesses.get(&business_id) else { return vec![] };
    business
        .locations
        .iter()
        .filter(|l| only.is_none_or(|o| o == **l))
        .filter_map(|l| {
            let qty = store.stock.get(&(v.id, *l))?;
            Some(json!({ "variation_id": v.id, "product_id": v.product_id, "location_id": l, "qty_available": d4(*qty) }))
        })
        .collect()
}

fn product_locations(store: &Store, business_id: i64, only: Option<i64>) -> Vec<Value> {
    store
        .locations
        .values()
        .filter(|l| l.business_id == business_id && only.is_none_or(|o| o == l.id))
        .map(|l| json!({ "id": l.id, "name": l.name }))
        .collect()
}

/// A `/product` item; `location` trims the stock rows and locations to one location.
pub(super) fn product(store: &Store, p: &Product, location: Option<i64>) -> Value {
    let variations: Vec<Value> = p
        .variations
        .iter()
        .filter_map(|id| store.variations.get(id))
        .map(|v| {
            json!({
                "id": v.id, "name": v.name, "product_id": p.id, "sub_sku": v.sub_sku,
                "product_variation_id": p.product_variation_id,
                "default_sell_price": d4(v.price), "sell_price_inc_tax": d4(v.price),
                "variation_location_details": location_details(store, v, p.business_id, location),
            })
        })
        .collect();
    let single = p.kind == "single";
    json!({
        "id": p.id, "name": p.name, "business_id": p.business_id, "type": p.kind, "sku": p.sku,
        "enable_stock": flag(p.enable_stock), "not_for_selling": 0, "is_inactive": 0, "woocommerce_product_id": null,
        "unit": { "short_name": "Pc(s)", "allow_decimal": 0 },
        "product_variations": [{
            "id": p.product_variation_id, "name": if single { "DUMMY" } else { "Size" },
            "product_id": p.id, "is_dummy": flag(single), "variations": variations,
        }],
        "product_locations": product_locations(store, p.business_id, location),
    })
}

/// A flat `/variation` item.
pub(super) fn variation_row(store: &Store, p: &Product, v: &Variation, location: Option<i64>) -> Value {
    json!({
        "variation_id": v.id, "variation_name": v.name, "sub_sku": v.sub_sku,
        "product_id": p.id, "product_name": p.name, "sku": p.sku, "type": p.kind,
        "enable_stock": flag(p.enable_stock), "not_for_selling": 0, "unit_allow_decimal": 0,
        "tax_id": null, "tax_type": "inclusive", "tax_amount": null,
        "default_sell_price": d4(v.price), "sell_price_inc_tax": d4(v.price),
        "variation_location_details": location_details(store, v, p.business_id, location),
        "product_locations": product_locations(store, p.business_id, location),
    })
}

pub(super) fn contact(c: &Contact) -> Value {
    json!({
        "id": c.id, "business_id": c.business_id, "type": c.kind, "name": c.name,
        "first_name": c.first_name, "last_name": null, "mobile": c.mobile, "email": c.email,
        "contact_id": format!("CO{:04}", c.id % 10000), "contact_status": "active",
        "is_default": flag(c.is_default),
    })
}

pub(super) fn location(l: &Location) -> Value {
    let methods: Vec<Value> = super::PAYMENT_METHODS
        .iter()
        .map(|(k, label)| json!({ "name": k, "label": label, "account_id": null }))
        .collect();
    json!({
        "id": l.id, "business_id": l.business_id, "location_id": null, "name": l.name,
        "landmark": null, "country": "Kenya", "city": "Nairobi", "is_active": 1, "payment_methods": methods,
    })
}

/// A sell as `GET /sell` shows it (with lines, payments and contact).
pub(super) fn sell(store: &Store, s: &Sell) -> Value {
    let mut v = sell_head(s);
    let lines: Vec<Value> = s
        .lines
        .iter()
        .map(|l| {
            json!({
                "id": l.id, "transaction_id": s.id, "product_id": l.product_id, "variation_id": l.variation_id,
                "quantity": d4(l.quantity), "quantity_returned": d4(l.quantity_returned),
                "unit_price": d4(l.unit_price_inc_tax), "unit_price_before_discount": d4(l.unit_price_inc_tax),
                "unit_price_inc_tax": d4(l.unit_price_inc_tax), "item_tax": "0.0000", "tax_id": null,
            })
        })
        .collect();
    let payments: Vec<Value> = s
        .payments
        .iter()
        .map(|p| json!({ "transaction_id": s.id, "amount": d4(p.amount), "method": p.method, "note": p.note, "is_return": 0 }))
        .collect();
    v["final_total"] = json!(d4(s.final_total));
    v["shipping_charges"] = json!(d4(s.shipping_charges));
    v["discount_amount"] = json!(d4(s.discount_amount));
    v["sell_lines"] = json!(lines);
    v["payment_lines"] = json!(payments);
    v["contact"] = store.contacts.get(&s.contact_id).map(contact).unwrap_or(Value::Null);
    v
}

/// A sell as `POST /sell` returns the freshly created model: numbers as sent, no relations.
pub(super) fn sell_head(s: &Sell) -> Value {
    let number =
        |d: Decimal| serde_json::Number::from_f64(d.to_f64().unwrap_or(0.0)).map_or(Value::Null, Value::Number);
    let token = format!("{:032x}", s.id.wrapping_mul(0x9E37_79B9));
    json!({
        "id": s.id, "business_id": s.business_id, "location_id": s.location_id, "type": "sell",
        "status": s.status, "payment_status": s.payment_status, "contact_id": s.contact_id,
        "invoice_no": s.invoice_no, "source": s.source, "transaction_date": s.transaction_date,
        "discount_type": "fixed", "discount_amount": number(s.discount_amount),
        "shipping_charges": number(s.shipping_charges), "additional_notes": s.sale_note,
        "staff_note": s.staff_note, "final_total": number(s.final_total),
        "is_created_from_api": flag(s.from_api), "return_parent_id": null,
        "invoice_url": format!("https://app.prokip.africa/invoice/{token}"),
        "payment_link": format!("https://app.prokip.africa/pay/{token}"),
    })
}
