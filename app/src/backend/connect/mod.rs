//! Connecting and managing the account's platforms: Prokip and the stores. The routes and server
//! functions are thin; the rules live here.

mod grant_token;
mod locations;
pub mod prokip;
pub mod shopify;
pub mod woocommerce;

use crate::{
    backend::{
        db::{account_settings, connections, prokip_configs, webhook_events},
        error::{Kind, ServerError},
        jobs::{IndexCatalog, PushStock, ResumeOrders},
        state::AppState,
        stores::Store,
        sync::{allocation::Rules, sources::Sources},
        time::{Shown, Zone},
    },
    model::{
        ConnectionsView, LocationOption, ProkipView, PushReason, SourceChoice, StoreLocationChoice, StoreView,
        WebhookTopicView,
    },
};
pub use locations::{FeedsForm, SourcesForm, set_feeds, set_sources, set_store_location};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};

/// Where connecting a store was asked for: from the dashboard's forms a new store starts in review
/// (stock updates off until "Start syncing" on its preview) when the account's setting says so;
/// through the seed's JSON routes it syncs at once, as the seed's stores do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConnectedFrom {
    #[default]
    Dashboard,
    SeedApi,
}

/// Whether a store connected now starts in review.
async fn starts_in_review(state: &AppState, account_id: i64, from: ConnectedFrom) -> Result<bool, sea_orm::DbErr> {
    Ok(from == ConnectedFrom::Dashboard && account_settings::get(&state.db, account_id).await?.review_new_stores)
}

/// Enqueues the catalog match of a store just connected (`Some`) or of every store (`None`, after
/// Prokip's location changed), so the connect answers at once. If even the enqueue fails, the
/// merchant's "Re-index" does the same.
async fn index_soon(state: &AppState, account_id: i64, connection_id: Option<i64>) {
    let job = IndexCatalog { account_id, connection_id, then_push: Vec::new() };
    if let Err(e) = state.queues.enqueue(job).await {
        tracing::warn!(account_id, connection_id, error = %e, "catalog index not enqueued");
    }
}

/// Everything the Connections page shows, for one account.
pub async fn view(state: &AppState, account_id: i64) -> Result<ConnectionsView, ServerError> {
    let zone = Zone::of_account(&state.db, account_id).await?;
    // From what the database holds: the page never waits on Prokip (the poll job reads the
    // business hourly, "Refresh from Prokip" at once).
    let prokip = prokip_configs::for_account(&state.db, account_id).await?.map(|p| {
        let directory = p.read_directory();
        ProkipView {
            locations: directory.locations.into_iter().map(|(id, name)| LocationOption { id, name }).collect(),
            read_at: p.directory_read_at.map(|t| zone.show(t, Shown::DateTime)),
            problem: p.directory_problem.map(|e| format!("The last read from Prokip failed: {e}")),
            api_url: p.api_url,
            business_name: p.business_name,
            location_id: p.location_id,
            location_name: p.location_name,
        }
    });
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| zone.show(t, Shown::DateTime));
    let locations: Vec<LocationOption> = prokip.as_ref().map(|p| p.locations.clone()).unwrap_or_default();
    let account_location = prokip.as_ref().and_then(|p| p.location_id);
    let mut stores = Vec::new();
    for c in connections::list(&state.db, account_id).await? {
        let webhooks = webhook_topics(state, &c, &zone).await?;
        let orders_waiting = webhook_events::count_paused(&state.db, c.id).await?;
        let sources = source_choices(&c, account_location, &locations);
        let store_locations = c
            .store_locations()
            .into_iter()
            .map(|(id, name)| StoreLocationChoice { chosen: c.location_id.as_deref() == Some(id.as_str()), id, name })
            .collect();
        stores.push(StoreView {
            id: c.id,
            platform: c.platform.as_str().to_owned(),
            store_url: c.store_url,
            status: c.status.as_str().to_owned(),
            status_reason: c.status_reason,
            sync_enabled: c.sync_enabled,
            in_review: c.in_review,
            order_import_enabled: c.order_import_enabled,
            orders_waiting,
            safety_buffer: c.safety_buffer,
            publish_percent: c.publish_percent,
            publish_max: c.publish_max,
            zero_below: c.zero_below,
            sources,
            store_locations,
            last_sync: when(c.last_sync),
            last_webhook_at: when(c.last_webhook_at),
            webhooks,
            webhook_problem: c.webhook_problem,
        });
    }
    let schedule = schedule_line(&state.config.sync, chrono::Utc::now(), &zone);
    Ok(ConnectionsView { prokip, stores, demo_mode: state.config.mock_mode, schedule })
}

