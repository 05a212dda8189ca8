//! Order import (stores → Prokip): the order model, the exactly-once sell, cancellations and
//! refunds, and the back-fill of orders that webhooks missed.

pub mod import;
mod lease;
pub mod paused;
pub mod pull;
mod refunds;
pub mod retry;
mod sell;
mod woo_refunds;

/// The order model lives with the stores that deliver the orders.
pub use crate::backend::stores::orders as model;

use crate::backend::{
    db::{
        activity::{self, About, NewActivity, RetryHandle},
        connections, pending_pushes,
    },
    jobs::PushStock,
    platforms::prokip::ProkipError,
    state::AppState,
};
use crate::model::{ActivityKind, ActivityStatus, PushReason};

/// What every step of an import knows: the app, the store connection and the event being applied.
pub struct OrderCtx<'a> {
    pub state: &'a AppState,
    pub conn: &'a connections::Model,
    /// The stored webhook event (Retry buttons re-run it); `None` outside events.
    pub event_id: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("another worker is handling this order right now")]
    Busy,
    /// Worth retrying: a database or Prokip hiccup.
    #[error("{0}")]
    Transient(String),
}

impl From<sea_orm::DbErr> for ImportError {
    fn from(e: sea_orm::DbErr) -> Self {
        ImportError::Transient(format!("database: {e}"))
    }
}

impl From<ProkipError> for ImportError {
    fn from(e: ProkipError) -> Self {
        ImportError::Transient(e.to_string())
    }
}

impl OrderCtx<'_> {
    /// How the activity log names an order, e.g. "Shopify order #1001".
    pub fn subject(&self, order_name: &str) -> String {
        format!("{} order {order_name}", self.conn.platform.label())
    }

    /// Logs a problem (`failed` / `needs_attention`) with the order (the store's id and the name
    /// people know it by), with a Retry of this event.
    async fn problem(
        &self,
        order_id: &str,
        order_name: &str,
        status: ActivityStatus,
        detail: &str,
    ) -> Result<(), sea_orm::DbErr> {
        let retry = self.event_id.map(|event_id| RetryHandle::ProcessWebhook { event_id });
        self.log(order_id, order_name, status, detail, retry).await
    }

    /// Logs a success and closes the order's earlier failures.
    async fn done(&self, order_id: &str, order_name: &str, detail: &str) -> Result<(), sea_orm::DbErr> {
        self.log(order_id, order_name, ActivityStatus::Ok, detail, None).await
    }

    /// One activity entry for the order, closing its earlier open failures.
    async fn log(
        &self,
        order_id: &str,
        order_name: &str,
        status: ActivityStatus,
        detail: &str,
        retry: Option<RetryHandle>,
    ) -> Result<(), sea_orm::DbErr> {
        let subject = self.subject(order_name);
        let about = About::order(self.conn.id, order_id);
        let entry = NewActivity {
            account_id: self.conn.account_id,
            kind: ActivityKind::Order,
            about,
            subject: &subject,
            status,
            detail: Some(detail),
            retry,
        };
        activity::supersede(&self.state.db, entry).await.map(|_| ())
    }

    /// Saves the Prokip tokens after calls (a 401 may have refreshed them).
    async fn keep_tokens(&self, client: &crate::backend::platforms::prokip::ProkipClient) {
        crate::backend::stores::prokip::keep_tokens(self.state, self.conn.account_id, client).await;
    }

    /// Prokip stock of these SKUs moved: push it to every store (cross-channel propagation). With
    /// no SKUs known (a sell adopted without its order), everything is pushed.
    async fn push_stock(&self, mut skus: Vec<String>) {
        skus.sort();
        skus.dedup();
        let skus = Some(skus).filter(|s| !s.is_empty());
        if let Some(skus) = &skus
            && let Err(e) = pending_pushes::add(&self.state.db, self.conn.account_id, skus).await
        {
            tracing::warn!(error = %e, "stock push after an order not recorded; the next reconcile fixes it");
            return;
        }
        let job = PushStock { account_id: self.conn.account_id, skus, reason: PushReason::Order };
        if let Err(e) = self.state.queues.push_stock(job).await {
            tracing::warn!(error = %e, "stock push after an order not enqueued; the next reconcile fixes it");
        }
    }
}
