//! A merchant's Prokip account as the sync and the settings use it: the client opened from the
//! sealed tokens, and the tokens sealed back after a call refreshed them. Signing in and choosing
//! the location live in `connect::prokip`, which seals its first tokens here too.

use crate::backend::{
    db::prokip_configs,
    platforms::prokip::{OAuthClient, ProkipClient, Tokens},
    state::AppState,
};
use std::time::Duration;

/// How long one Prokip call may take before it counts as failed.
pub const PROKIP_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum ProkipAccountError {
    #[error("Connect Prokip first.")]
    NotConnected,
    #[error("the stored Prokip tokens could not be opened; connect Prokip again")]
    Unopened,
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
}

/// The sealed form of a token pair: access, and refresh when there is one.
pub struct SealedTokens {
    pub access: Vec<u8>,
    pub refresh: Option<Vec<u8>>,
}

/// This product's OAuth client registration at Prokip.
pub fn oauth(state: &AppState) -> OAuthClient {
    let p = &state.config.platforms;
    OAuthClient { client_id: p.prokip_client_id.clone(), client_secret: p.prokip_client_secret.clone() }
}

/// Binds each sealed token to its account and role, so a token row copied elsewhere never opens.
pub fn context(account_id: i64, which: &str) -> String {
    format!("prokip:{account_id}:{which}")
}

pub fn seal(state: &AppState, account_id: i64, tokens: &Tokens) -> SealedTokens {
    let k = &state.keyring;
    SealedTokens {
        access: k.seal(&tokens.access, &context(account_id, "access")),
        refresh: tokens.refresh.as_ref().map(|r| k.seal(r, &context(account_id, "refresh"))),
    }
}

/// The account's Prokip client, from its sealed tokens.
pub async fn client_for(state: &AppState, account_id: i64) -> Result<ProkipClient, ProkipAccountError> {
    let cfg = prokip_configs::for_account(&state.db, account_id).await?.ok_or(ProkipAccountError::NotConnected)?;
    let open = |sealed: &[u8], which| state.keyring.open(sealed, &context(account_id, which));
    let access = open(&cfg.access_token_enc, "access").map_err(|_| ProkipAccountError::Unopened)?;
    let refresh = cfg.refresh_token_enc.as_deref().map(|r| open(r, "refresh")).transpose().ok().flatten();
    let tokens = Tokens { access, refresh, expires_at: cfg.expires_at.unwrap_or_else(chrono::Utc::now) };
    Ok(ProkipClient::new(cfg.api_url, oauth(state), Some(tokens)).with_timeout(PROKIP_TIMEOUT))
}

/// Saves the client's tokens (a 401 may have refreshed them).
pub async fn persist_tokens(state: &AppState, account_id: i64, client: &ProkipClient) -> Result<(), sea_orm::DbErr> {
    let Some(t) = client.tokens() else { return Ok(()) };
    let sealed = seal(state, account_id, &t);
    prokip_configs::save_tokens(&state.db, account_id, sealed.access, sealed.refresh, Some(t.expires_at)).await?;
    Ok(())
}

/// [`persist_tokens`] after a call whose own outcome matters more: a failure is logged only.
pub async fn keep_tokens(state: &AppState, account_id: i64, client: &ProkipClient) {
    if let Err(e) = persist_tokens(state, account_id, client).await {
        tracing::warn!(account_id, error = %e, "Prokip tokens not saved");
    }
}
