//! GraphQL operations on catalog and inventory: `shop`, `locations`, `productVariants` (cursor paging,
//! `sku:` search), `nodes(ids:)` inventory levels, `inventorySetQuantities` (compare-and-set,
//! idempotency, ≤ 250 items) and `productSet`.

use super::graphql::{OpResult, Outcome, error};
use super::state::{Ids, Product, Shop, Variant, gid, money, parse_gid, ts};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use rust_decimal::Decimal;
use serde_json::{Value, json};

pub const MAX_PAGE: u64 = 250;
const MAX_QUANTITY: i64 = 1_000_000_000;
const REASONS: [&str; 10] = [
    "correction",
    "cycle_count_available",
    "damaged",
    "movement_created",
    "other",
    "promotion",
    "quality_control",
    "received",
    "restock",
    "shrinkage",
];

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

/// The `after` cursor's key, or a GraphQL error for a cursor we never issued.
pub fn decode_cursor(vars: &Value) -> Result<Option<String>, Vec<Value>> {
    match vars.get("after").and_then(Value::as_str) {
        None => Ok(None),
        Some(c) => URL_SAFE_NO_PAD
            .decode(c)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .map(Some)
            .ok_or_else(|| vec![error(format!("Invalid cursor for current pagination sort: {c}"), "BAD_REQUEST")]),
    }
}

pub fn first_arg(vars: &Value) -> Result<usize, Vec<Value>> {
    match vars.get("first").and_then(Value::as_u64) {
        Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n as usize),
        Some(_) => Err(vec![error("The first argument must be between 1 and 250.", "BAD_REQUEST")]),
        None => Err(vec![error("you must provide one of first or last", "BAD_REQUEST")]),
    }
}

pub fn page_info(has_next: bool, end: Option<String>) -> Value {
    json!({ "hasNextPage": has_next, "endCursor": end })
}

pub fn shop(shop: &Shop) -> Outcome {
    let id = gid("Shop", shop.primary_location() - 1);
    Outcome::new(
        json!({ "shop": { "id": id, "name": shop.name, "currencyCode": shop.currency, "myshopifyDomain": shop.domain } }),
        1,
    )
}

pub fn locations(shop: &Shop, vars: &Value) -> OpResult {
    let first = first_arg(vars)?;
    let nodes: Vec<Value> = shop
        .locations
        .iter()
        .take(first)
        .map(|l| json!({ "id": gid("Location", l.id), "name": l.name, "isActive": true }))
        .collect();
    let n = nodes.len();
    Ok(Outcome::new(
        json!({ "locations": { "nodes": nodes, "pageInfo": page_info(shop.locations.len() > first, None) } }),
        n,
    ))
}

pub fn variant_node(shop: &Shop, v: &Variant) -> Value {
    let title = shop.product(v.product_id).map(|p| p.title.as_str()).unwrap_or_default();
    json!({
        "id": gid("ProductVariant", v.id), "sku": v.sku, "title": v.title, "price": money(v.price),
        "barcode": v.barcode,
        "product": { "id": gid("Product", v.product_id), "title": title },
        "inventoryItem": { "id": gid("InventoryItem", v.inventory_item_id), "tracked": v.tracked },
    })
}

/// `sku:"A" OR sku:B` → the exact SKUs asked for (other search terms match nothing here).
fn sku_terms(query: &str) -> Vec<String> {
    query
        .split(" OR ")
        .filter_map(|term| term.trim().strip_prefix("sku:"))
        .map(|v| match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\\\"", "\"").replace("\\\\", "\\"),
            None => v.to_owned(),
        })
        .collect()
}

pub fn variants(shop: &Shop, vars: &Value) -> OpResult {
    let first = first_arg(vars)?;
    let after: u64 = match decode_cursor(vars)? {
        None => 0,
        Some(k) => k.parse().map_err(|_| vec![error("Invalid cursor", "BAD_REQUEST")])?,
    };
    let skus = vars.get("query").and_then(Value::as_str).map(sku_terms);
    let start = shop.variants.partition_point(|v| v.id <= after);
    let mut matching = shop.variants[start..].iter().filter(|v| skus.as_ref().is_none_or(|s| s.contains(&v.sku)));
    let page: Vec<&Variant> = matching.by_ref().take(first).collect();
    let has_next = matching.next().is_some();
    let end = page.last().map(|v| encode_cursor(&v.id.to_string()));
    let nodes: Vec<Value> = page.iter().map(|v| variant_node(shop, v)).collect();
    let n = nodes.len();
    Ok(Outcome::new(json!({ "productVariants": { "nodes": nodes, "pageInfo": page_info(has_next, end) } }), n))
}

