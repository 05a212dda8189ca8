//! Sells as the Connector handles them: `POST /sell` (each sell on its own, errors embedded in an
//! HTTP 200 array), `GET /sell`, `GET|DELETE /sell/{id}` and `POST /sell-return` by `sell_line_id`,
//! with the stock movements each one causes.

use super::{
    Shared,
    oauth::Caller,
    paging::{ListRequest, id_list},
    render,
    store::{Payment, Sell, SellLine, Store},
};
use axum::{
    Extension, Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::{collections::HashMap, str::FromStr};

/// A JSON request body; anything unparsable reads as an empty input, as Laravel's `$request->input()` does.
pub(super) fn parse_input(body: &[u8]) -> Value {
    serde_json::from_slice::<Value>(body).ok().filter(Value::is_object).unwrap_or_else(|| json!({}))
}

pub(super) fn dec(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => {
            Decimal::from_str(&n.to_string()).or_else(|_| Decimal::from_scientific(&n.to_string())).ok()
        }
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

pub(super) fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The serialized Laravel `JsonResponse` that `POST /sell` puts in its array for a failed sell.
fn embedded_error(message: &str) -> Value {
    json!({ "headers": {}, "original": { "error": { "message": message } }, "exception": null })
}

/// Creates one sell for a business, moving stock when it is final. Nothing changes on error.
pub(super) fn create_sell(store: &mut Store, business_id: i64, s: &Value, from_api: bool) -> Result<i64, String> {
    let location_id = int(&s["location_id"])
        .filter(|l| store.location_of(business_id, *l).is_some())
        .ok_or_else(|| format!("No query results for model [App\\BusinessLocation] {}", shown(&s["location_id"])))?;
    let contact_id = int(&s["contact_id"])
        .filter(|id| {
            store
                .contacts
                .get(id)
                .is_some_and(|c| c.business_id == business_id && (c.kind == "customer" || c.kind == "both"))
        })
        .ok_or_else(|| format!("No query results for model [App\\Contact] {}", shown(&s["contact_id"])))?;
    let status = s["status"].as_str().unwrap_or("final").to_owned();
    if status != "final" && status != "draft" {
        return Err("The selected status is invalid.".into());
    }
    let transaction_date = match s["transaction_date"].as_str() {
        None => chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        Some(d) if chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M:%S").is_ok() => d.to_owned(),
        Some(_) => return Err("Trailing data".into()),
    };
    let items = s["products"].as_array().filter(|a| !a.is_empty()).ok_or("The products field is required.")?;
    let mut lines = Vec::with_capacity(items.len());
    for item in items {
        let product = int(&item["product_id"])
            .and_then(|id| store.products.get(&id))
            .filter(|p| p.business_id == business_id)
            .ok_or_else(|| format!("No query results for model [App\\Product] {}", shown(&item["product_id"])))?;
        let variation = int(&item["variation_id"])
            .filter(|v| product.variations.contains(v))
            .and_then(|v| store.variations.get(&v))
            .ok_or("Attempt to read property \"sell_price_inc_tax\" on null")?;
        let quantity = dec(&item["quantity"]).unwrap_or_default();
        if quantity <= Decimal::ZERO {
            return Err("The quantity must be greater than 0.".into());
        }
        let unit_price = dec(&item["unit_price"]).unwrap_or(variation.price);
        let discount = dec(&item["discount_amount"]).unwrap_or_default();
        let discount =
            if item["discount_type"] == "percentage" { unit_price * discount / Decimal::ONE_HUNDRED } else { discount };
        lines.push(SellLine {
            id: 0,
            product_id: product.id,
            variation_id: variation.id,
            quantity,
            quantity_returned: Decimal::ZERO,
            unit_price_inc_tax: unit_price - discount,
        });
    }
    let business = store.businesses.get(&business_id).ok_or("Business not found")?;
    if status == "final" && !business.allow_overselling {
        check_stock(store, location_id, &lines)?;
    }
    let subtotal: Decimal = lines.iter().map(|l| l.unit_price_inc_tax * l.quantity).sum();
    let discount_amount = dec(&s["discount_amount"]).unwrap_or_default();
    let order_discount = if s["discount_type"] == "percentage" {
        subtotal * discount_amount / Decimal::ONE_HUNDRED
    } else {
        discount_amount
    };
    let shipping_charges = dec(&s["shipping_charges"]).unwrap_or_default();
    let final_total = subtotal - order_discount + shipping_charges;
    let payments: Vec<Payment> = s["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| Payment {
            amount: dec(&p["amount"]).unwrap_or_default(),
            method: p["method"].as_str().unwrap_or("cash").to_owned(),
            note: p["note"].as_str().map(str::to_owned),
        })
        .collect();
    let paid: Decimal = payments.iter().map(|p| p.amount).sum();
    let payment_status = if paid >= final_total {
        "paid"
    } else if paid.is_zero() {
        "due"
    } else {
        "partial"
    };
    let invoice_no = match s["invoice_no"].as_str().map(str::trim).filter(|s| !s.is_empty()) {
        Some(given) => given.to_owned(),
        None => {
            let b = store.businesses.get_mut(&business_id).ok_or("Business not found")?;
            b.invoice_count += 1;
            format!("AS{:04}", b.invoice_count)
        }
    };
    for line in &mut lines {
        line.id = store.ids.sell_line();
    }
    if status == "final" {
        for line in &lines {
            if stock_enabled(store, line.product_id) {
                store.add_stock(line.variation_id, location_id, -line.quantity);
            }
        }
    }
    let id = store.ids.transaction();
    let text = |k: &str| s[k].as_str().map(str::to_owned);
    store.sells.insert(
        id,
        Sell {
            id,
            business_id,
            location_id,
            contact_id,
            invoice_no,
            source: text("source"),
            status,
            transaction_date,
            discount_amount: order_discount,
            shipping_charges,
            sale_note: text("sale_note"),
            staff_note: text("staff_note"),
            final_total,
            payment_status: payment_status.into(),
            from_api,
            lines,
            payments,
            return_id: None,
            received: s.clone(),
        },
    );
    Ok(id)
}

fn stock_enabled(store: &Store, product_id: i64) -> bool {
    store.products.get(&product_id).is_some_and(|p| p.enable_stock)
}

/// `mapPurchaseSell`'s PurchaseSellMismatch when the business disallows overselling.
fn check_stock(store: &Store, location_id: i64, lines: &[SellLine]) -> Result<(), String> {
    let mut needed: HashMap<i64, Decimal> = HashMap::new();
    for l in lines.iter().filter(|l| stock_enabled(store, l.product_id)) {
        *needed.entry(l.variation_id).or_default() += l.quantity;
    }
    for (vid, qty) in needed {
        if store.qty(vid, location_id) < qty {
            let v = store.variations.get(&vid);
            let product = v.and_then(|v| store.product_of(v)).map_or("", |p| p.name.as_str());
            return Err(format!(
                "ERROR: NOT ALLOWED: Mismatch between sold and purchase quantity. Product: {product} SKU: {} Quantity: {}",
                v.map_or("", |v| v.sub_sku.as_str()),
                render::d4(qty)
            ));
        }
    }
    Ok(())
}

pub(super) async fn create(State(mock): State<Shared>, Extension(c): Extension<Caller>, body: Bytes) -> Json<Value> {
    let input = parse_input(&body);
    let Some(sells) = input["sells"].as_array() else {
        return Json(json!([embedded_error("Invalid form data")]));
    };
    let mut store = mock.lock();
    let out: Vec<Value> = sells
        .iter()
        .map(|s| match create_sell(&mut store, c.business_id, s, true) {
            Ok(id) => store.sells.get(&id).map(render::sell_head).unwrap_or(Value::Null),
            Err(message) => embedded_error(&message),
        })
        .collect();
    Json(Value::Array(out))
}

/// `GET /sell`: filters `location_id`, `contact_id`, `status`, `source`, and date-only
/// `start_date`/`end_date` on the transaction date.
pub(super) async fn list(
    State(mock): State<Shared>,
    Extension(c): Extension<Caller>,
    list: ListRequest,
) -> Json<Value> {
    let store = mock.lock();
    let p = |k: &str| list.get(k);
    let found: Vec<&Sell> = store
        .sells
        .values()
        .filter(|s| s.business_id == c.business_id)
        .filter(|s| p("location_id").is_none_or(|l| s.location_id.to_string() == l))
        .filter(|s| p("contact_id").is_none_or(|x| s.contact_id.to_string() == x))
        .filter(|s| p("status").is_none_or(|x| s.status == x))
        .filter(|s| p("source").is_none_or(|x| s.source.as_deref() == Some(x)))
        .filter(|s| p("start_date").is_none_or(|d| s.transaction_date.get(..10).is_some_and(|t| t >= d)))
        .filter(|s| p("end_date").is_none_or(|d| s.transaction_date.get(..10).is_some_and(|t| t <= d)))
        .collect();
    Json(list.page(&found, |s| render::sell(&store, s)))
}

pub(super) async fn show(
    State(mock): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(ids): Path<String>,
) -> Json<Value> {
    let store = mock.lock();
    let data: Vec<Value> = id_list(&ids)
        .into_iter()
        .filter_map(|id| store.sells.get(&id))
        .filter(|s| s.business_id == c.business_id)
        .map(|s| render::sell(&store, s))
        .collect();
    Json(json!({ "data": data }))
}

/// Deletes a sell and gives its stock back when it was final; refused when a return exists.
pub(super) fn delete_sell(store: &mut Store, business_id: i64, id: i64) -> Result<(), &'static str> {
    let sell = store.sells.get(&id).filter(|s| s.business_id == business_id);
    let sell = sell.ok_or("Something went wrong, please try again later.")?;
    if sell.return_id.is_some() {
        return Err("Sell return exists for this sale; it cannot be deleted.");
    }
    let restore: Vec<(i64, i64, Decimal)> = if sell.status == "final" {
        sell.lines
            .iter()
            .filter(|l| stock_enabled(store, l.product_id))
            .map(|l| (l.variation_id, sell.location_id, l.quantity))
            .collect()
    } else {
        vec![]
    };
    for (vid, loc, qty) in restore {
        store.add_stock(vid, loc, qty);
    }
    store.sells.remove(&id);
    Ok(())
}

