//! Webhooks: registering, listing and deleting them, and checking what arrives — the
//! `X-WC-Webhook-Signature` (base64 HMAC-SHA256 of the exact body) and the unsigned ping.

use super::{WooClient, WooError};
use crate::backend::secret::Secret;
use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use rand::{Rng, distr::Alphanumeric};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;

pub const HEADER_SIGNATURE: &str = "x-wc-webhook-signature";
pub const HEADER_SOURCE: &str = "x-wc-webhook-source";
pub const HEADER_TOPIC: &str = "x-wc-webhook-topic";
pub const HEADER_RESOURCE: &str = "x-wc-webhook-resource";
pub const HEADER_EVENT: &str = "x-wc-webhook-event";
pub const HEADER_ID: &str = "x-wc-webhook-id";
pub const HEADER_DELIVERY_ID: &str = "x-wc-webhook-delivery-id";

/// The topics sync subscribes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookTopic {
    OrderCreated,
    OrderUpdated,
    OrderDeleted,
    ProductUpdated,
}

impl WebhookTopic {
    pub const ALL: [WebhookTopic; 4] = [
        WebhookTopic::OrderCreated,
        WebhookTopic::OrderUpdated,
        WebhookTopic::OrderDeleted,
        WebhookTopic::ProductUpdated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookTopic::OrderCreated => "order.created",
            WebhookTopic::OrderUpdated => "order.updated",
            WebhookTopic::OrderDeleted => "order.deleted",
            WebhookTopic::ProductUpdated => "product.updated",
        }
    }

    /// The topic of an `X-WC-Webhook-Topic` header.
    pub fn parse(topic: &str) -> Option<WebhookTopic> {
        WebhookTopic::ALL.into_iter().find(|t| t.as_str() == topic)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Webhook {
    pub id: u64,
    #[serde(default)]
    pub name: String,
    /// `active`, `paused` or `disabled` (after repeated delivery failures).
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub delivery_url: String,
}

impl WooClient {
    /// Registers an active webhook (WooCommerce answers 201, then pings `delivery_url`).
    pub async fn create_webhook(
        &self,
        topic: WebhookTopic,
        delivery_url: &str,
        secret: &Secret,
    ) -> Result<Webhook, WooError> {
        let body = json!({
            "name": format!("Prokip Sync {}", topic.as_str()),
            "topic": topic.as_str(),
            "delivery_url": delivery_url,
            "secret": secret.expose(),
            "status": "active",
        });
        self.call(Method::POST, "/webhooks", &[], Some(&body)).await
    }

    pub async fn list_webhooks(&self) -> Result<Vec<Webhook>, WooError> {
        self.get_all("/webhooks", &[]).await
    }

    /// Deletes for good (`force=true`: webhooks cannot be trashed).
    pub async fn delete_webhook(&self, id: u64) -> Result<(), WooError> {
        self.send(Method::DELETE, &format!("/webhooks/{id}"), &[("force", "true".into())], None).await?;
        Ok(())
    }

    /// Re-enables a webhook WooCommerce disabled after delivery failures.
    pub async fn activate_webhook(&self, id: u64) -> Result<Webhook, WooError> {
        self.call(Method::PUT, &format!("/webhooks/{id}"), &[], Some(&json!({ "status": "active" }))).await
    }
}

/// A fresh webhook secret: 48 alphanumerics (WooCommerce HTML-decodes `& < > " '` before
/// signing, so symbols would break verification).
pub fn generate_secret() -> Secret {
    let s: String = rand::rng().sample_iter(&Alphanumeric).take(48).map(char::from).collect();
    Secret::new(s)
}

/// Checks `X-WC-Webhook-Signature`: base64 of the raw HMAC-SHA256 of the exact body bytes,
/// compared in constant time.
pub fn verify_signature(body: &[u8], header_b64: &str, secret: &Secret) -> bool {
    let Ok(expected) = STANDARD.decode(header_b64.trim()) else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()) else { return false };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// The webhook id of WooCommerce's creation ping (`webhook_id=N`, form-encoded or untyped,
/// unsigned), or `None` for anything else.
pub fn ping_webhook_id(content_type: Option<&str>, body: &[u8]) -> Option<u64> {
    if content_type.is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("application/json")) {
        return None;
    }
    let text = std::str::from_utf8(body).ok()?.trim();
    let digits = text.strip_prefix("webhook_id=")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether a delivery is the creation ping (answer it 200; it carries no signature).
pub fn is_ping(content_type: Option<&str>, body: &[u8]) -> bool {
    ping_webhook_id(content_type, body).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] =
        br#"{"id":727,"status":"processing","line_items":[{"id":315,"sku":"AS0001","quantity":2,"price":49}]}"#;
    const SIGNATURE: &str = "HJbST2ri6Q+XX+B2wEx+PEx8l2Xw/7GHZU5Mzgip/ZI=";

    #[test]
    fn verifies_the_reference_vector() {
        assert!(verify_signature(BODY, SIGNATURE, &Secret::from("s3cr3tAlnum123")));
    }

    #[test]
    fn rejects_wrong_secret_altered_body_and_bad_base64() {
        assert!(!verify_signature(BODY, SIGNATURE, &Secret::from("s3cr3tAlnum124")));
        let mut altered = BODY.to_vec();
        altered[6] = b'8';
        assert!(!verify_signature(&altered, SIGNATURE, &Secret::from("s3cr3tAlnum123")));
        assert!(!verify_signature(BODY, "not base64!", &Secret::from("s3cr3tAlnum123")));
        assert!(!verify_signature(BODY, "", &Secret::from("s3cr3tAlnum123")));
    }

    #[test]
    fn recognises_the_ping_only() {
        assert_eq!(ping_webhook_id(Some("application/x-www-form-urlencoded"), b"webhook_id=17"), Some(17));
        assert!(is_ping(None, b"webhook_id=3"));
        assert!(!is_ping(Some("application/json"), b"webhook_id=3"));
        assert!(!is_ping(None, b"webhook_id="));
        assert!(!is_ping(None, b"webhook_id=3&x=1"));
        assert!(!is_ping(Some("application/json"), BODY));
    }

    #[test]
    fn secrets_are_long_and_alphanumeric() {
        let s = generate_secret();
        assert!(s.expose().len() >= 32);
        assert!(s.expose().chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(s, generate_secret());
    }

    #[test]
    fn topics_round_trip() {
        for t in WebhookTopic::ALL {
            assert_eq!(WebhookTopic::parse(t.as_str()), Some(t));
        }
        assert_eq!(WebhookTopic::parse("order.restored"), None);
    }
}
