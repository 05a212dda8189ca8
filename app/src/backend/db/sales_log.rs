//! The sales log: one row per store order, its exactly-once state (ARCHITECTURE §4), the Prokip
//! sell it became and the lease that lets one worker at a time act on it.

use crate::model::OrderState;
use sea_orm::{ActiveEnum, ConnectionTrait, DbErr, FromQueryResult, Statement, Value};

/// How long a claim holds an order before another worker may take it over. The holder renews it
/// while it works (and covers a whole `POST /sell` before sending one), so it can be short: a
/// killed process's orders are free again within seconds. The lease's end doubles as its holder's
/// token: every claim sets a later one, so a renewal or release naming the end it holds can never
/// touch another worker's lease.
pub const LEASE_SECONDS: i64 = 15;

const COLUMNS: &str = "id, connection_id, order_id, order_name, state, invoice_no, prokip_sell_id, sell_line_ids,
    total::text AS total, currency, error, created_at, updated_at, sent_at, last_event_id, lease_until";

#[derive(Debug, Clone, FromQueryResult)]
pub struct Row {
    pub id: i64,
    pub connection_id: i64,
    pub order_id: String,
    pub order_name: Option<String>,
    pub state: OrderState,
    pub invoice_no: String,
    pub prokip_sell_id: Option<i64>,
    /// Order line id → [`SoldLine`] (as JSON).
    pub sell_line_ids: serde_json::Value,
    pub total: Option<String>,
    pub currency: Option<String>,
    pub error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_event_id: Option<i64>,
    /// When the current lease ends (`None`: nobody holds the order).
    pub lease_until: Option<chrono::DateTime<chrono::Utc>>,
}

/// What we keep per sold order line: its Prokip sell line, for returns.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SoldLine {
    pub sku: String,
    pub sell_line_id: i64,
    pub quantity: i64,
    pub unit_price: rust_decimal::Decimal,
}

impl Row {
    pub fn sold_lines(&self) -> std::collections::BTreeMap<String, SoldLine> {
        serde_json::from_value(self.sell_line_ids.clone()).unwrap_or_default()
    }
}

/// What the store said about an order when the import last read it (the `details` column).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Details {
    pub lines: Vec<DetailLine>,
    /// Order-level discount (taken off the total).
    pub discount: rust_decimal::Decimal,
    /// Shipping with its tax.
    pub shipping: rust_decimal::Decimal,
    /// Tax included in the lines and shipping.
    pub tax: rust_decimal::Decimal,
    pub customer_name: Option<String>,
    pub email: Option<String>,
    /// The store's word for its payment state ("paid", "pending", "processing", …).
    pub payment: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DetailLine {
    pub line_id: String,
    pub sku: Option<String>,
    pub quantity: i64,
    /// Tax included.
    pub unit_price: rust_decimal::Decimal,
}

pub struct NewOrder<'a> {
    pub connection_id: i64,
    pub order_id: &'a str,
    pub order_name: &'a str,
    pub invoice_no: &'a str,
    pub total: rust_decimal::Decimal,
    pub currency: Option<&'a str>,
    pub event_id: Option<i64>,
    pub details: Details,
}

impl NewOrder<'_> {
    /// `$1`…`$8` of the statements that write a new row.
    fn values(&self) -> Vec<Value> {
        vec![
            self.connection_id.into(),
            self.order_id.into(),
            self.order_name.into(),
            self.invoice_no.into(),
            self.total.to_string().into(),
            self.currency.map(str::to_owned).into(),
            self.event_id.into(),
            serde_json::to_value(&self.details).unwrap_or_default().into(),
        ]
    }
}

fn stmt<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// Shows a new order that arrived while its store's order import is paused ([`OrderState::Paused`]); an
/// order already known keeps its state, and its event waits all the same.
pub async fn note_paused<C: ConnectionTrait>(db: &C, o: NewOrder<'_>) -> Result<(), DbErr> {
    // Hand-written: an INSERT … ON CONFLICT DO NOTHING over the columns `claim` writes.
    let sql =
        "INSERT INTO sales_log (connection_id, order_id, order_name, state, invoice_no, total, currency, last_event_id, details)
               VALUES ($1, $2, $3, 'paused', $4, $5::numeric, $6, $7, $8)
               ON CONFLICT (connection_id, order_id) DO NOTHING";
    db.execute_raw(stmt(db, sql, o.values())).await.map(|_| ())
}

/// Creates the order's row (state `pending`) or refreshes its name, total and last event, and
/// takes the lease. `None` while another worker holds the lease.
pub async fn claim<C: ConnectionTrait>(db: &C, o: NewOrder<'_>) -> Result<Option<Row>, DbErr> {
    let sql = format!(
        "INSERT INTO sales_log (connection_id, order_id, order_name, state, invoice_no, total, currency, last_event_id, details, lease_until)
         VALUES ($1, $2, $3, 'pending', $4, $5::numeric, $6, $7, $8, now() + make_interval(secs => $9))
         ON CONFLICT (connection_id, order_id) DO UPDATE SET
             order_name = EXCLUDED.order_name, total = EXCLUDED.total, currency = EXCLUDED.currency,
             details = EXCLUDED.details,
             last_event_id = COALESCE(EXCLUDED.last_event_id, sales_log.last_event_id),
             lease_until = EXCLUDED.lease_until
         WHERE sales_log.lease_until IS NULL OR sales_log.lease_until < now()
         RETURNING {COLUMNS}"
    );
    let mut values = o.values();
    values.push((LEASE_SECONDS as f64).into());
    Row::find_by_statement(stmt(db, &sql, values)).one(db).await
}

