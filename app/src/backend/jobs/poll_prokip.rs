//! The `prokip_poll` job: one account's Prokip poll (its recent sells → a stock push of their
//! SKUs). Each poll tick enqueues one per account, so accounts are polled side by side by every
//! worker process and one failing account neither delays nor stops the others. Once an hour it
//! also reads the business's locations and payment methods again for the pages.

use super::{Job, Retry};
use crate::backend::{connect, metrics, state::AppState, sync::triggers};
use apalis::prelude::BoxDynError;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PollProkip {
    pub account_id: i64,
}

impl Job for PollProkip {
    const QUEUE: &'static str = "prokip_poll";
    /// A few quick tries within the poll period; the next tick polls from where the last
    /// successful poll stopped anyway.
    const RETRY: Retry = Retry { attempts: 3, first: Duration::from_secs(1), cap: Duration::from_secs(10) };
    const CONCURRENCY: usize = 4;

    async fn run(self, state: &AppState) -> Result<(), BoxDynError> {
        let started = std::time::Instant::now();
        let polled = triggers::poll_account(state, self.account_id).await;
        metrics::pass(metrics::Pass::ProkipPoll, started.elapsed());
        // What the pages show of the business (locations, payment methods), read again hourly.
        connect::prokip::refresh_directory_when_old(state, self.account_id).await?;
        match polled {
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::warn!(account_id = self.account_id, error = %e, "Prokip poll failed");
                Err(e.into())
            }
        }
    }
}
