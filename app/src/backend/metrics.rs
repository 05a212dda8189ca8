//! The operator's metrics: every metric's name, help text and buckets, the recorder that keeps them
//! (one per process) and the Prometheus page they are rendered to. Call sites record through the
//! functions here and never spell a metric's name. Every label value is a `&'static str` from a
//! closed set (platform, topic, queue, outcome…): no SKU, order, store address or account can
//! become a label, so the page's size is bounded.

use crate::backend::{db, secret::Secret};
use crate::model::{ActivityKind, ActivityStatus, Platform};
use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::DatabaseConnection;
use std::{sync::OnceLock, time::Duration};

const WEBHOOKS: &str = "prokip_sync_webhooks_total";
const INTAKE_BATCH: &str = "prokip_sync_webhook_intake_batch_size";
const JOB_RUNS: &str = "prokip_sync_job_runs_total";
const QUEUE_DEPTH: &str = "prokip_sync_job_queue_depth";
const QUEUE_OLDEST: &str = "prokip_sync_job_queue_oldest_seconds";
const ORDER_TO_SELL: &str = "prokip_sync_order_to_sell_seconds";
const STOCK_ITEMS: &str = "prokip_sync_stock_push_items_total";
const STOCK_PUSH: &str = "prokip_sync_stock_push_seconds";
const PLATFORM_CALLS: &str = "prokip_sync_platform_calls_total";
const PLATFORM_RETRIES: &str = "prokip_sync_platform_retries_total";
const THROTTLE_WAITS: &str = "prokip_sync_platform_throttle_wait_seconds";
const PASS: &str = "prokip_sync_sync_pass_seconds";
const OPEN_PROBLEMS: &str = "prokip_sync_open_problems";

/// Short waits: platform calls, a store's push, a poll.
const SECONDS: &[f64] = &[0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0];
/// From an order reaching us to its sell: seconds normally, hours when it was held.
const ORDER_SECONDS: &[f64] = &[0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 21600.0, 86400.0];
/// Deliveries per intake write (at most 500).
const BATCH_ROWS: &[f64] = &[1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0];

enum Kind {
    Counter,
    Gauge,
    Histogram(&'static [f64]),
}

/// Every metric with its help text.
const METRICS: [(&str, Kind, &str); 13] = [
    (
        WEBHOOKS,
        Kind::Counter,
        "Webhook deliveries by platform, topic and outcome (received, duplicate, rejected, unavailable).",
    ),
    (INTAKE_BATCH, Kind::Histogram(BATCH_ROWS), "Deliveries stored per webhook intake write."),
    (
        JOB_RUNS,
        Kind::Counter,
        "Job runs by queue and outcome (succeeded, retried: failed with tries left, failed: no tries left).",
    ),
    (QUEUE_DEPTH, Kind::Gauge, "Jobs due and waiting per queue, read when this page is scraped."),
    (
        QUEUE_OLDEST,
        Kind::Gauge,
        "How long the oldest due job of each queue has waited, read when this page is scraped.",
    ),
    (
        ORDER_TO_SELL,
        Kind::Histogram(ORDER_SECONDS),
        "From an order first reaching us to its Prokip sell, by store platform.",
    ),
    (STOCK_ITEMS, Kind::Counter, "Stock items pushed to stores by platform and outcome (written, failed)."),
    (STOCK_PUSH, Kind::Histogram(SECONDS), "How long one stock push to one store took, by platform."),
    (
        PLATFORM_CALLS,
        Kind::Counter,
        "HTTP calls to the platforms by platform, outcome and status class (each retry is a call).",
    ),
    (PLATFORM_RETRIES, Kind::Counter, "Platform calls tried again after a transient failure, by platform."),
    (
        THROTTLE_WAITS,
        Kind::Histogram(SECONDS),
        "Waits imposed by a platform's rate limit (429 Retry-After, Shopify's cost bucket).",
    ),
    (PASS, Kind::Histogram(SECONDS), "One account's Prokip poll or reconciling push, start to end."),
    (
        OPEN_PROBLEMS,
        Kind::Gauge,
        "Open problems (failed or needing attention) of every account by kind and status, read when this page is scraped.",
    ),
];

/// The process's recorder, installed on first use. Later calls (a second server in one process,
/// as in the tests) get the same one.
pub fn install() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = METRICS.iter().fold(PrometheusBuilder::new(), |b, (name, kind, _)| match kind {
            Kind::Histogram(buckets) => b
                .set_buckets_for_metric(Matcher::Full((*name).into()), buckets)
                .expect("static buckets are never empty"),
            _ => b,
        });
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics will show nothing recorded");
        }
        for (name, kind, help) in METRICS {
            match kind {
                Kind::Counter => describe_counter!(name, help),
                Kind::Gauge => describe_gauge!(name, help),
                Kind::Histogram(_) => describe_histogram!(name, help),
            }
        }
        handle
    })
}

/// Drains histogram samples into their buckets now and then, so a process nobody scrapes does not
/// keep every sample.
pub async fn upkeep() {
    let handle = install();
    loop {
        tokio::time::sleep(Duration::from_secs(5)).await;
        handle.run_upkeep();
    }
}

/// The page: the database gauges read afresh, then everything rendered. A database that cannot be
/// read leaves those gauges as last read; the process's own counters are shown either way.
pub async fn render(db: &DatabaseConnection) -> String {
    let handle = install();
    if let Err(e) = refresh_gauges(db).await {
        tracing::warn!(error = %e, "metrics: database gauges not refreshed");
    }
    handle.render()
}

