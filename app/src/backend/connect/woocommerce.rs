//! Connecting a WooCommerce store: REST API keys typed in, or the store's one-click key grant.
//! Either way the keys are checked, sealed, and the order and product webhooks registered with a
//! per-connection secret.

use super::ConnectedFrom;
use crate::{
    backend::{
        db::connections::{self, NewConnection, SaveError},
        error::{Kind, ServerError},
        platforms::woocommerce::{KeyGrant, StoreUrl, WooError},
        secret::Secret,
        state::AppState,
        stores::woocommerce::{WooStore, client, seal},
    },
    model::{ConnectionStatus, Platform},
};

#[derive(Debug, thiserror::Error)]
pub enum WooConnectError {
    #[error("Enter the {0}.")]
    Missing(&'static str),
    #[error("{0}")]
    BadUrl(String),
    #[error("{0}")]
    Store(String),
    #[error("This store is already connected to another Prokip Sync account.")]
    OwnedElsewhere,
    #[error("The WooCommerce authorization has expired or was tampered with. Start again from the Connections page.")]
    BadGrant,
    #[error(transparent)]
    Internal(#[from] ServerError),
}

impl From<sea_orm::DbErr> for WooConnectError {
    fn from(e: sea_orm::DbErr) -> Self {
        WooConnectError::Internal(e.into())
    }
}

/// Whatever the store answered, connecting failed on the merchant's input: 400.
impl From<WooConnectError> for ServerError {
    fn from(e: WooConnectError) -> Self {
        match e {
            WooConnectError::Internal(e) => e,
            other => {
                ServerError::from_error(Kind::BadRequest, other).with_title("Could not connect the WooCommerce store")
            }
        }
    }
}

/// What the merchant should do about each store answer.
fn explain(e: WooError) -> WooConnectError {
    let text = match &e {
        WooError::WrongKeys { .. } => "WooCommerce did not accept those keys. Check the consumer key and secret (WooCommerce → Settings → Advanced → REST API).".to_owned(),
        WooError::Forbidden { .. } => "Those keys are read-only. Create keys with Read/Write permission.".to_owned(),
        WooError::NotWooCommerce { wordpress: true } => "That site runs WordPress but not the WooCommerce REST API. Is WooCommerce installed and are permalinks enabled?".to_owned(),
        WooError::NotWooCommerce { .. } => "That address is not a WooCommerce store.".to_owned(),
        WooError::Unreachable { .. } => "The store could not be reached. Check the address and that the site is online.".to_owned(),
        other => format!("The store answered unexpectedly: {other}"),
    };
    WooConnectError::Store(text)
}

pub fn parse_store(state: &AppState, input: &str) -> Result<StoreUrl, WooConnectError> {
    if input.trim().is_empty() {
        return Err(WooConnectError::Missing("store address"));
    }
    StoreUrl::parse(input, state.config.platforms.allow_private_store_urls)
        .map_err(|e| WooConnectError::BadUrl(e.to_string()))
}

/// Connects with keys typed into the form (or the seed's JSON route).
pub async fn connect_with_keys(
    state: &AppState,
    account_id: i64,
    store_input: &str,
    consumer_key: &str,
    consumer_secret: Secret,
    from: ConnectedFrom,
) -> Result<String, WooConnectError> {
    let store = parse_store(state, store_input)?;
    if consumer_key.trim().is_empty() {
        return Err(WooConnectError::Missing("consumer key"));
    }
    if consumer_secret.expose().trim().is_empty() {
        return Err(WooConnectError::Missing("consumer secret"));
    }
    save(state, account_id, store, consumer_key.trim(), Secret::new(consumer_secret.expose().trim()), from).await
}

async fn save(
    state: &AppState,
    account_id: i64,
    store: StoreUrl,
    key: &str,
    secret: Secret,
    from: ConnectedFrom,
) -> Result<String, WooConnectError> {
    let woo = client(state, store.clone(), key, secret.clone());
    woo.check_credentials().await.map_err(explain)?;
    let sealed = seal(state, &store, key, secret);
    let new = NewConnection {
        platform: Platform::WooCommerce,
        store_url: store.as_str().to_owned(),
        credentials_enc: sealed,
        webhook_secret_enc: None,
        location_id: None,
        in_review: super::starts_in_review(state, account_id, from).await?,
    };
    let conn = connections::upsert(&state.db, account_id, new).await.map_err(|e| match e {
        SaveError::OwnedByAnotherAccount => WooConnectError::OwnedElsewhere,
        SaveError::Db(e) => e.into(),
    })?;
    let registered = WooStore::new(woo, conn.id).register_webhooks(state).await;
    super::index_soon(state, account_id, Some(conn.id)).await;
    tracing::info!(connection_id = conn.id, account_id, store = store.as_str(), "WooCommerce store connected");
    match registered {
        Ok(n) => Ok(format!("{} is connected; {n} webhooks registered.", store.as_str())),
        Err(reason) => {
            connections::set_status(&state.db, conn.id, ConnectionStatus::NeedsAttention, Some(&reason)).await?;
            Ok(format!("{} is connected, but {reason}", store.as_str()))
        }
    }
}

// ---- one-click key grant ------------------------------------------------------------------------

/// Where to send the merchant to approve access on their store.
pub fn grant_url(state: &AppState, account_id: i64, store_input: &str) -> Result<String, WooConnectError> {
    let store = parse_store(state, store_input)?;
    let token = super::grant_token::issue(state, account_id, store.as_str());
    let base = &state.config.public_url;
    Ok(crate::backend::platforms::woocommerce::auth_url(
        &store,
        "Prokip Sync",
        &token,
        &format!("{base}/connections/woocommerce/return"),
        &format!("{base}/connections/woocommerce/callback"),
    ))
}

/// The store POSTs the new keys here (server to server, no session): the `user_id` we sent,
/// signed, says which account and store they are for.
pub async fn receive_grant(state: &AppState, body: &[u8]) -> Result<String, WooConnectError> {
    let grant = KeyGrant::from_json(body).map_err(|_| WooConnectError::BadGrant)?;
    let (account_id, store) = super::grant_token::verify(state, &grant.user_id).ok_or(WooConnectError::BadGrant)?;
    if !grant.can_read_and_write() {
        return Err(WooConnectError::Store("The store granted read-only access; Prokip Sync needs Read/Write.".into()));
    }
    let store = parse_store(state, &store)?;
    save(state, account_id, store, &grant.consumer_key, grant.consumer_secret.clone(), ConnectedFrom::Dashboard).await
}

/// The merchant's browser comes back here after approving or denying.
pub async fn grant_returned(
    state: &AppState,
    account_id: i64,
    user_id: &str,
    success: bool,
) -> Result<String, WooConnectError> {
    let (owner, store) = super::grant_token::verify(state, user_id).ok_or(WooConnectError::BadGrant)?;
    if owner != account_id {
        return Err(WooConnectError::BadGrant);
    }
    if !success {
        return Err(WooConnectError::Store("Access was not approved on the store, so nothing was connected.".into()));
    }
    match connections::by_store(&state.db, Platform::WooCommerce, &store).await? {
        Some(c) if c.account_id == account_id => Ok(format!("{store} is connected.")),
        _ => Err(WooConnectError::Store(
            "The store approved access but its keys did not reach us. Check that the store can reach this dashboard's address, or enter REST API keys instead.".into(),
        )),
    }
}
