//! `server` serves the dashboard and runs the background jobs; `server migrate` only applies
//! database migrations.

use server::{config::Config, db, startup, telemetry};
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
    let db = db::connect(&config.database_url, config.database_max_connections, Duration::from_secs(30)).await?;
    db::migrate(&db).await?;
    match command.as_str() {
        "migrate" => {
            tracing::info!("migrations applied");
            Ok(())
        }
        "serve" => {
            let leptos_options = leptos::config::get_configuration(None)?.leptos_options;
            let state = app::backend::state::AppState::new(config, db, leptos_options)?;
            startup::serve(state).await
        }
        other => anyhow::bail!("unknown command `{other}`; use `serve` (default) or `migrate`"),
    }
}
