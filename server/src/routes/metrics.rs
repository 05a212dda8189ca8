//! `/metrics`: the Prometheus page, behind `Authorization: Bearer <METRICS_TOKEN>` when a token
//! is configured (anything else gets a bare 401).

use app::backend::{metrics, state::AppState};
use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// The text exposition format's content type.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.config.metrics.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !metrics::token_matches(given.trim(), token) {
            return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))])
                .into_response();
        }
    }
    let page = metrics::render(&state.db).await;
    ([(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))], page).into_response()
}
