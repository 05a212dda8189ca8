//! Catalog calls: reading products and variations (paged), looking SKUs up, and creating simple
//! and variable products.

use super::{ItemError, Product, Variant, Variation, WooClient, WooError, types::ProductKind};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// Reads sent at once while reading the whole catalog (its pages, then the variation lists): a
/// store answering in 300 ms takes an hour for 12,000 variable products one after another. Four is
/// what a small WordPress host serves beside its shoppers.
const READS_AT_ONCE: usize = 4;

/// SKUs per `GET /products?sku=a,b,…` (keeps the URL short).
const SKUS_PER_LOOKUP: usize = 50;

/// One option of a new variable product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVariant {
    /// The attribute value, e.g. "M".
    pub option: String,
    pub sku: String,
    pub price: Decimal,
    pub stock: i64,
}

/// A created variable product and, per requested variant (same order), its variation or the
/// reason WooCommerce refused it.
#[derive(Debug)]
pub struct CreatedVariable {
    pub product: Product,
    pub variations: Vec<Result<Variation, ItemError>>,
}

impl WooClient {
    /// Every product (any type), all pages: after the first, [`READS_AT_ONCE`] at a time.
    pub async fn products(&self) -> Result<Vec<Product>, WooError> {
        self.get_pages("/products", &[], READS_AT_ONCE).await
    }

    /// Every variation of a variable product, all pages.
    pub async fn variations(&self, product_id: u64) -> Result<Vec<Variation>, WooError> {
        self.get_all(&format!("/products/{product_id}/variations"), &[]).await
    }

    /// Every sellable SKU: simple products, and the variations of variable products. WooCommerce
    /// lists variations per product only, so a catalog of many variable products takes one read
    /// each: [`READS_AT_ONCE`] of them run at a time. Variants come in catalog order.
    pub async fn all_variants(&self) -> Result<Vec<Variant>, WooError> {
        use futures::{StreamExt, TryStreamExt};
        let products = self.products().await?;
        let is_variable = |p: &Product| p.kind == ProductKind::Variable;
        // Only reads go through the window: a product that needs none would hold a place in it.
        let variable: Vec<Product> = products.iter().filter(|p| is_variable(p)).cloned().collect();
        let reads = futures::stream::iter(variable).map(|p| self.variants_of(p)).buffered(READS_AT_ONCE);
        let mut lists = reads.try_collect::<Vec<Vec<Variant>>>().await?.into_iter();
        Ok(products
            .iter()
            .flat_map(|p| match is_variable(p) {
                true => lists.next().unwrap_or_default(),
                false => p.as_variant().into_iter().collect(),
            })
            .collect())
    }

    /// A variable product's variations as variants.
    async fn variants_of(&self, product: Product) -> Result<Vec<Variant>, WooError> {
        let variations = self.variations(product.id).await?;
        Ok(variations.iter().map(|v| v.as_variant(&product)).collect())
    }

    /// Products and variations whose SKU is exactly one of `skus` (`GET /products?sku=a,b`,
    /// which also returns variations, with `type: "variation"` and their `parent_id`).
    /// SKUs containing a comma cannot be asked for this way and are skipped.
    pub async fn products_by_sku(&self, skus: &[&str]) -> Result<Vec<Product>, WooError> {
        let mut wanted: Vec<&str> = skus.iter().copied().filter(|s| !s.trim().is_empty() && !s.contains(',')).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut out = Vec::new();
        for chunk in wanted.chunks(SKUS_PER_LOOKUP) {
            out.extend(self.get_all::<Product>("/products", &[("sku", chunk.join(","))]).await?);
        }
        Ok(out)
    }

    /// Creates a published simple product with tracked stock. A SKU already in use gives
    /// [`WooError::DuplicateSku`]; look the SKU up first to stay idempotent.
    pub async fn create_simple_product(
        &self,
        name: &str,
        sku: &str,
        price: Decimal,
        stock: i64,
    ) -> Result<Product, WooError> {
        let body = json!({
            "name": name,
            "type": "simple",
            "status": "publish",
            "sku": sku,
            "regular_price": price.to_string(),
            "manage_stock": true,
            "stock_quantity": stock,
        });
        self.call(Method::POST, "/products", &[], Some(&body)).await.map_err(|e| e.for_sku(sku))
    }

    /// Creates a variable product with one attribute (e.g. "Size") and a variation per option,
    /// each with its own SKU, price and tracked stock. Refused variations are reported per item.
    pub async fn create_variable_product(
        &self,
        name: &str,
        sku: &str,
        attribute: &str,
        variants: &[NewVariant],
    ) -> Result<CreatedVariable, WooError> {
        let options: Vec<&str> = variants.iter().map(|v| v.option.as_str()).collect();
        let body = json!({
            "name": name,
            "type": "variable",
            "status": "publish",
            "sku": sku,
            "attributes": [{ "name": attribute, "options": options, "variation": true, "visible": true }],
        });
        let product: Product =
            self.call(Method::POST, "/products", &[], Some(&body)).await.map_err(|e| e.for_sku(sku))?;
        let items: Vec<Value> = variants
            .iter()
            .map(|v| {
                json!({
                    "sku": v.sku,
                    "regular_price": v.price.to_string(),
                    "manage_stock": true,
                    "stock_quantity": v.stock,
                    "attributes": [{ "name": attribute, "option": v.option }],
                })
            })
            .collect();
        let path = format!("/products/{}/variations/batch", product.id);
        let results = self.batch(&path, "create", items).await?;
        let variations = results
            .into_iter()
            .map(|r| {
                r.and_then(|item| {
                    serde_json::from_value::<Variation>(item)
                        .map_err(|e| ItemError { code: "malformed_item".into(), message: e.to_string() })
                })
            })
            .collect();
        Ok(CreatedVariable { product, variations })
    }
}