/// The business's locations as a store's choices: which it draws on and which it sells at. A
/// location the store uses that is no longer listed is shown too, by its id.
fn source_choices(
    c: &connections::Model,
    account_location: Option<i64>,
    locations: &[LocationOption],
) -> Vec<SourceChoice> {
    let Some(account_location) = account_location else { return Vec::new() };
    let sources = Sources::of(c, account_location);
    // The Shopify location each source feeds (the shop's own when it feeds no other).
    let targets = crate::backend::sync::sources::Target::all(c, account_location);
    let feeds_of = |l: i64| {
        targets.iter().find(|t| t.sources.from.contains(&l)).and_then(|t| t.location.clone()).or(c.location_id.clone())
    };
    let mut choices: Vec<SourceChoice> = locations
        .iter()
        .map(|l| SourceChoice {
            id: l.id,
            name: l.name.clone(),
            drawn: sources.from.contains(&l.id),
            sells: sources.sell_at == l.id,
            feeds: feeds_of(l.id),
        })
        .collect();
    for l in sources.from.iter().filter(|l| !locations.iter().any(|o| o.id == **l)) {
        choices.push(SourceChoice {
            id: *l,
            name: format!("location {l}"),
            drawn: true,
            sells: sources.sell_at == *l,
            feeds: feeds_of(*l),
        });
    }
    choices
}

/// When the poll and the reconcile run next: the times a merchant waits for at most.
fn schedule_line(
    sync: &crate::backend::config::SyncSettings,
    now: chrono::DateTime<chrono::Utc>,
    zone: &Zone,
) -> String {
    use std::str::FromStr;
    let next =
        |cron: Option<String>| cron.and_then(|c| cron::Schedule::from_str(&c).ok()).and_then(|s| s.after(&now).next());
    let poll = match next(sync.poll_schedule()) {
        Some(at) => format!(
            "Prokip is read for sales at the till every {} s (next {}).",
            sync.prokip_poll_seconds,
            zone.show(at, Shown::TimeSeconds)
        ),
        None => "Prokip is not read on a schedule (PROKIP_POLL_SECONDS=0): till sales reach the stores at the next reconcile or Sync now.".to_owned(),
    };
    let reconcile = match next(sync.reconcile_schedule()) {
        Some(at) => format!(
            "Every store is read back and repaired every {} min (next {}).",
            sync.reconcile_minutes,
            zone.show(at, Shown::Time)
        ),
        None => "Stores are not reconciled on a schedule (RECONCILE_MINUTES=0).".to_owned(),
    };
    format!("{poll} {reconcile}")
}

/// The topics the store's webhooks covered at the last check, each with its last delivery.
async fn webhook_topics(
    state: &AppState,
    c: &connections::Model,
    zone: &Zone,
) -> Result<Option<Vec<WebhookTopicView>>, ServerError> {
    let Some(topics) = c.webhook_topics.as_ref().and_then(|t| serde_json::from_value::<Vec<String>>(t.clone()).ok())
    else {
        return Ok(None);
    };
    let last = webhook_events::last_delivery_per_topic(&state.db, c.id).await?;
    let last_of = |topic: &str| last.iter().find(|(t, _)| t == topic).map(|(_, at)| zone.show(*at, Shown::DateTime));
    Ok(Some(topics.iter().map(|t| WebhookTopicView { topic: t.clone(), last_delivery: last_of(t) }).collect()))
}

