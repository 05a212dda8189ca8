//! API tokens as the Settings page lists them, and what a token may do.

use serde::{Deserialize, Serialize};

/// What a token may do: read only, or read and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenScope {
    Read,
    ReadWrite,
}

impl TokenScope {
    pub const ALL: [TokenScope; 2] = [TokenScope::Read, TokenScope::ReadWrite];

    /// As stored and posted by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::ReadWrite => "read_write",
        }
    }

    pub fn parse(s: &str) -> Option<TokenScope> {
        TokenScope::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::ReadWrite => "read+write",
        }
    }

    /// Whether a token of this scope may make a request that changes something.
    pub fn may_write(self) -> bool {
        self == TokenScope::ReadWrite
    }
}

/// How long a new token lasts, as the form offers it: (days, label); 0 is "never expires".
pub const TOKEN_LIFETIMES: [(u32, &str); 4] = [(30, "30 days"), (90, "90 days"), (365, "a year"), (0, "never expires")];

/// One token as the Settings page lists it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenView {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    /// The token's first characters, to recognise it (`pst_Ab3d…`).
    pub shown_prefix: String,
    pub created: String,
    /// When it was last used (to the minute), `None` when never.
    pub last_used: Option<String>,
    /// When it expires, `None` when never.
    pub expires: Option<String>,
    /// Expired or revoked: listed, but it opens nothing.
    pub state: TokenState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

impl TokenState {
    pub fn label(self) -> &'static str {
        match self {
            TokenState::Active => "active",
            TokenState::Expired => "expired",
            TokenState::Revoked => "revoked",
        }
    }
}
