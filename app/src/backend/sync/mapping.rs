//! Catalog mapping: Prokip variations and a store's variants matched by exact, case-sensitive SKU
//! (or by a link the merchant made between two spellings) into the connection's SKU map, with a
//! report of what did not match (store-only, Prokip-only, duplicate or empty SKUs) and of links
//! that no longer apply. Runs on demand ("Re-index"), right after a store is connected or a link
//! is made, and when a store reports a product change.

use super::SyncError;
use crate::backend::{
    db::{
        activity::{self, About, NewActivity},
        catalog, connections, prokip_configs, sku_links, sku_map, sync_runs,
    },
    platforms::prokip::Variation,
    state::AppState,
    stores::{Store, StoreError, StoreVariant, prokip},
};
use crate::model::{ActivityKind, ActivityStatus};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::TransactionTrait;
use serde::Serialize;
use std::collections::HashMap;

/// What one index of one connection found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MappingReport {
    pub connection_id: i64,
    pub store_url: String,
    pub matched: usize,
    /// SKUs the store has and Prokip does not.
    pub store_only: Vec<String>,
    /// SKUs Prokip has and the store does not.
    pub prokip_only: Vec<String>,
    /// SKUs used by more than one Prokip variation (never mapped: the match would be a guess).
    pub duplicate_prokip: Vec<String>,
    /// SKUs used by more than one store variant (never mapped).
    pub duplicate_store: Vec<String>,
    pub empty_prokip: usize,
    pub empty_store: usize,
    /// Links (store SKU → Prokip SKU) that no longer apply, with why.
    pub broken_links: Vec<(String, String, &'static str)>,
}

impl MappingReport {
    /// One line for the activity log and the notice after "Re-index".
    pub fn summary(&self) -> String {
        format!(
            "{}: {} matched, {} only in the store, {} only in Prokip, {} duplicate and {} empty SKUs",
            self.store_url,
            self.matched,
            self.store_only.len(),
            self.prokip_only.len(),
            self.duplicate_prokip.len() + self.duplicate_store.len(),
            self.empty_prokip + self.empty_store,
        )
    }
}

/// Matches by exact SKU, then applies the merchant's links (store SKU → Prokip SKU) to what is
/// left. Pure: the rows to map and the report (sorted lists).
pub fn match_catalog(
    prokip: &[Variation],
    store: &[StoreVariant],
    links: &HashMap<String, String>,
) -> (Vec<sku_map::NewMapping>, MappingReport) {
    let mut report = MappingReport::default();
    let mut by_sku: HashMap<&str, Vec<&Variation>> = HashMap::new();
    for v in prokip {
        if v.sub_sku.trim().is_empty() {
            report.empty_prokip += 1;
        } else {
            by_sku.entry(v.sub_sku.as_str()).or_default().push(v);
        }
    }
    let mut in_store: HashMap<&str, Vec<&StoreVariant>> = HashMap::new();
    for s in store {
        match s.sku.as_deref().filter(|k| !k.trim().is_empty()) {
            Some(sku) => in_store.entry(sku).or_default().push(s),
            None => report.empty_store += 1,
        }
    }
    let mut rows = Vec::new();
    for (sku, variants) in &in_store {
        match by_sku.get(sku).map(Vec::as_slice) {
            None => report.store_only.push((*sku).to_owned()),
            Some(_) if variants.len() > 1 => report.duplicate_store.push((*sku).to_owned()),
            Some([p]) => rows.push(sku_map::NewMapping {
                sku: (*sku).to_owned(),
                store_product_id: variants[0].product_id.clone(),
                store_variant_id: variants[0].variant_id.clone(),
                store_inventory_item_id: variants[0].inventory_item_id.clone(),
                prokip_product_id: p.product_id,
                prokip_variation_id: p.variation_id,
                manual: false,
            }),
            Some(_) => {}
        }
    }
    let mut linked_prokip = std::collections::HashSet::new();
    for (store_sku, prokip_sku) in links {
        let broken = match (in_store.get(store_sku.as_str()).map(Vec::as_slice), by_sku.get(prokip_sku.as_str())) {
            (None, _) => Some("the SKU is no longer in the store"),
            (Some(_), _) if by_sku.contains_key(store_sku.as_str()) => None, // equal SKUs match anyway
            (_, None) => Some("the Prokip SKU no longer exists"),
            (Some([s]), Some(ps)) if ps.len() == 1 => {
                report.store_only.retain(|k| k != store_sku);
                linked_prokip.insert(prokip_sku.as_str());
                rows.push(sku_map::NewMapping {
                    sku: store_sku.clone(),
                    store_product_id: s.product_id.clone(),
                    store_variant_id: s.variant_id.clone(),
                    store_inventory_item_id: s.inventory_item_id.clone(),
                    prokip_product_id: ps[0].product_id,
                    prokip_variation_id: ps[0].variation_id,
                    manual: true,
                });
                None
            }
            _ => Some("one of the two SKUs is now used more than once"),
        };
        if let Some(why) = broken {
            report.broken_links.push((store_sku.clone(), prokip_sku.clone(), why));
        }
    }
    for (sku, variants) in &by_sku {
        if variants.len() > 1 {
            report.duplicate_prokip.push((*sku).to_owned());
        } else if !in_store.contains_key(sku) && !linked_prokip.contains(sku) {
            report.prokip_only.push((*sku).to_owned());
        }
    }
    report.broken_links.sort();
    for list in
        [&mut report.store_only, &mut report.prokip_only, &mut report.duplicate_prokip, &mut report.duplicate_store]
    {
        list.sort();
    }
    rows.sort_by(|a, b| a.sku.cmp(&b.sku));
    report.matched = rows.len();
    (rows, report)
}

