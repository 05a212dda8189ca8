//! The authorization-code install flow: the authorize URL, the signed callback's checks, and the
//! token endpoint for code exchange and refresh of expiring offline tokens (refresh tokens rotate).

use super::{ShopDomain, ShopifyClient, ShopifyError, signing};
use crate::backend::{platforms::http, secret::Secret};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde::Deserialize;
use serde_json::json;
use std::time::Duration;

pub const SCOPES: &str = "read_products,write_products,read_inventory,write_inventory,read_orders";
/// Where a shop's admin lives; the mock uses e.g. `http://127.0.0.1:4001/{shop}`.
pub const DEFAULT_SHOP_URL_TEMPLATE: &str = "https://{shop}";
/// How far a callback's `timestamp` may be from our clock (the official library's tolerance).
const TIMESTAMP_TOLERANCE_SECS: i64 = 90;

/// The app's credentials and settings, shared by every shop it is installed on.
#[derive(Debug, Clone)]
pub struct ShopifyApp {
    pub client_id: String,
    pub client_secret: Secret,
    pub scopes: String,
    /// `{shop}` is replaced by the shop domain.
    pub shop_url_template: String,
    pub redirect_uri: String,
    pub retry: http::RetryPolicy,
}

/// A verified OAuth callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub shop: ShopDomain,
    pub code: String,
    pub host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("the callback is missing `{0}`")]
    Missing(&'static str),
    #[error("the callback's signature is wrong")]
    BadHmac,
    #[error("the callback does not belong to this sign-in attempt; start connecting again")]
    StateMismatch,
    #[error("the callback is too old (or the clock is off); start connecting again")]
    Stale,
    #[error("the callback names a shop that is not a *.myshopify.com store")]
    BadShop,
    #[error("the merchant declined to install the app")]
    AccessDenied,
}

/// Tokens for one shop. With expiring offline tokens the access token lives an hour and the refresh
/// token is replaced on every refresh: always store the newest pair.
#[derive(Debug, Clone)]
pub struct ShopTokens {
    pub access: Secret,
    pub refresh: Option<Secret>,
    pub expires_at: Option<DateTime<Utc>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub scope: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    scope: String,
    expires_in: Option<i64>,
    refresh_token: Option<String>,
    refresh_token_expires_in: Option<i64>,
}

#[derive(Deserialize, Default)]
struct TokenError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

impl ShopifyApp {
    pub fn new(client_id: impl Into<String>, client_secret: Secret, redirect_uri: impl Into<String>) -> Self {
        ShopifyApp {
            client_id: client_id.into(),
            client_secret,
            scopes: SCOPES.to_owned(),
            shop_url_template: DEFAULT_SHOP_URL_TEMPLATE.to_owned(),
            redirect_uri: redirect_uri.into(),
            retry: http::RetryPolicy::default(),
        }
    }

    pub fn with_shop_url_template(mut self, template: impl Into<String>) -> Self {
        self.shop_url_template = template.into();
        self
    }

    /// The shop's origin, without a trailing slash.
    pub fn origin(&self, shop: &ShopDomain) -> String {
        self.shop_url_template.replace("{shop}", shop.as_str()).trim_end_matches('/').to_owned()
    }

    /// A fresh unguessable `state` nonce to store (e.g. in the session) before redirecting.
    pub fn new_state() -> String {
        format!("{:032x}", rand::random::<u128>())
    }

