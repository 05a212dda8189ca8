//! Alerts: an account that sets a webhook URL or e-mail addresses (Settings → Alerts) is told at
//! once when an order fails or a store comes to need attention — at most one alert of each kind an
//! hour, listing what happened since the last — and, unless it turns it off, gets a daily digest
//! after 07:00 in its time zone. The webhook body is JSON with a `text` field, so a Slack (or
//! Mattermost, Teams workflow, Discord `/slack`) incoming-webhook URL works as it is; the other
//! fields are for scripts. E-mail goes through the server's relay (`SMTP_URL`, `SMTP_FROM`) as
//! plain text with the same words and one line per problem.
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
use lettre::{
    Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use serde_json::json;

/// The longest webhook URL kept.
const URL_MAX: usize = 2_000;
/// How many e-mail addresses alerts may go to.
const EMAILS_MAX: usize = 5;
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
    #[error("“{0}” is not an e-mail address. Write it as name@example.com; separate several with commas.")]
    BadEmail(String),
    #[error("Alerts go to at most {EMAILS_MAX} e-mail addresses; a shared mailbox or list reaches more people.")]
    TooManyEmails,
    #[error(
        "This server does not send e-mail yet: its operator sets SMTP_URL and SMTP_FROM. Use a webhook address meanwhile."
    )]
    NoSmtp,
    #[error("Set an alert address or e-mail first, then send a test alert.")]
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
            e @ (AlertError::BadEmail(_) | AlertError::TooManyEmails | AlertError::NoSmtp) => {
                ServerError::from_error(Kind::BadRequest, e).with_field("alert_email")
            }
            e @ AlertError::NotDelivered(_) => ServerError::from_error(Kind::BadGateway, e),
            e => ServerError::from_error(Kind::BadRequest, e),
        }
    }
}

/// Saves where alerts go (a webhook URL, e-mail addresses, both or neither) and whether the digest
/// is wanted. Nothing changes when either is refused.
pub async fn save(
    state: &AppState,
    account_id: i64,
    url: &str,
    emails: &str,
    digest: bool,
) -> Result<String, AlertError> {
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
    let emails = parse_emails(emails)?;
    if !emails.is_empty() && state.config.smtp.is_none() {
        return Err(AlertError::NoSmtp);
    }
    let emails = (!emails.is_empty()).then(|| emails.iter().map(Address::to_string).collect::<Vec<_>>().join(", "));
    alerts::set(&state.db, account_id, url.as_deref(), emails.as_deref(), digest).await?;
    let to = match (&url, &emails) {
        (None, None) => return Ok("Alerts are off: no address is set.".to_owned()),
        (Some(_), None) => "Alerts will be sent to the webhook address".to_owned(),
        (None, Some(e)) => format!("Alerts will be e-mailed to {e}"),
        (Some(_), Some(e)) => format!("Alerts will be sent to the webhook address and e-mailed to {e}"),
    };
    let digest = if digest { ", and a digest every morning" } else { "; no digest" };
    Ok(format!("{to}: failed orders and stores needing attention at once (at most one of each an hour){digest}."))
}

/// `a@example.com, b@example.com` → the addresses, each checked; empty when `raw` is blank.
fn parse_emails(raw: &str) -> Result<Vec<Address>, AlertError> {
    let parts: Vec<&str> = raw.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.len() > EMAILS_MAX {
        return Err(AlertError::TooManyEmails);
    }
    parts
        .into_iter()
        .map(|p| {
            // 254: the longest address SMTP carries (RFC 5321's path limit less its brackets).
            p.parse::<Address>().ok().filter(|_| p.len() <= 254).ok_or_else(|| AlertError::BadEmail(shorten(p)))
        })
        .collect()
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 60 { s.to_owned() } else { format!("{}…", s.chars().take(60).collect::<String>()) }
}

/// What Settings shows.
pub async fn view(state: &AppState, account_id: i64, zone: &Zone) -> Result<AlertsView, ServerError> {
    let target = alerts::target(&state.db, account_id).await?;
    let sent = alerts::recent(&state.db, account_id, 5).await?;
    Ok(AlertsView {
        webhook_url: target.webhook_url.unwrap_or_default(),
        email: target.email.unwrap_or_default(),
        email_available: state.config.smtp.is_some(),
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
    if !target.is_set() {
        return Err(AlertError::NoTarget);
    }
    let alert = Alert {
        kind: "test",
        summary: "A test alert".to_owned(),
        text: format!("{}: a test alert. Alerts reach you here.", heading(&target)),
        problems: &[],
    };
    let id = alerts::record(&state.db, account_id, alert.kind, &alert.summary).await?;
    let (ok, outcome) = deliver(state, &target, &alert).await;
    alerts::delivered(&state.db, id, ok, &outcome).await?;
    if ok { Ok(format!("Test alert delivered ({outcome}).")) } else { Err(AlertError::NotDelivered(outcome)) }
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
    if !target.is_set() {
        return Ok(0);
    }
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
        let alert = Alert { kind: "order_failed", summary, text, problems: &failed };
        sent += send(state, target, &alert, hour_ago, now).await?;
    }

    let stores = alerts::new_unhealthy_stores(db, target.account_id, now).await?;
    if !stores.is_empty() {
        let names: Vec<&str> = stores.iter().map(|s| s.subject.as_str()).collect();
        let summary = format!("{} needs attention", names.join(", "));
        let text = format!("{}: {summary}. See why: {}", heading(target), link(state, "/connections"));
        let alert = Alert { kind: "store_unhealthy", summary, text, problems: &stores };
        sent += send(state, target, &alert, hour_ago, now).await?;
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
            let alert = Alert { kind: "digest", summary, text, problems: &[] };
            sent += send(state, target, &alert, today.starts, now).await?;
        }
    }
    Ok(sent)
}

