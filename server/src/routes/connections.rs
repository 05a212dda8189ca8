//! Connection management forms: pause/resume, safety buffer, disconnect. Each answers with a
//! redirect back to the Connections page carrying a notice or an error.

use super::SignedIn;
use app::backend::{connect, error::ServerError, state::AppState};
use axum::{
    Form,
    extract::{Path, State},
    response::Redirect,
};
use serde::Deserialize;

/// Back to the Connections page with `?notice=` or `?error=`.
pub fn back(result: Result<String, impl Into<ServerError>>) -> Redirect {
    super::back_to("/connections", result)
}

#[derive(Deserialize)]
pub struct SyncForm {
    #[serde(default)]
    enabled: String,
}

pub async fn set_sync(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<SyncForm>,
) -> Redirect {
    back(connect::set_sync(&state, user.account_id, id, f.enabled == "true").await)
}

#[derive(Deserialize)]
pub struct BufferForm {
    #[serde(default)]
    safety_buffer: String,
}

pub async fn set_buffer(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<BufferForm>,
) -> Redirect {
    back(connect::set_buffer(&state, user.account_id, id, &f.safety_buffer).await)
}

#[derive(Deserialize)]
pub struct DisconnectForm {
    #[serde(default)]
    confirm: String,
}

pub async fn disconnect(
    State(state): State<AppState>,
    user: SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<DisconnectForm>,
) -> Redirect {
    back(connect::disconnect_store(&state, user.account_id, id, f.confirm == "yes").await)
}
