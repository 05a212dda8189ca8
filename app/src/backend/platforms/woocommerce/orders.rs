//! Orders: the typed order (as `GET /orders/{id}` and `order.*` webhooks send it), the paged
//! "modified since" query used to catch up on missed webhooks, and an order's refunds with their
//! lines (`GET /orders/{id}/refunds`; the order itself lists refunds without lines).

use super::{WooClient, WooError, de};
use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

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
    /// Shipping before tax, and its tax.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub shipping_total: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub shipping_tax: Option<Decimal>,
    /// Coupons, before tax; already taken off the lines' `total`.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub discount_total: Option<Decimal>,
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
    /// The line after discounts, before tax, and its tax.
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub total: Option<Decimal>,
    #[serde(default, deserialize_with = "de::opt_decimal")]
    pub total_tax: Option<Decimal>,
    #[serde(default)]
    pub meta_data: Vec<Meta>,
}

/// One `meta_data` entry; WooCommerce's own keys start with `_`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Meta {
    pub key: String,
    #[serde(default)]
    pub value: serde_json::Value,
}

fn meta_int(meta: &[Meta], key: &str) -> Option<i64> {
    meta.iter().find(|m| m.key == key).and_then(|m| match &m.value {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

impl LineItem {
    /// How many of this line's refunded items WooCommerce put back in stock, over all refunds
    /// (its `_restock_refunded_items` meta).
    pub fn restocked_refunds(&self) -> i64 {
        meta_int(&self.meta_data, "_restock_refunded_items").unwrap_or(0)
    }
}

/// A refund as `GET /orders/{id}/refunds` returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderRefund {
    pub id: u64,
    #[serde(default)]
    pub line_items: Vec<RefundItem>,
}

/// A refunded line: its own item id, the product, and a negative quantity.
#[derive(Debug, Clone, Deserialize)]
pub struct RefundItem {
    pub id: u64,
    #[serde(default)]
    pub product_id: u64,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub variation_id: Option<u64>,
    #[serde(deserialize_with = "de::int")]
    pub quantity: i64,
    #[serde(default)]
    pub meta_data: Vec<Meta>,
}

impl RefundItem {
    /// The order line refunded (`_refunded_item_id`), when WooCommerce says.
    pub fn refunded_item_id(&self) -> Option<u64> {
        meta_int(&self.meta_data, "_refunded_item_id").and_then(|id| u64::try_from(id).ok())
    }

    /// Items refunded, as a positive count.
    pub fn refunded_quantity(&self) -> i64 {
        self.quantity.abs()
    }
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
    #[serde(default, deserialize_with = "de::opt_text")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    pub last_name: Option<String>,
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
        Ok(self.pull_orders_modified_since(since).await?.into_iter().map(|(order, _)| order).collect())
    }

    /// [`Self::orders_modified_since`], each order typed and with the JSON the store sent (the
    /// same JSON an `order.updated` webhook carries).
    pub async fn pull_orders_modified_since(&self, since: DateTime<Utc>) -> Result<Vec<(Order, Value)>, WooError> {
        let query = [
            ("modified_after", since.format("%Y-%m-%dT%H:%M:%S").to_string()),
            ("dates_are_gmt", "true".to_owned()),
            ("status", "any".to_owned()),
        ];
        let orders: Vec<Value> = self.get_all("/orders", &query).await?;
        orders
            .into_iter()
            .map(|json| {
                let order =
                    Order::deserialize(&json).map_err(|e| WooError::Malformed { what: format!("order: {e}") })?;
                Ok((order, json))
            })
            .collect()
    }

    /// The order's refunds with their lines, all pages.
    pub async fn order_refunds(&self, order_id: u64) -> Result<Vec<OrderRefund>, WooError> {
        self.get_all(&format!("/orders/{order_id}/refunds"), &[]).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_reference_webhook_body_with_a_numeric_price() {
        let body =
            br#"{"id":727,"status":"processing","line_items":[{"id":315,"sku":"AS0001","quantity":2,"price":49}]}"#;
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
    fn a_refund_line_names_its_order_line_and_a_line_its_restocked_refunds() {
        let body =
            br#"[{"id":30,"amount":"20.00","line_items":[{"id":31,"product_id":40,"variation_id":0,"quantity":-2,
            "refund_total":20,"meta_data":[{"id":1,"key":"_refunded_item_id","value":"12"}]}]}]"#;
        let refunds: Vec<OrderRefund> = serde_json::from_slice(body).unwrap();
        let item = &refunds[0].line_items[0];
        assert_eq!((item.refunded_item_id(), item.refunded_quantity(), item.variation_id), (Some(12), 2, None));
        let order = br#"{"id":1,"line_items":[{"id":12,"quantity":3,"meta_data":[{"key":"_reduced_stock","value":"3"},
            {"key":"_restock_refunded_items","value":"2"}]},{"id":13,"quantity":1}]}"#;
        let o = Order::from_json(order).unwrap();
        assert_eq!((o.line_items[0].restocked_refunds(), o.line_items[1].restocked_refunds()), (2, 0));
    }

    #[test]
    fn a_deleted_payload_parses_to_just_the_id() {
        let o = Order::from_json(br#"{"id":727}"#).unwrap();
        assert_eq!((o.id, o.line_items.len()), (727, 0));
        assert!(Order::from_json(b"webhook_id=3").is_err());
    }
}