/// One alert, whichever way it goes.
struct Alert<'a> {
    /// `order_failed`, `store_unhealthy`, `digest` or `test`.
    kind: &'static str,
    /// One line: the Settings list and the e-mail subject.
    summary: String,
    /// The whole message, with its link.
    text: String,
    problems: &'a [Problem],
}

/// Claims the alert (sent `now` unless one of its kind was sent since `since`), sends it and
/// records the answer; 1 when sent.
async fn send(
    state: &AppState,
    target: &Target,
    alert: &Alert<'_>,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64, ServerError> {
    let claimed = alerts::claim(&state.db, target.account_id, alert.kind, since, now, &alert.summary).await?;
    let Some(id) = claimed else { return Ok(0) };
    let (ok, outcome) = deliver(state, target, alert).await;
    if !ok {
        tracing::warn!(account_id = target.account_id, kind = alert.kind, error = %outcome, "alert not delivered");
    }
    alerts::delivered(&state.db, id, ok, &outcome).await?;
    Ok(1)
}

fn heading(target: &Target) -> String {
    format!("Prokip Sync — {}", target.account_name)
}

fn link(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config.public_url.trim_end_matches('/'))
}

/// Sends the alert every way the account set; whether all took it, and what each answered.
async fn deliver(state: &AppState, target: &Target, alert: &Alert<'_>) -> (bool, String) {
    let mut answers = Vec::new();
    if let Some(url) = target.webhook_url.as_deref() {
        answers.push(("webhook", post_webhook(state, url, target, alert).await));
    }
    if let Some(to) = target.email.as_deref() {
        answers.push(("e-mail", send_email(state, to, target, alert).await));
    }
    let ok = !answers.is_empty() && answers.iter().all(|(_, a)| a.is_ok());
    let outcome = match answers.as_slice() {
        [] => "nowhere to send it".to_owned(),
        // One way: its answer alone, as "answered 200" or "the receiver answered 500".
        [(_, a)] => a.clone().unwrap_or_else(|e| e),
        several => several
            .iter()
            .map(|(way, a)| match a {
                Ok(answer) => format!("{way} {answer}"),
                Err(why) => format!("{way} not delivered: {why}"),
            })
            .collect::<Vec<_>>()
            .join("; "),
    };
    (ok, outcome)
}

/// POSTs the alert; the receiver's status when it took it, else why not.
async fn post_webhook(state: &AppState, url: &str, target: &Target, alert: &Alert<'_>) -> Result<String, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("the address is not valid ({e})"))?;
    let allow_private = state.config.platforms.allow_private_store_urls;
    net_guard::check_url(&parsed, allow_private).map_err(|e| e.to_string().replace("the store address", "it"))?;
    let body = json!({
        "text": alert.text,
        "kind": alert.kind,
        "account": target.account_name,
        "problems": alert.problems
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

/// E-mails the alert through the server's relay; "accepted by <relay>" when the relay took it.
async fn send_email(state: &AppState, to: &str, target: &Target, alert: &Alert<'_>) -> Result<String, String> {
    let Some(smtp) = state.config.smtp.as_ref() else {
        return Err("this server has no mail relay (SMTP_URL) any more".to_owned());
    };
    let zone = Zone::parse(&target.time_zone).unwrap_or_default();
    let mut body = alert.text.clone();
    if !alert.problems.is_empty() {
        body.push_str("\n\n");
        for p in alert.problems {
            let at = zone.show(p.at, Shown::DateTime);
            match &p.detail {
                Some(detail) => body.push_str(&format!("- {} ({at}): {detail}\n", p.subject)),
                None => body.push_str(&format!("- {} ({at})\n", p.subject)),
            }
        }
    }
    body.push_str(&format!(
        "\n-- \nSent because alerts are set for {} on Settings: {}\n",
        target.account_name,
        link(state, "/settings")
    ));
    let mut message = Message::builder()
        .from(smtp.from.clone())
        .subject(format!("{}: {}", heading(target), alert.summary))
        .message_id(None)
        .header(ContentType::TEXT_PLAIN);
    for address in parse_emails(to).map_err(|e| e.to_string())? {
        message = message.to(Mailbox::new(None, address));
    }
    let message = message.body(body).map_err(|e| format!("the e-mail could not be written ({e})"))?;
    let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp.url.expose())
        .map_err(|e| format!("the mail relay setting is not usable ({e})"))?
        .timeout(Some(DELIVERY_TIMEOUT))
        .build();
    match mailer.send(message).await {
        Ok(_) => Ok(format!("accepted by {}", smtp.relay())),
        Err(e) if e.is_timeout() => Err(format!("the mail relay {} did not answer within 10 s", smtp.relay())),
        Err(e) if e.is_permanent() || e.is_transient() => {
            Err(format!("the mail relay {} refused it: {e}", smtp.relay()))
        }
        Err(e) => Err(format!("the mail relay {} could not be reached ({e})", smtp.relay())),
    }
}