/// Takes the lease on an existing row (refund or deletion events carry no order to create it from).
pub async fn claim_existing<C: ConnectionTrait>(db: &C, connection_id: i64, order_id: &str) -> Result<Claim, DbErr> {
    let sql = format!(
        "UPDATE sales_log SET lease_until = now() + make_interval(secs => $3)
         WHERE connection_id = $1 AND order_id = $2 AND (lease_until IS NULL OR lease_until < now())
         RETURNING {COLUMNS}"
    );
    let values = vec![connection_id.into(), order_id.into(), (LEASE_SECONDS as f64).into()];
    if let Some(row) = Row::find_by_statement(stmt(db, &sql, values)).one(db).await? {
        return Ok(Claim::Held(Box::new(row)));
    }
    let exists = find(db, connection_id, order_id).await?.is_some();
    Ok(if exists { Claim::Busy } else { Claim::Unknown })
}

pub enum Claim {
    /// The lease is ours.
    Held(Box<Row>),
    /// Another worker holds the lease.
    Busy,
    /// We have no row for the order.
    Unknown,
}

/// Extends the lease ending at `held` to at least `secs` from now (never shortening it). The new
/// end, or `None` when the lease is no longer the caller's (it ran out and another worker took it).
pub async fn renew<C: ConnectionTrait>(
    db: &C,
    id: i64,
    held: chrono::DateTime<chrono::Utc>,
    secs: f64,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, DbErr> {
    let sql = "UPDATE sales_log SET lease_until = GREATEST(lease_until, now() + make_interval(secs => $3))
               WHERE id = $1 AND lease_until = $2 RETURNING lease_until";
    let row = db.query_one_raw(stmt(db, sql, vec![id.into(), held.into(), secs.into()])).await?;
    row.map(|r| r.try_get_by_index(0)).transpose()
}

pub async fn find<C: ConnectionTrait>(db: &C, connection_id: i64, order_id: &str) -> Result<Option<Row>, DbErr> {
    let sql = format!("SELECT {COLUMNS} FROM sales_log WHERE connection_id = $1 AND order_id = $2");
    Row::find_by_statement(stmt(db, &sql, vec![connection_id.into(), order_id.into()])).one(db).await
}

/// Gives the lease ending at `held` back (a lease another worker has taken since is left alone).
pub async fn release<C: ConnectionTrait>(db: &C, id: i64, held: chrono::DateTime<chrono::Utc>) -> Result<(), DbErr> {
    let sql = "UPDATE sales_log SET lease_until = NULL WHERE id = $1 AND lease_until = $2";
    db.execute_raw(stmt(db, sql, vec![id.into(), held.into()])).await.map(|_| ())
}

/// Moves the order to `state` with an optional reason (cleared when `None`).
pub async fn set_state<C: ConnectionTrait>(
    db: &C,
    id: i64,
    state: OrderState,
    error: Option<&str>,
) -> Result<(), DbErr> {
    let sql = "UPDATE sales_log SET state = $2, error = $3, updated_at = now() WHERE id = $1";
    db.execute_raw(stmt(db, sql, vec![id.into(), state.to_value().into(), error.map(str::to_owned).into()]))
        .await
        .map(|_| ())
}

/// The sell exists in Prokip: keep its id and lines, and write each SKU's history row ("sold")
/// in the same statement.
pub async fn mark_sent<C: ConnectionTrait>(
    db: &C,
    id: i64,
    sell_id: i64,
    lines: &std::collections::BTreeMap<String, SoldLine>,
) -> Result<(), DbErr> {
    let sql = "WITH s AS (UPDATE sales_log SET state = 'sent', error = NULL, prokip_sell_id = $2, sell_line_ids = $3,
                          sent_at = now(), updated_at = now() WHERE id = $1 RETURNING connection_id, order_id)
               INSERT INTO sku_history (account_id, connection_id, sku, kind, cause, amount, order_id)
               SELECT c.account_id, s.connection_id, t.sku, 'sold', 'order-paid', -t.qty, s.order_id
               FROM s JOIN connections c ON c.id = s.connection_id, UNNEST($4::text[], $5::bigint[]) AS t(sku, qty)";
    let mut sold: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    for l in lines.values() {
        *sold.entry(l.sku.as_str()).or_default() += l.quantity;
    }
    let values = vec![
        id.into(),
        sell_id.into(),
        serde_json::to_value(lines).unwrap_or_default().into(),
        sold.keys().map(|s| s.to_string()).collect::<Vec<_>>().into(),
        sold.values().copied().collect::<Vec<_>>().into(),
    ];
    db.execute_raw(stmt(db, sql, values)).await.map(|_| ())
}

