//! What starts a stock push besides an imported order: the Prokip poll (Prokip has no webhooks, so
//! its recent sells are read and their SKUs pushed), the scheduled reconcile (a full push that
//! first reads the stores back), and the merchant's "Sync now". Scheduled ticks are claimed in
//! `sync_ticks`, so with several server processes each tick runs once, and fan out as one job per
//! account, so accounts are served side by side and retried on their own.

use super::{
    SyncError,
    sources::{Holdings, Sources},
};
use crate::backend::{
    db::{connections, pending_pushes, prokip_configs, sku_map, sync_ticks},
    jobs::{PollProkip, PushStock},
    state::AppState,
    stores::prokip,
};
use crate::model::PushReason;
use chrono::{DateTime, Utc};

pub const POLL_TICK: &str = "prokip-poll";
pub const RECONCILE_TICK: &str = "reconcile";

/// One scheduled poll: claims the tick, then enqueues a poll job per account whose Prokip location
/// is chosen. Returns how many were enqueued (`0` when another process had the tick).
pub async fn poll_tick(state: &AppState, at: DateTime<Utc>) -> Result<usize, SyncError> {
    let every = i64::from(state.config.sync.prokip_poll_seconds.max(1));
    if !sync_ticks::claim(&state.db, POLL_TICK, at.timestamp().div_euclid(every)).await? {
        return Ok(0);
    }
    let jobs: Vec<PollProkip> = prokip_configs::ready_accounts(&state.db)
        .await?
        .into_iter()
        .map(|c| PollProkip { account_id: c.account_id })
        .collect();
    let enqueued = jobs.len();
    state.queues.enqueue_all(jobs).await.map_err(SyncError::from)?;
    Ok(enqueued)
}

/// Reads the account's Prokip sells since the last poll and enqueues a push of their SKUs.
/// Sells are listed by day (Prokip filters by date only); pushing a SKU again costs no store
/// write when nothing changed. Returns the SKUs enqueued.
pub async fn poll_account(state: &AppState, account_id: i64) -> Result<Vec<String>, SyncError> {
    let cfg = prokip_configs::for_account(&state.db, account_id).await?.ok_or(SyncError::ProkipNotReady)?;
    let location = cfg.location_id.ok_or(SyncError::ProkipNotReady)?;
    let now = Utc::now();
    let since = cfg.last_polled_at.unwrap_or(cfg.created_at);
    let client = prokip::client_for(state, account_id).await?;
    // One listing of the business's sells; those at locations no store draws on change nothing.
    let stores = connections::list(&state.db, account_id).await?;
    let sources: Vec<Sources> = stores.iter().map(|c| Sources::of(c, location)).collect();
    let drawn = Holdings::locations(&sources);
    let sells = client
        .list_sells(None, since.date_naive(), now.date_naive())
        .await
        .map_err(|e| SyncError::Prokip(e.to_string()))?;
    prokip::keep_tokens(state, account_id, &client).await;
    let mut variations: Vec<i64> = sells
        .iter()
        .filter(|s| s.location_id.is_none_or(|l| drawn.contains(&l)))
        .flat_map(|s| s.sell_lines.iter().map(|l| l.variation_id))
        .collect();
    variations.sort_unstable();
    variations.dedup();
    let skus = sku_map::skus_of_variations(&state.db, account_id, &variations).await?;
    if !skus.is_empty() {
        let job = PushStock { account_id, skus: Some(skus.clone()), reason: PushReason::ProkipPoll };
        state.queues.push_stock(job).await.map_err(SyncError::from)?;
    }
    prokip_configs::set_last_polled_at(&state.db, account_id, now).await?;
    push_stranded(state, account_id, now).await?;
    Ok(skus)
}

/// SKUs an order left waiting for a push that never came (the push that was to take them failed
/// twice, say): pushed now, as after an order. They are taken by whichever push gets the lock.
async fn push_stranded(state: &AppState, account_id: i64, now: DateTime<Utc>) -> Result<(), SyncError> {
    let stranded = pending_pushes::waiting_since(&state.db, account_id, now - chrono::Duration::seconds(30)).await?;
    if stranded.is_empty() {
        return Ok(());
    }
    tracing::warn!(
        account_id,
        skus = stranded.len(),
        "SKUs waiting for a push after an order for over 30 s; pushing them"
    );
    let job = PushStock { account_id, skus: Some(stranded), reason: PushReason::Order };
    state.queues.push_stock(job).await.map_err(SyncError::from)
}

/// One scheduled reconcile: claims the tick, then enqueues a reconciling full push per account.
pub async fn reconcile_tick(state: &AppState, at: DateTime<Utc>) -> Result<(), SyncError> {
    let every = i64::from(state.config.sync.reconcile_minutes.max(1)) * 60;
    if !sync_ticks::claim(&state.db, RECONCILE_TICK, at.timestamp().div_euclid(every)).await? {
        return Ok(());
    }
    let jobs: Vec<PushStock> = prokip_configs::ready_accounts(&state.db)
        .await?
        .into_iter()
        .map(|c| PushStock { account_id: c.account_id, skus: None, reason: PushReason::Reconcile })
        .collect();
    state.queues.enqueue_all(jobs).await.map_err(SyncError::from)
}

/// A store a full push leaves out, and why: `review` (waiting for its first sync) or `paused`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub id: i64,
    pub store_url: String,
    pub reason: &'static str,
}

/// "Sync now" and `POST /sync`: enqueues a full push, and says which stores it leaves out.
pub async fn sync_now(state: &AppState, account_id: i64) -> Result<(String, Vec<Skipped>), SyncError> {
    enqueue_full(state, account_id, PushReason::Manual).await?;
    let skipped: Vec<Skipped> = connections::list(&state.db, account_id)
        .await?
        .into_iter()
        .filter(|c| !c.sync_enabled)
        .map(|c| Skipped { id: c.id, reason: if c.in_review { "review" } else { "paused" }, store_url: c.store_url })
        .collect();
    let mut message = "Sync started: every mapped SKU is being pushed to your stores.".to_owned();
    if !skipped.is_empty() {
        let why = |s: &Skipped| match s.reason {
            "review" => {
                format!("{} (waiting for review: open its preview on Connections and press Start syncing)", s.store_url)
            }
            _ => format!("{} (stock updates paused)", s.store_url),
        };
        message = format!(
            "Sync started for your other stores. Not synced: {}.",
            skipped.iter().map(why).collect::<Vec<_>>().join("; ")
        );
    }
    Ok((message, skipped))
}

/// Enqueues a push of every mapped SKU ("Sync now", `POST /sync`, reconcile).
pub async fn enqueue_full(state: &AppState, account_id: i64, reason: PushReason) -> Result<(), SyncError> {
    let job = PushStock { account_id, skus: None, reason };
    state.queues.push_stock(job).await.map_err(SyncError::from)
}
