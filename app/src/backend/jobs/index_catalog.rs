//! The `index_catalog` job: matches one store's catalog (or every store's, after Prokip's location
//! changed) with Prokip by SKU. Connecting enqueues it, so the connect answers at once however
//! large the catalog; its progress shows as a run, like a full sync's.

use super::{Job, Retry};
use crate::backend::{state::AppState, sync::mapping};
use apalis::prelude::BoxDynError;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexCatalog {
    pub account_id: i64,
    /// `None`: every store of the account.
    pub connection_id: Option<i64>,
}

impl Job for IndexCatalog {
    const QUEUE: &'static str = "index_catalog";
    /// Prokip or a store briefly unreachable right after a connect gets a few tries; each failed
    /// store is in the activity log either way, where "Re-index" tries again.
    const RETRY: Retry = Retry { attempts: 3, first: Duration::from_secs(5), cap: Duration::from_secs(60) };
    const CONCURRENCY: usize = 2;

    async fn run(self, state: &AppState) -> Result<(), BoxDynError> {
        mapping::index_with_progress(state, self.account_id, self.connection_id).await.map_err(|e| {
            tracing::warn!(account_id = self.account_id, error = %e, "catalog index failed");
            e.into()
        })
    }
}
