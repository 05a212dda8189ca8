//! Who may read `/metrics` and where it is served: `METRICS_TOKEN` (a bearer token Prometheus
//! sends; without it the page is open) and `METRICS_ADDR` (a listener of its own, e.g.
//! `127.0.0.1:9464`, instead of the main port).

use super::{ConfigError, err};
use crate::backend::secret::Secret;
use std::net::SocketAddr;

/// The shortest token accepted: one a scraper's configuration can hold but nobody guesses.
const MIN_TOKEN_LEN: usize = 16;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsSettings {
    /// `Authorization: Bearer <token>` required when set.
    pub token: Option<Secret>,
    /// Served here (and not on the main port) when set.
    pub addr: Option<SocketAddr>,
}

impl MetricsSettings {
    pub(super) fn from_lookup(get: &impl Fn(&str) -> Option<String>, main: SocketAddr) -> Result<Self, ConfigError> {
        let token = match get("METRICS_TOKEN").map(|t| t.trim().to_owned()) {
            None => None,
            Some(t) if t.len() < MIN_TOKEN_LEN || !t.bytes().all(|b| b.is_ascii_graphic()) => {
                return Err(err(
                    "METRICS_TOKEN",
                    format!(
                        "must be at least {MIN_TOKEN_LEN} printable characters without spaces, e.g. `openssl rand -hex 32`"
                    ),
                ));
            }
            Some(t) => Some(Secret::new(t)),
        };
        let addr =
            match get("METRICS_ADDR") {
                None => None,
                Some(a) => Some(a.trim().parse::<SocketAddr>().map_err(|_| {
                    err("METRICS_ADDR", format!("`{a}` is not an address and port, e.g. 127.0.0.1:9464"))
                })?),
            };
        if addr.is_some_and(|a| a.port() == main.port() && (a.ip() == main.ip() || a.ip().is_unspecified())) {
            return Err(err("METRICS_ADDR", "must differ from the main address (BIND_ADDR and PORT)"));
        }
        Ok(MetricsSettings { token, addr })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<MetricsSettings, ConfigError> {
        let main = "127.0.0.1:3000".parse().unwrap();
        MetricsSettings::from_lookup(&|k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()), main)
    }

    #[test]
    fn defaults_open_on_the_main_port_and_bad_values_name_their_variable() {
        assert_eq!(read(&[]).unwrap(), MetricsSettings::default());
        let set = read(&[("METRICS_TOKEN", "0123456789abcdef0123"), ("METRICS_ADDR", "127.0.0.1:9464")]).unwrap();
        assert_eq!(set.token.unwrap().expose(), "0123456789abcdef0123");
        assert_eq!(set.addr, Some("127.0.0.1:9464".parse().unwrap()));
        assert_eq!(read(&[("METRICS_TOKEN", "short")]).unwrap_err().var, "METRICS_TOKEN");
        assert_eq!(read(&[("METRICS_TOKEN", "has a space in it, long enough")]).unwrap_err().var, "METRICS_TOKEN");
        assert_eq!(read(&[("METRICS_ADDR", "9464")]).unwrap_err().var, "METRICS_ADDR");
        assert_eq!(read(&[("METRICS_ADDR", "0.0.0.0:3000")]).unwrap_err().var, "METRICS_ADDR");
    }
}
