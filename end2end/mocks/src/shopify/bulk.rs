//! Bulk operations: `bulkOperationRunQuery` runs a query over a whole connection on the shop's
//! side and leaves the result as a JSONL file; `node(id:)` / `currentBulkOperation` tell how it
//! goes. As Shopify does: the inner query must have one top-level connection (no `node`/`nodes`),
//! at most five connections and two levels of nesting; up to five bulk queries run at a time per
//! shop (API 2026-01); each line is one object, a nested connection's items follow their parent
//! as lines of their own with `__parentId`, connection wrappers flattened away; the mutation costs
//! what any small mutation costs, whatever the size of the result. Status goes `RUNNING` →
//! `COMPLETED` after the shop's bulk delay, or `FAILED` with `errorCode` and a `partialDataUrl`
//! when a failure was injected, and `EXPIRED` (the file gone) when told to expire.

use super::graphql::{OpResult, Outcome, error};
use super::ops::variant_node;
use super::schema;
use super::state::{Ids, Shop, gid, parse_gid, ts};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::{sync::Arc, time::Duration};

/// Bulk queries a shop may run at once (API 2026-01 and later).
pub const MAX_RUNNING: usize = 5;
const MAX_CONNECTIONS: usize = 5;
const MAX_DEPTH: usize = 2;

/// One bulk query and its result file.
pub struct BulkOp {
    pub id: u64,
    pub query: String,
    pub created_at: DateTime<Utc>,
    pub ready_at: DateTime<Utc>,
    /// The JSONL result (complete even when the operation is to fail: the partial file is a prefix).
    pub lines: Arc<Vec<String>>,
    pub root_objects: usize,
    /// `errorCode` it fails with once ready.
    pub failure: Option<String>,
    pub expired: bool,
    /// `http://host` the files are served from.
    pub base: String,
}

/// How a shop's next bulk queries behave (control API).
#[derive(Debug, Clone, Default)]
pub struct BulkSettings {
    /// Time from creation to a final status.
    pub delay: Duration,
    /// The next operation fails with this `errorCode` (e.g. `INTERNAL_SERVER_ERROR`).
    pub fail_next: Option<String>,
}

impl BulkOp {
    fn status(&self, now: DateTime<Utc>) -> &'static str {
        match (self.expired, now < self.ready_at, &self.failure) {
            (true, _, _) => "EXPIRED",
            (false, true, _) => "RUNNING",
            (false, false, Some(_)) => "FAILED",
            (false, false, None) => "COMPLETED",
        }
    }

    /// The lines served: all when completed, the first half when failed.
    pub fn served(&self, partial: bool) -> Option<Vec<String>> {
        let now = Utc::now();
        match (self.status(now), partial) {
            ("COMPLETED", false) => Some(self.lines.to_vec()),
            ("FAILED", true) => Some(self.lines[..self.lines.len() / 2].to_vec()),
            _ => None,
        }
    }

    fn json(&self, shop: &str) -> Value {
        let now = Utc::now();
        let status = self.status(now);
        let file = |suffix: &str| format!("{}/_bulk/{shop}/{}{suffix}.jsonl", self.base, self.id);
        let bytes: usize = self.lines.iter().map(|l| l.len() + 1).sum();
        let done = matches!(status, "COMPLETED" | "FAILED");
        json!({
            "id": gid("BulkOperation", self.id),
            "status": status,
            "type": "QUERY",
            "query": self.query,
            "createdAt": ts(self.created_at),
            "completedAt": done.then(|| ts(self.ready_at)),
            "errorCode": if status == "FAILED" { self.failure.clone() } else { None },
            // UnsignedInt64 travels as a string.
            "objectCount": if done { self.lines.len().to_string() } else { "0".to_owned() },
            "rootObjectCount": if done { self.root_objects.to_string() } else { "0".to_owned() },
            "fileSize": (status == "COMPLETED" && !self.lines.is_empty()).then(|| bytes.to_string()),
            // No file when nothing matched, as Shopify answers.
            "url": (status == "COMPLETED" && !self.lines.is_empty()).then(|| file("")),
            "partialDataUrl": (status == "FAILED" && self.lines.len() > 1).then(|| file(".partial")),
        })
    }
}

