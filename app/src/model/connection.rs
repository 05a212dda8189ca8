//! The health of a store connection, as the Connections page shows it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A connection's status. Stored as its `as_str` text (`connections.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::DeriveActiveEnum, sea_orm::EnumIter))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    /// Syncing (unless paused).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "healthy"))]
    Healthy,
    /// Connected, but something needs the merchant (its reason is stored beside it).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "needs_attention"))]
    NeedsAttention,
    /// The store removed our app: credentials purged, history kept.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "uninstalled"))]
    Uninstalled,
    /// The merchant disconnected it: history kept, no longer listed.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "disconnected"))]
    Disconnected,
}

impl ConnectionStatus {
    pub const ALL: [ConnectionStatus; 4] = [
        ConnectionStatus::Healthy,
        ConnectionStatus::NeedsAttention,
        ConnectionStatus::Uninstalled,
        ConnectionStatus::Disconnected,
    ];

    /// The stored and wire name: `healthy`, `needs_attention`, `uninstalled`, `disconnected`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Healthy => "healthy",
            ConnectionStatus::NeedsAttention => "needs_attention",
            ConnectionStatus::Uninstalled => "uninstalled",
            ConnectionStatus::Disconnected => "disconnected",
        }
    }
}

impl fmt::Display for ConnectionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_name_matches_serde() {
        for s in ConnectionStatus::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(s.as_str()));
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn stored_name_matches_the_database_value() {
        use sea_orm::ActiveEnum;
        for s in ConnectionStatus::ALL {
            assert_eq!(s.to_value(), s.as_str());
        }
    }
}
