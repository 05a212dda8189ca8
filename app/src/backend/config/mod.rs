//! Configuration from the environment (and `.env` in development). A missing or invalid value
//! stops startup with a message that names the variable and says what to do.

mod encryption;
mod metrics;
mod platforms;
mod retention;
mod smtp;
mod sync;

pub use encryption::Encryption;
pub use metrics::MetricsSettings;
pub use platforms::{DEMO_PROKIP_API, DEMO_PROKIP_CLIENT, DEMO_SHOPIFY_APP, DEMO_SHOPIFY_TEMPLATE, Platforms};
pub use retention::Retention;
pub use smtp::SmtpSettings;
pub use sync::SyncSettings;

use crate::backend::auth::TrustedProxies;
use std::{fmt, net::IpAddr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Test,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub database_max_connections: u32,
    pub bind_addr: IpAddr,
    pub port: u16,
    pub app_env: AppEnv,
    /// Where browsers and platforms reach us, e.g. `https://sync.example.com`; no trailing slash.
    pub public_url: String,
    pub log_format: LogFormat,
    /// Demo mode: the platforms are the local mocks, and the dashboard says so.
    pub mock_mode: bool,
    pub platforms: Platforms,
    pub encryption: Encryption,
    /// Poll and reconcile intervals.
    pub sync: SyncSettings,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` name the client (`TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
    /// How long webhook payloads and activity are kept.
    pub retention: Retention,
    /// Who may read `/metrics`, and on which address.
    pub metrics: MetricsSettings,
    /// The relay alert e-mails go through; none when `SMTP_URL` is not set.
    pub smtp: Option<SmtpSettings>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("database_max_connections", &self.database_max_connections)
            .field("bind_addr", &self.bind_addr)
            .field("port", &self.port)
            .field("app_env", &self.app_env)
            .field("public_url", &self.public_url)
            .field("log_format", &self.log_format)
            .field("mock_mode", &self.mock_mode)
            .field("platforms", &self.platforms)
            .field("encryption", &self.encryption)
            .field("sync", &self.sync)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("retention", &self.retention)
            .field("metrics", &self.metrics)
            .field("smtp", &self.smtp)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:[redacted]@host/db`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s + 3 => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:[redacted]{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("configuration error: {var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

pub(crate) fn err(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError { var, message: message.into() }
}

impl Config {
    /// Reads the process environment, after loading `.env` when present.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database_url = get("DATABASE_URL").ok_or_else(|| {
            err(
                "DATABASE_URL",
                "not set. Set it to postgres://user:password@host:port/database, or start the product with \
                 `make run`, which runs a private PostgreSQL for you.",
            )
        })?;
        if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(err("DATABASE_URL", "must start with postgres:// or postgresql://"));
        }
        let app_env = match get("APP_ENV").or_else(|| get("NODE_ENV")).as_deref() {
            None | Some("development") | Some("dev") => AppEnv::Development,
            Some("test") => AppEnv::Test,
            Some("production") | Some("prod") => AppEnv::Production,
            Some(other) => {
                return Err(err("APP_ENV", format!("`{other}` is not one of development, test, production")));
            }
        };
        let port = parse(&get, "PORT", 3000u16)?;
        let bind_addr = parse(&get, "BIND_ADDR", IpAddr::from([127, 0, 0, 1]))?;
        let database_max_connections = parse(&get, "DATABASE_MAX_CONNECTIONS", 10u32)?;
        if database_max_connections < 2 {
            return Err(err("DATABASE_MAX_CONNECTIONS", "must be at least 2"));
        }
        let public_url =
            get("PUBLIC_URL").unwrap_or_else(|| format!("http://127.0.0.1:{port}")).trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(err("PUBLIC_URL", "must be an absolute http:// or https:// URL"));
        }
        if app_env == AppEnv::Production && !public_url.starts_with("https://") {
            return Err(err("PUBLIC_URL", "must be https:// in production (platforms only deliver webhooks to https)"));
        }
        let log_format = match get("LOG_FORMAT").as_deref() {
            None if app_env == AppEnv::Production => LogFormat::Json,
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => return Err(err("LOG_FORMAT", format!("`{other}` is not one of pretty, json"))),
        };
        let mock_mode = parse_bool(&get, "MOCK_MODE")?;
        if mock_mode && app_env == AppEnv::Production {
            return Err(err(
                "MOCK_MODE",
                "cannot be true in production: it points the product at the local mock platforms",
            ));
        }
        let production = app_env == AppEnv::Production;
        let platforms = Platforms::from_lookup(&get, mock_mode, production)?;
        let encryption = Encryption::from_lookup(&get, production)?;
        let sync = SyncSettings::from_lookup(&get)?;
        let trusted_proxies = TrustedProxies::parse(&get("TRUSTED_PROXIES").unwrap_or_default())
            .map_err(|e| err("TRUSTED_PROXIES", format!("{e}; list your reverse proxies' CIDRs, comma-separated")))?;
        Ok(Config {
            database_url,
            database_max_connections,
            bind_addr,
            port,
            app_env,
            public_url,
            log_format,
            mock_mode,
            platforms,
            encryption,
            sync,
            trusted_proxies,
            retention: Retention::from_lookup(&get)?,
            metrics: MetricsSettings::from_lookup(&get, std::net::SocketAddr::new(bind_addr, port))?,
            smtp: SmtpSettings::from_lookup(&get, production)?,
        })
    }

    /// Where the Shopify OAuth callback lands.
    pub fn shopify_redirect_uri(&self) -> String {
        self.platforms
            .redirect_uri
            .clone()
            .unwrap_or_else(|| format!("{}/connections/callback/shopify", self.public_url))
    }

    /// The base URL platforms deliver webhooks to.
    pub fn webhook_base(&self) -> &str {
        self.platforms.webhook_base.as_deref().unwrap_or(&self.public_url)
    }

    /// Cookies carry `Secure` when the public address is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// `scheme://host[:port]` of `PUBLIC_URL`, the origin same-site requests come from.
    pub fn public_origin(&self) -> String {
        let rest = self.public_url.split_once("://").map(|(_, r)| r).unwrap_or("");
        let host = rest.split('/').next().unwrap_or("");
        let scheme = if self.secure_cookies() { "https" } else { "http" };
        format!("{scheme}://{host}")
    }
}

