//! Webhooks on the mock: the REST resource (create with 201 + `Location` and the unsigned ping,
//! list, read, update, delete with `force=true`) and delivery as `WC_Webhook::deliver` does it:
//! signed exact body, `X-WC-Webhook-*` headers, no retries, disabled after more than 5 failures.

use super::{
    WooMock,
    model::{Delivery, Store, Webhook, now, random_hex},
    products::json_body,
    render,
    rest::{Paging, WpErr, WpResult, origin, query_map},
};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri, header},
    response::IntoResponse,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

pub const USER_AGENT: &str = "WooCommerce/10.3.0 Hookshot (WordPress/6.8.3)";
/// Consecutive failures tolerated before a webhook is disabled (`failure_count > 5`).
pub const MAX_DELIVERY_FAILURES: u32 = 5;

const STATUSES: [&str; 3] = ["active", "paused", "disabled"];

fn valid_topic(topic: &str) -> bool {
    let t = topic.to_lowercase();
    if t.starts_with("action.woocommerce_") || t.starts_with("action.wc_") {
        return true;
    }
    matches!(t.split_once('.'), Some((r, e))
        if ["coupon", "customer", "order", "product"].contains(&r) && ["created", "updated", "deleted", "restored"].contains(&e))
}

fn valid_url(u: &str) -> bool {
    url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

fn invalid_id() -> WpErr {
    WpErr::new(404, "woocommerce_rest_shop_webhook_invalid_id", "Invalid ID.")
}

fn rest_base(headers: &HeaderMap, store: &str) -> String {
    format!("{}/{store}/wp-json/wc/v3", origin(headers))
}

pub(super) async fn list_webhooks(
    State(mock): State<WooMock>,
    Path(store): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> WpResult {
    let q = query_map(&uri);
    let paging = Paging::parse(&q)?;
    let status = q.get("status").filter(|s| s.as_str() != "all").cloned();
    let base = rest_base(&headers, &store);
    let items = mock.read_store(&store, |s| {
        s.webhooks
            .values()
            .rev()
            .filter(|w| status.as_ref().is_none_or(|st| &w.status == st))
            .map(|w| render::webhook(w, &base))
            .collect::<Vec<_>>()
    })?;
    Ok(paging.respond(&headers, &uri, items))
}

pub(super) async fn create_webhook(
    State(mock): State<WooMock>,
    Path(store): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> WpResult {
    let body = json_body(&body)?;
    let text = |k: &str| body.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
    let topic = text("topic").filter(|t| valid_topic(t)).ok_or_else(|| {
        WpErr::new(400, "woocommerce_rest_shop_webhook_invalid_topic", "Webhook topic is required and must be valid.")
    })?;
    let delivery_url = text("delivery_url").filter(|u| valid_url(u)).ok_or_else(|| {
        WpErr::new(
            400,
            "woocommerce_rest_shop_webhook_invalid_delivery_url",
            "Webhook delivery URL must be a valid URL starting with http:// or https://.",
        )
    })?;
    let status = text("status").filter(|s| STATUSES.contains(&s.as_str())).unwrap_or_else(|| "active".into());
    let at = now();
    let webhook = mock.write_store(&store, |s| {
        let w = Webhook {
            id: s.next_id(),
            name: text("name").unwrap_or_else(|| format!("Webhook created on {}", at.format("%b %d, %Y @ %I:%M %p"))),
            status,
            topic: topic.to_lowercase(),
            delivery_url,
            secret: text("secret").unwrap_or_else(|| random_hex(50)),
            failure_count: 0,
            created: at,
            modified: at,
        };
        s.webhooks.insert(w.id, w.clone());
        w
    })?;
    let base = rest_base(&headers, &store);
    let mut resp = (StatusCode::CREATED, Json(render::webhook(&webhook, &base))).into_response();
    if let Ok(v) = format!("{base}/webhooks/{}", webhook.id).parse() {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    mock.ping(&store, &webhook).await;
    Ok(resp)
}

pub(super) async fn get_webhook(
    State(mock): State<WooMock>,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> WpResult {
    let id: u64 = id.parse().map_err(|_| WpErr::no_route())?;
    let base = rest_base(&headers, &store);
    let found = mock.read_store(&store, |s| s.webhooks.get(&id).map(|w| render::webhook(w, &base)))?;
    found.map(|w| Json(w).into_response()).ok_or_else(invalid_id)
}

pub(super) async fn update_webhook(
    State(mock): State<WooMock>,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> WpResult {
    let id: u64 = id.parse().map_err(|_| WpErr::no_route())?;
    let body = json_body(&body)?;
    let text = |k: &str| body.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
    let base = rest_base(&headers, &store);
    mock.write_store(&store, |s| {
        let w = s.webhooks.get_mut(&id).ok_or_else(invalid_id)?;
        if let Some(t) = text("topic") {
            if !valid_topic(&t) {
                return Err(WpErr::new(
                    400,
                    "woocommerce_rest_shop_webhook_invalid_topic",
                    "Webhook topic must be valid.",
                ));
            }
            w.topic = t.to_lowercase();
        }
        if let Some(u) = text("delivery_url") {
            if !valid_url(&u) {
                return Err(WpErr::new(
                    400,
                    "woocommerce_rest_shop_webhook_invalid_delivery_url",
                    "Webhook delivery URL must be a valid URL starting with http:// or https://.",
                ));
            }
            w.delivery_url = u;
        }
        if let Some(st) = text("status") {
            if !STATUSES.contains(&st.as_str()) {
                return Err(WpErr::new(
                    400,
                    "woocommerce_rest_shop_webhook_invalid_status",
                    "Webhook status must be valid.",
                ));
            }
            if st == "active" {
                w.failure_count = 0;
            }
            w.status = st;
        }
        if let Some(secret) = text("secret") {
            w.secret = secret;
        }
        if let Some(name) = text("name") {
            w.name = name;
        }
        w.modified = now();
        Ok(Json(render::webhook(w, &base)).into_response())
    })?
}

pub(super) async fn delete_webhook(
    State(mock): State<WooMock>,
    Path((store, id)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> WpResult {
    let id: u64 = id.parse().map_err(|_| WpErr::no_route())?;
    if !query_map(&uri).get("force").is_some_and(|f| matches!(f.as_str(), "true" | "1")) {
        return Err(WpErr::new(501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing."));
    }
    let base = rest_base(&headers, &store);
    let removed = mock.write_store(&store, |s| s.webhooks.remove(&id))?.ok_or_else(invalid_id)?;
    Ok(Json(render::webhook(&removed, &base)).into_response())
}

/// One signed delivery ready to send.
struct Outgoing {
    webhook_id: u64,
    url: String,
    topic: String,
    resource_id: u64,
    body: Vec<u8>,
    signature: String,
}

/// `base64(HMAC-SHA256(body, wp_specialchars_decode(secret, ENT_QUOTES)))`.
pub fn sign(body: &[u8], secret: &str) -> String {
    let key = secret
        .replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The resource as the webhook body carries it (`{"id":N}` for `*.deleted`).
fn payload(store: &Store, topic: &str, id: u64) -> Option<Value> {
    match topic {
        t if t.ends_with(".deleted") => Some(json!({ "id": id })),
        t if t.starts_with("order.") => store.orders.get(&id).map(render::order),
        t if t.starts_with("product.") => store.products.get(&id).map(|p| render::product(store, p)),
        _ => None,
    }
}

impl WooMock {
    /// Delivers `topic` for resource `id` to every active webhook subscribed to it, in turn,
    /// and records each outcome (no retries; more than 5 failures in a row disables a webhook).
    pub(super) async fn fire(&self, store: &str, topic: &str, id: u64) {
        let source = format!("{}/{store}/", self.base_url());
        let outgoing: Vec<Outgoing> = self
            .with_store(store, |s| {
                let Some(body) = payload(s, topic, id).map(|v| v.to_string().into_bytes()) else { return Vec::new() };
                s.webhooks
                    .values()
                    .filter(|w| w.status == "active" && w.topic == topic)
                    .map(|w| Outgoing {
                        webhook_id: w.id,
                        url: w.delivery_url.clone(),
                        topic: topic.to_owned(),
                        resource_id: id,
                        signature: sign(&body, &w.secret),
                        body: body.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        for o in outgoing {
            let delivery_id = random_hex(32);
            let (resource, event) = o.topic.split_once('.').unwrap_or((o.topic.as_str(), ""));
            let req = self
                .http
                .post(&o.url)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::USER_AGENT, USER_AGENT)
                .header("X-WC-Webhook-Source", &source)
                .header("X-WC-Webhook-Topic", &o.topic)
                .header("X-WC-Webhook-Resource", resource)
                .header("X-WC-Webhook-Event", event)
                .header("X-WC-Webhook-Signature", &o.signature)
                .header("X-WC-Webhook-ID", o.webhook_id.to_string())
                .header("X-WC-Webhook-Delivery-ID", &delivery_id)
                .body(o.body.clone());
            let (status, error) = outcome(req.send().await);
            let success = status.is_some_and(|s| (200..=302).contains(&s));
            let delivery = Delivery {
                webhook_id: o.webhook_id,
                topic: o.topic.clone(),
                resource_id: o.resource_id,
                delivery_id,
                delivery_url: o.url.clone(),
                status,
                error,
                success,
            };
            let _ = self.with_store(store, |s| {
                if let Some(w) = s.webhooks.get_mut(&o.webhook_id) {
                    w.failure_count = if success { 0 } else { w.failure_count + 1 };
                    if w.failure_count > MAX_DELIVERY_FAILURES {
                        w.status = "disabled".into();
                    }
                }
                s.deliveries.push(delivery);
            });
        }
    }

    /// The unsigned creation ping: `webhook_id=N`, form-encoded, no `X-WC-*` headers; its result
    /// changes nothing.
    pub(super) async fn ping(&self, store: &str, w: &Webhook) {
        let req = self
            .http
            .post(&w.delivery_url)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::USER_AGENT, USER_AGENT)
            .body(format!("webhook_id={}", w.id));
        let (status, error) = outcome(req.send().await);
        let delivery = Delivery {
            webhook_id: w.id,
            topic: "ping".into(),
            resource_id: w.id,
            delivery_id: String::new(),
            delivery_url: w.delivery_url.clone(),
            status,
            error,
            success: status == Some(200),
        };
        let _ = self.with_store(store, |s| s.deliveries.push(delivery));
    }
}

fn outcome(result: Result<reqwest::Response, reqwest::Error>) -> (Option<u16>, Option<String>) {
    match result {
        Ok(resp) => (Some(resp.status().as_u16()), None),
        Err(e) => (None, Some(e.without_url().to_string())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signs_the_reference_vector() {
        let body =
            br#"{"id":727,"status":"processing","line_items":[{"id":315,"sku":"AS0001","quantity":2,"price":49}]}"#;
        assert_eq!(super::sign(body, "s3cr3tAlnum123"), "HJbST2ri6Q+XX+B2wEx+PEx8l2Xw/7GHZU5Mzgip/ZI=");
    }

    #[test]
    fn validates_topics_like_woocommerce() {
        for ok in ["order.created", "Product.Updated", "action.woocommerce_new_order", "customer.restored"] {
            assert!(super::valid_topic(ok), "{ok}");
        }
        for bad in ["order", "order.paid", "refund.created", "action.other"] {
            assert!(!super::valid_topic(bad), "{bad}");
        }
    }
}
