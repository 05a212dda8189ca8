//! Connecting a Shopify shop with OAuth: the merchant names the shop, approves on Shopify, and the
//! callback (checked for signature, state, age and shop) brings an expiring offline token, which is
//! sealed; then the webhooks we need are registered.

use super::ConnectedFrom;
use crate::{
    backend::{
        db::connections::{self, NewConnection, SaveError},
        error::{Kind, ServerError},
        platforms::shopify::{CallbackError, ShopDomain, ShopifyApp, ShopifyError},
        state::AppState,
        stores::shopify::{ShopifyStore, app, seal},
    },
    model::{ConnectionStatus, Platform},
};
use serde::{Deserialize, Serialize};

/// Kept in the merchant's session between "Connect" and the callback.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingInstall {
    pub state: String,
    pub shop: String,
    pub account_id: i64,
    #[serde(default)]
    pub from: ConnectedFrom,
}

pub const SESSION_KEY: &str = "shopify_install";

#[derive(Debug, thiserror::Error)]
pub enum ShopifyConnectError {
    #[error("Enter your shop name, e.g. mystore or mystore.myshopify.com.")]
    Missing,
    #[error("“{0}” is not a Shopify shop address; use mystore or mystore.myshopify.com.")]
    BadShop(String),
    #[error("This Shopify connection attempt has expired or belongs to another sign-in. Start again from Connections.")]
    NoPending,
    #[error("{0}")]
    Callback(#[from] CallbackError),
    #[error("Shopify did not complete the connection: {0}")]
    Shopify(String),
    #[error("This shop is already connected to another Prokip Sync account.")]
    OwnedElsewhere,
    #[error(transparent)]
    Internal(#[from] ServerError),
}

impl From<sea_orm::DbErr> for ShopifyConnectError {
    fn from(e: sea_orm::DbErr) -> Self {
        ShopifyConnectError::Internal(e.into())
    }
}

/// A shop address that cannot be used is the seed's `Invalid store`.
impl From<ShopifyConnectError> for ServerError {
    fn from(e: ShopifyConnectError) -> Self {
        match e {
            ShopifyConnectError::Internal(e) => e,
            ShopifyConnectError::Missing | ShopifyConnectError::BadShop(_) => {
                ServerError::from_error(Kind::BadRequest, e).with_title("Invalid store")
            }
            ShopifyConnectError::Shopify(_) => ServerError::from_error(Kind::BadGateway, e),
            ShopifyConnectError::NoPending | ShopifyConnectError::Callback(_) | ShopifyConnectError::OwnedElsewhere => {
                ServerError::from_error(Kind::BadRequest, e)
            }
        }
    }
}

impl From<ShopifyError> for ShopifyConnectError {
    fn from(e: ShopifyError) -> Self {
        ShopifyConnectError::Shopify(e.to_string())
    }
}

/// Starts an install: the URL to send the merchant to, and what to remember in their session.
pub fn begin(
    state: &AppState,
    account_id: i64,
    input: &str,
    from: ConnectedFrom,
) -> Result<(String, PendingInstall), ShopifyConnectError> {
    if input.trim().is_empty() {
        return Err(ShopifyConnectError::Missing);
    }
    let shop = ShopDomain::parse(input).map_err(|_| ShopifyConnectError::BadShop(input.trim().to_owned()))?;
    let nonce = ShopifyApp::new_state();
    let url = app(state).authorize_url(&shop, &nonce);
    Ok((url, PendingInstall { state: nonce, shop: shop.as_str().to_owned(), account_id, from }))
}

/// Finishes an install from the callback's query. Returns the shop domain.
pub async fn finish(
    state: &AppState,
    pending: Option<PendingInstall>,
    account_id: i64,
    query: &[(String, String)],
) -> Result<String, ShopifyConnectError> {
    let pending = pending.filter(|p| p.account_id == account_id).ok_or(ShopifyConnectError::NoPending)?;
    let app = app(state);
    let callback = app.verify_callback(query, &pending.state, chrono::Utc::now())?;
    if callback.shop.as_str() != pending.shop {
        return Err(CallbackError::BadShop.into());
    }
    let tokens = app.exchange_code(&callback.shop, &callback.code).await?;
    let client = app.client(&callback.shop, tokens.access.clone());
    let locations: Vec<(String, String)> =
        client.locations().await?.into_iter().filter(|l| l.is_active).map(|l| (l.id, l.name)).collect();
    // A shop connected again keeps the location chosen for it while that is still active.
    let chosen = connections::by_store(&state.db, Platform::Shopify, callback.shop.as_str())
        .await?
        .filter(|c| c.account_id == account_id)
        .and_then(|c| c.location_id)
        .filter(|l| locations.iter().any(|(id, _)| id == l));
    let location = chosen.or_else(|| locations.first().map(|(id, _)| id.clone()));
    let new = NewConnection {
        platform: Platform::Shopify,
        store_url: callback.shop.as_str().to_owned(),
        credentials_enc: seal(state, &callback.shop, &tokens),
        webhook_secret_enc: None,
        location_id: location,
        in_review: super::starts_in_review(state, account_id, pending.from).await?,
    };
    let conn = connections::upsert(&state.db, account_id, new).await.map_err(|e| match e {
        SaveError::OwnedByAnotherAccount => ShopifyConnectError::OwnedElsewhere,
        SaveError::Db(e) => e.into(),
    })?;
    connections::set_store_locations(&state.db, conn.id, &locations).await?;
    if let Err(reason) = ShopifyStore::new(client, conn.location_id.clone()).register_webhooks(state).await {
        connections::set_status(&state.db, conn.id, ConnectionStatus::NeedsAttention, Some(&reason)).await?;
    }
    super::index_soon(state, account_id, Some(conn.id)).await;
    tracing::info!(connection_id = conn.id, account_id, shop = callback.shop.as_str(), "Shopify shop connected");
    Ok(callback.shop.as_str().to_owned())
}
