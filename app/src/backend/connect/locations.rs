//! Where a store's stock comes from and goes to: the Prokip locations it draws on and sells at,
//! the Shopify location its stock is written at, and which Shopify location each Prokip source
//! feeds.

use super::ManageError;
use crate::{
    backend::{
        db::{connections, prokip_configs},
        jobs::PushStock,
        state::AppState,
        stores::Store,
        sync::sources::Sources,
    },
    model::PushReason,
};

/// Where a store's stock comes from and where its orders are sold, as the form sends them: the
/// ticked location ids, and the sell location's id (`None` or empty: the first ticked).
#[derive(Debug, Default)]
pub struct SourcesForm<'a> {
    pub sources: Vec<&'a str>,
    pub sell_at: Option<&'a str>,
}

/// Sets a store's source locations (their Prokip quantities summed) and the location its orders
/// are sold at. Each id must be a location of the account's Prokip business as last read; a
/// change is a history row for the store's SKUs and pushes the account's stock at once.
pub async fn set_sources(
    state: &AppState,
    account_id: i64,
    id: i64,
    form: &SourcesForm<'_>,
) -> Result<String, ManageError> {
    let conn = connections::get(&state.db, account_id, id).await?.ok_or(ManageError::NotFound)?;
    let cfg = prokip_configs::for_account(&state.db, account_id).await?;
    let Some((account_location, directory)) = cfg.and_then(|c| Some((c.location_id?, c.read_directory().locations)))
    else {
        return Err(ManageError::NoProkipLocation);
    };
    let name_of =
        |l: i64| directory.iter().find(|(id, _)| *id == l).map_or_else(|| format!("location {l}"), |(_, n)| n.clone());
    let known = |raw: &str| {
        raw.trim()
            .parse::<i64>()
            .ok()
            .filter(|l| directory.iter().any(|(id, _)| id == l))
            .ok_or_else(|| ManageError::UnknownLocation(raw.trim().chars().take(40).collect()))
    };
    let mut from = Vec::new();
    for raw in &form.sources {
        let l = known(raw)?;
        if !from.contains(&l) {
            from.push(l);
        }
    }
    if from.is_empty() {
        return Err(ManageError::NoSources);
    }
    let sell_at = match form.sell_at.map(str::trim).filter(|s| !s.is_empty()) {
        None => from[0],
        Some(raw) => {
            let l = known(raw)?;
            if !from.contains(&l) {
                return Err(ManageError::SellOutsideSources(name_of(l)));
            }
            l
        }
    };
    let before = Sources::of(&conn, account_location);
    let after = Sources { from, sell_at };
    let words = |s: &Sources| {
        let from = s.from.iter().map(|l| name_of(*l)).collect::<Vec<_>>().join(" + ");
        format!("{from}, sold at {}", name_of(s.sell_at))
    };
    let message = format!(
        "{}: stock now comes from {} and its orders are sold at {}.",
        conn.store_url,
        after.from.iter().map(|l| name_of(*l)).collect::<Vec<_>>().join(" + "),
        name_of(after.sell_at)
    );
    if after == before {
        return Ok(message);
    }
    // The account's location alone is kept as the default, which follows the account's location.
    let (stored_from, stored_sell) =
        if after.is_default(account_location) { (Vec::new(), None) } else { (after.from.clone(), Some(after.sell_at)) };
    let detail = format!("{} → {}", words(&before), words(&after));
    if !connections::set_sources(&state.db, account_id, &conn, &stored_from, stored_sell, &detail).await? {
        return Err(ManageError::SourcesChanged);
    }
    // Should this enqueue fail, the next reconcile pushes the same numbers.
    let push = PushStock { account_id, skus: None, reason: PushReason::Manual };
    if let Err(e) = state.queues.push_stock(push).await {
        tracing::warn!(connection_id = id, error = %e, "push after a sources change not enqueued; the next reconcile will");
    }
    Ok(message)
}

/// Moves a Shopify shop's stock to another of its active locations (`location`: its id, as the
/// shop gives it). The shop is read first, so only a location it has now is taken, and the list
/// the page offers is refreshed. What the store showed at the old location is forgotten; the push
/// enqueued at once reads the new location before writing it.
pub async fn set_store_location(
    state: &AppState,
    account_id: i64,
    id: i64,
    location: &str,
) -> Result<String, ManageError> {
    let conn = connections::get(&state.db, account_id, id).await?.ok_or(ManageError::NotFound)?;
    if conn.platform != crate::model::Platform::Shopify {
        return Err(ManageError::NoStoreLocations);
    }
    let unreadable = |e: crate::backend::stores::StoreError| ManageError::StoreUnreadable(e.to_string());
    let locations = Store::open(state, &conn).map_err(unreadable)?.locations().await.map_err(unreadable)?;
    connections::set_store_locations(&state.db, id, &locations).await?;
    let location = location.trim();
    let Some((_, name)) = locations.iter().find(|(l, _)| l == location) else {
        return Err(ManageError::UnknownStoreLocation(location.chars().take(60).collect()));
    };
    let message = format!("{}: stock is written at its location {name} from now on.", conn.store_url);
    if conn.location_id.as_deref() == Some(location) {
        return Ok(message);
    }
    let old = conn.location_id.as_deref().map_or_else(
        || "none".to_owned(),
        |l| {
            locations
                .iter()
                .find(|(id, _)| id == l)
                .map_or_else(|| "a location no longer active".to_owned(), |(_, n)| n.clone())
        },
    );
    let detail = format!("{old} → {name}");
    if !connections::set_store_location(&state.db, account_id, &conn, location, &detail).await? {
        return Err(ManageError::SourcesChanged);
    }
    // A location no source feeds any more keeps what it shows: said, not silently left.
    let still_fed = |l: &str| conn.feeds().values().any(|to| to == l);
    let message = match conn.location_id.as_deref() {
        Some(l) if locations.iter().any(|(id, _)| id == l) && !still_fed(l) => format!(
            "{message} {old} is no longer written: it keeps what it shows now; set it to 0 in Shopify if it should not sell."
        ),
        _ => message,
    };
    // Should this enqueue fail, the next reconcile writes the new location.
    let push = PushStock { account_id, skus: None, reason: PushReason::Manual };
    if let Err(e) = state.queues.push_stock(push).await {
        tracing::warn!(connection_id = id, error = %e, "push after a location change not enqueued; the next reconcile will");
    }
    Ok(message)
}

