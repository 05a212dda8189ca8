//! WooCommerce REST API v3 client (`{store}/wp-json/wc/v3`): consumer-key auth, paging, typed
//! errors, and the submodules for the store URL, catalog, stock, orders, webhooks and key grant.

mod de;
mod error;
mod key_grant;
mod orders;
mod products;
mod stock;
mod store_url;
mod types;
mod webhooks;

pub use error::WooError;
pub use key_grant::{KeyGrant, auth_url};
pub use orders::{Billing, LineItem, Meta, Order, OrderRefund, Refund, RefundItem, is_paid_status};
pub use products::{CreatedVariable, NewVariant};
pub use stock::{BATCH_LIMIT, ItemError, StockResult, StockUpdate};
pub use store_url::{StoreUrl, StoreUrlError};
pub use types::{Product, ProductKind, Variant, Variation, VariationAttribute};
pub use webhooks::{
    HEADER_DELIVERY_ID, HEADER_EVENT, HEADER_ID, HEADER_RESOURCE, HEADER_SIGNATURE, HEADER_SOURCE, HEADER_TOPIC,
    Webhook, WebhookTopic, generate_secret, is_ping, ping_webhook_id, verify_signature,
};

use super::http::{self, RetryPolicy};
use crate::backend::secret::Secret;
use reqwest::{Method, Response, header};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Largest page WordPress serves.
pub const PER_PAGE: usize = 100;

/// A client for one store and one pair of API keys.
#[derive(Clone)]
pub struct WooClient {
    store: StoreUrl,
    consumer_key: String,
    consumer_secret: Secret,
    query_string_auth: bool,
    http: reqwest::Client,
    retry: RetryPolicy,
}

impl std::fmt::Debug for WooClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WooClient")
            .field("store", &self.store)
            .field("query_string_auth", &self.query_string_auth)
            .finish()
    }
}

/// A JSON answer with the paging headers WordPress adds.
pub(crate) struct Page<T> {
    pub items: T,
    pub total_pages: Option<u32>,
}