async fn refresh_gauges(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    let queues = db::job_queues::waiting(db).await?;
    for queue in crate::backend::jobs::QUEUES {
        let (depth, oldest) =
            queues.iter().find(|q| q.queue == queue).map(|q| (q.depth, q.oldest_seconds)).unwrap_or_default();
        gauge!(QUEUE_DEPTH, "queue" => queue).set(depth as f64);
        gauge!(QUEUE_OLDEST, "queue" => queue).set(oldest);
    }
    let open = db::activity::open_problems_by_kind(db).await?;
    for kind in ActivityKind::ALL {
        for status in ActivityStatus::PROBLEMS {
            let n = open.iter().find(|(k, s, _)| *k == kind && *s == status).map_or(0, |(_, _, n)| *n);
            gauge!(OPEN_PROBLEMS, "kind" => kind.as_str(), "status" => status.as_str()).set(n as f64);
        }
    }
    Ok(())
}

/// Whether `given` is the configured token, compared in constant time (digests of both, so not
/// even the token's length shows in the timing).
pub fn token_matches(given: &str, expected: &Secret) -> bool {
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq;
    Sha256::digest(given.as_bytes()).ct_eq(&Sha256::digest(expected.expose().as_bytes())).into()
}

/// What became of a webhook delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Verified and stored, or handled at once (a ping, an uninstall, a privacy request).
    Received,
    /// Stored before.
    Duplicate,
    /// Not attributable, not verified or not readable (401/400).
    Rejected,
    /// The database could not take it (503; the platform delivers it again).
    Unavailable,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Delivery::Received => "received",
            Delivery::Duplicate => "duplicate",
            Delivery::Rejected => "rejected",
            Delivery::Unavailable => "unavailable",
        }
    }
}

/// A webhook delivery; `topic` is one we know or `other`.
pub fn webhook(platform: Platform, topic: &'static str, delivery: Delivery) {
    counter!(WEBHOOKS, "platform" => platform.as_str(), "topic" => topic, "outcome" => delivery.as_str()).increment(1);
}

/// One write of the webhook intake.
pub fn intake_batch(rows: usize) {
    histogram!(INTAKE_BATCH).record(rows as f64);
}

/// One run of a job of `queue`: `attempt` counts from 1, `attempts` is the most it may have.
pub fn job_run(queue: &'static str, succeeded: bool, attempt: usize, attempts: usize) {
    let outcome = match (succeeded, attempt < attempts) {
        (true, _) => "succeeded",
        (false, true) => "retried",
        (false, false) => "failed",
    };
    counter!(JOB_RUNS, "queue" => queue, "outcome" => outcome).increment(1);
}

/// An order of a `platform` store became a Prokip sell `since` it first reached us.
pub fn order_sold(platform: Platform, since: Duration) {
    histogram!(ORDER_TO_SELL, "platform" => platform.as_str()).record(since.as_secs_f64());
}

/// Items of one stock write to a store.
pub fn stock_items(platform: Platform, written: usize, failed: usize) {
    counter!(STOCK_ITEMS, "platform" => platform.as_str(), "outcome" => "written").increment(written as u64);
    counter!(STOCK_ITEMS, "platform" => platform.as_str(), "outcome" => "failed").increment(failed as u64);
}

/// One stock push to one store.
pub fn stock_pushed(platform: Platform, took: Duration) {
    histogram!(STOCK_PUSH, "platform" => platform.as_str()).record(took.as_secs_f64());
}

/// One HTTP call to a platform: `outcome` and `status` as the HTTP client classes them.
pub fn platform_call(platform: &'static str, outcome: &'static str, status: &'static str) {
    counter!(PLATFORM_CALLS, "platform" => platform, "outcome" => outcome, "status" => status).increment(1);
}

/// A platform call about to be tried again.
pub fn platform_retry(platform: &'static str) {
    counter!(PLATFORM_RETRIES, "platform" => platform).increment(1);
}

/// A wait a platform's rate limit asked for.
pub fn throttle_wait(platform: &'static str, wait: Duration) {
    histogram!(THROTTLE_WAITS, "platform" => platform).record(wait.as_secs_f64());
}

/// Which periodic pass over one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    ProkipPoll,
    Reconcile,
}

/// One account's poll or reconcile took `took`.
pub fn pass(pass: Pass, took: Duration) {
    let name = match pass {
        Pass::ProkipPoll => "prokip_poll",
        Pass::Reconcile => "reconcile",
    };
    histogram!(PASS, "pass" => name).record(took.as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_matches_only_itself() {
        let token = Secret::new("s3cret-metrics-token");
        assert!(token_matches("s3cret-metrics-token", &token));
        assert!(!token_matches("s3cret-metrics-toke", &token));
        assert!(!token_matches("", &token));
    }

    #[test]
    fn a_run_with_tries_left_is_a_retry_and_the_last_failure_is_final() {
        let before = install().render();
        job_run("metrics_unit_test", false, 1, 2);
        job_run("metrics_unit_test", false, 2, 2);
        let after = install().render();
        assert!(!before.contains("metrics_unit_test"));
        assert!(after.contains(r#"queue="metrics_unit_test",outcome="retried"} 1"#), "{after}");
        assert!(after.contains(r#"queue="metrics_unit_test",outcome="failed"} 1"#), "{after}");
    }
}
