//! Alerts: an account that sets a webhook URL (Settings → Alerts) is told at once when an order
//! fails or a store comes to need attention — at most one alert of each kind an hour, listing what
//! happened since the last — and, unless it turns it off, gets a daily digest after 07:00 in its
//! time zone. The body is JSON with a `text` field, so a Slack (or Mattermost, Teams workflow,
//! Discord `/slack`) incoming-webhook URL works as it is; the other fields are for scripts.
//!
//! The housekeeping job runs [`run`] every minute. Each alert is recorded in `alerts_sent` before
//! it is sent (the record is the hour's bound, claimed under a lock, so several processes send it
//! once) and marked delivered or not with the receiver's answer, which Settings lists.

use crate::{
    backend::{
        db::{
            alerts::{self, Problem, Target},
            overview,
        },
        error::{Kind, ServerError},
        net_guard,
        state::AppState,
        time::{Shown, Zone},
    },
    model::{AlertSentView, AlertsView},
};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde_json::json;

/// The longest webhook URL kept.
const URL_MAX: usize = 2_000;
/// When the digest goes, in the account's time zone.
const DIGEST_AT: NaiveTime = NaiveTime::from_hms_opt(7, 0, 0).unwrap();
/// Time a receiver has to answer.
const DELIVERY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("The alert address is not valid: {0}. Paste the full https:// URL your chat or tool gave you.")]
    BadUrl(String),
    #[error("Keep the alert address to {URL_MAX} characters.")]
    LongUrl,
    #[error("Set an alert address first, then send a test alert.")]
    NoTarget,
    #[error("The test alert was not delivered: {0}. Nothing else changed.")]
    NotDelivered(String),
    #[error(transparent)]
    Internal(#[from] ServerError),
}

impl From<sea_orm::DbErr> for AlertError {
    fn from(e: sea_orm::DbErr) -> Self {
        AlertError::Internal(e.into())
    }
}

impl From<AlertError> for ServerError {
    fn from(e: AlertError) -> Self {
        match e {
            AlertError::Internal(inner) => inner,
            e @ (AlertError::BadUrl(_) | AlertError::LongUrl) => {
                ServerError::from_error(Kind::BadRequest, e).with_field("alert_webhook_url")
            }
            e @ AlertError::NotDelivered(_) => ServerError::from_error(Kind::BadGateway, e),
            e => ServerError::from_error(Kind::BadRequest, e),
        }
    }
}

/// Saves where alerts go (empty: nowhere) and whether the digest is wanted.
pub async fn save(state: &AppState, account_id: i64, url: &str, digest: bool) -> Result<String, AlertError> {
    let url = url.trim();
    if url.chars().count() > URL_MAX {
        return Err(AlertError::LongUrl);
    }
    let url = if url.is_empty() {
        None
    } else {
        let parsed = url::Url::parse(url).map_err(|e| AlertError::BadUrl(e.to_string()))?;
        net_guard::check_url(&parsed, state.config.platforms.allow_private_store_urls)
            .map_err(|e| AlertError::BadUrl(e.to_string().replace("the store address", "it")))?;
        Some(parsed.to_string())
    };
    alerts::set(&state.db, account_id, url.as_deref(), digest).await?;
    Ok(match (url, digest) {
        (None, _) => "Alerts are off: no address is set.".to_owned(),
        (Some(_), true) => "Alerts will be sent there: failed orders and stores needing attention at once (at most one of each an hour), and a digest every morning.".to_owned(),
        (Some(_), false) => "Alerts will be sent there: failed orders and stores needing attention at once (at most one of each an hour); no digest.".to_owned(),
    })
}

/// What Settings shows.
pub async fn view(state: &AppState, account_id: i64, zone: &Zone) -> Result<AlertsView, ServerError> {
    let target = alerts::target(&state.db, account_id).await?;
    let sent = alerts::recent(&state.db, account_id, 5).await?;
    Ok(AlertsView {
        webhook_url: target.webhook_url.unwrap_or_default(),
        digest: target.digest,
        sent: sent
            .into_iter()
            .map(|s| AlertSentView {
                kind: s.kind,
                at: zone.show(s.sent_at, Shown::DateTime),
                delivered: s.delivered,
                summary: s.summary,
                outcome: s.outcome.unwrap_or_default(),
            })
            .collect(),
    })
}

/// Sends a test alert now, whatever was sent before; says how the receiver answered.
pub async fn send_test(state: &AppState, account_id: i64) -> Result<String, AlertError> {
    let target = alerts::target(&state.db, account_id).await?;
    let Some(url) = target.webhook_url.clone() else { return Err(AlertError::NoTarget) };
    let text = format!("{}: a test alert. Alerts reach you here.", heading(&target));
    let id = alerts::record(&state.db, account_id, "test", "A test alert").await?;
    match deliver(state, &url, "test", &target, &text, &[]).await {
        Ok(answer) => {
            alerts::delivered(&state.db, id, true, &answer).await?;
            Ok(format!("Test alert delivered ({answer})."))
        }
        Err(why) => {
            alerts::delivered(&state.db, id, false, &why).await?;
            Err(AlertError::NotDelivered(why))
        }
    }
}

/// Sends what is due to every account with an alert address (the housekeeping job, every minute).
pub async fn run(state: &AppState, now: DateTime<Utc>) -> Result<u64, ServerError> {
    let mut sent = 0;
    for target in alerts::targets(&state.db).await? {
        match for_account(state, &target, now).await {
            Ok(n) => sent += n,
            Err(e) => e.with_title("Alerts of an account failed").report(),
        }
    }
    Ok(sent)
}