pub fn levels(shop: &Shop, vars: &Value) -> OpResult {
    let ids = vars.get("ids").and_then(Value::as_array).cloned().unwrap_or_default();
    if ids.len() > MAX_PAGE as usize {
        return Err(vec![error(
            format!("The input array size of {} is greater than the maximum allowed of 250.", ids.len()),
            "MAX_INPUT_SIZE_EXCEEDED",
        )]);
    }
    let location = vars.get("locationId").and_then(Value::as_str).and_then(|l| parse_gid("Location", l));
    let nodes: Vec<Value> = ids
        .iter()
        .map(|id| {
            let item =
                id.as_str().and_then(|s| parse_gid("InventoryItem", s)).filter(|i| shop.variant_by_item(*i).is_some());
            match item {
                None => Value::Null,
                Some(item) => {
                    let level = location.and_then(|l| shop.levels.get(&(item, l)));
                    let level = level.map(|q| json!({ "quantities": [{ "name": "available", "quantity": q }] }));
                    json!({ "id": gid("InventoryItem", item), "inventoryLevel": level })
                }
            }
        })
        .collect();
    Ok(Outcome::new(json!({ "nodes": nodes }), ids.len()))
}

/// The key of `@idempotent(key: "…")` or `@idempotent(key: $var)`.
fn idempotency_key(query: &str, vars: &Value) -> Option<String> {
    let rest = query.split_once("@idempotent(")?.1.split_once("key:")?.1.trim_start();
    if let Some(var) = rest.strip_prefix('$') {
        let name: String = var.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        return vars.get(&name).and_then(Value::as_str).map(str::to_owned);
    }
    rest.strip_prefix('"')?.split_once('"').map(|(k, _)| k.to_owned())
}

fn user_error(code: &str, field: Option<Vec<String>>, message: &str) -> Value {
    json!({ "code": code, "field": field, "message": message })
}

fn item_field(i: usize, name: &str) -> Option<Vec<String>> {
    Some(vec!["input".into(), "quantities".into(), i.to_string(), name.into()])
}

