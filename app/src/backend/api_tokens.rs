//! API tokens: created on the Settings page (name, scope, optional expiry), shown once, kept as a
//! SHA-256 only, listed with their last use and revocable. A request carrying
//! `Authorization: Bearer <token>` acts as the user who created the token, on the JSON API only
//! (the server's token middleware decides which routes those are).
//!
//! A token is 32 random bytes: a hash of it cannot be reversed or guessed, so a fast hash is
//! enough to keep it (as for session ids); a password hash would only slow every API call down.

use crate::{
    backend::{
        auth::User,
        db::{api_tokens, users},
        error::{Kind, ServerError},
        time::{Shown, Zone},
    },
    model::{ApiTokenView, TOKEN_LIFETIMES, TokenScope, TokenState},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};
use sha2::{Digest, Sha256};

/// Every token starts with this, so a leaked one is recognised by secret scanners and by people.
pub const TOKEN_PREFIX: &str = "pst_";
/// Characters of a token shown in the list: the prefix and four more.
const SHOWN_CHARS: usize = 8;
/// Longest name a token may have.
pub const NAME_MAX: usize = 60;
/// Tokens an account may have open at once.
pub const ACTIVE_MAX: u64 = 50;

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("Name the token (what will use it, e.g. “stock report script”).")]
    NoName,
    #[error("Keep the token's name to {NAME_MAX} characters.")]
    LongName,
    #[error("Use letters, digits, spaces and punctuation in the token's name.")]
    BadName,
    #[error("Choose what the token may do: read, or read+write.")]
    BadScope,
    #[error("Choose how long the token lasts from the list.")]
    BadLifetime,
    #[error("This account has {ACTIVE_MAX} tokens open already. Revoke one you no longer use first.")]
    TooMany,
    #[error("That token is not one of yours, or it is revoked already.")]
    UnknownToken,
    #[error(transparent)]
    Internal(#[from] ServerError),
}

impl From<sea_orm::DbErr> for TokenError {
    fn from(e: sea_orm::DbErr) -> Self {
        TokenError::Internal(e.into())
    }
}

impl From<TokenError> for ServerError {
    fn from(e: TokenError) -> Self {
        let field = match e {
            TokenError::NoName | TokenError::LongName | TokenError::BadName => Some("token_name"),
            TokenError::BadScope => Some("token_scope"),
            TokenError::BadLifetime => Some("token_lifetime"),
            _ => None,
        };
        let error = match e {
            TokenError::Internal(inner) => return inner,
            TokenError::UnknownToken => ServerError::from_error(Kind::NotFound, e),
            other => ServerError::from_error(Kind::BadRequest, other),
        };
        match field {
            Some(f) => error.with_field(f),
            None => error,
        }
    }
}

/// What a new token's form sends.
pub struct NewTokenForm<'a> {
    pub name: &'a str,
    pub scope: &'a str,
    /// Days it lasts (one of [`TOKEN_LIFETIMES`]; 0: never expires).
    pub lifetime_days: &'a str,
}

/// A token just made: the token itself (shown once) and its name.
pub struct Created {
    pub token: String,
    pub name: String,
    pub scope: TokenScope,
}

/// Makes a token for `user`; the token is in the answer and nowhere else.
pub async fn create(db: &DatabaseConnection, user: &User, form: NewTokenForm<'_>) -> Result<Created, TokenError> {
    let name = form.name.trim();
    if name.is_empty() {
        return Err(TokenError::NoName);
    }
    if name.chars().count() > NAME_MAX {
        return Err(TokenError::LongName);
    }
    if name.chars().any(char::is_control) {
        return Err(TokenError::BadName);
    }
    let scope = TokenScope::parse(form.scope).ok_or(TokenError::BadScope)?;
    let days = form
        .lifetime_days
        .parse::<u32>()
        .ok()
        .filter(|d| TOKEN_LIFETIMES.iter().any(|(days, _)| days == d))
        .ok_or(TokenError::BadLifetime)?;
    if api_tokens::count_active(db, user.account_id).await? >= ACTIVE_MAX {
        return Err(TokenError::TooMany);
    }
    let token = generate();
    api_tokens::insert(
        db,
        api_tokens::NewToken {
            account_id: user.account_id,
            user_id: user.id,
            name,
            scope: scope.as_str(),
            shown_prefix: &token[..SHOWN_CHARS],
            token_hash: hash(&token),
            expires_at: (days > 0).then(|| chrono::Utc::now() + chrono::Duration::days(days.into())),
        },
    )
    .await?;
    tracing::info!(account_id = user.account_id, scope = scope.as_str(), "API token created");
    Ok(Created { token, name: name.to_owned(), scope })
}

/// Revokes one of the account's tokens at once; its name.
pub async fn revoke(db: &DatabaseConnection, account_id: i64, id: i64) -> Result<String, TokenError> {
    let name = api_tokens::revoke(db, account_id, id).await?.ok_or(TokenError::UnknownToken)?;
    tracing::info!(account_id, token_id = id, "API token revoked");
    Ok(name)
}

/// The account's tokens as the Settings page lists them, times in the account's zone.
pub async fn list<C: ConnectionTrait>(db: &C, account_id: i64, zone: &Zone) -> Result<Vec<ApiTokenView>, ServerError> {
    let now = chrono::Utc::now();
    let rows = api_tokens::of_account(db, account_id).await?;
    Ok(rows
        .into_iter()
        .map(|t| ApiTokenView {
            id: t.id,
            scope: TokenScope::parse(&t.scope).unwrap_or(TokenScope::Read),
            shown_prefix: format!("{}…", t.shown_prefix),
            created: zone.show(t.created_at, Shown::DateTime),
            last_used: t.last_used_at.map(|at| zone.show(at, Shown::DateTime)),
            expires: t.expires_at.map(|at| zone.show(at, Shown::DateTime)),
            state: match (t.revoked_at, t.expires_at) {
                (Some(_), _) => TokenState::Revoked,
                (None, Some(at)) if at <= now => TokenState::Expired,
                _ => TokenState::Active,
            },
            name: t.name,
        })
        .collect())
}

/// Who a bearer token acts as, and what it may do; `None` for a token that is unknown, expired or
/// revoked (or whose user is gone).
pub async fn authenticate(db: &DatabaseConnection, token: &str) -> Result<Option<(User, TokenScope)>, ServerError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 128 {
        return Ok(None);
    }
    let Some(row) = api_tokens::find_active(db, &hash(token)).await? else { return Ok(None) };
    let Some(user) = users::Entity::find_by_id(row.user_id).one(db).await? else { return Ok(None) };
    if user.account_id != row.account_id {
        return Ok(None);
    }
    // The last use is kept to the minute: no write on most calls of a busy script.
    let now = chrono::Utc::now();
    if row.last_used_at.is_none_or(|t| now - t > chrono::Duration::minutes(1)) {
        api_tokens::touch(db, row.id).await?;
    }
    let scope = TokenScope::parse(&row.scope).unwrap_or(TokenScope::Read);
    Ok(Some((User::from(user), scope)))
}

fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_hashed_apart() {
        let (a, b) = (generate(), generate());
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 43, "{a}");
        assert_ne!(a, b);
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(hash(&a), hash(&a.clone()));
    }
}
