//! The Settings page's read: the account's order settings and the choices for each.

use crate::model::{AppError, SettingsView};
use leptos::prelude::*;

#[server(endpoint = "settings")]
pub async fn load_settings() -> Result<SettingsView, AppError> {
    use crate::backend::{auth::require_user, settings, state::AppState};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(settings::view(&state, user.account_id).await?)
}