pub fn set_quantities(shop: &mut Shop, ids: &mut Ids, query: &str, vars: &Value) -> OpResult {
    let input = vars.get("input").cloned().unwrap_or(Value::Null);
    let quantities = input.get("quantities").and_then(Value::as_array).cloned().unwrap_or_default();
    if quantities.len() > MAX_PAGE as usize {
        let msg = format!("The input array size of {} is greater than the maximum allowed of 250.", quantities.len());
        return Err(vec![error(msg, "MAX_INPUT_SIZE_EXCEEDED")]);
    }
    let key = idempotency_key(query, vars);
    let canonical = input.to_string();
    if let Some((seen, answer)) = key.as_ref().and_then(|k| shop.idempotency.get(k)) {
        if *seen == canonical {
            return Ok(Outcome::new(answer.clone(), 0));
        }
        let e = user_error(
            "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
            None,
            "The same idempotency key was used with different parameters.",
        );
        return Ok(Outcome::new(
            json!({ "inventorySetQuantities": { "inventoryAdjustmentGroup": null, "userErrors": [e] } }),
            0,
        ));
    }
    let name = input.get("name").and_then(Value::as_str).unwrap_or_default();
    let reason = input.get("reason").and_then(Value::as_str).unwrap_or_default();
    let ignore_compare = input.get("ignoreCompareQuantity").and_then(Value::as_bool).unwrap_or(false);
    let mut errors = Vec::new();
    if name != "available" && name != "on_hand" {
        errors.push(user_error(
            "INVALID_NAME",
            Some(vec!["input".into(), "name".into()]),
            "The quantity name must be available or on_hand.",
        ));
    }
    if !REASONS.contains(&reason) {
        errors.push(user_error(
            "INVALID_REASON",
            Some(vec!["input".into(), "reason".into()]),
            "The reason is invalid.",
        ));
    }
    let mut planned = Vec::new();
    for (i, q) in quantities.iter().enumerate() {
        let item = q
            .get("inventoryItemId")
            .and_then(Value::as_str)
            .and_then(|s| parse_gid("InventoryItem", s))
            .filter(|i| shop.variant_by_item(*i).is_some());
        let location = q
            .get("locationId")
            .and_then(Value::as_str)
            .and_then(|s| parse_gid("Location", s))
            .filter(|l| shop.locations.iter().any(|x| x.id == *l));
        let quantity = q.get("quantity").and_then(Value::as_i64).unwrap_or(-1);
        let (Some(item), Some(location)) = (item, location) else {
            let (code, field) = if item.is_none() {
                ("INVALID_INVENTORY_ITEM", "inventoryItemId")
            } else {
                ("INVALID_LOCATION", "locationId")
            };
            errors.push(user_error(
                code,
                item_field(i, field),
                "The specified inventory item or location could not be found.",
            ));
            continue;
        };
        let Some(&current) = shop.levels.get(&(item, location)) else {
            errors.push(user_error(
                "ITEM_NOT_STOCKED_AT_LOCATION",
                item_field(i, "locationId"),
                "The item is not stocked at the location.",
            ));
            continue;
        };
        if quantity < 0 {
            errors.push(user_error(
                "INVALID_QUANTITY_NEGATIVE",
                item_field(i, "quantity"),
                "The quantity can't be negative.",
            ));
        } else if quantity > MAX_QUANTITY {
            errors.push(user_error(
                "INVALID_QUANTITY_TOO_HIGH",
                item_field(i, "quantity"),
                "The quantity can't be higher than 1,000,000,000.",
            ));
        }
        match q.get("changeFromQuantity") {
            Some(Value::Null) => {}
            Some(expected) if expected.as_i64() == Some(current) => {}
            Some(_) => errors.push(user_error(
                "CHANGE_FROM_QUANTITY_STALE",
                item_field(i, "changeFromQuantity"),
                "The specified changeFromQuantity does not match the current quantity.",
            )),
            None if ignore_compare || q.get("compareQuantity").and_then(Value::as_i64) == Some(current) => {}
            None => errors.push(user_error(
                "COMPARE_QUANTITY_REQUIRED",
                item_field(i, "changeFromQuantity"),
                "changeFromQuantity is required.",
            )),
        }
        planned.push((item, location, current, quantity));
    }
    let mut events = Vec::new();
    let payload = if errors.is_empty() {
        let mut changes = Vec::new();
        for &(item, location, current, quantity) in &planned {
            shop.levels.insert((item, location), quantity);
            for name in ["available", "on_hand"] {
                changes.push(json!({ "name": name, "delta": quantity - current, "quantityAfterChange": quantity,
                    "item": { "id": gid("InventoryItem", item) }, "location": { "id": gid("Location", location) } }));
            }
            events.push(("inventory_levels/update", level_payload(item, location, quantity)));
        }
        let group = json!({ "id": gid("InventoryAdjustmentGroup", ids.next()), "changes": changes });
        json!({ "inventorySetQuantities": { "inventoryAdjustmentGroup": group, "userErrors": [] } })
    } else {
        json!({ "inventorySetQuantities": { "inventoryAdjustmentGroup": null, "userErrors": errors } })
    };
    if let Some(k) = key {
        shop.idempotency.insert(k, (canonical, payload.clone()));
    }
    Ok(Outcome { data: payload, items: planned.len(), events })
}

/// The `inventory_levels/update` webhook body.
pub fn level_payload(item: u64, location: u64, available: i64) -> Value {
    json!({
        "inventory_item_id": item, "location_id": location, "available": available, "updated_at": ts(Utc::now()),
        "admin_graphql_api_id": format!("gid://shopify/InventoryLevel/{location}?inventory_item_id={item}"),
    })
}