fn parse<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match get(var) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| err(var, format!("`{v}` is not valid"))),
    }
}

pub(crate) fn parse_bool(get: &impl Fn(&str) -> Option<String>, var: &'static str) -> Result<bool, ConfigError> {
    match get(var).map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("false") | Some("0") | Some("no") => Ok(false),
        Some("true") | Some("1") | Some("yes") => Ok(true),
        Some(other) => Err(err(var, format!("`{other}` is not true or false"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    const DB: (&str, &str) = ("DATABASE_URL", "postgres://u:pw@localhost/db");
    const PRODUCTION: [(&str, &str); 9] = [
        DB,
        ("APP_ENV", "production"),
        ("PUBLIC_URL", "https://x.example"),
        ("ENCRYPTION_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
        ("PROKIP_CLIENT_ID", "7"),
        ("PROKIP_CLIENT_SECRET", "prokip-secret"),
        ("SHOPIFY_CLIENT_ID", "abc"),
        ("SHOPIFY_CLIENT_SECRET", "shpss_secret"),
        ("METRICS_TOKEN", "metrics-token-0123456789"),
    ];

    #[test]
    fn production_requires_the_encryption_key_and_app_credentials() {
        let without = |var: &str| PRODUCTION.iter().copied().filter(|(k, _)| *k != var).collect::<Vec<_>>();
        assert_eq!(cfg(&without("ENCRYPTION_KEY")).unwrap_err().var, "ENCRYPTION_KEY");
        assert_eq!(cfg(&without("SHOPIFY_CLIENT_SECRET")).unwrap_err().var, "SHOPIFY_CLIENT_SECRET");
        let mut bad = PRODUCTION.to_vec();
        bad[3] = ("ENCRYPTION_KEY", "c2hvcnQ=");
        assert_eq!(cfg(&bad).unwrap_err().var, "ENCRYPTION_KEY");
        assert!(cfg(&PRODUCTION).is_ok());
    }

    #[test]
    fn demo_mode_points_every_platform_at_the_local_mocks() {
        let c = cfg(&[DB, ("MOCK_MODE", "true")]).unwrap();
        assert_eq!(c.platforms.prokip_api, DEMO_PROKIP_API);
        assert_eq!(c.platforms.shopify_shop_url_template, DEMO_SHOPIFY_TEMPLATE);
        assert!(c.platforms.allow_private_store_urls);
        let real = cfg(&[DB]).unwrap();
        assert_eq!(real.platforms.prokip_api, "https://api.prokip.africa");
        assert!(!real.platforms.allow_private_store_urls);
    }

    #[test]
    fn secrets_do_not_appear_in_debug_output() {
        let shown = format!("{:?}", cfg(&PRODUCTION).unwrap());
        for secret in ["prokip-secret", "shpss_secret", "AAECAwQFBgcICQ", "metrics-token"] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
    }

    #[test]
    fn missing_database_url_names_the_variable() {
        assert_eq!(cfg(&[]).unwrap_err().var, "DATABASE_URL");
    }

    #[test]
    fn bad_port_names_the_variable() {
        assert_eq!(cfg(&[DB, ("PORT", "eighty")]).unwrap_err().var, "PORT");
    }

    #[test]
    fn production_requires_https_public_url() {
        assert_eq!(cfg(&[DB, ("APP_ENV", "production")]).unwrap_err().var, "PUBLIC_URL");
        let mut vars = PRODUCTION.to_vec();
        vars.push(("PUBLIC_URL", "https://sync.example.com/"));
        let c = cfg(&vars).unwrap();
        assert!(c.secure_cookies());
        assert_eq!(c.public_origin(), "https://sync.example.com");
    }

    #[test]
    fn defaults_serve_on_loopback_3000() {
        let c = cfg(&[DB]).unwrap();
        assert_eq!(c.port, 3000);
        assert_eq!(c.public_origin(), "http://127.0.0.1:3000");
        assert!(!c.secure_cookies());
    }

    #[test]
    fn mock_mode_is_refused_in_production() {
        let mut vars = PRODUCTION.to_vec();
        vars.push(("MOCK_MODE", "true"));
        assert_eq!(cfg(&vars).unwrap_err().var, "MOCK_MODE");
        assert!(cfg(&[DB, ("MOCK_MODE", "true")]).unwrap().mock_mode);
        assert_eq!(cfg(&[DB, ("MOCK_MODE", "maybe")]).unwrap_err().var, "MOCK_MODE");
    }

    #[test]
    fn trusted_proxies_default_to_none_and_a_bad_list_names_the_variable() {
        assert_eq!(cfg(&[DB]).unwrap().trusted_proxies, TrustedProxies::default());
        assert!(cfg(&[DB, ("TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32")]).is_ok());
        assert_eq!(cfg(&[DB, ("TRUSTED_PROXIES", "10.0.0.0/40")]).unwrap_err().var, "TRUSTED_PROXIES");
    }

    #[test]
    fn debug_hides_the_database_password() {
        let c = cfg(&[DB]).unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("pw@"), "{shown}");
        assert!(shown.contains("u:[redacted]@localhost"), "{shown}");
    }
}
