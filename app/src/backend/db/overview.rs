//! The overview numbers of one account.

use crate::api::Overview;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};

#[derive(FromQueryResult)]
struct Row {
    prokip_connected: bool,
    connections: i64,
    mapped_skus: i64,
    orders_synced_today: i64,
    needs_attention: i64,
}

const SQL: &str = r#"
SELECT
  EXISTS (SELECT 1 FROM prokip_configs WHERE account_id = $1) AS prokip_connected,
  (SELECT count(*) FROM connections WHERE account_id = $1 AND status <> 'disconnected') AS connections,
  (SELECT count(*) FROM sku_map m JOIN connections c ON c.id = m.connection_id
     WHERE c.account_id = $1 AND m.prokip_variation_id IS NOT NULL) AS mapped_skus,
  (SELECT count(*) FROM sales_log s JOIN connections c ON c.id = s.connection_id
     WHERE c.account_id = $1 AND s.state = 'sent' AND s.sent_at >= date_trunc('day', now())) AS orders_synced_today,
  (SELECT count(*) FROM activity
     WHERE account_id = $1 AND status IN ('failed', 'needs_attention') AND NOT resolved) AS needs_attention
"#;

pub async fn for_account<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Overview, DbErr> {
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), SQL, [account_id.into()]);
    let row = Row::find_by_statement(stmt)
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("overview".into()))?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Overview {
        prokip_connected: row.prokip_connected,
        connections: count(row.connections),
        mapped_skus: count(row.mapped_skus),
        orders_synced_today: count(row.orders_synced_today),
        needs_attention: count(row.needs_attention),
    })
}
