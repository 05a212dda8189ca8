//! The SKU page: every number of one SKU with where it comes from — Prokip's quantity and when
//! it was read, the unpaid orders holding stock, and per store the buffer, the published quantity
//! as its formula with the numbers filled in, and what the store last showed; below, every change
//! to its numbers with its cause, and a chart of the last two weeks.

use super::{
    allocation::Rules,
    history,
    products::ago,
    sku_history::{self as shown, CHART_DAYS, Side},
    sources::{Sources, Target},
};
use crate::{
    backend::{
        db::{activity, catalog, connections, location_cache, prokip_configs, sku_detail, sku_history},
        error::{Kind, ServerError},
        state::AppState,
        time::Zone,
    },
    model::{ConnectionStatus, HISTORY_PER_PAGE, HolderView, SkuStoreView, SkuView},
};
use rust_decimal::Decimal;

/// Entries of the SKU's recent history shown.
const HISTORY_ROWS: u64 = 50;

/// The SKU explained, with page `page` (from 1) of its history.
pub async fn explain(state: &AppState, account_id: i64, sku: &str, page: u64) -> Result<SkuView, ServerError> {
    let db = &state.db;
    let prokip = sku_detail::prokip(db, account_id, sku).await?;
    let sides = sku_detail::stores(db, account_id, sku).await?;
    if prokip.is_none() && sides.iter().all(|s| s.store_sku.is_none()) && !in_any_store(state, account_id, sku).await? {
        return Err(ServerError::new(
            Kind::NotFound,
            format!("No product with the SKU “{sku}” is in Prokip or your stores."),
        ));
    }
    let stores = connections::list(db, account_id).await?;
    let mut spellings: Vec<String> = sides.iter().filter_map(|s| s.store_sku.clone()).collect();
    spellings.push(sku.to_owned());
    spellings.sort();
    spellings.dedup();
    let holders = sku_detail::holders(db, account_id, &spellings).await?;
    let label = |id: i64| {
        stores
            .iter()
            .find(|c| c.id == id)
            .map_or_else(String::new, |c| format!("{} {}", c.platform.label(), c.store_url))
    };
    let qty: Option<Decimal> = prokip.as_ref().and_then(|p| p.qty.parse().ok());
    let cfg = prokip_configs::for_account(db, account_id).await?;
    let account_location = cfg.as_ref().and_then(|c| c.location_id);
    let directory = cfg.as_ref().map(|c| c.read_directory().locations).unwrap_or_default();
    let mut at_locations = catalog::quantities_by_location(db, account_id, &[sku.to_owned()]).await?;
    let at_locations: std::collections::HashMap<i64, Decimal> =
        at_locations.iter_mut().filter_map(|(l, m)| Some((*l, m.remove(sku)?))).collect();
    let now = chrono::Utc::now();
    let mut store_views = Vec::new();
    for side in &sides {
        let Some(conn) = stores.iter().find(|c| c.id == side.connection_id) else { continue };
        let store_sku = side.store_sku.clone();
        // The store's own location first, then any other Shopify location its sources feed.
        let targets = account_location.map(|l| Target::all(conn, l)).unwrap_or_default();
        let rules = Rules::of(conn);
        let mut rows: Vec<Place> = vec![(
            label(conn.id),
            targets.first().map(|t| &t.sources),
            side.quantity,
            side.quantity_at.map(|at| ago(now - at)),
        )];
        for t in targets.iter().skip(1) {
            let Some(at) = t.location.as_deref() else { continue };
            let shows = match &store_sku {
                Some(k) => location_cache::get(db, conn.id, at, Some(std::slice::from_ref(k))).await?.get(k).copied(),
                None => None,
            };
            let name = conn.store_locations().into_iter().find(|(id, _)| id == at).map_or(at.to_owned(), |(_, n)| n);
            rows.push((format!("{} at {name}", label(conn.id)), Some(&t.sources), shows, None));
        }
        for (row_label, sources, shows, shows_at) in rows {
            // Orders hold stock at the location their store sells at: those of these sources.
            let sells_into = |holder: i64| match (sources, account_location) {
                (Some(s), Some(l)) => {
                    let at = stores.iter().find(|c| c.id == holder).map_or(l, |c| Sources::of(c, l).sell_at);
                    s.from.contains(&at)
                }
                _ => true,
            };
            let committed: i64 = holders
                .iter()
                .filter(|h| Some(&h.sku) == store_sku.as_ref() && sells_into(h.connection_id))
                .map(|h| h.qty)
                .sum();
            let (qty, sources) = match (sources, account_location) {
                (Some(s), Some(l)) if !s.is_default(l) => added_up(s, l, qty, &at_locations, &directory),
                _ => (qty, None),
            };
            let published = qty.filter(|_| store_sku.is_some()).map(|q| rules.publish(q, committed));
            store_views.push(SkuStoreView {
                sources,
                label: row_label,
                linked: side.manual.unwrap_or(false),
                buffer: conn.safety_buffer,
                committed,
                rules: rules.summary(),
                formula: qty.filter(|_| published.is_some()).map(|q| rules.formula(q, committed)),
                published,
                shows,
                shows_at,
                receiving: conn.sync_enabled && conn.status == ConnectionStatus::Healthy,
                store_sku: store_sku.clone(),
            });
        }
    }
    let location = cfg.and_then(|c| c.location_name);
    let zone = Zone::of_account(db, account_id).await?;
    let activity = activity::about_skus(db, account_id, &spellings, HISTORY_ROWS).await?;
    let mapped: Vec<(i64, String)> =
        sides.iter().filter_map(|s| s.store_sku.clone().map(|k| (s.connection_id, k))).collect();
    let ids: Vec<i64> = stores.iter().map(|c| c.id).collect();
    let scope = sku_history::Scope { account_id, prokip_sku: sku, stores: &mapped, connection_ids: &ids };
    let page = page.max(1);
    let (rows, total) = sku_history::page(db, &scope, (page - 1) * HISTORY_PER_PAGE, HISTORY_PER_PAGE).await?;
    let side_label = |id: Option<i64>| id.map_or_else(|| "Prokip".to_owned(), label);
    let levels = sku_history::levels_since(db, &scope, now - chrono::Duration::days(CHART_DAYS)).await?;
    let mut lines =
        vec![Side { connection_id: None, label: "Prokip".into(), now: qty.map(super::mapping::whole_units) }];
    lines.extend(sides.iter().filter(|s| s.store_sku.is_some()).map(|s| Side {
        connection_id: Some(s.connection_id),
        label: label(s.connection_id),
        now: s.quantity,
    }));
    Ok(SkuView {
        sku: sku.to_owned(),
        name: prokip.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
        prokip_qty: qty.map(|q| q.normalize().to_string()),
        prokip_read: prokip.as_ref().map(|p| ago(now - p.read_at)),
        location,
        holders: holders
            .iter()
            .map(|h| HolderView { store: label(h.connection_id), order: h.order.clone(), qty: h.qty })
            .collect(),
        stores: store_views,
        activity: activity.into_iter().map(|e| history::activity_view(e, &zone)).collect(),
        history: rows.iter().map(|r| shown::entry_view(r, side_label(r.connection_id), &zone)).collect(),
        history_page: page,
        history_pages: total.div_ceil(HISTORY_PER_PAGE).max(1),
        history_total: total,
        chart: shown::chart(now, &zone, &levels, &lines),
    })
}

