//! Read endpoints of the Connector (`/connector/api/...`): user, locations, payment methods,
//! products, variations and contacts, each scoped to the caller's business.

use super::{
    PAYMENT_METHODS, Shared,
    oauth::Caller,
    paging::{ListRequest, id_list, like},
    render,
};
use axum::{
    Extension, Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

fn location_param(list: &ListRequest) -> Option<i64> {
    list.get("location_id").and_then(|s| s.parse().ok())
}

pub(super) async fn logged_in(State(mock): State<Shared>, Extension(c): Extension<Caller>) -> Response {
    let store = mock.lock();
    let Some(u) = store.users.iter().find(|u| u.id == c.user_id) else {
        return (StatusCode::UNAUTHORIZED, Json(json!({ "message": "Unauthenticated." }))).into_response();
    };
    Json(json!({ "data": {
        "id": u.id, "user_type": "user", "surname": null, "first_name": u.username, "last_name": null,
        "username": u.username, "email": null, "language": "en", "business_id": u.business_id, "status": "active",
    }}))
    .into_response()
}

/// `GET /business-details`: the caller's business (a subset of UltimatePOS's business row).
pub(super) async fn business_details(State(mock): State<Shared>, Extension(c): Extension<Caller>) -> Response {
    let store = mock.lock();
    let Some(b) = store.businesses.get(&c.business_id) else {
        return (StatusCode::NOT_FOUND, Json(json!({ "message": "Business not found." }))).into_response();
    };
    Json(json!({ "data": {
        "id": b.id, "name": b.name, "currency_id": 1, "start_date": "2024-01-01", "time_zone": "Africa/Nairobi",
        "currency": { "id": 1, "code": "KES", "symbol": "KSh", "thousand_separator": ",", "decimal_separator": "." },
        "sell_price_tax": "includes", "enable_product_expiry": 0, "pos_settings": null,
    }}))
    .into_response()
}

pub(super) async fn locations(State(mock): State<Shared>, Extension(c): Extension<Caller>) -> Json<Value> {
    let store = mock.lock();
    let data: Vec<Value> =
        store.locations.values().filter(|l| l.business_id == c.business_id).map(render::location).collect();
    Json(json!({ "data": data }))
}

pub(super) async fn payment_methods(Extension(_c): Extension<Caller>) -> Json<Value> {
    let map: Map<String, Value> = PAYMENT_METHODS.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    Json(Value::Object(map))
}

/// `GET /product`: `location_id` keeps products of that location and trims stock rows to it;
/// `sku` is a LIKE on the product SKU or any sub_sku; `name` a LIKE on the name.
pub(super) async fn products(
    State(mock): State<Shared>,
    Extension(c): Extension<Caller>,
    list: ListRequest,
) -> Json<Value> {
    let store = mock.lock();
    let location = location_param(&list);
    if location.is_some_and(|l| store.location_of(c.business_id, l).is_none()) {
        return Json(list.page::<i64>(&[], |_| Value::Null));
    }
    let sku = list.get("sku");
    let name = list.get("name");
    let found: Vec<_> = store
        .products
        .values()
        .filter(|p| p.business_id == c.business_id)
        .filter(|p| name.is_none_or(|n| like(&p.name, n)))
        .filter(|p| {
            sku.is_none_or(|s| {
                like(&p.sku, s)
                    || p.variations.iter().filter_map(|v| store.variations.get(v)).any(|v| like(&v.sub_sku, s))
            })
        })
        .collect();
    Json(list.page(&found, |p| render::product(&store, p, location)))
}

/// `GET /product/{ids}`: the listed products of this business, unpaginated.
pub(super) async fn products_by_id(
    State(mock): State<Shared>,
    Extension(c): Extension<Caller>,
    Path(ids): Path<String>,
) -> Json<Value> {
    let store = mock.lock();
    let data: Vec<Value> = id_list(&ids)
        .into_iter()
        .filter_map(|id| store.products.get(&id))
        .filter(|p| p.business_id == c.business_id)
        .map(|p| render::product(&store, p, None))
        .collect();
    Json(json!({ "data": data }))
}

/// `GET /variation/{ids?}`: flat variations; filters `product_id` (csv), `location_id`, `name`,
/// and the Connector's buggy `sku` (product SKU LIKE x AND sub_sku LIKE x).
pub(super) async fn variations(
    State(mock): State<Shared>,
    Extension(c): Extension<Caller>,
    ids: Option<Path<String>>,
    list: ListRequest,
) -> Json<Value> {
    let store = mock.lock();
    let location = location_param(&list);
    let only_ids = ids.map(|Path(s)| id_list(&s));
    let product_ids = list.get("product_id").map(id_list);
    let sku = list.get("sku");
    let name = list.get("name");
    let location_ok = location.is_none_or(|l| store.location_of(c.business_id, l).is_some());
    // Listed ids are looked up, in id order as the full scan would give them, so a read of 200
    // ids costs 200 lookups and not a pass over the whole catalog (`WHERE id IN (…)` on an index).
    let listed: Option<Vec<_>> = only_ids.map(|ids| {
        let ids: std::collections::BTreeSet<i64> = ids.into_iter().collect();
        ids.iter().filter_map(|id| store.variations.get(id)).collect()
    });
    let all = store.variations.values().take(if listed.is_some() { 0 } else { usize::MAX });
    let rows = listed
        .iter()
        .flatten()
        .copied()
        .chain(all)
        .filter(|_| location_ok)
        .filter_map(|v| store.product_of(v).filter(|p| p.business_id == c.business_id).map(|p| (p, v)))
        .filter(|(p, _)| product_ids.as_ref().is_none_or(|ids| ids.contains(&p.id)))
        .filter(|(p, v)| sku.is_none_or(|s| like(&p.sku, s) && like(&v.sub_sku, s)))
        .filter(|(p, _)| name.is_none_or(|n| like(&p.name, n)));
    Json(list.page_lazily(rows, |(p, v)| render::variation_row(&store, p, v, location)))
}

/// `GET /contactapi`: `type=customer` also matches `both`; `name` is a LIKE.
pub(super) async fn contacts(
    State(mock): State<Shared>,
    Extension(c): Extension<Caller>,
    list: ListRequest,
) -> Json<Value> {
    let store = mock.lock();
    let kind = list.get("type");
    let name = list.get("name");
    let mobile = list.get("mobile_num");
    let found: Vec<_> = store
        .contacts
        .values()
        .filter(|x| x.business_id == c.business_id)
        .filter(|x| kind.is_none_or(|k| x.kind == *k || x.kind == "both"))
        .filter(|x| name.is_none_or(|n| like(&x.name, n)))
        .filter(|x| mobile.is_none_or(|m| x.mobile == *m))
        .collect();
    Json(list.page(&found, |x| render::contact(x)))
}

/// `POST /contactapi`: `first_name` and `mobile` are required; `type` defaults to customer.
pub(super) async fn create_contact(
    State(mock): State<Shared>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> Response {
    let input = super::sells::parse_input(&body);
    let text =
        |k: &str| input.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let (Some(first_name), Some(mobile)) = (text("first_name"), text("mobile")) else {
        let errors =
            json!({ "first_name": ["The first name field is required."], "mobile": ["The mobile field is required."] });
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "message": "The given data was invalid.", "errors": errors })),
        )
            .into_response();
    };
    let kind = text("type").unwrap_or_else(|| "customer".into());
    if !["customer", "supplier", "both"].contains(&kind.as_str()) {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "message": "The selected type is invalid." })))
            .into_response();
    }
    let mut store = mock.lock();
    let id = store.ids.contact();
    let contact = super::store::Contact {
        id,
        business_id: c.business_id,
        kind,
        name: [Some(first_name.clone()), text("last_name")].into_iter().flatten().collect::<Vec<_>>().join(" "),
        first_name,
        mobile,
        email: text("email"),
        is_default: false,
    };
    let v = render::contact(&contact);
    store.contacts.insert(id, contact);
    Json(json!({ "data": v })).into_response()
}
