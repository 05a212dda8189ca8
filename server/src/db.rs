//! The one Postgres pool shared by SeaORM, apalis and the session store.

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{DatabaseConnection, SqlxPostgresConnector, sqlx::postgres::PgPoolOptions};
use std::time::Duration;

/// Connects, waiting up to `patience` for the database to come up (e.g. right after it started).
pub async fn connect(url: &str, max_connections: u32, patience: Duration) -> anyhow::Result<DatabaseConnection> {
    let deadline = tokio::time::Instant::now() + patience;
    let pool = loop {
        let attempt = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await;
        match attempt {
            Ok(pool) => break pool,
            Err(e) if tokio::time::Instant::now() < deadline => {
                tracing::warn!(error = %e, "database not reachable yet; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => {
                return Err(e).context(
                    "could not connect to PostgreSQL at DATABASE_URL: check that it is running and the URL is right",
                );
            }
        }
    };
    Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool))
}

/// Applies our migrations and apalis' own.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("running database migrations")?;
    apalis_postgres::PostgresStorage::setup(db.get_postgres_connection_pool())
        .await
        .context("running job-queue migrations")?;
    Ok(())
}
