//! Assembles the Products page from the last catalog index, the commitments, each store's buffer
//! and its cached quantities. Input from the query string is checked here.

use super::{
    allocation::Rules,
    links,
    sources::{Holdings, Sources, Target},
};
use crate::{
    backend::{
        db::{catalog, connections, inventory_cache, locks, products, prokip_configs},
        error::{Kind, ServerError},
        state::AppState,
    },
    model::{
        LINK_CHOICES, PRODUCT_SORTS, PRODUCTS_PER_PAGE, ProductRow, ProductsView, STATUSES, StoreCell, StoreColumn,
    },
};
use rust_decimal::Decimal;
use sea_orm::TransactionTrait;

/// What the page asks for, as the query string has it.
pub struct Filter<'a> {
    pub q: &'a str,
    /// One of [`STATUSES`], or '' for any.
    pub status: &'a str,
    /// One of [`PRODUCT_SORTS`] (`-` before it: descending), or '' for SKU order.
    pub sort: &'a str,
}

pub async fn view(
    state: &AppState,
    account_id: i64,
    filter: &Filter<'_>,
    page: u64,
) -> Result<ProductsView, ServerError> {
    let q: String = filter.q.trim().chars().take(100).collect();
    let status = filter.status;
    if !status.is_empty() && !STATUSES.iter().any(|(s, _)| *s == status) {
        return Err(ServerError::new(Kind::BadRequest, format!("“{status}” is not a status to filter by.")));
    }
    let sort = filter.sort.trim();
    if !sort.is_empty() && !PRODUCT_SORTS.iter().any(|(s, _)| *s == sort.trim_start_matches('-')) {
        return Err(ServerError::new(Kind::BadRequest, format!("“{sort}” is not a column to sort by.")));
    }
    let page = page.max(1);
    fresh_summary(state, account_id).await?;
    let stores: Vec<_> = connections::list(&state.db, account_id).await?;
    let query =
        products::Query { q: &q, status, sort, limit: PRODUCTS_PER_PAGE, offset: (page - 1) * PRODUCTS_PER_PAGE };
    let rows = products::page(&state.db, account_id, &query).await?;
    let total = rows.first().map_or(0, |r| u64::try_from(r.total).unwrap_or(0));
    let skus: Vec<String> = rows.iter().map(|r| r.sku.clone()).collect();
    let cached = products::store_quantities(&state.db, account_id, &skus).await?;
    let suggestions = products::suggestions(&state.db, account_id).await?;
    let suggested: std::collections::HashMap<&str, &str> =
        suggestions.iter().map(|s| (s.store_sku.as_str(), s.prokip_sku.as_str())).collect();
    // Linking by hand offers Prokip's SKUs, on rows only in a store that nothing is suggested for.
    let link_choices = if rows.iter().any(|r| r.status == "store_only" && !suggested.contains_key(r.sku.as_str())) {
        products::link_choices(&state.db, account_id, LINK_CHOICES as u64).await?
    } else {
        Vec::new()
    };
    let now = chrono::Utc::now();
    let holdings = holdings(state, account_id, &stores, &rows, &skus).await?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let qty: Option<Decimal> = r.prokip_qty.as_deref().and_then(|q| q.parse().ok());
            ProductRow {
                stores: stores
                    .iter()
                    .map(|s| StoreCell {
                        published: match &holdings {
                            Some((h, location)) => h
                                .for_store(&own_sources(s, *location), &r.sku)
                                .map(|(q, committed)| Rules::of(s).publish(q, committed)),
                            None => qty.map(|q| Rules::of(s).publish(q, r.committed)),
                        },
                        last_known: cached.get(&(s.id, r.sku.clone())).copied(),
                        in_store: r.in_stores.contains(&s.id),
                    })
                    .collect(),
                prokip_qty: qty.map(|q| q.normalize().to_string()),
                prokip_read: r.read_at.filter(|_| qty.is_some()).map(|at| ago(now - at)),
                linked_from: r.linked.iter().flat_map(|l| l.split(", ")).map(str::to_owned).collect(),
                suggestion: suggested.get(r.sku.as_str()).map(|p| (*p).to_owned()),
                sku: r.sku,
                name: r.name,
                committed: r.committed,
                status: r.status,
            }
        })
        .collect();
    Ok(ProductsView {
        stores: stores
            .iter()
            .map(|s| StoreColumn {
                id: s.id,
                label: format!("{} {}", s.platform.label(), s.store_url),
                short: short_name(&s.store_url),
                safety_buffer: s.safety_buffer,
                rules: Rules::of(s).summary(),
            })
            .collect(),
        rows,
        total,
        page,
        pages: total.div_ceil(PRODUCTS_PER_PAGE).max(1),
        q,
        status: status.to_owned(),
        sort: sort.to_owned(),
        link_choices,
        suggestions,
    })
}

