//! Server functions and the data they exchange with the UI. Each function authenticates, scopes
//! to the caller's account, calls the backend and maps the error — nothing more.

mod connections;
mod error;
mod history;
mod products;
mod settings;
mod sync_runs;

pub use connections::{ConnectionsView, LocationOption, ProkipView, StoreView, load_connections};
pub use error::AppError;
pub use history::{ActivityView, OrderView, load_activity, load_orders};
pub use products::{PRODUCTS_PER_PAGE, ProductRow, ProductsView, STATUSES, StoreCell, StoreColumn, load_products};
pub use settings::{SettingsView, StoreTrigger, load_settings};
pub use sync_runs::{SyncRunView, load_sync_run};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in user as the UI shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub account_name: String,
}

/// The numbers on the overview page, all for the caller's account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub prokip_connected: bool,
    pub connections: u64,
    pub mapped_skus: u64,
    pub orders_synced_today: u64,
    pub needs_attention: u64,
    /// Orders received per channel on each of the last 14 days, oldest first.
    #[serde(default)]
    pub chart: Vec<ChartDay>,
}

/// One day of the overview chart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub shopify: u64,
    pub woocommerce: u64,
}

/// Facts about this installation that every page may show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppInfo {
    /// Demo mode: the platforms are local mocks; the UI shows a badge and the demo credentials.
    pub demo_mode: bool,
}

/// Public: the login page shows the demo badge too.
#[server(endpoint = "app_info")]
pub async fn load_app_info() -> Result<AppInfo, AppError> {
    use crate::backend::state::AppState;
    let state = expect_context::<AppState>();
    Ok(AppInfo { demo_mode: state.config.mock_mode })
}

/// Who is signed in, or `None` for a visitor.
#[server(endpoint = "current_user")]
pub async fn load_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::backend::auth::session_user;
    session_user().await
}

/// The overview numbers of the caller's account.
#[server(endpoint = "overview")]
pub async fn load_overview() -> Result<Overview, AppError> {
    use crate::backend::{auth::require_user, db::overview, state::AppState};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(overview::for_account(&state.db, user.account_id).await?)
}
