//! Stock push (Prokip → every store): read Prokip's quantities, publish
//! `available = max(0, ⌊prokip⌋ − committed − buffer)`, and write only what differs from what the
//! store last had (`inventory_cache`). Pushes of one account are serialized by a Postgres advisory
//! lock held from reading Prokip to the last write, so a later push never loses to an earlier one.
//! One failing item never fails the others: each failure becomes an activity entry with a Retry.
//! A full push records its progress in `sync_runs`, advanced as each batch of items completes.

use super::{
    SyncError,
    allocation::Rules,
    reconcile,
    sources::{Holdings, Sources, Target},
    webhook_health,
};
use crate::backend::{
    db::{
        activity::{self, About, NewActivity, RetryHandle, StockScope},
        catalog, connections, inventory_cache, location_cache, pending_pushes, prokip_configs, sku_map, sync_runs,
    },
    jobs::PushStock,
    metrics,
    state::AppState,
    stores::{self, Planned, Store, Written, prokip},
};
use crate::model::{ActivityKind, ActivityStatus, ConnectionStatus, PushReason};
use rust_decimal::Decimal;
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::Serialize;
use std::collections::HashMap;

/// Items written per progress step: a multiple of Shopify's 250 and WooCommerce's 100 per call,
/// and on WooCommerce a product's variations are never split across steps, so stepping costs no
/// extra calls.
const PROGRESS_STEP: usize = 1000;

/// What one push did for one store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoreOutcome {
    pub connection_id: i64,
    pub store_url: String,
    pub written: usize,
    pub unchanged: usize,
    pub failed: usize,
    /// Why nothing could be written to this store, when that happened.
    pub error: Option<String>,
}

/// Whether a store receives pushes: running, healthy, with credentials.
pub(super) fn receives_stock(c: &connections::Model) -> bool {
    c.sync_enabled && c.status == ConnectionStatus::Healthy && c.credentials_enc.is_some()
}

/// Takes the account's stock lock until `txn` ends: whoever holds it may read Prokip and write the
/// stores; a push waits for it, so it reads Prokip only after the previous push has written.
pub async fn lock_account(txn: &DatabaseTransaction, account_id: i64) -> Result<(), sea_orm::DbErr> {
    crate::backend::db::locks::stock_push(txn, account_id).await
}

/// Runs one push job for the account. Stores that are paused, unhealthy or uninstalled are skipped.
pub async fn push(state: &AppState, job: &PushStock) -> Result<Vec<StoreOutcome>, SyncError> {
    let Some(location) = prokip_configs::for_account(&state.db, job.account_id).await?.and_then(|c| c.location_id)
    else {
        return Ok(Vec::new());
    };
    let after_order = job.reason == PushReason::Order && job.skus.is_some();
    // A push after an order pushes every SKU waiting when it gets the lock, not only its own. One
    // such push waits for the lock at a time; the others end at once, their SKUs left for it, so
    // a burst of orders costs a push per holder of the lock, not a wait per order.
    let waiter = if after_order {
        let waiter = state.db.begin().await?;
        if !crate::backend::db::locks::try_stock_push_waiter(&waiter, job.account_id).await? {
            return Ok(Vec::new());
        }
        Some(waiter)
    } else {
        None
    };
    let lock = state.db.begin().await?;
    lock_account(&lock, job.account_id).await?;
    let coalesced;
    let job = if let Some(waiter) = waiter {
        // Free the place before taking: a push that finds it taken from here on has its SKUs
        // waiting already, and the take below or the next holder's sees them.
        waiter.commit().await?;
        let waiting = pending_pushes::take(&lock, job.account_id).await?;
        if waiting.is_empty() {
            return Ok(Vec::new());
        }
        coalesced = PushStock { skus: Some(waiting), ..job.clone() };
        &coalesced
    } else {
        job
    };
    let stores: Vec<_> =
        connections::list(&state.db, job.account_id).await?.into_iter().filter(receives_stock).collect();
    let skus = job.skus.as_deref();
    if stores.is_empty() || skus.is_some_and(<[String]>::is_empty) {
        return Ok(Vec::new());
    }
    let run = match skus {
        None => {
            let ids: Vec<i64> = stores.iter().map(|c| c.id).collect();
            Some(
                sync_runs::start(
                    &state.db,
                    job.account_id,
                    job.reason,
                    sync_runs::mapped_items(&state.db, &ids).await?,
                )
                .await?,
            )
        }
        Some(_) => None,
    };
    let outcomes = push_stores(state, job, location, stores, run).await;
    if let Some(id) = run {
        sync_runs::finish(&state.db, id).await?;
    }
    let outcomes = outcomes?;
    lock.commit().await?;
    // Prokip was read and the stores written: an earlier push of these SKUs that could not run is done now.
    activity::resolve_covered(&state.db, job.account_id, StockScope::Account, skus).await?;
    Ok(outcomes)
}

