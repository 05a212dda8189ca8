//! Failed sign-ins (`login_failures`), which the sign-in throttle counts; kept for a day.

use sea_orm::{
    FromQueryResult, NotSet, Set, Statement,
    entity::prelude::*,
    sea_query::{Expr, ExprTrait},
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub username: String,
    pub ip: String,
    pub at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Deletes failures older than a day (the throttle looks at less).
pub async fn delete_stale<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    let res =
        Entity::delete_many().filter(Expr::col(Column::At).lt(Expr::cust("now() - interval '1 day'"))).exec(db).await?;
    Ok(res.rows_affected)
}

/// The latest failures of a username (any case) from one address within the window, at most
/// `limit` of them: how many, and the seconds until the oldest of them leaves the window.
pub struct Recent {
    pub failures: i64,
    pub wait_secs: Option<f64>,
}

pub async fn recent<C: ConnectionTrait>(
    db: &C,
    username: &str,
    ip: &str,
    window_secs: i64,
    limit: i64,
) -> Result<Recent, DbErr> {
    // Hand-written: an aggregate over a limited, ordered subquery with interval arithmetic.
    let sql = r#"
      SELECT count(*) AS failures,
             EXTRACT(EPOCH FROM (min(at) + make_interval(secs => $3) - now()))::float8 AS wait_secs
      FROM (SELECT at FROM login_failures
            WHERE lower(username) = lower($1) AND ip = $2 AND at > now() - make_interval(secs => $3)
            ORDER BY at DESC LIMIT $4) recent"#;
    #[derive(FromQueryResult)]
    struct Row {
        failures: i64,
        wait_secs: Option<f64>,
    }
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [username.into(), ip.into(), (window_secs as f64).into(), limit.into()],
    );
    let row = Row::find_by_statement(stmt).one(db).await?;
    Ok(row.map_or(Recent { failures: 0, wait_secs: None }, |r| Recent { failures: r.failures, wait_secs: r.wait_secs }))
}

pub async fn record<C: ConnectionTrait>(db: &C, username: &str, ip: &str) -> Result<(), DbErr> {
    let row = ActiveModel { id: NotSet, username: Set(username.to_owned()), ip: Set(ip.to_owned()), at: NotSet };
    Entity::insert(row).exec_without_returning(db).await.map(|_| ())
}

/// Forgets the failures of a username (any case) from one address.
pub async fn clear<C: ConnectionTrait>(db: &C, username: &str, ip: &str) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(Expr::cust_with_values("lower(username) = lower($1)", [username]))
        .filter(Column::Ip.eq(ip))
        .exec(db)
        .await
        .map(|_| ())
}
