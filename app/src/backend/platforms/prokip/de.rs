//! Lenient readers for the Connector's JSON: decimals arrive as strings (`"20.0000"`), numbers or
//! null; flags as 0/1, `"1"` or booleans; ids as numbers or numeric strings.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, de::Error};
use serde_json::Value;
use std::str::FromStr;

fn decimal_of(v: &Value) -> Result<Option<Decimal>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => Decimal::from_str(s.trim()).map(Some).map_err(|e| format!("bad decimal {s:?}: {e}")),
        Value::Number(n) => {
            let s = n.to_string();
            Decimal::from_str(&s)
                .or_else(|_| Decimal::from_scientific(&s))
                .map(Some)
                .map_err(|e| format!("bad decimal {s}: {e}"))
        }
        other => Err(format!("expected a decimal, got {other}")),
    }
}

/// A decimal; null or missing reads as 0.
pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let v = Value::deserialize(d)?;
    decimal_of(&v).map(Option::unwrap_or_default).map_err(D::Error::custom)
}

/// `1`, `"1"`, `true` → true; `0`, `"0"`, `false`, null → false.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !matches!(s.trim(), "" | "0" | "false"),
        _ => false,
    })
}

fn id_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    id_of(&v).ok_or_else(|| D::Error::custom(format!("expected an id, got {v}")))
}

pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(id_of(&Value::deserialize(d)?))
}

/// A string, a number shown as a string, or null → empty.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}
