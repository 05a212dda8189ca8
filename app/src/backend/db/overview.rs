//! The overview numbers of one account, and its orders per channel over the last 14 days.
//! Hand-written: each is one statement of scalar subqueries or a day series (generate_series).

use super::connections;
use crate::{
    backend::time::Day,
    model::{ChartDay, Overview, StoreHealthView, store_health},
};
use chrono::{DateTime, Utc};
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
     WHERE c.account_id = $1 AND s.sent_at >= $2) AS orders_synced_today,
  (SELECT count(*) FROM activity
     WHERE account_id = $1 AND status IN ('failed', 'needs_attention') AND NOT resolved) AS needs_attention
"#;

#[derive(FromQueryResult)]
struct DayRow {
    shopify: i64,
    woocommerce: i64,
}

/// Orders that became Prokip sales, per day (zero days present; `$2`/`$3` are when each day
/// starts and ends, in the account's zone): counted as "Orders sent to Prokip today" is, so the two
/// always agree.
const CHART_SQL: &str = r#"
SELECT
  count(o.id) FILTER (WHERE o.platform = 'shopify') AS shopify,
  count(o.id) FILTER (WHERE o.platform = 'woocommerce') AS woocommerce
FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS d(starts, ends, i)
LEFT JOIN (SELECT s.id, s.sent_at, c.platform FROM sales_log s JOIN connections c ON c.id = s.connection_id
           WHERE c.account_id = $1 AND s.sent_at >= ($2::timestamptz[])[1]) AS o
  ON o.sent_at >= d.starts AND o.sent_at < d.ends
GROUP BY d.i ORDER BY d.i
"#;

async fn chart<C: ConnectionTrait>(db: &C, account_id: i64, days: &[Day]) -> Result<Vec<ChartDay>, DbErr> {
    let starts: Vec<DateTime<Utc>> = days.iter().map(|d| d.starts).collect();
    let ends: Vec<DateTime<Utc>> = days.iter().map(|d| d.ends).collect();
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        CHART_SQL,
        [account_id.into(), starts.into(), ends.into()],
    );
    let rows = DayRow::find_by_statement(stmt).all(db).await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(days
        .iter()
        .zip(rows)
        .map(|(d, r)| ChartDay {
            day: d.date.format("%Y-%m-%d").to_string(),
            shopify: count(r.shopify),
            woocommerce: count(r.woocommerce),
        })
        .collect())
}

/// The account's numbers, with `days` (oldest first, today last) as its chart's days.
pub async fn for_account<C: ConnectionTrait>(db: &C, account_id: i64, days: &[Day]) -> Result<Overview, DbErr> {
    let today = days.last().ok_or_else(|| DbErr::Custom("an overview needs at least one day".into()))?;
    let stmt = Statement::from_sql_and_values(db.get_database_backend(), SQL, [account_id.into(), today.starts.into()]);
    let row = Row::find_by_statement(stmt).one(db).await?.ok_or_else(|| DbErr::RecordNotFound("overview".into()))?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Overview {
        prokip_connected: row.prokip_connected,
        connections: count(row.connections),
        mapped_skus: count(row.mapped_skus),
        orders_synced_today: count(row.orders_synced_today),
        needs_attention: count(row.needs_attention),
        chart: chart(db, account_id, days).await?,
        stores: stores(db, account_id).await?,
    })
}

/// Every store of the account with its badge, as the Connections page gives it.
pub async fn stores<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<StoreHealthView>, DbErr> {
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
