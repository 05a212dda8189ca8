//! The activity log the dashboard shows: what happened, and for failures why and how to retry.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};
use serde::{Deserialize, Serialize};

pub const OK: &str = "ok";
pub const FAILED: &str = "failed";
pub const NEEDS_ATTENTION: &str = "needs_attention";
pub const INFO: &str = "info";

/// What a Retry button re-runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum RetryHandle {
    ProcessWebhook { event_id: i64 },
    PushStock { skus: Option<Vec<String>> },
}

pub struct NewActivity<'a> {
    pub account_id: i64,
    /// e.g. "order", "stock", "catalog", "connection"
    pub kind: &'a str,
    /// What it is about, e.g. "Shopify order #1001" or "SKU AS0001 → demo-store".
    pub subject: &'a str,
    pub status: &'a str,
    pub detail: Option<&'a str>,
    pub retry: Option<RetryHandle>,
}

pub async fn record<C: ConnectionTrait>(db: &C, a: NewActivity<'_>) -> Result<i64, DbErr> {
    let retry = a.retry.map(|r| serde_json::to_value(r).unwrap_or_default());
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO activity (account_id, kind, subject, status, detail, retry) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        [
            a.account_id.into(),
            a.kind.into(),
            a.subject.into(),
            a.status.into(),
            a.detail.map(str::to_owned).into(),
            retry.into(),
        ],
    );
    let row = db.query_one_raw(stmt).await?.ok_or_else(|| DbErr::RecordNotFound("activity".into()))?;
    row.try_get_by_index::<i64>(0)
}

#[derive(Debug, Clone, FromQueryResult)]
pub struct Entry {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub status: String,
    pub detail: Option<String>,
    pub retry: Option<serde_json::Value>,
    pub resolved: bool,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The newest entries of the account, optionally only open failures.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    only_open: bool,
    limit: u64,
    offset: u64,
) -> Result<Vec<Entry>, DbErr> {
    let filter = if only_open { "AND status IN ('failed', 'needs_attention') AND NOT resolved" } else { "" };
    let sql = format!(
        "SELECT id, kind, subject, status, detail, retry, resolved, at FROM activity
         WHERE account_id = $1 {filter} ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3"
    );
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [account_id.into(), (limit as i64).into(), (offset as i64).into()],
    );
    Entry::find_by_statement(stmt).all(db).await
}

/// One entry of the account (`None` for another account's id).
pub async fn get<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<Option<Entry>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT id, kind, subject, status, detail, retry, resolved, at FROM activity WHERE account_id = $1 AND id = $2",
        [account_id.into(), id.into()],
    );
    Entry::find_by_statement(stmt).one(db).await
}

/// Marks stock failures about these subjects as resolved once a push covering their SKUs went
/// through: `skus` `None` (a full push) covers every one, else those whose Retry would push only
/// SKUs among `skus`.
pub async fn resolve_covered<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    subjects: &[String],
    skus: Option<&[String]>,
) -> Result<(), DbErr> {
    if subjects.is_empty() {
        return Ok(());
    }
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE activity SET resolved = true
         WHERE account_id = $1 AND subject = ANY($2) AND status = 'failed' AND NOT resolved
           AND ($3::text[] IS NULL OR (jsonb_typeof(retry->'skus') = 'array'
                AND ARRAY(SELECT jsonb_array_elements_text(retry->'skus')) <@ $3::text[]))",
        [account_id.into(), subjects.to_vec().into(), skus.map(<[String]>::to_vec).into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// Marks failures about `subject` as resolved (e.g. the order went through on a later try).
pub async fn resolve<C: ConnectionTrait>(db: &C, account_id: i64, subject: &str) -> Result<(), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "UPDATE activity SET resolved = true WHERE account_id = $1 AND subject = $2 AND status IN ('failed', 'needs_attention')",
        [account_id.into(), subject.into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
}
