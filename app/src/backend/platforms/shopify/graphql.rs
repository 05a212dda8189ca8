//! `ShopifyClient`: one shop's GraphQL endpoint. Sends a query, retries transport faults and 429/5xx,
//! waits out `THROTTLED` answers using the cost extension, and turns GraphQL `errors` into typed errors.

use super::{API_VERSION, GraphQlError, ShopifyError};
use crate::backend::{platforms::http, secret::Secret};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::{Value, json};
use std::time::Duration;

/// The store's query-cost bucket as of the last answer (`extensions.cost.throttleStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleStatus {
    pub maximum_available: f64,
    pub currently_available: f64,
    pub restore_rate: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Cost {
    requested_query_cost: Option<f64>,
    throttle_status: Option<ThrottleStatus>,
}

#[derive(Deserialize)]
struct Envelope {
    data: Option<Value>,
    #[serde(default)]
    errors: Option<Value>,
    #[serde(default)]
    extensions: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct ShopifyClient {
    pub(super) http: reqwest::Client,
    endpoint: String,
    token: Secret,
    retry: http::RetryPolicy,
    max_throttle_waits: u32,
    pub(super) page_size: u32,
    /// Reads of more items than this go through a bulk operation.
    pub(super) bulk_above: usize,
    pub(super) bulk_deadline: Duration,
}

impl ShopifyClient {
    /// `origin` is the shop's base URL (e.g. `https://mystore.myshopify.com`).
    pub fn new(origin: &str, token: Secret) -> Self {
        ShopifyClient {
            http: http::client(Duration::from_secs(30)),
            endpoint: format!("{}/admin/api/{API_VERSION}/graphql.json", origin.trim_end_matches('/')),
            token,
            retry: http::RetryPolicy::default(),
            max_throttle_waits: 8,
            page_size: 250,
            bulk_above: super::DEFAULT_BULK_ABOVE,
            bulk_deadline: super::DEFAULT_BULK_DEADLINE,
        }
    }

    /// Reads of more than `items` go through a bulk operation (`usize::MAX`: never); and how long one may take.
    pub fn with_bulk(mut self, items: usize, deadline: Duration) -> Self {
        self.bulk_above = items;
        self.bulk_deadline = deadline;
        self
    }

    pub fn with_retry_policy(mut self, retry: http::RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Items per page for connection queries (max 250); smaller pages cost fewer points per call.
    pub fn with_page_size(mut self, page_size: u32) -> Self {
        self.page_size = page_size.clamp(1, 250);
        self
    }

    /// Runs one GraphQL operation and decodes its `data`.
    pub async fn graphql<T: DeserializeOwned>(&self, query: &str, variables: Value) -> Result<T, ShopifyError> {
        let body = json!({ "query": query, "variables": variables });
        let mut waits = 0;
        loop {
            let resp = http::send_with_retry(http::Api::Shopify, self.retry, || {
                self.http.post(&self.endpoint).header("X-Shopify-Access-Token", self.token.expose()).json(&body)
            })
            .await?;
            let status = resp.status();
            let text = resp.text().await?;
            match status.as_u16() {
                401 => return Err(ShopifyError::Unauthorized),
                403 => return Err(ShopifyError::Forbidden),
                404 => return Err(ShopifyError::NotFound),
                200 | 429 => {}
                s => return Err(ShopifyError::Http { status: s, body: truncate(&text) }),
            }
            let env: Envelope = match serde_json::from_str(&text) {
                Ok(env) => env,
                Err(_) if status.as_u16() == 429 => {
                    return Err(ShopifyError::Http { status: 429, body: truncate(&text) });
                }
                Err(e) => return Err(ShopifyError::Malformed(format!("GraphQL answer: {e}"))),
            };
            let errors = env.errors.as_ref().map(parse_errors).unwrap_or_default();
            if errors.iter().any(|e| e.code.as_deref() == Some("THROTTLED")) {
                waits += 1;
                if waits > self.max_throttle_waits {
                    return Err(ShopifyError::Throttled(self.max_throttle_waits));
                }
                let Some(wait) = throttle_wait(env.extensions.as_ref()) else {
                    return Err(ShopifyError::GraphQl(errors));
                };
                tracing::info!(?wait, "Shopify throttled the query; waiting for the cost bucket to refill");
                http::wait_for_rate_limit(http::Api::Shopify, wait).await;
                continue;
            }
            if !errors.is_empty() {
                return Err(ShopifyError::GraphQl(errors));
            }
            if status.as_u16() == 429 {
                return Err(ShopifyError::Http { status: 429, body: truncate(&text) });
            }
            let data = env.data.ok_or_else(|| ShopifyError::Malformed("GraphQL answer without data".into()))?;
            return serde_json::from_value(data).map_err(|e| ShopifyError::Malformed(format!("GraphQL data: {e}")));
        }
    }
}

/// Follows `next_cursor` from the first page to the last, collecting every item.
pub(super) async fn collect_pages<T, Fut>(mut fetch: impl FnMut(Option<String>) -> Fut) -> Result<Vec<T>, ShopifyError>
where
    Fut: std::future::Future<Output = Result<super::Page<T>, ShopifyError>>,
{
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = fetch(cursor).await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(out),
        }
    }
}