async fn for_account(state: &AppState, target: &Target, now: DateTime<Utc>) -> Result<u64, ServerError> {
    let Some(url) = target.webhook_url.as_deref() else { return Ok(0) };
    let db = &state.db;
    let hour_ago = now - Duration::hours(1);
    let mut sent = 0;

    let failed = alerts::new_order_failures(db, target.account_id, now).await?;
    if !failed.is_empty() {
        let n = failed.len();
        let summary = format!("{n} order{} failed", if n == 1 { "" } else { "s" });
        let text = format!(
            "{}: {summary}. Each is in Activity with its reason and a Retry button: {}",
            heading(target),
            link(state, "/activity?open=1")
        );
        sent += send(state, url, target, ("order_failed", hour_ago, now), &summary, &text, &failed).await?;
    }

    let stores = alerts::new_unhealthy_stores(db, target.account_id, now).await?;
    if !stores.is_empty() {
        let names: Vec<&str> = stores.iter().map(|s| s.subject.as_str()).collect();
        let summary = format!("{} needs attention", names.join(", "));
        let text = format!("{}: {summary}. See why: {}", heading(target), link(state, "/connections"));
        sent += send(state, url, target, ("store_unhealthy", hour_ago, now), &summary, &text, &stores).await?;
    }

    if target.digest {
        let zone = Zone::parse(&target.time_zone).unwrap_or_default();
        let days = zone.last_days(now, 2);
        let today = &days[1];
        let due = now >= zone.start_of(today.date) + (DIGEST_AT - NaiveTime::MIN);
        // Sent already today: skip the overview's queries (this runs every minute).
        let sent_today = alerts::last_sent(db, target.account_id, "digest").await?.is_some_and(|t| t > today.starts);
        if due && !sent_today {
            let o = overview::for_account(db, target.account_id, &days).await?;
            let yesterday = &o.chart[0];
            let attention: Vec<String> = o
                .stores
                .iter()
                .filter(|s| s.badge.contains("warn") || s.badge.contains("bad"))
                .map(|s| format!("{} ({})", s.store_url, s.health))
                .collect();
            let summary = format!(
                "{}: {} orders received (Shopify {}, WooCommerce {}); {} problems open",
                yesterday.day,
                yesterday.shopify + yesterday.woocommerce,
                yesterday.shopify,
                yesterday.woocommerce,
                o.needs_attention
            );
            let stores_line = if attention.is_empty() {
                format!("all {} stores healthy", o.stores.len())
            } else {
                format!("needing attention: {}", attention.join(", "))
            };
            let text = format!("{} — daily digest for {summary}; {stores_line}. {}", heading(target), link(state, "/"));
            sent += send(state, url, target, ("digest", today.starts, now), &summary, &text, &[]).await?;
        }
    }
    Ok(sent)
}

/// Claims the alert `(kind, since, now)` (sent `now` unless one of `kind` was sent since
/// `since`), sends it and records the answer; 1 when sent.
async fn send(
    state: &AppState,
    url: &str,
    target: &Target,
    (kind, since, now): (&'static str, DateTime<Utc>, DateTime<Utc>),
    summary: &str,
    text: &str,
    problems: &[Problem],
) -> Result<u64, ServerError> {
    let claimed = alerts::claim(&state.db, target.account_id, kind, since, now, summary).await?;
    let Some(id) = claimed else { return Ok(0) };
    let (ok, outcome) = match deliver(state, url, kind, target, text, problems).await {
        Ok(answer) => (true, answer),
        Err(why) => {
            tracing::warn!(account_id = target.account_id, kind, error = %why, "alert not delivered");
            (false, why)
        }
    };
    alerts::delivered(&state.db, id, ok, &outcome).await?;
    Ok(1)
}

fn heading(target: &Target) -> String {
    format!("Prokip Sync — {}", target.account_name)
}

fn link(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config.public_url.trim_end_matches('/'))
}

/// POSTs the alert; the receiver's status when it took it, else why not.
async fn deliver(
    state: &AppState,
    url: &str,
    kind: &str,
    target: &Target,
    text: &str,
    problems: &[Problem],
) -> Result<String, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("the address is not valid ({e})"))?;
    let allow_private = state.config.platforms.allow_private_store_urls;
    net_guard::check_url(&parsed, allow_private).map_err(|e| e.to_string().replace("the store address", "it"))?;
    let body = json!({
        "text": text,
        "kind": kind,
        "account": target.account_name,
        "problems": problems
            .iter()
            .map(|p| json!({ "subject": p.subject, "detail": p.detail, "at": p.at.to_rfc3339() }))
            .collect::<Vec<_>>(),
    });
    let client = net_guard::store_client(DELIVERY_TIMEOUT, allow_private);
    match client.post(parsed).json(&body).send().await {
        Ok(r) if r.status().is_success() => Ok(format!("answered {}", r.status().as_u16())),
        Ok(r) => Err(format!("the receiver answered {}", r.status().as_u16())),
        Err(e) if e.is_timeout() => Err("the receiver did not answer within 10 s".to_owned()),
        Err(e) if e.is_connect() => Err("the receiver could not be reached".to_owned()),
        Err(_) => Err("the request failed".to_owned()),
    }
}