pub(super) async fn delete(
    State(mock): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> Json<Value> {
    let mut store = mock.lock();
    let result = id.trim().parse().map_err(|_| "Something went wrong, please try again later.");
    match result.and_then(|id| delete_sell(&mut store, c.business_id, id)) {
        Ok(()) => Json(json!({ "success": true, "msg": "Sale deleted successfully" })),
        Err(msg) => Json(json!({ "success": false, "msg": msg })),
    }
}

fn api_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": { "message": message } }))).into_response()
}

/// `POST /sell-return`: each line's `quantity` is the line's total returned quantity (UltimatePOS
/// sets `quantity_returned`, it does not add), and stock moves by the difference.
pub(super) async fn sell_return(State(mock): State<Shared>, Extension(c): Extension<Caller>, body: Bytes) -> Response {
    let input = parse_input(&body);
    let Some(items) = input["products"].as_array().filter(|a| !a.is_empty()) else {
        return api_error(StatusCode::BAD_REQUEST, "The products field is required.");
    };
    let mut store = mock.lock();
    let Some(sell) =
        int(&input["transaction_id"]).and_then(|id| store.sells.get(&id)).filter(|s| s.business_id == c.business_id)
    else {
        return api_error(StatusCode::NOT_FOUND, "Requested data not found");
    };
    let mut changes = Vec::with_capacity(items.len());
    let mut total = Decimal::ZERO;
    for item in items {
        let Some(line) = int(&item["sell_line_id"]).and_then(|id| sell.lines.iter().find(|l| l.id == id)) else {
            return api_error(StatusCode::NOT_FOUND, "Requested data not found");
        };
        let qty = dec(&item["quantity"]).unwrap_or_default();
        if qty < Decimal::ZERO || qty > line.quantity {
            return api_error(StatusCode::BAD_REQUEST, "Return quantity cannot be more than the sold quantity.");
        }
        total += qty * dec(&item["unit_price_inc_tax"]).unwrap_or(line.unit_price_inc_tax);
        changes.push((line.id, line.variation_id, line.product_id, qty - line.quantity_returned, qty));
    }
    let (sell_id, location_id, final_sell) = (sell.id, sell.location_id, sell.status == "final");
    let (contact_id, return_id) = (sell.contact_id, sell.return_id);
    for (line_id, vid, pid, delta, qty) in changes {
        if final_sell && stock_enabled(&store, pid) {
            store.add_stock(vid, location_id, delta);
        }
        if let Some(l) = store.sells.get_mut(&sell_id).and_then(|s| s.lines.iter_mut().find(|l| l.id == line_id)) {
            l.quantity_returned = qty;
        }
    }
    let id = return_id.unwrap_or_else(|| store.ids.transaction());
    if let Some(s) = store.sells.get_mut(&sell_id) {
        s.return_id = Some(id);
    }
    Json(json!({
        "id": id, "business_id": c.business_id, "location_id": location_id, "type": "sell_return", "status": "final",
        "payment_status": "due", "contact_id": contact_id, "invoice_no": format!("CN{id}"), "return_parent_id": sell_id,
        "transaction_date": chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        "final_total": total.to_string(),
    }))
    .into_response()
}
