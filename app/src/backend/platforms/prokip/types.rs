//! The Prokip client's public types: credentials and tokens, what it reads (user, locations,
//! variations, products, contacts, sells) and what it writes (new sells, returns).

use super::de;
use crate::backend::secret::Secret;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize, Serializer};

/// The OAuth password-grant client Prokip issues to the integration (Connector > Clients).
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub client_id: String,
    pub client_secret: Secret,
}

/// A merchant's Passport tokens; persist them (refreshes replace them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    pub access: Secret,
    pub refresh: Option<Secret>,
    pub expires_at: DateTime<Utc>,
}

/// `GET /user/loggedin`: the token's user and, through it, the business everything is scoped to.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoggedInUser {
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    #[serde(default, deserialize_with = "de::text")]
    pub username: String,
    #[serde(default, deserialize_with = "de::text")]
    pub first_name: String,
    #[serde(deserialize_with = "de::id")]
    pub business_id: i64,
}

/// A business location. `id` is what every call takes; `location_code` (the API's `location_id`)
/// is a free-text code, often null.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BusinessLocation {
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    #[serde(default, rename = "location_id")]
    pub location_code: Option<String>,
    #[serde(default = "yes", deserialize_with = "de::flag")]
    pub is_active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductType {
    Single,
    Variable,
    Combo,
    #[serde(other)]
    Other,
}

/// One sellable variation (the unit stores map SKUs to), with its stock at the location asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Variation {
    pub variation_id: i64,
    /// The variation's SKU; match store SKUs against this, exactly.
    pub sub_sku: String,
    pub product_id: i64,
    pub product_name: String,
    pub variation_name: String,
    pub product_type: ProductType,
    pub enable_stock: bool,
    /// At the location asked for; no stock row there reads as 0.
    pub qty_available: Decimal,
    pub sell_price_inc_tax: Decimal,
}

/// A product from `GET /product` with its variations flattened.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub sku: String,
    pub product_type: ProductType,
    pub enable_stock: bool,
    pub variations: Vec<Variation>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Contact {
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    #[serde(default, rename = "type", deserialize_with = "de::text")]
    pub contact_type: String,
    #[serde(default, deserialize_with = "de::flag")]
    pub is_default: bool,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SellStatus {
    /// Decrements stock.
    Final,
    /// Reserves nothing.
    Draft,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscountType {
    #[default]
    Fixed,
    Percentage,
}

/// A sale to create with `POST /sell`. Send tax-inclusive `unit_price`s (no tax rate), shipping in
/// `shipping_charges` and the order discount as a fixed `discount_amount`, so Prokip's recomputed
/// `final_total` matches the store order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewSell {
    pub location_id: i64,
    pub contact_id: i64,
    /// In the business's time zone; sent as `Y-m-d H:i:s`.
    #[serde(serialize_with = "datetime")]
    pub transaction_date: NaiveDateTime,
    /// Our own idempotency key (e.g. `SHOPIFY-1001`): Prokip uses it as given.
    pub invoice_no: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub status: SellStatus,
    pub discount_type: DiscountType,
    pub discount_amount: Decimal,
    pub shipping_charges: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sale_note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_note: Option<String>,
    pub products: Vec<SellProduct>,
    pub payments: Vec<SellPayment>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SellProduct {
    pub product_id: i64,
    pub variation_id: i64,
    pub quantity: Decimal,
    /// Tax-inclusive unit price (Prokip adds tax only when a tax rate is sent, and we send none).
    pub unit_price: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SellPayment {
    pub amount: Decimal,
    /// A key of `/payment-methods` (`cash`, `card`, `custom_pay_1`, …).
    pub method: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A sell (or return) transaction as Prokip answers it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Transaction {
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    #[serde(default)]
    pub invoice_no: Option<String>,
    #[serde(default, deserialize_with = "de::decimal")]
    pub final_total: Decimal,
    #[serde(default)]
    pub payment_status: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub location_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub contact_id: Option<i64>,
    #[serde(default)]
    pub transaction_date: Option<String>,
    /// Only in `GET /sell` answers; keep the line ids, returns need them.
    #[serde(default)]
    pub sell_lines: Vec<SellLine>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SellLine {
    #[serde(deserialize_with = "de::id")]
    pub id: i64,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub product_id: Option<i64>,
    #[serde(deserialize_with = "de::id")]
    pub variation_id: i64,
    #[serde(deserialize_with = "de::decimal")]
    pub quantity: Decimal,
    #[serde(default, deserialize_with = "de::decimal")]
    pub quantity_returned: Decimal,
    #[serde(default, deserialize_with = "de::decimal")]
    pub unit_price_inc_tax: Decimal,
}

/// One element of `POST /sell`'s answer: HTTP 200 either way.
#[derive(Debug, Clone, PartialEq)]
pub enum SellOutcome {
    Created(Transaction),
    Rejected { message: String },
}

/// A line of `POST /sell-return`. `quantity` is the line's TOTAL returned quantity after this
/// return (Prokip sets `quantity_returned`; it does not add to it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReturnLine {
    pub sell_line_id: i64,
    pub quantity: Decimal,
    pub unit_price_inc_tax: Decimal,
}

/// `Y-m-d H:i:s`, the only date-time format Prokip parses.
pub fn format_datetime(dt: NaiveDateTime) -> String {
    dt.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `Y-m-d`, for the date-only list filters.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn datetime<S: Serializer>(dt: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_datetime(*dt))
}
