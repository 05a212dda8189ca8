//! Accounts and sign-in: the axum-login backend, registration, login with throttling, and the
//! helpers server functions use to find the caller.

mod client_addr;
mod forms;
mod throttle;

pub use client_addr::TrustedProxies;
pub use forms::{Field, LoginForm, RegisterForm, ValidationError};

use crate::{
    backend::{
        db::{accounts, users},
        error::{Kind, ServerError},
    },
    model::CurrentUser,
};
use axum_login::{AuthUser, AuthnBackend, UserId};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, Set, TransactionTrait};
use std::time::Duration;

pub type AuthSession = axum_login::AuthSession<Backend>;

/// The user kept in the session. `Debug` never prints the password hash.
#[derive(Clone)]
pub struct User {
    pub id: i64,
    pub account_id: i64,
    pub username: String,
    password_hash: String,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("account_id", &self.account_id)
            .field("username", &self.username)
            .field("password_hash", &"[redacted]")
            .finish()
    }
}

impl From<users::Model> for User {
    fn from(m: users::Model) -> Self {
        User { id: m.id, account_id: m.account_id, username: m.username, password_hash: m.password_hash }
    }
}

impl AuthUser for User {
    type Id = i64;

    fn id(&self) -> i64 {
        self.id
    }

    /// Changing the password invalidates every existing session.
    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

#[derive(Clone)]
pub struct Backend {
    db: DatabaseConnection,
}

impl Backend {
    pub fn new(db: DatabaseConnection) -> Self {
        Backend { db }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("password check failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Checked credentials: username and password as typed.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl AuthnBackend for Backend {
    type User = User;
    type Credentials = Credentials;
    type Error = BackendError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<User>, BackendError> {
        let user = users::find_by_username(&self.db, creds.username.trim()).await?;
        // Verify against a fixed hash when the user is unknown, so timing does not reveal it.
        let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.to_owned());
        let ok =
            tokio::task::spawn_blocking(move || password_auth::verify_password(creds.password, &hash).is_ok()).await?;
        Ok(user.filter(|_| ok).map(User::from))
    }

    async fn get_user(&self, id: &UserId<Self>) -> Result<Option<User>, BackendError> {
        use sea_orm::EntityTrait;
        Ok(users::Entity::find_by_id(*id).one(&self.db).await?.map(User::from))
    }
}

/// Argon2 hash of a random string nobody knows.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$2mb0GZ3ZTpS4zz+Y/CNrKw$bqUHfGZ/ZhxJ0wxXfIuOCZ5JzRvTNmUVrSr0Oq5xIYg";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    #[error("That username is already taken. Choose another or sign in.")]
    UsernameTaken,
    #[error("Wrong username or password.")]
    WrongCredentials,
    #[error("Too many failed sign-in attempts. Try again in {} minute{}.", .0.div_ceil(60), if .0.div_ceil(60) == 1 { "" } else { "s" })]
    Throttled(u64),
    #[error(transparent)]
    Internal(#[from] ServerError),
}

impl From<DbErr> for AuthError {
    fn from(e: DbErr) -> Self {
        AuthError::Internal(ServerError::internal(e))
    }
}

impl From<BackendError> for AuthError {
    fn from(e: BackendError) -> Self {
        AuthError::Internal(ServerError::internal(e))
    }
}

impl AuthError {
    /// The form field an error belongs to, so the page can show it beside that field.
    pub fn field(&self) -> Option<Field> {
        match self {
            AuthError::Invalid(v) => Some(v.field),
            AuthError::UsernameTaken => Some(Field::Username),
            _ => None,
        }
    }
}

/// The seed's JSON titles (`Validation failed`, …); a validation error's details name its field.
impl From<AuthError> for ServerError {
    fn from(e: AuthError) -> Self {
        let (kind, title, details) = match &e {
            AuthError::Invalid(v) => (
                Kind::BadRequest,
                "Validation failed",
                Some(serde_json::json!({ "field": v.field.as_str(), "message": v.message })),
            ),
            AuthError::UsernameTaken => (Kind::BadRequest, "User already exists", None),
            AuthError::WrongCredentials => (Kind::Unauthorized, "Invalid credentials", None),
            AuthError::Throttled(_) => (Kind::TooManyRequests, "Too many attempts", None),
            AuthError::Internal(_) => (Kind::Internal, "Internal server error", None),
        };
        let field = e.field();
        let mut error = match e {
            AuthError::Internal(inner) => return inner,
            other => ServerError::from_error(kind, other).with_title(title),
        };
        if let Some(field) = field {
            error = error.with_field(field.as_str());
        }
        if let Some(details) = details {
            error = error.with_details(details);
        }
        error
    }
}

/// Creates an account and its owner. The new user still has to be logged in by the caller.
pub async fn register(db: &DatabaseConnection, form: RegisterForm) -> Result<User, AuthError> {
    let form = form.validate()?;
    if users::find_by_username(db, &form.username).await?.is_some() {
        return Err(AuthError::UsernameTaken);
    }
    let password = form.password.clone();
    let password_hash = tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(ServerError::internal)?;
    let txn = db.begin().await?;
    let now = chrono::Utc::now();
    let account = accounts::ActiveModel {
        name: Set(form.business_name.clone()),
        time_zone: Set(form.time_zone.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let user = users::ActiveModel {
        account_id: Set(account.id),
        username: Set(form.username.clone()),
        password_hash: Set(password_hash),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let user = match user {
        Ok(u) => u,
        // Two registrations raced for the same name: the unique index decides.
        Err(e) if e.to_string().contains("users_username_key") => return Err(AuthError::UsernameTaken),
        Err(e) => return Err(e.into()),
    };
    txn.commit().await?;
    tracing::info!(user_id = user.id, account_id = account.id, "account registered");
    Ok(User::from(user))
}

/// Checks the throttle, verifies the password and starts a session (with a fresh session id).
pub async fn login(auth: &mut AuthSession, form: LoginForm, ip: &str) -> Result<User, AuthError> {
    let db = &auth.backend.db.clone();
    // No username holds U+0000 (registration allows letters, digits and . _ @ -), but PostgreSQL
    // text cannot take it: keep it out of the throttle's and the lookup's queries.
    let username = form.username.trim().replace('\0', "\u{fffd}");
    if let Some(wait) = throttle::blocked_for(db, &username, ip).await? {
        return Err(AuthError::Throttled(wait.as_secs().max(1)));
    }
    let creds = Credentials { username: username.clone(), password: form.password };
    match auth.authenticate(creds).await {
        Ok(Some(user)) => {
            auth.login(&user).await.map_err(ServerError::internal)?;
            throttle::clear(db, &username, ip).await?;
            tracing::info!(user_id = user.id, "signed in");
            Ok(user)
        }
        Ok(None) => {
            throttle::record_failure(db, &username, ip).await?;
            tracing::info!(ip, "failed sign-in");
            Err(AuthError::WrongCredentials)
        }
        Err(e) => Err(ServerError::internal(e).into()),
    }
}

/// Ends the session and deletes it from the store.
pub async fn logout(auth: &mut AuthSession) -> Result<(), AuthError> {
    auth.logout().await.map(|_| ()).map_err(|e| ServerError::internal(e).into())
}

/// For server functions: the caller, or `None` when signed out.
pub async fn session_user() -> Result<Option<CurrentUser>, ServerError> {
    let auth = session().await?;
    let Some(user) = auth.user else { return Ok(None) };
    let found = users::find_with_account(&auth.backend.db, user.id).await?;
    Ok(found.map(|(u, account_name)| CurrentUser { id: u.id, username: u.username, account_name }))
}

/// For private server functions: the caller, or 401.
pub async fn require_user() -> Result<User, ServerError> {
    let auth = session().await?;
    auth.user.ok_or_else(|| ServerError::new(Kind::Unauthorized, "Please sign in to continue."))
}

async fn session() -> Result<AuthSession, ServerError> {
    leptos_axum::extract().await.map_err(|e| ServerError::internal(anyhow::anyhow!("no auth session: {e}")))
}

/// How long sessions last without activity.
pub const SESSION_IDLE: Duration = Duration::from_secs(7 * 24 * 3600);