/// One order as the Orders page and the order page show it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Listed {
    pub id: i64,
    pub connection_id: i64,
    pub platform: String,
    pub store_url: String,
    pub order_id: String,
    pub order_name: Option<String>,
    pub state: OrderState,
    pub invoice_no: String,
    pub prokip_sell_id: Option<i64>,
    pub error: Option<String>,
    pub last_event_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The order's total as decimal text, and its currency.
    pub total: Option<String>,
    pub currency: Option<String>,
    /// [`Details`] as JSON (`None` for orders stored before details were kept).
    pub details: Option<serde_json::Value>,
    /// Rows matching the filter in all (the same on every row of a page).
    pub matching: i64,
}

impl Listed {
    pub fn details(&self) -> Option<Details> {
        self.details.clone().and_then(|d| serde_json::from_value(d).ok())
    }
}

const LISTED: &str = "SELECT s.id, s.connection_id, c.platform, c.store_url, s.order_id, s.order_name, s.state,
        s.invoice_no, s.prokip_sell_id, s.error, s.last_event_id, s.created_at, s.updated_at, s.sent_at,
        s.total::text AS total, s.currency, s.details";

/// Which orders a page lists.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    /// Part of the order's name, id, invoice, customer email or a line's SKU (any case; '' = all).
    pub q: &'a str,
    pub state: Option<OrderState>,
    pub connection_id: Option<i64>,
    /// Received at or after this instant, and before that one.
    pub received_from: Option<chrono::DateTime<chrono::Utc>>,
    pub received_before: Option<chrono::DateTime<chrono::Utc>>,
}

/// One page of the account's orders that match `f`, most recently changed first. Hand-written: a
/// join with a window count, optional filters and a search inside the stored lines.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    f: &Filter<'_>,
    limit: u64,
    offset: u64,
) -> Result<Vec<Listed>, DbErr> {
    let sql = format!(
        "{LISTED}, count(*) OVER ()::bigint AS matching
         FROM sales_log s JOIN connections c ON c.id = s.connection_id
         WHERE c.account_id = $1
           AND ($2 = ''
                OR strpos(lower(concat_ws(' ', s.order_name, s.order_id, s.invoice_no, s.details->>'email')), lower($2)) > 0
                OR EXISTS (SELECT 1 FROM jsonb_array_elements(coalesce(s.details->'lines', '[]'::jsonb)) l
                           WHERE strpos(lower(l->>'sku'), lower($2)) > 0))
           AND ($3::text IS NULL OR s.state = $3)
           AND ($4::bigint IS NULL OR s.connection_id = $4)
           AND ($5::timestamptz IS NULL OR s.created_at >= $5)
           AND ($6::timestamptz IS NULL OR s.created_at < $6)
         ORDER BY s.updated_at DESC, s.id DESC LIMIT $7 OFFSET $8"
    );
    let values = vec![
        account_id.into(),
        f.q.into(),
        f.state.map(|s| s.to_value()).into(),
        f.connection_id.into(),
        f.received_from.into(),
        f.received_before.into(),
        (limit as i64).into(),
        (offset as i64).into(),
    ];
    Listed::find_by_statement(stmt(db, &sql, values)).all(db).await
}

/// One order of the account (`None` for another account's id).
pub async fn get<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<Option<Listed>, DbErr> {
    let sql = format!(
        "{LISTED}, 1::bigint AS matching
         FROM sales_log s JOIN connections c ON c.id = s.connection_id
         WHERE c.account_id = $1 AND s.id = $2"
    );
    Listed::find_by_statement(stmt(db, &sql, vec![account_id.into(), id.into()])).one(db).await
}

/// Last events of this store's orders held for unmapped SKUs: a new map may let them through.
pub async fn held_events<C: ConnectionTrait>(db: &C, connection_id: i64) -> Result<Vec<i64>, DbErr> {
    let sql = "SELECT last_event_id FROM sales_log
               WHERE connection_id = $1 AND last_event_id IS NOT NULL AND state = 'needs_attention'";
    let rows = db.query_all_raw(stmt(db, sql, vec![connection_id.into()])).await?;
    rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect()
}

/// Last events of orders held for unmapped SKUs (or left `sending` by a crash) that have waited
/// at least `secs`: the sweeper runs them again.
pub async fn stalled_events<C: ConnectionTrait>(db: &C, secs: i64) -> Result<Vec<i64>, DbErr> {
    let sql = "SELECT last_event_id FROM sales_log
               WHERE last_event_id IS NOT NULL AND state IN ('needs_attention', 'sending')
                 AND updated_at < now() - make_interval(secs => $1)
                 AND (lease_until IS NULL OR lease_until < now())";
    let rows = db.query_all_raw(stmt(db, sql, vec![(secs as f64).into()])).await?;
    rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect()
}
