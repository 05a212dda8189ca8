//! Writing stock to a WooCommerce store: absolute `stock_quantity` updates through the products
//! and variations batch endpoints (≤ 100 per call), each item's own result checked.

use crate::backend::platforms::woocommerce::{StockUpdate, WooClient, WooError};
use crate::backend::stores::{Planned, Written};

pub(super) async fn write(client: &WooClient, planned: Vec<Planned>) -> Result<Written, WooError> {
    let mut out = Written::default();
    let mut updates = Vec::new();
    let mut skus = Vec::new();
    for p in planned {
        let product = p.map.store_product_id.as_deref().and_then(|id| id.parse::<u64>().ok());
        let variation = p.map.store_variant_id.as_deref().map(str::parse::<u64>).transpose();
        match (product, variation) {
            (Some(product_id), Ok(variation_id)) => {
                updates.push(StockUpdate { product_id, variation_id, stock_quantity: p.target });
                skus.push((p.map.sku, p.target));
            }
            _ => out.failed.push((p.map.sku, "the SKU map holds no valid WooCommerce id; re-index the catalog".into())),
        }
    }
    if updates.is_empty() {
        return Ok(out);
    }
    let results = client.batch_update_stock(&updates).await?;
    for (result, (sku, target)) in results.into_iter().zip(skus) {
        match result.outcome {
            Ok(now) => out.done.push((sku, now.unwrap_or(target))),
            Err(e) => out.failed.push((sku, format!("WooCommerce refused: {e}"))),
        }
    }
    Ok(out)
}
