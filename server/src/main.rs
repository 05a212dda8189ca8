//! `server` serves the dashboard and runs the background jobs; `server web` only serves (the
//! dashboard and webhooks), `server worker` only runs the jobs; `server migrate` only applies
//! database migrations; `server reseal` seals every stored secret again with the current key after a
//! key rotation. Any number of web and worker processes can share one database.

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
        "reseal" => {
            let state = app::backend::state::AppState::new(config, db, startup::leptos_options()?)?;
            let done = app::backend::reseal::reseal_all(&state.db, &state.keyring).await?;
            println!(
                "Re-sealed {} secrets with the current key; {} were sealed with it already; {} open with no configured key.",
                done.resealed, done.current, done.unopened
            );
            if done.unopened > 0 {
                anyhow::bail!(
                    "{} secrets open with no configured key: keep every older key in ENCRYPTION_KEYS_PREVIOUS until they are re-sealed or their stores reconnected",
                    done.unopened
                );
            }
            Ok(())
        }
        other => {
            anyhow::bail!("unknown command `{other}`; use `serve` (default), `web`, `worker`, `migrate` or `reseal`")
        }
    }
}
