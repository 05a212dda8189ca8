//! Products and variations on the mock: list (paged, exact comma-separated `sku` filter that also
//! finds variations), read, create, update, and batch with the 100-object limit and inline errors.

use super::{
    WooMock,
    model::{Kind, Product, Store, Variation, now},
    render,
    rest::{Paging, WpErr, WpResult, query_map},
};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::IntoResponse,
};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::{collections::HashSet, str::FromStr};

/// Objects one batch call may carry (`woocommerce_rest_batch_items_limit`).
pub const BATCH_ITEMS_LIMIT: usize = 100;

/// Which collection a write goes to.
#[derive(Clone, Copy)]
enum Target {
    Products,
    Variations(u64),
}

pub(super) fn json_body(body: &Bytes) -> Result<Value, WpErr> {
    if body.is_empty() {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|_| WpErr::new(400, "rest_invalid_json", "Invalid JSON body passed."))
}

fn id_param(raw: &str) -> Result<u64, WpErr> {
    raw.parse().map_err(|_| WpErr::no_route())
}

fn invalid_id(target: Target) -> WpErr {
    match target {
        Target::Products => WpErr::new(400, "woocommerce_rest_product_invalid_id", "Invalid ID."),
        Target::Variations(_) => WpErr::new(400, "woocommerce_rest_product_variation_invalid_id", "Invalid ID."),
    }
}

