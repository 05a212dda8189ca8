//! Inbound webhooks: verified deliveries are stored durably in `webhook_events` (deduplicated)
//! before we answer, so nothing accepted is ever lost; jobs process them afterwards.

pub mod intake;
pub mod shopify;
pub mod woocommerce;

use crate::backend::{
    error::{Kind, ServerError},
    metrics,
};
use sea_orm::DbErr;

/// How long a delivery may wait for the database before it is answered 503: less than the
/// platforms wait for an answer (Shopify 5 s), so during an outage they see "try again" at once
/// instead of a timeout (the pool would wait its whole acquire timeout for a connection).
pub const DATABASE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

/// Receiving a delivery, bounded by [`DATABASE_PATIENCE`]. A receive cut short stored nothing
/// that counts: the platform re-delivers and the dedupe key absorbs a row that did commit.
async fn patiently<T>(receive: impl Future<Output = Result<T, Rejected>>) -> Result<T, Rejected> {
    match tokio::time::timeout(DATABASE_PATIENCE, receive).await {
        Ok(result) => result,
        Err(_) => Err(Rejected::Unavailable(DbErr::Custom("the database did not answer in time".into()))),
    }
}

/// Receives one delivery [`patiently`] and counts what became of it under its platform and
/// `topic` (one we know, or `other`: the topic header is not signed).
async fn counted<T>(
    platform: crate::model::Platform,
    topic: &'static str,
    receive: impl Future<Output = Result<T, Rejected>>,
    is_duplicate: impl Fn(&T) -> bool,
) -> Result<T, Rejected> {
    let result = patiently(receive).await;
    let delivery = match &result {
        Ok(outcome) if is_duplicate(outcome) => metrics::Delivery::Duplicate,
        Ok(_) => metrics::Delivery::Received,
        Err(Rejected::Unavailable(_)) => metrics::Delivery::Unavailable,
        Err(_) => metrics::Delivery::Rejected,
    };
    metrics::webhook(platform, topic, delivery);
    result
}

/// Why a delivery was refused; each has the status the platform expects (see the `From` below).
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    #[error("unknown connection")]
    UnknownConnection,
    #[error("missing or invalid signature")]
    BadSignature,
    #[error("body is not JSON")]
    BadBody,
    #[error("database unavailable")]
    Unavailable(#[from] DbErr),
}

/// 401 for a delivery we cannot attribute or verify, 400 for a body we cannot read, 503 (the
/// platform retries) while the database is unavailable.
impl From<Rejected> for ServerError {
    fn from(e: Rejected) -> Self {
        let kind = match e {
            Rejected::UnknownConnection | Rejected::BadSignature => Kind::Unauthorized,
            Rejected::BadBody => Kind::BadRequest,
            Rejected::Unavailable(_) => Kind::Unavailable,
        };
        ServerError::from_error(kind, e)
    }
}

pub struct Event<'a> {
    pub target: intake::Target,
    pub platform: crate::model::Platform,
    pub topic: &'a str,
    /// Unique per connection: a repeated delivery of the same event is ignored.
    pub dedupe_key: String,
    pub event_id: Option<&'a str>,
    pub payload: Payload<'a>,
}

/// A payload to store: a delivery's own text (checked to be JSON), or a value.
pub enum Payload<'a> {
    Json(&'a str),
    Value(serde_json::Value),
}

impl<'a> Payload<'a> {
    /// A delivery's body, checked to be JSON without building it: its text is what gets stored.
    pub fn checked(body: &'a [u8]) -> Result<Self, Rejected> {
        let text = std::str::from_utf8(body).map_err(|_| Rejected::BadBody)?;
        serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|_| Rejected::BadBody)?;
        Ok(Payload::Json(text))
    }

    /// The JSON text PostgreSQL can store: a delivery's text as it is unless it escapes U+0000.
    fn into_text(self) -> Result<String, Rejected> {
        let mut value = match self {
            Payload::Json(text) if !text.contains(r"\u0000") => return Ok(text.to_owned()),
            Payload::Json(text) => serde_json::from_str(text).map_err(|_| Rejected::BadBody)?,
            Payload::Value(v) => v,
        };
        without_nul(&mut value);
        Ok(value.to_string())
    }
}

/// Stores the event with its job (see [`intake`]).
pub async fn store(state: &crate::backend::state::AppState, e: Event<'_>) -> Result<intake::Stored, Rejected> {
    let row = intake::Row {
        target: e.target,
        platform: e.platform.as_str(),
        topic: e.topic.to_owned(),
        dedupe_key: e.dedupe_key.replace('\0', "\u{fffd}"),
        event_id: e.event_id.map(str::to_owned),
        payload: e.payload.into_text()?,
    };
    Ok(state.intake.store(row).await?)
}

/// PostgreSQL text and `jsonb` cannot hold U+0000, which JSON allows (`"\u0000"`): a signed
/// delivery carrying one (say in a customer note) is kept with U+FFFD in its place instead of
/// failing to store on every retry.
fn without_nul(v: &mut serde_json::Value) {
    use serde_json::Value;
    const NUL: char = '\0';
    match v {
        Value::String(s) if s.contains(NUL) => *s = s.replace(NUL, "\u{fffd}"),
        Value::Array(items) => items.iter_mut().for_each(without_nul),
        Value::Object(map) => {
            if map.keys().any(|k| k.contains(NUL)) {
                *map = std::mem::take(map).into_iter().map(|(k, v)| (k.replace(NUL, "\u{fffd}"), v)).collect();
            }
            map.values_mut().for_each(without_nul);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::without_nul;
    use serde_json::json;

    #[test]
    fn nul_characters_are_replaced_in_strings_and_keys_at_any_depth() {
        let mut v = json!({"note": "a\u{0}b", "lines": [{"sku": "\u{0}"}], "k\u{0}": 1, "n": 5});
        without_nul(&mut v);
        assert_eq!(v, json!({"note": "a\u{fffd}b", "lines": [{"sku": "\u{fffd}"}], "k\u{fffd}": 1, "n": 5}));
        assert!(!v.to_string().contains("\\u0000"));
    }
}
