//! Typed results of Shopify calls. Orders use the REST JSON shape that `orders/*` webhooks carry, so
//! back-fill and webhooks feed the same code.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shop {
    pub id: String,
    pub name: String,
    pub currency_code: String,
    pub myshopify_domain: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: String,
    pub name: String,
    pub is_active: bool,
}

/// A product variant with what matching and stock pushes need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub id: String,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub title: String,
    pub price: Option<Decimal>,
    pub product_id: String,
    pub product_title: String,
    pub inventory_item_id: String,
    pub tracked: bool,
}

/// One page of a connection; `next_cursor` is `None` on the last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// A product to create with its variants stocked at one location.
#[derive(Debug, Clone)]
pub struct NewProduct {
    pub title: String,
    /// The option the variants differ by (e.g. "Size"); `None` for a single-variant product.
    pub option_name: Option<String>,
    pub variants: Vec<NewVariant>,
}

#[derive(Debug, Clone)]
pub struct NewVariant {
    pub sku: String,
    /// The option value (e.g. "M"); ignored for a single-variant product.
    pub option_value: String,
    pub price: Decimal,
    pub available: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSubscription {
    pub id: String,
    /// REST spelling, e.g. `orders/create`.
    pub topic: String,
    pub uri: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinancialStatus {
    Pending,
    Authorized,
    PartiallyPaid,
    Paid,
    PartiallyRefunded,
    Refunded,
    Voided,
    Expired,
    #[serde(other)]
    Unknown,
}

impl FinancialStatus {
    /// Shopify's REST spelling, e.g. `partially_refunded`.
    pub fn as_str(self) -> &'static str {
        match self {
            FinancialStatus::Pending => "pending",
            FinancialStatus::Authorized => "authorized",
            FinancialStatus::PartiallyPaid => "partially_paid",
            FinancialStatus::Paid => "paid",
            FinancialStatus::PartiallyRefunded => "partially_refunded",
            FinancialStatus::Refunded => "refunded",
            FinancialStatus::Voided => "voided",
            FinancialStatus::Expired => "expired",
            FinancialStatus::Unknown => "unknown",
        }
    }
}

/// An order as `orders/*` webhooks deliver it (fields we use).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: i64,
    #[serde(default)]
    pub admin_graphql_api_id: String,
    pub name: String,
    pub financial_status: Option<FinancialStatus>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Whether line and shipping prices include tax; absent reads as included.
    #[serde(default)]
    pub taxes_included: Option<bool>,
    /// Every discount of the order (line and order level), already off nothing in `price`.
    #[serde(default)]
    pub total_discounts: Option<Decimal>,
    #[serde(default)]
    pub total_shipping_price_set: Option<PriceSet>,
    #[serde(default)]
    pub shipping_lines: Vec<ShippingLine>,
    pub line_items: Vec<LineItem>,
    #[serde(default)]
    pub refunds: Vec<Refund>,
    /// Who bought (REST only; the pull's orders carry no customer).
    #[serde(default)]
    pub customer: Option<Customer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

/// A REST money bag; only the shop currency is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceSet {
    pub shop_money: ShopMoney,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopMoney {
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingLine {
    pub price: Decimal,
    #[serde(default)]
    pub tax_lines: Vec<TaxLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxLine {
    /// The tax amount of the line (not per unit).
    pub price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    pub id: i64,
    pub variant_id: Option<i64>,
    pub product_id: Option<i64>,
    pub sku: Option<String>,
    pub quantity: i64,
    pub price: Decimal,
    #[serde(default)]
    pub tax_lines: Vec<TaxLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub id: i64,
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub refund_line_items: Vec<RefundLineItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundLineItem {
    pub line_item_id: i64,
    pub quantity: i64,
    /// `return`, `cancel`, `no_restock` or `legacy_restock`.
    pub restock_type: Option<String>,
}

/// The number at the end of a global id: `gid://shopify/Order/123` → 123.
pub fn gid_number(gid: &str) -> Option<i64> {
    gid.rsplit('/').next()?.split('?').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_order_json_parses_with_string_or_number_prices() {
        let body = r##"{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508",
            "name":"#1001","financial_status":"paid","cancelled_at":null,"created_at":"2026-01-10T10:00:00-05:00",
            "updated_at":"2026-01-10T10:00:05-05:00","currency":"KES","fulfillment_status":null,
            "line_items":[{"id":1,"variant_id":2,"product_id":3,"sku":"AS0001","quantity":2,"price":"49.00"},
                          {"id":4,"variant_id":null,"product_id":null,"sku":null,"quantity":1,"price":3}],
            "refunds":[{"id":9,"created_at":"2026-01-11T00:00:00Z","refund_line_items":[{"line_item_id":1,"quantity":1,"restock_type":"return"}]}]}"##;
        let o: Order = serde_json::from_str(body).unwrap();
        assert_eq!(o.financial_status, Some(FinancialStatus::Paid));
        assert_eq!(o.line_items[0].price, Decimal::new(4900, 2));
        assert_eq!(o.line_items[1].price, Decimal::from(3));
        assert_eq!(o.updated_at.to_rfc3339(), "2026-01-10T15:00:05+00:00");
        assert_eq!(o.refunds[0].refund_line_items[0].quantity, 1);
        assert_eq!(gid_number("gid://shopify/LineItem/77"), Some(77));
        assert_eq!(gid_number("gid://shopify/InventoryItem/5?inventory_item_id=5"), Some(5));
    }
}
