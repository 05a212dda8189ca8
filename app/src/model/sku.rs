//! What the SKU page shows: where each number of one SKU comes from.

use super::ActivityView;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuView {
    pub sku: String,
    pub name: String,
    /// Prokip's quantity at the account's location as we last read it, and how long ago.
    pub prokip_qty: Option<String>,
    pub prokip_read: Option<String>,
    pub location: Option<String>,
    /// Unpaid orders holding this SKU's stock.
    pub holders: Vec<HolderView>,
    pub stores: Vec<SkuStoreView>,
    /// The newest activity entries about this SKU.
    pub activity: Vec<ActivityView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderView {
    pub store: String,
    pub order: String,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuStoreView {
    pub label: String,
    /// The SKU the store uses for it (`None`: the store does not sell it, or it is not matched).
    pub store_sku: Option<String>,
    /// Matched through a link the merchant made.
    pub linked: bool,
    pub buffer: i32,
    pub committed: i64,
    /// What we publish there, and how: "max(0, 28 − 2 committed − 3 buffer) = 23".
    pub published: Option<i64>,
    pub formula: Option<String>,
    /// What the store showed at our last write or read-back, and when.
    pub shows: Option<i64>,
    pub shows_at: Option<String>,
    /// Whether the store receives stock now (connected, healthy, not paused).
    pub receiving: bool,
}
