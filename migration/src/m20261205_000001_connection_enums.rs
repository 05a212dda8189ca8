//! Closed sets in the database: a connection's status may only be one the code knows
//! (`model::ConnectionStatus`), and a stored event's platform one of `model::Platform` (the
//! connection's own platform is checked since the initial migration). The columns stay text, so
//! SQL compares them with plain strings.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE connections ADD CONSTRAINT connections_status_check
    CHECK (status IN ('healthy', 'needs_attention', 'uninstalled', 'disconnected'));
ALTER TABLE webhook_events ADD CONSTRAINT webhook_events_platform_check
    CHECK (platform IN ('shopify', 'woocommerce'));
"#;

const DOWN: &str = "ALTER TABLE webhook_events DROP CONSTRAINT IF EXISTS webhook_events_platform_check; \
                    ALTER TABLE connections DROP CONSTRAINT IF EXISTS connections_status_check;";

sql_migration!(UP, DOWN);
