//! What an activity entry is about (its kind) and how it went (its status): closed sets, stored
//! as the text each `as_str` returns.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The area of the product an activity entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A store order or refund on its way to Prokip.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "order"))]
    Order,
    /// Stock written to a store.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "stock"))]
    Stock,
    /// Products created in or indexed from a store.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "catalog"))]
    Catalog,
    /// A platform's privacy request.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "compliance"))]
    Compliance,
}

/// How the thing an activity entry records went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "snake_case")]
pub enum ActivityStatus {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "ok"))]
    Ok,
    /// Did not go through; usually offers a Retry.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "failed"))]
    Failed,
    /// Held until the merchant does something (e.g. maps a SKU).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "needs_attention"))]
    NeedsAttention,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "info"))]
    Info,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 4] =
        [ActivityKind::Order, ActivityKind::Stock, ActivityKind::Catalog, ActivityKind::Compliance];

    /// The stored and wire name, e.g. `order`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Order => "order",
            ActivityKind::Stock => "stock",
            ActivityKind::Catalog => "catalog",
            ActivityKind::Compliance => "compliance",
        }
    }
}

impl ActivityStatus {
    pub const ALL: [ActivityStatus; 4] =
        [ActivityStatus::Ok, ActivityStatus::Failed, ActivityStatus::NeedsAttention, ActivityStatus::Info];
    /// The statuses of an open problem (until resolved).
    pub const PROBLEMS: [ActivityStatus; 2] = [ActivityStatus::Failed, ActivityStatus::NeedsAttention];

    /// The stored and wire name, e.g. `needs_attention`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityStatus::Ok => "ok",
            ActivityStatus::Failed => "failed",
            ActivityStatus::NeedsAttention => "needs_attention",
            ActivityStatus::Info => "info",
        }
    }
}

impl fmt::Display for ActivityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ActivityStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_match_serde() {
        for k in ActivityKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for s in ActivityStatus::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn stored_names_match_the_database_values() {
        use sea_orm::ActiveEnum;
        for k in ActivityKind::ALL {
            assert_eq!(k.to_value(), k.as_str());
        }
        for s in ActivityStatus::ALL {
            assert_eq!(s.to_value(), s.as_str());
        }
    }
}
