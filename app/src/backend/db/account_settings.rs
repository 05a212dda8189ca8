//! An account's order settings (one row per account, defaults until the merchant saves one): the
//! Prokip payment method for online sales and how online customers appear in Prokip.

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings { payment_method: DEFAULT_PAYMENT_METHOD.into(), customer_mode: CustomerMode::WalkIn }
    }
}

fn stmt<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<sea_orm::Value>) -> Statement {
    Statement::from_sql_and_values(db.get_database_backend(), sql, values)
}

/// The account's settings, or the defaults.
pub async fn get<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Settings, DbErr> {
    let sql = "SELECT payment_method, customer_mode FROM account_settings WHERE account_id = $1";
    let Some(row) = db.query_one_raw(stmt(db, sql, vec![account_id.into()])).await? else { return Ok(Settings::default()) };
    let mode: String = row.try_get_by_index(1)?;
    Ok(Settings { payment_method: row.try_get_by_index(0)?, customer_mode: CustomerMode::parse(&mode).unwrap_or(CustomerMode::WalkIn) })
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
