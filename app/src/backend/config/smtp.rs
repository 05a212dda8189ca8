//! Where alert e-mails go out: `SMTP_URL` (the relay, with its credentials) and `SMTP_FROM` (the
//! sender). Without them the product sends no e-mail and Settings says so; webhook alerts work
//! either way.
//!
//! `SMTP_URL` forms (lettre's): `smtps://user:password@smtp.example.com` (TLS from the start, port
//! 465), `smtp://user:password@smtp.example.com?tls=required` (STARTTLS, port 587),
//! `smtp://127.0.0.1:25` (a local relay, no TLS). Characters such as `@` or `/` in the user or
//! password are percent-encoded.

use super::{ConfigError, err};
use crate::backend::secret::Secret;
use lettre::{AsyncSmtpTransport, Tokio1Executor, message::Mailbox};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// The relay URL; it may hold a password, so it is never printed.
    pub url: Secret,
    /// `Name <address>` or a bare address alerts are sent from.
    pub from: Mailbox,
}

impl SmtpSettings {
    pub(super) fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
        production: bool,
    ) -> Result<Option<Self>, ConfigError> {
        let (url, from) = match (get("SMTP_URL"), get("SMTP_FROM")) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err(err(
                    "SMTP_FROM",
                    "not set, but SMTP_URL is: set the address alerts are sent from, e.g. `Prokip Sync <alerts@example.com>` \
                     (your mail provider must allow it)",
                ));
            }
            (None, Some(_)) => {
                return Err(err(
                    "SMTP_URL",
                    "not set, but SMTP_FROM is: set your mail relay, e.g. smtps://user:password@smtp.example.com",
                ));
            }
            (Some(url), Some(from)) => (url.trim().to_owned(), from),
        };
        let parsed = url::Url::parse(&url).map_err(|_| {
            err("SMTP_URL", "is not a URL: use smtps://user:password@host, smtp://user:password@host?tls=required or smtp://host:port")
        })?;
        // lettre's own reading of the URL, so a value it would refuse stops startup instead of the first alert.
        AsyncSmtpTransport::<Tokio1Executor>::from_url(&url).map_err(|e| {
            err(
                "SMTP_URL",
                format!("is not usable ({e}): use smtps://, or smtp:// with ?tls=required or ?tls=opportunistic"),
            )
        })?;
        let tls = parsed.scheme() == "smtps" || parsed.query_pairs().any(|(k, v)| k == "tls" && v == "required");
        // smtp:// is not a scheme the URL standard knows, so its host stays text, IP addresses too.
        let loopback = parsed.host_str().is_some_and(|h| {
            let h = h.trim_start_matches('[').trim_end_matches(']');
            h == "localhost" || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        });
        if production && parsed.password().is_some() && !tls && !loopback {
            return Err(err(
                "SMTP_URL",
                "would send its password unencrypted: use smtps:// or add ?tls=required (a relay on this machine may stay plain)",
            ));
        }
        let from = from.trim().parse::<Mailbox>().map_err(|e| {
            err(
                "SMTP_FROM",
                format!(
                    "is not an e-mail address ({e}): use `alerts@example.com` or `Prokip Sync <alerts@example.com>`"
                ),
            )
        })?;
        Ok(Some(SmtpSettings { url: Secret::new(url), from }))
    }

    /// The relay's host and port as shown to an operator (no credentials).
    pub fn relay(&self) -> String {
        let Ok(u) = url::Url::parse(self.url.expose()) else { return String::new() };
        match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)], production: bool) -> Result<Option<SmtpSettings>, ConfigError> {
        SmtpSettings::from_lookup(&|k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()), production)
    }

    #[test]
    fn off_by_default_and_both_variables_go_together() {
        assert_eq!(read(&[], true).unwrap(), None);
        assert_eq!(read(&[("SMTP_URL", "smtps://u:p@smtp.example.com")], false).unwrap_err().var, "SMTP_FROM");
        assert_eq!(read(&[("SMTP_FROM", "alerts@example.com")], false).unwrap_err().var, "SMTP_URL");
        let set = read(
            &[("SMTP_URL", "smtps://u:p@smtp.example.com"), ("SMTP_FROM", "Prokip Sync <alerts@example.com>")],
            true,
        )
        .unwrap()
        .unwrap();
        assert_eq!(set.from.email.to_string(), "alerts@example.com");
        assert_eq!(set.relay(), "smtp.example.com");
        assert!(!format!("{set:?}").contains(":p@"), "the password never prints");
    }

    #[test]
    fn bad_values_name_their_variable_and_production_refuses_a_password_in_clear() {
        let from = ("SMTP_FROM", "alerts@example.com");
        for bad in ["not a url", "http://smtp.example.com", "smtp://smtp.example.com?tls=sometimes"] {
            assert_eq!(read(&[("SMTP_URL", bad), from], false).unwrap_err().var, "SMTP_URL", "{bad}");
        }
        assert_eq!(
            read(&[("SMTP_URL", "smtp://localhost:25"), ("SMTP_FROM", "nobody")], false).unwrap_err().var,
            "SMTP_FROM"
        );
        let plain = [("SMTP_URL", "smtp://u:p@smtp.example.com:587"), from];
        assert_eq!(read(&plain, true).unwrap_err().var, "SMTP_URL");
        assert!(read(&plain, false).unwrap().is_some(), "allowed outside production (local test relays)");
        assert!(read(&[("SMTP_URL", "smtp://u:p@smtp.example.com?tls=required"), from], true).unwrap().is_some());
        assert!(
            read(&[("SMTP_URL", "smtp://u:p@127.0.0.1:25"), from], true).unwrap().is_some(),
            "a relay on this machine"
        );
        assert!(read(&[("SMTP_URL", "smtp://u:p@[::1]:25"), from], true).unwrap().is_some());
        assert_eq!(
            read(&[("SMTP_URL", "smtp://u:p@127.0.0.1.example.com:25"), from], true).unwrap_err().var,
            "SMTP_URL"
        );
    }
}
