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
