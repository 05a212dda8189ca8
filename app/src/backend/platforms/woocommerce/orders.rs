//! Orders: the typed order (as `GET /orders/{id}` and `order.*` webhooks send it) and the paged
//! "modified since" query used to catch up on missed webhooks.

use super::{WooClient, WooError, de};
use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Order {
    pub id: u64,
    #[serde(default, deserialize_with = "de::text_or_number")]
    pub number: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub date_created_gmt: Option<NaiveDateTime>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub date_modified_gmt: Option<NaiveDateTime>,
    /// In the site's time zone, as WooCommerce sends it.
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub date_paid: Option<NaiveDateTime>,
    #[serde(default, deserialize_with = "de::opt_datetime")]
    pub date_paid_gmt: Option<NaiveDateTime>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub total: Option<Decimal>,
    #[serde(default)]
    pub line_items: Vec<LineItem>,
    #[serde(default)]
    pub refunds: Vec<Refund>,
    #[serde(default)]
    pub billing: Billing,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LineItem {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub product_id: u64,
    /// `None` for a simple product (WooCommerce sends 0).
    #[serde(default, deserialize_with = "de::opt_id")]
    pub variation_id: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub sku: Option<String>,
    #[serde(deserialize_with = "de::int")]
    pub quantity: i64,
    /// Unit price; documented as a string but sent as a number.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub price: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub total: Option<Decimal>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    pub id: u64,
    /// Negative, e.g. `-10.00`.
    #[serde(deserialize_with = "de::decimal")]
    pub total: Decimal,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Billing {
    #[serde(default, deserialize_with = "de::opt_text")]
    pub email: Option<String>,
}

/// WooCommerce's default paid statuses (`wc_get_is_paid_statuses()`); plugins may add more.
pub fn is_paid_status(status: &str) -> bool {
    matches!(status, "processing" | "completed")
}

impl Order {
    /// Parses an order as an `order.created`/`order.updated` webhook body carries it.
    pub fn from_json(body: &[u8]) -> Result<Order, WooError> {
        serde_json::from_slice(body).map_err(|e| WooError::Malformed { what: format!("order: {e}") })
    }

    pub fn billing_email(&self) -> Option<&str> {
        self.billing.email.as_deref()
    }

    pub fn is_paid(&self) -> bool {
        is_paid_status(&self.status)
    }
}

impl WooClient {
    /// Orders of any status modified after `since` (UTC), all pages.
    pub async fn orders_modified_since(&self, since: DateTime<Utc>) -> Result<Vec<Order>, WooError> {
        let query = [
            ("modified_after", since.format("%Y-%m-%dT%H:%M:%S").to_string()),
            ("dates_are_gmt", "true".to_owned()),
            ("status", "any".to_owned()),
        ];
        self.get_all("/orders", &query).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_reference_webhook_body_with_a_numeric_price() {
        let body = br#"{"id":727,"status":"processing","line_items":[{"id":315,"sku":"AS0001","quantity":2,"price":49}]}"#;
        let o = Order::from_json(body).unwrap();
        assert_eq!(o.id, 727);
        assert!(o.is_paid());
        let line = &o.line_items[0];
        assert_eq!((line.sku.as_deref(), line.quantity, line.price), (Some("AS0001"), 2, Some(Decimal::new(49, 0))));
        assert_eq!(line.variation_id, None);
    }

    #[test]
    fn parses_documented_string_prices_dates_refunds_and_email() {
        let body = br#"{"id":1,"number":"1","status":"refunded","currency":"KES","total":"29.35",
            "date_modified_gmt":"2026-11-26T10:00:00","date_paid":null,"date_paid_gmt":"",
            "line_items":[{"id":2,"product_id":40,"variation_id":45,"sku":"H-M","quantity":1,"price":"29.35","total":"29.35"}],
            "refunds":[{"id":9,"reason":"","total":"-10.00"}],"billing":{"email":"a@b.example"}}"#;
        let o = Order::from_json(body).unwrap();
        assert_eq!(o.total, Some(Decimal::new(2935, 2)));
        assert_eq!(o.line_items[0].variation_id, Some(45));
        assert_eq!(o.refunds[0].total, Decimal::new(-1000, 2));
        assert_eq!(o.billing_email(), Some("a@b.example"));
        assert_eq!(o.date_paid, None);
        assert_eq!(o.date_modified_gmt.unwrap().to_string(), "2026-11-26 10:00:00");
        assert!(!o.is_paid());
    }

    #[test]
    fn a_deleted_payload_parses_to_just_the_id() {
        let o = Order::from_json(br#"{"id":727}"#).unwrap();
        assert_eq!((o.id, o.line_items.len()), (727, 0));
        assert!(Order::from_json(b"webhook_id=3").is_err());
    }
}
