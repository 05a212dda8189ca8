//! `AppError`: the one error type the UI sees. It crosses the wire as JSON, so it compiles to wasm;
//! setting the response status lives behind `ssr`. Conversions from server errors live in the backend
//! (`backend::error`), which this module does not know.

use leptos::server_fn::{
    ServerFnError,
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthorized,
    #[error("{0}")]
    BadRequest(String),
    #[error("Not found.")]
    NotFound,
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    #[error("{0}")]
    ServerFn(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Arguments the server cannot read (a missing field, `page=-1`) are the caller's mistake: 400
    /// with the reason, not a 500.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let error = match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest(value.to_string()),
            _ => AppError::ServerFn(value.to_string()),
        };
        #[cfg(feature = "ssr")]
        let error = error.with_status();
        error
    }
}

impl From<ServerFnError> for AppError {
    fn from(value: ServerFnError) -> Self {
        AppError::ServerFn(value.to_string())
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use axum::http::StatusCode;

    impl AppError {
        pub fn status(&self) -> StatusCode {
            match self {
                AppError::Unauthorized => StatusCode::UNAUTHORIZED,
                AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
                AppError::NotFound => StatusCode::NOT_FOUND,
                AppError::Internal | AppError::ServerFn(_) => StatusCode::INTERNAL_SERVER_ERROR,
            }
        }

        /// Sets the HTTP status of the server-function response to match this error.
        pub fn with_status(self) -> Self {
            if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(self.status());
            }
            self
        }
    }
}
