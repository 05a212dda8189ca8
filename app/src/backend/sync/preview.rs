//! A store's preview, "what the next full sync would change": per SKU what the store shows now (a
//! live read) and what the push would set (the push's own formula over Prokip's quantities just
//! read), with totals per kind of change; and "Start syncing", which ends a store's first-sync
//! review by turning its stock updates on and pushing every SKU.

use super::{
    reconcile,
    sources::{Sources, Target},
    stock::holdings,
    triggers,
};
use crate::{
    backend::{
        db::{catalog, connections, inventory_cache, location_cache, prokip_configs, sku_map},
        error::{Kind, ServerError},
        jobs::PushStock,
        state::AppState,
        stores::Store,
    },
    model::{
        ConnectionStatus, PREVIEW_CHANGES, PREVIEW_PER_PAGE, PREVIEW_SORTS, PreviewRow, PreviewTotals, PreviewView,
        PushReason,
    },
};
use std::collections::HashMap;

/// What the next full sync does to one SKU of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Raised,
    Lowered,
    Zeroed,
    Unchanged,
    /// No Prokip SKU matches it: the sync leaves it as it is.
    Unmatched,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Raised => "raised",
            Change::Lowered => "lowered",
            Change::Zeroed => "zeroed",
            Change::Unchanged => "unchanged",
            Change::Unmatched => "unmatched",
        }
    }

    /// From what the store shows (`None`: no quantity tracked) to what the sync sets.
    pub fn of(shows: Option<i64>, sets: i64) -> Change {
        match shows {
            Some(s) if s == sets => Change::Unchanged,
            _ if sets == 0 => Change::Zeroed,
            Some(s) if s > sets => Change::Lowered,
            _ => Change::Raised,
        }
    }
}

fn not_found() -> ServerError {
    ServerError::new(Kind::NotFound, "That store is not one of your connected stores (it may have been disconnected).")
}

/// One of the account's connected stores; any other id is "not found".
async fn store_of(state: &AppState, account_id: i64, id: i64) -> Result<connections::Model, ServerError> {
    connections::get(&state.db, account_id, id)
        .await?
        .filter(|c| c.status != ConnectionStatus::Disconnected)
        .ok_or_else(not_found)
}

