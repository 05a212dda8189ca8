//! The running or last full stock sync of the caller's account, for the dashboard's progress line.

use crate::model::{AppError, SyncRunView};
use leptos::prelude::*;

#[server(endpoint = "sync-run")]
pub async fn load_sync_run() -> Result<Option<SyncRunView>, AppError> {
    use crate::backend::{auth::require_user, state::AppState, sync::history};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    Ok(history::sync_run(&state, user.account_id).await?)
}
