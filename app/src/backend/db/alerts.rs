//! Alerts: each account's alert settings (in `account_settings`), what is new to alert about, and
//! `alerts_sent`, the record of every alert that also bounds them.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement, TransactionSession, TransactionTrait};

fn stmt<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// Where an account's alerts go, and whether it wants the daily digest.
#[derive(Debug, Clone, Default, PartialEq, Eq, FromQueryResult)]
pub struct Target {
    pub account_id: i64,
    pub account_name: String,
    pub time_zone: String,
    pub webhook_url: Option<String>,
    pub email: Option<String>,
    pub digest: bool,
}

impl Target {
    /// Alerts go somewhere.
    pub fn is_set(&self) -> bool {
        self.webhook_url.is_some() || self.email.is_some()
    }
}

// Hand-written (all below): upserts into and reads from `account_settings`, which has no entity
// (its other statements are hand-written too), and conditional inserts under an advisory lock.
const TARGET: &str = "SELECT a.id AS account_id, a.name AS account_name, a.time_zone,
                             s.alert_webhook_url AS webhook_url, s.alert_email AS email, coalesce(s.alert_digest, true) AS digest
                      FROM accounts a LEFT JOIN account_settings s ON s.account_id = a.id";

pub async fn target<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Target, DbErr> {
    let sql = format!("{TARGET} WHERE a.id = $1");
    Ok(Target::find_by_statement(stmt(db, &sql, vec![account_id.into()])).one(db).await?.unwrap_or_default())
}

/// Every account with somewhere to send alerts.
pub async fn targets<C: ConnectionTrait>(db: &C) -> Result<Vec<Target>, DbErr> {
    let sql = format!("{TARGET} WHERE s.alert_webhook_url IS NOT NULL OR s.alert_email IS NOT NULL ORDER BY a.id");
    Target::find_by_statement(stmt(db, &sql, vec![])).all(db).await
}

pub async fn set<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    url: Option<&str>,
    email: Option<&str>,
    digest: bool,
) -> Result<(), DbErr> {
    let sql = "INSERT INTO account_settings (account_id, alert_webhook_url, alert_email, alert_digest)
               VALUES ($1, $2, $3, $4)
               ON CONFLICT (account_id) DO UPDATE SET alert_webhook_url = EXCLUDED.alert_webhook_url,
                 alert_email = EXCLUDED.alert_email, alert_digest = EXCLUDED.alert_digest, updated_at = now()";
    let values = vec![account_id.into(), url.map(str::to_owned).into(), email.map(str::to_owned).into(), digest.into()];
    db.execute_raw(stmt(db, sql, values)).await.map(|_| ())
}

/// What an alert is about: a subject, why, and when.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Problem {
    pub subject: String,
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

/// The latest alert of `kind` the account was sent.
pub async fn last_sent<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    kind: &str,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let sql = "SELECT max(sent_at) FROM alerts_sent WHERE account_id = $1 AND kind = $2";
    let row = db.query_one_raw(stmt(db, sql, vec![account_id.into(), kind.into()])).await?;
    Ok(row.map(|r| r.try_get_by_index::<Option<DateTime<Utc>>>(0)).transpose()?.flatten())
}

/// Orders that failed (open) since the last order alert, or within the last hour when there was none.
pub async fn new_order_failures<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Problem>, DbErr> {
    let since = last_sent(db, account_id, "order_failed").await?.unwrap_or(now - chrono::Duration::hours(1));
    let sql = "SELECT subject, detail, at FROM activity
               WHERE account_id = $1 AND kind = 'order' AND status = 'failed' AND NOT resolved AND at > $2
               ORDER BY at, id LIMIT 20";
    Problem::find_by_statement(stmt(db, sql, vec![account_id.into(), since.into()])).all(db).await
}

/// Stores that came to need attention since the last store alert (or within the last hour).
pub async fn new_unhealthy_stores<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Problem>, DbErr> {
    let since = last_sent(db, account_id, "store_unhealthy").await?.unwrap_or(now - chrono::Duration::hours(1));
    let sql = "SELECT store_url AS subject, coalesce(status_reason, webhook_problem) AS detail, updated_at AS at
               FROM connections
               WHERE account_id = $1 AND status = 'needs_attention' AND updated_at > $2
               ORDER BY updated_at, id LIMIT 20";
    Problem::find_by_statement(stmt(db, sql, vec![account_id.into(), since.into()])).all(db).await
}

/// Records an alert of `kind` sent `now` unless one was sent after `since` (one per kind an hour,
/// one digest a day); its id when this call may send it. Several processes may try at once: one wins.
pub async fn claim<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    account_id: i64,
    kind: &str,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    summary: &str,
) -> Result<Option<i64>, DbErr> {
    let txn = db.begin().await?;
    let lock = "SELECT pg_advisory_xact_lock(hashtextextended('prokip-sync:alert:' || $1::text || ':' || $2, 0))";
    txn.execute_raw(stmt(&txn, lock, vec![account_id.into(), kind.into()])).await?;
    let sql = "INSERT INTO alerts_sent (account_id, kind, summary, sent_at)
               SELECT $1, $2, $4, $5
               WHERE NOT EXISTS (SELECT 1 FROM alerts_sent WHERE account_id = $1 AND kind = $2 AND sent_at > $3)
               RETURNING id";
    let values = vec![account_id.into(), kind.into(), since.into(), summary.into(), now.into()];
    let row = txn.query_one_raw(stmt(&txn, sql, values)).await?;
    txn.commit().await?;
    row.map(|r| r.try_get_by_index::<i64>(0)).transpose()
}

/// Records an alert sent whatever came before (a test alert the merchant asked for).
pub async fn record<C: ConnectionTrait>(db: &C, account_id: i64, kind: &str, summary: &str) -> Result<i64, DbErr> {
    let sql = "INSERT INTO alerts_sent (account_id, kind, summary) VALUES ($1, $2, $3) RETURNING id";
    let row = db.query_one_raw(stmt(db, sql, vec![account_id.into(), kind.into(), summary.into()])).await?;
    row.ok_or_else(|| DbErr::RecordNotInserted)?.try_get_by_index(0)
}

/// How the delivery went.
pub async fn delivered<C: ConnectionTrait>(db: &C, id: i64, ok: bool, outcome: &str) -> Result<(), DbErr> {
    let sql = "UPDATE alerts_sent SET delivered = $2, outcome = $3 WHERE id = $1";
    db.execute_raw(stmt(db, sql, vec![id.into(), ok.into(), outcome.into()])).await.map(|_| ())
}

#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Sent {
    pub kind: String,
    pub sent_at: DateTime<Utc>,
    pub delivered: bool,
    pub summary: String,
    pub outcome: Option<String>,
}

/// The account's latest alerts, newest first.
pub async fn recent<C: ConnectionTrait>(db: &C, account_id: i64, limit: u64) -> Result<Vec<Sent>, DbErr> {
    let sql = "SELECT kind, sent_at, delivered, summary, outcome FROM alerts_sent
               WHERE account_id = $1 ORDER BY sent_at DESC, id DESC LIMIT $2";
    Sent::find_by_statement(stmt(db, sql, vec![account_id.into(), (limit as i64).into()])).all(db).await
}