/// The preview of one of the account's stores: the rows of `show` (a kind of change or `all`),
/// sorted by `sort`, page `page`.
pub async fn preview(
    state: &AppState,
    account_id: i64,
    connection_id: i64,
    show: &str,
    sort: &str,
    page: u64,
) -> Result<PreviewView, ServerError> {
    let conn = store_of(state, account_id, connection_id).await?;
    let (mut rows, problem) = plan(state, &conn).await?;
    let count = |c: Change| rows.iter().filter(|r| r.change == c.as_str()).count() as u64;
    let totals = PreviewTotals {
        raised: count(Change::Raised),
        lowered: count(Change::Lowered),
        zeroed: count(Change::Zeroed),
        unchanged: count(Change::Unchanged),
        unmatched: count(Change::Unmatched),
    };
    let show = PREVIEW_CHANGES.iter().map(|(k, _)| *k).find(|k| *k == show).unwrap_or("all");
    let sort = PREVIEW_SORTS.iter().map(|(k, _)| *k).find(|k| *k == sort).unwrap_or("sku");
    rows.retain(|r| show == "all" || r.change == show);
    sort_rows(&mut rows, sort);
    let matching = rows.len() as u64;
    let pages = matching.div_ceil(PREVIEW_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let rows =
        rows.into_iter().skip(((page - 1) * PREVIEW_PER_PAGE) as usize).take(PREVIEW_PER_PAGE as usize).collect();
    let rules = super::allocation::Rules::of(&conn).summary();
    Ok(PreviewView {
        connection_id: conn.id,
        platform: conn.platform.label().to_owned(),
        store_url: conn.store_url,
        in_review: conn.in_review,
        sync_enabled: conn.sync_enabled,
        safety_buffer: conn.safety_buffer,
        rules,
        totals,
        show: show.to_owned(),
        sort: sort.to_owned(),
        page,
        pages,
        matching,
        rows,
        problem,
    })
}

fn sort_rows(rows: &mut [PreviewRow], sort: &str) {
    match sort {
        "change" => rows.sort_by_key(|r| {
            let size = r.sets.map_or(0, |t| (t - r.shows.unwrap_or(0)).abs());
            (std::cmp::Reverse(size), r.sku.clone())
        }),
        "shows" => rows.sort_by_key(|r| (r.shows.is_none(), r.shows, r.sku.clone())),
        _ => rows.sort_by(|a, b| a.sku.cmp(&b.sku)),
    }
}

/// Every SKU of the store with what it shows and what the next full sync would set. When the
/// store cannot be read, what it had at our last read or write stands in, and the problem says so.
async fn plan(state: &AppState, conn: &connections::Model) -> Result<(Vec<PreviewRow>, Option<String>), ServerError> {
    let location =
        prokip_configs::for_account(&state.db, conn.account_id).await?.and_then(|c| c.location_id).ok_or_else(|| {
            ServerError::new(
                Kind::BadRequest,
                "Connect Prokip and choose its location first: the preview compares the store with Prokip's quantities.",
            )
        })?;
    let maps = sku_map::for_connection(&state.db, conn.id, None).await?;
    // Read as a manual full push would (a Prokip change this notices is kept with that cause).
    let full = PushStock { account_id: conn.account_id, skus: None, reason: PushReason::Manual };
    // What the store's own location is written (a Shopify shop's other locations are not previewed).
    let sources =
        Target::all(conn, location).into_iter().next().map_or_else(|| Sources::of(conn, location), |t| t.sources);
    let holdings = holdings(state, &full, location, &sources.from).await?;
    let rules = super::allocation::Rules::of(conn);
    let (shows, problem) = match live_levels(state, conn, &maps).await {
        Ok(levels) => (levels, None),
        Err(e) => (
            inventory_cache::get(&state.db, conn.id, None).await?,
            Some(format!("The store could not be read ({e}); “Store shows” is what it had at our last read or write.")),
        ),
    };
    let mut rows: Vec<PreviewRow> = maps
        .iter()
        .map(|m| {
            let shows = shows.get(&m.sku).copied();
            let sets = holdings.for_store(&sources, &m.sku).map(|(q, committed)| rules.publish(q, committed));
            let change = sets.map_or(Change::Unmatched, |t| Change::of(shows, t));
            PreviewRow { sku: m.sku.clone(), change: change.as_str().to_owned(), shows, sets }
        })
        .collect();
    let unmatched = catalog::store_only(&state.db, conn.account_id).await?;
    rows.extend(unmatched.into_iter().filter(|s| s.connection_id == conn.id).map(|s| PreviewRow {
        sku: s.sku,
        change: Change::Unmatched.as_str().to_owned(),
        shows: None,
        sets: None,
    }));
    Ok((rows, problem))
}

/// What the store shows now for its mapped SKUs (those it tracks a quantity for).
async fn live_levels(
    state: &AppState,
    conn: &connections::Model,
    maps: &[sku_map::MappedSku],
) -> Result<HashMap<String, i64>, String> {
    let store = Store::open(state, conn).map_err(|e| e.to_string())?;
    let levels = store.stock_levels(maps).await.map_err(|e| e.to_string())?;
    Ok(levels.into_iter().filter_map(|(sku, q)| q.map(|q| (sku, q))).collect())
}

/// "Start syncing": reads what the store shows now (so the push writes every difference), turns
/// its stock updates on (ending a first-sync review) and enqueues a full push.
pub async fn start_syncing(state: &AppState, account_id: i64, connection_id: i64) -> Result<String, ServerError> {
    let conn = store_of(state, account_id, connection_id).await?;
    if conn.status == ConnectionStatus::Uninstalled || conn.credentials_enc.is_none() {
        return Err(ServerError::new(
            Kind::BadRequest,
            "This store's app was uninstalled, so it cannot receive stock. Connect it again first.",
        ));
    }
    reconcile::read_back(state, &conn, PushReason::Manual).await.map_err(|e| {
        ServerError::new(
            Kind::BadGateway,
            format!("The store could not be read, so syncing was not started ({e}). Try again in a moment."),
        )
    })?;
    // The shop's other locations (a Prokip source feeding each) are read before they are written.
    location_cache::forget_connection(&state.db, conn.id).await?;
    if !connections::set_sync_enabled(&state.db, account_id, conn.id, true).await? {
        return Err(not_found());
    }
    triggers::enqueue_full(state, account_id, PushReason::Manual).await?;
    Ok(format!("Syncing started: {} is getting Prokip's quantities now.", conn.store_url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_difference_has_its_kind() {
        assert_eq!(Change::of(Some(5), 5), Change::Unchanged);
        assert_eq!(Change::of(Some(0), 0), Change::Unchanged);
        assert_eq!(Change::of(Some(3), 7), Change::Raised);
        assert_eq!(Change::of(None, 7), Change::Raised);
        assert_eq!(Change::of(Some(9), 7), Change::Lowered);
        assert_eq!(Change::of(Some(9), 0), Change::Zeroed);
        assert_eq!(Change::of(None, 0), Change::Zeroed);
    }
}
