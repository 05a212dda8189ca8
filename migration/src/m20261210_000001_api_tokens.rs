//! API tokens: what a script sends as `Authorization: Bearer <token>` to use the JSON API without
//! a session. Only a SHA-256 of each token is kept (the token is shown once, when created).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    scope TEXT NOT NULL CHECK (scope IN ('read', 'read_write')),
    shown_prefix TEXT NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_account ON api_tokens (account_id, created_at);
";

const DOWN: &str = "DROP TABLE IF EXISTS api_tokens;";

sql_migration!(UP, DOWN);
