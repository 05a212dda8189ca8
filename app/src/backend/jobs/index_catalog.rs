//! The `index_catalog` job: matches one store's catalog (or every store's, after Prokip's location
//! changed) with Prokip by SKU. Connecting enqueues it, so the connect answers at once however
//! large the catalog; its progress shows as a run, like a full sync's. Orders held for SKUs the
//! new map now knows are then sent again.

use super::{Job, PushStock, Retry, process_webhook};
use crate::backend::{
    db::{connections, sales_log},
    state::AppState,
    sync::mapping,
};
use crate::model::PushReason;
use apalis::prelude::BoxDynError;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexCatalog {
    pub account_id: i64,
    /// `None`: every store of the account.
    pub connection_id: Option<i64>,
    /// SKUs to push once the map is rebuilt (those a link just mapped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub then_push: Vec<String>,
}

impl Job for IndexCatalog {
    const QUEUE: &'static str = "index_catalog";
    /// Prokip or a store briefly unreachable right after a connect gets a few tries; each failed
    /// store is in the activity log either way, where "Re-index" tries again.
    const RETRY: Retry = Retry { attempts: 3, first: Duration::from_secs(5), cap: Duration::from_secs(60) };
    const CONCURRENCY: usize = 2;

    async fn run(self, state: &AppState) -> Result<(), BoxDynError> {
        let indexed = mapping::index_with_progress(state, self.account_id, self.connection_id).await;
        // Stores that were indexed before a failure elsewhere still release their orders.
        for id in connections::list(&state.db, self.account_id).await?.iter().map(|c| c.id) {
            if self.connection_id.is_none_or(|only| only == id) {
                release_held(state, id).await?;
            }
        }
        if indexed.is_ok() && !self.then_push.is_empty() {
            let push =
                PushStock { account_id: self.account_id, skus: Some(self.then_push), reason: PushReason::Linked };
            state.queues.push_stock(push).await?;
        }
        indexed.map_err(|e| {
            tracing::warn!(account_id = self.account_id, error = %e, "catalog index failed");
            e.into()
        })
    }
}

/// Sends the store's held orders again: those whose SKUs the map now knows go through.
async fn release_held(state: &AppState, connection_id: i64) -> Result<(), sea_orm::DbErr> {
    for event_id in sales_log::held_events(&state.db, connection_id).await? {
        process_webhook::requeue(state, event_id).await?;
    }
    Ok(())
}
