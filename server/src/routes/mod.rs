//! Raw HTTP routes outside Leptos: auth forms and JSON, health checks.

pub mod auth;
pub mod connections;
pub mod health;
pub mod orders;
pub mod prokip;
pub mod settings;
pub mod shopify;
pub mod sync;
pub mod woocommerce;

use app::backend::{
    auth::{AuthSession, User},
    error::{Kind, ServerError},
};
use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::request::Parts,
    response::{IntoResponse, Redirect, Response},
};
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

/// The signed-in user of a form route; anyone else is sent to the sign-in page.
pub struct SignedIn(pub User);

impl std::ops::Deref for SignedIn {
    type Target = User;
    fn deref(&self) -> &User {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let auth = AuthSession::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        auth.user.map(SignedIn).ok_or_else(|| Redirect::to("/login").into_response())
    }
}

/// Back to `page` with `?notice=` (success) or the error's `?error=`, as every form route answers.
pub fn back_to(page: &str, result: Result<String, impl Into<ServerError>>) -> Redirect {
    match result {
        Ok(notice) => {
            Redirect::to(&format!("{page}?{}", serde_urlencoded::to_string([("notice", notice)]).unwrap_or_default()))
        }
        Err(e) => e.into().redirect(page, &[]),
    }
}

/// A JSON body that cannot be read: 400 `Invalid request body` with the reason.
pub fn bad_body(reason: impl ToString) -> ServerError {
    ServerError::new(Kind::BadRequest, reason.to_string()).with_title("Invalid request body")
}