/// Re-indexes every store of the account: Prokip is read once, each store once.
pub async fn index_account(state: &AppState, account_id: i64) -> Result<Vec<MappingReport>, SyncError> {
    let prokip = read_prokip(state, account_id).await?;
    let mut reports = Vec::new();
    for conn in connections::list(&state.db, account_id).await? {
        if conn.credentials_enc.is_some() {
            reports.push(index_store(state, &conn, &prokip).await?);
        }
    }
    Ok(reports)
}

/// Re-indexes one store of the account (after it is connected).
pub async fn index_connection(
    state: &AppState,
    account_id: i64,
    connection_id: i64,
) -> Result<MappingReport, SyncError> {
    let conn = connections::get(&state.db, account_id, connection_id).await?.ok_or(SyncError::NotFound)?;
    let prokip = read_prokip(state, account_id).await?;
    index_store(state, &conn, &prokip).await
}

/// Matches the catalog of one store (`Some`) or of every store (`None`) with Prokip, recording
/// progress as a catalog run (one item per store) and each store that could not be read in the
/// activity log. Fails if any store failed, after trying them all; nothing to do (`Ok`) while
/// Prokip has no location.
pub async fn index_with_progress(
    state: &AppState,
    account_id: i64,
    connection_id: Option<i64>,
) -> Result<(), SyncError> {
    let stores: Vec<connections::Model> = connections::list(&state.db, account_id)
        .await?
        .into_iter()
        .filter(|c| c.credentials_enc.is_some() && connection_id.is_none_or(|id| id == c.id))
        .collect();
    if stores.is_empty() {
        return Ok(());
    }
    let prokip = match read_prokip(state, account_id).await {
        Err(SyncError::ProkipNotReady) => return Ok(()),
        read => read?,
    };
    let run = sync_runs::start_catalog_match(&state.db, account_id, stores.len()).await?;
    let mut failed = None;
    for conn in &stores {
        let outcome = index_store(state, conn, &prokip).await;
        sync_runs::advance(&state.db, run, 1, usize::from(outcome.is_err())).await?;
        record_index(state, conn, &outcome).await?;
        failed = failed.or(outcome.err());
    }
    sync_runs::finish(&state.db, run).await?;
    failed.map_or(Ok(()), Err)
}

/// The activity entry of one store's index: what matched, or why it could not be read (which
/// replaces an earlier failure of the same store).
async fn record_index(
    state: &AppState,
    conn: &connections::Model,
    outcome: &Result<MappingReport, SyncError>,
) -> Result<(), SyncError> {
    let (status, detail) = match outcome {
        Ok(report) => (ActivityStatus::Ok, report.summary()),
        Err(e) => (ActivityStatus::Failed, format!("{e} Press Re-index on Products to try again.")),
    };
    let subject = format!("Catalog of {}", conn.store_url);
    let entry = NewActivity {
        account_id: conn.account_id,
        kind: ActivityKind::Catalog,
        about: About::store(conn.id),
        subject: &subject,
        status,
        detail: Some(&detail),
        retry: None,
    };
    activity::supersede(&state.db, entry).await?;
    Ok(())
}

/// Webhook topics saying a store product changed (its SKUs may have).
pub const PRODUCT_TOPICS: [&str; 2] = ["products/update", "product.updated"];

