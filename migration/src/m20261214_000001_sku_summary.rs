//! The Products page's per-SKU summary: one row per SKU of the account's last catalog index (its
//! name, match status, links and the stores that have it) and the link suggestions, so a page
//! reads fifty rows instead of aggregating the whole catalog on every request.
//!
//! The summary is derived from `prokip_catalog`, `store_catalog`, `sku_links` and the stores'
//! status. Triggers on those tables count the account's changes in `catalog_versions` in the same
//! transaction as the change, whatever code made it; the page rebuilds the summary when the
//! version it was built from (`sku_summary_state.built`) is not the current one. Quantities are
//! not part of it (they change with every sale and are read live), so only the columns the summary
//! uses count as a change.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TABLE catalog_versions (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    version    BIGINT NOT NULL
);

-- Apart from catalog_versions: a rebuild must not wait for a transaction that has changed the
-- catalog and not yet committed (it holds the catalog_versions row).
CREATE TABLE sku_summary_state (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    built      BIGINT NOT NULL,
    built_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE sku_summary (
    account_id    BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    sku           TEXT NOT NULL,
    name          TEXT NOT NULL,
    -- matched, prokip_only, store_only, duplicate
    status        TEXT NOT NULL,
    -- Store SKUs linked to this Prokip SKU ("a, b").
    linked        TEXT,
    -- Exactly one Prokip variation has the SKU (the only SKUs a link can name).
    prokip_unique BOOLEAN NOT NULL,
    -- The connected stores whose last index has the SKU (after links).
    in_stores     BIGINT[] NOT NULL,
    PRIMARY KEY (account_id, sku)
);

CREATE TABLE link_suggestions (
    account_id     BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- The order the suggestions were made in (by store SKU, as Rust compares strings).
    position       INT NOT NULL,
    store_sku      TEXT NOT NULL,
    prokip_sku     TEXT NOT NULL,
    connection_ids BIGINT[] NOT NULL,
    barcode        TEXT,
    PRIMARY KEY (account_id, store_sku)
);

-- Counts one change for each account (that still exists: a deleted account's rows cascade).
CREATE FUNCTION bump_catalog_versions(changed BIGINT[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO catalog_versions (account_id, version)
    SELECT a.id, 1 FROM accounts a WHERE a.id = ANY(changed) ORDER BY a.id
    ON CONFLICT (account_id) DO UPDATE SET version = catalog_versions.version + 1;
$$;

-- Inserts and deletes are counted per statement (an index replaces thousands of rows at once);
-- updates per row, and only when a column the summary uses changes: the quantity updates after
-- every sale cost one comparison. Rows that carry their account: prokip_catalog, connections.
CREATE FUNCTION account_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_catalog_versions(ARRAY(SELECT DISTINCT account_id FROM new_rows));
    ELSE
        PERFORM bump_catalog_versions(ARRAY(SELECT DISTINCT account_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION account_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_catalog_versions(ARRAY[OLD.account_id, NEW.account_id]);
    RETURN NULL;
END $$;
CREATE TRIGGER prokip_catalog_inserted AFTER INSERT ON prokip_catalog
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rows_changed();
CREATE TRIGGER prokip_catalog_deleted AFTER DELETE ON prokip_catalog
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rows_changed();
CREATE TRIGGER prokip_catalog_updated AFTER UPDATE ON prokip_catalog FOR EACH ROW
    WHEN (OLD.sku IS DISTINCT FROM NEW.sku OR OLD.name IS DISTINCT FROM NEW.name
          OR OLD.account_id IS DISTINCT FROM NEW.account_id)
    EXECUTE FUNCTION account_row_changed();

-- store_catalog and sku_links rows belong to a store; the account is the store's.
CREATE FUNCTION store_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_catalog_versions(ARRAY(
            SELECT c.account_id FROM connections c WHERE c.id IN (SELECT connection_id FROM new_rows)));
    ELSE
        PERFORM bump_catalog_versions(ARRAY(
            SELECT c.account_id FROM connections c WHERE c.id IN (SELECT connection_id FROM old_rows)));
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION store_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_catalog_versions(ARRAY(
        SELECT c.account_id FROM connections c WHERE c.id IN (OLD.connection_id, NEW.connection_id)));
    RETURN NULL;
END $$;
CREATE TRIGGER store_catalog_inserted AFTER INSERT ON store_catalog
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION store_rows_changed();
CREATE TRIGGER store_catalog_deleted AFTER DELETE ON store_catalog
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION store_rows_changed();
CREATE TRIGGER store_catalog_updated AFTER UPDATE ON store_catalog FOR EACH ROW
    WHEN (OLD.sku IS DISTINCT FROM NEW.sku OR OLD.name IS DISTINCT FROM NEW.name
          OR OLD.connection_id IS DISTINCT FROM NEW.connection_id OR OLD.barcode IS DISTINCT FROM NEW.barcode)
    EXECUTE FUNCTION store_row_changed();
CREATE TRIGGER sku_links_inserted AFTER INSERT ON sku_links
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION store_rows_changed();
CREATE TRIGGER sku_links_deleted AFTER DELETE ON sku_links
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION store_rows_changed();
CREATE TRIGGER sku_links_updated AFTER UPDATE ON sku_links FOR EACH ROW
    WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION store_row_changed();

-- A store counts while it is not disconnected.
CREATE TRIGGER connections_inserted AFTER INSERT ON connections
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rows_changed();
CREATE TRIGGER connections_deleted AFTER DELETE ON connections
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION account_rows_changed();
CREATE TRIGGER connections_updated AFTER UPDATE ON connections FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.account_id IS DISTINCT FROM NEW.account_id)
    EXECUTE FUNCTION account_row_changed();
"#;

const DOWN: &str = r#"
DROP TRIGGER IF EXISTS connections_inserted ON connections;
DROP TRIGGER IF EXISTS connections_deleted ON connections;
DROP TRIGGER IF EXISTS connections_updated ON connections;
DROP TRIGGER IF EXISTS sku_links_inserted ON sku_links;
DROP TRIGGER IF EXISTS sku_links_deleted ON sku_links;
DROP TRIGGER IF EXISTS sku_links_updated ON sku_links;
DROP TRIGGER IF EXISTS store_catalog_inserted ON store_catalog;
DROP TRIGGER IF EXISTS store_catalog_deleted ON store_catalog;
DROP TRIGGER IF EXISTS store_catalog_updated ON store_catalog;
DROP TRIGGER IF EXISTS prokip_catalog_inserted ON prokip_catalog;
DROP TRIGGER IF EXISTS prokip_catalog_deleted ON prokip_catalog;
DROP TRIGGER IF EXISTS prokip_catalog_updated ON prokip_catalog;
DROP FUNCTION IF EXISTS account_rows_changed(), account_row_changed(), store_rows_changed(), store_row_changed();
DROP FUNCTION IF EXISTS bump_catalog_versions(BIGINT[]);
DROP TABLE IF EXISTS link_suggestions, sku_summary, sku_summary_state, catalog_versions;
"#;

sql_migration!(UP, DOWN);
