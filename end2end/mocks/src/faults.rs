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
}

impl FaultKind {
    fn label(&self) -> String {
        match self {
            FaultKind::Latency { .. } => "latency".into(),
            FaultKind::Status { status, .. } => status.to_string(),
            FaultKind::Timeout { .. } => "timeout".into(),
            FaultKind::Reset => "reset".into(),
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
