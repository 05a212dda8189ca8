//! "Connect with WooCommerce": the `wc-auth/v1/authorize` address that asks the merchant to
//! approve API keys, and `KeyGrant`, the keys WooCommerce then POSTs to our callback.

use super::{StoreUrl, WooError, de};
use crate::backend::secret::Secret;
use serde::Deserialize;

/// `{store}/wc-auth/v1/authorize?app_name&scope=read_write&user_id&return_url&callback_url`.
/// `user_id` is our own reference, echoed back in the grant and the return redirect;
/// `callback_url` must be HTTPS on a real store.
pub fn auth_url(store: &StoreUrl, app_name: &str, user_id: &str, return_url: &str, callback_url: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("app_name", app_name)
        .append_pair("scope", "read_write")
        .append_pair("user_id", user_id)
        .append_pair("return_url", return_url)
        .append_pair("callback_url", callback_url)
        .finish();
    format!("{store}/wc-auth/v1/authorize?{query}")
}

/// The JSON body WooCommerce POSTs to `callback_url` after the merchant approves.
#[derive(Debug, Clone, Deserialize)]
pub struct KeyGrant {
    pub key_id: u64,
    #[serde(deserialize_with = "de::text_or_number")]
    pub user_id: String,
    pub consumer_key: String,
    pub consumer_secret: Secret,
    /// `read`, `write` or `read_write`.
    pub key_permissions: String,
}

impl KeyGrant {
    pub fn from_json(body: &[u8]) -> Result<KeyGrant, WooError> {
        serde_json::from_slice(body).map_err(|e| WooError::Malformed { what: format!("key grant: {e}") })
    }

    /// Sync writes stock, so it needs both.
    pub fn can_read_and_write(&self) -> bool {
        self.key_permissions == "read_write"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_authorize_address() {
        let store = StoreUrl::parse("https://example.com/shop/", false).unwrap();
        let url =
            auth_url(&store, "Prokip Sync", "acct 7", "https://app.example/back?x=1", "https://app.example/wc/cb");
        assert_eq!(
            url,
            "https://example.com/shop/wc-auth/v1/authorize?app_name=Prokip+Sync&scope=read_write&user_id=acct+7\
             &return_url=https%3A%2F%2Fapp.example%2Fback%3Fx%3D1&callback_url=https%3A%2F%2Fapp.example%2Fwc%2Fcb"
        );
    }

    #[test]
    fn parses_the_documented_grant_and_hides_the_secret() {
        let g = KeyGrant::from_json(
            br#"{"key_id":1,"user_id":"123","consumer_key":"ck_abc","consumer_secret":"cs_def","key_permissions":"read_write"}"#,
        )
        .unwrap();
        assert_eq!((g.key_id, g.user_id.as_str(), g.consumer_key.as_str()), (1, "123", "ck_abc"));
        assert_eq!(g.consumer_secret.expose(), "cs_def");
        assert!(g.can_read_and_write());
        assert!(!format!("{g:?}").contains("cs_def"));
        let numeric = KeyGrant::from_json(
            br#"{"key_id":2,"user_id":5,"consumer_key":"ck","consumer_secret":"cs","key_permissions":"read"}"#,
        )
        .unwrap();
        assert_eq!(numeric.user_id, "5");
        assert!(!numeric.can_read_and_write());
    }
}
