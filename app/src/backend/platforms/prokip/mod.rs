//! Prokip client: the UltimatePOS Connector API behind `api.prokip.africa` (paths under
//! `/connector/api`), with Passport password-grant login, one refresh-and-retry on 401, and typed
//! results for its quirks (errors inside HTTP 200 sell answers, decimal strings, Laravel pages).

mod catalog;
mod de;
mod sells;
mod types;
mod wire;

#[cfg(test)]
mod tests;

pub use types::*;

use super::http::{Api, RetryPolicy, client, retry_after, send_once, send_with_retry, wait_to_retry};
use crate::backend::secret::Secret;
use chrono::{Duration as Span, Utc};
use reqwest::{Method, RequestBuilder, Response, StatusCode, header::ACCEPT};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::{sync::Mutex, time::Duration};

pub const DEFAULT_BASE_URL: &str = "https://api.prokip.africa";
/// Passport answers without `expires_in` are taken to last one hour.
const DEFAULT_EXPIRES_IN: i64 = 3600;

#[derive(Debug, thiserror::Error)]
pub enum ProkipError {
    #[error("Prokip did not accept the login or token (even after a refresh); sign in to Prokip again")]
    Unauthorized,
    #[error("Prokip rejected the request: {0}")]
    Rejected(String),
    #[error("Prokip answered HTTP {status}: {body}")]
    Http { status: u16, body: String },
    #[error("could not reach Prokip: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("unexpected answer from Prokip: {0}")]
    Decode(String),
}

/// Whether a request may be sent again after an answer we did not get: reads may; creating a sell
/// or a contact may only be retried when Prokip certainly did not process it (429, no connection).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Resend {
    Always,
    IfUnprocessed,
}

pub struct ProkipClient {
    http: reqwest::Client,
    base_url: String,
    oauth: Option<OAuthClient>,
    tokens: Mutex<Option<Tokens>>,
    /// Serializes refreshes: Passport revokes a refresh token once used.
    refresh_lock: tokio::sync::Mutex<()>,
    retry: RetryPolicy,
}

impl ProkipClient {
    /// A client for `base_url` (e.g. [`DEFAULT_BASE_URL`]); without tokens, call [`Self::login`] first.
    pub fn new(base_url: impl Into<String>, oauth: OAuthClient, tokens: Option<Tokens>) -> Self {
        ProkipClient {
            http: client(Duration::from_secs(30)),
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            oauth: Some(oauth),
            tokens: Mutex::new(tokens),
            refresh_lock: tokio::sync::Mutex::new(()),
            retry: RetryPolicy::default(),
        }
    }

