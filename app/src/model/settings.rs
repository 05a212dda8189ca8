//! What the Settings page shows: the account's order settings and the choices for each.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    /// The `/payment-methods` key online sales are paid with.
    pub payment_method: String,
    /// (key, label) of the Prokip business's payment methods; empty when Prokip is unreachable
    /// or not connected.
    pub payment_methods: Vec<(String, String)>,
    /// `walk_in` or `email`.
    pub customer_mode: String,
    /// Stores connected from the dashboard start in review (stock updates off until started).
    pub review_new_stores: bool,
    pub stores: Vec<StoreTrigger>,
    /// The IANA zone the dashboard shows times in, and every zone to choose from.
    pub time_zone: String,
    pub time_zones: Vec<String>,
    /// The account's API tokens, newest first.
    pub api_tokens: Vec<super::ApiTokenView>,
    pub alerts: AlertsView,
}

/// Where the account's alerts go, and the latest ones sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertsView {
    /// Empty when alerts are not posted anywhere.
    pub webhook_url: String,
    /// Addresses alerts are e-mailed to, comma-separated; empty when none.
    pub email: String,
    /// The server has a mail relay (`SMTP_URL`); without one the e-mail field is off.
    pub email_available: bool,
    pub digest: bool,
    /// Newest first.
    pub sent: Vec<AlertSentView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSentView {
    /// `order_failed`, `store_unhealthy`, `digest` or `test`.
    pub kind: String,
    pub at: String,
    pub delivered: bool,
    pub summary: String,
    /// The receiver's answer, or why it was not delivered.
    pub outcome: String,
}

/// When one store's orders become Prokip sales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreTrigger {
    pub id: i64,
    pub platform: String,
    pub store_url: String,
    /// `paid` or `completed` (WooCommerce only).
    pub trigger: String,
}
