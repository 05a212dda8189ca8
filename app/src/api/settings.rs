//! What the Settings page shows: the account's order settings and the choices for each.

use super::AppError;
use leptos::prelude::*;
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
    pub stores: Vec<StoreTrigger>,
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

#[server(endpoint = "settings")]
pub async fn load_settings() -> Result<SettingsView, AppError> {
    use crate::backend::{auth::require_user, db::account_settings, settings, state::AppState};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    let (s, methods) =
        settings::load(&state, user.account_id).await.map_err(|e| AppError::BadRequest(e.to_string()))?;
    let stores = account_settings::order_triggers(&state.db, user.account_id).await?;
    Ok(SettingsView {
        payment_method: s.payment_method,
        payment_methods: methods.unwrap_or_default().into_iter().collect(),
        customer_mode: s.customer_mode.as_str().to_owned(),
        stores: stores
            .into_iter()
            .map(|(id, platform, store_url, trigger)| StoreTrigger { id, platform, store_url, trigger })
            .collect(),
    })
}
