//! `ServerError`: the one error a route or server function ends in. It carries what the user is
//! told, the kind of failure (which fixes the HTTP status) and the cause with its whole chain. It is
//! logged once, inside the request's span (so with its request id), where it is mapped: to a status,
//! to the JSON `{error, details}` of the seed's routes, to a form redirect with `?error=`, or to the
//! wire `AppError` of a server function.
//!
//! Each area keeps its own error enum with the messages people read; its `From` impl says which
//! kind each variant is, and its failures of our own carry a `ServerError` made by [`ServerError::internal`].

use crate::model::{AppError, FlashView};
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use std::fmt;

/// What the user reads when the failure is ours: the cause goes to the log, not to them.
pub const INTERNAL_MESSAGE: &str = "Something went wrong on our side. Please try again in a moment.";

/// The kinds of failure; each has one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The request cannot be done as asked: bad input, or a state that does not allow it.
    BadRequest,
    /// Not signed in, wrong credentials, or a delivery whose signature does not check.
    Unauthorized,
    /// Signed in (or holding a token) but not allowed this: a read-only token asked to change something.
    Forbidden,
    /// No such thing in the caller's account.
    NotFound,
    /// Too many attempts; try later.
    TooManyRequests,
    /// Prokip or a store failed or refused.
    BadGateway,
    /// The database is unavailable for now; the caller should retry.
    Unavailable,
    /// Our own failure: database, queue, session.
    Internal,
}

impl Kind {
    pub fn status(self) -> StatusCode {
        match self {
            Kind::BadRequest => StatusCode::BAD_REQUEST,
            Kind::Unauthorized => StatusCode::UNAUTHORIZED,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Kind::BadGateway => StatusCode::BAD_GATEWAY,
            Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The JSON `error` when the failure names no title of its own.
    fn title(self) -> &'static str {
        match self {
            Kind::BadRequest => "Bad request",
            Kind::Unauthorized => "Unauthorized",
            Kind::Forbidden => "Forbidden",
            Kind::NotFound => "Not found",
            Kind::TooManyRequests => "Too many attempts",
            Kind::BadGateway => "Bad gateway",
            Kind::Unavailable => "Service unavailable",
            Kind::Internal => "Internal server error",
        }
    }
}

/// A failed request: what went wrong for the user, and why for the log.
pub struct ServerError {
    kind: Kind,
    /// What the user reads (the form's `?error=`, the JSON `details`).
    message: String,
    /// The JSON `error`; defaults to the kind's.
    title: Option<&'static str>,
    /// The form field the error belongs to (`?field=`).
    field: Option<&'static str>,
    /// Structured JSON `details` in place of the message.
    details: Option<Value>,
    cause: Option<anyhow::Error>,
}

impl ServerError {
    /// A failure the user can act on; `message` says what to do.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        ServerError { kind, message: message.into(), title: None, field: None, details: None, cause: None }
    }

    /// Our own failure: the user reads a generic message, the log gets `cause` with its chain.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        ServerError { cause: Some(cause.into()), ..ServerError::new(Kind::Internal, INTERNAL_MESSAGE) }
    }

    /// An area's error of `kind`: its text is the message, the error itself (and its sources) the cause.
    pub fn from_error(kind: Kind, error: impl std::error::Error + Send + Sync + 'static) -> Self {
        let message = error.to_string();
        ServerError { cause: Some(error.into()), ..ServerError::new(kind, message) }
    }

    pub fn with_title(mut self, title: &'static str) -> Self {
        self.title = Some(title);
        self
    }

    pub fn with_field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn status(&self) -> StatusCode {
        self.kind.status()
    }

    /// Logs the failure: ours and an unavailable database as errors with the cause chain, a
    /// platform's as a warning, the caller's at info. Each mapping below calls it once.
    fn log(&self) {
        let status = self.status().as_u16();
        let cause = self.cause.as_ref().map(|c| format!("{c:#}"));
        let cause = cause.as_deref().unwrap_or("");
        match self.kind {
            Kind::Internal | Kind::Unavailable => {
                tracing::error!(status, error = %self.message, cause, "request failed")
            }
            Kind::BadGateway => tracing::warn!(status, error = %self.message, cause, "request failed"),
            _ => tracing::info!(status, error = %self.message, "request refused"),
        }
    }

    /// Logs the failure where no answer carries it.
    pub fn report(self) {
        self.log();
    }

    /// Logs the failure and gives what the user reads.
    pub fn into_message(self) -> String {
        self.log();
        self.message
    }

    /// Logs the failure and gives its status alone (platform callbacks get no body).
    pub fn into_status(self) -> StatusCode {
        self.log();
        self.status()
    }

    /// Logs the failure and sends the user back to a form's `page`, which shows the message once
    /// (beside its field when it belongs to one) with what they typed (`keep`) filled in again.
    pub fn redirect(self, page: &str, keep: &[(&str, &str)]) -> Response {
        let field = self.field.map(str::to_owned);
        let error = Some(self.into_message());
        super::flash::redirect(page, FlashView { error, field, kept: super::flash::kept(keep), ..Default::default() })
    }
}

/// The seed's JSON shape: `{"error": <title>, "details": <message or structured details>}`.
impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        let title = self.title.unwrap_or(self.kind.title());
        let details = self.details.clone();
        let message = self.into_message();
        (status, Json(json!({ "error": title, "details": details.unwrap_or(Value::String(message)) }))).into_response()
    }
}

/// A server function's answer: the response gets this error's status, the UI the message.
impl From<ServerError> for AppError {
    fn from(e: ServerError) -> Self {
        if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(e.status());
        }
        match e.kind {
            Kind::Unauthorized => {
                e.log();
                AppError::Unauthorized
            }
            Kind::Internal | Kind::Unavailable => {
                e.log();
                AppError::Internal
            }
            _ => AppError::BadRequest(e.into_message()),
        }
    }
}

impl From<sea_orm::DbErr> for ServerError {
    fn from(e: sea_orm::DbErr) -> Self {
        ServerError::internal(e)
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ServerError");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(cause) = &self.cause {
            d.field("cause", &format_args!("{cause:#}"));
        }
        d.finish()
    }
}

impl std::error::Error for ServerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_ref().map(|c| c.as_ref() as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn an_internal_failure_shows_a_generic_message_and_keeps_its_cause_chain() {
        let e = ServerError::internal(Outer(std::io::Error::other("disk on fire")));
        assert_eq!(e.to_string(), INTERNAL_MESSAGE);
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(format!("{e:?}").contains("outer: disk on fire"), "{e:?}");
    }

    #[test]
    fn an_area_error_is_shown_as_it_reads() {
        let e = ServerError::from_error(Kind::BadGateway, Outer(std::io::Error::other("timeout")));
        assert_eq!(e.to_string(), "outer");
        assert_eq!(e.status(), StatusCode::BAD_GATEWAY);
    }

    #[test]
    fn a_form_redirect_goes_back_without_putting_text_in_the_address() {
        // The message travels in the session (see `flash`); the address never carries it.
        let e = ServerError::new(Kind::BadRequest, "Choose a longer password.").with_field("password");
        let r = e.redirect("/register", &[("username", "amina")]);
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], "/register");
    }

    #[tokio::test]
    async fn json_answers_have_the_seed_shape() {
        let e = ServerError::new(Kind::Unauthorized, "Please sign in to continue.");
        let r = e.into_response();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let body = axum::body::to_bytes(r.into_body(), 1 << 16).await.unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body, json!({ "error": "Unauthorized", "details": "Please sign in to continue." }));
    }
}
