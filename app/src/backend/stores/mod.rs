//! The store abstraction: a connection's store opened from its sealed credentials, offering what
//! the sync needs (its variants, stock levels, stock writes, orders since a time, product creation,
//! our webhooks) and each platform's small facts. Apart from `platforms/`, the only place that
//! branches on [`Platform`]: a new platform is a new client there, a module and an arm here.

pub mod orders;
pub mod prokip;
pub mod shopify;
pub mod woocommerce;

use crate::{
    backend::{
        db::{connections, sku_map::MappedSku},
        platforms::{shopify::ShopifyError, woocommerce::WooError},
        state::AppState,
    },
    model::Platform,
};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::HashSet;

/// A connection's store, ready to be called.
pub enum Store {
    Shopify(shopify::ShopifyStore),
    WooCommerce(woocommerce::WooStore),
}

/// Why a store call failed as a whole (single items fail inside [`Written`] and [`Created`]).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the stored credentials could not be opened; reconnect the store")]
    Unopened,
    #[error("the shop has no active location to hold stock")]
    NoLocation,
    #[error(transparent)]
    Shopify(#[from] ShopifyError),
    #[error(transparent)]
    WooCommerce(#[from] WooError),
}

/// What differs between platforms beyond their API calls.
#[derive(Debug, PartialEq, Eq)]
pub struct Facts {
    /// Starts our Prokip invoice numbers (`SHOP-<connection>-<order>`).
    pub invoice_prefix: &'static str,
    /// The store's order status that may make the sale instead of payment, when the merchant
    /// chooses so (WooCommerce `completed`).
    pub completed_status: Option<&'static str>,
    /// Stock writes batch a product's variants in one call, so progress steps keep them together.
    pub writes_stock_per_product: bool,
    /// Where an order opens in the store's admin, `{id}` standing for the order id.
    pub order_admin_path: &'static str,
}

impl Facts {
    /// The order's page in the store's admin.
    pub fn order_link(&self, store_url: &str, order_id: &str) -> String {
        let base = if store_url.starts_with("http") { store_url.to_owned() } else { format!("https://{store_url}") };
        format!("{}{}", base.trim_end_matches('/'), self.order_admin_path.replace("{id}", order_id))
    }
}

/// The facts of a platform.
pub fn facts(platform: Platform) -> &'static Facts {
    match platform {
        Platform::Shopify => &shopify::FACTS,
        Platform::WooCommerce => &woocommerce::FACTS,
    }
}

/// One sellable variant of a store, as the SKU map stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreVariant {
    pub sku: Option<String>,
    /// Its barcode (Shopify's barcode, WooCommerce's GTIN/UPC/EAN/ISBN), when set: Prokip prints
    /// its SKU as the barcode, so a store barcode equal to a Prokip SKU suggests a link.
    pub barcode: Option<String>,
    pub name: String,
    pub product_id: String,
    pub variant_id: Option<String>,
    pub inventory_item_id: Option<String>,
}

impl StoreVariant {
    /// A key unique within the store (the variant, else the product).
    pub fn key(&self) -> String {
        self.variant_id.clone().unwrap_or_else(|| self.product_id.clone())
    }
}

/// One SKU to write: where it lives, what to publish, what we believe the store has.
#[derive(Debug, Clone)]
pub struct Planned {
    pub map: MappedSku,
    pub target: i64,
    pub cached: Option<i64>,
}

/// Per item: the quantities the store now has, and the refusals.
#[derive(Debug, Default)]
pub struct Written {
    pub done: Vec<(String, i64)>,
    pub failed: Vec<(String, String)>,
}

/// An order read from the store, in the shape its webhook would have delivered.
#[derive(Debug, Clone)]
pub struct PulledOrder {
    /// The webhook topic the payload matches.
    pub topic: &'static str,
    pub order_id: String,
    /// Tells apart states of one order.
    pub version: String,
    pub payload: Value,
}

/// What checking a store's webhook subscriptions found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Healed {
    /// The topics subscribed and active afterwards, in the store's spelling.
    pub topics: Vec<String>,
    /// What was repaired, for people, e.g. "order.created re-activated".
    pub repaired: Vec<String>,
}

/// A product to create: one variant (simple) or several differing by [`OPTION_NAME`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewProduct {
    pub title: String,
    pub variable: bool,
    pub variants: Vec<NewVariant>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewVariant {
    pub sku: String,
    /// The option value that tells the variant apart (ignored for a simple product).
    pub option: String,
    pub price: Decimal,
    /// The quantity to publish.
    pub available: i64,
}

/// The attribute a variable product's variants differ by (Prokip's API does not name it).
pub const OPTION_NAME: &str = "Option";

/// The SKUs a creation made, and the ones refused with the store's reason.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Created {
    pub skus: Vec<String>,
    pub failed: Vec<(String, String)>,
}

