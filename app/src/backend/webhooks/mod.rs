//! Inbound webhooks: verified deliveries are stored durably in `webhook_events` (deduplicated)
//! before we answer, so nothing accepted is ever lost; jobs process them afterwards.

pub mod shopify;
pub mod woocommerce;

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// How long a delivery may wait for the database before it is answered 503: less than the
/// platforms wait for an answer (Shopify 5 s), so during an outage they see "try again" at once
/// instead of a timeout (the pool would wait its whole acquire timeout for a connection).
pub const DATABASE_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

/// Receiving a delivery, bounded by [`DATABASE_PATIENCE`]. A receive cut short stored nothing
/// that counts: the platform re-delivers and the dedupe key absorbs a row that did commit.
pub async fn patiently<T>(receive: impl Future<Output = Result<T, Rejected>>) -> Result<T, Rejected> {
    match tokio::time::timeout(DATABASE_PATIENCE, receive).await {
        Ok(result) => result,
        Err(_) => Err(Rejected::Unavailable(DbErr::Custom("the database did not answer in time".into()))),
    }
}

/// Why a delivery was refused; the route maps each to the status the platform expects.
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

pub struct Event<'a> {
    pub connection_id: i64,
    pub platform: &'static str,
    pub topic: &'a str,
    /// Unique per connection: a repeated delivery of the same event is ignored.
    pub dedupe_key: String,
    pub event_id: Option<&'a str>,
    pub payload: serde_json::Value,
}

/// Stores the event and enqueues its processing; `false` when it was a duplicate. An event whose
/// enqueue fails stays stored and is picked up by the sweeper.
pub async fn store(state: &crate::backend::state::AppState, mut e: Event<'_>) -> Result<bool, DbErr> {
    let db = &state.db;
    without_nul(&mut e.payload);
    let dedupe_key = e.dedupe_key.replace('\0', "\u{fffd}");
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO webhook_events (connection_id, platform, topic, dedupe_key, event_id, payload)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (connection_id, dedupe_key) DO NOTHING RETURNING id",
        [
            e.connection_id.into(),
            e.platform.into(),
            e.topic.into(),
            dedupe_key.into(),
            e.event_id.map(str::to_owned).into(),
            e.payload.into(),
        ],
    );
    let inserted = db.query_one_raw(stmt).await?.map(|row| row.try_get_by_index::<i64>(0)).transpose()?;
    crate::backend::db::connections::touch_webhook(db, e.connection_id).await?;
    if let Some(id) = inserted {
        match state.queues.process_webhook(id).await {
            Ok(()) => mark_enqueued(db, id).await?,
            Err(err) => tracing::warn!(event_id = id, error = %err, "stored webhook not enqueued; the sweeper will"),
        }
    }
    Ok(inserted.is_some())
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

async fn mark_enqueued<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE webhook_events SET enqueued_at = now() WHERE id = $1",
        [id.into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
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
