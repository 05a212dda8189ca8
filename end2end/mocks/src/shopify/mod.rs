//! Shopify mock (:4001): one server, many shops by path prefix `/{shop}` (`name.myshopify.com`).
//!
//! Platform routes: `GET /{shop}/admin/oauth/authorize` (HTML page with Approve / Cancel; add
//! `auto_approve=1` to be redirected at once), `POST /{shop}/admin/oauth/access_token` (code and
//! refresh grants, rotating refresh tokens), `POST /{shop}/admin/api/{version}/graphql.json` (the
//! operations the client sends, with query-cost throttling). Webhooks are POSTed to subscriptions
//! made through GraphQL, signed with the client secret. Control routes: see [`control`].

mod bulk;
mod control;
mod graphql;
mod oauth;
mod ops;
mod orders;
mod schema;
mod schema_types;
pub mod signing;
mod state;
mod webhooks;

pub use orders::{NewOrder, NewOrderLine, PlacedOrder, RefundLineInput};
pub use state::Delivery;

use crate::{catalog, faults::Faults};
use axum::{
    Json, Router,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use rust_decimal::prelude::ToPrimitive;
use state::{AccessToken, Store};
use std::sync::{Arc, Mutex, MutexGuard};

/// The shop `seed_demo` creates.
pub const DEMO_SHOP: &str = "demo-store.myshopify.com";
/// App credentials for demo mode (any pair works in tests: `ShopifyMock::new` takes them).
pub const DEMO_CLIENT_ID: &str = "prokip-sync-demo";
pub const DEMO_CLIENT_SECRET: &str = "shpss_demo_secret";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockError {
    NotFound(String),
    Invalid(String),
}

impl IntoResponse for MockError {
    fn into_response(self) -> Response {
        let (status, msg) = match self {
            MockError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            MockError::Invalid(m) => (StatusCode::UNPROCESSABLE_ENTITY, m),
        };
        (status, Json(serde_json::json!({ "errors": msg }))).into_response()
    }
}

#[derive(Clone)]
pub struct ShopifyMock {
    store: Arc<Mutex<Store>>,
    faults: Faults,
    /// Delivers the webhooks: one client (building one reads the root certificates), a new
    /// connection per delivery as before, so a restarted app is never sent to on a dead one.
    http: reqwest::Client,
}

impl ShopifyMock {
    pub fn new(client_id: &str, client_secret: &str) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(1))
            .timeout(std::time::Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(0)
            .build()
            .expect("static client settings");
        ShopifyMock {
            store: Arc::new(Mutex::new(Store::new(client_id.into(), client_secret.into()))),
            faults: Faults::default(),
            http,
        }
    }

    pub fn router(&self) -> Router {
        let platform = Router::new()
            .route("/{shop}/admin/oauth/authorize", get(oauth::authorize_page))
            .route("/{shop}/admin/oauth/access_token", post(oauth::access_token))
            .route("/{shop}/admin/api/{version}/graphql.json", post(graphql::endpoint))
            .route("/_bulk/{shop}/{file}", get(bulk_file))
            .with_state(self.clone());
        self.faults.wrap(platform.merge(control::routes(self.clone())))
    }

    /// How `shop`'s next bulk queries behave: time to finish, a failure to inject once, and
    /// whether every finished one's file expires now.
    pub fn bulk_control(
        &self,
        shop: &str,
        delay: Option<std::time::Duration>,
        fail_next: Option<&str>,
        expire: bool,
    ) -> Result<(), MockError> {
        let mut store = self.lock();
        let s = store.shops.get_mut(shop).ok_or_else(|| not_found(shop))?;
        if let Some(d) = delay {
            s.bulk.delay = d;
        }
        if let Some(code) = fail_next {
            s.bulk.fail_next = Some(code.to_owned());
        }
        if expire {
            s.bulk_ops.iter_mut().for_each(|b| b.expired = true);
        }
        Ok(())
    }

    /// Bulk queries `shop` was asked to run.
    pub fn bulk_queries(&self, shop: &str) -> Vec<String> {
        self.lock().shops.get(shop).map(|s| s.bulk_ops.iter().map(|b| b.query.clone()).collect()).unwrap_or_default()
    }

    pub fn faults(&self) -> Faults {
        self.faults.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Creates a shop (idempotent) and returns its primary location's gid.
    pub fn create_shop(&self, shop: &str) -> Result<String, MockError> {
        if !valid_shop(shop) {
            return Err(MockError::Invalid(format!("{shop} is not a name.myshopify.com domain")));
        }
        Ok(state::gid("Location", self.lock().create_shop(shop)))
    }

    /// Adds `catalog` to `shop` (creating it), with store SKUs from `sku` and stock as integers.
    pub fn seed_shop_with(
        &self,
        shop: &str,
        products: &[catalog::CatalogProduct],
        sku: impl Fn(&str) -> String,
    ) -> Result<(), MockError> {
        self.create_shop(shop)?;
        let mut store = self.lock();
        for p in products {
            let variants: Vec<_> = p
                .variants
                .iter()
                .map(|v| {
                    let title = if p.kind == "single" { "Default Title".to_owned() } else { v.name.clone() };
                    (sku(&v.sku), title, v.price, v.stock.trunc().to_i64().unwrap_or(0))
                })
                .collect();
            store.add_product(shop, &p.name, &variants);
        }
        Ok(())
    }

    pub fn seed_shop(&self, shop: &str, products: &[catalog::CatalogProduct]) -> Result<(), MockError> {
        self.seed_shop_with(shop, products, str::to_owned)
    }

    /// Seeds [`DEMO_SHOP`] with `products`, SKUs as they are.
    pub fn seed(&self, products: &[catalog::CatalogProduct]) {
        self.seed_shop(DEMO_SHOP, products).expect("the demo shop name is valid");
    }

    /// [`DEMO_SHOP`] with the demo catalog, spelled as the demo store spells SKUs (one mismatch).
    pub fn seed_demo(&self) {
        self.seed_shop_with(DEMO_SHOP, &catalog::demo_catalog(), catalog::demo_store_sku)
            .expect("the demo shop name is valid");
    }

    /// Query-cost bucket of one shop (and of shops created later when `shop` is `None`).
    pub fn set_bucket(&self, shop: Option<&str>, max: f64, restore_rate: f64) -> Result<(), MockError> {
        let mut store = self.lock();
        match shop {
            None => {
                store.bucket_max = max;
                store.bucket_restore = restore_rate;
            }
            Some(s) => {
                store.shops.get_mut(s).ok_or_else(|| not_found(s))?.bucket = state::Bucket::new(max, restore_rate)
            }
        }
        Ok(())
    }

    /// How many GraphQL calls of `shop` were answered `THROTTLED`.
    pub fn throttled(&self, shop: &str) -> u64 {
        self.lock().shops.get(shop).map_or(0, |s| s.throttled)
    }

    /// Points left in `shop`'s query-cost bucket now.
    pub fn bucket_available(&self, shop: &str) -> f64 {
        self.lock().shops.get_mut(shop).map_or(0.0, |s| s.bucket.available())
    }

    /// Queries refused for costing over 1,000 points, and the highest requested cost run.
    pub fn query_costs(&self, shop: &str) -> (u64, f64) {
        self.lock().shops.get(shop).map_or((0, 0.0), |s| (s.cost_refusals, s.max_requested_cost))
    }

    /// A non-expiring access token for `shop`, for tests that skip the OAuth dance.
    pub fn issue_token(&self, shop: &str) -> Result<String, MockError> {
        let mut store = self.lock();
        if !store.shops.contains_key(shop) {
            return Err(not_found(shop));
        }
        let token = format!("shpat_{}", oauth::random_hex());
        store.access_tokens.insert(token.clone(), AccessToken { shop: shop.into(), expires: None });
        Ok(token)
    }

    /// Makes every access token of `shop` expire now (refresh tokens keep working).
    pub fn expire_access_tokens(&self, shop: &str) {
        let now = chrono::Utc::now();
        for t in self.lock().access_tokens.values_mut().filter(|t| t.shop == shop) {
            t.expires = Some(now);
        }
    }

    /// Opens another location in the shop and returns its gid. With `stock_all` every variant is
    /// stocked there at 0 (the admin's "stock at all locations"); else none is, and a write of one
    /// there is refused as not stocked, as Shopify does.
    pub fn add_location(&self, shop: &str, name: &str, stock_all: bool) -> Result<String, MockError> {
        let mut store = self.lock();
        if !store.shops.contains_key(shop) {
            return Err(not_found(shop));
        }
        let id = store.next_id();
        let s = store.shops.get_mut(shop).ok_or_else(|| not_found(shop))?;
        s.locations.push(state::Location { id, name: name.to_owned() });
        if stock_all {
            let items: Vec<u64> = s.variants.iter().map(|v| v.inventory_item_id).collect();
            for item in items {
                s.levels.insert((item, id), 0);
            }
        }
        Ok(state::gid("Location", id))
    }

    /// Available quantity of the variant with `sku` at the location `location` (a gid); `None`
    /// when it is not stocked there.
    pub fn available_at(&self, shop: &str, sku: &str, location: &str) -> Option<i64> {
        let store = self.lock();
        let s = store.shops.get(shop)?;
        let v = s.variant_by_sku(sku)?;
        let id = s.locations.iter().find(|l| state::gid("Location", l.id) == location)?.id;
        s.levels.get(&(v.inventory_item_id, id)).copied()
    }

    /// Gid of the shop's primary location.
    pub fn primary_location(&self, shop: &str) -> Option<String> {
        self.lock().shops.get(shop).map(|s| state::gid("Location", s.primary_location()))
    }

    /// Available quantity of the variant with `sku` at the primary location.
    pub fn available(&self, shop: &str, sku: &str) -> Option<i64> {
        let store = self.lock();
        let s = store.shops.get(shop)?;
        let v = s.variant_by_sku(sku)?;
        s.levels.get(&(v.inventory_item_id, s.primary_location())).copied()
    }

    /// A merchant renames a variant's SKU and sets its barcode in the admin. `false`: no such variant.
    pub fn relabel(&self, shop: &str, sku: &str, new_sku: &str, barcode: Option<&str>) -> bool {
        let mut store = self.lock();
        let Some(v) = store.shops.get_mut(shop).and_then(|s| s.variants.iter_mut().find(|v| v.sku == sku)) else {
            return false;
        };
        v.sku = new_sku.to_owned();
        v.barcode = barcode.map(str::to_owned);
        true
    }

    /// Inventory item gid of the variant with `sku`.
    pub fn inventory_item_id(&self, shop: &str, sku: &str) -> Option<String> {
        let store = self.lock();
        store.shops.get(shop)?.variant_by_sku(sku).map(|v| state::gid("InventoryItem", v.inventory_item_id))
    }

    /// Deletes the shop's subscriptions to `topic` (REST spelling), as a merchant can in the admin.
    pub fn delete_subscriptions(&self, shop: &str, topic: &str) -> usize {
        let mut store = self.lock();
        let Some(s) = store.shops.get_mut(shop) else { return 0 };
        let before = s.subscriptions.len();
        s.subscriptions.retain(|sub| sub.topic != topic);
        before - s.subscriptions.len()
    }

    /// Webhook deliveries made for `shop`, oldest first.
    pub fn deliveries(&self, shop: &str) -> Vec<Delivery> {
        self.lock().shops.get(shop).map(|s| s.deliveries.clone()).unwrap_or_default()
    }
}

/// `GET /_bulk/{shop}/{id}.jsonl` (or `{id}.partial.jsonl`): a bulk query's result, without a
/// token, as Shopify's signed storage URL serves it; 403 once expired or not ready.
async fn bulk_file(
    axum::extract::State(mock): axum::extract::State<ShopifyMock>,
    axum::extract::Path((shop, file)): axum::extract::Path<(String, String)>,
) -> Response {
    let name = file.strip_suffix(".jsonl").unwrap_or(&file);
    let (id, partial) = match name.strip_suffix(".partial") {
        Some(id) => (id, true),
        None => (name, false),
    };
    let lines = {
        let store = mock.lock();
        let op = id.parse::<u64>().ok().and_then(|id| store.shops.get(&shop)?.bulk_ops.iter().find(|b| b.id == id));
        match op {
            None => return (StatusCode::NOT_FOUND, "NoSuchKey").into_response(),
            Some(op) => op.served(partial),
        }
    };
    match lines {
        Some(lines) => {
            let mut body = lines.join("\n");
            if !body.is_empty() {
                body.push('\n');
            }
            ([(axum::http::header::CONTENT_TYPE, "application/jsonl")], body).into_response()
        }
        None => (StatusCode::FORBIDDEN, "Request has expired").into_response(),
    }
}

pub(crate) fn not_found(shop: &str) -> MockError {
    MockError::NotFound(format!("shop {shop} does not exist"))
}

pub(crate) fn valid_shop(shop: &str) -> bool {
    shop.strip_suffix(".myshopify.com").is_some_and(|h| {
        h.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_ten_thousand_skus_is_fast_and_keeps_stock() {
        let mock = ShopifyMock::new("id", "secret");
        let started = std::time::Instant::now();
        mock.seed_shop("big.myshopify.com", &catalog::generated_catalog(10_000)).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "{:?}", started.elapsed());
        assert_eq!(mock.available("big.myshopify.com", "GEN000003"), Some(3));
        assert_eq!(mock.lock().shops["big.myshopify.com"].variants.len(), 10_000);
    }

    #[test]
    fn demo_shop_spells_the_mismatched_sku_its_own_way() {
        let mock = ShopifyMock::new("id", "secret");
        mock.seed_demo();
        assert_eq!(mock.available(DEMO_SHOP, catalog::DEMO_MISMATCH_STORE_SKU), Some(12));
        assert_eq!(mock.available(DEMO_SHOP, catalog::DEMO_MISMATCH_PROKIP_SKU), None);
        assert!(mock.create_shop("not a shop").is_err());
    }
}
