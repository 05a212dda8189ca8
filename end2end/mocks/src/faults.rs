//! Fault injection and request counting, shared by the three mock platforms.
//!
//! Control API (on each platform's port):
//! - `POST /_control/faults` with a [`FaultRule`] adds a rule; `DELETE /_control/faults` clears them.
//! - `GET /_control/requests` → `{"GET /connector/api/variation": 3, …}`; `DELETE` resets the counts.

use axum::{
    Json, Router,
    body::Body,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer normally, after a delay.
    Latency { ms: u64 },
    /// Answer with this status instead (e.g. 429 with `Retry-After`, 500, 503).
    Status {
        status: u16,
        #[serde(default)]
        retry_after: Option<f64>,
    },
    /// Hold the request this long, then answer 504 (longer than a client's timeout).
    Timeout { ms: u64 },
    /// Start a response and break the connection.
    Reset,
    /// Do the work, then hold the answer this long: past a client's timeout the work is done
    /// but the client never learns it (a sell made whose answer was lost).
    AnswerLost { ms: u64 },
}

impl FaultKind {
    fn label(&self) -> String {
        match self {
            FaultKind::Latency { .. } => "latency".into(),
            FaultKind::Status { status, .. } => status.to_string(),
            FaultKind::Timeout { .. } => "timeout".into(),
            FaultKind::Reset => "reset".into(),
            FaultKind::AnswerLost { .. } => "answer_lost".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FaultRule {
    /// Requests whose path starts with this (empty = every request).
    #[serde(default)]
    pub path_prefix: String,
    /// Only this method (e.g. "POST"), or any.
    #[serde(default)]
    pub method: Option<String>,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Share of matching requests hit, 0.0–1.0.
    #[serde(default = "one")]
    pub rate: f64,
    /// Stop after this many hits (none = forever).
    #[serde(default)]
    pub times: Option<u32>,
}

fn one() -> f64 {
    1.0
}

#[derive(Default)]
struct Inner {
    rules: Vec<FaultRule>,
    counts: BTreeMap<String, u64>,
    injected: u64,
    by_kind: BTreeMap<String, u64>,
}

/// Shared fault rules and request counts of one mock platform.
#[derive(Clone, Default)]
pub struct Faults(Arc<Mutex<Inner>>);

impl Faults {
    pub fn add(&self, rule: FaultRule) {
        self.0.lock().unwrap().rules.push(rule);
    }

    pub fn clear(&self) {
        self.0.lock().unwrap().rules.clear();
    }

    /// Requests seen per `"METHOD /path"` (ids in paths are kept, so counts are per resource).
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.0.lock().unwrap().counts.clone()
    }

    pub fn count(&self, key: &str) -> u64 {
        self.0.lock().unwrap().counts.get(key).copied().unwrap_or(0)
    }

    /// How many requests got a fault.
    pub fn injected(&self) -> u64 {
        self.0.lock().unwrap().injected
    }

    /// Faults injected per kind: `"latency"`, `"timeout"`, `"reset"` or the status (`"429"`, …).
    pub fn injected_by_kind(&self) -> BTreeMap<String, u64> {
        self.0.lock().unwrap().by_kind.clone()
    }

    fn pick(&self, method: &str, path: &str) -> Option<FaultKind> {
        let mut inner = self.0.lock().unwrap();
        *inner.counts.entry(format!("{method} {path}")).or_default() += 1;
        let hit = inner.rules.iter_mut().find(|r| {
            path.starts_with(&r.path_prefix)
                && r.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
                && r.times != Some(0)
                && rand::random::<f64>() < r.rate
        })?;
        if let Some(t) = hit.times.as_mut() {
            *t -= 1;
        }
        let kind = hit.kind.clone();
        inner.injected += 1;
        *inner.by_kind.entry(kind.label()).or_default() += 1;
        Some(kind)
    }

    /// Wraps a platform router: control routes plus the fault/counting middleware.
    pub fn wrap(&self, router: Router) -> Router {
        let control = Router::new()
            .route("/_control/faults", post(add_rule).delete(clear_rules))
            .route("/_control/requests", get(list_counts).delete(reset_counts))
            .with_state(self.clone());
        router.merge(control).layer(middleware::from_fn_with_state(self.clone(), inject))
    }
}

async fn add_rule(State(f): State<Faults>, Json(rule): Json<FaultRule>) -> StatusCode {
    f.add(rule);
    StatusCode::NO_CONTENT
}

async fn clear_rules(State(f): State<Faults>) -> StatusCode {
    f.clear();
    StatusCode::NO_CONTENT
}

async fn list_counts(State(f): State<Faults>) -> Json<BTreeMap<String, u64>> {
    Json(f.counts())
}

async fn reset_counts(State(f): State<Faults>) -> StatusCode {
    f.0.lock().unwrap().counts.clear();
    StatusCode::NO_CONTENT
}

async fn inject(State(f): State<Faults>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path.starts_with("/_control") {
        return next.run(req).await;
    }
    match f.pick(req.method().as_str(), &path) {
        None => next.run(req).await,
        Some(FaultKind::Latency { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        Some(FaultKind::Status { status, retry_after }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut resp = (status, Json(serde_json::json!({ "errors": "injected fault" }))).into_response();
            if let Some(secs) = retry_after {
                resp.headers_mut().insert(header::RETRY_AFTER, secs.to_string().parse().unwrap());
            }
            resp
        }
        Some(FaultKind::Timeout { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        Some(FaultKind::AnswerLost { ms }) => {
            let resp = next.run(req).await;
            tokio::time::sleep(Duration::from_millis(ms)).await;
            resp
        }
        Some(FaultKind::Reset) => {
            let broken = futures::stream::once(async {
                Err::<axum::body::Bytes, _>(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "injected reset"))
            });
            Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from_stream(broken))
                .unwrap()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[tokio::test]
    async fn a_lost_answer_does_the_work_but_the_client_times_out() {
        let done = Arc::new(AtomicU64::new(0));
        let counter = done.clone();
        let app = Router::new().route(
            "/sell",
            post(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { StatusCode::OK }
            }),
        );
        let faults = Faults::default();
        faults.add(FaultRule {
            path_prefix: "/sell".into(),
            method: None,
            kind: FaultKind::AnswerLost { ms: 500 },
            rate: 1.0,
            times: Some(1),
        });
        let addr = crate::serve(faults.wrap(app), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let client = reqwest::Client::builder().timeout(Duration::from_millis(150)).build().unwrap();

        let lost = client.post(format!("http://{addr}/sell")).send().await;
        assert!(lost.is_err_and(|e| e.is_timeout()));
        assert_eq!(done.load(Ordering::SeqCst), 1, "the work was done before the answer was held");
        assert!(client.post(format!("http://{addr}/sell")).send().await.unwrap().status().is_success());
        assert_eq!(faults.injected_by_kind(), BTreeMap::from([("answer_lost".to_owned(), 1)]));
    }
}
