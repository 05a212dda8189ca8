//! Stored webhook deliveries (`webhook_events`): their processing state (attempts, outcome, the
//! sweeper's re-enqueue) and the blanking of their payloads on a privacy request. Rows are written
//! by the group-commit intake (`webhooks::intake`). Processing works by event id, before any account
//! is known; reads on an account's behalf go through [`owned_by`].

use sea_orm::{
    QueryOrder, QuerySelect, Statement,
    entity::prelude::*,
    sea_query::{Expr, ExprTrait, Query},
};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub connection_id: i64,
    pub platform: String,
    pub topic: String,
    pub dedupe_key: String,
    /// The platform's own id of the delivery, when it sends one.
    pub event_id: Option<String>,
    pub payload: Json,
    pub received_at: ChronoDateTimeUtc,
    pub enqueued_at: Option<ChronoDateTimeUtc>,
    pub processed_at: Option<ChronoDateTimeUtc>,
    pub attempts: i32,
    pub error: Option<String>,
    /// Set while the event waits for its store's order import to be resumed.
    pub paused_at: Option<ChronoDateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// How the dedupe key of an order read by the pull (not delivered by a webhook) starts.
pub const PULLED_KEY_PREFIX: &str = "pull:";

/// Per topic, when the store last delivered a webhook for the connection (pulled orders aside).
pub async fn last_delivery_per_topic<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
) -> Result<Vec<(String, ChronoDateTimeUtc)>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::Topic)
        .column_as(Column::ReceivedAt.max(), "last")
        .filter(Column::ConnectionId.eq(connection_id))
        .filter(Column::DedupeKey.not_like(format!("{PULLED_KEY_PREFIX}%")))
        .group_by(Column::Topic)
        .order_by_asc(Column::Topic)
        .into_tuple()
        .all(db)
        .await
}

/// Counts an attempt and loads the event, unless it is already processed (or gone).
pub async fn start<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<Model>, DbErr> {
    let rows = Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .filter(Column::Id.eq(id))
        .filter(Column::ProcessedAt.is_null())
        .exec_with_returning(db)
        .await?;
    Ok(rows.into_iter().next())
}

/// Records the outcome: processed now, with the reason when it failed for good.
pub async fn finish<C: ConnectionTrait>(db: &C, id: i64, error: Option<&str>) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::ProcessedAt, Expr::current_timestamp())
        .col_expr(Column::Error, Expr::value(error.map(str::to_owned)))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Keeps the reason of a failed attempt (the event stays unprocessed).
pub async fn note_error<C: ConnectionTrait>(db: &C, id: i64, error: &str) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Error, Expr::value(error.to_owned()))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Makes the event new again (unprocessed, no attempts), enqueued now.
pub async fn reset<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::ProcessedAt, Expr::value(Option::<ChronoDateTimeUtc>::None))
        .col_expr(Column::Error, Expr::value(Option::<String>::None))
        .col_expr(Column::Attempts, Expr::value(0))
        .col_expr(Column::EnqueuedAt, Expr::current_timestamp())
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Gives back the attempt that `start` counted (the order was busy elsewhere: waiting is no
/// attempt) and marks the event enqueued now.
pub async fn give_back_attempt<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).sub(1))
        .col_expr(Column::EnqueuedAt, Expr::current_timestamp())
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Claims up to 500 unprocessed events that were never enqueued or were enqueued more than
/// `lost_after_secs` ago, marking them enqueued now; their ids.
pub async fn claim_lost<C: ConnectionTrait>(db: &C, lost_after_secs: i64) -> Result<Vec<i64>, DbErr> {
    // Hand-written: the claim locks its rows with FOR UPDATE SKIP LOCKED in a subquery of the UPDATE.
    let sql = "UPDATE webhook_events SET enqueued_at = now()
               WHERE id IN (SELECT id FROM webhook_events WHERE processed_at IS NULL AND paused_at IS NULL
                              AND (enqueued_at IS NULL OR enqueued_at < now() - make_interval(secs => $1))
                            ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED)
               RETURNING id";
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, [(lost_after_secs as f64).into()]);
    let rows = db.query_all_raw(stmt).await?;
    rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect()
}

