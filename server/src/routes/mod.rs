//! Raw HTTP routes outside Leptos: auth forms and JSON, health checks.

pub mod auth;
pub mod health;

use axum::{extract::FromRequestParts, extract::ConnectInfo, http::request::Parts};
use std::{convert::Infallible, net::SocketAddr};

/// The peer address, used to key login throttling.
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(ClientIp(ip))
    }
}
