//! Shopify Admin API client (GraphQL only, version `2026-01`): the OAuth install flow with expiring
//! offline tokens, catalog and inventory calls, webhook subscriptions, order back-fill, and the
//! HMAC checks for OAuth redirects and webhook deliveries.

mod bulk;
mod catalog;
mod domain;
mod error;
mod graphql;
mod inventory;
mod oauth;
mod orders;
mod signing;
mod types;
mod webhooks;

pub use bulk::{DEFAULT_BULK_ABOVE, DEFAULT_BULK_DEADLINE};
pub use domain::{InvalidShopDomain, ShopDomain};
pub use error::{GraphQlError, ShopifyError, UserError};
pub use graphql::{ShopifyClient, ThrottleStatus};
pub use inventory::{InventoryErrorCode, InventoryUserError, QuantityChange, SetItem, SetOutcome};
pub use oauth::{Callback, CallbackError, DEFAULT_SHOP_URL_TEMPLATE, SCOPES, ShopTokens, ShopifyApp};
pub use orders::PulledOrder;
pub use signing::{query_message, sign_query, verify_query, verify_webhook};
pub use types::{
    FinancialStatus, LineItem, Location, NewProduct, NewVariant, Order, Page, PriceSet, Refund, RefundLineItem,
    ShippingLine, Shop, ShopMoney, TaxLine, Variant, WebhookSubscription, gid_number,
};
pub use webhooks::WebhookTopic;

/// The Admin API version every call is pinned to.
pub const API_VERSION: &str = "2026-01";
/// Most items one `inventorySetQuantities` call may carry.
pub const MAX_SET_ITEMS: usize = 250;
