//! "Create in store": makes the Prokip products a store lacks, from Prokip's data (name, price,
//! SKUs, published quantity). A single product becomes a one-variant Shopify product or a Woo
//! simple product; a variable one a product with a variant per Prokip variation. Idempotent: the
//! store is asked for the SKUs first and nothing that is already there is created again. After
//! creating, the store is re-indexed and the new SKUs' stock pushed.

use super::{SyncError, mapping};
use crate::backend::{
    db::{
        activity::{self, About, NewActivity},
        catalog, connections, inventory_cache,
    },
    jobs::PushStock,
    platforms::prokip::{ProductType, Variation},
    state::AppState,
    stores::{NewProduct, NewVariant, Store, StoreError},
};
use crate::model::{ActivityKind, ActivityStatus, PushReason};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One Prokip product to create, with the variations that become its variants.
#[derive(Debug, Clone, PartialEq)]
pub struct ToCreate {
    pub title: String,
    pub variable: bool,
    pub variants: Vec<Variation>,
}

impl ToCreate {
    fn skus(&self) -> Vec<String> {
        self.variants.iter().map(|v| v.sub_sku.clone()).collect()
    }

    /// The store product, each variant publishing `publish(variation)`.
    fn to_store(&self, publish: impl Fn(&Variation) -> i64) -> NewProduct {
        let variants = self
            .variants
            .iter()
            .map(|v| NewVariant {
                sku: v.sub_sku.clone(),
                option: v.variation_name.clone(),
                price: v.sell_price_inc_tax,
                available: publish(v),
            })
            .collect();
        NewProduct { title: self.title.clone(), variable: self.variable, variants }
    }
}

/// What one "Create in store" did, per SKU.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CreateReport {
    pub store_url: String,
    pub created: Vec<String>,
    /// Already in the store (found by SKU): nothing created.
    pub existing: Vec<String>,
    /// SKU and why it was not created.
    pub failed: Vec<(String, String)>,
}

impl CreateReport {
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{}: {} created, {} already there, {} failed",
            self.store_url,
            self.created.len(),
            self.existing.len(),
            self.failed.len()
        );
        if let Some((sku, why)) = self.failed.first() {
            s.push_str(&format!(" ({sku}: {why})"));
        }
        s
    }
}

/// Groups the wanted SKUs into products to create. A variable product brings all its variations
/// (a store product needs them together); SKUs Prokip lacks or has twice are refused.
pub fn plan(prokip: &[Variation], wanted: &[String]) -> (Vec<ToCreate>, Vec<(String, String)>) {
    let mut by_sku: HashMap<&str, Vec<&Variation>> = HashMap::new();
    for v in prokip {
        by_sku.entry(v.sub_sku.as_str()).or_default().push(v);
    }
    let mut refused = Vec::new();
    let mut products: BTreeMap<i64, ToCreate> = BTreeMap::new();
    for sku in wanted {
        match by_sku.get(sku.as_str()).map(Vec::as_slice) {
            Some([v]) => {
                let variable = v.product_type == ProductType::Variable;
                products.entry(v.product_id).or_insert_with(|| ToCreate {
                    title: v.product_name.clone(),
                    variable,
                    variants: prokip
                        .iter()
                        .filter(|p| p.product_id == v.product_id && !p.sub_sku.trim().is_empty())
                        .filter(|p| variable || p.variation_id == v.variation_id)
                        .cloned()
                        .collect(),
                });
            }
            Some(_) => refused.push((sku.clone(), "more than one Prokip variation has this SKU".to_owned())),
            None => refused.push((sku.clone(), "Prokip has no variation with this SKU".to_owned())),
        }
    }
    (products.into_values().collect(), refused)
}