/// A store reported a product change (received at `received_at`): re-indexes that store, so a SKU
/// fixed there maps without "Re-index". The whole store is read again (simple and always right),
/// unless a read of it started after this change was reported: that index already holds the
/// change. Stores report every stock write as a product change too, so a push of 1,000 SKUs
/// brings ~1,000 of these at once; they cost a handful of reads, not one each.
/// Nothing to do while Prokip has no location.
pub async fn reindex_after_product_change(
    state: &AppState,
    conn: &connections::Model,
    received_at: DateTime<Utc>,
) -> Result<(), SyncError> {
    if catalog::store_read_at(&state.db, conn.id).await?.is_some_and(|read_at| read_at >= received_at) {
        tracing::debug!(connection_id = conn.id, "product change already covered by a newer index");
        return Ok(());
    }
    match index_connection(state, conn.account_id, conn.id).await {
        Ok(report) => {
            tracing::info!(connection_id = conn.id, "catalog re-indexed after a product change: {}", report.summary());
            Ok(())
        }
        Err(SyncError::ProkipNotReady) => Ok(()),
        Err(e) => Err(e),
    }
}

pub(super) async fn read_prokip(state: &AppState, account_id: i64) -> Result<Vec<Variation>, SyncError> {
    let cfg = prokip_configs::for_account(&state.db, account_id).await?.ok_or(SyncError::ProkipNotReady)?;
    let location = cfg.location_id.ok_or(SyncError::ProkipNotReady)?;
    let client = prokip::client_for(state, account_id).await?;
    let variations = client.variations(location).await.map_err(|e| SyncError::Prokip(e.to_string()))?;
    prokip::keep_tokens(state, account_id, &client).await;
    // In one transaction: pages reading the index meanwhile see the old catalog or the new one,
    // never an empty one ("No product with the SKU …" in the middle of a re-index).
    let txn = state.db.begin().await?;
    catalog::replace_prokip(&txn, account_id, &variations).await?;
    txn.commit().await?;
    Ok(variations)
}

/// The store's variants; a Shopify shop's active locations are read and kept too (the
/// Connections page offers them), and a failure to read those fails nothing.
async fn read_store(state: &AppState, conn: &connections::Model) -> Result<Vec<StoreVariant>, SyncError> {
    let failed = |e: StoreError| SyncError::Store(format!("{}: {e}", conn.store_url));
    let store = Store::open(state, conn).map_err(failed)?;
    let variants = store.variants().await.map_err(failed)?;
    if conn.platform == crate::model::Platform::Shopify {
        match store.locations().await {
            Ok(locations) => connections::set_store_locations(&state.db, conn.id, &locations).await?,
            Err(e) => tracing::warn!(connection_id = conn.id, error = %e, "the shop's locations could not be read"),
        }
    }
    Ok(variants)
}

async fn index_store(
    state: &AppState,
    conn: &connections::Model,
    prokip: &[Variation],
) -> Result<MappingReport, SyncError> {
    // The database's clock, the one that stamps webhook arrivals.
    let read_at = catalog::database_now(&state.db).await?;
    let store = read_store(state, conn).await?;
    let links: HashMap<String, String> =
        sku_links::of_connection(&state.db, conn.id).await?.into_iter().map(|l| (l.store_sku, l.prokip_sku)).collect();
    let (rows, mut report) = match_catalog(prokip, &store, &links);
    report.connection_id = conn.id;
    report.store_url = conn.store_url.clone();
    let listed: Vec<catalog::Listed> = store
        .iter()
        .filter_map(|s| {
            s.sku.as_ref().filter(|k| !k.trim().is_empty()).map(|sku| catalog::Listed {
                variant_key: s.key(),
                sku: sku.clone(),
                name: s.name.clone(),
                barcode: s.barcode.clone(),
            })
        })
        .collect();
    let txn = state.db.begin().await?;
    catalog::replace_store(&txn, conn.id, &listed, read_at).await?;
    sku_map::replace(&txn, conn.id, &rows).await?;
    for (store_sku, prokip_sku, why) in &report.broken_links {
        report_broken_link(&txn, conn, store_sku, prokip_sku, why).await?;
    }
    txn.commit().await?;
    Ok(report)
}

