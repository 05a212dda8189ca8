//! Inbound webhooks: verified deliveries are stored durably in `webhook_events` (deduplicated)
//! before we answer, so nothing accepted is ever lost; jobs process them afterwards.

pub mod shopify;
pub mod woocommerce;

use sea_orm::{ConnectionTrait, DbErr, Statement};

pub struct Event<'a> {
    pub connection_id: i64,
    pub platform: &'static str,
    pub topic: &'a str,
    /// Unique per connection: a repeated delivery of the same event is ignored.
    pub dedupe_key: String,
    pub event_id: Option<&'a str>,
    pub payload: serde_json::Value,
}

/// Stores the event; `false` when it was a duplicate.
pub async fn store<C: ConnectionTrait>(db: &C, e: Event<'_>) -> Result<bool, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO webhook_events (connection_id, platform, topic, dedupe_key, event_id, payload)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (connection_id, dedupe_key) DO NOTHING",
        [
            e.connection_id.into(),
            e.platform.into(),
            e.topic.into(),
            e.dedupe_key.into(),
            e.event_id.map(str::to_owned).into(),
            e.payload.into(),
        ],
    );
    let inserted = db.execute_raw(stmt).await?.rows_affected() == 1;
    crate::backend::db::connections::touch_webhook(db, e.connection_id).await?;
    Ok(inserted)
}
