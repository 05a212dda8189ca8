//! Short-lived signed tokens that carry "account A asked to connect store S" through a platform
//! and back (WooCommerce's key grant posts to us without the merchant's session).
//! Format: `account.expiry.base64url(store).base64url(hmac)`.

use crate::backend::state::AppState;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const LIFETIME_SECS: i64 = 30 * 60;

fn mac(state: &AppState, payload: &str) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(state.keyring.signing_key()).expect("any key length");
    m.update(b"woo-grant:");
    m.update(payload.as_bytes());
    m
}

pub fn issue(state: &AppState, account_id: i64, store: &str) -> String {
    let expiry = chrono::Utc::now().timestamp() + LIFETIME_SECS;
    let payload = format!("{account_id}.{expiry}.{}", B64.encode(store));
    let tag = B64.encode(mac(state, &payload).finalize().into_bytes());
    format!("{payload}.{tag}")
}

/// `(account_id, store)` when the token is ours, intact and not expired.
pub fn verify(state: &AppState, token: &str) -> Option<(i64, String)> {
    let (payload, tag) = token.rsplit_once('.')?;
    mac(state, payload).verify_slice(&B64.decode(tag).ok()?).ok()?;
    let mut parts = payload.splitn(3, '.');
    let account_id: i64 = parts.next()?.parse().ok()?;
    let expiry: i64 = parts.next()?.parse().ok()?;
    let store = String::from_utf8(B64.decode(parts.next()?).ok()?).ok()?;
    (chrono::Utc::now().timestamp() <= expiry).then_some((account_id, store))
}