/// Which Shopify location each of a shop's Prokip sources feeds, as the form sends them: (the
/// source's id, the Shopify location's id), both as typed.
#[derive(Debug, Default)]
pub struct FeedsForm<'a> {
    pub feeds: Vec<(&'a str, &'a str)>,
}

/// Sets which of a Shopify shop's locations each of its Prokip sources feeds: each location is
/// written the sum of the sources feeding it, by the store's rules. The shop is read first (only a
/// location it has now is taken); at least one source must feed the shop's own location. A change
/// is a history row for the store's SKUs and pushes at once; what the other locations showed is
/// read again before they are written.
pub async fn set_feeds(
    state: &AppState,
    account_id: i64,
    id: i64,
    form: &FeedsForm<'_>,
) -> Result<String, ManageError> {
    let conn = connections::get(&state.db, account_id, id).await?.ok_or(ManageError::NotFound)?;
    if conn.platform != crate::model::Platform::Shopify {
        return Err(ManageError::NoStoreLocations);
    }
    let cfg = prokip_configs::for_account(&state.db, account_id).await?;
    let Some((account_location, directory)) = cfg.and_then(|c| Some((c.location_id?, c.read_directory().locations)))
    else {
        return Err(ManageError::NoProkipLocation);
    };
    let prokip_name =
        |l: i64| directory.iter().find(|(id, _)| *id == l).map_or_else(|| format!("location {l}"), |(_, n)| n.clone());
    let unreadable = |e: crate::backend::stores::StoreError| ManageError::StoreUnreadable(e.to_string());
    let shop = Store::open(state, &conn).map_err(unreadable)?.locations().await.map_err(unreadable)?;
    connections::set_store_locations(&state.db, id, &shop).await?;
    let shop_name = |l: &str| shop.iter().find(|(id, _)| id == l).map_or_else(|| l.to_owned(), |(_, n)| n.clone());
    let own = conn.location_id.clone().unwrap_or_default();
    let sources = Sources::of(&conn, account_location);
    let mut feeds = std::collections::BTreeMap::new();
    for (raw, to) in &form.feeds {
        let source = raw
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|l| directory.iter().any(|(id, _)| id == l))
            .ok_or_else(|| ManageError::UnknownLocation(raw.trim().chars().take(40).collect()))?;
        if !sources.from.contains(&source) {
            return Err(ManageError::NotASource(prokip_name(source)));
        }
        let to = to.trim();
        if !shop.iter().any(|(l, _)| l == to) {
            return Err(ManageError::UnknownStoreLocation(to.chars().take(60).collect()));
        }
        if to != own {
            feeds.insert(source, to.to_owned());
        }
    }
    if sources.from.iter().all(|l| feeds.contains_key(l)) {
        return Err(ManageError::NothingFeedsOwn(shop_name(&own)));
    }
    let words = |f: &std::collections::BTreeMap<i64, String>| {
        sources
            .from
            .iter()
            .map(|l| format!("{} into {}", prokip_name(*l), shop_name(f.get(l).map_or(own.as_str(), String::as_str))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let message = format!("{}: {}.", conn.store_url, words(&feeds));
    let before: std::collections::BTreeMap<i64, String> =
        conn.feeds().into_iter().filter(|(l, to)| sources.from.contains(l) && *to != own).collect();
    if feeds == before {
        return Ok(message);
    }
    let detail = format!("{} → {}", words(&before), words(&feeds));
    if !connections::set_feeds(&state.db, account_id, &conn, &feeds, &detail).await? {
        return Err(ManageError::SourcesChanged);
    }
    // A location no source feeds any more keeps what it shows: said, not silently left.
    let mut left: Vec<String> =
        before.values().filter(|l| !feeds.values().any(|to| to == *l)).map(|l| shop_name(l)).collect();
    left.sort();
    left.dedup();
    let message = if left.is_empty() {
        message
    } else {
        format!(
            "{message} {} no longer written: each keeps what it shows now; set it to 0 in Shopify if it should not sell.",
            if left.len() == 1 { format!("{} is", left[0]) } else { format!("{} are", left.join(", ")) }
        )
    };
    let push = PushStock { account_id, skus: None, reason: PushReason::Manual };
    if let Err(e) = state.queues.push_stock(push).await {
        tracing::warn!(connection_id = id, error = %e, "push after a feeds change not enqueued; the next reconcile will");
    }
    Ok(message)
}
