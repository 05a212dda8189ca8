//! The GraphQL endpoint: token check, the document parsed and checked against Shopify's schema
//! (see `schema`), its requested cost refused over 1,000 points and otherwise taken from a leaky
//! bucket per shop (`THROTTLED` when empty), each root field run, the answer cut down to the
//! selection, and the `extensions.cost` every answer carries.

use super::{
    ShopifyMock, bulk, ops, orders,
    schema::{self, Operation},
    state::Shop,
    webhooks,
};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde_json::{Map, Value, json};

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

/// Where the request came in: bulk result files are served from the same host.
pub struct Ctx<'a> {
    pub domain: &'a str,
    pub base: &'a str,
}

/// Runs one root field of the operation; `vars` holds the variables and the field's arguments.
fn run(root: &str, shop: &mut Shop, ids: &mut super::state::Ids, query: &str, vars: &Value, ctx: &Ctx<'_>) -> OpResult {
    match root {
        "bulkOperationRunQuery" => bulk::run_query(shop, ids, vars, ctx.base),
        "node" => bulk::node(shop, ctx.domain, vars),
        "currentBulkOperation" => bulk::current(shop, ctx.domain),
        "shop" => Ok(ops::shop(shop)),
        "locations" => ops::locations(shop, vars),
        "productVariants" => ops::variants(shop, vars),
        "nodes" => ops::levels(shop, vars),
        "inventorySetQuantities" => ops::set_quantities(shop, ids, query, vars),
        "productSet" => ops::product_set(shop, ids, vars),
        "webhookSubscriptionCreate" => webhooks::create(shop, ids, vars),
        "webhookSubscriptionDelete" => webhooks::delete(shop, vars),
        "webhookSubscriptions" => webhooks::list(shop, vars),
        "orders" => orders::query(shop, vars),
        "order" => orders::one(shop, vars),
        other => Err(vec![error(format!("Field '{other}' is not served by this mock"), "undefinedField")]),
    }
}

/// Every root field run in turn; their data merged, their webhooks gathered.
fn run_all(op: &Operation<'_>, shop: &mut Shop, ids: &mut super::state::Ids, query: &str, ctx: &Ctx<'_>) -> OpResult {
    let mut data = Map::new();
    let mut out = Outcome::new(Value::Null, 0);
    for (root, args) in op.roots() {
        let mut vars = op.vars.clone();
        if let (Some(v), Some(a)) = (vars.as_object_mut(), args.as_object()) {
            v.extend(a.clone());
        }
        let done = run(&root, shop, ids, query, &vars, ctx)?;
        if let Value::Object(m) = done.data {
            data.extend(m);
        }
        out.items += done.items;
        out.events.extend(done.events);
    }
    out.data = op.project(&Value::Object(data));
    Ok(out)
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
        let operation_name = request.get("operationName").and_then(Value::as_str);
        let op = match schema::parse(query, &vars, operation_name) {
            Ok(op) => op,
            Err(errors) => return Json(json!({ "errors": errors })).into_response(),
        };
        if let Err(errors) = op.validate() {
            return Json(json!({ "errors": errors })).into_response();
        }
        let requested = op.requested_cost() as f64;
        let max_cost = MAX_QUERY_COST.min(shop.bucket.max);
        if requested > max_cost {
            let msg = format!(
                "Query cost is {requested}, which exceeds the single query max cost limit ({max_cost}).\n\nSee \
                 https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a \
                 query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations \
                 should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api \
                 for usage details.\n"
            );
            let e = json!({ "message": msg, "extensions": { "code": "MAX_COST_EXCEEDED", "cost": requested,
                "maxCost": max_cost, "documentation": "https://shopify.dev/api/usage/rate-limits" } });
            shop.cost_refusals += 1;
            return Json(json!({ "errors": [e] })).into_response();
        }
        if !shop.bucket.take(requested) {
            shop.throttled += 1;
            let ext = cost_extension(requested, None, shop);
            return Json(json!({ "errors": [error("Throttled", "THROTTLED")], "extensions": ext })).into_response();
        }
        shop.max_requested_cost = shop.max_requested_cost.max(requested);
        let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
        let base = format!("http://{host}");
        let ctx = Ctx { domain: &shop_name, base: &base };
        match run_all(&op, shop, &mut store.ids, query, &ctx) {
            Ok(out) => {
                let extra = if op.mutation { 9.0 } else { -1.0 };
                let actual = (schema::actual_cost(&out.data) as f64 + extra).clamp(0.0, requested);
                shop.bucket.give_back(requested - actual);
                let ext = cost_extension(requested, Some(actual), shop);
                (json!({ "data": out.data, "extensions": ext }), out.events)
            }
            Err(errors) => {
                let actual = BASE_COST.min(requested);
                shop.bucket.give_back(requested - actual);
                let ext = cost_extension(requested, Some(actual), shop);
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
