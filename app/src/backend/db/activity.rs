//! The activity log the dashboard shows: what happened, and for failures why and how to retry.
//! Each entry names what it is about as keys ([`About`]); its subject is text for people only, and
//! every count and resolution matches on the keys.

use crate::model::{ActivityKind, ActivityStatus};
use sea_orm::{
    Condition, QueryOrder, QuerySelect, QueryTrait, Set, TransactionTrait,
    entity::prelude::*,
    sea_query::{Expr, extension::postgres::PgExpr},
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub kind: ActivityKind,
    pub subject: String,
    pub status: ActivityStatus,
    pub detail: Option<String>,
    pub retry: Option<Json>,
    pub resolved: bool,
    pub at: ChronoDateTimeUtc,
    pub connection_id: Option<i64>,
    pub sku: Option<String>,
    pub order_id: Option<String>,
    pub event_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// One entry as the log lists it.
pub type Entry = Model;

/// What a Retry button re-runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum RetryHandle {
    ProcessWebhook { event_id: i64 },
    PushStock { skus: Option<Vec<String>> },
}

/// What an entry is about. Every key is optional: an entry about the whole account has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    pub connection_id: Option<i64>,
    pub sku: Option<String>,
    /// The store's id of the order (not the name people see, e.g. "#1001").
    pub order_id: Option<String>,
    /// A stored webhook event.
    pub event_id: Option<i64>,
}

impl About {
    /// The account as a whole (e.g. Prokip could not be read).
    pub fn account() -> Self {
        About::default()
    }

    /// One store as a whole.
    pub fn store(connection_id: i64) -> Self {
        About { connection_id: Some(connection_id), ..About::default() }
    }

    /// One SKU in one store.
    pub fn sku(connection_id: i64, sku: &str) -> Self {
        About { sku: Some(sku.to_owned()), ..About::store(connection_id) }
    }

    /// One order of one store.
    pub fn order(connection_id: i64, order_id: &str) -> Self {
        About { order_id: Some(order_id.to_owned()), ..About::store(connection_id) }
    }

    /// One webhook event of one store.
    pub fn event(connection_id: i64, event_id: i64) -> Self {
        About { event_id: Some(event_id), ..About::store(connection_id) }
    }
}

pub struct NewActivity<'a> {
    pub account_id: i64,
    pub kind: ActivityKind,
    pub about: About,
    /// What it is about, for people, e.g. "Shopify order #1001" or "SKU AS0001 → demo-store".
    pub subject: &'a str,
    pub status: ActivityStatus,
    pub detail: Option<&'a str>,
    pub retry: Option<RetryHandle>,
}

pub async fn record<C: ConnectionTrait>(db: &C, a: NewActivity<'_>) -> Result<i64, DbErr> {
    let row = ActiveModel {
        account_id: Set(a.account_id),
        kind: Set(a.kind),
        subject: Set(a.subject.to_owned()),
        status: Set(a.status),
        detail: Set(a.detail.map(str::to_owned)),
        retry: Set(a.retry.map(|r| serde_json::to_value(r).unwrap_or_default())),
        connection_id: Set(a.about.connection_id),
        sku: Set(a.about.sku),
        order_id: Set(a.about.order_id),
        event_id: Set(a.about.event_id),
        ..Default::default()
    };
    Entity::insert(row).exec(db).await.map(|r| r.last_insert_id)
}

/// Records the entry and closes the open problems of its kind about the same thing before it, in
/// one transaction: the log never shows both, nor neither.
pub async fn supersede(db: &DatabaseConnection, a: NewActivity<'_>) -> Result<i64, DbErr> {
    let txn = db.begin().await?;
    resolving(a.account_id, &a.about).filter(Column::Kind.eq(a.kind)).exec(&txn).await?;
    let id = record(&txn, a).await?;
    txn.commit().await?;
    Ok(id)
}

/// Open problems: failed or needing attention, and not resolved since.
///
/// Written into the statement, not bound as parameters: PostgreSQL uses a partial index only when
/// it can prove the query implies the index's predicate, and it cannot with bound values in a
/// generic plan. The open-problem indexes (`activity_open_failures_idx`,
/// `activity_connection_open_idx`) keep each lookup as small as the open problems; without them
/// every resolution reads the account's whole history, once per order.
fn open() -> Expr {
    open_with(&ActivityStatus::PROBLEMS)
}

/// Open (not resolved) entries with one of `statuses` (among [`ActivityStatus::PROBLEMS`]), as
/// literals (see [`open`]).
fn open_with(statuses: &[ActivityStatus]) -> Expr {
    // The statuses are the model's own constant names, never user input.
    let listed: Vec<String> = statuses.iter().map(|s| format!("'{}'", s.as_str())).collect();
    Expr::cust(format!("(status IN ({}) AND NOT resolved)", listed.join(", ")))
}

/// The newest entries of the account, optionally only open failures.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    only_open: bool,
    limit: u64,
    offset: u64,
) -> Result<Vec<Entry>, DbErr> {
    let mut query = Entity::find().filter(Column::AccountId.eq(account_id));
    if only_open {
        query = query.filter(open());
    }
    query.order_by_desc(Column::At).order_by_desc(Column::Id).limit(limit).offset(offset).all(db).await
}

/// What the Activity page asks for: text in the subject or detail, a kind, open problems only.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub q: &'a str,
    pub kind: Option<ActivityKind>,
    pub only_open: bool,
}

