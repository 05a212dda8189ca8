//! What the Orders and Activity pages show.

use super::OrderState;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub id: i64,
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
