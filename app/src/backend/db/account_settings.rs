//! Order settings: per account (one row, defaults until the merchant saves one) the Prokip payment
//! method for online sales and how online customers appear in Prokip; per store connection the
//! order state that makes the sale; and whether stores connected from the dashboard start in
//! review.

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// The payment method online sales use until the merchant picks another.
pub const DEFAULT_PAYMENT_METHOD: &str = "custom_pay_1";

/// Whom a sell is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerMode {
    /// Every online sale goes to the location's walk-in customer.
    WalkIn,
    /// The Prokip customer with the order's email, created when there is none.
    Email,
}

impl CustomerMode {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomerMode::WalkIn => "walk_in",
            CustomerMode::Email => "email",
        }
    }

    pub fn parse(s: &str) -> Option<CustomerMode> {
        match s {
            "walk_in" => Some(CustomerMode::WalkIn),
            "email" => Some(CustomerMode::Email),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub payment_method: String,
    pub customer_mode: CustomerMode,
    /// Stores connected from the dashboard start in review (stock updates off until started).
    pub review_new_stores: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            payment_method: DEFAULT_PAYMENT_METHOD.into(),
            customer_mode: CustomerMode::WalkIn,
            review_new_stores: true,
        }
    }
}

fn stmt<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// The account's settings, or the defaults.
pub async fn get<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Settings, DbErr> {
    let sql = "SELECT payment_method, customer_mode, review_new_stores FROM account_settings WHERE account_id = $1";
    let Some(row) = db.query_one_raw(stmt(db, sql, vec![account_id.into()])).await? else {
        return Ok(Settings::default());
    };
    let mode: String = row.try_get_by_index(1)?;
    Ok(Settings {
        payment_method: row.try_get_by_index(0)?,
        customer_mode: CustomerMode::parse(&mode).unwrap_or(CustomerMode::WalkIn),
        review_new_stores: row.try_get_by_index(2)?,
    })
}

pub async fn set_payment_method<C: ConnectionTrait>(db: &C, account_id: i64, method: &str) -> Result<(), DbErr> {
    let sql = "INSERT INTO account_settings (account_id, payment_method) VALUES ($1, $2)
               ON CONFLICT (account_id) DO UPDATE SET payment_method = EXCLUDED.payment_method, updated_at = now()";
    db.execute_raw(stmt(db, sql, vec![account_id.into(), method.into()])).await.map(|_| ())
}

pub async fn set_customer_mode<C: ConnectionTrait>(db: &C, account_id: i64, mode: CustomerMode) -> Result<(), DbErr> {
    let sql = "INSERT INTO account_settings (account_id, customer_mode) VALUES ($1, $2)
               ON CONFLICT (account_id) DO UPDATE SET customer_mode = EXCLUDED.customer_mode, updated_at = now()";
    db.execute_raw(stmt(db, sql, vec![account_id.into(), mode.as_str().into()])).await.map(|_| ())
}

pub async fn set_review_new_stores<C: ConnectionTrait>(db: &C, account_id: i64, review: bool) -> Result<(), DbErr> {
    let sql = "INSERT INTO account_settings (account_id, review_new_stores) VALUES ($1, $2)
               ON CONFLICT (account_id) DO UPDATE SET review_new_stores = EXCLUDED.review_new_stores, updated_at = now()";
    db.execute_raw(stmt(db, sql, vec![account_id.into(), review.into()])).await.map(|_| ())
}

/// Sell when the store says paid (Shopify `paid`; WooCommerce `processing` or `completed`).
pub const TRIGGER_PAID: &str = "paid";
/// WooCommerce only: sell when the order is `completed`; until then it is a commitment.
pub const TRIGGER_COMPLETED: &str = "completed";

/// The connection's order trigger.
pub async fn order_trigger<C: ConnectionTrait>(db: &C, connection_id: i64) -> Result<String, DbErr> {
    let sql = "SELECT order_trigger FROM connections WHERE id = $1";
    let row = db.query_one_raw(stmt(db, sql, vec![connection_id.into()])).await?;
    Ok(row.map(|r| r.try_get_by_index::<String>(0)).transpose()?.unwrap_or_else(|| TRIGGER_PAID.to_owned()))
}

/// Sets the trigger of the account's connection; `false` when the account has no such store.
pub async fn set_order_trigger<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    connection_id: i64,
    trigger: &str,
) -> Result<bool, DbErr> {
    let sql =
        "UPDATE connections SET order_trigger = $3 WHERE id = $2 AND account_id = $1 AND status <> 'disconnected'";
    Ok(db
        .execute_raw(stmt(db, sql, vec![account_id.into(), connection_id.into(), trigger.into()]))
        .await?
        .rows_affected()
        == 1)
}

/// (connection id, platform, store URL, trigger) of the account's stores.
pub async fn order_triggers<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<Vec<(i64, String, String, String)>, DbErr> {
    let sql = "SELECT id, platform, store_url, order_trigger FROM connections
               WHERE account_id = $1 AND status <> 'disconnected' ORDER BY id";
    let rows = db.query_all_raw(stmt(db, sql, vec![account_id.into()])).await?;
    rows.iter()
        .map(|r| Ok((r.try_get_by_index(0)?, r.try_get_by_index(1)?, r.try_get_by_index(2)?, r.try_get_by_index(3)?)))
        .collect()
}