impl WooClient {
    /// `query_string_auth` sends the keys as `consumer_key`/`consumer_secret` query parameters,
    /// for servers that strip the `Authorization` header.
    pub fn new(
        store: StoreUrl,
        consumer_key: impl Into<String>,
        consumer_secret: Secret,
        query_string_auth: bool,
    ) -> Self {
        WooClient {
            store,
            consumer_key: consumer_key.into(),
            consumer_secret,
            query_string_auth,
            http: http::client(Duration::from_secs(30)),
            retry: RetryPolicy::default(),
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.http = http::client(timeout);
        self
    }

    /// Uses this HTTP client, e.g. one whose resolver refuses private addresses.
    pub fn with_http(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    pub fn store(&self) -> &StoreUrl {
        &self.store
    }

    /// Checks that the address is a WooCommerce store and the keys may read and write.
    /// Distinguishes `Unreachable`, `NotWooCommerce`, `WrongKeys` and `Forbidden` (read-only keys).
    pub async fn check_credentials(&self) -> Result<(), WooError> {
        let index = match self.send(Method::GET, "", &[], None).await {
            Ok(resp) => resp,
            Err(WooError::NotFound { .. }) => return Err(self.not_woo().await),
            Err(e) => return Err(e),
        };
        let body = index.bytes().await.map_err(WooError::transport)?;
        let namespace = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("namespace").and_then(|n| n.as_str()).map(str::to_owned));
        if namespace.as_deref() != Some("wc/v3") {
            return Err(self.not_woo().await);
        }
        // The namespace index is public: a key check needs a protected read, then a harmless write
        // (an empty batch changes nothing; read-only keys are refused before it runs).
        self.send(Method::GET, "/products", &[("per_page", "1".into())], None).await?;
        self.send(Method::POST, "/products/batch", &[], Some(&serde_json::json!({}))).await?;
        Ok(())
    }

    /// Whether the site is WordPress at all (`/wp-json/` answers with a namespace list).
    async fn not_woo(&self) -> WooError {
        let url = format!("{}/wp-json/", self.store);
        let wordpress = match http::send_once(http::Api::WooCommerce, self.http.get(&url)).await {
            Ok(resp) if resp.status().is_success() => {
                resp.json::<serde_json::Value>().await.is_ok_and(|v| v.get("namespaces").is_some_and(|n| n.is_array()))
            }
            _ => false,
        };
        WooError::NotWooCommerce { wordpress }
    }

    /// Sends one request to `{api_base}{path}` with auth and retries; non-success answers become
    /// typed errors.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<Response, WooError> {
        let url = format!("{}{path}", self.store.api_base());
        tracing::debug!(%method, store = %self.store, path, "woocommerce request");
        let build = || {
            let mut req = self.http.request(method.clone(), &url).query(query);
            req = if self.query_string_auth {
                req.query(&[
                    ("consumer_key", self.consumer_key.as_str()),
                    ("consumer_secret", self.consumer_secret.expose()),
                ])
            } else {
                req.basic_auth(&self.consumer_key, Some(self.consumer_secret.expose()))
            };
            match body {
                Some(b) => req.json(b),
                None => req,
            }
        };
        let resp =
            http::send_with_retry(http::Api::WooCommerce, self.retry, build).await.map_err(WooError::transport)?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|l| reqwest::Url::parse(l).map(|u| http::redact_query(&u)).unwrap_or_else(|_| l.to_owned()));
        let body = resp.bytes().await.unwrap_or_default();
        let err = WooError::from_status(status.as_u16(), location, &body);
        tracing::warn!(%method, store = %self.store, path, status = status.as_u16(), error = %err, "woocommerce request failed");
        Err(err)
    }

    /// Sends and decodes a JSON answer.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<T, WooError> {
        let resp = self.send(method, path, query, body).await?;
        Ok(decode(resp).await?.items)
    }

    /// Every item of a paged collection: `per_page=100`, following `X-WP-TotalPages`.
    pub(crate) async fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<T>, WooError> {
        self.get_pages(path, query, 1).await
    }

    /// Every item of a paged collection. Once the first page has told how many there are
    /// (`X-WP-TotalPages`), the others are read `at_once` at a time and kept in page order;
    /// without the header, pages are read one by one until a short one.
    pub(crate) async fn get_pages<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        at_once: usize,
    ) -> Result<Vec<T>, WooError> {
        use futures::{StreamExt, TryStreamExt};
        let Page { items: mut out, total_pages } = self.page::<T>(path, query, 1).await?;
        if let Some(total) = total_pages {
            let rest = futures::stream::iter(2..=total)
                .map(|n| async move { self.page::<T>(path, query, n).await.map(|p| p.items) })
                .buffered(at_once.max(1));
            out.extend(rest.try_collect::<Vec<Vec<T>>>().await?.into_iter().flatten());
            return Ok(out);
        }
        let mut short = out.len() < PER_PAGE;
        let mut page = 1u32;
        while !short {
            page += 1;
            let items = self.page::<T>(path, query, page).await?.items;
            short = items.len() < PER_PAGE;
            out.extend(items);
        }
        Ok(out)
    }

    /// Page `page` (from 1) of a collection, `per_page=100`.
    async fn page<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        page: u32,
    ) -> Result<Page<Vec<T>>, WooError> {
        let mut q = query.to_vec();
        q.push(("per_page", PER_PAGE.to_string()));
        q.push(("page", page.to_string()));
        decode::<Vec<T>>(self.send(Method::GET, path, &q, None).await?).await
    }
}

async fn decode<T: DeserializeOwned>(resp: Response) -> Result<Page<T>, WooError> {
    let total_pages =
        resp.headers().get("x-wp-totalpages").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
    let body = resp.bytes().await.map_err(WooError::transport)?;
    let items = serde_json::from_slice(&body).map_err(|e| WooError::Malformed { what: e.to_string() })?;
    Ok(Page { items, total_pages })
}
