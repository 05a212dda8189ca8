//! The webhook job: applies one stored `webhook_events` row (orders and refunds → order import;
//! product updates → re-index of that store), records the outcome on the row, and gives transient failures
//! to the worker's retry with backoff. After the last attempt the failure is in the activity log
//! with a Retry button. The sweeper re-enqueues events that never got (or lost) their job.

use super::{Job, Retry};
use crate::backend::db::{
    activity::About,
    webhook_events::{self, finish, note_error, start},
};
use crate::backend::{
    db::{
        activity::{self, NewActivity, RetryHandle},
        connections, sales_log,
    },
    state::AppState,
    sync::{
        mapping,
        orders::{ImportError, OrderCtx, import, model, paused},
    },
};
use apalis::prelude::BoxDynError;
use sea_orm::DbErr;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Process one stored `webhook_events` row (order import, product re-index, …).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessWebhook {
    pub event_id: i64,
}

impl Job for ProcessWebhook {
    const QUEUE: &'static str = "process_webhook";
    /// Transient failures retried in-process: 0.2 s doubling up to 10 s, [`MAX_ATTEMPTS`] runs.
    const RETRY: Retry =
        Retry { attempts: MAX_ATTEMPTS as usize, first: Duration::from_millis(200), cap: Duration::from_secs(10) };
    const CONCURRENCY: usize = 4;

    async fn run(self, state: &AppState) -> Result<(), BoxDynError> {
        run(state, self.event_id).await.map_err(Into::into)
    }
}
use crate::model::{ActivityKind, ActivityStatus};

/// Runs of one event before its failure is shown and retries stop.
pub const MAX_ATTEMPTS: i32 = 6;
/// An event enqueued this long ago and still unprocessed lost its job: enqueue it again.
const LOST_AFTER_SECS: i64 = 180;
/// How soon an event whose order another worker holds is run again.
const BUSY_RECHECK: Duration = Duration::from_secs(1);
/// Orders held for unmapped SKUs (or stuck in `sending`) are tried again this often.
const HELD_RETRY_SECS: i64 = 60;

#[derive(Debug, thiserror::Error)]
#[error("webhook event {event_id}: {reason}")]
pub struct JobError {
    pub event_id: i64,
    pub reason: String,
}

type StoredEvent = webhook_events::Model;

/// Processes one event. `Err` asks the worker to retry later.
pub async fn run(state: &AppState, event_id: i64) -> Result<(), JobError> {
    let fail = |reason: String| JobError { event_id, reason };
    let db = &state.db;
    let Some(ev) = start(db, event_id).await.map_err(|e| fail(e.to_string()))? else { return Ok(()) };
    let conn = connections::by_id_unscoped(db, ev.connection_id).await.map_err(|e| fail(e.to_string()))?;
    let Some(conn) = conn else {
        return finish(db, event_id, Some("the store connection is gone")).await.map_err(|e| fail(e.to_string()));
    };
    if mapping::PRODUCT_TOPICS.contains(&ev.topic.as_str()) {
        return match mapping::reindex_after_product_change(state, &conn, ev.received_at).await {
            Ok(()) => succeeded(state, &conn, event_id).await.map_err(|e| fail(e.to_string())),
            Err(e) => failed(state, &conn, event_id, &ev, e.to_string()).await,
        };
    }
    let parsed = match model::parse(&ev.platform, &ev.topic, &ev.payload) {
        Ok(p) => p,
        Err(e) => {
            let reason = e.to_string();
            finish(db, event_id, Some(&reason)).await.map_err(|e| fail(e.to_string()))?;
            give_up(state, &conn, event_id, &ev.topic, &reason).await.map_err(|e| fail(e.to_string()))?;
            return Ok(());
        }
    };
    let ctx = OrderCtx { state, conn: &conn, event_id: Some(event_id) };
    if paused::hold(&ctx, &parsed).await.map_err(|e| fail(e.to_string()))? {
        return Ok(());
    }
    match import::handle(&ctx, parsed).await {
        Ok(()) => succeeded(state, &conn, event_id).await.map_err(|e| fail(e.to_string())),
        // Another worker holds the order: look again in a moment, for as long as it does (a live
        // holder renews its lease, a killed one's runs out within seconds). Waiting is no attempt.
        Err(ImportError::Busy) => recheck_later(state, event_id).await.map_err(|e| fail(e.to_string())),
        Err(e) => failed(state, &conn, event_id, &ev, e.to_string()).await,
    }
}

