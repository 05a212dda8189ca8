//! The WooCommerce mock's data: stores with their API keys, products, variations, orders,
//! webhooks and delivery log, and the stock rules WooCommerce applies to orders.

use chrono::{NaiveDateTime, Timelike, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Default)]
pub(super) struct Db {
    pub stores: HashMap<String, Store>,
    /// `http://host:port` the mock is reached at (for `X-WC-Webhook-Source`).
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiKey {
    pub key_id: u64,
    pub consumer_key: String,
    pub consumer_secret: String,
    /// `read`, `write` or `read_write`.
    pub permissions: String,
    pub description: String,
}

pub(super) struct Store {
    pub name: String,
    /// False for a plain WordPress site (no `wc/v3` namespace).
    pub woocommerce: bool,
    pub currency: String,
    pub keys: Vec<ApiKey>,
    pub next_id: u64,
    pub next_key_id: u64,
    pub products: BTreeMap<u64, Product>,
    pub variations: BTreeMap<u64, Variation>,
    pub orders: BTreeMap<u64, Order>,
    pub webhooks: BTreeMap<u64, Webhook>,
    pub deliveries: Vec<Delivery>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    Simple,
    Variable,
}

#[derive(Debug, Clone)]
pub(super) struct Product {
    pub id: u64,
    pub name: String,
    pub kind: Kind,
    pub sku: String,
    /// GTIN, UPC, EAN or ISBN (WooCommerce 9.2+; "" when not set).
    pub global_unique_id: String,
    pub regular_price: Option<Decimal>,
    pub manage_stock: bool,
    pub stock_quantity: Option<i64>,
    /// Used when stock is not managed.
    pub stock_status: String,
    /// (name, options) of variation attributes.
    pub attributes: Vec<(String, Vec<String>)>,
    pub variation_ids: Vec<u64>,
    pub created: NaiveDateTime,
    pub modified: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub(super) struct Variation {
    pub id: u64,
    pub parent_id: u64,
    pub sku: String,
    pub global_unique_id: String,
    pub regular_price: Option<Decimal>,
    pub manage_stock: bool,
    pub stock_quantity: Option<i64>,
    pub stock_status: String,
    /// (attribute name, option).
    pub attributes: Vec<(String, String)>,
    pub created: NaiveDateTime,
    pub modified: NaiveDateTime,
}

#[derive(Debug, Clone)]
pub(super) struct OrderLine {
    pub id: u64,
    pub product_id: u64,
    pub variation_id: u64,
    pub name: String,
    pub sku: String,
    pub quantity: i64,
    pub price: Decimal,
}

#[derive(Debug, Clone)]
pub(super) struct OrderRefund {
    pub id: u64,
    pub reason: String,
    pub amount: Decimal,
    /// (line item id, quantity).
    pub lines: Vec<(u64, i64)>,
    /// Id of the refund's first line item; the others follow in order.
    pub first_item_id: u64,
    /// Whether the refunded quantities went back in stock.
    pub restocked: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Order {
    pub id: u64,
    pub status: String,
    pub currency: String,
    pub created: NaiveDateTime,
    pub modified: NaiveDateTime,
    pub paid: Option<NaiveDateTime>,
    pub completed: Option<NaiveDateTime>,
    pub lines: Vec<OrderLine>,
    pub refunds: Vec<OrderRefund>,
    pub billing_email: String,
    /// Tax, shipping and coupon of the checkout.
    pub pricing: crate::pricing::Pricing,
    /// Whether this order's stock is currently taken off (WooCommerce's `_order_stock_reduced`).
    pub stock_reduced: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Webhook {
    pub id: u64,
    pub name: String,
    pub status: String,
    pub topic: String,
    pub delivery_url: String,
    pub secret: String,
    pub failure_count: u32,
    #[serde(skip)]
    pub created: NaiveDateTime,
    #[serde(skip)]
    pub modified: NaiveDateTime,
}

/// One attempted delivery (or ping), as the state endpoint shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub webhook_id: u64,
    /// `order.created`, … or `ping`.
    pub topic: String,
    pub resource_id: u64,
    pub delivery_id: String,
    pub delivery_url: String,
    /// The HTTP status answered, if any.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub success: bool,
}

/// Statuses in which WooCommerce holds the order's stock off the shelf (reduced on
/// processing/completed/on-hold, given back on cancelled/pending).
pub(super) fn holds_stock(status: &str) -> bool {
    matches!(status, "processing" | "completed" | "on-hold")
}

pub(super) fn is_paid(status: &str) -> bool {
    matches!(status, "processing" | "completed")
}

pub(super) const STATUSES: [&str; 8] =
    ["pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed", "trash"];

/// Now, to the second (WordPress dates have no fractions).
pub(super) fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t.with_nanosecond(0).unwrap_or(t)
}

pub(super) fn random_hex(len: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..len).map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0')).collect()
}

impl Store {
    pub fn new(name: &str, woocommerce: bool) -> Store {
        Store {
            name: name.to_owned(),
            woocommerce,
            currency: "KES".into(),
            keys: Vec::new(),
            next_id: 10,
            next_key_id: 1,
            products: BTreeMap::new(),
            variations: BTreeMap::new(),
            orders: BTreeMap::new(),
            webhooks: BTreeMap::new(),
            deliveries: Vec::new(),
        }
    }

