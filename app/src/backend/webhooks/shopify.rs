//! Shopify deliveries: signed with the app's client secret (base64 HMAC of the raw body). Order,
//! refund and product events are stored for the jobs; `app/uninstalled` and the mandatory
//! compliance topics are handled here.

pub use super::Rejected;
use super::{Event, Payload, intake};
use crate::backend::{
    db::{
        activity::{self, About, NewActivity},
        connections, webhook_events,
    },
    platforms::shopify::{WebhookTopic, verify_webhook},
    state::AppState,
};
use crate::model::{ActivityKind, ActivityStatus, Platform};

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

/// Receives one delivery, bounded by [`super::DATABASE_PATIENCE`], and counts it.
pub async fn receive(state: &AppState, d: Delivery<'_>) -> Result<Outcome, Rejected> {
    let topic = topic_label(d.topic);
    super::counted(Platform::Shopify, topic, handle(state, d), |o| *o == Outcome::Duplicate).await
}

/// The topic as the metrics name it: one Shopify sends us, or `other`.
fn topic_label(topic: Option<&str>) -> &'static str {
    const COMPLIANCE: [&str; 3] = ["customers/redact", "shop/redact", "customers/data_request"];
    let Some(topic) = topic else { return "other" };
    WebhookTopic::parse(topic)
        .map(WebhookTopic::as_rest)
        .or_else(|| COMPLIANCE.into_iter().find(|c| *c == topic))
        .unwrap_or("other")
}

async fn handle(state: &AppState, d: Delivery<'_>) -> Result<Outcome, Rejected> {
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
            record_data_request(state, &conn, &payload).await?;
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
    webhook_events::redact(&state.db, connection_id, orders).await?;
    tracing::info!(connection_id, "customer data redacted");
    Ok(())
}

async fn record_data_request(
    state: &AppState,
    conn: &connections::Model,
    payload: &serde_json::Value,
) -> Result<(), sea_orm::DbErr> {
    let orders = payload["orders_requested"].to_string();
    let detail =
        format!("Shopify asked for the data we hold on a customer. We keep only order payloads for orders {orders}.");
    let entry = NewActivity {
        account_id: conn.account_id,
        kind: ActivityKind::Compliance,
        about: About::store(conn.id),
        subject: "customers/data_request",
        status: ActivityStatus::Info,
        detail: Some(&detail),
        retry: None,
    };
    activity::record(&state.db, entry).await.map(|_| ())
}
