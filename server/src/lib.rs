//! The server: configuration, database, migrations, sessions, raw HTTP routes, background jobs,
//! and the Leptos dashboard, wired together.

/// Configuration lives with the backend, which reads it at run time.
pub use app::backend::config;
pub mod db;
pub mod jobs;
pub mod middleware;
pub mod routes;
pub mod startup;
pub mod telemetry;
