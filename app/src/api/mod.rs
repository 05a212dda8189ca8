//! Server functions. Each one authenticates, scopes to the caller's account, calls one backend
//! function and maps the error — nothing more. The data they exchange with the UI is in `model`.

mod connections;
mod history;
mod products;
mod settings;
mod sync_runs;

pub use connections::{load_connections, load_preview, load_store_health};
pub use history::{load_activity, load_order, load_orders};
pub use products::{load_products, load_sku};
pub use settings::load_settings;
pub use sync_runs::load_sync_run;

use crate::model::{AppError, AppInfo, CurrentUser, Overview};
use leptos::prelude::*;

/// Public: the login page shows the demo badge too.
#[server(endpoint = "app_info")]
pub async fn load_app_info() -> Result<AppInfo, AppError> {
    use crate::backend::state::AppState;
    let state = expect_context::<AppState>();
    Ok(AppInfo { demo_mode: state.config.mock_mode })
}

/// The message a form post left for this page (`?notice=<id>` or `?error=<id>`), removed from
/// the session: shown once. Public: sign-in and registration errors are flashed too.
#[server(endpoint = "flash")]
pub async fn take_flash(id: String) -> Result<Option<crate::model::FlashView>, AppError> {
    use crate::backend::{error::ServerError, flash, state::AppState};
    let session: tower_sessions::Session = leptos_axum::extract().await.map_err(ServerError::internal)?;
    let state = expect_context::<AppState>();
    Ok(flash::take(&session, &id, &state.keyring).await.map_err(ServerError::internal)?)
}

/// Who is signed in, or `None` for a visitor.
#[server(endpoint = "current_user")]
pub async fn load_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::backend::auth::session_user;
    Ok(session_user().await?)
}

/// The overview numbers of the caller's account.
#[server(endpoint = "overview")]
pub async fn load_overview() -> Result<Overview, AppError> {
    use crate::backend::{auth::require_user, db::overview, error::ServerError, state::AppState, time::Zone};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    let zone = Zone::of_account(&state.db, user.account_id).await.map_err(ServerError::from)?;
    let days = zone.last_days(chrono::Utc::now(), crate::model::OVERVIEW_DAYS);
    Ok(overview::for_account(&state.db, user.account_id, &days).await.map_err(ServerError::from)?)
}