/// Errors of store management, each with what the merchant should do.
#[derive(Debug, thiserror::Error)]
pub enum ManageError {
    #[error("That connection does not exist (it may have been disconnected already).")]
    NotFound,
    #[error("The safety buffer must be a whole number from 0 to 100000.")]
    BadBuffer,
    #[error("The share must be a whole percentage from 0 to 100.")]
    BadPercent,
    #[error("The maximum must be a whole number from 0 to 100000, or empty for no maximum.")]
    BadMaximum,
    #[error("“Show 0 below” must be a whole number from 0 to 100000 (0: never).")]
    BadZeroBelow,
    #[error("Nothing to set: send safety_buffer, percent, max or zero_below.")]
    NoRules,
    #[error(
        "This store's stock rules were changed meanwhile (in another tab?): nothing was saved. Reload the page and set them again."
    )]
    RulesChanged,
    #[error(
        "This store's locations were changed meanwhile (in another tab?): nothing was saved. Reload the page and choose again."
    )]
    SourcesChanged,
    #[error("Only a Shopify shop has locations to choose from; a WooCommerce store keeps one stock per product.")]
    NoStoreLocations,
    #[error(
        "“{0}” is not an active location of this shop: nothing was changed. The list below is what the shop has now."
    )]
    UnknownStoreLocation(String),
    #[error("The shop could not be read to check its locations ({0}): nothing was changed. Try again in a moment.")]
    StoreUnreadable(String),
    #[error("{0} is not one of this store's sources: tick it under “Stock from” first. Nothing was changed.")]
    NotASource(String),
    #[error(
        "At least one source must feed {0}, where this shop's stock is written; or choose another Shopify location for \
         the shop first. Nothing was changed."
    )]
    NothingFeedsOwn(String),
    #[error("Tick the confirmation box to disconnect the store.")]
    NotConfirmed,
    #[error("Connect Prokip and choose its location first: a store's stock comes from Prokip's locations.")]
    NoProkipLocation,
    #[error("Choose at least one Prokip location this store's stock comes from.")]
    NoSources,
    #[error(
        "Location “{0}” is not one of your Prokip business's locations (as last read from Prokip): nothing was changed. \
         If you added it in Prokip just now, press “Refresh from Prokip” and choose again."
    )]
    UnknownLocation(String),
    #[error(
        "Orders can be sold only at a location the store's stock comes from: tick {0} under “Stock from”, or sell at \
         one of the ticked locations. Nothing was changed."
    )]
    SellOutsideSources(String),
    #[error(transparent)]
    Internal(#[from] ServerError),
}

impl From<sea_orm::DbErr> for ManageError {
    fn from(e: sea_orm::DbErr) -> Self {
        ManageError::Internal(e.into())
    }
}

impl From<ManageError> for ServerError {
    fn from(e: ManageError) -> Self {
        match e {
            ManageError::Internal(e) => e,
            ManageError::NotFound => ServerError::from_error(Kind::NotFound, e),
            ManageError::StoreUnreadable(_) => ServerError::from_error(Kind::BadGateway, e),
            other => ServerError::from_error(Kind::BadRequest, other),
        }
    }
}

/// The stock updates switch (what the seed's `/sync/pause` and `/sync/resume` turn, for every store).
pub async fn set_sync(state: &AppState, account_id: i64, id: i64, enabled: bool) -> Result<String, ManageError> {
    if !connections::set_sync_enabled(&state.db, account_id, id, enabled).await? {
        return Err(ManageError::NotFound);
    }
    Ok(if enabled {
        "Stock updates resumed: this store gets Prokip's quantities again from the next sync."
    } else {
        "Stock updates paused: this store's quantities are left as they are until you resume. Order import is not \
         affected."
    }
    .into())
}

/// The order import switch. While it is off, orders are kept and shown as paused; resuming imports
/// them in the order they arrived.
pub async fn set_order_import(
    state: &AppState,
    account_id: i64,
    id: i64,
    enabled: bool,
) -> Result<String, ManageError> {
    if !connections::set_order_import(&state.db, account_id, id, enabled).await? {
        return Err(ManageError::NotFound);
    }
    if !enabled {
        return Ok("Order import paused: new orders from this store are kept and shown as paused, and become Prokip \
                   sales when you resume. Stock updates are not affected."
            .into());
    }
    let waiting = webhook_events::count_paused(&state.db, id).await?;
    if waiting == 0 {
        return Ok("Order import resumed: new orders from this store become Prokip sales again.".into());
    }
    // Should this enqueue fail, the sweeper's next pass starts the import.
    if let Err(e) = state.queues.enqueue(ResumeOrders { connection_id: id }).await {
        tracing::warn!(connection_id = id, error = %e, "resume of paused orders not enqueued; the sweeper will");
    }
    Ok(format!(
        "Order import resumed: the {waiting} order updates that arrived while it was paused are being imported in the \
         order they came."
    ))
}

/// A store's rules as the form sends them: each field as typed, `None` when the form has no such
/// field (that rule stays as it is).
#[derive(Debug, Default)]
pub struct RulesForm<'a> {
    pub safety_buffer: Option<&'a str>,
    pub percent: Option<&'a str>,
    /// Empty: no maximum.
    pub max: Option<&'a str>,
    pub zero_below: Option<&'a str>,
}