/// `errors` is an array of `{message, extensions{code}}`, or a bare string on some HTTP errors.
fn parse_errors(v: &Value) -> Vec<GraphQlError> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|e| GraphQlError {
                message: e.get("message").and_then(Value::as_str).unwrap_or("unknown error").to_owned(),
                code: e.pointer("/extensions/code").and_then(Value::as_str).map(str::to_owned),
            })
            .collect(),
        Value::String(s) => vec![GraphQlError { message: s.clone(), code: None }],
        Value::Null => Vec::new(),
        other => vec![GraphQlError { message: other.to_string(), code: None }],
    }
}

/// (requested − currently available) / restore rate, bounded to [50 ms, 60 s]; 1 s without cost
/// data; `None` when the query costs more than the whole bucket (waiting cannot help).
fn throttle_wait(extensions: Option<&Value>) -> Option<Duration> {
    let cost = extensions.and_then(|e| e.get("cost")).and_then(|c| serde_json::from_value::<Cost>(c.clone()).ok());
    let secs = match cost {
        Some(Cost { requested_query_cost: Some(req), throttle_status: Some(t) }) if req > t.maximum_available => {
            return None;
        }
        Some(Cost { requested_query_cost: Some(req), throttle_status: Some(t) }) if t.restore_rate > 0.0 => {
            (req - t.currently_available).max(0.0) / t.restore_rate
        }
        _ => 1.0,
    };
    Some(Duration::from_secs_f64(secs.clamp(0.05, 60.0)))
}

fn truncate(s: &str) -> String {
    s.chars().take(500).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_wait_uses_missing_points_over_restore_rate() {
        let ext = json!({"cost": {"requestedQueryCost": 260, "actualQueryCost": null,
            "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": 60, "restoreRate": 50.0}}});
        assert_eq!(throttle_wait(Some(&ext)), Some(Duration::from_secs(4)));
        assert_eq!(throttle_wait(None), Some(Duration::from_secs(1)));
        let too_big = json!({"cost": {"requestedQueryCost": 1200,
            "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": 1000, "restoreRate": 50.0}}});
        assert_eq!(throttle_wait(Some(&too_big)), None);
    }

    #[test]
    fn errors_come_as_arrays_or_strings() {
        let e = parse_errors(&json!([{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]));
        assert_eq!(e[0].code.as_deref(), Some("THROTTLED"));
        let e = parse_errors(&json!("[API] Invalid API key or access token"));
        assert_eq!(e[0].code, None);
    }
}
