//! The client address of a request: the socket peer, or, when the peer is one of our trusted
//! proxies (`TRUSTED_PROXIES`), the rightmost address in `Forwarded` / `X-Forwarded-For` that is not
//! a trusted proxy. A client can write anything into those headers, so only what our own proxies
//! appended is believed. The login throttle and the request logs key on it.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The networks whose requests may name the client they forward. Empty: trust nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Comma-separated CIDRs (`10.0.0.0/8, ::1/128`); a bare address is one host.
    pub fn parse(list: &str) -> Result<Self, String> {
        let nets = list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("`{s}` is not a CIDR (e.g. 10.0.0.0/8) or an IP address"))
        });
        nets.collect::<Result<_, _>>().map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client a request comes from, given the socket peer and the request's headers.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer.to_canonical();
        }
        let mut client = peer.to_canonical();
        for hop in forwarded_chain(headers).into_iter().rev() {
            match hop {
                // What a trusted hop reports is believed; the first untrusted address is the client.
                Some(ip) if self.trusts(ip) => client = ip.to_canonical(),
                Some(ip) => return ip.to_canonical(),
                // A hop we cannot read (`unknown`, an obfuscated name): nothing left of it is reliable.
                None => return client,
            }
        }
        client
    }

    /// The client address of a request as the server sees it.
    pub fn client_of(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> String {
        peer.map(|p| self.client(p.ip(), headers).to_string()).unwrap_or_else(|| "unknown".into())
    }
}

/// The addresses a request passed through, leftmost (the original client) first: `Forwarded`'s
/// `for=` when present, else `X-Forwarded-For`. `None` for an entry that is not an address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| address(v))
            })
            .collect();
    }
    values("x-forwarded-for").iter().flat_map(|v| v.split(',')).map(address).collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `"[2001:db8::1]:4711"`, `2001:db8::1` → the address.
fn address(raw: &str) -> Option<IpAddr> {
    let s = raw.trim().trim_matches('"');
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    s.parse().ok().or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn nobody_is_trusted_by_default() {
        let none = TrustedProxies::parse("").unwrap();
        assert_eq!(none.client(ip("10.0.0.2"), &headers(&[("x-forwarded-for", "1.2.3.4")])), ip("10.0.0.2"));
    }

    #[test]
    fn the_rightmost_untrusted_address_is_the_client() {
        let t = TrustedProxies::parse("10.0.0.0/8, 192.168.1.1").unwrap();
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.1.2.3")]);
        assert_eq!(t.client(ip("10.0.0.2"), &h), ip("203.0.113.9"), "the spoofed leftmost entry is ignored");
        let h = headers(&[("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(t.client(ip("192.168.1.1"), &h), ip("203.0.113.9"), "repeated headers are one list");
        assert_eq!(t.client(ip("203.0.113.50"), &h), ip("203.0.113.50"), "an untrusted peer's header is ignored");
    }

    #[test]
    fn forwarded_is_read_with_ports_quotes_and_ipv6() {
        let t = TrustedProxies::parse("::1/128,127.0.0.1/32").unwrap();
        let h = headers(&[("forwarded", r#"for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https"#)]);
        assert_eq!(t.client(ip("::1"), &h), ip("2001:db8:cafe::17"));
        let h = headers(&[("forwarded", "For=198.51.100.7:1234;by=127.0.0.1")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("198.51.100.7"));
        let h = headers(&[("forwarded", "for=unknown"), ("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(t.client(ip("127.0.0.1"), &h), ip("127.0.0.1"), "an unreadable hop stops at the proxy");
    }

    #[test]
    fn bad_lists_are_refused() {
        for bad in ["10.0.0.0/33", "ten", "10.0.0.0/8,,nope"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }
}
