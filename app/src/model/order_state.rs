//! Where a store order stands on its way to exactly one Prokip sale (ARCHITECTURE §4).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Claimed, not yet decided.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "pending"))]
    Pending,
    /// Arrived while its store's order import was paused; imported when it is resumed.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "paused"))]
    Paused,
    /// Unpaid: its stock is held, no sale yet.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "committed"))]
    Committed,
    /// The sell is being sent to Prokip (a crash here is recovered by looking the sell up).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "sending"))]
    Sending,
    /// Prokip has its sale.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "sent"))]
    Sent,
    /// Held until the merchant acts (e.g. an unmapped SKU).
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "needs_attention"))]
    NeedsAttention,
    /// Prokip refused it; a Retry may send it.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "failed"))]
    Failed,
    /// Cancelled before any sale existed.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "cancelled"))]
    Cancelled,
    /// Cancelled after the sale: the sell was deleted and the stock restored.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "deleted"))]
    Deleted,
}

impl OrderState {
    pub const ALL: [OrderState; 9] = [
        OrderState::Sent,
        OrderState::Committed,
        OrderState::NeedsAttention,
        OrderState::Failed,
        OrderState::Cancelled,
        OrderState::Deleted,
        OrderState::Sending,
        OrderState::Pending,
        OrderState::Paused,
    ];

    /// Its name in the database and in query strings.
    pub fn key(self) -> &'static str {
        match self {
            OrderState::Pending => "pending",
            OrderState::Paused => "paused",
            OrderState::Committed => "committed",
            OrderState::Sending => "sending",
            OrderState::Sent => "sent",
            OrderState::NeedsAttention => "needs_attention",
            OrderState::Failed => "failed",
            OrderState::Cancelled => "cancelled",
            OrderState::Deleted => "deleted",
        }
    }

    pub fn from_key(key: &str) -> Option<OrderState> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// What the Orders page calls it.
    pub fn label(self) -> &'static str {
        match self {
            OrderState::Sent => "Sent to Prokip",
            OrderState::Committed => "Unpaid: stock held",
            OrderState::Sending | OrderState::Pending => "In progress",
            OrderState::Paused => "Paused: imported when you resume",
            OrderState::NeedsAttention => "Needs attention",
            OrderState::Failed => "Failed",
            OrderState::Cancelled => "Cancelled",
            OrderState::Deleted => "Cancelled: restocked",
        }
    }

    /// Whether the merchant can send it again.
    pub fn retryable(self) -> bool {
        matches!(self, OrderState::Failed | OrderState::NeedsAttention)
    }
}
