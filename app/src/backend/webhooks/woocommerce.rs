//! WooCommerce deliveries: the unsigned ping is answered and dropped; everything else must carry
//! a valid `X-WC-Webhook-Signature` made with the connection's own secret.

pub use super::Rejected;
use super::{
    Event, Payload,
    intake::{Stored, Target},
};
use crate::{
    backend::{
        db::connections,
        platforms::woocommerce::{StoreUrl, WebhookTopic, is_ping, verify_signature},
        state::AppState,
        stores::woocommerce::webhook_context,
    },
    model::Platform,
};
use sha2::{Digest, Sha256};

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Woo's "is this URL alive?" ping: answer 200, store nothing.
    Ping,
    Stored,
    Duplicate,
}

pub struct Delivery<'a> {
    /// From the delivery URL (`/connections/webhook/woocommerce/{id}`), if present.
    pub connection_id: Option<i64>,
    pub content_type: Option<&'a str>,
    pub source: Option<&'a str>,
    pub topic: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub body: &'a [u8],
}

/// Receives one delivery, bounded by [`super::DATABASE_PATIENCE`], and counts it.
pub async fn receive(state: &AppState, d: Delivery<'_>) -> Result<Outcome, Rejected> {
    let topic = d.topic.and_then(WebhookTopic::parse).map_or("other", WebhookTopic::as_str);
    super::counted(Platform::WooCommerce, topic, handle(state, d), |o| *o == Outcome::Duplicate).await
}

async fn handle(state: &AppState, d: Delivery<'_>) -> Result<Outcome, Rejected> {
    if d.signature.is_none() && is_ping(d.content_type, d.body) {
        return Ok(Outcome::Ping);
    }
    let conn = match d.connection_id {
        Some(id) => connections::by_id_unscoped(&state.db, id).await?,
        None => {
            // The seed's bare URL: find the store by the source header.
            let store = d.source.and_then(|s| StoreUrl::parse(s, true).ok()).ok_or(Rejected::UnknownConnection)?;
            connections::by_store(&state.db, Platform::WooCommerce, store.as_str()).await?
        }
    };
    let conn = conn.filter(|c| c.platform == Platform::WooCommerce).ok_or(Rejected::UnknownConnection)?;
    let sealed = conn.webhook_secret_enc.as_deref().ok_or(Rejected::BadSignature)?;
    let secret = state.keyring.open(sealed, &webhook_context(conn.id)).map_err(|_| Rejected::BadSignature)?;
    let signature = d.signature.ok_or(Rejected::BadSignature)?;
    if !verify_signature(d.body, signature, &secret) {
        return Err(Rejected::BadSignature);
    }
    // Only the fields that identify the state are read (a body that parses as them is JSON); the
    // body is stored as delivered.
    #[derive(Default, serde::Deserialize)]
    struct Head {
        id: Option<serde_json::Value>,
        date_modified_gmt: Option<serde_json::Value>,
    }
    let text = std::str::from_utf8(d.body).map_err(|_| Rejected::BadBody)?;
    let (head, payload) = match serde_json::from_str::<Head>(text) {
        Ok(head) => (head, Payload::Json(text)),
        // Not an object with those fields: stored if it is JSON at all.
        Err(_) => (Head::default(), Payload::checked(d.body)?),
    };
    let topic = d.topic.unwrap_or("unknown");
    // Woo has no event id: the resource and its modification time identify a state. The time has
    // whole seconds, so a digest of the body tells apart two changes (e.g. refunds) in one second.
    let id = head.id.map(|v| v.to_string()).unwrap_or_default();
    let modified = head.date_modified_gmt.as_ref().and_then(|v| v.as_str()).unwrap_or("");
    let digest = Sha256::digest(d.body);
    let event = Event {
        target: Target::Connection(conn.id),
        platform: Platform::WooCommerce,
        topic,
        dedupe_key: format!(
            "{topic}:{id}:{modified}:{:x}",
            u64::from_be_bytes(digest[..8].try_into().unwrap_or_default())
        ),
        event_id: None,
        payload,
    };
    Ok(match super::store(state, event).await? {
        Stored::New(_) => Outcome::Stored,
        // The connection was read above; gone since then is as good as seen before.
        Stored::Duplicate | Stored::NoConnection => Outcome::Duplicate,
    })
}