fn refused(message: impl Into<String>, code: &str) -> OpResult {
    let e = json!({ "field": ["query"], "message": message.into(), "code": code });
    Ok(Outcome::new(json!({ "bulkOperationRunQuery": { "bulkOperation": null, "userErrors": [e] } }), 0))
}

/// `bulkOperationRunQuery(query:)`.
pub fn run_query(shop: &mut Shop, ids: &mut Ids, vars: &Value, base: &str) -> OpResult {
    let query = vars.get("query").and_then(Value::as_str).unwrap_or_default().to_owned();
    let op = match schema::parse(&query, &json!({}), None) {
        Ok(op) => op,
        Err(e) => return refused(format!("Invalid bulk query: {}", e[0]["message"].as_str().unwrap_or("")), "INVALID"),
    };
    if op.mutation {
        return refused("Bulk queries must be queries: use bulkOperationRunMutation for mutations.", "INVALID");
    }
    if let Err(e) = op.validate() {
        return refused(format!("Invalid bulk query: {}", e[0]["message"].as_str().unwrap_or("")), "INVALID");
    }
    let roots = op.roots();
    let [(root, _)] = roots.as_slice() else {
        return refused("Bulk queries must contain exactly one top-level field.", "INVALID");
    };
    if root == "node" || root == "nodes" {
        return refused("Bulk queries cannot contain a top level `node` or `nodes` field.", "INVALID");
    }
    let (connections, depth) = op.connection_shape();
    if !op.root_is_connection() {
        return refused("Bulk queries must contain at least one connection at the top level.", "INVALID");
    }
    if connections > MAX_CONNECTIONS {
        return refused(format!("Bulk queries cannot contain more than {MAX_CONNECTIONS} connections."), "INVALID");
    }
    if depth > MAX_DEPTH {
        return refused(
            format!("Bulk queries cannot contain connections with a nesting depth greater than {MAX_DEPTH}."),
            "INVALID",
        );
    }
    let now = Utc::now();
    if shop.bulk_ops.iter().filter(|b| b.status(now) == "RUNNING").count() >= MAX_RUNNING {
        return refused(
            format!(
                "A bulk query operation for this app and shop is already in progress: up to {MAX_RUNNING} run at a time."
            ),
            "OPERATION_IN_PROGRESS",
        );
    }
    let nodes = match root.as_str() {
        "productVariants" => shop.variants.iter().map(|v| variant_node(shop, v)).collect::<Vec<_>>(),
        "products" => products(shop),
        "inventoryItems" => {
            let location = op.field_arg("inventoryLevel", "locationId");
            inventory_items(shop, location.as_ref().and_then(Value::as_str))
        }
        other => {
            return Err(vec![error(
                format!("This mock runs bulk queries over productVariants, products and inventoryItems, not {other}"),
                "BAD_REQUEST",
            )]);
        }
    };
    let projected = op.project(&json!({ root.as_str(): { "nodes": nodes, "pageInfo": { "hasNextPage": false } } }));
    let top = projected.as_object().and_then(|m| m.values().next()).cloned().unwrap_or(Value::Null);
    let mut lines = Vec::new();
    let root_objects = flatten(&top, None, &mut lines);
    let id = ids.next();
    let failure = shop.bulk.fail_next.take();
    let op = BulkOp {
        id,
        query,
        created_at: now,
        ready_at: now + shop.bulk.delay,
        lines: Arc::new(lines.iter().map(Value::to_string).collect()),
        root_objects,
        failure,
        expired: false,
        base: base.to_owned(),
    };
    let answer = json!({ "id": gid("BulkOperation", id), "status": "CREATED", "type": "QUERY", "query": op.query,
        "createdAt": ts(now), "objectCount": "0", "rootObjectCount": "0", "url": null, "partialDataUrl": null,
        "errorCode": null, "completedAt": null, "fileSize": null });
    shop.bulk_ops.push(op);
    Ok(Outcome::new(json!({ "bulkOperationRunQuery": { "bulkOperation": answer, "userErrors": [] } }), 1))
}

