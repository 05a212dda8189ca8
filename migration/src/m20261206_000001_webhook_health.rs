//! Webhook health per store: the topics its subscriptions cover after the last check, and why they
//! could not be repaired (none when they are fine). Kept apart from the connection's status, so a
//! store with broken webhooks still receives stock.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
ALTER TABLE connections
    ADD COLUMN webhook_topics JSONB,
    ADD COLUMN webhook_problem TEXT;
"#;

const DOWN: &str =
    "ALTER TABLE connections DROP COLUMN IF EXISTS webhook_topics, DROP COLUMN IF EXISTS webhook_problem;";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(UP).await.map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(DOWN).await.map(|_| ())
    }
}