async fn push_stores(
    state: &AppState,
    job: &PushStock,
    location: i64,
    stores: Vec<connections::Model>,
    run: Option<i64>,
) -> Result<Vec<StoreOutcome>, SyncError> {
    let mut outcomes = Vec::new();
    let mut ready = Vec::new();
    for conn in stores {
        if job.reason == PushReason::Reconcile {
            webhook_health::check(state, &conn).await?;
        }
        if job.reason == PushReason::Reconcile
            && let Err(e) = reconcile::read_back(state, &conn, job.reason).await
        {
            store_failed(state, &conn, job, &e).await?;
            if let Some(id) = run {
                let items = sync_runs::mapped_items(&state.db, &[conn.id]).await?;
                sync_runs::advance(&state.db, id, items, items).await?;
            }
            outcomes.push(StoreOutcome {
                connection_id: conn.id,
                store_url: conn.store_url,
                error: Some(e),
                ..Default::default()
            });
            continue;
        }
        ready.push(conn);
    }
    let sources: Vec<Sources> = ready.iter().map(|c| Sources::of(c, location)).collect();
    let holdings = holdings(state, job, location, &Holdings::locations(&sources)).await?;
    for conn in ready {
        let started = std::time::Instant::now();
        let mut targets = Target::all(&conn, location).into_iter();
        let own = targets.next().map(|t| t.sources).unwrap_or_else(|| Sources::of(&conn, location));
        let mut outcome = push_store(state, &conn, job, &holdings, &own, run).await?;
        // The shop's other locations its sources feed, each with their own sum; after the shop's
        // own location, whose failure (the store unreachable) ends the push for the store.
        if outcome.error.is_none() {
            for target in targets {
                let Some(at) = target.location.as_deref() else { continue };
                let (written, failed) = push_location(state, &conn, job, &holdings, at, &target.sources).await?;
                outcome.written += written;
                outcome.failed += failed;
            }
        }
        outcomes.push(outcome);
        metrics::stock_pushed(conn.platform, started.elapsed());
    }
    Ok(outcomes)
}