pub(super) async fn list_products(
    State(mock): State<WooMock>,
    Path(store): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> WpResult {
    let q = query_map(&uri);
    let paging = Paging::parse(&q)?;
    let wanted: Option<HashSet<String>> =
        q.get("sku").map(|s| s.split(',').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect());
    // Sorted and cut first, so only the page asked for is rendered (a large catalog is read in
    // hundreds of pages).
    let (total, page) = mock.read_store(&store, |s| {
        if wanted.is_none() {
            // Newest first straight from the id-ordered map, as WooCommerce's `ORDER BY ID DESC
            // LIMIT … OFFSET …`: a page costs its offset, not a sort of the whole catalog.
            let page = s
                .products
                .values()
                .rev()
                .skip(paging.offset())
                .take(paging.per_page)
                .map(|p| render::product(s, p))
                .collect();
            return (s.products.len(), page);
        }
        let mut keys: Vec<(u64, Option<u64>)> = s
            .products
            .values()
            .filter(|p| wanted.as_ref().is_none_or(|w| w.contains(&p.sku)))
            .map(|p| (p.id, None))
            .collect();
        if let Some(w) = &wanted {
            keys.extend(s.variations.values().filter(|v| w.contains(&v.sku)).map(|v| (v.id, Some(v.parent_id))));
        }
        keys.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
        let page: Vec<Value> = keys
            .iter()
            .skip(paging.offset())
            .take(paging.per_page)
            .filter_map(|(id, parent)| match parent {
                None => s.products.get(id).map(|p| render::product(s, p)),
                Some(pid) => {
                    s.products.get(pid).zip(s.variations.get(id)).map(|(p, v)| render::variation_as_product(p, v))
                }
            })
            .collect();
        (keys.len(), page)
    })?;
    Ok(paging.respond_page(&headers, &uri, total, page))
}

pub(super) async fn get_product(State(mock): State<WooMock>, Path((store, id)): Path<(String, String)>) -> WpResult {
    let id = id_param(&id)?;
    let found = mock.read_store(&store, |s| match (s.products.get(&id), s.variations.get(&id)) {
        (Some(p), _) => Some(render::product(s, p)),
        (None, Some(v)) => s.products.get(&v.parent_id).map(|parent| render::variation_as_product(parent, v)),
        _ => None,
    })?;
    found
        .map(|v| Json(v).into_response())
        .ok_or_else(|| WpErr::new(404, "woocommerce_rest_product_invalid_id", "Invalid ID."))
}

pub(super) async fn create_product(State(mock): State<WooMock>, Path(store): Path<String>, body: Bytes) -> WpResult {
    let body = json_body(&body)?;
    let created = mock.write_store(&store, |s| create(s, Target::Products, &body))??;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

pub(super) async fn update_product(
    State(mock): State<WooMock>,
    Path((store, id)): Path<(String, String)>,
    body: Bytes,
) -> WpResult {
    let (id, body) = (id_param(&id)?, json_body(&body)?);
    Ok(Json(mock.write_store(&store, |s| update(s, Target::Products, id, &body))??).into_response())
}

pub(super) async fn batch_products(State(mock): State<WooMock>, Path(store): Path<String>, body: Bytes) -> WpResult {
    let body = json_body(&body)?;
    Ok(Json(mock.write_store(&store, |s| batch(s, Target::Products, &body))??).into_response())
}

pub(super) async fn list_variations(
    State(mock): State<WooMock>,
    Path((store, pid)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> WpResult {
    let pid = id_param(&pid)?;
    let paging = Paging::parse(&query_map(&uri))?;
    let items = mock.read_store(&store, |s| {
        let parent = s.products.get(&pid)?;
        let mut ids = parent.variation_ids.clone();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        Some(ids.iter().filter_map(|id| s.variations.get(id)).map(|v| render::variation(parent, v)).collect::<Vec<_>>())
    })?;
    let items = items.ok_or_else(|| WpErr::new(404, "woocommerce_rest_product_invalid_id", "Invalid ID."))?;
    Ok(paging.respond(&headers, &uri, items))
}

pub(super) async fn create_variation(
    State(mock): State<WooMock>,
    Path((store, pid)): Path<(String, String)>,
    body: Bytes,
) -> WpResult {
    let (pid, body) = (id_param(&pid)?, json_body(&body)?);
    let created = mock.write_store(&store, |s| create(s, Target::Variations(pid), &body))??;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

pub(super) async fn update_variation(
    State(mock): State<WooMock>,
    Path((store, pid, id)): Path<(String, String, String)>,
    body: Bytes,
) -> WpResult {
    let (pid, id, body) = (id_param(&pid)?, id_param(&id)?, json_body(&body)?);
    Ok(Json(mock.write_store(&store, |s| update(s, Target::Variations(pid), id, &body))??).into_response())
}

pub(super) async fn batch_variations(
    State(mock): State<WooMock>,
    Path((store, pid)): Path<(String, String)>,
    body: Bytes,
) -> WpResult {
    let (pid, body) = (id_param(&pid)?, json_body(&body)?);
    Ok(Json(mock.write_store(&store, |s| batch(s, Target::Variations(pid), &body))??).into_response())
}

/// `{"create":[…],"update":[…],"delete":[…]}` → per-op arrays; a refused item is answered
/// inline as `{"id", "error": {…}}` while the others go through.
fn batch(store: &mut Store, target: Target, body: &Value) -> Result<Value, WpErr> {
    let list = |op: &str| body.get(op).and_then(Value::as_array).cloned();
    let (creates, updates, deletes) = (list("create"), list("update"), list("delete"));
    let count = [&creates, &updates, &deletes].iter().map(|l| l.as_ref().map_or(0, Vec::len)).sum::<usize>();
    if count > BATCH_ITEMS_LIMIT {
        let msg = format!("Unable to accept more than {BATCH_ITEMS_LIMIT} items for this request.");
        return Err(WpErr::new(413, "woocommerce_rest_request_entity_too_large", &msg));
    }
    if let Target::Variations(pid) = target {
        parent(store, pid)?;
    }
    let inline = |id: u64, e: WpErr| json!({ "id": id, "error": e.body() });
    let mut out = serde_json::Map::new();
    if let Some(items) = creates {
        let done = items.iter().map(|item| create(store, target, item).unwrap_or_else(|e| inline(0, e))).collect();
        out.insert("create".into(), Value::Array(done));
    }
    if let Some(items) = updates {
        let mut done = Vec::new();
        for item in &items {
            let id = item.get("id").and_then(Value::as_u64).unwrap_or(0);
            done.push(update(store, target, id, item).unwrap_or_else(|e| inline(id, e)));
        }
        out.insert("update".into(), Value::Array(done));
    }
    if let Some(items) = deletes {
        let mut done = Vec::new();
        for item in &items {
            let id = item.as_u64().or_else(|| item.get("id").and_then(Value::as_u64)).unwrap_or(0);
            done.push(delete(store, target, id).unwrap_or_else(|e| inline(id, e)));
        }
        out.insert("delete".into(), Value::Array(done));
    }
    Ok(Value::Object(out))
}

fn parent(store: &Store, pid: u64) -> Result<&Product, WpErr> {
    store
        .products
        .get(&pid)
        .filter(|p| p.kind == Kind::Variable)
        .ok_or_else(|| WpErr::new(404, "woocommerce_rest_product_invalid_id", "Invalid ID."))
}

/// The writable fields of a product or variation in a request body.
#[derive(Default)]
struct Fields {
    name: Option<String>,
    sku: Option<String>,
    regular_price: Option<Option<Decimal>>,
    manage_stock: Option<bool>,
    stock_quantity: Option<i64>,
    stock_status: Option<String>,
}

fn fields(body: &Value) -> Result<Fields, WpErr> {
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    let regular_price = match body.get("regular_price") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => Some(None),
        Some(v) => {
            let raw = v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string());
            let d = Decimal::from_str(raw.trim())
                .ok()
                .filter(|d| d.abs() < Decimal::from(1_000_000_000_000i64))
                .ok_or_else(|| WpErr::invalid_param("regular_price", "regular_price is not a valid price."))?;
            Some(Some(d))
        }
    };
    let stock_quantity = match body.get("stock_quantity") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let n = v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
            Some(n.ok_or_else(|| WpErr::invalid_param("stock_quantity", "stock_quantity is not of type integer."))?)
        }
    };
    Ok(Fields {
        name: text("name"),
        sku: text("sku"),
        regular_price,
        manage_stock: body.get("manage_stock").and_then(Value::as_bool),
        stock_quantity,
        stock_status: text("stock_status"),
    })
}

fn check_sku(store: &Store, f: &Fields, except: Option<u64>) -> Result<(), WpErr> {
    match f.sku.as_deref().and_then(|sku| store.sku_owner(sku, except).map(|owner| (sku, owner))) {
        None => Ok(()),
        Some((sku, owner)) => Err(WpErr::new(400, "product_invalid_sku", "Invalid or duplicated SKU.")
            .with("resource_id", json!(owner))
            .with("unique_sku", json!(format!("{sku}-1")))),
    }
}

fn create(store: &mut Store, target: Target, body: &Value) -> Result<Value, WpErr> {
    let f = fields(body)?;
    check_sku(store, &f, None)?;
    let id = store.next_id();
    let at = now();
    match target {
        Target::Products => {
            let kind = match body.get("type").and_then(Value::as_str).unwrap_or("simple") {
                "simple" => Kind::Simple,
                "variable" => Kind::Variable,
                _ => return Err(WpErr::invalid_param("type", "type is not one of simple and variable.")),
            };
            let attributes = body
                .get("attributes")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(attribute).collect())
                .unwrap_or_default();
            let p = Product {
                id,
                name: f.name.clone().unwrap_or_else(|| "Product".into()),
                kind,
                sku: String::new(),
                global_unique_id: String::new(),
                regular_price: None,
                manage_stock: false,
                stock_quantity: None,
                stock_status: "instock".into(),
                attributes,
                variation_ids: Vec::new(),
                created: at,
                modified: at,
            };
            store.products.insert(id, p);
        }
        Target::Variations(pid) => {
            parent(store, pid)?;
            let attributes = body
                .get("attributes")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|x| Some((text_of(x, "name")?, text_of(x, "option")?))).collect())
                .unwrap_or_default();
            let v = Variation {
                id,
                parent_id: pid,
                sku: String::new(),
                global_unique_id: String::new(),
                regular_price: None,
                manage_stock: false,
                stock_quantity: None,
                stock_status: "instock".into(),
                attributes,
                created: at,
                modified: at,
            };
            store.variations.insert(id, v);
            if let Some(p) = store.products.get_mut(&pid) {
                p.variation_ids.push(id);
            }
        }
    }
    update(store, target, id, body)
}

