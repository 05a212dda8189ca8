//! Per-SKU history (`sku_history`): every change to a SKU's numbers with its cause. Rows are
//! written by the statement or transaction that makes the change (see the writers in `catalog`,
//! `inventory_cache`, `commitments`, `sales_log`, `sku_links` and `connections`), so a change
//! that rolls back leaves no history and a history row never describes a change that did not
//! happen. Read by the SKU page; trimmed by the housekeeping job.

//!
//! Hand-written SQL throughout: quantities are NUMERIC (Prokip's may be fractional) and are read
//! as text, and the writers are single statements over arrays.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};

/// What changed. Stored as its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Prokip's quantity at the location, as a read saw it change (`before` → `after`).
    Prokip,
    /// We wrote a new quantity to a store (`before`: what it had, when known).
    StoreWrite,
    /// A read-back found the store showing `after` where we had last written `before`.
    Drift,
    /// An unpaid order holds stock (`amount` > 0) or stops holding it (`amount` < 0).
    Committed,
    /// An order was sold in Prokip (`amount` < 0).
    Sold,
    /// The merchant linked (`detail`: the Prokip SKU) or unlinked a store SKU.
    Linked,
    Unlinked,
    /// A store's safety buffer changed (a row for every SKU of the store: `sku` is NULL).
    Buffer,
    /// A store's allocation rules changed (`detail`: "before → after" in words; `sku` is NULL).
    Rules,
    /// A store's source locations or sell location changed (`detail`: "before → after" in words;
    /// `sku` is NULL).
    Sources,
    /// A Shopify shop's stock moved to another of its locations (`detail`: "before → after";
    /// `sku` is NULL).
    StoreLocation,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Prokip,
        Kind::StoreWrite,
        Kind::Drift,
        Kind::Committed,
        Kind::Sold,
        Kind::Linked,
        Kind::Unlinked,
        Kind::Buffer,
        Kind::Rules,
        Kind::Sources,
        Kind::StoreLocation,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Prokip => "prokip",
            Kind::StoreWrite => "store-write",
            Kind::Drift => "drift",
            Kind::Committed => "committed",
            Kind::Sold => "sold",
            Kind::Linked => "linked",
            Kind::Unlinked => "unlinked",
            Kind::Buffer => "buffer",
            Kind::Rules => "rules",
            Kind::Sources => "sources",
            Kind::StoreLocation => "store-location",
        }
    }

    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == key)
    }
}

/// Why, for the changes that are not a push's: the name stored in `cause`. Pushes store their
/// [`crate::model::PushReason`] name.
pub mod cause {
    pub const ORDER_UNPAID: &str = "order-unpaid";
    pub const ORDER_PAID: &str = "order-paid";
    pub const ORDER_CANCELLED: &str = "order-cancelled";
    pub const MERCHANT: &str = "merchant";
}

/// A row for one change made by the merchant in a store (a link, a buffer): inserted with the
/// change, in the caller's transaction.
pub struct Merchant<'a> {
    pub connection_id: i64,
    /// `None`: every SKU of the store.
    pub sku: Option<&'a str>,
    pub kind: Kind,
    pub before: Option<i64>,
    pub after: Option<i64>,
    pub detail: Option<&'a str>,
}

pub async fn record_merchant<C: ConnectionTrait>(db: &C, m: Merchant<'_>) -> Result<(), DbErr> {
    let sql = "INSERT INTO sku_history (account_id, connection_id, sku, kind, cause, before, after, detail)
               SELECT c.account_id, c.id, $2, $3, $4, $5, $6, $7 FROM connections c WHERE c.id = $1";
    let values = vec![
        m.connection_id.into(),
        m.sku.map(str::to_owned).into(),
        m.kind.as_str().into(),
        cause::MERCHANT.into(),
        m.before.into(),
        m.after.into(),
        m.detail.map(str::to_owned).into(),
    ];
    db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await.map(|_| ())
}

/// Stock an order holds or releases, per SKU (`amount`: + held, − released).
pub async fn record_committed<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    order_id: &str,
    cause: &str,
    amounts: &[(String, i64)],
) -> Result<(), DbErr> {
    let amounts: Vec<&(String, i64)> = amounts.iter().filter(|(_, a)| *a != 0).collect();
    if amounts.is_empty() {
        return Ok(());
    }
    let sql = "INSERT INTO sku_history (account_id, connection_id, sku, kind, cause, amount, order_id)
               SELECT c.account_id, c.id, t.sku, 'committed', $3, t.amount, $2
               FROM connections c, UNNEST($4::text[], $5::bigint[]) AS t(sku, amount) WHERE c.id = $1";
    let values = vec![
        connection_id.into(),
        order_id.into(),
        cause.into(),
        amounts.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>().into(),
        amounts.iter().map(|(_, a)| *a).collect::<Vec<_>>().into(),
    ];
    db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await.map(|_| ())
}

/// Deletes rows older than `days`, at most `limit` per call; how many went.
pub async fn delete_older_than<C: ConnectionTrait>(db: &C, days: u32, limit: u64) -> Result<u64, DbErr> {
    // DELETE has no LIMIT: the ids come from a limited select.
    let sql = "DELETE FROM sku_history WHERE id IN (
                   SELECT id FROM sku_history WHERE at < now() - make_interval(days => $1) LIMIT $2)";
    let values = vec![(days as i32).into(), (limit as i64).into()];
    let done = db.execute_raw(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).await?;
    Ok(done.rows_affected())
}