/// One page of the account's entries matching `filter`, newest first, and how many match in all.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    filter: &Filter<'_>,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Entry>, u64), DbErr> {
    let mut query = Entity::find().filter(Column::AccountId.eq(account_id));
    if filter.only_open {
        query = query.filter(open());
    }
    if let Some(kind) = filter.kind {
        query = query.filter(Column::Kind.eq(kind));
    }
    if !filter.q.is_empty() {
        // Any case; `%` and `_` typed by the user match themselves.
        let escaped = filter.q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        query = query.filter(
            Condition::any()
                .add(Expr::col(Column::Subject).ilike(pattern.clone()))
                .add(Expr::col(Column::Detail).ilike(pattern)),
        );
    }
    let total = query.clone().count(db).await?;
    let rows = query.order_by_desc(Column::At).order_by_desc(Column::Id).limit(limit).offset(offset).all(db).await?;
    Ok((rows, total))
}

/// The newest entries of the account about any of these SKUs.
pub async fn about_skus<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    skus: &[String],
    limit: u64,
) -> Result<Vec<Entry>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::Sku.is_in(skus.to_vec()))
        .order_by_desc(Column::At)
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// One entry of the account (`None` for another account's id).
pub async fn get<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<Option<Entry>, DbErr> {
    Entity::find_by_id(id).filter(Column::AccountId.eq(account_id)).one(db).await
}

/// Every entry about one order of the account's store, oldest first.
pub async fn for_order<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    connection_id: i64,
    order_id: &str,
) -> Result<Vec<Entry>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::ConnectionId.eq(connection_id))
        .filter(Column::OrderId.eq(order_id))
        .order_by_asc(Column::At)
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// The account's open problems.
pub async fn count_open<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<u64, DbErr> {
    Entity::find().filter(Column::AccountId.eq(account_id)).filter(open()).count(db).await
}

/// Open problems of every account by kind and status: counts only, for the operator's metrics.
pub async fn open_problems_by_kind<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(ActivityKind, ActivityStatus, i64)>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::Kind)
        .column(Column::Status)
        .column_as(Column::Id.count(), "n")
        .filter(open())
        .group_by(Column::Kind)
        .group_by(Column::Status)
        .into_tuple()
        .all(db)
        .await
}

/// Which stock failures a push that went through covers.
#[derive(Debug, Clone, Copy)]
pub enum StockScope<'a> {
    /// Pushes that could not run at all (Prokip unreachable).
    Account,
    /// Pushes that wrote nothing to this store.
    Store(i64),
    /// These SKUs of this store, which were written.
    Items(i64, &'a [String]),
}

/// Marks stock failures of `scope` as resolved once a push covering their SKUs went through:
/// `skus` `None` (a full push) covers every one, else those whose Retry would push only SKUs
/// among `skus`.
pub async fn resolve_covered<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    scope: StockScope<'_>,
    skus: Option<&[String]>,
) -> Result<(), DbErr> {
    let keys = match scope {
        StockScope::Account => Condition::all().add(Column::ConnectionId.is_null()).add(Column::Sku.is_null()),
        StockScope::Store(id) => Condition::all().add(Column::ConnectionId.eq(id)).add(Column::Sku.is_null()),
        StockScope::Items(_, []) => return Ok(()),
        StockScope::Items(id, items) => {
            Condition::all().add(Column::ConnectionId.eq(id)).add(Column::Sku.eq_any(items.iter().cloned()))
        }
    };
    let mut update = Entity::update_many()
        .col_expr(Column::Resolved, Expr::value(true))
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::Kind.eq(ActivityKind::Stock))
        .filter(open_with(&[ActivityStatus::Failed]))
        .filter(keys);
    if let Some(skus) = skus {
        // Hand-written: the query builder has no form for "every element of a JSON array is in this list".
        let covered = "jsonb_typeof(retry->'skus') = 'array' AND ARRAY(SELECT jsonb_array_elements_text(retry->'skus')) <@ $1::text[]";
        update = update.filter(Expr::cust_with_values(covered, [skus.to_vec()]));
    }
    update.exec(db).await.map(|_| ())
}

/// Marks open problems about this thing as resolved (e.g. the order went through on a later try).
pub async fn resolve<C: ConnectionTrait>(db: &C, account_id: i64, about: &About) -> Result<(), DbErr> {
    resolving(account_id, about).exec(db).await.map(|_| ())
}

/// The update marking open problems about this thing as resolved.
fn resolving(account_id: i64, about: &About) -> sea_orm::UpdateMany<Entity> {
    let key = |col: Column, v: Option<Value>| match v {
        Some(v) => col.eq(v),
        None => col.is_null(),
    };
    Entity::update_many()
        .col_expr(Column::Resolved, Expr::value(true))
        .filter(Column::AccountId.eq(account_id))
        .filter(open())
        .filter(key(Column::ConnectionId, about.connection_id.map(Into::into)))
        .filter(key(Column::Sku, about.sku.clone().map(Into::into)))
        .filter(key(Column::OrderId, about.order_id.clone().map(Into::into)))
        .filter(key(Column::EventId, about.event_id.map(Into::into)))
}

/// Deletes up to `batch` entries older than `days`; how many it deleted.
pub async fn delete_older_than<C: ConnectionTrait>(db: &C, days: u32, batch: u64) -> Result<u64, DbErr> {
    let old = Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::At.lt(chrono::Utc::now() - chrono::Duration::days(days.into())))
        .order_by_asc(Column::Id)
        .limit(batch)
        .into_query();
    let res = Entity::delete_many().filter(Column::Id.in_subquery(old)).exec(db).await?;
    Ok(res.rows_affected)
}