fn text_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn attribute(v: &Value) -> Option<(String, Vec<String>)> {
    let options = v.get("options")?.as_array()?.iter().filter_map(|o| o.as_str().map(str::to_owned)).collect();
    Some((text_of(v, "name")?, options))
}

fn update(store: &mut Store, target: Target, id: u64, body: &Value) -> Result<Value, WpErr> {
    let f = fields(body)?;
    check_sku(store, &f, Some(id))?;
    let at = now();
    match target {
        Target::Products => {
            let p = store.products.get_mut(&id).ok_or_else(|| invalid_id(target))?;
            if let Some(name) = f.name.clone() {
                p.name = name;
            }
            apply(
                &f,
                &mut p.sku,
                &mut p.regular_price,
                &mut p.manage_stock,
                &mut p.stock_quantity,
                &mut p.stock_status,
            );
            p.modified = at;
            Ok(render::product(store, &store.products[&id]))
        }
        Target::Variations(pid) => {
            let v = store.variations.get_mut(&id).filter(|v| v.parent_id == pid).ok_or_else(|| invalid_id(target))?;
            apply(
                &f,
                &mut v.sku,
                &mut v.regular_price,
                &mut v.manage_stock,
                &mut v.stock_quantity,
                &mut v.stock_status,
            );
            v.modified = at;
            Ok(render::variation(parent(store, pid)?, &store.variations[&id]))
        }
    }
}

fn apply(
    f: &Fields,
    sku: &mut String,
    price: &mut Option<Decimal>,
    manage: &mut bool,
    qty: &mut Option<i64>,
    status: &mut String,
) {
    if let Some(s) = &f.sku {
        *sku = s.clone();
    }
    if let Some(p) = f.regular_price {
        *price = p;
    }
    if let Some(m) = f.manage_stock {
        *manage = m;
    }
    if let (true, Some(q)) = (*manage, f.stock_quantity) {
        *qty = Some(q);
    }
    if let Some(s) = &f.stock_status {
        *status = s.clone();
    }
}

fn delete(store: &mut Store, target: Target, id: u64) -> Result<Value, WpErr> {
    match target {
        Target::Products => {
            let shown = store.products.get(&id).map(|p| render::product(store, p)).ok_or_else(|| invalid_id(target))?;
            if let Some(p) = store.products.remove(&id) {
                for vid in p.variation_ids {
                    store.variations.remove(&vid);
                }
            }
            Ok(shown)
        }
        Target::Variations(pid) => {
            let v = store.variations.get(&id).filter(|v| v.parent_id == pid).ok_or_else(|| invalid_id(target))?;
            let shown = render::variation(parent(store, pid)?, v);
            store.variations.remove(&id);
            if let Some(p) = store.products.get_mut(&pid) {
                p.variation_ids.retain(|x| *x != id);
            }
            Ok(shown)
        }
    }
}