/// Which rows are one SKU's: Prokip's under its SKU, each store's under the SKU it uses there,
/// and the stores' buffer changes.
pub struct Scope<'a> {
    pub account_id: i64,
    pub prokip_sku: &'a str,
    /// (connection, store SKU) of every store that sells it.
    pub stores: &'a [(i64, String)],
    /// Every store of the account (buffer changes apply to all their SKUs).
    pub connection_ids: &'a [i64],
}

/// One history row with the names the page shows.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Entry {
    pub id: i64,
    pub connection_id: Option<i64>,
    pub sku: Option<String>,
    pub kind: String,
    pub cause: String,
    /// Decimal text.
    pub before: Option<String>,
    pub after: Option<String>,
    pub amount: Option<i64>,
    /// The order's name in its store (or its id).
    pub order: Option<String>,
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

const SCOPE: &str = "h.account_id = $1 AND (
        (h.connection_id IS NULL AND h.sku = $2)
     OR (h.connection_id, h.sku) IN (SELECT * FROM UNNEST($3::bigint[], $4::text[]))
     OR (h.sku IS NULL AND h.connection_id = ANY($5))
     OR (h.kind IN ('linked', 'unlinked') AND h.detail = $2))";

fn scope_values(s: &Scope<'_>) -> Vec<sea_orm::Value> {
    vec![
        s.account_id.into(),
        s.prokip_sku.into(),
        s.stores.iter().map(|(c, _)| *c).collect::<Vec<_>>().into(),
        s.stores.iter().map(|(_, k)| k.clone()).collect::<Vec<_>>().into(),
        s.connection_ids.to_vec().into(),
    ]
}

/// One page of the SKU's history, newest first, and how many rows there are in all; with the
/// order's name from `sales_log`.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    scope: &Scope<'_>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Entry>, u64), DbErr> {
    let sql = format!(
        "SELECT h.id, h.connection_id, h.sku, h.kind, h.cause, h.before::text, h.after::text, h.amount,
                coalesce(s.order_name, h.order_id) AS order, h.detail, h.at
         FROM sku_history h
         LEFT JOIN sales_log s ON s.connection_id = h.connection_id AND s.order_id = h.order_id
         WHERE {SCOPE} ORDER BY h.at DESC, h.id DESC OFFSET $6 LIMIT $7"
    );
    let mut values = scope_values(scope);
    values.extend([(offset as i64).into(), (limit as i64).into()]);
    let rows = Entry::find_by_statement(Statement::from_sql_and_values(db.get_database_backend(), &sql, values))
        .all(db)
        .await?;
    let count = format!("SELECT count(*) AS n FROM sku_history h WHERE {SCOPE}");
    let total = db
        .query_one_raw(Statement::from_sql_and_values(db.get_database_backend(), &count, scope_values(scope)))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    Ok((rows, total as u64))
}

/// A level of one side (Prokip: `connection_id` None) at a moment: for the chart.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Level {
    pub connection_id: Option<i64>,
    /// Decimal text.
    pub before: Option<String>,
    pub after: Option<String>,
    pub at: DateTime<Utc>,
}

/// The SKU's level changes (Prokip reads, store writes, drift) since `since`, oldest first.
pub async fn levels_since<C: ConnectionTrait>(
    db: &C,
    scope: &Scope<'_>,
    since: DateTime<Utc>,
) -> Result<Vec<Level>, DbErr> {
    let sql = format!(
        "SELECT h.connection_id, h.before::text, h.after::text, h.at FROM sku_history h
         WHERE {SCOPE} AND h.kind IN ('prokip', 'store-write', 'drift') AND h.at >= $6 AND h.sku IS NOT NULL
         ORDER BY h.at, h.id"
    );
    let mut values = scope_values(scope);
    values.push(since.into());
    Level::find_by_statement(Statement::from_sql_and_values(db.get_database_backend(), &sql, values)).all(db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_keep_their_stored_names() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_key(k.as_str()), Some(k));
        }
        assert_eq!(Kind::from_key("store write"), None);
    }
}

/// One change to the stock an order holds: when, why, and the SKUs with their amounts.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Hold {
    pub at: DateTime<Utc>,
    pub cause: String,
    /// Σ amounts: > 0 held, < 0 released.
    pub amount: i64,
    /// "AS0011 × 2, AS0012 × 1".
    pub skus: String,
}

/// The changes to the stock one order held, oldest first. Hand-written: grouped per change.
pub async fn holds_of_order<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    order_id: &str,
) -> Result<Vec<Hold>, DbErr> {
    let sql = "SELECT at, cause, sum(amount)::bigint AS amount,
                      string_agg(sku || ' × ' || abs(amount), ', ' ORDER BY sku) AS skus
               FROM sku_history WHERE connection_id = $1 AND order_id = $2 AND kind = 'committed'
               GROUP BY at, cause ORDER BY at";
    let values = vec![connection_id.into(), order_id.into()];
    Hold::find_by_statement(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).all(db).await
}
