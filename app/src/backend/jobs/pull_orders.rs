//! The `pull_orders` job: one account's pull of the orders its stores' webhooks missed. The daily
//! tick enqueues one per account with an active store, so the pull spreads over every worker
//! process and a failing account is retried on its own.

use super::{Job, Retry};
use crate::backend::{state::AppState, sync::orders::pull};
use apalis::prelude::BoxDynError;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullOrders {
    pub account_id: i64,
}

impl Job for PullOrders {
    const QUEUE: &'static str = "pull_orders";
    /// A store down for a while gets a few minutes to come back (5 s doubling up to 2 min).
    const RETRY: Retry = Retry { attempts: 5, first: Duration::from_secs(5), cap: Duration::from_secs(120) };
    const CONCURRENCY: usize = 2;

    async fn run(self, state: &AppState) -> Result<(), BoxDynError> {
        match pull::pull_account(state, self.account_id).await {
            Ok(p) => {
                tracing::info!(account_id = self.account_id, orders = p.orders, new = p.new, "order pull done");
                Ok(())
            }
            Err(e) => {
                tracing::warn!(account_id = self.account_id, error = %e, "order pull failed");
                Err(e.into())
            }
        }
    }
}
