//! Server-only code: database, authentication, sessions and background jobs. Compiled with the
//! `ssr` feature only; server functions and the `server` binary call into it.

pub mod alerts;
pub mod api_tokens;
pub mod auth;
pub mod config;
pub mod connect;
pub mod crypto;
pub mod db;
pub mod error;
pub mod flash;
pub mod jobs;
pub mod metrics;
pub mod net_guard;
pub mod platforms;
pub mod reseal;
pub mod secret;
pub mod session_store;
pub mod settings;
pub mod state;
pub mod stores;
pub mod sync;
pub mod time;
pub mod webhooks;