/// One place a store shows the SKU: its label, the sources feeding it, and what it showed (when).
type Place<'a> = (String, Option<&'a Sources>, Option<i64>, Option<String>);

/// The sources' quantities added up, with the sum in words ("Main Shop 28 + Warehouse 8 = 36"):
/// the account's location as the catalog index has it (`account_qty`), the others as last read.
fn added_up(
    sources: &Sources,
    account_location: i64,
    account_qty: Option<Decimal>,
    at_locations: &std::collections::HashMap<i64, Decimal>,
    directory: &[(i64, String)],
) -> (Option<Decimal>, Option<String>) {
    let part = |loc: i64| if loc == account_location { account_qty } else { at_locations.get(&loc).copied() };
    let parts: Vec<(i64, Decimal)> = sources.from.iter().filter_map(|loc| Some((*loc, part(*loc)?))).collect();
    if parts.is_empty() {
        return (None, None);
    }
    let sum: Decimal = parts.iter().map(|(_, q)| *q).sum();
    let name = |loc: i64| {
        directory.iter().find(|(id, _)| *id == loc).map_or_else(|| format!("location {loc}"), |(_, n)| n.clone())
    };
    let words = parts.iter().map(|(loc, q)| format!("{} {}", name(*loc), q.normalize())).collect::<Vec<_>>();
    (Some(sum), Some(format!("{} = {}", words.join(" + "), sum.normalize())))
}

async fn in_any_store(state: &AppState, account_id: i64, sku: &str) -> Result<bool, ServerError> {
    Ok(!crate::backend::db::catalog::stores_with(&state.db, account_id, sku).await?.is_empty())
}
