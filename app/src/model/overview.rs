//! What the overview page shows: the account's numbers and its orders per channel.

use serde::{Deserialize, Serialize};

/// How many days the overview's chart shows, today included.
pub const OVERVIEW_DAYS: u32 = 14;

/// The numbers on the overview page, all for the caller's account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub prokip_connected: bool,
    pub connections: u64,
    pub mapped_skus: u64,
    pub orders_synced_today: u64,
    pub needs_attention: u64,
    /// Orders received per channel on each of the last [`OVERVIEW_DAYS`] days in the account's time
    /// zone, oldest first.
    #[serde(default)]
    pub chart: Vec<ChartDay>,
    /// Every connected store with its badge, as the Connections page shows it.
    #[serde(default)]
    pub stores: Vec<StoreHealthView>,
}

/// A store at a glance on the overview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreHealthView {
    pub id: i64,
    /// "Shopify" or "WooCommerce".
    pub platform: String,
    pub store_url: String,
    /// The badge's words ("Healthy", "Stock paused", …) and class.
    pub health: String,
    pub badge: String,
    /// Why, when the store needs attention.
    pub reason: Option<String>,
}

/// One day of the overview chart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub shopify: u64,
    pub woocommerce: u64,
}