/// Sets a store's safety buffer and allocation rules. Every field is checked before anything is
/// saved; a change is recorded in every SKU's history of the store and pushes the account's stock
/// at once (only the quantities that change are written).
pub async fn set_rules(
    state: &AppState,
    account_id: i64,
    id: i64,
    form: &RulesForm<'_>,
) -> Result<String, ManageError> {
    const LIMIT: std::ops::RangeInclusive<i32> = 0..=100_000;
    if form.safety_buffer.is_none() && form.percent.is_none() && form.max.is_none() && form.zero_below.is_none() {
        return Err(ManageError::NoRules);
    }
    let whole =
        |raw: &str, range: std::ops::RangeInclusive<i32>| raw.trim().parse::<i32>().ok().filter(|n| range.contains(n));
    let conn = connections::get(&state.db, account_id, id).await?.ok_or(ManageError::NotFound)?;
    let before = Rules::of(&conn);
    let mut rules = before;
    if let Some(raw) = form.safety_buffer {
        rules.buffer = whole(raw, LIMIT).ok_or(ManageError::BadBuffer)?;
    }
    if let Some(raw) = form.percent {
        rules.percent = whole(raw.trim().trim_end_matches('%'), 0..=100).ok_or(ManageError::BadPercent)? as i16;
    }
    if let Some(raw) = form.max {
        rules.max = match raw.trim() {
            "" => None,
            raw => Some(whole(raw, LIMIT).ok_or(ManageError::BadMaximum)?),
        };
    }
    if let Some(raw) = form.zero_below {
        rules.zero_below = whole(raw, LIMIT).ok_or(ManageError::BadZeroBelow)?;
    }
    if !connections::set_rules(&state.db, account_id, id, &before, &rules).await? {
        return Err(ManageError::RulesChanged);
    }
    if rules != before {
        // What the rules change reaches the store now; should this enqueue fail, the next
        // reconcile pushes the same numbers.
        let push = PushStock { account_id, skus: None, reason: PushReason::Manual };
        if let Err(e) = state.queues.push_stock(push).await {
            tracing::warn!(connection_id = id, error = %e, "push after a rules change not enqueued; the next reconcile will");
        }
    }
    let buffer = rules.buffer;
    let buffer_line =
        format!("Safety buffer set to {buffer}: this store will show {buffer} fewer than Prokip has available");
    Ok(match rules.summary() {
        None => format!("{buffer_line}."),
        Some(summary) => format!("{buffer_line}, then {summary}."),
    })
}

pub async fn disconnect_store(
    state: &AppState,
    account_id: i64,
    id: i64,
    confirmed: bool,
) -> Result<String, ManageError> {
    if !confirmed {
        return Err(ManageError::NotConfirmed);
    }
    let store = connections::get(&state.db, account_id, id).await?.ok_or(ManageError::NotFound)?;
    // Before the credentials are deleted: take our webhooks off the store.
    let unregistered = unregister_webhooks(state, &store).await;
    let txn = state.db.begin().await?;
    if !connections::disconnect(&txn, account_id, id).await? {
        return Err(ManageError::NotFound);
    }
    txn.commit().await?;
    tracing::info!(connection_id = id, account_id, "store disconnected");
    let webhooks = match unregistered {
        Ok(0) => String::new(),
        Ok(n) => format!(" {n} webhooks were removed from the store."),
        Err(e) => format!(
            " Our webhooks could not be removed from the store ({e}); you can delete them in the store's admin."
        ),
    };
    Ok(format!("{} is disconnected. Its sales history is kept.{webhooks}", store.store_url))
}

/// Best effort: deletes the webhooks pointing at us. Returns how many were removed.
async fn unregister_webhooks(state: &AppState, conn: &connections::Model) -> Result<usize, String> {
    if conn.credentials_enc.is_none() {
        return Ok(0);
    }
    let store = Store::open(state, conn).map_err(|e| e.to_string())?;
    store.remove_webhooks(state).await.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::config::SyncSettings;
    use chrono::TimeZone;

    #[test]
    fn the_schedule_line_names_the_next_poll_and_reconcile() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 8, 40, 12).unwrap();
        let line =
            schedule_line(&SyncSettings { prokip_poll_seconds: 30, reconcile_minutes: 5 }, now, &Zone::default());
        assert_eq!(
            line,
            "Prokip is read for sales at the till every 30 s (next 08:40:30 UTC). \
             Every store is read back and repaired every 5 min (next 08:45 UTC)."
        );
        let off = schedule_line(&SyncSettings { prokip_poll_seconds: 0, reconcile_minutes: 0 }, now, &Zone::default());
        assert!(off.contains("PROKIP_POLL_SECONDS=0") && off.contains("RECONCILE_MINUTES=0"), "{off}");
    }
}
