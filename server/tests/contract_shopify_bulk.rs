//! Bulk reads against the Shopify mock's bulk operations: a large catalog and every inventory
//! level of a location are read in one bulk operation each (mutation, polling, one JSONL download
//! with `__parentId` lines) for a few cost points whatever the size, and give what paging gives;
//! the mock refuses what Shopify refuses; a failed or expired bulk read falls back to paging.

use app::backend::{platforms::shopify::*, secret::Secret};
use mocks::{catalog::generated_catalog, shopify::ShopifyMock};
use serde_json::{Value, json};
use std::time::Duration;

const SHOP: &str = "bulk-shop.myshopify.com";
const SECRET: &str = "secret-1";
const SKUS: usize = 2_600;

struct Env {
    mock: ShopifyMock,
    base: String,
    token: String,
}

impl Env {
    async fn start() -> Env {
        let mock = ShopifyMock::new("client-1", SECRET);
        mock.seed_shop(SHOP, &generated_catalog(SKUS)).unwrap();
        // Refilled at once unless a test says otherwise: the paging baselines do not wait.
        mock.set_bucket(Some(SHOP), 1000.0, 1e9).unwrap();
        let addr = mocks::serve(mock.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let token = mock.issue_token(SHOP).unwrap();
        Env { mock, base: format!("http://{addr}"), token }
    }

    fn client(&self) -> ShopifyClient {
        ShopifyApp::new("client-1", Secret::new(SECRET), "http://127.0.0.1:9/shopify/callback")
            .with_shop_url_template(format!("{}/{{shop}}", self.base))
            .client(&ShopDomain::parse(SHOP).unwrap(), Secret::new(self.token.clone()))
    }

    fn paging_client(&self) -> ShopifyClient {
        self.client().with_bulk(usize::MAX, DEFAULT_BULK_DEADLINE)
    }

    /// A raw GraphQL call, as any client would send it.
    async fn graphql(&self, query: &str, variables: Value) -> Value {
        reqwest::Client::new()
            .post(format!("{}/{SHOP}/admin/api/{API_VERSION}/graphql.json", self.base))
            .header("X-Shopify-Access-Token", &self.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn run_bulk(&self, inner: &str) -> Value {
        let m = "mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }";
        self.graphql(m, json!({ "q": inner })).await["data"]["bulkOperationRunQuery"].clone()
    }

    async fn poll(&self, id: &str) -> Value {
        let q = "query($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount rootObjectCount url partialDataUrl } } }";
        self.graphql(q, json!({ "id": id })).await["data"]["node"].clone()
    }

    fn location(&self) -> String {
        self.mock.primary_location(SHOP).unwrap()
    }
}

fn sorted(mut v: Vec<Variant>) -> Vec<Variant> {
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

#[tokio::test]
async fn a_large_catalog_and_its_levels_are_read_in_one_bulk_operation_each_for_a_few_points() {
    let env = Env::start().await;
    let paged_variants = sorted(env.paging_client().all_variants().await.unwrap());
    assert!(paged_variants.len() >= SKUS);
    let items: Vec<&str> = paged_variants.iter().map(|v| v.inventory_item_id.as_str()).collect();
    let paged_levels = env.paging_client().inventory_levels(&items, &env.location()).await.unwrap();

    // A standard bucket that does not refill: paging the levels alone would need ~2,700 points.
    env.mock.set_bucket(Some(SHOP), 1000.0, 0.0).unwrap();
    let throttled = env.mock.throttled(SHOP);
    let client = env.client();
    let variants = sorted(client.all_variants().await.unwrap());
    assert_eq!(variants, paged_variants, "the same catalog, product titles from the parent lines included");
    let levels = client.inventory_levels(&items, &env.location()).await.unwrap();
    assert_eq!(levels, paged_levels);
    let queries = env.mock.bulk_queries(SHOP);
    assert_eq!(queries.len(), 2, "one bulk operation each");
    assert!(queries[0].contains("products") && queries[1].contains("inventoryItems"));
    let spent = 1000.0 - env.mock.bucket_available(SHOP);
    // The catalog's first page (~750 points, to learn it is larger than a page) and a few points
    // per bulk mutation and poll.
    assert!(spent < 900.0, "spent {spent} points");
    assert_eq!(env.mock.throttled(SHOP), throttled, "never throttled");
}

#[tokio::test]
async fn the_result_file_has_one_line_per_object_and_children_name_their_parent() {
    let env = Env::start().await;
    let started =
        env.run_bulk("{ products { edges { node { id title variants { edges { node { id sku } } } } } } }").await;
    assert_eq!(started["userErrors"], json!([]));
    let id = started["bulkOperation"]["id"].as_str().unwrap().to_owned();
    assert_eq!(started["bulkOperation"]["status"], "CREATED");
    let op = loop {
        let op = env.poll(&id).await;
        if op["status"] != "RUNNING" {
            break op;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(op["status"], "COMPLETED");
    let file = reqwest::get(op["url"].as_str().unwrap()).await.unwrap().text().await.unwrap();
    let lines: Vec<Value> = file.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(op["objectCount"], lines.len().to_string(), "UnsignedInt64 counts come as strings");
    let products: Vec<&Value> = lines.iter().filter(|l| l.get("__parentId").is_none()).collect();
    assert_eq!(op["rootObjectCount"], products.len().to_string());
    let mut parent = None;
    for line in &lines {
        assert!(line.get("edges").is_none() && line.get("variants").is_none(), "wrappers flattened: {line}");
        match line.get("__parentId") {
            None => parent = line["id"].as_str(),
            Some(p) => assert_eq!(p.as_str(), parent, "a variant follows its product"),
        }
    }
    assert!(lines.len() - products.len() >= SKUS, "every variant a line of its own");
}

#[tokio::test]
async fn what_shopify_refuses_in_a_bulk_query_is_refused() {
    let env = Env::start().await;
    for (inner, says) in [
        ("{ shop { id } }", "at least one connection"),
        ("{ nodes(ids: []) { id } }", "top level `node` or `nodes`"),
        (
            "{ products { edges { node { id } } } productVariants { edges { node { id } } } }",
            "exactly one top-level field",
        ),
        ("{ products { edges { node { id nmae } } } }", "doesn't exist on type 'Product'"),
        ("mutation { webhookSubscriptionDelete(id: \"x\") { userErrors { message } } }", "must be queries"),
    ] {
        let answer = env.run_bulk(inner).await;
        assert_eq!(answer["bulkOperation"], Value::Null, "{inner}");
        let message = answer["userErrors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{inner}: {message}");
    }

    // Up to five at a time per shop.
    env.mock.bulk_control(SHOP, Some(Duration::from_secs(30)), None, false).unwrap();
    for _ in 0..5 {
        assert_eq!(env.run_bulk("{ productVariants { edges { node { id } } } }").await["userErrors"], json!([]));
    }
    let sixth = env.run_bulk("{ productVariants { edges { node { id } } } }").await;
    assert_eq!(sixth["userErrors"][0]["code"], "OPERATION_IN_PROGRESS");
}

#[tokio::test]
async fn a_failed_or_expired_bulk_read_falls_back_to_paging() {
    let env = Env::start().await;
    let paged = sorted(env.paging_client().all_variants().await.unwrap());
    let items: Vec<&str> = paged.iter().map(|v| v.inventory_item_id.as_str()).collect();
    let expected = env.paging_client().inventory_levels(&items, &env.location()).await.unwrap();

    env.mock.bulk_control(SHOP, None, Some("INTERNAL_SERVER_ERROR"), false).unwrap();
    let client = env.client();
    let e = client.all_levels_bulk(&env.location()).await.unwrap_err();
    assert!(e.to_string().contains("INTERNAL_SERVER_ERROR"), "{e}");
    let failed = env.poll(&format!("gid://shopify/BulkOperation/{}", last_id(&env).await)).await;
    assert_eq!(failed["status"], "FAILED");
    assert!(failed["partialDataUrl"].is_string(), "what was read before the failure: {failed}");

    env.mock.bulk_control(SHOP, None, Some("INTERNAL_SERVER_ERROR"), false).unwrap();
    assert_eq!(client.inventory_levels(&items, &env.location()).await.unwrap(), expected, "paged instead");
    env.mock.bulk_control(SHOP, None, Some("INTERNAL_SERVER_ERROR"), false).unwrap();
    assert_eq!(sorted(client.all_variants().await.unwrap()), paged, "paged on from the first page");

    // A finished operation whose file expired: its URL answers 403 and the status says EXPIRED.
    let started = env.run_bulk("{ productVariants { edges { node { id } } } }").await;
    let id = started["bulkOperation"]["id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let url = env.poll(&id).await["url"].as_str().unwrap().to_owned();
    env.mock.bulk_control(SHOP, None, None, true).unwrap();
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 403);
    assert_eq!(env.poll(&id).await["status"], "EXPIRED");
}

async fn last_id(env: &Env) -> String {
    let q = "{ currentBulkOperation(type: QUERY) { id status } }";
    let id = env.graphql(q, json!({})).await["data"]["currentBulkOperation"]["id"].as_str().unwrap().to_owned();
    id.rsplit('/').next().unwrap().to_owned()
}
