//! The platforms a store can be on.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// A store's platform. Stored as its `as_str` text (`connections.platform`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "shopify"))]
    Shopify,
    #[serde(rename = "woocommerce")]
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "woocommerce"))]
    WooCommerce,
}

impl Platform {
    pub const ALL: [Platform; 2] = [Platform::Shopify, Platform::WooCommerce];

    /// The stored and wire name: `shopify`, `woocommerce`.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Shopify => "shopify",
            Platform::WooCommerce => "woocommerce",
        }
    }

    /// The name people read: `Shopify`, `WooCommerce`.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Shopify => "Shopify",
            Platform::WooCommerce => "WooCommerce",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform {0:?}: expected shopify or woocommerce")]
pub struct UnknownPlatform(pub String);

impl FromStr for Platform {
    type Err = UnknownPlatform;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Platform::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| UnknownPlatform(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_name_round_trips_and_matches_serde() {
        for p in Platform::ALL {
            assert_eq!(p.as_str().parse::<Platform>(), Ok(p));
            assert_eq!(serde_json::to_value(p).unwrap(), serde_json::json!(p.as_str()));
        }
        assert!("Shopify".parse::<Platform>().is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn stored_name_matches_the_database_value() {
        use sea_orm::ActiveEnum;
        for p in Platform::ALL {
            assert_eq!(p.to_value(), p.as_str());
        }
    }
}