impl Created {
    /// The store refused the whole product.
    fn refused(p: &NewProduct, why: impl std::fmt::Display) -> Self {
        let failed = p.variants.iter().map(|v| (v.sku.clone(), why.to_string())).collect();
        Created { skus: Vec::new(), failed }
    }
}

impl Store {
    /// Opens the connection's store with its sealed credentials.
    pub fn open(state: &AppState, conn: &connections::Model) -> Result<Store, StoreError> {
        match conn.platform {
            Platform::Shopify => shopify::ShopifyStore::open(state, conn).map(Store::Shopify),
            Platform::WooCommerce => woocommerce::WooStore::open(state, conn).map(Store::WooCommerce),
        }
    }

    /// Every sellable variant of the store.
    pub async fn variants(&self) -> Result<Vec<StoreVariant>, StoreError> {
        match self {
            Store::Shopify(s) => s.variants().await,
            Store::WooCommerce(s) => s.variants().await,
        }
    }

    /// The store's active locations, (id, name); a WooCommerce store has none to choose from.
    pub async fn locations(&self) -> Result<Vec<(String, String)>, StoreError> {
        match self {
            Store::Shopify(s) => s.locations().await,
            Store::WooCommerce(_) => Ok(Vec::new()),
        }
    }

    /// Whether the store has somewhere to hold stock (a Shopify shop needs an active location).
    pub fn can_hold_stock(&self) -> Result<(), StoreError> {
        match self {
            Store::Shopify(s) => s.location().map(|_| ()),
            Store::WooCommerce(_) => Ok(()),
        }
    }

    /// What the store shows for each mapped SKU; `None` where it tracks no quantity.
    pub async fn stock_levels(&self, maps: &[MappedSku]) -> Result<Vec<(String, Option<i64>)>, StoreError> {
        match self {
            Store::Shopify(s) => s.stock_levels(maps).await,
            Store::WooCommerce(s) => s.stock_levels(maps).await,
        }
    }

    /// What a Shopify shop's location `location` shows for each mapped SKU (a WooCommerce store
    /// has no other location: [`StoreError::NoLocation`]).
    pub async fn stock_levels_at(
        &self,
        location: &str,
        maps: &[MappedSku],
    ) -> Result<Vec<(String, Option<i64>)>, StoreError> {
        match self {
            Store::Shopify(s) => s.stock_levels_at(location, maps).await,
            Store::WooCommerce(_) => Err(StoreError::NoLocation),
        }
    }

    /// Writes the planned quantities at a Shopify shop's location `location`.
    pub async fn write_stock_at(&self, location: &str, planned: Vec<Planned>) -> Result<Written, StoreError> {
        match self {
            Store::Shopify(s) => s.write_stock_at(location, planned).await,
            Store::WooCommerce(_) => Err(StoreError::NoLocation),
        }
    }

    /// Writes the planned quantities; refused items are reported, not errors.
    pub async fn write_stock(&self, planned: Vec<Planned>) -> Result<Written, StoreError> {
        match self {
            Store::Shopify(s) => s.write_stock(planned).await,
            Store::WooCommerce(s) => s.write_stock(planned).await,
        }
    }

    /// Every order changed since `since`.
    pub async fn orders_since(&self, since: DateTime<Utc>) -> Result<Vec<PulledOrder>, StoreError> {
        match self {
            Store::Shopify(s) => s.orders_since(since).await,
            Store::WooCommerce(s) => s.orders_since(since).await,
        }
    }

    /// Which of `skus` the store already has (exact SKU lookup).
    pub async fn present(&self, skus: &[String]) -> Result<HashSet<String>, StoreError> {
        let refs: Vec<&str> = skus.iter().map(String::as_str).collect();
        match self {
            Store::Shopify(s) => s.present(&refs).await,
            Store::WooCommerce(s) => s.present(&refs).await,
        }
    }

    /// Creates one product with its variants stocked.
    pub async fn create_product(&self, p: &NewProduct) -> Created {
        match self {
            Store::Shopify(s) => s.create_product(p).await,
            Store::WooCommerce(s) => s.create_product(p).await,
        }
    }

    /// Checks our webhook subscriptions on the store, re-activating those it disabled and
    /// re-creating those that are gone. `Err` when they could not be read or repaired.
    pub async fn heal_webhooks(&self, state: &AppState, conn: &connections::Model) -> Result<Healed, String> {
        match self {
            Store::Shopify(s) => s.heal_webhooks(state).await,
            Store::WooCommerce(s) => s.heal_webhooks(state, conn).await,
        }
    }

    /// Deletes the webhooks that point at us; how many there were.
    pub async fn remove_webhooks(&self, state: &AppState) -> Result<usize, StoreError> {
        match self {
            Store::Shopify(s) => s.remove_webhooks(state).await,
            Store::WooCommerce(s) => s.remove_webhooks(state).await,
        }
    }
}
