//! Batch writes: `POST …/batch` in calls of at most 100 objects, where every item of the answer
//! may carry its own inline `error` (partial success); and absolute stock updates built on it.

use super::{WooClient, WooError};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Objects per batch call (WooCommerce refuses more with 413).
pub const BATCH_LIMIT: usize = 100;

/// Set the stock of a simple product (`variation_id: None`) or of one variation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockUpdate {
    pub product_id: u64,
    pub variation_id: Option<u64>,
    pub stock_quantity: i64,
}

/// Why WooCommerce refused one item of a batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} ({code})")]
pub struct ItemError {
    pub code: String,
    pub message: String,
}

#[derive(Deserialize)]
struct InlineError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

/// The outcome of one [`StockUpdate`]: the stock WooCommerce now reports, or its refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockResult {
    pub update: StockUpdate,
    pub outcome: Result<Option<i64>, ItemError>,
}

impl WooClient {
    /// Sets stock (with `manage_stock: true`) for many products and variations: simple products
    /// via `POST /products/batch`, variations via `POST /products/{id}/variations/batch`, ≤ 100
    /// per call. Returns one result per update, in input order. A whole call failing (keys,
    /// network) stops and returns that error; updates are absolute, so retrying all is safe.
    pub async fn batch_update_stock(&self, updates: &[StockUpdate]) -> Result<Vec<StockResult>, WooError> {
        let mut groups: BTreeMap<Option<u64>, Vec<usize>> = BTreeMap::new();
        for (i, u) in updates.iter().enumerate() {
            let key = u.variation_id.map(|_| u.product_id);
            groups.entry(key).or_default().push(i);
        }
        let mut results: Vec<Option<StockResult>> = vec![None; updates.len()];
        for (parent, indices) in groups {
            let path = match parent {
                None => "/products/batch".to_owned(),
                Some(product_id) => format!("/products/{product_id}/variations/batch"),
            };
            for chunk in indices.chunks(BATCH_LIMIT) {
                let items = chunk
                    .iter()
                    .map(|&i| {
                        let u = &updates[i];
                        json!({ "id": u.variation_id.unwrap_or(u.product_id), "manage_stock": true, "stock_quantity": u.stock_quantity })
                    })
                    .collect();
                let answers = self.batch(&path, "update", items).await?;
                for (&i, answer) in chunk.iter().zip(answers) {
                    let outcome = answer.map(|item| item.get("stock_quantity").and_then(Value::as_i64));
                    results[i] = Some(StockResult { update: updates[i], outcome });
                }
            }
        }
        Ok(results.into_iter().flatten().collect())
    }

    /// One batch call of `items` (≤ [`BATCH_LIMIT`]) under `op` (`create` or `update`); one result
    /// per item, in order: the object WooCommerce returned, or its inline error.
    pub(crate) async fn batch(
        &self,
        path: &str,
        op: &str,
        items: Vec<Value>,
    ) -> Result<Vec<Result<Value, ItemError>>, WooError> {
        let mut out = Vec::with_capacity(items.len());
        for chunk in items.chunks(BATCH_LIMIT) {
            let body = json!({ op: chunk });
            let answer: Value = self.call(Method::POST, path, &[], Some(&body)).await?;
            let returned = answer.get(op).and_then(Value::as_array).cloned().unwrap_or_default();
            let mut returned = returned.into_iter();
            for _ in chunk {
                out.push(match returned.next() {
                    Some(item) => item_result(item),
                    None => Err(ItemError {
                        code: "missing_in_response".into(),
                        message: "WooCommerce did not report this item".into(),
                    }),
                });
            }
        }
        Ok(out)
    }
}

fn item_result(item: Value) -> Result<Value, ItemError> {
    match item.get("error") {
        Some(err) if !err.is_null() => {
            let e: InlineError = serde_json::from_value(err.clone())
                .unwrap_or(InlineError { code: String::new(), message: err.to_string() });
            Err(ItemError { code: e.code, message: e.message })
        }
        _ => Ok(item),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_item_errors_are_reported_per_item() {
        let ok = item_result(json!({"id": 12, "stock_quantity": 4}));
        assert_eq!(ok.unwrap()["stock_quantity"], 4);
        let err = item_result(
            json!({"id": 999, "error": {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.", "data": {"status": 400}}}),
        );
        assert_eq!(err.unwrap_err().code, "woocommerce_rest_product_invalid_id");
    }
}
