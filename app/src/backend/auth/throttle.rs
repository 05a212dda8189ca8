//! Login throttling: after 5 failures for one username from one address within 15 minutes,
//! further attempts are refused until the oldest failure leaves the window. Kept in Postgres so
//! every server process sees the same count.

use crate::backend::db::login_failures;
use sea_orm::{ConnectionTrait, DbErr};
use std::time::Duration;

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_SECS: i64 = 15 * 60;

/// `Some(wait)` when this username+address is locked out.
pub async fn blocked_for<C: ConnectionTrait>(db: &C, username: &str, ip: &str) -> Result<Option<Duration>, DbErr> {
    let recent = login_failures::recent(db, username, ip, WINDOW_SECS, MAX_FAILURES).await?;
    Ok((recent.failures >= MAX_FAILURES).then(|| Duration::from_secs_f64(recent.wait_secs.unwrap_or(1.0).max(1.0))))
}

pub async fn record_failure<C: ConnectionTrait>(db: &C, username: &str, ip: &str) -> Result<(), DbErr> {
    login_failures::record(db, username, ip).await
}

pub async fn clear<C: ConnectionTrait>(db: &C, username: &str, ip: &str) -> Result<(), DbErr> {
    login_failures::clear(db, username, ip).await
}
