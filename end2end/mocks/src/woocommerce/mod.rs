//! WooCommerce mock (:4002): one server, many stores by path prefix (`http://127.0.0.1:4002/demo-store`),
//! each a WordPress site with the REST API v3 under `/{store}/wp-json/wc/v3`, consumer-key auth,
//! products/variations with batch writes, orders, signed webhooks and the key grant page.
//!
//! Control API (JSON): `POST /_control/stores {name, woocommerce?}` → keys;
//! `POST /_control/stores/{store}/keys {permissions}`; `GET /_control/stores/{store}/state`;
//! `POST /_control/stores/{store}/orders {line_items:[{sku,quantity}], status?, billing_email?, taxes_included?,
//! tax_rate?, shipping?, discount?}`;
//! `POST …/orders/{id}/status {status}`; `POST …/orders/{id}/refund {line_items:[{line_item_id,quantity}], restock}`;
//! `DELETE …/orders/{id}`; `POST …/products/{id}/touch` (fires `product.updated`);
//! `GET /_control/not-woo[/…]` (an HTML site that is not WooCommerce). Plus `Faults` routes.

mod control;
mod model;
mod orders;
mod products;
mod render;
mod rest;
#[cfg(test)]
mod tests;
mod webhooks;

pub use model::{ApiKey, Delivery, Webhook};
pub use orders::{NewOrder, NewOrderLine, NewRefund, PlacedOrder, RefundLine};
pub use products::BATCH_ITEMS_LIMIT;
pub use webhooks::{MAX_DELIVERY_FAILURES, USER_AGENT, sign};

use crate::{
    catalog::{self, CatalogProduct},
    faults::Faults,
};
use axum::{
    Router,
    extract::{Request, State},
    http::header,
    middleware::{self, Next},
    response::Response,
    routing::{get, post},
};
use model::{Db, Kind, Product, Store, Variation, now};
use rest::{WpErr, gate};
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde_json::{Value, json};
use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::Duration,
};

pub const DEFAULT_PORT: u16 = 4002;
pub const DEMO_STORE: &str = "demo-store";
pub const DEMO_CONSUMER_KEY: &str = "ck_demo0000000000000000000000000000000000000";
pub const DEMO_CONSUMER_SECRET: &str = "cs_demo0000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockError {
    UnknownStore(String),
    StoreExists(String),
    UnknownSku(String),
    UnknownOrder(u64),
    UnknownProduct(u64),
    Invalid(String),
}

impl std::fmt::Display for MockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MockError::UnknownStore(s) => write!(f, "no store named {s}"),
            MockError::StoreExists(s) => write!(f, "store {s} already exists"),
            MockError::UnknownSku(s) => write!(f, "no product or variation with SKU {s}"),
            MockError::UnknownOrder(id) => write!(f, "no order {id}"),
            MockError::UnknownProduct(id) => write!(f, "no product {id}"),
            MockError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for MockError {}

/// A store's address and its first API key pair.
#[derive(Debug, Clone, Serialize)]
pub struct StoreKeys {
    pub store: String,
    /// `/{store}`: the store URL is the mock's base URL plus this.
    pub url_path: String,
    pub consumer_key: String,
    pub consumer_secret: String,
    pub permissions: String,
}

#[derive(Clone)]
pub struct WooMock {
    db: Arc<Mutex<Db>>,
    faults: Faults,
    http: reqwest::Client,
}

impl Default for WooMock {
    fn default() -> Self {
        WooMock::new()
    }
}

impl WooMock {
    pub fn new() -> WooMock {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest client with static settings");
        WooMock { db: Arc::default(), faults: Faults::default(), http }
    }

    pub fn faults(&self) -> Faults {
        self.faults.clone()
    }

