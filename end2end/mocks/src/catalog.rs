//! Catalogs the three mocks are seeded from, so that the same SKUs exist on every platform:
//! the demo catalog (40 products, some variable, one deliberate SKU mismatch) and generated
//! catalogs of any size for benchmarks.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CatalogVariant {
    /// Prokip `sub_sku`; for a single product it equals the product SKU.
    pub sku: String,
    /// "DUMMY" for single products, else the option value (e.g. "Red / M").
    pub name: String,
    /// Tax-inclusive selling price.
    pub price: Decimal,
    /// Prokip stock at the shop location.
    pub stock: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CatalogProduct {
    pub name: String,
    /// Product-level SKU (Prokip `products.sku`).
    pub sku: String,
    /// `single` or `variable`.
    pub kind: String,
    pub variants: Vec<CatalogVariant>,
}

impl CatalogProduct {
    fn single(name: &str, sku: &str, price: i64, stock: i64) -> Self {
        CatalogProduct {
            name: name.into(),
            sku: sku.into(),
            kind: "single".into(),
            variants: vec![CatalogVariant {
                sku: sku.into(),
                name: "DUMMY".into(),
                price: price.into(),
                stock: stock.into(),
            }],
        }
    }

    fn variable(name: &str, sku: &str, options: &[&str], price: i64, stock: i64) -> Self {
        CatalogProduct {
            name: name.into(),
            sku: sku.into(),
            kind: "variable".into(),
            variants: options
                .iter()
                .enumerate()
                .map(|(i, o)| CatalogVariant {
                    sku: format!("{sku}-{}", i + 1),
                    name: (*o).into(),
                    price: price.into(),
                    stock: (stock + i as i64).into(),
                })
                .collect(),
        }
    }
}

/// The SKU that exists in Prokip but is spelled differently in the demo stores.
pub const DEMO_MISMATCH_PROKIP_SKU: &str = "AS0040";
/// How the demo stores spell it (lower case: SKU matching is exact and case-sensitive).
pub const DEMO_MISMATCH_STORE_SKU: &str = "as0040";

/// 40 products: 32 single, 8 variable (3 sizes each).
pub fn demo_catalog() -> Vec<CatalogProduct> {
    const NAMES: [&str; 32] = [
        "Men's Reverse Fleece Crew",
        "Kikoi Beach Towel",
        "Maasai Shuka Blanket",
        "Kenyan AA Coffee 500g",
        "Rooibos Tea 100g",
        "Sisal Market Basket",
        "Soapstone Bowl",
        "Beaded Bracelet",
        "Leather Sandals",
        "Cotton Kanga",
        "Shea Butter 250ml",
        "Baobab Oil 50ml",
        "Ceramic Mug",
        "Enamel Plate",
        "Wooden Spoon Set",
        "Canvas Tote",
        "Notebook A5",
        "Ballpoint Pen Pack",
        "Phone Charger",
        "USB-C Cable 1m",
        "Solar Lamp",
        "Water Bottle 1l",
        "Thermos 500ml",
        "Umbrella",
        "Sunglasses",
        "Straw Hat",
        "Cashew Nuts 250g",
        "Macadamia 250g",
        "Honey 500g",
        "Dried Mango 200g",
        "Chai Masala 100g",
        "Beeswax Candle",
    ];
    let mut out: Vec<CatalogProduct> = NAMES
        .iter()
        .enumerate()
        .map(|(i, n)| {
            CatalogProduct::single(n, &format!("AS{:04}", i + 1), 100 + 25 * i as i64, 5 + (i as i64 * 7) % 40)
        })
        .collect();
    const VARIABLE: [&str; 8] = [
        "Ankara Shirt",
        "Kitenge Dress",
        "Safari Shorts",
        "Polo Shirt",
        "Hoodie",
        "Running Shoes",
        "Denim Jacket",
        "Cap",
    ];
    for (i, n) in VARIABLE.iter().enumerate() {
        let sku = format!("AS{:04}", 33 + i);
        if sku == DEMO_MISMATCH_PROKIP_SKU {
            out.push(CatalogProduct::single(n, &sku, 900, 12));
        } else {
            out.push(CatalogProduct::variable(n, &sku, &["S", "M", "L"], 1200 + 100 * i as i64, 4));
        }
    }
    out
}

/// A catalog with at least `skus` variant SKUs: every fifth product is variable with 4 variants.
pub fn generated_catalog(skus: usize) -> Vec<CatalogProduct> {
    let mut out = Vec::new();
    let mut count = 0;
    let mut i = 0;
    while count < skus {
        let sku = format!("GEN{:06}", i);
        let p = if i % 5 == 4 {
            CatalogProduct::variable(&format!("Generated product {i}"), &sku, &["A", "B", "C", "D"], 500, 10)
        } else {
            CatalogProduct::single(&format!("Generated product {i}"), &sku, 250, (i % 50) as i64)
        };
        count += p.variants.len();
        out.push(p);
        i += 1;
    }
    out
}

/// The SKU a store uses for a Prokip SKU in the demo (identity except the deliberate mismatch).
pub fn demo_store_sku(prokip_sku: &str) -> String {
    if prokip_sku == DEMO_MISMATCH_PROKIP_SKU { DEMO_MISMATCH_STORE_SKU.to_owned() } else { prokip_sku.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_catalog_has_forty_products_some_variable() {
        let c = demo_catalog();
        assert_eq!(c.len(), 40);
        assert!(c.iter().filter(|p| p.kind == "variable").count() >= 5);
        let skus: std::collections::HashSet<_> =
            c.iter().flat_map(|p| p.variants.iter().map(|v| v.sku.clone())).collect();
        assert_eq!(skus.len(), c.iter().map(|p| p.variants.len()).sum::<usize>(), "SKUs are unique");
    }

    #[test]
    fn generated_catalog_reaches_the_requested_size() {
        let n: usize = generated_catalog(10_000).iter().map(|p| p.variants.len()).sum();
        assert!((10_000..10_004).contains(&n));
    }
}
