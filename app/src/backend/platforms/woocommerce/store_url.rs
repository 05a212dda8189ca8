//! `StoreUrl`: a WooCommerce store address as the merchant types it, validated and normalised
//! once (scheme, no trailing slash, sub-directory installs kept, HTTPS unless a local test store).

use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreUrlError {
    #[error("enter the address of your store, e.g. https://shop.example.com")]
    Empty,
    #[error("\"{0}\" is not a web address; enter it like https://shop.example.com")]
    Invalid(String),
    #[error("the store address must start with https:// (found {0}://)")]
    UnsupportedScheme(String),
    #[error("the store must be reached over HTTPS so that the API keys stay secret; use https://")]
    HttpsRequired,
    #[error("{0} is a private or local address; only public stores can be connected")]
    PrivateAddress(String),
    #[error("remove the user name or password from the store address")]
    HasCredentials,
}

/// A normalised store base URL, e.g. `https://example.com` or `https://example.com/shop`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct StoreUrl(String);

impl StoreUrl {
    /// Parses what a merchant typed. `allow_private` (config `ALLOW_PRIVATE_STORE_URLS`) admits
    /// loopback and private hosts, and plain `http://` to loopback, for local test stores.
    pub fn parse(input: &str, allow_private: bool) -> Result<StoreUrl, StoreUrlError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(StoreUrlError::Empty);
        }
        let with_scheme = if trimmed.contains("://") { trimmed.to_owned() } else { format!("https://{trimmed}") };
        let url = url::Url::parse(&with_scheme).map_err(|_| StoreUrlError::Invalid(trimmed.to_owned()))?;
        let host = match url.host() {
            Some(h) => h.to_owned(),
            None => return Err(StoreUrlError::Invalid(trimmed.to_owned())),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(StoreUrlError::HasCredentials);
        }
        let local = is_local(&host);
        match url.scheme() {
            "https" => {}
            "http" if allow_private && is_loopback(&host) => {}
            "http" => return Err(StoreUrlError::HttpsRequired),
            other => return Err(StoreUrlError::UnsupportedScheme(other.to_owned())),
        }
        if local && !allow_private {
            return Err(StoreUrlError::PrivateAddress(host.to_string()));
        }
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        let path = store_path(url.path());
        Ok(StoreUrl(format!("{}://{}{port}{path}", url.scheme(), host_text(&host))))
    }

    /// The normalised address, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The REST API v3 base, `{store}/wp-json/wc/v3`.
    pub fn api_base(&self) -> String {
        format!("{}/wp-json/wc/v3", self.0)
    }

    /// WordPress `home_url('/')`, as WooCommerce sends it in `X-WC-Webhook-Source`.
    pub fn home_url(&self) -> String {
        format!("{}/", self.0)
    }
}

