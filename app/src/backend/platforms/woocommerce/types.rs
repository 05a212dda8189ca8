//! Catalog types: products and variations as WooCommerce sends them, and `Variant`, the flat
//! "one sellable SKU" view that sync works with (a simple product, or one variation).

use super::de;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductKind {
    #[default]
    Simple,
    Variable,
    /// A `product_variation` post, as `GET /products?sku=` returns them.
    Variation,
    Grouped,
    External,
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type", default)]
    pub kind: ProductKind,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub sku: Option<String>,
    /// GTIN, UPC, EAN or ISBN (WooCommerce 9.2+; absent before, "" when not set).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub global_unique_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub regular_price: Option<Decimal>,
    #[serde(default, deserialize_with = "de::manage_stock")]
    pub manage_stock: bool,
    #[serde(default, deserialize_with = "de::opt_int")]
    pub stock_quantity: Option<i64>,
    #[serde(default)]
    pub stock_status: String,
    /// For a variation: the variable product it belongs to; else 0.
    #[serde(default)]
    pub parent_id: u64,
    /// For a variable product: its variation ids.
    #[serde(default)]
    pub variations: Vec<u64>,
}

impl Product {
    /// The sellable SKU this product is, if it is one: a simple product or a variation.
    pub fn as_variant(&self) -> Option<Variant> {
        let (product_id, variation_id) = match self.kind {
            ProductKind::Simple => (self.id, None),
            ProductKind::Variation => (self.parent_id, Some(self.id)),
            _ => return None,
        };
        Some(Variant {
            product_id,
            variation_id,
            sku: self.sku.clone(),
            barcode: self.global_unique_id.clone(),
            name: self.name.clone(),
            manage_stock: self.manage_stock,
            stock_quantity: self.stock_quantity,
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct VariationAttribute {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub option: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Variation {
    pub id: u64,
    /// Recent WooCommerce versions name variations ("Shirt - M"); older ones leave it out.
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub sku: Option<String>,
    /// GTIN, UPC, EAN or ISBN (WooCommerce 9.2+; absent before, "" when not set).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub global_unique_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub regular_price: Option<Decimal>,
    #[serde(default, deserialize_with = "de::manage_stock")]
    pub manage_stock: bool,
    #[serde(default, deserialize_with = "de::opt_int")]
    pub stock_quantity: Option<i64>,
    #[serde(default)]
    pub stock_status: String,
    #[serde(default)]
    pub attributes: Vec<VariationAttribute>,
}

impl Variation {
    pub fn as_variant(&self, parent: &Product) -> Variant {
        Variant {
            product_id: parent.id,
            variation_id: Some(self.id),
            sku: self.sku.clone(),
            barcode: self.global_unique_id.clone(),
            name: self.display_name(&parent.name),
            manage_stock: self.manage_stock,
            stock_quantity: self.stock_quantity,
        }
    }

    fn display_name(&self, parent_name: &str) -> String {
        if !self.name.is_empty() {
            return self.name.clone();
        }
        let options: Vec<&str> = self.attributes.iter().map(|a| a.option.as_str()).filter(|o| !o.is_empty()).collect();
        if options.is_empty() { parent_name.to_owned() } else { format!("{parent_name} - {}", options.join(", ")) }
    }
}

/// One sellable SKU: a simple product (`variation_id: None`) or one variation of a variable product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub product_id: u64,
    pub variation_id: Option<u64>,
    pub sku: Option<String>,
    /// Its GTIN/UPC/EAN/ISBN, when set.
    #[serde(default)]
    pub barcode: Option<String>,
    pub name: String,
    /// Whether stock is tracked on this object (`"parent"` counts as no).
    pub manage_stock: bool,
    pub stock_quantity: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variation_found_by_sku_maps_to_its_parent() {
        let p: Product = serde_json::from_str(
            r#"{"id":45,"name":"Hoodie - M","type":"variation","parent_id":40,"sku":"AS0037-2","price":"1600",
                "manage_stock":true,"stock_quantity":5,"stock_status":"instock"}"#,
        )
        .unwrap();
        let v = p.as_variant().unwrap();
        assert_eq!((v.product_id, v.variation_id), (40, Some(45)));
        assert_eq!(v.sku.as_deref(), Some("AS0037-2"));
    }

    #[test]
    fn a_variable_parent_is_not_a_variant_and_empty_fields_are_none() {
        let p: Product = serde_json::from_str(
            r#"{"id":40,"name":"Hoodie","type":"variable","sku":"","price":"","manage_stock":false,"stock_quantity":null,"variations":[41,42]}"#,
        )
        .unwrap();
        assert!(p.as_variant().is_none());
        assert_eq!((p.sku, p.price), (None, None));
    }

    #[test]
    fn unnamed_variations_are_named_after_parent_and_options() {
        let parent: Product = serde_json::from_str(r#"{"id":40,"name":"Hoodie","type":"variable"}"#).unwrap();
        let v: Variation = serde_json::from_str(
            r#"{"id":41,"sku":"H-S","manage_stock":"parent","stock_quantity":null,"attributes":[{"id":0,"name":"Size","option":"S"}]}"#,
        )
        .unwrap();
        let variant = v.as_variant(&parent);
        assert_eq!(variant.name, "Hoodie - S");
        assert!(!variant.manage_stock);
    }
}
