//! Shopify deliveries: signed with the app's client secret (base64 HMAC of the raw body). Order,
//! refund and product events are stored for the jobs; `app/uninstalled` and the mandatory
//! compliance topics are handled here.

pub use super::Rejected;
use super::{Event, Payload, intake};
use crate::{
    backend::{db::connections, platforms::shopify::verify_webhook, state::AppState},
    model::Platform,
};
use sea_orm::{ConnectionTrait, Statement};

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Stored,
    Duplicate,
    Uninstalled,
    Redacted,
    /// A shop we hold nothing for (never connected, or disconnected): acknowledged.
    Ignored,
}

pub struct Delivery<'a> {
    pub hmac: Option<&'a str>,
    pub topic: Option<&'a str>,
    pub shop: Option<&'a str>,
    pub webhook_id: Option<&'a str>,
    pub event_id: Option<&'a str>,
    pub body: &'a [u8],
}

pub async fn receive(state: &AppState, d: Delivery<'_>) -> Result<Outcome, Rejected> {
    let hmac = d.hmac.ok_or(Rejected::BadSignature)?;
    if !verify_webhook(d.body, hmac, std::slice::from_ref(&state.config.platforms.shopify_client_secret)) {
        return Err(Rejected::BadSignature);
    }
    let topic = d.topic.unwrap_or("unknown");
    if !matches!(topic, "app/uninstalled" | "customers/redact" | "shop/redact" | "customers/data_request") {
        return store(state, &d, topic).await;
    }
    let payload: serde_json::Value = serde_json::from_slice(d.body).map_err(|_| Rejected::BadBody)?;
    let shop = d.shop.or_else(|| payload.get("shop_domain").and_then(|v| v.as_str())).unwrap_or("");
    let Some(conn) = connections::by_store(&state.db, Platform::Shopify, shop).await? else {
        tracing::info!(topic, shop, "Shopify webhook for a shop we hold nothing for");
        return Ok(Outcome::Ignored);
    };
    match topic {
        "app/uninstalled" => {
            connections::mark_uninstalled(&state.db, conn.id).await?;
            tracing::info!(connection_id = conn.id, "Shopify app uninstalled: credentials purged");
            Ok(Outcome::Uninstalled)
        }
        "customers/redact" => {
            let orders: Vec<String> = payload["orders_to_redact"]
                .as_array()
                .map(|a| a.iter().map(|v| v.to_string()).collect())
                .unwrap_or_default();
            redact(state, conn.id, Some(&orders)).await?;
            Ok(Outcome::Redacted)
        }
        "shop/redact" => {
            redact(state, conn.id, None).await?;
            Ok(Outcome::Redacted)
        }
        _ => {
            record_data_request(state, conn.account_id, &payload).await?;
            Ok(Outcome::Redacted)
        }
    }
}

/// Orders, refunds, products: stored as delivered for the jobs. The shop is looked up in the
/// statement that stores the row.
async fn store(state: &AppState, d: &Delivery<'_>, topic: &str) -> Result<Outcome, Rejected> {
    let payload = Payload::checked(d.body)?;
    let shop = match d.shop {
        Some(shop) => shop.to_owned(),
        None => {
            let payload: serde_json::Value = serde_json::from_slice(d.body).map_err(|_| Rejected::BadBody)?;
            payload.get("shop_domain").and_then(|v| v.as_str()).unwrap_or("").to_owned()
        }
    };
    let event = Event {
        target: intake::Target::Store(shop.clone()),
        platform: Platform::Shopify,
        topic,
        // The delivery id is Shopify's idempotency key; without one, the body itself is.
        dedupe_key: d.webhook_id.map(str::to_owned).unwrap_or_else(|| body_digest(d.body)),
        event_id: d.event_id,
        payload,
    };
    match super::store(state, event).await? {
        intake::Stored::New(_) => Ok(Outcome::Stored),
        intake::Stored::Duplicate => Ok(Outcome::Duplicate),
        intake::Stored::NoConnection => {
            tracing::info!(topic, shop, "Shopify webhook for a shop we hold nothing for");
            Ok(Outcome::Ignored)
        }
    }
}

fn body_digest(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("sha256:{:x}", Sha256::digest(body))
}

/// Customer data lives only in stored webhook payloads: blank them (for some orders, or all).
async fn redact(state: &AppState, connection_id: i64, orders: Option<&[String]>) -> Result<(), sea_orm::DbErr> {
    let db = &state.db;
    let redacted = serde_json::json!({ "redacted": true });
    let stmt = match orders {
        Some(ids) => Statement::from_sql_and_values(
            db.get_database_backend(),
            "UPDATE webhook_events SET payload = $1 WHERE connection_id = $2 AND payload->>'id' = ANY($3)",
            [redacted.into(), connection_id.into(), ids.to_vec().into()],
        ),
        None => Statement::from_sql_and_values(
            db.get_database_backend(),
            "UPDATE webhook_events SET payload = $1 WHERE connection_id = $2",
            [redacted.into(), connection_id.into()],
        ),
    };
    db.execute_raw(stmt).await?;
    tracing::info!(connection_id, "customer data redacted");
    Ok(())
}

async fn record_data_request(
    state: &AppState,
    account_id: i64,
    payload: &serde_json::Value,
) -> Result<(), sea_orm::DbErr> {
    let orders = payload["orders_requested"].to_string();
    let detail =
        format!("Shopify asked for the data we hold on a customer. We keep only order payloads for orders {orders}.");
    state
        .db
        .execute_raw(Statement::from_sql_and_values(
            state.db.get_database_backend(),
            "INSERT INTO activity (account_id, kind, subject, status, detail) VALUES ($1, 'compliance', 'customers/data_request', 'info', $2)",
            [account_id.into(), detail.into()],
        ))
        .await
        .map(|_| ())
}
