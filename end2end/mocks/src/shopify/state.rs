//! The Shopify mock's data: shops (locations, products, variants, inventory levels, orders, webhook
//! subscriptions and deliveries, idempotency records, the query-cost bucket) and OAuth grants/tokens.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use std::{collections::HashMap, time::Instant};

pub const GID: &str = "gid://shopify";

pub fn gid(kind: &str, id: u64) -> String {
    format!("{GID}/{kind}/{id}")
}

/// The number of a `gid://shopify/{kind}/{n}` id (`None` for another kind or junk).
pub fn parse_gid(kind: &str, value: &str) -> Option<u64> {
    value.strip_prefix(GID)?.strip_prefix('/')?.strip_prefix(kind)?.strip_prefix('/')?.split('?').next()?.parse().ok()
}

pub fn money(d: Decimal) -> String {
    format!("{:.2}", d)
}

pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[derive(Debug, Clone)]
pub struct Location {
    pub id: u64,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: u64,
    pub title: String,
    pub variant_ids: Vec<u64>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub id: u64,
    pub product_id: u64,
    pub sku: String,
    pub title: String,
    pub price: Decimal,
    pub inventory_item_id: u64,
    pub tracked: bool,
    pub barcode: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OrderLine {
    pub id: u64,
    pub variant_id: u64,
    pub product_id: u64,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub price: Decimal,
}

#[derive(Debug, Clone)]
pub struct RefundLine {
    pub id: u64,
    pub line_item_id: u64,
    pub quantity: i64,
    pub restock_type: String,
}

#[derive(Debug, Clone)]
pub struct Refund {
    pub id: u64,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<RefundLine>,
}

#[derive(Debug, Clone)]
pub struct Order {
    pub id: u64,
    pub number: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub financial_status: String,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub currency: String,
    pub lines: Vec<OrderLine>,
    pub refunds: Vec<Refund>,
    /// Tax, shipping and discount of the checkout.
    pub pricing: crate::pricing::Pricing,
    pub email: Option<String>,
}

impl Order {
    /// Each line's share of the discount and its tax.
    pub fn line_money(&self) -> Vec<crate::pricing::LineMoney> {
        let gross: Vec<Decimal> = self.lines.iter().map(|l| l.price * Decimal::from(l.quantity)).collect();
        self.pricing.lines(&gross)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Subscription {
    pub id: String,
    /// REST spelling, e.g. `orders/create`.
    pub topic: String,
    pub uri: String,
}

/// One webhook POST the mock made (or tried).
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub webhook_id: String,
    pub event_id: String,
    pub topic: String,
    pub uri: String,
    pub triggered_at: String,
    /// HTTP status the receiver answered; `None` when it could not be reached.
    pub status: Option<u16>,
    pub error: Option<String>,
    /// A re-send of an earlier delivery (same webhook id).
    pub redelivery: bool,
    pub body: String,
}

/// Leaky bucket of query-cost points.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub max: f64,
    pub restore_rate: f64,
    available: f64,
    last: Instant,
}

impl Bucket {
    pub fn new(max: f64, restore_rate: f64) -> Self {
        Bucket { max, restore_rate, available: max, last: Instant::now() }
    }

    pub fn available(&mut self) -> f64 {
        let now = Instant::now();
        self.available =
            (self.available + now.duration_since(self.last).as_secs_f64() * self.restore_rate).min(self.max);
        self.last = now;
        self.available
    }

    /// Takes `cost` points if there are enough.
    pub fn take(&mut self, cost: f64) -> bool {
        if self.available() < cost {
            return false;
        }
        self.available -= cost;
        true
    }

    pub fn give_back(&mut self, points: f64) {
        self.available = (self.available() + points).min(self.max);
    }
}

pub struct Shop {
    pub domain: String,
    pub name: String,
    pub currency: String,
    pub locations: Vec<Location>,
    pub products: Vec<Product>,
    /// Sorted by id (ids only grow).
    pub variants: Vec<Variant>,
    /// inventory item id → index into `variants`.
    pub item_index: HashMap<u64, usize>,
    /// (inventory item id, location id) → available; absent = not stocked there.
    pub levels: HashMap<(u64, u64), i64>,
    pub orders: Vec<Order>,
    pub next_order_number: u64,
    pub subscriptions: Vec<Subscription>,
    pub deliveries: Vec<Delivery>,
    /// idempotency key → (canonical input, the answer given).
    pub idempotency: HashMap<String, (String, Value)>,
    pub bucket: Bucket,
    pub throttled: u64,
    /// Queries refused for a requested cost over the single-query limit.
    pub cost_refusals: u64,
    /// The highest requested cost of a query run so far.
    pub max_requested_cost: f64,
    /// Bulk queries run, oldest first, and how the next ones behave.
    pub bulk_ops: Vec<super::bulk::BulkOp>,
    pub bulk: super::bulk::BulkSettings,
}

impl Shop {
    pub fn primary_location(&self) -> u64 {
        self.locations[0].id
    }

