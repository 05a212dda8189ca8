//! Lenient field parsers for WooCommerce JSON, which is loose about types: money as a string or
//! a number, `manage_stock` as `true` or `"parent"`, empty strings for "none", ids of 0 for "none".

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, de::Error};
use serde_json::Value;
use std::str::FromStr;

/// Money: `"49.00"` or `49` or `49.5` → exact decimal (numbers go through their shortest text form).
pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    opt_decimal(d)?.ok_or_else(|| D::Error::custom("expected an amount, found nothing"))
}

/// Money that may be absent: `null` and `""` → `None`.
pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => parse_decimal(s.trim()).map(Some).map_err(D::Error::custom),
        Value::Number(n) => parse_decimal(&n.to_string()).map(Some).map_err(D::Error::custom),
        other => Err(D::Error::custom(format!("expected an amount, found {other}"))),
    }
}

pub fn parse_decimal(s: &str) -> Result<Decimal, String> {
    Decimal::from_str(s).or_else(|_| Decimal::from_scientific(s)).map_err(|_| format!("\"{s}\" is not an amount"))
}

/// A whole number sent as `5`, `5.0` or `"5"`.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    opt_int(d)?.ok_or_else(|| D::Error::custom("expected a number, found nothing"))
}

/// A whole number that may be `null` or `""`.
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let text = match Value::deserialize(d)? {
        Value::Null => return Ok(None),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        other => return Err(D::Error::custom(format!("expected a number, found {other}"))),
    };
    let value = parse_decimal(&text).map_err(D::Error::custom)?;
    if !value.fract().is_zero() {
        return Err(D::Error::custom(format!("expected a whole number, found {text}")));
    }
    i64::try_from(value).map(Some).map_err(|_| D::Error::custom(format!("{text} is out of range")))
}

/// An id where `0` or `null` means "none" (e.g. `variation_id` of a simple product's line).
pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(opt_int(d)?.and_then(|n| u64::try_from(n).ok()).filter(|n| *n != 0))
}

/// Text where `null` and `""` mean "none".
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

/// Text sent as a string or a number (`"number"` of an order, `user_id` of a key grant).
pub fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Null => Ok(String::new()),
        other => Err(D::Error::custom(format!("expected text, found {other}"))),
    }
}

/// `manage_stock`: `true`/`false`, or `"parent"` for a variation whose stock lives on its parent
/// (→ `false`: no stock is tracked on this object).
pub fn manage_stock<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::String(s) => matches!(s.as_str(), "yes" | "true" | "1"),
        _ => false,
    })
}

/// A WordPress date: `2026-11-26T10:00:00` (no offset) or RFC 3339; `null`/`""` → `None`.
pub fn opt_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
    let Some(s) = opt_text(d)? else { return Ok(None) };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&s) {
        return Ok(Some(t.naive_utc()));
    }
    NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f")
        .map(Some)
        .map_err(|_| D::Error::custom(format!("\"{s}\" is not a date")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Money {
        #[serde(deserialize_with = "decimal")]
        price: Decimal,
    }

    fn price(json: &str) -> Result<Decimal, serde_json::Error> {
        serde_json::from_str::<Money>(json).map(|m| m.price)
    }

    #[test]
    fn price_as_number_or_string_is_exact() {
        assert_eq!(price(r#"{"price": 49}"#).unwrap(), Decimal::new(49, 0));
        assert_eq!(price(r#"{"price": "49.00"}"#).unwrap(), Decimal::new(4900, 2));
        assert_eq!(price(r#"{"price": 19.99}"#).unwrap(), Decimal::new(1999, 2));
        assert_eq!(price(r#"{"price": 0.1}"#).unwrap().to_string(), "0.1");
        assert!(price(r#"{"price": "abc"}"#).is_err());
        assert!(price(r#"{"price": null}"#).is_err());
    }

    #[derive(Deserialize)]
    struct Stock {
        #[serde(deserialize_with = "manage_stock")]
        manage_stock: bool,
        #[serde(deserialize_with = "opt_int")]
        stock_quantity: Option<i64>,
        #[serde(deserialize_with = "opt_id")]
        variation_id: Option<u64>,
    }

    #[test]
    fn stock_fields_accept_woocommerce_variants() {
        let s: Stock =
            serde_json::from_str(r#"{"manage_stock":"parent","stock_quantity":null,"variation_id":0}"#).unwrap();
        assert!(!s.manage_stock);
        assert_eq!(s.stock_quantity, None);
        assert_eq!(s.variation_id, None);
        let s: Stock = serde_json::from_str(r#"{"manage_stock":true,"stock_quantity":"7","variation_id":12}"#).unwrap();
        assert!(s.manage_stock);
        assert_eq!(s.stock_quantity, Some(7));
        assert_eq!(s.variation_id, Some(12));
        assert!(
            serde_json::from_str::<Stock>(r#"{"manage_stock":true,"stock_quantity":1.5,"variation_id":0}"#).is_err()
        );
    }
}
