//! Sign-in, registration and sign-out, as HTML form posts (work without JavaScript; answer with a
//! redirect) and as the seed's JSON API (`/auth/register`, `/auth/login`, `/auth/logout`).

use super::ClientIp;
use app::backend::{
    auth::{self, AuthError, AuthSession, LoginForm, RegisterForm, User},
    state::AppState,
};
use axum::{
    Form, Json,
    body::Bytes,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use serde::de::DeserializeOwned;
use serde_json::json;

// ---- HTML forms -------------------------------------------------------------------------------

pub async fn login_form(mut session: AuthSession, ClientIp(ip): ClientIp, Form(form): Form<LoginForm>) -> Redirect {
    let username = form.username.clone();
    match auth::login(&mut session, form, &ip).await {
        Ok(_) => Redirect::to("/"),
        Err(e) => back_to("/login", &e, &username),
    }
}

pub async fn register_form(
    State(state): State<AppState>,
    mut session: AuthSession,
    ClientIp(ip): ClientIp,
    Form(form): Form<RegisterForm>,
) -> Redirect {
    let username = form.username.clone();
    let password = form.password.clone();
    let result = match auth::register(&state.db, form).await {
        Ok(user) => auth::login(&mut session, LoginForm { username: user.username, password }, &ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to("/"),
        Err(e) => back_to("/register", &e, &username),
    }
}

pub async fn logout_form(mut session: AuthSession) -> Redirect {
    if let Err(e) = auth::logout(&mut session).await {
        tracing::error!(error = %e, "logout failed");
    }
    Redirect::to("/login")
}

/// Back to the form with the error, the field it belongs to and the username typed (never the password).
fn back_to(page: &str, e: &AuthError, username: &str) -> Redirect {
    log_internal(e);
    let mut q = vec![("error", e.to_string()), ("username", username.trim().to_owned())];
    if let Some(field) = e.field() {
        q.push(("field", field.as_str().to_owned()));
    }
    let query = serde_urlencoded::to_string(q).unwrap_or_default();
    Redirect::to(&format!("{page}?{query}"))
}

fn log_internal(e: &AuthError) {
    if let AuthError::Internal(cause) = e {
        tracing::error!(%cause, "auth request failed");
    }
}

// ---- JSON (seed parity) -----------------------------------------------------------------------

pub async fn register_json(
    State(state): State<AppState>,
    mut session: AuthSession,
    ClientIp(ip): ClientIp,
    body: Bytes,
) -> Response {
    let form: RegisterForm = match parse_json(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let password = form.password.clone();
    let result = match auth::register(&state.db, form).await {
        Ok(user) => auth::login(&mut session, LoginForm { username: user.username, password }, &ip).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(user) => {
            (StatusCode::CREATED, Json(json!({ "message": "User registered successfully", "user": user_json(&user) })))
                .into_response()
        }
        Err(e) => json_error(&e),
    }
}

pub async fn login_json(mut session: AuthSession, ClientIp(ip): ClientIp, body: Bytes) -> Response {
    let form: LoginForm = match parse_json(&body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match auth::login(&mut session, form, &ip).await {
        Ok(user) => Json(json!({ "message": "Login successful", "user": user_json(&user) })).into_response(),
        Err(e) => json_error(&e),
    }
}

pub async fn logout_json(mut session: AuthSession) -> Response {
    match auth::logout(&mut session).await {
        Ok(()) => Json(json!({ "message": "Logged out" })).into_response(),
        Err(e) => json_error(&e),
    }
}

fn user_json(user: &User) -> serde_json::Value {
    json!({ "id": user.id, "username": user.username })
}

#[allow(clippy::result_large_err, reason = "the error is the finished response, built once on a cold path")]
fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| {
        (StatusCode::BAD_REQUEST, Json(json!({ "error": "Invalid request body", "details": e.to_string() })))
            .into_response()
    })
}

/// The seed's error shape: `{"error": …, "details": …}`.
fn json_error(e: &AuthError) -> Response {
    log_internal(e);
    let (status, error, details) = match e {
        AuthError::Invalid(v) => {
            (StatusCode::BAD_REQUEST, "Validation failed", json!({ "field": v.field.as_str(), "message": v.message }))
        }
        AuthError::UsernameTaken => (StatusCode::BAD_REQUEST, "User already exists", json!(e.to_string())),
        AuthError::WrongCredentials => (StatusCode::UNAUTHORIZED, "Invalid credentials", json!(e.to_string())),
        AuthError::Throttled(_) => (StatusCode::TOO_MANY_REQUESTS, "Too many attempts", json!(e.to_string())),
        AuthError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "Internal server error", json!(e.to_string())),
    };
    (status, Json(json!({ "error": error, "details": details }))).into_response()
}
