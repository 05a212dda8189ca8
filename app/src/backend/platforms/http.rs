//! What every platform client shares: one configured `reqwest::Client`, a retry loop for
//! transient failures (429 with `Retry-After`, 5xx, timeouts, resets) with capped exponential
//! backoff, and the counting of every call, retry and rate-limit wait for the metrics.

use crate::backend::metrics;
use reqwest::{RequestBuilder, Response, StatusCode};
use std::time::Duration;

/// Which platform a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Prokip,
    Shopify,
    WooCommerce,
}

impl Api {
    fn label(self) -> &'static str {
        match self {
            Api::Prokip => "prokip",
            Api::Shopify => "shopify",
            Api::WooCommerce => "woocommerce",
        }
    }
}

/// Sends the request once and counts the call by its outcome and status class.
pub async fn send_once(api: Api, request: RequestBuilder) -> Result<Response, reqwest::Error> {
    let result = request.send().await;
    let (outcome, status) = classify(&result);
    metrics::platform_call(api.label(), outcome, status);
    result
}

/// A call's outcome (`ok`, `error`: a non-success answer, or why there was none) and status class.
fn classify(result: &Result<Response, reqwest::Error>) -> (&'static str, &'static str) {
    match result {
        Ok(resp) => {
            let status = resp.status();
            let class = match status.as_u16() {
                429 => "429",
                200..=299 => "2xx",
                300..=399 => "3xx",
                400..=499 => "4xx",
                500..=599 => "5xx",
                _ => "other",
            };
            (if status.is_success() { "ok" } else { "error" }, class)
        }
        Err(e) if e.is_timeout() => ("timeout", "none"),
        Err(e) if e.is_connect() => ("unreachable", "none"),
        Err(_) => ("failed", "none"),
    }
}

/// Waits before trying a call again: `throttled` when the platform's rate limit asked for it.
pub async fn wait_to_retry(api: Api, wait: Duration, throttled: bool) {
    metrics::platform_retry(api.label());
    if throttled {
        metrics::throttle_wait(api.label(), wait);
    }
    tokio::time::sleep(wait).await;
}

/// Waits as the platform's rate limit asks before a call is made again (not a retry of a failure).
pub async fn wait_for_rate_limit(api: Api, wait: Duration) {
    metrics::throttle_wait(api.label(), wait);
    tokio::time::sleep(wait).await;
}

/// A client with connect and total timeouts; no platform call may hang a job forever.
pub fn client(timeout: Duration) -> reqwest::Client {
    shared("platform", timeout, || client_builder(timeout))
}

/// The process's one client of this kind and timeout, built on first use. A clone is a handle to
/// the same client: building one reads and parses the system's root certificates (when every job
/// built its own clients that was a fifth of the process's CPU under load), and a shared client
/// keeps its connections to a platform alive from one job to the next. Nothing per merchant lives
/// in a client: credentials go on each request.
pub fn shared(
    kind: &'static str,
    timeout: Duration,
    build: impl FnOnce() -> reqwest::ClientBuilder,
) -> reqwest::Client {
    use std::{
        collections::HashMap,
        sync::{LazyLock, Mutex},
    };
    static CLIENTS: LazyLock<Mutex<HashMap<(&'static str, Duration), reqwest::Client>>> =
        LazyLock::new(Default::default);
    let mut clients = CLIENTS.lock().unwrap_or_else(|e| e.into_inner());
    clients
        .entry((kind, timeout))
        .or_insert_with(|| build().build().expect("reqwest client with static settings"))
        .clone()
}

/// The shared client settings, for callers that add to them.
pub fn client_builder(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("prokip-sync/", env!("CARGO_PKG_VERSION")))
}

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Total tries, the first included.
    pub attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { attempts: 4, base: Duration::from_millis(200), cap: Duration::from_secs(10) }
    }
}

impl RetryPolicy {
    /// No retries: for tests that want to see the first failure.
    pub fn none() -> Self {
        RetryPolicy { attempts: 1, ..Default::default() }
    }

    /// The wait before try number `attempt + 1` (0-based `attempt`), with jitter.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base.saturating_mul(2u32.saturating_pow(attempt));
        let capped = exp.min(self.cap);
        let jitter = rand::random_range(0.5..1.0);
        capped.mul_f64(jitter)
    }
}

/// Whether a status is worth another try.
pub fn is_transient(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// `Retry-After` as seconds (fractional allowed, as Shopify's own test server sends `0.1`).
pub fn retry_after(resp: &Response) -> Option<Duration> {
    let v = resp.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let secs: f64 = v.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(60.0)))
}

/// Sends the request built by `build`, retrying transient failures. Returns the last response
/// (which may still be an error status) or the last transport error.
pub async fn send_with_retry(
    api: Api,
    policy: RetryPolicy,
    build: impl Fn() -> RequestBuilder,
) -> Result<Response, reqwest::Error> {
    let mut attempt = 0;
    loop {
        let result = send_once(api, build()).await;
        let last = attempt + 1 >= policy.attempts;
        match result {
            Ok(resp) if is_transient(resp.status()) && !last => {
                let wait = retry_after(&resp).unwrap_or_else(|| policy.backoff(attempt));
                tracing::warn!(status = %resp.status(), url = %redact_query(resp.url()), ?wait, "transient answer; retrying");
                wait_to_retry(api, wait, resp.status() == StatusCode::TOO_MANY_REQUESTS).await;
            }
            Err(e) if (e.is_timeout() || e.is_connect() || e.is_request() || e.is_body()) && !last => {
                let wait = policy.backoff(attempt);
                tracing::warn!(error = %e, ?wait, "request failed; retrying");
                wait_to_retry(api, wait, false).await;
            }
            other => return other,
        }
        attempt += 1;
    }
}

/// A URL for logs: the query string (which may carry keys) is dropped.
pub fn redact_query(url: &reqwest::Url) -> String {
    let mut u = url.clone();
    if u.query().is_some() {
        u.set_query(Some("[redacted]"));
    }
    u.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy { attempts: 10, base: Duration::from_millis(100), cap: Duration::from_secs(1) };
        assert!(p.backoff(0) <= Duration::from_millis(100));
        assert!(p.backoff(2) >= Duration::from_millis(200) && p.backoff(2) <= Duration::from_millis(400));
        assert!(p.backoff(20) <= Duration::from_secs(1));
    }
}