    /// Posts share one id sequence, as in WordPress.
    pub fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn add_key(&mut self, permissions: &str, description: &str, ck: Option<&str>, cs: Option<&str>) -> ApiKey {
        let key = ApiKey {
            key_id: self.next_key_id,
            consumer_key: ck.map(str::to_owned).unwrap_or_else(|| format!("ck_{}", random_hex(40))),
            consumer_secret: cs.map(str::to_owned).unwrap_or_else(|| format!("cs_{}", random_hex(40))),
            permissions: permissions.to_owned(),
            description: description.to_owned(),
        };
        self.next_key_id += 1;
        self.keys.push(key.clone());
        key
    }

    /// The product or variation (other than `except`) that already uses `sku`.
    pub fn sku_owner(&self, sku: &str, except: Option<u64>) -> Option<u64> {
        if sku.is_empty() {
            return None;
        }
        let products = self.products.values().filter(|p| p.sku == sku).map(|p| p.id);
        let variations = self.variations.values().filter(|v| v.sku == sku).map(|v| v.id);
        products.chain(variations).find(|id| Some(*id) != except)
    }

    /// A sellable item by SKU: (product id, variation id or 0, display name, price).
    pub fn sellable(&self, sku: &str) -> Option<(u64, u64, String, Decimal)> {
        if let Some(p) = self.products.values().find(|p| p.kind == Kind::Simple && p.sku == sku) {
            return Some((p.id, 0, p.name.clone(), p.regular_price.unwrap_or_default()));
        }
        let v = self.variations.values().find(|v| v.sku == sku)?;
        let parent = self.products.get(&v.parent_id)?;
        Some((parent.id, v.id, variation_name(parent, v), v.regular_price.unwrap_or_default()))
    }

    /// Adds `delta` to the stock of a line's product or variation, if its stock is managed.
    pub fn adjust_stock(&mut self, product_id: u64, variation_id: u64, delta: i64) {
        let at = now();
        let (managed, qty, modified) = if variation_id != 0 {
            match self.variations.get_mut(&variation_id) {
                Some(v) => (v.manage_stock, &mut v.stock_quantity, &mut v.modified),
                None => return,
            }
        } else {
            match self.products.get_mut(&product_id) {
                Some(p) => (p.manage_stock, &mut p.stock_quantity, &mut p.modified),
                None => return,
            }
        };
        if managed {
            *qty = Some(qty.unwrap_or(0).saturating_add(delta));
            *modified = at;
        }
    }

    /// Moves an order to `status`, taking stock off or giving it back as WooCommerce does.
    pub fn set_order_status(&mut self, order_id: u64, status: &str) {
        let Some(order) = self.orders.get_mut(&order_id) else { return };
        let at = now();
        order.status = status.to_owned();
        order.modified = at;
        if is_paid(status) && order.paid.is_none() {
            order.paid = Some(at);
        }
        if status == "completed" {
            order.completed = Some(at);
        }
        let change = match (order.stock_reduced, holds_stock(status), matches!(status, "cancelled" | "pending")) {
            (false, true, _) => -1,
            (true, _, true) => 1,
            _ => 0,
        };
        if change == 0 {
            return;
        }
        order.stock_reduced = change < 0;
        let lines: Vec<(u64, u64, i64)> =
            order.lines.iter().map(|l| (l.product_id, l.variation_id, l.quantity - order.refunded_qty(l.id))).collect();
        for (pid, vid, qty) in lines {
            self.adjust_stock(pid, vid, change * qty);
        }
    }
}

impl Order {
    pub fn refunded_qty(&self, line_id: u64) -> i64 {
        self.refunds.iter().flat_map(|r| &r.lines).filter(|(id, _)| *id == line_id).map(|(_, q)| q).sum()
    }

    /// What WooCommerce keeps in the line's `_restock_refunded_items` meta.
    pub fn restocked_qty(&self, line_id: u64) -> i64 {
        let restocked = self.refunds.iter().filter(|r| r.restocked).flat_map(|r| &r.lines);
        restocked.filter(|(id, _)| *id == line_id).map(|(_, q)| q).sum()
    }

    /// Each line's share of the coupon and its tax.
    pub fn line_money(&self) -> Vec<crate::pricing::LineMoney> {
        let gross: Vec<Decimal> = self.lines.iter().map(|l| l.price * Decimal::from(l.quantity)).collect();
        self.pricing.lines(&gross)
    }
}

pub(super) fn variation_name(parent: &Product, v: &Variation) -> String {
    let options: Vec<&str> = v.attributes.iter().map(|(_, o)| o.as_str()).collect();
    if options.is_empty() { parent.name.clone() } else { format!("{} - {}", parent.name, options.join(", ")) }
}
