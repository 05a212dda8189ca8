//! Login throttling: after 5 failures for one username from one address within 15 minutes,
//! further attempts are refused until the oldest failure leaves the window. Kept in Postgres so
//! every server process sees the same count.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};
use std::time::Duration;

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_SECS: i64 = 15 * 60;

#[derive(FromQueryResult)]
struct Window {
    failures: i64,
    wait_secs: Option<f64>,
}

/// `Some(wait)` when this username+address is locked out.
pub async fn blocked_for<C: ConnectionTrait>(db: &C, username: &str, ip: &str) -> Result<Option<Duration>, DbErr> {
    let sql = r#"
      SELECT count(*) AS failures,
             EXTRACT(EPOCH FROM (min(at) + make_interval(secs => $3) - now()))::float8 AS wait_secs
      FROM (SELECT at FROM login_failures
            WHERE lower(username) = lower($1) AND ip = $2 AND at > now() - make_interval(secs => $3)
            ORDER BY at DESC LIMIT $4) recent"#;
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [username.into(), ip.into(), (WINDOW_SECS as f64).into(), MAX_FAILURES.into()],
    );
    let w = Window::find_by_statement(stmt).one(db).await?;
    Ok(w.filter(|w| w.failures >= MAX_FAILURES).map(|w| Duration::from_secs_f64(w.wait_secs.unwrap_or(1.0).max(1.0))))
}

pub async fn record_failure<C: ConnectionTrait>(db: &C, username: &str, ip: &str) -> Result<(), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO login_failures (username, ip) VALUES ($1, $2)",
        [username.into(), ip.into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

pub async fn clear<C: ConnectionTrait>(db: &C, username: &str, ip: &str) -> Result<(), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "DELETE FROM login_failures WHERE lower(username) = lower($1) AND ip = $2",
        [username.into(), ip.into()],
    );
    db.execute_raw(stmt).await.map(|_| ())
}