    pub fn router(&self) -> Router {
        let wc = "/{store}/wp-json/wc/v3";
        let rest = Router::new()
            .route(wc, get(rest::wc_index))
            .route(&format!("{wc}/"), get(rest::wc_index))
            .route(&format!("{wc}/products"), get(products::list_products).post(products::create_product))
            .route(&format!("{wc}/products/batch"), post(products::batch_products).put(products::batch_products))
            .route(
                &format!("{wc}/products/{{id}}"),
                get(products::get_product).put(products::update_product).post(products::update_product),
            )
            .route(
                &format!("{wc}/products/{{id}}/variations"),
                get(products::list_variations).post(products::create_variation),
            )
            .route(
                &format!("{wc}/products/{{id}}/variations/batch"),
                post(products::batch_variations).put(products::batch_variations),
            )
            .route(
                &format!("{wc}/products/{{id}}/variations/{{vid}}"),
                axum::routing::put(products::update_variation).post(products::update_variation),
            )
            .route(&format!("{wc}/orders"), get(orders::list_orders))
            .route(&format!("{wc}/orders/{{id}}"), get(orders::get_order))
            .route(&format!("{wc}/orders/{{id}}/refunds"), get(orders::list_refunds))
            .route(&format!("{wc}/webhooks"), get(webhooks::list_webhooks).post(webhooks::create_webhook))
            .route(
                &format!("{wc}/webhooks/{{id}}"),
                get(webhooks::get_webhook)
                    .put(webhooks::update_webhook)
                    .post(webhooks::update_webhook)
                    .delete(webhooks::delete_webhook),
            )
            .route_layer(middleware::from_fn_with_state(self.clone(), gate));
        let site = Router::new()
            .route("/{store}/wp-json", get(rest::wp_index))
            .route("/{store}/wp-json/", get(rest::wp_index))
            .route("/{store}/wp-json/{*rest}", axum::routing::any(rest::unknown_route))
            .route("/{store}/wc-auth/v1/authorize", get(control::authorize))
            .route("/{store}/wc-auth/v1/access_granted", get(control::access_granted))
            .route("/_control/stores", post(control::create_store))
            .route("/_control/stores/{store}/keys", post(control::add_key))
            .route("/_control/stores/{store}/state", get(control::state))
            .route("/_control/stores/{store}/orders", post(control::create_order))
            .route("/_control/stores/{store}/orders/{id}", axum::routing::delete(control::delete_order))
            .route("/_control/stores/{store}/orders/{id}/status", post(control::order_status))
            .route("/_control/stores/{store}/orders/{id}/refund", post(control::refund))
            .route("/_control/stores/{store}/products/{id}/touch", post(control::touch))
            .route("/_control/not-woo", get(control::not_woo))
            .route("/_control/not-woo/{*rest}", get(control::not_woo).post(control::not_woo))
            .fallback(|| async { rest::not_found_page() });
        let router = site
            .merge(rest)
            .with_state(self.clone())
            .layer(middleware::from_fn_with_state(self.clone(), remember_host));
        self.faults.wrap(router)
    }

    /// The address the mock is reached at, for `X-WC-Webhook-Source` (learned from the first
    /// request's `Host` unless set here).
    pub fn set_base_url(&self, base: &str) {
        self.db.lock().unwrap().base_url = Some(base.trim_end_matches('/').to_owned());
    }

    pub fn base_url(&self) -> String {
        let db = self.db.lock().unwrap();
        db.base_url.clone().unwrap_or_else(|| format!("http://127.0.0.1:{DEFAULT_PORT}"))
    }

    /// `{base_url}/{store}`.
    pub fn store_url(&self, store: &str) -> String {
        format!("{}/{store}", self.base_url())
    }

    pub fn create_store(&self, name: &str) -> Result<StoreKeys, MockError> {
        self.insert_store(name, true, None)
    }

    /// A WordPress site without WooCommerce (`/wp-json/` answers, `wc/v3` does not).
    pub fn create_wordpress_site(&self, name: &str) -> Result<StoreKeys, MockError> {
        self.insert_store(name, false, None)
    }

    fn insert_store(&self, name: &str, woocommerce: bool, keys: Option<(&str, &str)>) -> Result<StoreKeys, MockError> {
        let valid = !name.is_empty()
            && !name.starts_with('_')
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid || name == "wp-json" {
            return Err(MockError::Invalid(format!("store name {name:?}: use letters, digits and dashes")));
        }
        let mut db = self.db.lock().unwrap();
        if db.stores.contains_key(name) {
            return Err(MockError::StoreExists(name.to_owned()));
        }
        let mut store = Store::new(name, woocommerce);
        let key = store.add_key("read_write", "Created by the control API", keys.map(|k| k.0), keys.map(|k| k.1));
        db.stores.insert(name.to_owned(), store);
        Ok(store_keys(name, key))
    }