    /// Where to send the merchant to approve the app (offline access: empty `grant_options[]`).
    pub fn authorize_url(&self, shop: &ShopDomain, state: &str) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("scope", &self.scopes)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("state", state)
            .append_pair("grant_options[]", "")
            .finish();
        format!("{}/admin/oauth/authorize?{query}", self.origin(shop))
    }

    /// Checks a callback's query parameters: signature first (so nothing unsigned is trusted), then
    /// a declined install, the `state` nonce, the ±90 s timestamp window around `now`, and the shop.
    pub fn verify_callback(
        &self,
        pairs: &[(String, String)],
        expected_state: &str,
        now: DateTime<Utc>,
    ) -> Result<Callback, CallbackError> {
        let get = |key: &'static str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        get("hmac").ok_or(CallbackError::Missing("hmac"))?;
        if !signing::verify_query(&self.client_secret, pairs) {
            return Err(CallbackError::BadHmac);
        }
        if get("error") == Some("access_denied") {
            return Err(CallbackError::AccessDenied);
        }
        let state = get("state").ok_or(CallbackError::Missing("state"))?;
        if !constant_time_eq(state.as_bytes(), expected_state.as_bytes()) {
            return Err(CallbackError::StateMismatch);
        }
        let timestamp: i64 =
            get("timestamp").ok_or(CallbackError::Missing("timestamp"))?.parse().map_err(|_| CallbackError::Stale)?;
        if (now.timestamp() - timestamp).abs() > TIMESTAMP_TOLERANCE_SECS {
            return Err(CallbackError::Stale);
        }
        let shop = ShopDomain::parse(get("shop").ok_or(CallbackError::Missing("shop"))?)
            .map_err(|_| CallbackError::BadShop)?;
        let code = get("code").ok_or(CallbackError::Missing("code"))?.to_owned();
        Ok(Callback { shop, code, host: get("host").map(str::to_owned) })
    }

    /// Trades the callback's one-time `code` for an expiring offline token and its refresh token.
    pub async fn exchange_code(&self, shop: &ShopDomain, code: &str) -> Result<ShopTokens, ShopifyError> {
        self.token_request(
            shop,
            json!({ "client_id": self.client_id, "client_secret": self.client_secret.expose(), "code": code, "expiring": "1" }),
        )
        .await
    }

    /// Gets a new access token; the answer's refresh token replaces `refresh_token`.
    pub async fn refresh(&self, shop: &ShopDomain, refresh_token: &Secret) -> Result<ShopTokens, ShopifyError> {
        self.token_request(
            shop,
            json!({
                "client_id": self.client_id, "client_secret": self.client_secret.expose(),
                "grant_type": "refresh_token", "refresh_token": refresh_token.expose(),
            }),
        )
        .await
    }

    /// A GraphQL client for one shop.
    pub fn client(&self, shop: &ShopDomain, access: Secret) -> ShopifyClient {
        ShopifyClient::new(&self.origin(shop), access).with_retry_policy(self.retry)
    }

    async fn token_request(&self, shop: &ShopDomain, body: serde_json::Value) -> Result<ShopTokens, ShopifyError> {
        let url = format!("{}/admin/oauth/access_token", self.origin(shop));
        let client = http::client(Duration::from_secs(30));
        let resp = http::send_with_retry(http::Api::Shopify, self.retry, || client.post(&url).json(&body)).await?;
        let status = resp.status();
        let text = resp.text().await?;
        if !status.is_success() {
            let err: TokenError = serde_json::from_str(&text).unwrap_or_default();
            return Err(ShopifyError::TokenRejected {
                status: status.as_u16(),
                error: err.error,
                description: err.error_description,
            });
        }
        let t: TokenResponse =
            serde_json::from_str(&text).map_err(|e| ShopifyError::Malformed(format!("token answer: {e}")))?;
        let now = Utc::now();
        let after = |secs: Option<i64>| secs.map(|s| now + ChronoDuration::seconds(s));
        tracing::info!(shop = %shop, expiring = t.expires_in.is_some(), "received Shopify tokens");
        Ok(ShopTokens {
            access: Secret::new(t.access_token),
            refresh: t.refresh_token.map(Secret::new),
            expires_at: after(t.expires_in),
            refresh_expires_at: after(t.refresh_token_expires_in),
            scope: t.scope,
        })
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const DOCS_HMAC: &str = "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf";

    fn app() -> ShopifyApp {
        ShopifyApp::new("client", Secret::new("hush"), "https://conn.example/shopify/callback")
    }

    fn docs_callback() -> Vec<(String, String)> {
        [
            ("code", "0907a61c0c8d55e99db179b68161bc00"),
            ("hmac", DOCS_HMAC),
            ("shop", "some-shop.myshopify.com"),
            ("state", "0.6784241404160823"),
            ("timestamp", "1337178173"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).unwrap()
    }

    #[test]
    fn the_docs_callback_verifies_within_the_clock_window() {
        let cb = app().verify_callback(&docs_callback(), "0.6784241404160823", at(1337178173 + 90)).unwrap();
        assert_eq!(cb.shop.as_str(), "some-shop.myshopify.com");
        assert_eq!(cb.code, "0907a61c0c8d55e99db179b68161bc00");
        let a = app();
        assert_eq!(
            a.verify_callback(&docs_callback(), "0.6784241404160823", at(1337178173 + 91)),
            Err(CallbackError::Stale)
        );
        assert_eq!(
            a.verify_callback(&docs_callback(), "0.6784241404160823", at(1337178173 - 91)),
            Err(CallbackError::Stale)
        );
        assert_eq!(
            a.verify_callback(&docs_callback(), "other-state", at(1337178173)),
            Err(CallbackError::StateMismatch)
        );
    }

    #[test]
    fn a_wrong_secret_or_edited_parameter_is_a_bad_hmac() {
        let other = ShopifyApp::new("client", Secret::new("not-hush"), "https://x");
        assert_eq!(
            other.verify_callback(&docs_callback(), "0.6784241404160823", at(1337178173)),
            Err(CallbackError::BadHmac)
        );
        let mut edited = docs_callback();
        edited[0].1 = "1907a61c0c8d55e99db179b68161bc00".into();
        assert_eq!(app().verify_callback(&edited, "0.6784241404160823", at(1337178173)), Err(CallbackError::BadHmac));
        let unsigned: Vec<_> = docs_callback().into_iter().filter(|(k, _)| k != "hmac").collect();
        assert_eq!(app().verify_callback(&unsigned, "x", at(0)), Err(CallbackError::Missing("hmac")));
    }

    #[test]
    fn signed_decline_and_foreign_shop_are_reported() {
        let a = app();
        let sign = |mut p: Vec<(String, String)>| {
            let h = signing::sign_query(&a.client_secret, &p);
            p.push(("hmac".into(), h));
            p
        };
        let base = |shop: &str| {
            vec![
                ("shop".to_owned(), shop.to_owned()),
                ("state".into(), "s".into()),
                ("timestamp".into(), "100".into()),
                ("code".into(), "c".into()),
            ]
        };
        let mut denied = base("x.myshopify.com");
        denied.push(("error".into(), "access_denied".into()));
        assert_eq!(a.verify_callback(&sign(denied), "s", at(100)), Err(CallbackError::AccessDenied));
        assert_eq!(a.verify_callback(&sign(base("x.evil.com")), "s", at(100)), Err(CallbackError::BadShop));
        assert!(a.verify_callback(&sign(base("x.myshopify.com")), "s", at(100)).is_ok());
    }

    #[test]
    fn authorize_url_asks_for_offline_access_with_our_scopes() {
        let a = app().with_shop_url_template("http://127.0.0.1:4001/{shop}");
        let shop = ShopDomain::parse("demo-store").unwrap();
        let u = a.authorize_url(&shop, "nonce 1");
        assert!(
            u.starts_with("http://127.0.0.1:4001/demo-store.myshopify.com/admin/oauth/authorize?client_id=client&"),
            "{u}"
        );
        assert!(u.contains("scope=read_products%2Cwrite_products%2Cread_inventory%2Cwrite_inventory%2Cread_orders"));
        assert!(u.contains("redirect_uri=https%3A%2F%2Fconn.example%2Fshopify%2Fcallback"));
        assert!(u.contains("state=nonce+1") && u.ends_with("grant_options%5B%5D="));
        assert_eq!(ShopifyApp::new_state().len(), 32);
    }
}
