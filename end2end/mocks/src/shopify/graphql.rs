//! The GraphQL endpoint: token check, operation recognition (by the root field the client's query
//! names), query-cost accounting with a leaky bucket per shop (`THROTTLED` when empty), and the
//! `extensions.cost` every answer carries.

use super::{ShopifyMock, ops, orders, state::Shop, webhooks};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde_json::{Value, json};

/// A single query may not cost more than this.
const MAX_QUERY_COST: f64 = 1000.0;
const BASE_COST: f64 = 10.0;

/// What an operation produced: `data`, how many items it returned or changed, webhooks to fire.
pub struct Outcome {
    pub data: Value,
    pub items: usize,
    pub events: Vec<(&'static str, Value)>,
}

impl Outcome {
    pub fn new(data: Value, items: usize) -> Self {
        Outcome { data, items, events: Vec::new() }
    }
}

/// A top-level GraphQL error.
pub fn error(message: impl Into<String>, code: &str) -> Value {
    json!({ "message": message.into(), "extensions": { "code": code } })
}

pub type OpResult = Result<Outcome, Vec<Value>>;

#[derive(Debug, Clone, Copy)]
enum Op {
    SetQuantities,
    ProductSet,
    WebhookCreate,
    WebhookDelete,
    Webhooks,
    Variants,
    Levels,
    Orders,
    Locations,
    Shop,
}

fn recognise(query: &str) -> Option<Op> {
    const ROOTS: [(&str, Op); 10] = [
        ("inventorySetQuantities", Op::SetQuantities),
        ("productSet(", Op::ProductSet),
        ("webhookSubscriptionCreate", Op::WebhookCreate),
        ("webhookSubscriptionDelete", Op::WebhookDelete),
        ("webhookSubscriptions(", Op::Webhooks),
        ("productVariants(", Op::Variants),
        ("nodes(ids:", Op::Levels),
        ("orders(", Op::Orders),
        ("locations(", Op::Locations),
        ("shop {", Op::Shop),
    ];
    ROOTS.iter().find(|(needle, _)| query.contains(needle)).map(|(_, op)| *op)
}

fn list_len(v: Option<&Value>) -> usize {
    v.and_then(Value::as_array).map_or(0, Vec::len)
}

/// Requested cost: a base plus one point per item asked for.
fn requested_cost(op: Op, vars: &Value) -> f64 {
    let n = match op {
        Op::Variants | Op::Webhooks | Op::Orders | Op::Locations => {
            vars.get("first").and_then(Value::as_u64).unwrap_or(1) as usize
        }
        Op::Levels => list_len(vars.get("ids")),
        Op::SetQuantities => list_len(vars.pointer("/input/quantities")),
        Op::ProductSet => list_len(vars.pointer("/input/variants")),
        Op::WebhookCreate | Op::WebhookDelete | Op::Shop => 1,
    };
    BASE_COST + n as f64
}

fn run(op: Op, shop: &mut Shop, ids: &mut super::state::Ids, query: &str, vars: &Value) -> OpResult {
    match op {
        Op::Shop => Ok(ops::shop(shop)),
        Op::Locations => ops::locations(shop, vars),
        Op::Variants => ops::variants(shop, vars),
        Op::Levels => ops::levels(shop, vars),
        Op::SetQuantities => ops::set_quantities(shop, ids, query, vars),
        Op::ProductSet => ops::product_set(shop, ids, vars),
        Op::WebhookCreate => webhooks::create(shop, ids, vars),
        Op::WebhookDelete => webhooks::delete(shop, vars),
        Op::Webhooks => webhooks::list(shop, vars),
        Op::Orders => orders::query(shop, vars),
    }
}

fn cost_extension(requested: f64, actual: Option<f64>, shop: &mut Shop) -> Value {
    let available = shop.bucket.available();
    json!({ "cost": {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
        "throttleStatus": { "maximumAvailable": shop.bucket.max, "currentlyAvailable": available.floor(), "restoreRate": shop.bucket.restore_rate },
    }})
}

pub async fn endpoint(
    State(mock): State<ShopifyMock>,
    Path((shop_name, _version)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = headers.get("x-shopify-access-token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let (answer, events) = {
        let mut guard = mock.lock();
        let store = &mut *guard;
        if !store.shops.contains_key(&shop_name) {
            return (StatusCode::NOT_FOUND, Json(json!({ "errors": "Not Found" }))).into_response();
        }
        let now = Utc::now();
        let authorised =
            store.access_tokens.get(&token).is_some_and(|t| t.shop == shop_name && t.expires.is_none_or(|e| e > now));
        if !authorised {
            let msg = "[API] Invalid API key or access token (unrecognized login or wrong password)";
            return (StatusCode::UNAUTHORIZED, Json(json!({ "errors": msg }))).into_response();
        }
        let Some(request) =
            serde_json::from_slice::<Value>(&body).ok().filter(|r| r.get("query").is_some_and(Value::is_string))
        else {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({ "errors": { "query": "Required parameter missing or invalid" } })),
            )
                .into_response();
        };
        let query = request["query"].as_str().unwrap_or_default();
        let vars = request.get("variables").filter(|v| v.is_object()).cloned().unwrap_or_else(|| json!({}));
        let shop = store.shops.get_mut(&shop_name).expect("checked above");
        let Some(op) = recognise(query) else {
            return Json(
                json!({ "errors": [error("This mock does not implement the requested field", "undefinedField")] }),
            )
            .into_response();
        };
        let requested = requested_cost(op, &vars);
        let max_cost = MAX_QUERY_COST.min(shop.bucket.max);
        if requested > max_cost {
            let msg = format!("Query cost is {requested}, which exceeds the single query max cost limit ({max_cost}).");
            return Json(json!({ "errors": [error(msg, "MAX_COST_EXCEEDED")] })).into_response();
        }
        if !shop.bucket.take(requested) {
            shop.throttled += 1;
            let ext = cost_extension(requested, None, shop);
            return Json(json!({ "errors": [error("Throttled", "THROTTLED")], "extensions": ext })).into_response();
        }
        match run(op, shop, &mut store.ids, query, &vars) {
            Ok(out) => {
                let actual = (BASE_COST + out.items as f64).min(requested);
                shop.bucket.give_back(requested - actual);
                let ext = cost_extension(requested, Some(actual), shop);
                (json!({ "data": out.data, "extensions": ext }), out.events)
            }
            Err(errors) => {
                shop.bucket.give_back(requested - BASE_COST);
                let ext = cost_extension(requested, Some(BASE_COST), shop);
                (json!({ "errors": errors, "extensions": ext }), Vec::new())
            }
        }
    };
    for (topic, payload) in events {
        let (mock, shop) = (mock.clone(), shop_name.clone());
        tokio::spawn(async move { mock.deliver(&shop, topic, payload).await });
    }
    Json(answer).into_response()
}
