//! Sign-in, registration and sign-out, as HTML form posts (work without JavaScript; answer with a
//! redirect) and as the seed's JSON API (`/auth/register`, `/auth/login`, `/auth/logout`).

use super::api_doc::{Credentials, ErrorBody, Message, SignInAnswer};

use super::{ClientIp, bad_body, success};
use app::backend::{
    auth::{self, AuthError, AuthSession, LoginForm, RegisterForm, User},
    error::ServerError,
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

pub async fn login_form(mut session: AuthSession, ClientIp(ip): ClientIp, Form(form): Form<LoginForm>) -> Response {
    let username = form.username.clone();
    match auth::login(&mut session, form, &ip).await {
        Ok(_) => Redirect::to("/").into_response(),
        Err(e) => back_to("/login", e, &username),
    }
}

pub async fn register_form(
    State(state): State<AppState>,
    mut session: AuthSession,
    ClientIp(ip): ClientIp,
    Form(form): Form<RegisterForm>,
) -> Response {
    let business = form.business_name.clone().unwrap_or_default();
    let username = form.username.clone();
    match register_and_login(&state, &mut session, form, &ip).await {
        Ok(_) => Redirect::to("/").into_response(),
        Err(e) => ServerError::from(e)
            .redirect("/register", &[("username", username.trim()), ("business_name", business.trim())]),
    }
}

pub async fn logout_form(mut session: AuthSession) -> Redirect {
    if let Err(e) = auth::logout(&mut session).await {
        ServerError::from(e).report();
    }
    Redirect::to("/login")
}

/// Back to the form with the error, the username typed (never the password) and the field the
/// error belongs to. (Registration also keeps the business name.)
fn back_to(page: &str, e: AuthError, username: &str) -> Response {
    ServerError::from(e).redirect(page, &[("username", username.trim())])
}

/// Registration signs the new user in at once.
async fn register_and_login(
    state: &AppState,
    session: &mut AuthSession,
    form: RegisterForm,
    ip: &str,
) -> Result<User, AuthError> {
    let password = form.password.clone();
    let user = auth::register(&state.db, form).await?;
    auth::login(session, LoginForm { username: user.username, password }, ip).await
}

// ---- JSON (seed parity) -----------------------------------------------------------------------

#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = Credentials,
    responses((status = 201, description = "Registered and signed in; the session cookie is set", body = SignInAnswer),
        (status = 400, description = "A field is refused (`details.field` names it) or the username is taken", body = ErrorBody),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody)))]
pub async fn register_json(
    State(state): State<AppState>,
    mut session: AuthSession,
    ClientIp(ip): ClientIp,
    body: Bytes,
) -> Result<Response, ServerError> {
    let form: RegisterForm = parse_json(&body)?;
    let user = register_and_login(&state, &mut session, form, &ip).await?;
    let body = json!({ "message": "User registered successfully", "user": user_json(&user) });
    Ok((StatusCode::CREATED, success(body)).into_response())
}

#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = Credentials,
    responses((status = 200, description = "Signed in; the session cookie is set", body = SignInAnswer),
        (status = 400, description = "A body that does not parse", body = ErrorBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 429, description = "Too many failed attempts; the details say how long to wait", body = ErrorBody)))]
pub async fn login_json(
    mut session: AuthSession,
    ClientIp(ip): ClientIp,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ServerError> {
    let form: LoginForm = parse_json(&body)?;
    let user = auth::login(&mut session, form, &ip).await?;
    Ok(success(json!({ "message": "Login successful", "user": user_json(&user) })))
}

#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 200, description = "Signed out; the session is deleted", body = Message),
        (status = 500, description = "The session could not be deleted; logged with the request id", body = ErrorBody)))]
pub async fn logout_json(mut session: AuthSession) -> Result<Json<serde_json::Value>, ServerError> {
    auth::logout(&mut session).await?;
    Ok(success(json!({ "message": "Logged out" })))
}

fn user_json(user: &User) -> serde_json::Value {
    json!({ "id": user.id, "username": user.username })
}

fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ServerError> {
    serde_json::from_slice(body).map_err(bad_body)
}
