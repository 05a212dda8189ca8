//! Bulk reads: a whole catalog or every inventory level of a location in one bulk operation
//! (`bulkOperationRunQuery`, polled with `node(id:)`, then one JSONL download without the token),
//! which costs a few query-cost points whatever the size, where paging 10,000 levels costs about
//! 40 queries of ~750 requested points (minutes of a standard bucket's restore rate). Above [`DEFAULT_BULK_ABOVE`]
//! items the client reads this way; when a bulk read fails (refused, failed, expired, too slow)
//! the caller pages instead, so a bulk problem costs time, never correctness.

use super::{ShopifyClient, ShopifyError, UserError, Variant};
use rust_decimal::Decimal;
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::json;
use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

/// Items above which levels are read through a bulk operation: one page of 250 levels requests
/// ~750 points, so a second page already waits for a standard bucket (1,000 points, 50/s) to refill.
pub const DEFAULT_BULK_ABOVE: usize = 250;
/// How long a bulk read may take before the caller pages instead.
pub const DEFAULT_BULK_DEADLINE: Duration = Duration::from_secs(600);
/// Time a download of the result may take.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(300);
const FIRST_POLL: Duration = Duration::from_millis(100);
const LONGEST_POLL: Duration = Duration::from_secs(5);

const RUN: &str = "mutation RunBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message code } } }";
const POLL: &str = "query BulkOperation($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url partialDataUrl } } }";
/// Products with their variants: product lines, then each variant with `__parentId`.
const CATALOG: &str = "{ products { edges { node { id title variants { edges { node {
  id sku barcode title price inventoryItem { id tracked } } } } } } } }";

fn levels_query(location_id: &str) -> String {
    // The location is a gid we hold (`gid://shopify/Location/…`); quoted as a GraphQL string.
    let location = location_id.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        "{{ inventoryItems {{ edges {{ node {{ id inventoryLevel(locationId: \"{location}\") {{ \
         quantities(names: [\"available\"]) {{ name quantity }} }} }} }} }} }}"
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Operation {
    id: String,
    status: String,
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default)]
    url: Option<String>,
}

/// One line of the catalog file: a product (`title`, no parent) or one of its variants.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CatalogLine {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    sku: Option<String>,
    #[serde(default)]
    barcode: Option<String>,
    #[serde(default)]
    price: Option<Decimal>,
    #[serde(default)]
    inventory_item: Option<ItemLine>,
    #[serde(rename = "__parentId", default)]
    parent: Option<String>,
}

#[derive(Deserialize)]
struct ItemLine {
    id: String,
    #[serde(default)]
    tracked: bool,
}

#[derive(Deserialize)]
struct Quantity {
    name: String,
    quantity: i64,
}

#[derive(Deserialize)]
struct Level {
    quantities: Vec<Quantity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LevelLine {
    id: String,
    #[serde(default)]
    inventory_level: Option<Level>,
}

impl ShopifyClient {
    /// Runs `query` as a bulk operation and reads its result, one `T` per JSONL line.
    pub async fn bulk_read<T: DeserializeOwned>(&self, query: &str) -> Result<Vec<T>, ShopifyError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Payload {
            bulk_operation: Option<Operation>,
            user_errors: Vec<UserError>,
        }
        #[derive(Deserialize)]
        struct D {
            #[serde(rename = "bulkOperationRunQuery")]
            payload: Payload,
        }
        let started = Instant::now();
        let p = self.graphql::<D>(RUN, json!({ "query": query })).await?.payload;
        if !p.user_errors.is_empty() {
            return Err(ShopifyError::UserErrors(p.user_errors));
        }
        let op = p.bulk_operation.ok_or_else(|| ShopifyError::Malformed("no bulk operation started".into()))?;
        let url = self.wait_for_bulk(&op.id, started).await?;
        let Some(url) = url else { return Ok(Vec::new()) };
        self.download_lines(&url).await
    }

    /// Polls the operation until it ends; its result URL (none when nothing matched).
    async fn wait_for_bulk(&self, id: &str, started: Instant) -> Result<Option<String>, ShopifyError> {
        #[derive(Deserialize)]
        struct D {
            node: Option<Operation>,
        }
        let mut wait = FIRST_POLL;
        loop {
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(LONGEST_POLL);
            let op = self.graphql::<D>(POLL, json!({ "id": id })).await?.node;
            let op = op.ok_or_else(|| ShopifyError::Bulk(format!("Shopify no longer knows the bulk read {id}")))?;
            match op.status.as_str() {
                "COMPLETED" => return Ok(op.url),
                "CREATED" | "RUNNING" if started.elapsed() < self.bulk_deadline => {}
                "CREATED" | "RUNNING" => {
                    return Err(ShopifyError::Bulk(format!(
                        "the bulk read did not finish within {} s",
                        self.bulk_deadline.as_secs()
                    )));
                }
                "FAILED" => {
                    let code = op.error_code.unwrap_or_else(|| "no error code".into());
                    return Err(ShopifyError::Bulk(format!("the bulk read failed ({code})")));
                }
                other => return Err(ShopifyError::Bulk(format!("the bulk read ended {other}"))),
            }
        }
    }

    /// The result file, one JSON object per line (fetched without the access token: the URL is signed).
    async fn download_lines<T: DeserializeOwned>(&self, url: &str) -> Result<Vec<T>, ShopifyError> {
        let resp = self.http.get(url).timeout(DOWNLOAD_TIMEOUT).send().await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        if status != 200 {
            let body: String = text.chars().take(200).collect();
            return Err(ShopifyError::Bulk(format!("the bulk result could not be downloaded (HTTP {status}: {body})")));
        }
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).map_err(|e| ShopifyError::Malformed(format!("bulk result line: {e}"))))
            .collect()
    }

    /// Every variant of the shop through one bulk read of products and their variants.
    pub async fn all_variants_bulk(&self) -> Result<Vec<Variant>, ShopifyError> {
        let lines: Vec<CatalogLine> = self.bulk_read(CATALOG).await?;
        let mut titles: HashMap<String, String> = HashMap::new();
        let mut variants = Vec::new();
        for mut line in lines {
            match line.parent.take() {
                None => {
                    titles.insert(line.id, line.title.unwrap_or_default());
                }
                Some(parent) => variants.push((parent, line)),
            }
        }
        variants
            .into_iter()
            .map(|(parent, v)| {
                let item = v.inventory_item.ok_or_else(|| {
                    ShopifyError::Malformed(format!("bulk result: variant {} without an inventory item", v.id))
                })?;
                Ok(Variant {
                    sku: v.sku.filter(|s| !s.is_empty()),
                    barcode: v.barcode.filter(|b| !b.trim().is_empty()),
                    title: v.title.unwrap_or_default(),
                    price: v.price,
                    product_title: titles.get(&parent).cloned().unwrap_or_default(),
                    product_id: parent,
                    inventory_item_id: item.id,
                    tracked: item.tracked,
                    id: v.id,
                })
            })
            .collect()
    }

    /// Available quantity at `location_id` of every inventory item of the shop (`None`: not stocked there).
    pub async fn all_levels_bulk(&self, location_id: &str) -> Result<HashMap<String, Option<i64>>, ShopifyError> {
        let lines: Vec<LevelLine> = self.bulk_read(&levels_query(location_id)).await?;
        Ok(lines
            .into_iter()
            .map(|l| {
                let available = l
                    .inventory_level
                    .and_then(|level| level.quantities.into_iter().find(|q| q.name == "available"))
                    .map(|q| q.quantity);
                (l.id, available)
            })
            .collect())
    }
}