    pub fn variant_by_item(&self, item_id: u64) -> Option<&Variant> {
        self.item_index.get(&item_id).map(|&i| &self.variants[i])
    }

    pub fn variant_by_sku(&self, sku: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.sku == sku)
    }

    pub fn product(&self, id: u64) -> Option<&Product> {
        self.products.binary_search_by_key(&id, |p| p.id).ok().map(|i| &self.products[i])
    }

    pub fn variant(&self, id: u64) -> Option<&Variant> {
        self.variants.binary_search_by_key(&id, |v| v.id).ok().map(|i| &self.variants[i])
    }
}

pub struct Grant {
    pub shop: String,
    pub scope: String,
    pub expires: DateTime<Utc>,
}

pub struct AccessToken {
    pub shop: String,
    pub expires: Option<DateTime<Utc>>,
}

pub struct RefreshToken {
    pub shop: String,
    pub scope: String,
    pub expires: DateTime<Utc>,
    /// The token this one replaced; it stops working once this one is used.
    pub predecessor: Option<String>,
}

pub struct Store {
    pub client_id: String,
    pub client_secret: String,
    pub shops: HashMap<String, Shop>,
    pub codes: HashMap<String, Grant>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub bucket_max: f64,
    pub bucket_restore: f64,
    pub ids: Ids,
}

/// One counter for every numeric id the mock hands out.
pub struct Ids(u64);

impl Ids {
    pub fn next(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
}

impl Store {
    pub fn new(client_id: String, client_secret: String) -> Self {
        Store {
            client_id,
            client_secret,
            shops: HashMap::new(),
            codes: HashMap::new(),
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            bucket_max: 1000.0,
            bucket_restore: 50.0,
            ids: Ids(1_000_000_001),
        }
    }

    pub fn next_id(&mut self) -> u64 {
        self.ids.next()
    }

    pub fn create_shop(&mut self, domain: &str) -> u64 {
        if let Some(shop) = self.shops.get(domain) {
            return shop.primary_location();
        }
        let location = self.next_id();
        let handle = domain.split('.').next().unwrap_or(domain);
        let shop = Shop {
            domain: domain.to_owned(),
            name: handle.split('-').map(capitalise).collect::<Vec<_>>().join(" "),
            currency: "KES".into(),
            locations: vec![Location { id: location, name: "Shop location".into() }],
            products: Vec::new(),
            variants: Vec::new(),
            item_index: HashMap::new(),
            levels: HashMap::new(),
            orders: Vec::new(),
            next_order_number: 1001,
            subscriptions: Vec::new(),
            deliveries: Vec::new(),
            idempotency: HashMap::new(),
            bucket: Bucket::new(self.bucket_max, self.bucket_restore),
            throttled: 0,
            cost_refusals: 0,
            max_requested_cost: 0.0,
            bulk_ops: Vec::new(),
            bulk: super::bulk::BulkSettings { delay: std::time::Duration::from_millis(100), fail_next: None },
        };
        self.shops.insert(domain.to_owned(), shop);
        location
    }

    /// Adds a product with variants `(sku, title, price, stock at the primary location)`.
    pub fn add_product(
        &mut self,
        domain: &str,
        title: &str,
        variants: &[(String, String, Decimal, i64)],
    ) -> Option<u64> {
        let ids: Vec<(u64, u64)> = variants.iter().map(|_| (self.next_id(), self.next_id())).collect();
        let product_id = self.next_id();
        let shop = self.shops.get_mut(domain)?;
        let location = shop.primary_location();
        for ((sku, vtitle, price, stock), (variant_id, item_id)) in variants.iter().zip(&ids) {
            shop.item_index.insert(*item_id, shop.variants.len());
            shop.variants.push(Variant {
                id: *variant_id,
                product_id,
                sku: sku.clone(),
                title: vtitle.clone(),
                price: *price,
                inventory_item_id: *item_id,
                tracked: true,
                barcode: None,
            });
            shop.levels.insert((*item_id, location), *stock);
        }
        shop.products.push(Product {
            id: product_id,
            title: title.into(),
            variant_ids: ids.iter().map(|i| i.0).collect(),
            updated_at: Utc::now(),
        });
        Some(product_id)
    }
}

fn capitalise(word: &str) -> String {
    let mut c = word.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
