//! The two HMACs Shopify signs with the app's client secret: hex over the sorted query string of OAuth
//! redirects, and base64 over the raw body of webhook deliveries. Comparisons are constant-time.

use crate::backend::secret::Secret;
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Sha256;
use std::collections::BTreeMap;

type HmacSha256 = Hmac<Sha256>;

/// `URLSearchParams` keeps only these unescaped; Shopify signs a space as `%20` (never `+`).
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

fn encode(s: &str) -> String {
    utf8_percent_encode(s, FORM).to_string()
}

fn mac(secret: &str) -> HmacSha256 {
    HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length")
}

/// The signed message: every parameter but `hmac` and `signature`, keys sorted, `k=v` joined by `&`,
/// values re-encoded; `key[]` arrays keep their element order and are written `key%5B%5D=v` per element.
pub fn query_message(pairs: &[(String, String)]) -> String {
    let mut grouped: BTreeMap<&str, (bool, Vec<&str>)> = BTreeMap::new();
    for (k, v) in pairs {
        if k == "hmac" || k == "signature" {
            continue;
        }
        let (base, is_array) = match k.strip_suffix("[]") {
            Some(base) => (base, true),
            None => (k.as_str(), false),
        };
        let entry = grouped.entry(base).or_default();
        entry.0 |= is_array;
        entry.1.push(v);
    }
    let mut parts = Vec::new();
    for (key, (is_array, values)) in grouped {
        if is_array {
            let key = encode(&format!("{key}[]"));
            parts.extend(values.iter().map(|v| format!("{key}={}", encode(v))));
        } else {
            // A repeated plain key is joined with commas, as the library's URLSearchParams path does.
            parts.push(format!("{}={}", encode(key), encode(&values.join(","))));
        }
    }
    parts.join("&")
}

/// Hex HMAC-SHA256 of [`query_message`].
pub fn sign_query(secret: &Secret, pairs: &[(String, String)]) -> String {
    let mut m = mac(secret.expose());
    m.update(query_message(pairs).as_bytes());
    hex(&m.finalize().into_bytes())
}

/// Whether the `hmac` parameter matches the other parameters (timestamp and state are checked elsewhere).
pub fn verify_query(secret: &Secret, pairs: &[(String, String)]) -> bool {
    let Some(given) = pairs.iter().find(|(k, _)| k == "hmac").and_then(|(_, v)| unhex(v)) else {
        return false;
    };
    let mut m = mac(secret.expose());
    m.update(query_message(pairs).as_bytes());
    m.verify_slice(&given).is_ok()
}

/// Whether `X-Shopify-Hmac-Sha256` (base64) signs `body` with any of `secrets` (old and new during a
/// client-secret rotation, which takes up to an hour to reach every delivery).
pub fn verify_webhook(body: &[u8], header_b64: &str, secrets: &[Secret]) -> bool {
    let Ok(given) = B64.decode(header_b64.trim()) else {
        return false;
    };
    secrets.iter().any(|secret| {
        let mut m = mac(secret.expose());
        m.update(body);
        m.verify_slice(&given).is_ok()
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }

    const DOCS_QUERY: &str = "code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com&state=0.6784241404160823&timestamp=1337178173";
    const DOCS_HMAC: &str = "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf";

    #[test]
    fn oauth_query_vector_from_the_docs() {
        let hush = Secret::new("hush");
        assert_eq!(sign_query(&hush, &pairs(DOCS_QUERY)), DOCS_HMAC);
        // Order of the incoming parameters does not matter; `hmac` itself is left out.
        let shuffled = format!(
            "timestamp=1337178173&hmac={DOCS_HMAC}&state=0.6784241404160823&shop=some-shop.myshopify.com&code=0907a61c0c8d55e99db179b68161bc00"
        );
        assert!(verify_query(&hush, &pairs(&shuffled)));
        assert!(!verify_query(&Secret::new("other"), &pairs(&shuffled)));
        let tampered = shuffled.replace("some-shop", "evil-shop");
        assert!(!verify_query(&hush, &pairs(&tampered)));
    }

    #[test]
    fn spaces_are_signed_as_percent_20_and_arrays_as_key_brackets() {
        let q = pairs("b=x+y&a=1&ids[]=2&ids[]=3&signature=zzz&z=%2B%26");
        assert_eq!(query_message(&q), "a=1&b=x%20y&ids%5B%5D=2&ids%5B%5D=3&z=%2B%26");
    }

    #[test]
    fn webhook_vector_and_secret_rotation() {
        let body = br#"{"id":820982911946154508,"email":"jon@example.com","line_items":[{"id":1,"sku":"AS0001","quantity":2,"price":"49.00"}]}"#;
        let header = "6oSoA7c5K3HljT2RetgnOPdDwye73v/aMh+bcwyu9Do=";
        assert!(verify_webhook(body, header, &[Secret::new("hush")]));
        assert!(verify_webhook(body, header, &[Secret::new("new-secret"), Secret::new("hush")]));
        assert!(!verify_webhook(body, header, &[Secret::new("new-secret")]));
        assert!(!verify_webhook(&body[1..], header, &[Secret::new("hush")]));
        assert!(!verify_webhook(body, "not base64!", &[Secret::new("hush")]));
    }
}