    /// Another key pair for a store (`read`, `write` or `read_write`).
    pub fn add_key(&self, store: &str, permissions: &str) -> Result<StoreKeys, MockError> {
        if !["read", "write", "read_write"].contains(&permissions) {
            return Err(MockError::Invalid(format!("permissions {permissions:?}: use read, write or read_write")));
        }
        let key = self.with_store(store, |s| s.add_key(permissions, "Created by the control API", None, None))?;
        Ok(store_keys(store, key))
    }

    /// Creates `demo-store` (keys [`DEMO_CONSUMER_KEY`]/[`DEMO_CONSUMER_SECRET`]) with the demo
    /// catalog, one SKU spelled differently from Prokip (`catalog::demo_store_sku`). Idempotent.
    pub fn seed_demo(&self) {
        if !self.db.lock().unwrap().stores.contains_key(DEMO_STORE) {
            let _ = self.insert_store(DEMO_STORE, true, Some((DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET)));
            let _ = self.seed_store(DEMO_STORE, &catalog::demo_catalog(), catalog::demo_store_sku);
        }
    }

    /// Adds `catalog` to `demo-store` (created with the demo keys if missing), SKUs as given.
    pub fn seed(&self, catalog: &[CatalogProduct]) {
        if !self.db.lock().unwrap().stores.contains_key(DEMO_STORE) {
            let _ = self.insert_store(DEMO_STORE, true, Some((DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET)));
        }
        let _ = self.seed_store(DEMO_STORE, catalog, |s| s.to_owned());
    }

    /// Adds `catalog` to a store: single products as simple products, variable ones with a
    /// "Size" attribute and one variation per variant; stock is managed everywhere.
    pub fn seed_store(
        &self,
        store: &str,
        catalog: &[CatalogProduct],
        sku: fn(&str) -> String,
    ) -> Result<(), MockError> {
        self.with_store(store, |s| {
            let at = now();
            for c in catalog {
                let id = s.next_id();
                let variable = c.kind == "variable";
                let first = c.variants.first();
                let mut p = Product {
                    id,
                    name: c.name.clone(),
                    kind: if variable { Kind::Variable } else { Kind::Simple },
                    sku: sku(&c.sku),
                    global_unique_id: String::new(),
                    regular_price: if variable { None } else { first.map(|v| v.price) },
                    manage_stock: !variable,
                    stock_quantity: if variable { None } else { first.and_then(|v| v.stock.trunc().to_i64()) },
                    stock_status: "instock".into(),
                    attributes: Vec::new(),
                    variation_ids: Vec::new(),
                    created: at,
                    modified: at,
                };
                if variable {
                    p.attributes = vec![("Size".into(), c.variants.iter().map(|v| v.name.clone()).collect())];
                    for v in &c.variants {
                        let vid = s.next_id();
                        p.variation_ids.push(vid);
                        s.variations.insert(
                            vid,
                            Variation {
                                id: vid,
                                parent_id: id,
                                sku: sku(&v.sku),
                                global_unique_id: String::new(),
                                regular_price: Some(v.price),
                                manage_stock: true,
                                stock_quantity: v.stock.trunc().to_i64(),
                                stock_status: "instock".into(),
                                attributes: vec![("Size".into(), v.name.clone())],
                                created: at,
                                modified: at,
                            },
                        );
                    }
                }
                s.products.insert(id, p);
            }
        })
    }

    /// Marks a product modified and fires `product.updated`.
    pub async fn touch_product(&self, store: &str, id: u64) -> Result<(), MockError> {
        self.with_store(store, |s| {
            s.products.get_mut(&id).map(|p| p.modified = now()).ok_or(MockError::UnknownProduct(id))
        })??;
        self.fire(store, "product.updated", id).await;
        Ok(())
    }

    /// A merchant renames a product's (or variation's) SKU and sets its GTIN/UPC/EAN/ISBN field.
    /// `false`: no such SKU.
    pub fn relabel(&self, store: &str, sku: &str, new_sku: &str, gtin: &str) -> bool {
        let mut db = self.db.lock().unwrap();
        let Some(s) = db.stores.get_mut(store) else { return false };
        if let Some(p) = s.products.values_mut().find(|p| p.sku == sku) {
            (p.sku, p.global_unique_id) = (new_sku.to_owned(), gtin.to_owned());
            return true;
        }
        if let Some(v) = s.variations.values_mut().find(|v| v.sku == sku) {
            (v.sku, v.global_unique_id) = (new_sku.to_owned(), gtin.to_owned());
            return true;
        }
        false
    }

