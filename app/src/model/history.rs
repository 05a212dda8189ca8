//! What the Orders, order and Activity pages show.

use super::OrderState;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub id: i64,
    /// The store's connection (its link lists only that store's orders).
    pub connection_id: i64,
    pub platform: String,
    pub store_url: String,
    pub order: String,
    pub state: OrderState,
    pub invoice_no: String,
    pub prokip_sell_id: Option<i64>,
    pub error: Option<String>,
    pub updated_at: String,
    pub can_retry: bool,
    /// "1,250.00 KES" when the store said.
    pub total: Option<String>,
    /// The order in the store's own admin.
    pub store_link: String,
    pub customer: Option<String>,
}

pub const ORDERS_PER_PAGE: u64 = 50;

/// One page of orders with the filter that chose them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrdersView {
    pub rows: Vec<OrderView>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub q: String,
    /// An [`OrderState`] as stored ("sent", "failed", …), or "" for any.
    pub state: String,
    /// A store's connection id, or "" for any.
    pub store: String,
    /// Received from / to (inclusive) as `YYYY-MM-DD` in the account's time zone, or "".
    pub from: String,
    pub to: String,
    /// The stores to filter by.
    pub stores: Vec<StoreChoice>,
    /// The account's time zone, named beside the dates.
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreChoice {
    pub id: i64,
    /// "Shopify · demo-store.myshopify.com"
    pub label: String,
}

/// One order in detail (`/orders/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPageView {
    pub id: i64,
    /// "#1001"
    pub order: String,
    /// "Shopify · demo-store.myshopify.com"
    pub store: String,
    pub state: OrderState,
    pub error: Option<String>,
    pub can_retry: bool,
    /// `None` for an order stored before its lines were kept.
    pub lines: Option<Vec<OrderLineView>>,
    pub totals: Option<OrderTotals>,
    pub customer_name: Option<String>,
    pub email: Option<String>,
    /// The store's word for its payment state ("paid", "pending", …).
    pub payment: Option<String>,
    pub invoice_no: String,
    pub prokip_sell_id: Option<i64>,
    /// The sell in Prokip's own pages, once there is one.
    pub prokip_sell_link: Option<String>,
    /// The order in the store's admin.
    pub store_link: String,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub sku: Option<String>,
    pub quantity: i64,
    /// "12.50", tax included.
    pub unit_price: String,
    /// The Prokip product (and variation) it sells as, or `None`: not linked.
    pub product: Option<String>,
    /// The SKU whose page explains the line (Prokip's when linked, else the store's).
    pub sku_page: Option<String>,
}

/// Amounts with two decimals, in `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTotals {
    pub subtotal: String,
    pub discount: String,
    pub shipping: String,
    pub tax: String,
    pub total: String,
    pub currency: String,
}

/// One step of an order's life, with its time in the account's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: String,
    pub what: String,
    /// "ok", "failed", "needs_attention" or "info".
    pub status: String,
}

/// Activity entries per page.
pub const ACTIVITY_PER_PAGE: u64 = 50;

/// One page of the activity log, searched and filtered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitiesView {
    pub rows: Vec<ActivityView>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub q: String,
    /// An activity kind ("order", "stock", …), or "" for any.
    pub kind: String,
    pub open_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub status: String,
    pub detail: Option<String>,
    pub at: String,
    pub can_retry: bool,
    pub resolved: bool,
}
