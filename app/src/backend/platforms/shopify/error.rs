//! `ShopifyError`: every way a Shopify call can fail, mapped once from HTTP, GraphQL and OAuth answers.

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphQlError {
    pub message: String,
    /// `extensions.code`, e.g. `THROTTLED`, `MAX_COST_EXCEEDED`, `ACCESS_DENIED`.
    pub code: Option<String>,
}

/// A mutation's `userErrors[]` entry (product and webhook mutations).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UserError {
    #[serde(default)]
    pub field: Option<Vec<String>>,
    pub message: String,
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ShopifyError {
    #[error("could not reach Shopify: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("Shopify rejected the access token; reconnect the store")]
    Unauthorized,
    #[error("the app lacks a permission for this call; reconnect the store to grant it")]
    Forbidden,
    #[error("the store was not found (it may be closed or renamed)")]
    NotFound,
    #[error("Shopify answered HTTP {status}: {body}")]
    Http { status: u16, body: String },
    #[error("Shopify's answer could not be read: {0}")]
    Malformed(String),
    #[error("Shopify returned errors: {}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    GraphQl(Vec<GraphQlError>),
    #[error("Shopify kept throttling the store's API budget after {0} waits")]
    Throttled(u32),
    #[error("{0} inventory items in one call; Shopify takes at most 250")]
    TooManyItems(usize),
    #[error("Shopify refused the request: {}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    UserErrors(Vec<UserError>),
    #[error("Shopify refused the token request ({status} {error}): {description}")]
    TokenRejected { status: u16, error: String, description: String },
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A bulk operation did not give its result (the caller reads page by page instead).
    #[error("Shopify's bulk read did not work out: {0}")]
    Bulk(String),
}

impl ShopifyError {
    /// Whether reconnecting (new OAuth) is the fix.
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, ShopifyError::Unauthorized | ShopifyError::Forbidden)
    }
}
