//! Fixing near-miss SKUs: a store SKU that no Prokip SKU equals is linked to the Prokip SKU it
//! means, one suggestion at a time, every suggestion at once, or by hand; and unlinked. Links are
//! kept per store in `sku_links` and applied by every index, so they survive re-indexing. A link
//! takes effect through a catalog index of the stores concerned, which also releases the orders
//! held for the SKU.

use crate::{
    backend::{
        db::{
            catalog::{self, StoreOnly},
            sku_links,
        },
        error::{Kind, ServerError},
        jobs::IndexCatalog,
        state::AppState,
    },
    model::LinkSuggestion,
};
use sea_orm::TransactionTrait;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("Enter the {0} to link.")]
    Missing(&'static str),
    #[error("“{0}” is not a SKU of any of your stores (re-index if it was just added there).")]
    NotInStore(String),
    #[error("“{0}” is not a Prokip SKU of your business, or more than one Prokip product uses it.")]
    NotInProkip(String),
    #[error("“{0}” already matches the Prokip SKU of the same spelling; it needs no link.")]
    AlreadyMatched(String),
    #[error("“{0}” is already linked to “{1}”.")]
    AlreadyLinked(String, String),
    #[error("“{0}” is not linked.")]
    NotLinked(String),
    #[error("There are no suggestions to link.")]
    NoSuggestions,
    #[error(transparent)]
    Internal(#[from] ServerError),
}

impl From<sea_orm::DbErr> for LinkError {
    fn from(e: sea_orm::DbErr) -> Self {
        LinkError::Internal(e.into())
    }
}

impl From<LinkError> for ServerError {
    fn from(e: LinkError) -> Self {
        match e {
            LinkError::Internal(e) => e,
            e => ServerError::from_error(Kind::BadRequest, e).with_title("Could not link"),
        }
    }
}

/// The form two SKUs are compared in for a suggestion: case, spaces, dashes, underscores and dots
/// do not count.
pub fn normalized(sku: &str) -> String {
    sku.chars().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.')).flat_map(char::to_lowercase).collect()
}

/// Store-only SKUs paired with the one Prokip SKU that differs from them only in
/// [`normalized`] ways, or else that their barcode is (Prokip's labels print the SKU as the
/// barcode); no guess when two Prokip SKUs would fit, or when the stores' barcodes disagree.
/// Pure; sorted by store SKU.
pub fn suggest(store_only: &[StoreOnly], prokip: &[String]) -> Vec<LinkSuggestion> {
    let mut by_form: HashMap<String, Vec<&String>> = HashMap::new();
    for p in prokip {
        by_form.entry(normalized(p)).or_default().push(p);
    }
    let only = |form: &str| match by_form.get(form).map(Vec::as_slice) {
        Some([p]) => Some((*p).clone()),
        _ => None,
    };
    let mut stores: BTreeMap<&str, (Vec<i64>, BTreeSet<&str>)> = BTreeMap::new();
    for s in store_only {
        let entry = stores.entry(s.sku.as_str()).or_default();
        entry.0.push(s.connection_id);
        entry.1.extend(s.barcode.as_deref().filter(|b| !b.trim().is_empty()));
    }
    stores
        .into_iter()
        .filter_map(|(sku, (mut connection_ids, barcodes))| {
            connection_ids.dedup();
            let suggestion = |prokip_sku, barcode| LinkSuggestion {
                store_sku: sku.to_owned(),
                prokip_sku,
                connection_ids: connection_ids.clone(),
                barcode,
            };
            if let Some(p) = only(&normalized(sku)) {
                return Some(suggestion(p, None));
            }
            let by_barcode: BTreeMap<String, &str> =
                barcodes.iter().rev().filter_map(|b| only(&normalized(b)).map(|p| (p, *b))).collect();
            match by_barcode.into_iter().collect::<Vec<_>>().as_slice() {
                [(p, b)] => Some(suggestion(p.clone(), Some((*b).to_owned()))),
                _ => None,
            }
        })
        .collect()
}

/// The account's current suggestions.
pub async fn suggestions(state: &AppState, account_id: i64) -> Result<Vec<LinkSuggestion>, ServerError> {
    let store_only = catalog::store_only(&state.db, account_id).await?;
    if store_only.is_empty() {
        return Ok(Vec::new());
    }
    Ok(suggest(&store_only, &catalog::unique_prokip_skus(&state.db, account_id).await?))
}

/// Links `store_sku` (in every store that has it) to `prokip_sku`.
pub async fn link(state: &AppState, account_id: i64, store_sku: &str, prokip_sku: &str) -> Result<String, LinkError> {
    let (store_sku, prokip_sku) = (store_sku.trim(), prokip_sku.trim());
    if store_sku.is_empty() {
        return Err(LinkError::Missing("store SKU"));
    }
    if prokip_sku.is_empty() {
        return Err(LinkError::Missing("Prokip SKU"));
    }
    let prokip = catalog::unique_prokip_skus(&state.db, account_id).await?;
    if prokip.binary_search_by(|p| p.as_str().cmp(store_sku)).is_ok() {
        return Err(LinkError::AlreadyMatched(store_sku.to_owned()));
    }
    if prokip.binary_search_by(|p| p.as_str().cmp(prokip_sku)).is_err() {
        return Err(LinkError::NotInProkip(prokip_sku.to_owned()));
    }
    let stores = catalog::stores_with(&state.db, account_id, store_sku).await?;
    if stores.is_empty() {
        return Err(LinkError::NotInStore(store_sku.to_owned()));
    }
    let existing = sku_links::of_connections(&state.db, &stores).await?;
    let linked = |id: &i64| {
        existing.iter().any(|l| l.connection_id == *id && l.store_sku == store_sku && l.prokip_sku == prokip_sku)
    };
    if stores.iter().all(linked) {
        return Err(LinkError::AlreadyLinked(store_sku.to_owned(), prokip_sku.to_owned()));
    }
    let txn = state.db.begin().await?;
    for id in &stores {
        sku_links::put(&txn, *id, store_sku, prokip_sku).await?;
    }
    txn.commit().await?;
    reindex(state, account_id, &stores, vec![store_sku.to_owned()]).await?;
    Ok(format!("{store_sku} is linked to Prokip's {prokip_sku}; the stock and held orders follow in a moment."))
}

/// Links every current suggestion.
pub async fn link_suggested(state: &AppState, account_id: i64) -> Result<String, LinkError> {
    let all = suggestions(state, account_id).await?;
    if all.is_empty() {
        return Err(LinkError::NoSuggestions);
    }
    let mut stores: Vec<i64> = Vec::new();
    let txn = state.db.begin().await?;
    for s in &all {
        for id in &s.connection_ids {
            sku_links::put(&txn, *id, &s.store_sku, &s.prokip_sku).await?;
        }
        stores.extend(&s.connection_ids);
    }
    txn.commit().await?;
    stores.sort_unstable();
    stores.dedup();
    reindex(state, account_id, &stores, all.iter().map(|s| s.store_sku.clone()).collect()).await?;
    Ok(format!("{} SKUs are linked; the stock and held orders follow in a moment.", all.len()))
}

/// Removes the link of `store_sku` in every store of the account.
pub async fn unlink(state: &AppState, account_id: i64, store_sku: &str) -> Result<String, LinkError> {
    let store_sku = store_sku.trim();
    let stores = catalog::stores_with(&state.db, account_id, store_sku).await?;
    let linked = sku_links::of_connections(&state.db, &stores).await?;
    let stores: Vec<i64> = linked.iter().filter(|l| l.store_sku == store_sku).map(|l| l.connection_id).collect();
    let txn = state.db.begin().await?;
    if stores.is_empty() || sku_links::remove(&txn, &stores, store_sku).await? == 0 {
        return Err(LinkError::NotLinked(store_sku.to_owned()));
    }
    txn.commit().await?;
    reindex(state, account_id, &stores, Vec::new()).await?;
    Ok(format!("{store_sku} is no longer linked; it is not synced until it matches or is linked again."))
}

/// Rebuilds these stores' maps with the links, then pushes `skus` there.
async fn reindex(state: &AppState, account_id: i64, stores: &[i64], skus: Vec<String>) -> Result<(), LinkError> {
    let jobs = stores
        .iter()
        .map(|id| IndexCatalog { account_id, connection_id: Some(*id), then_push: skus.clone() })
        .collect();
    state.queues.enqueue_all(jobs).await.map_err(ServerError::internal)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(connection_id: i64, sku: &str, barcode: Option<&str>) -> StoreOnly {
        StoreOnly { connection_id, sku: sku.into(), barcode: barcode.map(str::to_owned) }
    }

    fn pairs(s: &[LinkSuggestion]) -> Vec<(&str, &str, Vec<i64>, Option<&str>)> {
        s.iter()
            .map(|s| (s.store_sku.as_str(), s.prokip_sku.as_str(), s.connection_ids.clone(), s.barcode.as_deref()))
            .collect()
    }

    #[test]
    fn suggestions_pair_skus_that_differ_only_in_case_spaces_and_dashes() {
        let store_only =
            [only(1, "as0040", None), only(2, "as0040", None), only(1, "ab 12", None), only(1, "x9", None)];
        let prokip = ["AS0040", "AB-12", "X-9", "X_9", "UNRELATED"].map(str::to_owned);
        // x9 could be X-9 or X_9: no guess.
        assert_eq!(
            pairs(&suggest(&store_only, &prokip)),
            [("ab 12", "AB-12", vec![1], None), ("as0040", "AS0040", vec![1, 2], None)]
        );
    }

    #[test]
    fn a_barcode_that_is_a_prokip_sku_suggests_it_when_the_spelling_does_not() {
        let store_only = [
            only(1, "MUG-BLUE", Some("as0039")),
            only(2, "MUG-BLUE", Some("AS0039")),
            // The spelling wins over a barcode.
            only(1, "ab12", Some("AS0039")),
            // Stores disagree on the barcode: no guess.
            only(1, "CUP", Some("AS0039")),
            only(2, "CUP", Some("AB-12")),
            only(1, "NOTHING", Some("4006381333931")),
        ];
        let prokip = ["AS0039", "AB-12"].map(str::to_owned);
        assert_eq!(
            pairs(&suggest(&store_only, &prokip)),
            [("MUG-BLUE", "AS0039", vec![1, 2], Some("AS0039")), ("ab12", "AB-12", vec![1], None)]
        );
    }
}
