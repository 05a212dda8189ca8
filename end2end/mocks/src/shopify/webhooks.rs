//! Webhook subscriptions (GraphQL create/list/delete) and deliveries: signed POSTs with Shopify's
//! headers, recorded per shop, and re-sent on demand with the same webhook id (a duplicate).

use super::graphql::{OpResult, Outcome, error};
use super::ops::{decode_cursor, encode_cursor, first_arg, page_info};
use super::state::{Delivery, Ids, Shop, Subscription, gid};
use super::{MockError, ShopifyMock, not_found, signing};
use chrono::Utc;
use serde_json::{Value, json};

/// Topics the mock accepts, REST spelling (GraphQL: upper case with `_` for `/`).
const TOPICS: [&str; 9] = [
    "orders/create",
    "orders/updated",
    "orders/paid",
    "orders/cancelled",
    "refunds/create",
    "products/create",
    "products/update",
    "inventory_levels/update",
    "app/uninstalled",
];

fn graphql_topic(rest: &str) -> String {
    rest.replace('/', "_").to_ascii_uppercase()
}

fn node(s: &Subscription) -> Value {
    json!({ "id": s.id, "topic": graphql_topic(&s.topic), "uri": s.uri })
}

pub fn create(shop: &mut Shop, ids: &mut Ids, vars: &Value) -> OpResult {
    let topic_enum = vars.get("topic").and_then(Value::as_str).unwrap_or_default();
    let Some(topic) = TOPICS.iter().find(|t| graphql_topic(t) == topic_enum) else {
        let msg =
            format!("Variable $topic of type WebhookSubscriptionTopic! was provided invalid value {topic_enum:?}");
        return Err(vec![error(msg, "INVALID_VARIABLE")]);
    };
    let uri = vars
        .get("uri")
        .or_else(|| vars.pointer("/webhookSubscription/uri"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let fail = |message: &str| {
        let e = json!({ "field": ["webhookSubscription", "uri"], "message": message });
        Ok(Outcome::new(json!({ "webhookSubscriptionCreate": { "webhookSubscription": null, "userErrors": [e] } }), 0))
    };
    if !url::Url::parse(uri).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
        return fail("Address is invalid");
    }
    if shop.subscriptions.iter().any(|s| s.topic == *topic && s.uri == uri) {
        return fail("Address for this topic has already been taken");
    }
    let sub =
        Subscription { id: gid("WebhookSubscription", ids.next()), topic: (*topic).to_owned(), uri: uri.to_owned() };
    let data = json!({ "webhookSubscriptionCreate": { "webhookSubscription": node(&sub), "userErrors": [] } });
    shop.subscriptions.push(sub);
    Ok(Outcome::new(data, 1))
}

pub fn list(shop: &Shop, vars: &Value) -> OpResult {
    let first = first_arg(vars)?;
    let start: usize = match decode_cursor(vars)? {
        None => 0,
        Some(k) => k.parse().map_err(|_| vec![error("Invalid cursor", "BAD_REQUEST")])?,
    };
    let page: Vec<Value> = shop.subscriptions.iter().skip(start).take(first).map(node).collect();
    let end = start + page.len();
    let has_next = end < shop.subscriptions.len();
    let n = page.len();
    let data = json!({ "webhookSubscriptions": { "nodes": page, "pageInfo": page_info(has_next, Some(encode_cursor(&end.to_string()))) } });
    Ok(Outcome::new(data, n))
}

pub fn delete(shop: &mut Shop, vars: &Value) -> OpResult {
    let id = vars.get("id").and_then(Value::as_str).unwrap_or_default();
    let Some(pos) = shop.subscriptions.iter().position(|s| s.id == id) else {
        let e = json!({ "field": ["id"], "message": "Webhook subscription does not exist" });
        return Ok(Outcome::new(
            json!({ "webhookSubscriptionDelete": { "deletedWebhookSubscriptionId": null, "userErrors": [e] } }),
            0,
        ));
    };
    shop.subscriptions.remove(pos);
    Ok(Outcome::new(
        json!({ "webhookSubscriptionDelete": { "deletedWebhookSubscriptionId": id, "userErrors": [] } }),
        1,
    ))
}

impl ShopifyMock {
    /// Fires `topic` for `shop`: one signed POST per matching subscription. Returns what happened.
    pub async fn deliver(&self, shop: &str, topic: &str, payload: Value) -> Vec<Delivery> {
        let body = payload.to_string();
        let event_id = uuid::Uuid::new_v4().to_string();
        let triggered_at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let targets: Vec<String> = {
            let store = self.lock();
            let Some(s) = store.shops.get(shop) else { return Vec::new() };
            s.subscriptions.iter().filter(|sub| sub.topic == topic).map(|sub| sub.uri.clone()).collect()
        };
        let mut out = Vec::new();
        for uri in targets {
            let delivery = Delivery {
                webhook_id: uuid::Uuid::new_v4().to_string(),
                event_id: event_id.clone(),
                topic: topic.to_owned(),
                uri,
                triggered_at: triggered_at.clone(),
                status: None,
                error: None,
                redelivery: false,
                body: body.clone(),
            };
            out.push(self.send(shop, delivery).await);
        }
        out
    }

    /// Sends an earlier delivery again, unchanged (same webhook id, event id, trigger time and body).
    pub async fn redeliver(&self, shop: &str, webhook_id: &str) -> Result<Delivery, MockError> {
        let earlier = {
            let store = self.lock();
            let s = store.shops.get(shop).ok_or_else(|| not_found(shop))?;
            s.deliveries.iter().find(|d| d.webhook_id == webhook_id).cloned()
        };
        let earlier = earlier.ok_or_else(|| MockError::NotFound(format!("no delivery {webhook_id}")))?;
        Ok(self.send(shop, Delivery { status: None, error: None, redelivery: true, ..earlier }).await)
    }

    async fn send(&self, shop: &str, mut d: Delivery) -> Delivery {
        let secret = self.lock().client_secret.clone();
        let result = self
            .http
            .post(&d.uri)
            .header("Content-Type", "application/json")
            .header("X-Shopify-Topic", &d.topic)
            .header("X-Shopify-Hmac-Sha256", signing::sign_body(&secret, d.body.as_bytes()))
            .header("X-Shopify-Shop-Domain", shop)
            .header("X-Shopify-API-Version", "2026-01")
            .header("X-Shopify-Webhook-Id", &d.webhook_id)
            .header("X-Shopify-Event-Id", &d.event_id)
            .header("X-Shopify-Triggered-At", &d.triggered_at)
            .body(d.body.clone())
            .send()
            .await;
        match result {
            Ok(resp) => d.status = Some(resp.status().as_u16()),
            Err(e) => d.error = Some(e.to_string()),
        }
        if let Some(s) = self.lock().shops.get_mut(shop) {
            s.deliveries.push(d.clone());
        }
        d
    }
}