/// Sets the event aside while its store's order import is paused (giving back the attempt `start`
/// counted). `false`, and nothing changed, when the import is on again by now.
pub async fn defer<C: ConnectionTrait>(db: &C, id: i64, connection_id: i64) -> Result<bool, DbErr> {
    let paused_store = Query::select()
        .column(super::connections::Column::Id)
        .from(super::connections::Entity)
        .and_where(super::connections::Column::Id.eq(connection_id))
        .and_where(super::connections::Column::OrderImportEnabled.eq(false))
        .to_owned();
    let res = Entity::update_many()
        .col_expr(Column::PausedAt, Expr::current_timestamp())
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).sub(1))
        .filter(Column::Id.eq(id))
        .filter(Column::ProcessedAt.is_null())
        .filter(Column::ConnectionId.in_subquery(paused_store))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Takes the store's earliest event set aside by [`defer`] (marking it enqueued now, so the sweeper
/// finds it should its run be lost); `None` when none is left or the import is paused again.
pub async fn take_paused<C: ConnectionTrait>(db: &C, connection_id: i64) -> Result<Option<i64>, DbErr> {
    // Hand-written: the take locks its row with FOR UPDATE SKIP LOCKED in a subquery of the UPDATE.
    let sql = "UPDATE webhook_events SET paused_at = NULL, enqueued_at = now()
               WHERE id = (SELECT id FROM webhook_events
                           WHERE connection_id = $1 AND paused_at IS NOT NULL AND processed_at IS NULL
                             AND EXISTS (SELECT 1 FROM connections c WHERE c.id = $1 AND c.order_import_enabled)
                           ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
               RETURNING id";
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, [connection_id.into()]);
    db.query_one_raw(stmt).await?.map(|r| r.try_get_by_index::<i64>(0)).transpose()
}

/// Events of the store waiting for its order import to be resumed.
pub async fn count_paused<C: ConnectionTrait>(db: &C, connection_id: i64) -> Result<u64, DbErr> {
    Entity::find()
        .filter(Column::ConnectionId.eq(connection_id))
        .filter(Column::PausedAt.is_not_null())
        .filter(Column::ProcessedAt.is_null())
        .count(db)
        .await
}

/// Stores whose order import is on but that still have events set aside (a resume whose run was
/// lost, or an event set aside just as the import was resumed).
pub async fn resumed_with_paused<C: ConnectionTrait>(db: &C) -> Result<Vec<i64>, DbErr> {
    let importing = Query::select()
        .column(super::connections::Column::Id)
        .from(super::connections::Entity)
        .and_where(super::connections::Column::OrderImportEnabled.eq(true))
        .to_owned();
    Entity::find()
        .select_only()
        .column(Column::ConnectionId)
        .distinct()
        .filter(Column::PausedAt.is_not_null())
        .filter(Column::ProcessedAt.is_null())
        .filter(Column::ConnectionId.in_subquery(importing))
        .into_tuple()
        .all(db)
        .await
}

/// What a redacted event's payload becomes.
fn redacted() -> serde_json::Value {
    serde_json::json!({ "redacted": true })
}

/// Redacts up to `batch` payloads of events processed more than `days` ago; how many it redacted.
/// Unprocessed events (waiting, paused, retried) keep theirs.
pub async fn redact_processed_before<C: ConnectionTrait>(db: &C, days: u32, batch: u64) -> Result<u64, DbErr> {
    // Hand-written: a batch is a subquery with LIMIT and FOR UPDATE SKIP LOCKED inside the UPDATE.
    let sql = "UPDATE webhook_events SET payload = $1
               WHERE id IN (SELECT id FROM webhook_events
                            WHERE processed_at < now() - make_interval(days => $2) AND payload <> $1
                            ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)";
    let values: [sea_orm::Value; 3] = [redacted().into(), (days as i32).into(), (batch as i64).into()];
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    Ok(db.execute_raw(stmt).await?.rows_affected())
}

/// Whether the event belongs to a store of the account.
pub async fn owned_by<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<bool, DbErr> {
    let stores = Query::select()
        .column(super::connections::Column::Id)
        .from(super::connections::Entity)
        .and_where(super::connections::Column::AccountId.eq(account_id))
        .to_owned();
    let found = Entity::find_by_id(id).filter(Column::ConnectionId.in_subquery(stores)).count(db).await?;
    Ok(found > 0)
}

/// Blanks the payloads of the connection's events: those of these orders, or all of them.
pub async fn redact<C: ConnectionTrait>(db: &C, connection_id: i64, orders: Option<&[String]>) -> Result<(), DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Payload, Expr::value(redacted()))
        .filter(Column::ConnectionId.eq(connection_id));
    if let Some(ids) = orders {
        update = update.filter(Expr::cust_with_values("payload->>'id' = ANY($1)", [ids.to_vec()]));
    }
    update.exec(db).await.map(|_| ())
}