pub fn product_set(shop: &mut Shop, ids: &mut Ids, vars: &Value) -> OpResult {
    let input = vars.get("input").cloned().unwrap_or(Value::Null);
    if vars.get("synchronous").and_then(Value::as_bool) != Some(true) {
        return Err(vec![error("This mock runs productSet only with synchronous: true", "BAD_REQUEST")]);
    }
    let fail = |field: &[&str], message: &str| {
        let e = json!({ "code": "INVALID", "field": field, "message": message });
        Ok(Outcome::new(json!({ "productSet": { "product": null, "userErrors": [e] } }), 0))
    };
    let title = input.get("title").and_then(Value::as_str).unwrap_or_default().trim().to_owned();
    if title.is_empty() {
        return fail(&["input", "title"], "Title can't be blank");
    }
    let variants = input.get("variants").and_then(Value::as_array).cloned().unwrap_or_default();
    if variants.is_empty() || variants.len() > 2048 {
        return fail(&["input", "variants"], "A product needs between 1 and 2048 variants");
    }
    let mut seen = std::collections::HashSet::new();
    let mut new_variants = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        let option = v.pointer("/optionValues/0/name").and_then(Value::as_str).unwrap_or_default().to_owned();
        if !seen.insert(option.clone()) {
            return fail(
                &["input", "variants", &i.to_string(), "optionValues"],
                "The variant option values must be unique",
            );
        }
        let Some(price) = v.get("price").and_then(Value::as_str).and_then(|p| p.parse::<Decimal>().ok()) else {
            return fail(&["input", "variants", &i.to_string(), "price"], "Price is invalid");
        };
        let mut stock = Vec::new();
        for q in v.get("inventoryQuantities").and_then(Value::as_array).into_iter().flatten() {
            let location = q
                .get("locationId")
                .and_then(Value::as_str)
                .and_then(|l| parse_gid("Location", l))
                .filter(|l| shop.locations.iter().any(|x| x.id == *l));
            let Some(location) = location else {
                return fail(&["input", "variants", &i.to_string(), "inventoryQuantities"], "Location not found");
            };
            stock.push((location, q.get("quantity").and_then(Value::as_i64).unwrap_or(0)));
        }
        let sku = v.get("sku").and_then(Value::as_str).unwrap_or_default().to_owned();
        new_variants.push((sku, option, price, stock));
    }
    let product_id = ids.next();
    let mut variant_ids = Vec::new();
    for (sku, title, price, stock) in new_variants {
        let (id, item) = (ids.next(), ids.next());
        shop.item_index.insert(item, shop.variants.len());
        shop.variants.push(Variant {
            id,
            product_id,
            sku,
            title,
            price,
            inventory_item_id: item,
            tracked: true,
            barcode: None,
        });
        for (location, q) in stock {
            shop.levels.insert((item, location), q);
        }
        variant_ids.push(id);
    }
    shop.products.push(Product {
        id: product_id,
        title: title.clone(),
        variant_ids: variant_ids.clone(),
        updated_at: Utc::now(),
    });
    let nodes: Vec<Value> =
        variant_ids.iter().filter_map(|id| shop.variant(*id)).map(|v| variant_node(shop, v)).collect();
    let n = nodes.len();
    let product = json!({ "id": gid("Product", product_id), "title": title, "variants": { "nodes": nodes } });
    Ok(Outcome::new(json!({ "productSet": { "product": product, "userErrors": [] } }), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_key_from_literal_or_variable() {
        let vars = json!({ "k": "abc-1" });
        assert_eq!(
            idempotency_key(r#"m { x(input: $i) @idempotent(key: "lit-2") { y } }"#, &vars).as_deref(),
            Some("lit-2")
        );
        assert_eq!(idempotency_key("m { x @idempotent(key: $k) { y } }", &vars).as_deref(), Some("abc-1"));
        assert_eq!(idempotency_key("m { x { y } }", &vars), None);
    }

    #[test]
    fn sku_search_terms() {
        assert_eq!(sku_terms(r#"sku:"AS0001" OR sku:AS0002 OR title:x"#), vec!["AS0001", "AS0002"]);
    }
}
