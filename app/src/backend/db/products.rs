//! The Products page query: every SKU of the last catalog index (Prokip's and the stores'), its
//! match status, and what each store last showed — searched, filtered and paged in SQL, so large
//! catalogs stay fast. Hand-written: the page is one statement of CTEs, unions and a window count
//! that the query builder cannot express.

use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, FromQueryResult)]
pub struct Row {
    pub sku: String,
    pub name: String,
    /// Prokip's quantity as decimal text.
    pub prokip_qty: Option<String>,
    pub committed: i64,
    /// matched, prokip_only (missing in at least one store), store_only, duplicate
    pub status: String,
    /// When Prokip's quantity was last read.
    pub read_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Store SKUs linked to this Prokip SKU ("a, b").
    pub linked: Option<String>,
    pub total: i64,
}

/// One page of SKUs. Its parameters: account, search text, status, limit, offset, sort. Prokip's
/// SKUs and the stores' are joined FULL (hash or merge only): joined as a union and two left joins,
/// the planner, once the tables were analyzed, misjudged the stores' grouped SKUs as 200 rows and
/// compared every SKU with every other (10 s for 10,000 SKUs).
pub const PAGE_SQL: &str = r#"
WITH stores AS (SELECT id FROM connections WHERE account_id = $1 AND status <> 'disconnected'),
p AS (SELECT sku, min(name) AS name, count(*) AS n, sum(qty) AS qty, min(qty_read_at) AS read_at
      FROM prokip_catalog WHERE account_id = $1 AND sku <> '' GROUP BY sku),
-- A store SKU the merchant linked counts as the Prokip SKU it is linked to. No DISTINCT aggregate
-- over the whole catalog (each would sort it): the links, few, are listed apart.
s AS (SELECT coalesce(l.prokip_sku, sc.sku) AS sku, sc.connection_id, count(*) AS n, min(sc.name) AS name
      FROM store_catalog sc JOIN stores ON stores.id = sc.connection_id
      LEFT JOIN sku_links l ON l.connection_id = sc.connection_id AND l.store_sku = sc.sku
      GROUP BY 1, sc.connection_id),
lk AS (SELECT l.prokip_sku AS sku, string_agg(DISTINCT l.store_sku, ', ') AS linked
       FROM sku_links l JOIN stores ON stores.id = l.connection_id
       WHERE EXISTS (SELECT 1 FROM store_catalog sc WHERE sc.connection_id = l.connection_id AND sc.sku = l.store_sku)
       GROUP BY l.prokip_sku),
sk AS (SELECT s.sku, count(*) AS stores_with, max(n) AS max_n, min(name) AS name, min(lk.linked) AS linked
       FROM s LEFT JOIN lk ON lk.sku = s.sku GROUP BY s.sku),
c AS (SELECT m.sku, sum(m.qty)::bigint AS qty FROM commitments m JOIN stores ON stores.id = m.connection_id GROUP BY m.sku),
rows AS (
  SELECT coalesce(p.sku, sk.sku) AS sku, coalesce(p.name, sk.name, '') AS name, p.qty::text AS prokip_qty, coalesce(c.qty, 0)::bigint AS committed,
    p.read_at, sk.linked,
    CASE WHEN coalesce(p.n, 0) > 1 OR coalesce(sk.max_n, 0) > 1 THEN 'duplicate'
         WHEN p.sku IS NULL THEN 'store_only'
         WHEN coalesce(sk.stores_with, 0) < (SELECT count(*) FROM stores) THEN 'prokip_only'
         ELSE 'matched' END AS status
  FROM p FULL JOIN sk ON sk.sku = p.sku LEFT JOIN c ON c.sku = coalesce(p.sku, sk.sku))
SELECT *, count(*) OVER ()::bigint AS total FROM rows
WHERE ($2 = '' OR strpos(lower(sku), lower($2)) > 0 OR strpos(lower(name), lower($2)) > 0)
  AND ($3 = '' OR status = $3)
ORDER BY
  CASE WHEN $6 = 'name' THEN name END ASC, CASE WHEN $6 = '-name' THEN name END DESC,
  CASE WHEN $6 = 'status' THEN status END ASC, CASE WHEN $6 = '-status' THEN status END DESC,
  CASE WHEN $6 = 'prokip' THEN prokip_qty::numeric END ASC NULLS LAST,
  CASE WHEN $6 = '-prokip' THEN prokip_qty::numeric END DESC NULLS LAST,
  CASE WHEN $6 = 'committed' THEN committed END ASC, CASE WHEN $6 = '-committed' THEN committed END DESC,
  CASE WHEN $6 = '-sku' THEN sku END DESC,
  sku
LIMIT $4 OFFSET $5
"#;

/// Which page of SKUs: those matching the search text and status ('' = any), in `sort` order
/// (`name`, `-prokip`, …; SKU order otherwise, and within equal values).
pub struct Query<'a> {
    pub q: &'a str,
    pub status: &'a str,
    pub sort: &'a str,
    pub limit: u64,
    pub offset: u64,
}

/// One page of the account's SKUs.
pub async fn page<C: ConnectionTrait>(db: &C, account_id: i64, query: &Query<'_>) -> Result<Vec<Row>, DbErr> {
    let values = [
        account_id.into(),
        query.q.into(),
        query.status.into(),
        (query.limit as i64).into(),
        (query.offset as i64).into(),
        query.sort.into(),
    ];
    Row::find_by_statement(Statement::from_sql_and_values(db.get_database_backend(), PAGE_SQL, values)).all(db).await
}

/// What each of the account's stores last showed for these SKUs: (connection, sku) → quantity.
pub async fn store_quantities<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    skus: &[String],
) -> Result<HashMap<(i64, String), i64>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT i.connection_id, coalesce(l.prokip_sku, i.sku), i.quantity FROM inventory_cache i
         JOIN connections c ON c.id = i.connection_id
         LEFT JOIN sku_links l ON l.connection_id = i.connection_id AND l.store_sku = i.sku
         WHERE c.account_id = $1 AND coalesce(l.prokip_sku, i.sku) = ANY($2)",
        [account_id.into(), skus.to_vec().into()],
    );
    db.query_all_raw(stmt)
        .await?
        .iter()
        .map(|r| Ok(((r.try_get_by_index::<i64>(0)?, r.try_get_by_index::<String>(1)?), r.try_get_by_index::<i64>(2)?)))
        .collect()
}

/// Which of these SKUs each of the account's stores had at its last index: (connection, sku).
pub async fn store_presence<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    skus: &[String],
) -> Result<HashSet<(i64, String)>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT DISTINCT s.connection_id, coalesce(l.prokip_sku, s.sku) FROM store_catalog s
         JOIN connections c ON c.id = s.connection_id
         LEFT JOIN sku_links l ON l.connection_id = s.connection_id AND l.store_sku = s.sku
         WHERE c.account_id = $1 AND coalesce(l.prokip_sku, s.sku) = ANY($2)",
        [account_id.into(), skus.to_vec().into()],
    );
    db.query_all_raw(stmt)
        .await?
        .iter()
        .map(|r| Ok((r.try_get_by_index::<i64>(0)?, r.try_get_by_index::<String>(1)?)))
        .collect()
}
