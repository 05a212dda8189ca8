//! How the Connector's answers look on the wire, and their conversion to the public types:
//! Laravel pages, `{data: …}` wrappers, `/variation` and `/product` rows, and `POST /sell`'s
//! bare array whose elements are transactions or serialized error responses.

use super::{
    ProkipError, de,
    types::{Product, ProductType, SellOutcome, Transaction, Variation},
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

/// A Laravel resource collection: paginated (`links`/`meta`) or plain (`per_page=-1`).
#[derive(Debug, Deserialize)]
pub(super) struct Page<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub links: Option<Links>,
    #[serde(default)]
    pub meta: Option<Meta>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Links {
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Meta {
    #[serde(default)]
    pub current_page: Option<u64>,
    #[serde(default)]
    pub last_page: Option<u64>,
}

impl<T> Page<T> {
    /// Another page follows: `links.next` is set (or, without links, `meta` says so).
    pub fn has_next(&self) -> bool {
        match (&self.links, &self.meta) {
            (Some(l), _) => l.next.is_some(),
            (None, Some(Meta { current_page: Some(c), last_page: Some(l) })) => c < l,
            _ => false,
        }
    }
}

/// `GET /business-details`: of the business row, only what we show.
#[derive(Debug, Deserialize)]
pub(super) struct BusinessDetails {
    #[serde(default, deserialize_with = "super::de::text")]
    pub name: String,
}

/// A single resource, `{data: {...}}` or bare.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum OneOf<T> {
    Wrapped { data: T },
    Bare(T),
}

impl<T> OneOf<T> {
    pub fn into_inner(self) -> T {
        match self {
            OneOf::Wrapped { data } | OneOf::Bare(data) => data,
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct LocationDetail {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub location_id: Option<i64>,
    #[serde(default, deserialize_with = "de::decimal")]
    pub qty_available: Decimal,
}

/// Stock at one location: the detail rows for it summed; none → 0.
pub(super) fn qty_at(details: &[LocationDetail], location_id: i64) -> Decimal {
    details.iter().filter(|d| d.location_id == Some(location_id)).map(|d| d.qty_available).sum()
}

/// A `/variation` row.
#[derive(Debug, Deserialize)]
pub(super) struct VariationRow {
    #[serde(deserialize_with = "de::id")]
    pub variation_id: i64,
    #[serde(default, deserialize_with = "de::text")]
    pub variation_name: String,
    #[serde(default, deserialize_with = "de::text")]
    pub sub_sku: String,
    #[serde(deserialize_with = "de::id")]
    pub product_id: i64,
    #[serde(default, deserialize_with = "de::text")]
    pub product_name: String,
    #[serde(rename = "type", default = "other")]
    pub product_type: ProductType,
    #[serde(default, deserialize_with = "de::flag")]
    pub enable_stock: bool,
    #[serde(default, deserialize_with = "de::decimal")]
    pub sell_price_inc_tax: Decimal,
    #[serde(default)]
    pub variation_location_details: Vec<LocationDetail>,
}

fn other() -> ProductType {
    ProductType::Other
}

impl VariationRow {
    pub fn into_variation(self, location_id: i64) -> Variation {
        Variation {
            qty_available: qty_at(&self.variation_location_details, location_id),
            variation_id: self.variation_id,
            sub_sku: self.sub_sku,
            product_id: self.product_id,
            product_name: self.product_name,
            variation_name: self.variation_name,
            product_type: self.product_type,
            enable_stock: self.enable_stock,
            sell_price_inc_tax: self.sell_price_inc_tax,
        }
    }
}

/// A `/product` item. The variation id is `product_variations[].variations[].id`.
#[derive(Debug, Deserialize)]
pub(super) struct ProductRow {
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    #[serde(default, deserialize_with = "de::text")]
    pub sku: String,
    #[serde(rename = "type", default = "other")]
    pub product_type: ProductType,
    #[serde(default, deserialize_with = "de::flag")]
    pub enable_stock: bool,
    #[serde(default)]
    pub product_variations: Vec<ProductVariationRow>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ProductVariationRow {
    #[serde(default)]
    pub variations: Vec<ProductVariationItem>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ProductVariationItem {
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    #[serde(default, deserialize_with = "de::text")]
    pub sub_sku: String,
    #[serde(default, deserialize_with = "de::decimal")]
    pub sell_price_inc_tax: Decimal,
    #[serde(default)]
    pub variation_location_details: Vec<LocationDetail>,
}

impl ProductRow {
    pub fn into_product(self, location_id: i64) -> Product {
        let variations = self
            .product_variations
            .into_iter()
            .flat_map(|pv| pv.variations)
            .map(|v| Variation {
                qty_available: qty_at(&v.variation_location_details, location_id),
                variation_id: v.id,
                sub_sku: v.sub_sku,
                product_id: self.id,
                product_name: self.name.clone(),
                variation_name: v.name,
                product_type: self.product_type,
                enable_stock: self.enable_stock,
                sell_price_inc_tax: v.sell_price_inc_tax,
            })
            .collect();
        Product {
            id: self.id,
            name: self.name,
            sku: self.sku,
            product_type: self.product_type,
            enable_stock: self.enable_stock,
            variations,
        }
    }
}

/// `POST /oauth/token`'s answer (Passport). `expires_in` may be missing: then one hour.
#[derive(Debug, Deserialize)]
pub(super) struct TokenAnswer {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub expires_in: Option<i64>,
}

/// `DELETE /sell/{id}`'s `{success, msg}`.
#[derive(Debug, Deserialize)]
pub(super) struct DeleteAnswer {
    #[serde(default, deserialize_with = "de::flag")]
    pub success: bool,
    #[serde(default, deserialize_with = "de::text")]
    pub msg: String,
}

/// The message of a Connector error body: `{"error":{"message":…}}`, possibly inside a serialized
/// response's `original`.
pub(super) fn error_message(v: &Value) -> Option<String> {
    let err = v.get("original").unwrap_or(v).get("error")?;
    Some(match err.get("message") {
        Some(Value::String(m)) => m.clone(),
        Some(other) => other.to_string(),
        None => err.as_str().map_or_else(|| err.to_string(), str::to_owned),
    })
}

/// `POST /sell`: an HTTP 200 whose bare array holds, per sell, a transaction or an embedded error.
pub(super) fn parse_sell_results(body: &[u8]) -> Result<Vec<SellOutcome>, ProkipError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| ProkipError::Decode(format!("POST /sell: {e}")))?;
    let items = match v {
        Value::Array(items) => items,
        other => match error_message(&other) {
            Some(message) => return Ok(vec![SellOutcome::Rejected { message }]),
            None => {
                return Err(ProkipError::Decode(format!(
                    "POST /sell: expected an array, got {}",
                    excerpt(&other.to_string())
                )));
            }
        },
    };
    items
        .into_iter()
        .map(|item| {
            if item.get("original").is_some() || item.get("error").is_some() {
                let message = error_message(&item).unwrap_or_else(|| excerpt(&item.to_string()));
                return Ok(SellOutcome::Rejected { message });
            }
            serde_json::from_value::<Transaction>(item)
                .map(SellOutcome::Created)
                .map_err(|e| ProkipError::Decode(format!("POST /sell element: {e}")))
        })
        .collect()
}

/// At most 300 characters of a body, for errors and logs.
pub(super) fn excerpt(text: &str) -> String {
    match text.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}
