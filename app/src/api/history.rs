//! What the Orders and Activity pages show.

use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub id: i64,
    pub platform: String,
    pub store_url: String,
    pub order: String,
    /// sent, committed, sending, needs_attention, failed, cancelled, deleted, pending
    pub state: String,
    pub invoice_no: String,
    pub prokip_sell_id: Option<i64>,
    pub error: Option<String>,
    pub updated_at: String,
    pub can_retry: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub status: String,
    pub detail: Option<String>,
    pub at: String,
    pub can_retry: bool,
    pub resolved: bool,
}

#[server(endpoint = "orders")]
pub async fn load_orders() -> Result<Vec<OrderView>, AppError> {
    use crate::backend::{auth::require_user, db::sales_log, state::AppState};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    let rows = sales_log::list(&state.db, user.account_id, 200).await?;
    Ok(rows
        .into_iter()
        .map(|r| OrderView {
            id: r.id,
            can_retry: matches!(r.state.as_str(), sales_log::FAILED | sales_log::NEEDS_ATTENTION)
                && r.last_event_id.is_some(),
            platform: r.platform,
            store_url: r.store_url,
            order: r.order_name.unwrap_or(r.order_id),
            state: r.state,
            invoice_no: r.invoice_no,
            prokip_sell_id: r.prokip_sell_id,
            error: r.error,
            updated_at: r.updated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        })
        .collect())
}

#[server(endpoint = "activity")]
pub async fn load_activity(open_only: bool) -> Result<Vec<ActivityView>, AppError> {
    use crate::backend::{auth::require_user, db::activity, state::AppState};
    let user = require_user().await?;
    let state = expect_context::<AppState>();
    let rows = activity::list(&state.db, user.account_id, open_only, 200, 0).await?;
    Ok(rows
        .into_iter()
        .map(|e| ActivityView {
            id: e.id,
            can_retry: e.retry.is_some() && !e.resolved && e.status != crate::model::ActivityStatus::Ok,
            kind: e.kind.to_string(),
            subject: e.subject,
            status: e.status.to_string(),
            detail: e.detail,
            at: e.at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            resolved: e.resolved,
        })
        .collect())
}