    /// The stock WooCommerce shows for a SKU (product or variation).
    pub fn stock_of(&self, store: &str, sku: &str) -> Option<i64> {
        let db = self.db.lock().unwrap();
        let s = db.stores.get(store)?;
        let product = s.products.values().find(|p| p.sku == sku).map(|p| p.stock_quantity);
        product.or_else(|| s.variations.values().find(|v| v.sku == sku).map(|v| v.stock_quantity)).flatten()
    }

    /// What the store shows for each of these SKUs that it holds, read in one pass over its catalog:
    /// for callers watching many SKUs at once.
    pub fn stocks_of(&self, store: &str, skus: &HashSet<&str>) -> HashMap<String, i64> {
        let db = self.db.lock().unwrap();
        let Some(s) = db.stores.get(store) else { return HashMap::new() };
        let products = s.products.values().map(|p| (&p.sku, p.stock_quantity));
        let variations = s.variations.values().map(|v| (&v.sku, v.stock_quantity));
        products
            .chain(variations)
            .filter(|(sku, _)| skus.contains(sku.as_str()))
            .filter_map(|(sku, q)| Some((sku.clone(), q?)))
            .collect()
    }

    pub fn webhooks(&self, store: &str) -> Vec<Webhook> {
        self.with_store(store, |s| s.webhooks.values().cloned().collect()).unwrap_or_default()
    }

    pub fn deliveries(&self, store: &str) -> Vec<Delivery> {
        self.with_store(store, |s| s.deliveries.clone()).unwrap_or_default()
    }

    /// Everything in a store: products (with variations), orders, webhooks (with secrets and
    /// failure counts), deliveries and keys.
    pub fn state(&self, store: &str) -> Result<Value, MockError> {
        self.with_store(store, |s| {
            let products: Vec<Value> = s
                .products
                .values()
                .map(|p| {
                    let mut v = render::product(s, p);
                    let vars: Vec<Value> = p
                        .variation_ids
                        .iter()
                        .filter_map(|id| s.variations.get(id))
                        .map(|x| render::variation(p, x))
                        .collect();
                    v["variation_details"] = json!(vars);
                    v
                })
                .collect();
            let orders: Vec<Value> = s.orders.values().map(render::order).collect();
            let webhooks: Vec<&Webhook> = s.webhooks.values().collect();
            json!({
                "name": s.name, "woocommerce": s.woocommerce, "products": products, "orders": orders,
                "webhooks": webhooks, "deliveries": s.deliveries, "keys": s.keys,
            })
        })
    }

    fn is_woo_store(&self, store: &str) -> bool {
        self.db.lock().unwrap().stores.get(store).is_some_and(|s| s.woocommerce)
    }

    fn with_store<R>(&self, store: &str, f: impl FnOnce(&mut Store) -> R) -> Result<R, MockError> {
        let mut db = self.db.lock().unwrap();
        db.stores.get_mut(store).map(f).ok_or_else(|| MockError::UnknownStore(store.to_owned()))
    }

    /// For REST handlers (the gate has checked the store exists).
    fn read_store<R>(&self, store: &str, f: impl FnOnce(&Store) -> R) -> Result<R, WpErr> {
        let db = self.db.lock().unwrap();
        db.stores.get(store).map(f).ok_or_else(WpErr::no_route)
    }

    fn write_store<R>(&self, store: &str, f: impl FnOnce(&mut Store) -> R) -> Result<R, WpErr> {
        self.with_store(store, f).map_err(|_| WpErr::no_route())
    }
}

fn store_keys(store: &str, key: model::ApiKey) -> StoreKeys {
    StoreKeys {
        store: store.to_owned(),
        url_path: format!("/{store}"),
        consumer_key: key.consumer_key,
        consumer_secret: key.consumer_secret,
        permissions: key.permissions,
    }
}

async fn remember_host(State(mock): State<WooMock>, req: Request, next: Next) -> Response {
    if let Some(host) = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()) {
        let mut db = mock.db.lock().unwrap();
        if db.base_url.is_none() {
            db.base_url = Some(format!("http://{host}"));
        }
    }
    next.run(req).await
}
