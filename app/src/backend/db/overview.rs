//! The overview numbers of one account, and its orders per channel over the last 14 days.
//! Hand-written: each is one statement of scalar subqueries or a day series (generate_series).

use super::connections;
use crate::model::{ChartDay, Overview, StoreHealthView, store_health};
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
     WHERE c.account_id = $1 AND s.sent_at >= date_trunc('day', now())) AS orders_synced_today,
  (SELECT count(*) FROM activity
     WHERE account_id = $1 AND status IN ('failed', 'needs_attention') AND NOT resolved) AS needs_attention
"#;

#[derive(FromQueryResult)]
struct DayRow {
    day: String,
    shopify: i64,
    woocommerce: i64,
}

/// Orders that became Prokip sales, per day of the last 14 (today included, zero days present):
/// the same count as "Orders sent to Prokip today", so the two always agree.
const CHART_SQL: &str = r#"
SELECT to_char(d, 'YYYY-MM-DD') AS day,
  count(o.id) FILTER (WHERE o.platform = 'shopify') AS shopify,
  count(o.id) FILTER (WHERE o.platform = 'woocommerce') AS woocommerce
FROM generate_series(date_trunc('day', now()) - interval '13 days', date_trunc('day', now()), interval '1 day') AS d
LEFT JOIN (SELECT s.id, s.sent_at, c.platform FROM sales_log s JOIN connections c ON c.id = s.connection_id
           WHERE c.account_id = $1 AND s.sent_at IS NOT NULL) AS o
  ON o.sent_at >= d AND o.sent_at < d + interval '1 day'
GROUP BY d ORDER BY d
"#;

async fn chart<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<ChartDay>, DbErr> {
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), CHART_SQL, [account_id.into()]);
    let rows = DayRow::find_by_statement(stmt).all(db).await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|r| ChartDay { day: r.day, shopify: count(r.shopify), woocommerce: count(r.woocommerce) })
        .collect())
}

pub async fn for_account<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Overview, DbErr> {
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), SQL, [account_id.into()]);
    let row = Row::find_by_statement(stmt).one(db).await?.ok_or_else(|| DbErr::RecordNotFound("overview".into()))?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Overview {
        prokip_connected: row.prokip_connected,
        connections: count(row.connections),
        mapped_skus: count(row.mapped_skus),
        orders_synced_today: count(row.orders_synced_today),
        needs_attention: count(row.needs_attention),
        chart: chart(db, account_id).await?,
        stores: stores(db, account_id).await?,
    })
}

async fn stores<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<StoreHealthView>, DbErr> {
    Ok(connections::list(db, account_id)
        .await?
        .into_iter()
        .map(|c| {
            let (health, badge) = store_health(
                c.status.as_str(),
                c.webhook_problem.is_some(),
                c.in_review,
                c.sync_enabled,
                c.order_import_enabled,
            );
            StoreHealthView {
                id: c.id,
                platform: c.platform.label().to_owned(),
                store_url: c.store_url,
                health: health.to_owned(),
                badge: badge.to_owned(),
                // Said only while it needs the merchant: an old reason outlives its repair.
                reason: matches!(badge, "badge bad" | "badge warn")
                    .then(|| c.status_reason.or(c.webhook_problem))
                    .flatten(),
            }
        })
        .collect())
}