/// The sources feeding the store's own location (a Shopify shop's other locations are on the SKU
/// page).
fn own_sources(store: &connections::Model, account_location: i64) -> Sources {
    Target::all(store, account_location)
        .into_iter()
        .next()
        .map_or_else(|| Sources::of(store, account_location), |t| t.sources)
}

/// What the page's SKUs hold per location, when a store draws on other locations than the
/// account's (`None`: every store draws on the account's location alone, whose quantities and
/// commitments the page's rows already have).
async fn holdings(
    state: &AppState,
    account_id: i64,
    stores: &[connections::Model],
    rows: &[products::Row],
    skus: &[String],
) -> Result<Option<(Holdings, i64)>, ServerError> {
    let Some(location) = prokip_configs::for_account(&state.db, account_id).await?.and_then(|c| c.location_id) else {
        return Ok(None);
    };
    // Any store selling elsewhere moves commitments away from the account's location too.
    if stores.iter().all(|s| Sources::of(s, location).is_default(location)) {
        return Ok(None);
    }
    let mut prokip = catalog::quantities_by_location(&state.db, account_id, skus).await?;
    // The account's location as the index has it (what the page's Prokip column shows).
    prokip.insert(
        location,
        rows.iter().filter_map(|r| Some((r.sku.clone(), r.prokip_qty.as_deref()?.parse().ok()?))).collect(),
    );
    let committed = inventory_cache::committed_by_location(&state.db, account_id, location, Some(skus)).await?;
    Ok(Some((Holdings { prokip, committed }, location)))
}

/// Rebuilds the account's SKU summary if the catalog, the links or the stores have changed since
/// it was built (the first page after a change pays for it; the others read it).
pub async fn fresh_summary(state: &AppState, account_id: i64) -> Result<(), ServerError> {
    let (version, built) = products::summary_version(&state.db, account_id).await?;
    if built == Some(version) {
        return Ok(());
    }
    let txn = state.db.begin().await?;
    // One rebuild at a time per account; the one that waited finds the summary built.
    locks::sku_summary(&txn, account_id).await?;
    let (version, built) = products::summary_version(&txn, account_id).await?;
    if built == Some(version) {
        return Ok(());
    }
    let suggestions = links::suggest(
        &catalog::store_only(&txn, account_id).await?,
        &catalog::unique_prokip_skus(&txn, account_id).await?,
    );
    products::rebuild_summary(&txn, account_id, version, &suggestions).await?;
    txn.commit().await?;
    Ok(())
}

/// "just now", "5 min ago", "3 h ago", "2 days ago".
pub fn ago(d: chrono::TimeDelta) -> String {
    match d.num_seconds().max(0) {
        s if s < 60 => "just now".to_owned(),
        s if s < 3_600 => format!("{} min ago", s / 60),
        s if s < 172_800 => format!("{} h ago", s / 3_600),
        s => format!("{} days ago", s / 86_400),
    }
}

/// A store's name for a column heading: its host without the platform's suffix or "www."
/// ("mystore.myshopify.com" → "mystore", "https://shop.example.com/" → "shop.example.com"), or
/// its last path segment when that names it (a store served under a path, as the demo's are).
fn short_name(store_url: &str) -> String {
    let rest = store_url.split_once("://").map_or(store_url, |(_, r)| r);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.trim_start_matches("www.").trim_end_matches(".myshopify.com");
    match path.trim_matches('/').rsplit('/').next() {
        Some(segment) if !segment.is_empty() => segment.to_owned(),
        _ => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn a_store_is_named_by_its_shortest_telling_part() {
        assert_eq!(short_name("mystore.myshopify.com"), "mystore");
        assert_eq!(short_name("https://www.shop.example.com/"), "shop.example.com");
        assert_eq!(short_name("http://127.0.0.1:14002/woo1abc"), "woo1abc");
    }
}
