//! SeaORM entities and repositories. Every function that reads tenant data takes the caller's
//! `account_id` and filters on it.

pub mod account_settings;
pub mod accounts;
pub mod activity;
pub mod alerts;
pub mod api_tokens;
pub mod catalog;
pub mod commitments;
pub mod connections;
pub mod inventory_cache;
pub mod job_queues;
pub mod location_cache;
pub mod locks;
pub mod login_failures;
pub mod overview;
pub mod pending_pushes;
pub mod processed_refunds;
pub mod products;
pub mod prokip_configs;
pub mod sales_log;
pub mod sessions;
pub mod sku_detail;
pub mod sku_history;
pub mod sku_links;
pub mod sku_map;
pub mod store_status;
pub mod sync_runs;
pub mod sync_ticks;
pub mod users;
pub mod webhook_events;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

/// Replaces the sealed value in `column` of the row whose `key` is `id` with `new`, unless it is
/// no longer `old` (a writer sealed a new value meanwhile); whether it was replaced. For the key
/// rotation's re-seal, over any table that keeps sealed values.
pub async fn replace_sealed<E: EntityTrait, C: ConnectionTrait>(
    db: &C,
    key: E::Column,
    id: i64,
    column: E::Column,
    old: &[u8],
    new: Vec<u8>,
) -> Result<bool, DbErr> {
    let res = E::update_many()
        .col_expr(column, Expr::value(new))
        .filter(key.eq(id))
        .filter(column.eq(old.to_vec()))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
