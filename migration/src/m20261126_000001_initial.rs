//! The whole data model of ARCHITECTURE §3: tenancy, auth, sessions, connections, the SKU map,
//! the stock cache, durable webhook events, the exactly-once sales log, commitments and activity.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE accounts (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    account_id     BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    username       TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE INDEX users_account_idx ON users (account_id);

CREATE TABLE login_failures (
    id        BIGSERIAL PRIMARY KEY,
    username  TEXT NOT NULL,
    ip        TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_lookup_idx ON login_failures (lower(username), ip, at);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    data         BYTEA NOT NULL,
    expiry_date  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry_date);

CREATE TABLE prokip_configs (
    id                   BIGSERIAL PRIMARY KEY,
    account_id           BIGINT NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE,
    api_url              TEXT NOT NULL,
    location_id          BIGINT,
    location_name        TEXT,
    business_name        TEXT,
    access_token_enc     BYTEA NOT NULL,
    refresh_token_enc    BYTEA,
    expires_at           TIMESTAMPTZ,
    walk_in_contact_id   BIGINT,
    last_polled_at       TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE connections (
    id                  BIGSERIAL PRIMARY KEY,
    account_id          BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    platform            TEXT NOT NULL CHECK (platform IN ('shopify', 'woocommerce')),
    store_url           TEXT NOT NULL,
    credentials_enc     BYTEA,
    webhook_secret_enc  BYTEA,
    location_id         TEXT,
    sync_enabled        BOOLEAN NOT NULL DEFAULT true,
    safety_buffer       INTEGER NOT NULL DEFAULT 0 CHECK (safety_buffer >= 0),
    status              TEXT NOT NULL DEFAULT 'healthy',
    status_reason       TEXT,
    last_sync           TIMESTAMPTZ,
    last_webhook_at     TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (platform, store_url)
);
CREATE INDEX connections_account_idx ON connections (account_id);

CREATE TABLE sku_map (
    id                     BIGSERIAL PRIMARY KEY,
    connection_id          BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    sku                    TEXT NOT NULL,
    store_product_id       TEXT,
    store_variant_id       TEXT,
    store_inventory_item_id TEXT,
    prokip_product_id      BIGINT,
    prokip_variation_id    BIGINT,
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (connection_id, sku)
);
CREATE INDEX sku_map_variation_idx ON sku_map (prokip_variation_id);

CREATE TABLE inventory_cache (
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    sku            TEXT NOT NULL,
    quantity       BIGINT NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, sku)
);

CREATE TABLE webhook_events (
    id             BIGSERIAL PRIMARY KEY,
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    platform       TEXT NOT NULL,
    topic          TEXT NOT NULL,
    dedupe_key     TEXT NOT NULL,
    event_id       TEXT,
    payload        JSONB NOT NULL,
    received_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    enqueued_at    TIMESTAMPTZ,
    processed_at   TIMESTAMPTZ,
    attempts       INTEGER NOT NULL DEFAULT 0,
    error          TEXT,
    UNIQUE (connection_id, dedupe_key)
);
CREATE INDEX webhook_events_pending_idx ON webhook_events (received_at) WHERE processed_at IS NULL;

CREATE TABLE sales_log (
    id              BIGSERIAL PRIMARY KEY,
    connection_id   BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    order_id        TEXT NOT NULL,
    order_name      TEXT,
    state           TEXT NOT NULL CHECK (state IN
                      ('pending', 'committed', 'sending', 'sent', 'needs_attention', 'failed', 'cancelled', 'deleted')),
    invoice_no      TEXT NOT NULL,
    prokip_sell_id  BIGINT,
    sell_line_ids   JSONB NOT NULL DEFAULT '{}'::jsonb,
    total           NUMERIC(20, 4),
    currency        TEXT,
    error           TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at         TIMESTAMPTZ,
    UNIQUE (connection_id, order_id),
    UNIQUE (invoice_no)
);
CREATE INDEX sales_log_state_idx ON sales_log (connection_id, state);
CREATE INDEX sales_log_sent_at_idx ON sales_log (sent_at);

CREATE TABLE processed_refunds (
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    refund_id      TEXT NOT NULL,
    order_id       TEXT NOT NULL,
    processed_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, refund_id)
);

CREATE TABLE commitments (
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    order_id       TEXT NOT NULL,
    sku            TEXT NOT NULL,
    qty            BIGINT NOT NULL CHECK (qty > 0),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, order_id, sku)
);
CREATE INDEX commitments_sku_idx ON commitments (sku);

CREATE TABLE activity (
    id          BIGSERIAL PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'needs_attention', 'info')),
    detail      TEXT,
    retry       JSONB,
    resolved    BOOLEAN NOT NULL DEFAULT false,
    at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX activity_account_at_idx ON activity (account_id, at DESC);
CREATE INDEX activity_open_failures_idx ON activity (account_id) WHERE status IN ('failed', 'needs_attention') AND NOT resolved;
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS activity, commitments, processed_refunds, sales_log, webhook_events,
    inventory_cache, sku_map, connections, prokip_configs, sessions, login_failures, users, accounts CASCADE;
"#;

sql_migration!(UP, DOWN);