fn products(shop: &Shop) -> Vec<Value> {
    shop.products
        .iter()
        .map(|p| {
            let variants: Vec<Value> =
                p.variant_ids.iter().filter_map(|id| shop.variant(*id)).map(|v| variant_node(shop, v)).collect();
            json!({ "id": gid("Product", p.id), "legacyResourceId": p.id.to_string(), "title": p.title,
                "handle": p.title.to_lowercase().replace(' ', "-"), "status": "ACTIVE", "variants": { "nodes": variants } })
        })
        .collect()
}

fn inventory_items(shop: &Shop, location: Option<&str>) -> Vec<Value> {
    let location = location.and_then(|l| parse_gid("Location", l));
    shop.variants
        .iter()
        .map(|v| {
            let item = v.inventory_item_id;
            let level = location.and_then(|l| shop.levels.get(&(item, l)).map(|q| (l, *q))).map(|(l, q)| {
                json!({ "id": format!("gid://shopify/InventoryLevel/{l}?inventory_item_id={item}"),
                    "quantities": [{ "name": "available", "quantity": q }],
                    "location": { "id": gid("Location", l) } })
            });
            json!({ "id": gid("InventoryItem", item), "legacyResourceId": item.to_string(), "sku": v.sku,
                "tracked": v.tracked, "inventoryLevel": level })
        })
        .collect()
}

/// A projected connection (`edges { node }` or `nodes`) as JSONL objects: each node, then its
/// nested connections' nodes with `__parentId`. Returns how many nodes this level had.
fn flatten(connection: &Value, parent: Option<&str>, out: &mut Vec<Value>) -> usize {
    let nodes: Vec<Value> = match (connection.get("edges"), connection.get("nodes")) {
        (Some(Value::Array(edges)), _) => edges.iter().map(|e| e["node"].clone()).collect(),
        (_, Some(Value::Array(nodes))) => nodes.clone(),
        _ => Vec::new(),
    };
    let count = nodes.len();
    for mut node in nodes {
        let mut children = Vec::new();
        if let Some(m) = node.as_object_mut() {
            let nested: Vec<String> = m
                .iter()
                .filter(|(_, v)| {
                    v.get("edges").is_some_and(Value::is_array) || v.get("nodes").is_some_and(Value::is_array)
                })
                .map(|(k, _)| k.clone())
                .collect();
            for k in nested {
                children.extend(m.remove(&k));
            }
            if let Some(p) = parent {
                m.insert("__parentId".into(), json!(p));
            }
        }
        let id = node.get("id").and_then(Value::as_str).map(str::to_owned);
        out.push(node);
        for c in children {
            flatten(&c, id.as_deref(), out);
        }
    }
    count
}

/// `node(id:)` for a bulk operation of this shop (other node types are not served here: `null`).
pub fn node(shop: &Shop, domain: &str, vars: &Value) -> OpResult {
    let id = vars.get("id").and_then(Value::as_str).and_then(|i| parse_gid("BulkOperation", i));
    let found = id.and_then(|id| shop.bulk_ops.iter().find(|b| b.id == id)).map(|b| b.json(domain));
    Ok(Outcome::new(json!({ "node": found }), 1))
}

/// `currentBulkOperation`: the shop's latest bulk query.
pub fn current(shop: &Shop, domain: &str) -> OpResult {
    Ok(Outcome::new(json!({ "currentBulkOperation": shop.bulk_ops.last().map(|b| b.json(domain)) }), 1))
}
