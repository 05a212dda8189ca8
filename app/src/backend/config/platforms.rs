//! Platform settings: where Prokip, Shopify and WooCommerce are, and our app credentials there.
//! In demo mode (`MOCK_MODE=true`) every default points at the local mock platforms.

use super::{ConfigError, err, parse_bool};
use crate::backend::secret::Secret;

/// The OAuth client the mock platforms accept in demo mode (not a secret: the mocks are local).
pub const DEMO_PROKIP_CLIENT: (&str, &str) = ("7", "prokip-mock-client-secret");
pub const DEMO_SHOPIFY_APP: (&str, &str) = ("prokip-sync-demo", "shpss_demo_secret");
pub const DEMO_PROKIP_API: &str = "http://127.0.0.1:4000";
pub const DEMO_SHOPIFY_TEMPLATE: &str = "http://127.0.0.1:4001/{shop}";

#[derive(Debug, Clone)]
pub struct Platforms {
    /// Prokip API origin (`PROKIP_API`).
    pub prokip_api: String,
    pub prokip_client_id: String,
    pub prokip_client_secret: Secret,
    pub shopify_client_id: String,
    pub shopify_client_secret: Secret,
    /// Where a shop's admin lives; `{shop}` is replaced by `name.myshopify.com`.
    pub shopify_shop_url_template: String,
    /// Lets store URLs be plain http on loopback/private addresses (development and demo only).
    pub allow_private_store_urls: bool,
    /// Shopify OAuth callback (`REDIRECT_URI`); default `{PUBLIC_URL}/connections/callback/shopify`.
    pub redirect_uri: Option<String>,
    /// Base URL platforms deliver webhooks to (from `WEBHOOK_URL`); default `PUBLIC_URL`.
    pub webhook_base: Option<String>,
}

impl Platforms {
    pub(super) fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
        mock_mode: bool,
        production: bool,
    ) -> Result<Self, ConfigError> {
        let or_demo = |var: &'static str, demo: &str| -> Result<String, ConfigError> {
            match get(var) {
                Some(v) => Ok(v),
                None if mock_mode => Ok(demo.to_owned()),
                None => Ok(String::new()),
            }
        };
        let prokip_api = get("PROKIP_API")
            .unwrap_or_else(|| if mock_mode { DEMO_PROKIP_API } else { "https://api.prokip.africa" }.to_owned())
            .trim_end_matches('/')
            .to_owned();
        if !(prokip_api.starts_with("https://") || (!production && prokip_api.starts_with("http://"))) {
            return Err(err("PROKIP_API", "must be an https:// URL (http:// only outside production)"));
        }
        let template = get("SHOPIFY_SHOP_URL_TEMPLATE")
            .unwrap_or_else(|| if mock_mode { DEMO_SHOPIFY_TEMPLATE } else { "https://{shop}" }.to_owned());
        if !template.contains("{shop}") {
            return Err(err("SHOPIFY_SHOP_URL_TEMPLATE", "must contain {shop}, e.g. https://{shop}"));
        }
        let allow_private = match get("ALLOW_PRIVATE_STORE_URLS") {
            None => mock_mode,
            Some(_) => parse_bool(get, "ALLOW_PRIVATE_STORE_URLS")?,
        };
        if allow_private && production {
            return Err(err("ALLOW_PRIVATE_STORE_URLS", "cannot be true in production"));
        }
        let platforms = Platforms {
            prokip_api,
            prokip_client_id: or_demo("PROKIP_CLIENT_ID", DEMO_PROKIP_CLIENT.0)?,
            prokip_client_secret: Secret::new(or_demo("PROKIP_CLIENT_SECRET", DEMO_PROKIP_CLIENT.1)?),
            shopify_client_id: or_demo("SHOPIFY_CLIENT_ID", DEMO_SHOPIFY_APP.0)?,
            shopify_client_secret: Secret::new(or_demo("SHOPIFY_CLIENT_SECRET", DEMO_SHOPIFY_APP.1)?),
            shopify_shop_url_template: template,
            allow_private_store_urls: allow_private,
            redirect_uri: get("REDIRECT_URI"),
            webhook_base: get("WEBHOOK_URL").map(|u| webhook_base(&u, production)).transpose()?,
        };
        if production {
            for (var, value) in [
                ("PROKIP_CLIENT_ID", &platforms.prokip_client_id),
                ("PROKIP_CLIENT_SECRET", &platforms.prokip_client_secret.expose().to_owned()),
                ("SHOPIFY_CLIENT_ID", &platforms.shopify_client_id),
                ("SHOPIFY_CLIENT_SECRET", &platforms.shopify_client_secret.expose().to_owned()),
            ] {
                if value.is_empty() {
                    return Err(err(var, "is required in production"));
                }
            }
        }
        Ok(platforms)
    }
}

/// Where our webhook routes live under a base URL; the seed's `WEBHOOK_URL` names the Shopify one.
const WEBHOOK_PATHS: [&str; 3] =
    ["/connections/webhook/shopify", "/connections/webhook/woocommerce", "/connections/webhook"];

/// `WEBHOOK_URL` is either a base (`https://sync.example.com`) or, as the seed has it, the full
/// address of a webhook route (`https://sync.example.com/connections/webhook/shopify`); both give
/// the base. Anything else is refused rather than registered as a wrong address.
fn webhook_base(raw: &str, production: bool) -> Result<String, ConfigError> {
    let refuse = |why: &str| {
        err(
            "WEBHOOK_URL",
            format!(
                "`{raw}` {why}. Set it to the base URL platforms reach us at (https://sync.example.com) or to \
                 the full Shopify webhook address (https://sync.example.com/connections/webhook/shopify)"
            ),
        )
    };
    let url = raw.trim().trim_end_matches('/');
    let Some((scheme, rest)) = url.split_once("://") else { return Err(refuse("is not an absolute URL")) };
    if !(scheme == "https" || (scheme == "http" && !production)) {
        return Err(refuse(if production { "must be https:// in production" } else { "must be http:// or https://" }));
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err(refuse("is not a plain URL with a host"));
    }
    let base = WEBHOOK_PATHS.iter().find_map(|p| url.strip_suffix(p)).unwrap_or(url);
    if base[scheme.len() + 3..].contains("/connections/") {
        return Err(refuse("names a path that is not one of our webhook routes"));
    }
    Ok(base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::webhook_base;

    #[test]
    fn webhook_url_is_a_base_or_the_seeds_full_address() {
        let base = "https://sync.example.com/prefix";
        assert_eq!(webhook_base("https://sync.example.com/prefix/", true).unwrap(), base);
        assert_eq!(webhook_base("https://sync.example.com/prefix/connections/webhook/shopify", true).unwrap(), base);
        assert_eq!(
            webhook_base("https://sync.example.com/prefix/connections/webhook/woocommerce", true).unwrap(),
            base
        );
        assert_eq!(
            webhook_base("http://127.0.0.1:3000/connections/webhook/shopify", false).unwrap(),
            "http://127.0.0.1:3000"
        );
    }

    #[test]
    fn a_webhook_url_that_cannot_be_read_is_refused() {
        for bad in [
            "sync.example.com",
            "ftp://sync.example.com",
            "https://",
            "https://sync.example.com/?x=1",
            "https://sync.example.com/connections/webhooks/shopify",
            "https://sync.example.com/connections/webhook/shopify/compliance",
        ] {
            assert_eq!(webhook_base(bad, false).unwrap_err().var, "WEBHOOK_URL", "{bad}");
        }
        assert!(webhook_base("http://sync.example.com", true).is_err(), "http in production");
    }
}
