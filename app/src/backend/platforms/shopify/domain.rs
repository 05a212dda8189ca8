//! `ShopDomain`: a shop's `name.myshopify.com` host, parsed once from whatever a merchant typed.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// The library's shop pattern, narrowed to `*.myshopify.com` (the only production form).
static SHOP_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-zA-Z0-9][a-zA-Z0-9\-_]*\.myshopify\.com$").expect("static regex"));

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ShopDomain(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a Shopify store address; enter it as mystore or mystore.myshopify.com")]
pub struct InvalidShopDomain(pub String);

impl ShopDomain {
    /// Accepts `mystore`, `mystore.myshopify.com`, `https://mystore.myshopify.com/admin` and
    /// `admin.shopify.com/store/mystore`; the result is always lower-case `mystore.myshopify.com`.
    pub fn parse(input: &str) -> Result<Self, InvalidShopDomain> {
        let lower = input.trim().to_ascii_lowercase();
        let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).unwrap_or(&lower);
        let first_segment = |s: &str| s.split(['/', '?', '#']).next().unwrap_or_default().to_owned();
        let host = match rest.strip_prefix("admin.shopify.com/store/") {
            Some(path) => format!("{}.myshopify.com", first_segment(path)),
            None => {
                let host = first_segment(rest);
                if host.contains('.') { host } else { format!("{host}.myshopify.com") }
            }
        };
        if SHOP_RE.is_match(&host) { Ok(ShopDomain(host)) } else { Err(InvalidShopDomain(input.trim().to_owned())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The store handle, e.g. `mystore`.
    pub fn handle(&self) -> &str {
        self.0.split('.').next().unwrap_or_default()
    }
}

impl std::fmt::Display for ShopDomain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ShopDomain {
    type Error = InvalidShopDomain;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ShopDomain::parse(&value)
    }
}

impl From<ShopDomain> for String {
    fn from(value: ShopDomain) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_merchants_type() {
        for input in [
            "mystore",
            "MyStore",
            "mystore.myshopify.com",
            " https://mystore.myshopify.com/admin ",
            "http://mystore.myshopify.com/",
            "admin.shopify.com/store/mystore",
            "https://admin.shopify.com/store/mystore/products",
        ] {
            assert_eq!(ShopDomain::parse(input).unwrap().as_str(), "mystore.myshopify.com", "{input}");
        }
        assert_eq!(ShopDomain::parse("my-store_2").unwrap().handle(), "my-store_2");
    }

    #[test]
    fn rejects_other_hosts_and_junk() {
        for input in
            ["", "-store", "mystore.com", "evil.com/mystore.myshopify.com", "my store", "a.b.myshopify.com.evil.io"]
        {
            assert!(ShopDomain::parse(input).is_err(), "{input}");
        }
    }
}
