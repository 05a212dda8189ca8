//! What the Connections page shows: the Prokip connection and every connected store.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProkipView {
    pub api_url: String,
    pub business_name: Option<String>,
    pub location_id: Option<i64>,
    pub location_name: Option<String>,
    /// The business's active locations, as last read from Prokip.
    pub locations: Vec<LocationOption>,
    /// When the locations and payment methods were last read; none when never.
    pub read_at: Option<String>,
    /// Why the last read failed, if it did.
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationOption {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceChoice {
    pub id: i64,
    pub name: String,
    /// The store's stock includes this location's.
    pub drawn: bool,
    /// The store's orders are sold at this location.
    pub sells: bool,
    /// The Shopify location this source feeds (a Shopify shop's; `None` for other stores).
    pub feeds: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreLocationChoice {
    pub id: String,
    pub name: String,
    pub chosen: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreView {
    pub id: i64,
    pub platform: String,
    pub store_url: String,
    /// healthy, needs_attention, paused, uninstalled
    pub status: String,
    pub status_reason: Option<String>,
    /// Stock updates switch.
    pub sync_enabled: bool,
    /// Waiting for the merchant's review before its first stock sync (stock updates are off).
    pub in_review: bool,
    /// Order import switch.
    pub order_import_enabled: bool,
    /// Order events kept while order import was paused, not imported yet.
    pub orders_waiting: u64,
    pub safety_buffer: i32,
    /// Allocation rules: the share of what is available offered (0–100), the most offered of any
    /// SKU, and the quantity below which 0 is offered (0: never).
    pub publish_percent: i16,
    pub publish_max: Option<i32>,
    pub zero_below: i32,
    /// The business's locations, each with whether this store draws on it and sells at it
    /// (empty while Prokip's location is not chosen).
    pub sources: Vec<SourceChoice>,
    /// A Shopify shop's active locations as last read, the one its stock is written at marked.
    pub store_locations: Vec<StoreLocationChoice>,
    pub last_sync: Option<String>,
    pub last_webhook_at: Option<String>,
    /// The webhook topics subscribed at the last check (`None`: not checked yet), each with the
    /// store's last delivery of it.
    pub webhooks: Option<Vec<WebhookTopicView>>,
    /// Why the store's webhooks could not be repaired.
    pub webhook_problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTopicView {
    pub topic: String,
    pub last_delivery: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionsView {
    pub prokip: Option<ProkipView>,
    pub stores: Vec<StoreView>,
    pub demo_mode: bool,
    /// "Prokip is read for till sales every 60 s (next 08:41:00 UTC); …", or why it is not.
    pub schedule: String,
}

impl StoreView {
    /// The store's badge: a word and its tone.
    pub fn health(&self) -> (&'static str, &'static str) {
        store_health(
            &self.status,
            self.webhook_problem.is_some(),
            self.in_review,
            self.sync_enabled,
            self.order_import_enabled,
        )
    }
}

/// How a store is doing, in the words of its badge, with the badge's class: what needs the
/// merchant first (uninstalled, a problem, waiting for review), then what is paused.
pub fn store_health(
    status: &str,
    webhook_problem: bool,
    in_review: bool,
    sync_enabled: bool,
    order_import_enabled: bool,
) -> (&'static str, &'static str) {
    match status {
        "uninstalled" => ("Uninstalled", "badge bad"),
        "needs_attention" => ("Needs attention", "badge warn"),
        _ if webhook_problem => ("Needs attention", "badge warn"),
        _ if in_review => ("Review before first sync", "badge warn"),
        _ if !sync_enabled && !order_import_enabled => ("Paused", "badge muted"),
        _ if !sync_enabled => ("Stock paused", "badge muted"),
        _ if !order_import_enabled => ("Orders paused", "badge muted"),
        _ => ("Healthy", "badge ok"),
    }
}
