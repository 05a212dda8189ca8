//! Connecting Prokip: sign in with the Prokip login (password grant; the password is used once and
//! never stored) or a pasted access token, pick the shop location, keep the tokens sealed and fresh.

use crate::backend::{
    db::prokip_configs::{self, Directory, NewProkipConfig},
    error::{Kind, ServerError},
    platforms::prokip::{BusinessLocation, ProkipClient, ProkipError, Tokens},
    secret::Secret,
    state::AppState,
    stores::prokip::{self as account, PROKIP_TIMEOUT, ProkipAccountError, client_for},
};

#[derive(Debug, thiserror::Error)]
pub enum ProkipConnectError {
    #[error("Enter your Prokip {0}.")]
    Missing(&'static str),
    #[error("Prokip did not accept that username and password (or token). Check them and try again.")]
    WrongLogin,
    #[error("Prokip could not be reached ({0}). Try again in a moment.")]
    Unreachable(String),
    #[error("Prokip refused: {0}")]
    Refused(String),
    #[error("Connect Prokip first.")]
    NotConnected,
    #[error("That location is not one of your Prokip business locations.")]
    UnknownLocation,
    #[error(transparent)]
    Internal(#[from] ServerError),
}

impl From<ProkipError> for ProkipConnectError {
    fn from(e: ProkipError) -> Self {
        match e {
            ProkipError::Unauthorized => ProkipConnectError::WrongLogin,
            ProkipError::Http { status: 400 | 401 | 403, .. } => ProkipConnectError::WrongLogin,
            ProkipError::Transport(e) => ProkipConnectError::Unreachable(e.to_string()),
            ProkipError::Http { status, .. } => ProkipConnectError::Unreachable(format!("HTTP {status}")),
            ProkipError::Rejected(m) => ProkipConnectError::Refused(m),
            ProkipError::Decode(m) => ProkipConnectError::Unreachable(format!("unexpected answer: {m}")),
        }
    }
}

impl From<sea_orm::DbErr> for ProkipConnectError {
    fn from(e: sea_orm::DbErr) -> Self {
        ProkipConnectError::Internal(e.into())
    }
}

impl From<ProkipAccountError> for ProkipConnectError {
    fn from(e: ProkipAccountError) -> Self {
        match e {
            ProkipAccountError::NotConnected => ProkipConnectError::NotConnected,
            ProkipAccountError::Unopened => ProkipConnectError::Internal(ServerError::internal(e)),
            ProkipAccountError::Db(e) => e.into(),
        }
    }
}

impl From<ProkipConnectError> for ServerError {
    fn from(e: ProkipConnectError) -> Self {
        let kind = match e {
            ProkipConnectError::Internal(e) => return e,
            ProkipConnectError::WrongLogin => Kind::Unauthorized,
            ProkipConnectError::Unreachable(_) | ProkipConnectError::Refused(_) => Kind::BadGateway,
            ProkipConnectError::Missing(_) | ProkipConnectError::UnknownLocation | ProkipConnectError::NotConnected => {
                Kind::BadRequest
            }
        };
        ServerError::from_error(kind, e).with_title("Could not connect Prokip")
    }
}

/// Signs in with the merchant's Prokip login and stores the tokens. When the business has exactly
/// one active location it is chosen at once.
pub async fn connect_with_password(
    state: &AppState,
    account_id: i64,
    username: &str,
    password: Secret,
) -> Result<String, ProkipConnectError> {
    let username = username.trim();
    if username.is_empty() {
        return Err(ProkipConnectError::Missing("username"));
    }
    if password.expose().is_empty() {
        return Err(ProkipConnectError::Missing("password"));
    }
    let client = ProkipClient::new(state.config.platforms.prokip_api.clone(), account::oauth(state), None)
        .with_timeout(PROKIP_TIMEOUT);
    client.login(username, &password).await?;
    finish_connect(state, account_id, client, None).await
}

/// Connects with a pasted access token (no refresh possible), optionally with the location id.
pub async fn connect_with_token(
    state: &AppState,
    account_id: i64,
    token: &str,
    location_id: Option<i64>,
) -> Result<String, ProkipConnectError> {
    let token = without_bearer(token);
    if token.is_empty() {
        return Err(ProkipConnectError::Missing("access token"));
    }
    let client = ProkipClient::from_access_token(state.config.platforms.prokip_api.clone(), Secret::new(token))
        .with_timeout(PROKIP_TIMEOUT);
    finish_connect(state, account_id, client, location_id).await
}

/// A token as pasted, possibly copied with its `Authorization` scheme (`Bearer xyz…`), which the
/// client adds itself.
fn without_bearer(pasted: &str) -> &str {
    let token = pasted.trim_start();
    match token.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("bearer ") => token[7..].trim(),
        _ => token.trim_end(),
    }
}

async fn finish_connect(
    state: &AppState,
    account_id: i64,
    client: ProkipClient,
    location_id: Option<i64>,
) -> Result<String, ProkipConnectError> {
    let user = client.logged_in_user().await?;
    let locations: Vec<BusinessLocation> =
        client.business_locations().await?.into_iter().filter(|l| l.is_active).collect();
    let tokens = client.tokens().ok_or(ProkipConnectError::WrongLogin)?;
    // The business's own name when Prokip tells it; its number otherwise.
    let business = match client.business_name().await {
        Ok(name) if !name.trim().is_empty() => name.trim().to_owned(),
        _ => format!("Business {}", user.business_id),
    };
    let label =
        if user.username.is_empty() { business } else { format!("{business} (signed in as {})", user.username) };
    save_new(state, account_id, &tokens, label).await?;
    // For the pages; a failure is recorded there and the next poll reads again.
    let _ = keep_directory(state, account_id, &client, Some(&locations)).await;
    let chosen = match location_id {
        Some(id) => Some(locations.iter().find(|l| l.id == id).ok_or(ProkipConnectError::UnknownLocation)?),
        None if locations.len() == 1 => locations.first(),
        None => None,
    };
    tracing::info!(account_id, business_id = user.business_id, "Prokip connected");
    match chosen {
        Some(l) => {
            use_location(state, account_id, &client, l).await?;
            Ok(format!("Prokip is connected. Stock comes from the location {}.", l.name))
        }
        None => Ok("Prokip is connected. Now choose the shop location whose stock your stores should show.".into()),
    }
}

async fn save_new(
    state: &AppState,
    account_id: i64,
    tokens: &Tokens,
    business_name: String,
) -> Result<(), ProkipConnectError> {
    let sealed = account::seal(state, account_id, tokens);
    let new = NewProkipConfig {
        api_url: state.config.platforms.prokip_api.clone(),
        business_name: Some(business_name),
        access_token_enc: sealed.access,
        refresh_token_enc: sealed.refresh,
        expires_at: Some(tokens.expires_at),
    };
    prokip_configs::upsert(&state.db, account_id, new).await?;
    Ok(())
}

async fn use_location(
    state: &AppState,
    account_id: i64,
    client: &ProkipClient,
    location: &BusinessLocation,
) -> Result<(), ProkipConnectError> {
    // The walk-in contact receives online sales by default; a missing one is not fatal here.
    let walk_in = client.walk_in_contact().await.ok().flatten().map(|c| c.id);
    prokip_configs::set_location(&state.db, account_id, location.id, &location.name, walk_in).await?;
    account::persist_tokens(state, account_id, client).await?;
    super::index_soon(state, account_id, None).await;
    Ok(())
}

/// How long what was read of the business (locations, payment methods) is shown before the poll
/// job reads it again; "Refresh from Prokip" reads it at once.
pub const DIRECTORY_MAX_AGE: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Reads the business's locations and payment methods and keeps them for the pages, which never
/// call Prokip themselves. A failed read is recorded beside what was read before, and returned.
pub async fn refresh_directory(state: &AppState, account_id: i64) -> Result<Directory, ProkipConnectError> {
    let client = client_for(state, account_id).await?;
    let read = keep_directory(state, account_id, &client, None).await;
    account::persist_tokens(state, account_id, &client).await?;
    read
}

/// "Refresh from Prokip": what was read, in words.
pub async fn refresh(state: &AppState, account_id: i64) -> Result<String, ProkipConnectError> {
    let d = refresh_directory(state, account_id).await?;
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    Ok(format!(
        "Read from Prokip just now: {} and {}.",
        plural(d.locations.len(), "active location"),
        plural(d.payment_methods.len(), "payment method")
    ))
}

/// The poll job's hourly read: only when what is kept is older than [`DIRECTORY_MAX_AGE`] (or was
/// never read). A failure is recorded for the pages, not raised: the poll itself went well.
pub async fn refresh_directory_when_old(state: &AppState, account_id: i64) -> Result<bool, ServerError> {
    let Some(config) = prokip_configs::for_account(&state.db, account_id).await? else { return Ok(false) };
    if config.directory_read_at.is_some_and(|at| chrono::Utc::now() - at < DIRECTORY_MAX_AGE) {
        return Ok(false);
    }
    match refresh_directory(state, account_id).await {
        Ok(_) => Ok(true),
        Err(ProkipConnectError::Internal(e)) => Err(e),
        Err(e) => {
            tracing::warn!(account_id, error = %e, "Prokip locations and payment methods not read");
            Ok(false)
        }
    }
}

/// Reads and keeps the business's directory; `locations` when the caller has just read them.
async fn keep_directory(
    state: &AppState,
    account_id: i64,
    client: &ProkipClient,
    locations: Option<&[BusinessLocation]>,
) -> Result<Directory, ProkipConnectError> {
    let read = async {
        let read_now;
        let locations = match locations {
            Some(l) => l,
            None => {
                read_now = client.business_locations().await?;
                &read_now
            }
        };
        let locations = locations.iter().filter(|l| l.is_active).map(|l| (l.id, l.name.clone())).collect();
        let payment_methods = client.payment_methods().await?.into_iter().collect();
        Ok::<_, ProkipError>(Directory { locations, payment_methods })
    };
    match read.await {
        Ok(directory) => {
            prokip_configs::set_directory(&state.db, account_id, &directory).await?;
            Ok(directory)
        }
        Err(e) => {
            let e = ProkipConnectError::from(e);
            prokip_configs::set_directory_problem(&state.db, account_id, &e.to_string()).await?;
            Err(e)
        }
    }
}

/// Chooses (or changes) the shop location; it must be one of the business's locations.
pub async fn choose_location(state: &AppState, account_id: i64, raw_id: &str) -> Result<String, ProkipConnectError> {
    let id: i64 = raw_id.trim().parse().map_err(|_| ProkipConnectError::UnknownLocation)?;
    let client = client_for(state, account_id).await?;
    let all = client.business_locations().await?;
    let location = all.iter().find(|l| l.id == id).ok_or(ProkipConnectError::UnknownLocation)?;
    use_location(state, account_id, &client, location).await?;
    let _ = keep_directory(state, account_id, &client, Some(&all)).await;
    Ok(format!("Stock now comes from the Prokip location {}.", location.name))
}

pub async fn disconnect(state: &AppState, account_id: i64) -> Result<String, ProkipConnectError> {
    if !prokip_configs::delete(&state.db, account_id).await? {
        return Err(ProkipConnectError::NotConnected);
    }
    Ok("Prokip is disconnected. Its tokens are deleted; connect again to resume syncing.".into())
}

#[cfg(test)]
mod tests {
    use super::without_bearer;

    #[test]
    fn a_pasted_authorization_scheme_is_dropped() {
        assert_eq!(without_bearer("  Bearer abc.def "), "abc.def");
        assert_eq!(without_bearer("bearer   abc"), "abc");
        assert_eq!(without_bearer("BEARER abc"), "abc");
        assert_eq!(without_bearer("abc"), "abc");
        assert_eq!(without_bearer("Bearerabc"), "Bearerabc");
        assert_eq!(without_bearer("Bearer "), "");
    }
}
