//! SSRF guard for merchant-supplied store URLs. Outside development and demo, a store must be
//! https and must resolve only to public addresses; the check runs in the DNS resolver of the
//! HTTP client, so a name that later re-resolves to a private address is refused too.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("the store address must start with https://")]
    NotHttps,
    #[error("the store address points to a private or local network address, which is not allowed")]
    PrivateAddress,
    #[error("the store address is not a valid URL")]
    Invalid,
}

/// Whether `ip` is reachable on the public internet (not loopback, private, link-local, CGNAT,
/// unique-local, multicast, documentation or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && ip.segments()[1] == 0x0db8)
}

/// Checks what can be checked without DNS: the scheme, and an IP-literal host.
pub fn check_url(url: &url::Url, allow_private: bool) -> Result<(), GuardError> {
    if allow_private {
        return match url.scheme() {
            "https" | "http" => Ok(()),
            _ => Err(GuardError::Invalid),
        };
    }
    if url.scheme() != "https" {
        return Err(GuardError::NotHttps);
    }
    match url.host() {
        None => Err(GuardError::Invalid),
        Some(url::Host::Ipv4(ip)) if !is_public(ip.into()) => Err(GuardError::PrivateAddress),
        Some(url::Host::Ipv6(ip)) if !is_public(ip.into()) => Err(GuardError::PrivateAddress),
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost") => {
            Err(GuardError::PrivateAddress)
        }
        Some(_) => Ok(()),
    }
}

/// A resolver that only ever hands out public addresses.
#[derive(Debug, Clone, Default)]
pub struct PublicOnlyResolver;

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(GuardError::PrivateAddress) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// An HTTP client for merchant-supplied URLs: the shared settings plus, unless private
/// addresses are allowed, the public-only resolver.
pub fn store_client(timeout: std::time::Duration, allow_private: bool) -> reqwest::Client {
    use super::platforms::http::{client_builder, shared};
    match allow_private {
        true => shared("store, any address", timeout, || client_builder(timeout)),
        false => shared("store, public addresses", timeout, || {
            client_builder(timeout).dns_resolver(std::sync::Arc::new(PublicOnlyResolver))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(u: &str, allow: bool) -> Result<(), GuardError> {
        check_url(&url::Url::parse(u).unwrap(), allow)
    }

    #[test]
    fn private_and_local_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "104.16.0.1", "2606:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn store_urls_must_be_https_and_public_unless_allowed() {
        assert_eq!(check("http://shop.example.com", false), Err(GuardError::NotHttps));
        assert_eq!(check("https://127.0.0.1/shop", false), Err(GuardError::PrivateAddress));
        assert_eq!(check("https://[::1]/", false), Err(GuardError::PrivateAddress));
        assert_eq!(check("https://localhost:8443", false), Err(GuardError::PrivateAddress));
        assert_eq!(check("https://shop.example.com", false), Ok(()));
        assert_eq!(check("http://127.0.0.1:4002/demo-store", true), Ok(()));
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_that_resolve_to_loopback() {
        let client = store_client(std::time::Duration::from_secs(2), false);
        let err = client.get("http://localhost:9/").send().await.unwrap_err();
        assert!(format!("{err:?}").contains("PrivateAddress"), "{err:?}");
    }
}