/// Writes a Shopify shop's location `at` (one of its Prokip sources feeds it) what its sources
/// hold, by the store's rules, where that differs from what the location last had. Returns the
/// items written and refused; a failure of the whole write is recorded like the store's.
async fn push_location(
    state: &AppState,
    conn: &connections::Model,
    job: &PushStock,
    holdings: &Holdings,
    at: &str,
    sources: &Sources,
) -> Result<(usize, usize), SyncError> {
    let skus = job.skus.as_deref();
    if job.reason == PushReason::Reconcile
        && let Err(e) = reconcile::read_back_at(state, conn, at).await
    {
        store_failed(state, conn, job, &format!("{}: {e}", location_name(conn, at))).await?;
        return Ok((0, 0));
    }
    // After an order the shop may have taken units off the location it fulfilled from, which need
    // not be the one the order was sold at in Prokip: what an order's SKUs show is read again.
    let cache = match job.reason {
        PushReason::Order => Default::default(),
        _ => location_cache::get(&state.db, conn.id, at, skus).await?,
    };
    let rules = Rules::of(conn);
    let planned: Vec<Planned> = sku_map::for_connection(&state.db, conn.id, skus)
        .await?
        .into_iter()
        .filter_map(|map| {
            let (qty, committed) = holdings.for_store(sources, &map.sku)?;
            let target = rules.publish(qty, committed);
            let cached = cache.get(&map.sku).copied();
            (cached != Some(target)).then_some(Planned { map, target, cached })
        })
        .collect();
    if planned.is_empty() {
        return Ok((0, 0));
    }
    let (items, planned_skus) = (planned.len(), planned.iter().map(|p| p.map.sku.clone()).collect::<Vec<_>>());
    let written = match Store::open(state, conn) {
        Ok(store) => store.write_stock_at(at, planned).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let written = match written {
        Ok(w) => w,
        Err(e) => {
            metrics::stock_items(conn.platform, 0, items);
            location_cache::forget(&state.db, conn.id, at, Some(&planned_skus)).await?;
            store_failed(state, conn, job, &format!("{}: {e}", location_name(conn, at))).await?;
            return Ok((0, items));
        }
    };
    metrics::stock_items(conn.platform, written.done.len(), written.failed.len());
    location_cache::put(&state.db, conn.id, at, &written.done).await?;
    for (sku, message) in &written.failed {
        let subject = format!("SKU {sku} → {} at {}", conn.store_url, location_name(conn, at));
        let retry = Some(RetryHandle::PushStock { skus: Some(vec![sku.clone()]) });
        let entry = NewActivity {
            account_id: conn.account_id,
            kind: ActivityKind::Stock,
            about: About::sku(conn.id, sku),
            subject: &subject,
            status: ActivityStatus::Failed,
            detail: Some(message),
            retry,
        };
        activity::record(&state.db, entry).await?;
    }
    Ok((written.done.len(), written.failed.len()))
}

/// A Shopify location's name as last read from the shop, else its id.
fn location_name(conn: &connections::Model, location: &str) -> String {
    conn.store_locations().into_iter().find(|(id, _)| id == location).map_or_else(|| location.to_owned(), |(_, n)| n)
}

/// Prokip's quantity per SKU at each of `locations`, and what is committed at each location.
/// Variations are read by id: those of these SKUs, and for a full push every variation the catalog
/// index knows (so the Products page's Prokip column stays fresh for SKUs no store sells). A
/// request for a list of ids costs Prokip the same at any catalog size, where each page of a
/// catalog walk costs it a count of the whole catalog and a scan past its offset. What is read is
/// kept: `account_location`'s in the catalog index, the other locations' in `prokip_stock` (each
/// source's part on the SKU page).
pub(super) async fn holdings(
    state: &AppState,
    job: &PushStock,
    account_location: i64,
    locations: &[i64],
) -> Result<Holdings, SyncError> {
    let (account_id, skus) = (job.account_id, job.skus.as_deref());
    let by_sku = sku_map::variations_of_account(&state.db, account_id, skus).await?;
    let client = prokip::client_for(state, account_id).await?;
    let mut ids: Vec<i64> = by_sku.values().copied().collect();
    if skus.is_none() {
        ids.extend(catalog::prokip_variation_ids(&state.db, account_id).await?);
    }
    ids.sort_unstable();
    ids.dedup();
    let mut prokip = HashMap::new();
    for &location in locations {
        let qty: HashMap<i64, Decimal> =
            client.stock_for(location, &ids).await.map_err(|e| SyncError::Prokip(e.to_string()))?;
        prokip::keep_tokens(state, account_id, &client).await;
        let read: Vec<(i64, Decimal)> = qty.iter().map(|(id, q)| (*id, *q)).collect();
        if location == account_location {
            catalog::record_prokip_quantities(&state.db, account_id, &read, job.reason).await?;
        } else {
            catalog::record_location_quantities(&state.db, account_id, location, &read).await?;
        }
        let at: HashMap<String, Decimal> =
            by_sku.iter().filter_map(|(sku, id)| qty.get(id).map(|q| (sku.clone(), *q))).collect();
        prokip.insert(location, at);
    }
    let committed = inventory_cache::committed_by_location(&state.db, account_id, account_location, skus).await?;
    Ok(Holdings { prokip, committed })
}

async fn push_store(
    state: &AppState,
    conn: &connections::Model,
    job: &PushStock,
    holdings: &Holdings,
    sources: &Sources,
    run: Option<i64>,
) -> Result<StoreOutcome, SyncError> {
    let skus = job.skus.as_deref();
    let cache = inventory_cache::get(&state.db, conn.id, skus).await?;
    let mut outcome = StoreOutcome { connection_id: conn.id, store_url: conn.store_url.clone(), ..Default::default() };
    let progress = |done: usize, failed: usize| async move {
        match run {
            Some(id) => sync_runs::advance(&state.db, id, done, failed).await,
            None => Ok(()),
        }
    };
    let mapped = sku_map::for_connection(&state.db, conn.id, skus).await?;
    let mut planned = Vec::new();
    let rules = Rules::of(conn);
    for map in &mapped {
        let Some((qty, committed)) = holdings.for_store(sources, &map.sku) else { continue };
        let target = rules.publish(qty, committed);
        match cache.get(&map.sku) {
            Some(&c) if c == target => outcome.unchanged += 1,
            cached => planned.push(Planned { map: map.clone(), target, cached: cached.copied() }),
        }
    }
    progress(mapped.len() - planned.len(), 0).await?;
    let mut steps = steps(planned, stores::facts(conn.platform).writes_stock_per_product).into_iter();
    let mut done = Vec::new();
    while let Some(step) = steps.next() {
        let (step_len, skus_written) = (step.len(), step.iter().map(|p| p.map.sku.clone()).collect::<Vec<_>>());
        let written = match write(state, conn, step).await {
            Ok(w) => w,
            Err(e) => {
                // Unknown what the store has now: the next push reads it again.
                inventory_cache::forget(&state.db, conn.id, &skus_written).await?;
                store_failed(state, conn, job, &e).await?;
                let unsent = step_len + steps.map(|s| s.len()).sum::<usize>();
                progress(unsent, unsent).await?;
                outcome.error = Some(e);
                return Ok(outcome);
            }
        };
        let change = inventory_cache::Change::Written(job.reason);
        inventory_cache::put(&state.db, conn.account_id, conn.id, &written.done, change).await?;
        for (sku, message) in &written.failed {
            let subject = format!("SKU {sku} → {}", conn.store_url);
            let retry = Some(RetryHandle::PushStock { skus: Some(vec![sku.clone()]) });
            let entry = NewActivity {
                account_id: conn.account_id,
                kind: ActivityKind::Stock,
                about: About::sku(conn.id, sku),
                subject: &subject,
                status: ActivityStatus::Failed,
                detail: Some(message),
                retry,
            };
            activity::record(&state.db, entry).await?;
        }
        progress(step_len, written.failed.len()).await?;
        done.extend(written.done.iter().map(|(sku, _)| sku.clone()));
        outcome.written += written.done.len();
        outcome.failed += written.failed.len();
    }
    // Earlier failures this push has repaired are closed: the items it wrote, and the store as a
    // whole when it covered every SKU the failed push had.
    activity::resolve_covered(&state.db, conn.account_id, StockScope::Items(conn.id, &done), Some(&done)).await?;
    activity::resolve_covered(&state.db, conn.account_id, StockScope::Store(conn.id), skus).await?;
    connections::touch_sync(&state.db, conn.id).await?;
    tracing::info!(connection_id = conn.id, written = outcome.written, failed = outcome.failed, reason = %job.reason, "stock pushed");
    Ok(outcome)
}

/// Splits the plan into progress steps of [`PROGRESS_STEP`] items; with `whole_products`
/// (WooCommerce) simple products come first and a product's variations stay in one step.
fn steps(mut planned: Vec<Planned>, whole_products: bool) -> Vec<Vec<Planned>> {
    if whole_products {
        planned.sort_by(|a, b| {
            (a.map.store_variant_id.is_some(), &a.map.store_product_id)
                .cmp(&(b.map.store_variant_id.is_some(), &b.map.store_product_id))
        });
    }
    let mut out: Vec<Vec<Planned>> = Vec::new();
    for p in planned {
        match out.last_mut() {
            Some(step)
                if step.len() < PROGRESS_STEP
                    || (whole_products
                        && step.last().is_some_and(|l| l.map.store_product_id == p.map.store_product_id)) =>
            {
                step.push(p)
            }
            _ => out.push(vec![p]),
        }
    }
    out
}

/// Writes one step to the store and counts its items (all failed when the store took none).
async fn write(state: &AppState, conn: &connections::Model, planned: Vec<Planned>) -> Result<Written, String> {
    let items = planned.len();
    let written = match Store::open(state, conn) {
        Ok(store) => store.write_stock(planned).await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    match &written {
        Ok(w) => metrics::stock_items(conn.platform, w.done.len(), w.failed.len()),
        Err(_) => metrics::stock_items(conn.platform, 0, items),
    }
    written
}

/// Nothing could be written to a store: one activity entry whose Retry repeats the push.
fn store_subject(conn: &connections::Model) -> String {
    format!("Stock → {}", conn.store_url)
}

async fn store_failed(
    state: &AppState,
    conn: &connections::Model,
    job: &PushStock,
    message: &str,
) -> Result<(), SyncError> {
    let subject = store_subject(conn);
    let retry = Some(RetryHandle::PushStock { skus: job.skus.clone() });
    let entry = NewActivity {
        account_id: conn.account_id,
        kind: ActivityKind::Stock,
        about: About::store(conn.id),
        subject: &subject,
        status: ActivityStatus::Failed,
        detail: Some(message),
        retry,
    };
    activity::record(&state.db, entry).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::db::sku_map::MappedSku;

    fn planned(product: usize, variant: Option<usize>) -> Planned {
        let map = MappedSku {
            sku: format!("{product}-{variant:?}"),
            store_product_id: Some(format!("{product:05}")),
            store_variant_id: variant.map(|v| v.to_string()),
            store_inventory_item_id: None,
            prokip_product_id: None,
            prokip_variation_id: None,
        };
        Planned { map, target: 1, cached: None }
    }

    #[test]
    fn progress_steps_cost_no_extra_calls() {
        // Shopify: exact steps of 1000 (4 calls of 250 each).
        let flat: Vec<Planned> = (0..2500).map(|i| planned(i, Some(i))).collect();
        assert_eq!(steps(flat, false).iter().map(Vec::len).collect::<Vec<_>>(), [1000, 1000, 500]);
        // WooCommerce: simple products first in steps of 1000; a product's variations never split.
        let mut woo: Vec<Planned> = (0..998).map(|i| planned(10_000 + i, None)).collect();
        woo.extend((0..4).flat_map(|p| (0..4).map(move |v| planned(p, Some(v)))));
        woo.extend((0..1000).map(|i| planned(20_000 + i, None)));
        let s = steps(woo, true);
        // 1998 simple products, then product 0's four variations complete the second step.
        assert_eq!(s.iter().map(Vec::len).collect::<Vec<_>>(), [1000, 1002, 12]);
        assert!(s[0].iter().chain(&s[1][..998]).all(|p| p.map.store_variant_id.is_none()));
        assert!(s[1][998..].iter().all(|p| p.map.store_product_id.as_deref() == Some("00000")));
        assert!(s[2].iter().all(|p| p.map.store_variant_id.is_some()));
    }
}