/// A failed attempt: retried with backoff, after the last one shown in the activity log.
async fn failed(
    state: &AppState,
    conn: &connections::Model,
    event_id: i64,
    ev: &StoredEvent,
    reason: String,
) -> Result<(), JobError> {
    let fail = |reason: String| JobError { event_id, reason };
    note_error(&state.db, event_id, &reason).await.map_err(|e| fail(e.to_string()))?;
    if ev.attempts < MAX_ATTEMPTS {
        return Err(fail(reason));
    }
    finish(&state.db, event_id, Some(&reason)).await.map_err(|e| fail(e.to_string()))?;
    give_up(state, conn, event_id, &ev.topic, &reason).await.map_err(|e| fail(e.to_string()))
}

/// What the activity log calls an event that failed for good.
fn event_subject(topic: &str, event_id: i64) -> String {
    format!("{topic} event {event_id}")
}

/// The event went through: recorded, and a failure shown for an earlier run of it (the Retry
/// button runs it again) is closed.
async fn succeeded(state: &AppState, conn: &connections::Model, event_id: i64) -> Result<(), DbErr> {
    finish(&state.db, event_id, None).await?;
    activity::resolve(&state.db, conn.account_id, &About::event(conn.id, event_id)).await
}

async fn give_up(
    state: &AppState,
    conn: &connections::Model,
    event_id: i64,
    topic: &str,
    reason: &str,
) -> Result<(), DbErr> {
    tracing::warn!(event_id, topic, reason, "webhook event failed for good");
    let subject = event_subject(topic, event_id);
    let entry = NewActivity {
        account_id: conn.account_id,
        kind: if mapping::PRODUCT_TOPICS.contains(&topic) { ActivityKind::Catalog } else { ActivityKind::Order },
        about: About::event(conn.id, event_id),
        subject: &subject,
        status: ActivityStatus::Failed,
        detail: Some(reason),
        retry: Some(RetryHandle::ProcessWebhook { event_id }),
    };
    activity::record(&state.db, entry).await.map(|_| ())
}

/// Gives back the attempt [`start`] counted and enqueues the event's job again for
/// [`BUSY_RECHECK`] from now. Should that enqueue fail, the sweeper enqueues the event.
async fn recheck_later(state: &AppState, event_id: i64) -> Result<(), DbErr> {
    webhook_events::give_back_attempt(&state.db, event_id).await?;
    let task = super::task(ProcessWebhook { event_id }).run_after(BUSY_RECHECK);
    if let Err(e) = state.queues.enqueue_task(task).await {
        tracing::warn!(event_id, error = %e, "busy order's event not enqueued again; the sweeper will");
    }
    Ok(())
}

/// Runs an event again from scratch (Retry button, a held order's new chance).
pub async fn requeue(state: &AppState, event_id: i64) -> Result<(), DbErr> {
    let db = &state.db;
    webhook_events::reset(db, event_id).await?;
    if let Err(e) = state.queues.process_webhook(event_id).await {
        // enqueued_at ages and the sweeper enqueues it.
        tracing::warn!(event_id, error = %e, "retry not enqueued; the sweeper will");
    }
    Ok(())
}

/// The sweeper's pass: stored events that never got a job or lost it, held orders, and paused
/// orders of stores whose import is on again. Idempotent:
/// an event enqueued twice is processed once and skipped the second time.
pub async fn sweep(state: &AppState) -> Result<usize, DbErr> {
    let db = &state.db;
    let mut ids = webhook_events::claim_lost(db, LOST_AFTER_SECS).await?;
    for id in &ids {
        if let Err(e) = state.queues.process_webhook(*id).await {
            tracing::warn!(event_id = id, error = %e, "sweeper could not enqueue");
        }
    }
    let held = sales_log::stalled_events(db, HELD_RETRY_SECS).await?;
    for id in &held {
        requeue(state, *id).await?;
    }
    ids.extend(held);
    for connection_id in webhook_events::resumed_with_paused(db).await? {
        if let Err(e) = state.queues.enqueue(super::ResumeOrders { connection_id }).await {
            tracing::warn!(connection_id, error = %e, "sweeper could not enqueue the resume of paused orders");
        }
    }
    Ok(ids.len())
}