/// A link that no longer applies is removed and reported, never dropped silently.
async fn report_broken_link(
    txn: &sea_orm::DatabaseTransaction,
    conn: &connections::Model,
    store_sku: &str,
    prokip_sku: &str,
    why: &str,
) -> Result<(), SyncError> {
    sku_links::remove(txn, &[conn.id], store_sku).await?;
    let subject = format!("SKU {store_sku} → {}", conn.store_url);
    let detail = format!(
        "The link of {store_sku} to Prokip's {prokip_sku} was removed: {why}. Link it again on Products if it still belongs."
    );
    let entry = NewActivity {
        account_id: conn.account_id,
        kind: ActivityKind::Catalog,
        about: About::sku(conn.id, store_sku),
        subject: &subject,
        status: ActivityStatus::NeedsAttention,
        detail: Some(&detail),
        retry: None,
    };
    activity::record(txn, entry).await?;
    Ok(())
}

/// Prokip stock as a whole number of units (fractions are never published).
pub fn whole_units(qty: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    qty.floor().to_i64().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::platforms::prokip::ProductType;

    fn pv(id: i64, sku: &str) -> Variation {
        Variation {
            variation_id: id,
            sub_sku: sku.into(),
            product_id: id * 10,
            product_name: format!("P{id}"),
            variation_name: "DUMMY".into(),
            product_type: ProductType::Single,
            enable_stock: true,
            qty_available: Decimal::from(5),
            sell_price_inc_tax: Decimal::from(100),
        }
    }

    fn sv(id: &str, sku: Option<&str>) -> StoreVariant {
        StoreVariant {
            sku: sku.map(str::to_owned),
            barcode: None,
            name: id.into(),
            product_id: format!("p{id}"),
            variant_id: Some(id.into()),
            inventory_item_id: Some(format!("i{id}")),
        }
    }

    #[test]
    fn exact_case_sensitive_matching_with_every_kind_of_mismatch() {
        let prokip = [pv(1, "A1"), pv(2, "AS0040"), pv(3, "D"), pv(4, "D"), pv(5, ""), pv(6, "P-ONLY"), pv(7, "S2")];
        let store = [
            sv("1", Some("A1")),
            sv("2", Some("as0040")),
            sv("3", Some("D")),
            sv("4", None),
            sv("5", Some("S2")),
            sv("6", Some("S2")),
        ];
        let (rows, r) = match_catalog(&prokip, &store, &HashMap::new());
        assert_eq!(rows.iter().map(|m| m.sku.as_str()).collect::<Vec<_>>(), ["A1"]);
        assert_eq!((rows[0].prokip_variation_id, rows[0].store_inventory_item_id.as_deref()), (1, Some("i1")));
        assert_eq!(r.matched, 1);
        assert_eq!(r.store_only, ["as0040"]);
        assert_eq!(r.prokip_only, ["AS0040", "P-ONLY"]);
        assert_eq!(r.duplicate_prokip, ["D"]);
        assert_eq!(r.duplicate_store, ["S2"]);
        assert_eq!((r.empty_prokip, r.empty_store), (1, 1));
    }

    #[test]
    fn links_map_differently_spelled_skus_and_report_the_ones_that_no_longer_apply() {
        let prokip = [pv(1, "A1"), pv(2, "AS0040"), pv(3, "D"), pv(4, "D"), pv(5, "GONE-LATER")];
        let store = [sv("1", Some("A1")), sv("2", Some("as0040")), sv("3", Some("d"))];
        let links: HashMap<String, String> = [("as0040", "AS0040"), ("d", "D"), ("vanished", "A1"), ("A1", "GONE")]
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect();
        let (rows, r) = match_catalog(&prokip, &store, &links);
        let mapped: Vec<_> = rows.iter().map(|m| (m.sku.as_str(), m.prokip_variation_id, m.manual)).collect();
        assert_eq!(mapped, [("A1", 1, false), ("as0040", 2, true)]);
        assert_eq!(r.store_only, ["d"], "a link to a duplicate Prokip SKU maps nothing");
        assert_eq!(r.prokip_only, ["GONE-LATER"], "AS0040 is matched through the link");
        assert_eq!(
            r.broken_links,
            [
                ("d".to_owned(), "D".to_owned(), "one of the two SKUs is now used more than once"),
                ("vanished".to_owned(), "A1".to_owned(), "the SKU is no longer in the store"),
            ]
        );
    }

    #[test]
    fn fractions_of_a_unit_are_not_published() {
        assert_eq!(whole_units(Decimal::new(1999, 2)), 19);
        assert_eq!(whole_units(Decimal::new(-5, 1)), -1);
    }
}