    /// A client from a pasted access token: no refresh is possible, so a 401 is final.
    pub fn from_access_token(base_url: impl Into<String>, access: Secret) -> Self {
        let tokens = Tokens { access, refresh: None, expires_at: Utc::now() + Span::days(365) };
        let mut c =
            Self::new(base_url, OAuthClient { client_id: String::new(), client_secret: Secret::new("") }, Some(tokens));
        c.oauth = None;
        c
    }

    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.http = client(timeout);
        self
    }

    /// The current tokens; persist them after calls, since a 401 may have refreshed them.
    pub fn tokens(&self) -> Option<Tokens> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set_tokens(&self, tokens: Tokens) {
        *self.tokens.lock().unwrap_or_else(|e| e.into_inner()) = Some(tokens);
    }

    /// OAuth2 password grant with the merchant's Prokip login; stores and returns the tokens.
    pub async fn login(&self, username: &str, password: &Secret) -> Result<Tokens, ProkipError> {
        let oauth = self.oauth.as_ref().ok_or(ProkipError::Unauthorized)?;
        let form = [
            ("grant_type", "password"),
            ("client_id", oauth.client_id.as_str()),
            ("client_secret", oauth.client_secret.expose()),
            ("username", username),
            ("password", password.expose()),
            ("scope", ""),
        ];
        self.token_grant(&form, None, Resend::Always).await
    }

    /// Trades the refresh token for new tokens (stored and returned).
    pub async fn refresh(&self) -> Result<Tokens, ProkipError> {
        let oauth = self.oauth.as_ref().ok_or(ProkipError::Unauthorized)?;
        let refresh = self.tokens().and_then(|t| t.refresh).ok_or(ProkipError::Unauthorized)?;
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose()),
            ("client_id", oauth.client_id.as_str()),
            ("client_secret", oauth.client_secret.expose()),
            ("scope", ""),
        ];
        // A refresh token works once: never resend one Prokip may have consumed.
        self.token_grant(&form, Some(refresh.clone()), Resend::IfUnprocessed).await
    }

    async fn token_grant(
        &self,
        form: &[(&str, &str)],
        old_refresh: Option<Secret>,
        resend: Resend,
    ) -> Result<Tokens, ProkipError> {
        let url = format!("{}/oauth/token", self.base_url);
        tracing::debug!(grant = form[0].1, "prokip token request");
        let resp = self.dispatch(resend, || self.http.post(&url).header(ACCEPT, "application/json").form(form)).await?;
        let status = resp.status();
        let body = resp.bytes().await?;
        if status == StatusCode::BAD_REQUEST || status == StatusCode::UNAUTHORIZED {
            tracing::warn!(%status, "prokip refused the token grant");
            return Err(ProkipError::Unauthorized);
        }
        if !status.is_success() {
            return Err(http_error(status, &body));
        }
        let answer: wire::TokenAnswer =
            serde_json::from_slice(&body).map_err(|e| ProkipError::Decode(format!("POST /oauth/token: {e}")))?;
        let tokens = Tokens {
            access: Secret::new(answer.access_token),
            refresh: answer.refresh_token.map(Secret::new).or(old_refresh),
            expires_at: Utc::now() + Span::seconds(answer.expires_in.unwrap_or(DEFAULT_EXPIRES_IN)),
        };
        self.set_tokens(tokens.clone());
        Ok(tokens)
    }

    /// After a 401 with `used`: refresh once (unless another call already did) and return the new token.
    async fn refresh_after(&self, used: &Secret) -> Result<Secret, ProkipError> {
        let _one_at_a_time = self.refresh_lock.lock().await;
        if let Some(t) = self.tokens().filter(|t| &t.access != used) {
            return Ok(t.access);
        }
        match self.refresh().await {
            Ok(t) => Ok(t.access),
            Err(e @ ProkipError::Transport(_)) => Err(e),
            Err(_) => Err(ProkipError::Unauthorized),
        }
    }

    /// Sends with the retry policy: `Always` retries transient answers and failures; `IfUnprocessed`
    /// only 429s and connection failures.
    async fn dispatch(&self, resend: Resend, build: impl Fn() -> RequestBuilder) -> Result<Response, ProkipError> {
        if resend == Resend::Always {
            return Ok(send_with_retry(Api::Prokip, self.retry, build).await?);
        }
        let mut attempt = 0;
        loop {
            let last = attempt + 1 >= self.retry.attempts;
            match send_once(Api::Prokip, build()).await {
                Ok(resp) if resp.status() == StatusCode::TOO_MANY_REQUESTS && !last => {
                    let wait = retry_after(&resp).unwrap_or_else(|| self.retry.backoff(attempt));
                    wait_to_retry(Api::Prokip, wait, true).await;
                }
                Err(e) if e.is_connect() && !last => {
                    wait_to_retry(Api::Prokip, self.retry.backoff(attempt), false).await
                }
                other => return Ok(other?),
            }
            attempt += 1;
        }
    }

    /// One authenticated Connector call: on 401, one refresh and one retry. Returns the body of a
    /// 2xx answer.
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        resend: Resend,
    ) -> Result<Vec<u8>, ProkipError> {
        let url = format!("{}/connector/api{path}", self.base_url);
        let send = |token: Secret| {
            let url = &url;
            let method = method.clone();
            async move {
                tracing::debug!(%method, path, "prokip request");
                self.dispatch(resend, || {
                    let mut rb = self
                        .http
                        .request(method.clone(), url)
                        .bearer_auth(token.expose())
                        .header(ACCEPT, "application/json");
                    if !query.is_empty() {
                        rb = rb.query(query);
                    }
                    if let Some(b) = body {
                        rb = rb.json(b);
                    }
                    rb
                })
                .await
            }
        };
        let used = self.tokens().map(|t| t.access).ok_or(ProkipError::Unauthorized)?;
        let mut resp = send(used.clone()).await?;
        if resp.status() == StatusCode::UNAUTHORIZED {
            let fresh = self.refresh_after(&used).await?;
            resp = send(fresh).await?;
            if resp.status() == StatusCode::UNAUTHORIZED {
                return Err(ProkipError::Unauthorized);
            }
        }
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if !status.is_success() {
            tracing::warn!(%status, path, "prokip error answer");
            return Err(http_error(status, &bytes));
        }
        Ok(bytes.to_vec())
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str, query: &[(&str, String)]) -> Result<T, ProkipError> {
        let body = self.call(Method::GET, path, query, None, Resend::Always).await?;
        decode(path, &body)
    }

    /// Every item of a paginated list: `page=1,2,…` until `links.next` is null.
    async fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        per_page: u32,
    ) -> Result<Vec<T>, ProkipError> {
        const MAX_PAGES: u32 = 100_000;
        let mut out = Vec::new();
        for page in 1..=MAX_PAGES {
            let mut q = query.to_vec();
            q.push(("per_page", per_page.to_string()));
            q.push(("page", page.to_string()));
            let p: wire::Page<T> = self.get_json(path, &q).await?;
            let more = p.has_next() && !p.data.is_empty();
            out.extend(p.data);
            if !more {
                break;
            }
        }
        Ok(out)
    }
}

fn decode<T: DeserializeOwned>(path: &str, body: &[u8]) -> Result<T, ProkipError> {
    serde_json::from_slice(body).map_err(|e| ProkipError::Decode(format!("{path}: {e}")))
}

/// A non-2xx answer: a Connector `{"error":{"message"}}` on a 4xx is a rejection; the rest is HTTP.
fn http_error(status: StatusCode, body: &[u8]) -> ProkipError {
    let text = String::from_utf8_lossy(body);
    if status.is_client_error()
        && status != StatusCode::TOO_MANY_REQUESTS
        && let Some(message) = serde_json::from_slice::<Value>(body).ok().as_ref().and_then(wire::error_message)
    {
        return ProkipError::Rejected(message);
    }
    ProkipError::Http { status: status.as_u16(), body: wire::excerpt(&text) }
}