impl std::fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The install path: what precedes `/wp-admin`, `/wp-json` or `/wp-login.php` (merchants often
/// paste an admin address), without trailing slashes.
fn store_path(path: &str) -> String {
    let cut = ["/wp-admin", "/wp-json", "/wp-login.php"]
        .iter()
        .filter_map(|marker| path.find(marker))
        .min()
        .unwrap_or(path.len());
    path[..cut].trim_end_matches('/').to_owned()
}

fn host_text(host: &url::Host<String>) -> String {
    match host {
        url::Host::Domain(d) => d.to_ascii_lowercase(),
        url::Host::Ipv4(ip) => ip.to_string(),
        url::Host::Ipv6(ip) => format!("[{ip}]"),
    }
}

fn is_loopback(host: &url::Host<String>) -> bool {
    match host {
        url::Host::Domain(d) => is_localhost_name(d),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

fn is_localhost_name(domain: &str) -> bool {
    let d = domain.trim_end_matches('.').to_ascii_lowercase();
    d == "localhost" || d.ends_with(".localhost")
}

/// Loopback, private, link-local and unspecified addresses (by literal; names are resolved later).
fn is_local(host: &url::Host<String>) -> bool {
    match host {
        url::Host::Domain(d) => is_localhost_name(d),
        url::Host::Ipv4(ip) => is_local_ip(IpAddr::V4(*ip)),
        url::Host::Ipv6(ip) => is_local_ip(IpAddr::V6(*ip)),
    }
}

/// Anything the SSRF guard would refuse at connect time (private, loopback, link-local, CGNAT,
/// unique-local, multicast, documentation, …), so a typed address is refused up front, the same
/// way on every path (keys and the one-click grant, whose redirect happens before any request).
fn is_local_ip(ip: IpAddr) -> bool {
    !crate::backend::net_guard::is_public(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str, allow_private: bool) -> String {
        StoreUrl::parse(input, allow_private).unwrap_or_else(|e| panic!("{input}: {e}")).as_str().to_owned()
    }

    #[test]
    fn normalises_scheme_case_and_trailing_slash() {
        assert_eq!(ok("shop.example.com", false), "https://shop.example.com");
        assert_eq!(ok("  HTTPS://Shop.Example.com/  ", false), "https://shop.example.com");
        assert_eq!(ok("https://example.com:8443/", false), "https://example.com:8443");
    }

    #[test]
    fn keeps_a_subdirectory_install_and_drops_admin_paths() {
        assert_eq!(ok("https://example.com/shop/", false), "https://example.com/shop");
        assert_eq!(ok("https://example.com/shop/wp-admin/admin.php?page=wc", false), "https://example.com/shop");
        assert_eq!(ok("https://example.com/wp-json/wc/v3", false), "https://example.com");
    }

    #[test]
    fn requires_https_for_public_hosts() {
        assert_eq!(StoreUrl::parse("http://shop.example.com", false), Err(StoreUrlError::HttpsRequired));
        assert_eq!(StoreUrl::parse("http://shop.example.com", true), Err(StoreUrlError::HttpsRequired));
        assert!(matches!(StoreUrl::parse("ftp://shop.example.com", false), Err(StoreUrlError::UnsupportedScheme(_))));
    }

    #[test]
    fn plain_http_to_loopback_only_when_private_urls_are_allowed() {
        assert_eq!(ok("http://127.0.0.1:4002/demo-store", true), "http://127.0.0.1:4002/demo-store");
        assert_eq!(ok("http://localhost:4002", true), "http://localhost:4002");
        assert_eq!(ok("http://[::1]:4002/s", true), "http://[::1]:4002/s");
        assert_eq!(StoreUrl::parse("http://127.0.0.1:4002", false), Err(StoreUrlError::HttpsRequired));
        assert_eq!(StoreUrl::parse("http://10.0.0.5", true), Err(StoreUrlError::HttpsRequired));
    }

    #[test]
    fn private_hosts_are_refused_unless_allowed() {
        for input in [
            "https://127.0.0.1",
            "https://10.1.2.3",
            "https://192.168.1.1",
            "https://169.254.169.254",
            "https://localhost",
            "https://[fd00::1]",
            "https://100.64.0.1",
            "https://224.0.0.1",
            "https://[::ffff:100.64.0.1]",
        ] {
            assert!(matches!(StoreUrl::parse(input, false), Err(StoreUrlError::PrivateAddress(_))), "{input}");
        }
        assert_eq!(ok("https://10.1.2.3", true), "https://10.1.2.3");
    }

    #[test]
    fn rejects_garbage_and_credentials() {
        assert_eq!(StoreUrl::parse("   ", false), Err(StoreUrlError::Empty));
        assert!(matches!(StoreUrl::parse("https://", false), Err(StoreUrlError::Invalid(_))));
        assert!(matches!(StoreUrl::parse("not a url at all", false), Err(StoreUrlError::Invalid(_))));
        assert_eq!(StoreUrl::parse("https://ck:cs@shop.example.com", false), Err(StoreUrlError::HasCredentials));
    }

    #[test]
    fn derived_addresses() {
        let s = StoreUrl::parse("https://example.com/shop", false).unwrap();
        assert_eq!(s.api_base(), "https://example.com/shop/wp-json/wc/v3");
        assert_eq!(s.home_url(), "https://example.com/shop/");
    }
}