/// Creates the given SKUs (or every SKU of the last index that the store lacks) in one store.
pub async fn create_in_store(
    state: &AppState,
    account_id: i64,
    connection_id: i64,
    skus: Option<Vec<String>>,
) -> Result<CreateReport, SyncError> {
    let conn = connections::get(&state.db, account_id, connection_id).await?.ok_or(SyncError::NotFound)?;
    let wanted = match skus {
        Some(s) => s,
        None => catalog::missing_in_store(&state.db, account_id, conn.id).await?,
    };
    let mut report = CreateReport { store_url: conn.store_url.clone(), ..Default::default() };
    if wanted.is_empty() {
        return Ok(report);
    }
    let prokip = mapping::read_prokip(state, account_id).await?;
    let (products, refused) = plan(&prokip, &wanted);
    report.failed = refused;
    let all: Vec<String> = products.iter().flat_map(ToCreate::skus).collect();
    let committed = inventory_cache::committed(&state.db, account_id, Some(&all)).await?;
    let rules = super::allocation::Rules::of(&conn);
    let publish = |v: &Variation| rules.publish(v.qty_available, committed.get(&v.sub_sku).copied().unwrap_or(0));
    let failed = |e: StoreError| SyncError::Store(format!("{}: {e}", conn.store_url));
    let store = Store::open(state, &conn).map_err(failed)?;
    store.can_hold_stock().map_err(failed)?;
    let present = store.present(&all).await.map_err(failed)?;
    for product in products {
        let skus = product.skus();
        let there = skus.iter().filter(|s| present.contains(*s)).count();
        if there == skus.len() {
            report.existing.extend(skus);
        } else if there > 0 {
            let why = "some variants of this product are already in the store; add the others there";
            report.failed.extend(skus.into_iter().filter(|s| !present.contains(s)).map(|s| (s, why.to_owned())));
        } else {
            let created = store.create_product(&product.to_store(publish)).await;
            report.created.extend(created.skus);
            report.failed.extend(created.failed);
        }
    }
    finish(state, &conn, &mut report).await?;
    Ok(report)
}

/// Records failures, then maps what was created and pushes its stock.
async fn finish(state: &AppState, conn: &connections::Model, report: &mut CreateReport) -> Result<(), SyncError> {
    report.failed.sort();
    for (sku, why) in &report.failed {
        let subject = format!("Create SKU {sku} → {}", conn.store_url);
        let entry = NewActivity {
            account_id: conn.account_id,
            kind: ActivityKind::Catalog,
            about: About::sku(conn.id, sku),
            subject: &subject,
            status: ActivityStatus::Failed,
            detail: Some(why),
            retry: None,
        };
        activity::record(&state.db, entry).await?;
    }
    if report.created.is_empty() {
        return Ok(());
    }
    let subject = format!("Created {} SKUs in {}", report.created.len(), conn.store_url);
    let detail = report.created.join(", ");
    let entry = NewActivity {
        account_id: conn.account_id,
        kind: ActivityKind::Catalog,
        about: About::store(conn.id),
        subject: &subject,
        status: ActivityStatus::Ok,
        detail: Some(&detail),
        retry: None,
    };
    activity::record(&state.db, entry).await?;
    mapping::index_connection(state, conn.account_id, conn.id).await?;
    let job = PushStock {
        account_id: conn.account_id,
        skus: Some(report.created.clone()),
        reason: PushReason::CreatedInStore,
    };
    state.queues.push_stock(job).await.map_err(SyncError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn pv(variation_id: i64, product_id: i64, sku: &str, kind: ProductType) -> Variation {
        Variation {
            variation_id,
            sub_sku: sku.into(),
            product_id,
            product_name: format!("P{product_id}"),
            variation_name: format!("V{variation_id}"),
            product_type: kind,
            enable_stock: true,
            qty_available: Decimal::from(3),
            sell_price_inc_tax: Decimal::from(10),
        }
    }

    #[test]
    fn a_variable_product_brings_all_its_variants_once_and_unknown_or_duplicate_skus_are_refused() {
        let prokip = [
            pv(1, 10, "S1", ProductType::Single),
            pv(2, 20, "V-1", ProductType::Variable),
            pv(3, 20, "V-2", ProductType::Variable),
            pv(4, 30, "D", ProductType::Single),
            pv(5, 31, "D", ProductType::Single),
        ];
        let wanted: Vec<String> = ["V-2", "S1", "V-1", "D", "X"].map(String::from).into();
        let (products, refused) = plan(&prokip, &wanted);
        assert_eq!(products.len(), 2);
        assert_eq!(
            (products[0].title.as_str(), products[0].variable, products[0].skus()),
            ("P10", false, vec!["S1".to_owned()])
        );
        assert_eq!(
            (products[1].title.as_str(), products[1].variable, products[1].skus()),
            ("P20", true, vec!["V-1".to_owned(), "V-2".to_owned()])
        );
        let refused: Vec<&str> = refused.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(refused, ["D", "X"]);
    }
}
