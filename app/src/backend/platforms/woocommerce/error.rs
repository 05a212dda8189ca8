//! `WooError`: every way a WooCommerce call can fail, mapped once from HTTP status and the
//! WordPress error body `{"code","message","data":{"status"}}`, with messages a merchant can act on.

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum WooError {
    #[error("the store could not be reached ({reason}); check the address and that the site is online")]
    Unreachable { reason: String },
    #[error("{}", not_woo_message(*wordpress))]
    NotWooCommerce { wordpress: bool },
    #[error("the store redirected to {location}; connect with that address instead")]
    Redirected { location: String },
    #[error("WooCommerce rejected the API keys ({message}); check the consumer key and secret")]
    WrongKeys { message: String },
    #[error("the API keys may not do this ({message}); create keys with Read/Write permission")]
    Forbidden { message: String },
    #[error("a product with SKU \"{sku}\" already exists in the store")]
    DuplicateSku { sku: String },
    #[error("too many items in one batch ({message})")]
    BatchTooLarge { message: String },
    #[error("WooCommerce refused the request: {message} ({code})")]
    InvalidRequest { code: String, message: String },
    #[error("not found in the store: {message} ({code})")]
    NotFound { code: String, message: String },
    #[error("the store is busy or failing (HTTP {status}); try again later")]
    Unavailable { status: u16 },
    #[error("unexpected answer from the store (HTTP {status}): {message} ({code})")]
    Api { status: u16, code: String, message: String },
    #[error("the store sent an answer that could not be read: {what}")]
    Malformed { what: String },
}

fn not_woo_message(wordpress: bool) -> &'static str {
    if wordpress {
        "this is a WordPress site, but the WooCommerce REST API is not available; install and activate WooCommerce"
    } else {
        "this address does not look like a WooCommerce store; check the store address"
    }
}

/// A WordPress REST error body.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WpError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

impl WpError {
    pub(crate) fn parse(body: &[u8]) -> WpError {
        serde_json::from_slice(body).unwrap_or_default()
    }
}

impl WooError {
    /// Maps a non-success answer (body already read).
    pub(crate) fn from_status(status: u16, location: Option<String>, body: &[u8]) -> WooError {
        let WpError { code, message } = WpError::parse(body);
        match status {
            300..=399 => WooError::Redirected { location: location.unwrap_or_default() },
            401 if code == "woocommerce_rest_authentication_error" && message.contains("does not have") => {
                WooError::Forbidden { message }
            }
            401 => WooError::WrongKeys { message: or_default(message, "HTTP 401") },
            403 => WooError::Forbidden { message: or_default(message, "HTTP 403") },
            404 => WooError::NotFound { code, message },
            413 => WooError::BatchTooLarge { message: or_default(message, "HTTP 413") },
            400 => WooError::InvalidRequest { code, message },
            429 | 500..=599 => WooError::Unavailable { status },
            _ => WooError::Api { status, code, message },
        }
    }

    pub(crate) fn transport(e: reqwest::Error) -> WooError {
        // `without_url`: a URL with query-string auth carries the consumer secret.
        let e = e.without_url();
        if e.is_decode() || e.is_body() {
            return WooError::Malformed { what: e.to_string() };
        }
        let reason = if e.is_timeout() {
            "timed out".to_owned()
        } else if e.is_connect() {
            format!("connection failed: {}", source_chain(&e))
        } else {
            source_chain(&e)
        };
        WooError::Unreachable { reason }
    }

    /// A `product_invalid_sku` refusal, re-typed for the SKU the caller sent.
    pub(crate) fn for_sku(self, sku: &str) -> WooError {
        match self {
            WooError::InvalidRequest { code, .. } if code.ends_with("product_invalid_sku") => {
                WooError::DuplicateSku { sku: sku.to_owned() }
            }
            other => other,
        }
    }
}

fn or_default(message: String, default: &str) -> String {
    if message.is_empty() { default.to_owned() } else { message }
}

fn source_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        text.push_str(": ");
        text.push_str(&s.to_string());
        cur = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_woocommerce_error_bodies() {
        let wrong = br#"{"code":"woocommerce_rest_authentication_error","message":"Consumer secret is invalid.","data":{"status":401}}"#;
        assert!(matches!(WooError::from_status(401, None, wrong), WooError::WrongKeys { .. }));
        let read_only = br#"{"code":"woocommerce_rest_authentication_error","message":"The API key provided does not have write permissions.","data":{"status":401}}"#;
        assert!(matches!(WooError::from_status(401, None, read_only), WooError::Forbidden { .. }));
        let big = br#"{"code":"woocommerce_rest_request_entity_too_large","message":"Unable to accept more than 100 items for this request.","data":{"status":413}}"#;
        assert!(matches!(WooError::from_status(413, None, big), WooError::BatchTooLarge { .. }));
        let sku = br#"{"code":"product_invalid_sku","message":"Invalid or duplicated SKU.","data":{"status":400}}"#;
        assert!(
            matches!(WooError::from_status(400, None, sku).for_sku("AS1"), WooError::DuplicateSku { sku } if sku == "AS1")
        );
        assert!(matches!(WooError::from_status(502, None, b"<html>"), WooError::Unavailable { status: 502 }));
    }
}
