//! `server` serves the dashboard and runs the background jobs; `server web` only serves (the
//! dashboard and webhooks), `server worker` only runs the jobs; `server migrate` only applies
//! database migrations. Any number of web and worker processes can share one database.

use server::{config::Config, db, jobs, startup, telemetry};
use std::time::Duration;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> anyhow::Result<()> {
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    let db =
        db::connect(&config.database_url, jobs::pool_size(config.database_max_connections), Duration::from_secs(30))
            .await?;
    db::migrate(&db).await?;
    match command.as_str() {
        "migrate" => {
            tracing::info!("migrations applied");
            Ok(())
        }
        "serve" | "web" | "worker" => {
            let leptos_options = startup::leptos_options()?;
            let state = app::backend::state::AppState::new(config, db, leptos_options)?;
            let roles = startup::Roles { web: command != "worker", jobs: command != "web" };
            startup::run(state, roles).await
        }
        other => anyhow::bail!("unknown command `{other}`; use `serve` (default), `web`, `worker` or `migrate`"),
    }
}
