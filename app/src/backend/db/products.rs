//! The Products page: every SKU of the last catalog index (Prokip's and the stores'), its match
//! status, and what each store last showed — searched, filtered and paged in SQL.
//!
//! What a SKU is (its name, status, links, the stores that have it) is kept per SKU in
//! `sku_summary`, derived from the catalog index, the links and the stores' status, and rebuilt
//! when those have changed since (triggers count the changes in `catalog_versions`, see the
//! migration): a page reads the rows it shows instead of aggregating the whole catalog on every
//! request. Quantities and commitments change with every sale and are read live, for the page's
//! rows only unless the page is sorted by them.
//!
//! Hand-written: the summary is one statement of CTEs and a FULL join, and the pages a window
//! count and lateral joins, which the query builder cannot express.

use crate::model::LinkSuggestion;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, FromQueryResult, Statement};
use std::collections::HashMap;

/// One SKU per row: Prokip's SKUs and the stores' (a linked store SKU counts as the Prokip SKU it
/// is linked to), with its status. Its parameter: the account. Prokip's SKUs and the stores' are
/// joined FULL (hash or merge only): joined as a union and two left joins, the planner, once the
/// tables were analyzed, misjudged the stores' grouped SKUs as 200 rows and compared every SKU with
/// every other (10 s for 10,000 SKUs).
pub const SUMMARY_SQL: &str = r#"
WITH stores AS (SELECT id FROM connections WHERE account_id = $1 AND status <> 'disconnected'),
p AS (SELECT sku, min(name) AS name, count(*) AS n FROM prokip_catalog WHERE account_id = $1 AND sku <> '' GROUP BY sku),
-- No DISTINCT aggregate over the whole catalog (each would sort it): the links, few, are listed apart.
s AS (SELECT coalesce(l.prokip_sku, sc.sku) AS sku, sc.connection_id, count(*) AS n, min(sc.name) AS name
      FROM store_catalog sc JOIN stores ON stores.id = sc.connection_id
      LEFT JOIN sku_links l ON l.connection_id = sc.connection_id AND l.store_sku = sc.sku
      GROUP BY 1, sc.connection_id),
lk AS (SELECT l.prokip_sku AS sku, string_agg(DISTINCT l.store_sku, ', ') AS linked
       FROM sku_links l JOIN stores ON stores.id = l.connection_id
       WHERE EXISTS (SELECT 1 FROM store_catalog sc WHERE sc.connection_id = l.connection_id AND sc.sku = l.store_sku)
       GROUP BY l.prokip_sku),
sk AS (SELECT s.sku, count(*) AS stores_with, max(n) AS max_n, min(name) AS name, min(lk.linked) AS linked,
              array_agg(s.connection_id ORDER BY s.connection_id) AS in_stores
       FROM s LEFT JOIN lk ON lk.sku = s.sku GROUP BY s.sku)
SELECT $1::bigint AS account_id, coalesce(p.sku, sk.sku) AS sku, coalesce(p.name, sk.name, '') AS name,
  CASE WHEN coalesce(p.n, 0) > 1 OR coalesce(sk.max_n, 0) > 1 THEN 'duplicate'
       WHEN p.sku IS NULL THEN 'store_only'
       WHEN coalesce(sk.stores_with, 0) < (SELECT count(*) FROM stores) THEN 'prokip_only'
       ELSE 'matched' END AS status,
  sk.linked, coalesce(p.n, 0) = 1 AS prokip_unique, coalesce(sk.in_stores, '{}'::bigint[]) AS in_stores
FROM p FULL JOIN sk ON sk.sku = p.sku
"#;

/// The page's order for its sort (`name`, `-prokip`, …; SKU order otherwise, and within equal
/// values), and whether it is by quantity. Written out per sort, not chosen by a parameter in SQL:
/// the planner then reads SKU order from the summary's key instead of sorting every row.
fn order_by(sort: &str) -> (&'static str, bool) {
    match sort {
        "name" => ("name ASC, sku", false),
        "-name" => ("name DESC, sku", false),
        "status" => ("status ASC, sku", false),
        "-status" => ("status DESC, sku", false),
        "-sku" => ("sku DESC", false),
        "prokip" => ("prokip_qty::numeric ASC NULLS LAST, sku", true),
        "-prokip" => ("prokip_qty::numeric DESC NULLS LAST, sku", true),
        "committed" => ("committed ASC, sku", true),
        "-committed" => ("committed DESC, sku", true),
        _ => ("sku", false),
    }
}

/// The summary rows matching the search text (`$2`) and status (`$3`, '' = any).
const FILTER: &str = "account_id = $1
    AND ($2 = '' OR strpos(lower(sku), lower($2)) > 0 OR strpos(lower(name), lower($2)) > 0)
    AND ($3 = '' OR status = $3)";

/// Prokip's quantity of the summary row `r` (the sum over its variations) and when it was read.
const PROKIP_QTY: &str = "(SELECT sum(qty) AS qty, min(qty_read_at) AS read_at FROM prokip_catalog
      WHERE account_id = $1 AND sku = r.sku AND sku <> '')";

/// What the account's stores' unpaid orders hold of the summary row `r`.
const COMMITTED: &str = "(SELECT sum(m.qty)::bigint AS qty FROM commitments m
      JOIN connections c ON c.id = m.connection_id AND c.account_id = $1 AND c.status <> 'disconnected'
      WHERE m.sku = r.sku)";

/// One page in an order that is not by quantity: the page's rows are chosen from the summary
/// alone, then their quantities read. Parameters: account, search text, status, limit, offset.
pub fn page_sql(order: &str) -> String {
    format!(
        "WITH r AS (SELECT sku, name, status, linked, in_stores FROM sku_summary WHERE {FILTER}
                  ORDER BY {order} LIMIT $4 OFFSET $5)
         SELECT r.sku, r.name, r.status, r.linked, r.in_stores, p.qty::text AS prokip_qty, p.read_at,
                coalesce(c.qty, 0)::bigint AS committed,
                (SELECT count(*) FROM sku_summary WHERE {FILTER})::bigint AS total
         FROM r LEFT JOIN LATERAL {PROKIP_QTY} p ON true LEFT JOIN LATERAL {COMMITTED} c ON true
         ORDER BY {order}"
    )
}

/// One page sorted by Prokip's quantity or by what is committed: every matching row's quantities.
pub fn page_by_quantity_sql(order: &str) -> String {
    format!(
        "WITH p AS (SELECT sku, sum(qty) AS qty, min(qty_read_at) AS read_at FROM prokip_catalog
                    WHERE account_id = $1 AND sku <> '' GROUP BY sku),
         c AS (SELECT m.sku, sum(m.qty)::bigint AS qty FROM commitments m
               JOIN connections c ON c.id = m.connection_id AND c.account_id = $1 AND c.status <> 'disconnected'
               GROUP BY m.sku),
         q AS (SELECT r.sku, r.name, r.status, r.linked, r.in_stores, p.qty::text AS prokip_qty, p.read_at,
                      coalesce(c.qty, 0)::bigint AS committed
               FROM (SELECT * FROM sku_summary WHERE {FILTER}) r
               LEFT JOIN p ON p.sku = r.sku LEFT JOIN c ON c.sku = r.sku)
         SELECT *, count(*) OVER ()::bigint AS total FROM q ORDER BY {order} LIMIT $4 OFFSET $5"
    )
}

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
    /// The connected stores whose last index has the SKU.
    pub in_stores: Vec<i64>,
    pub total: i64,
}

/// Which page of SKUs: those matching the search text and status ('' = any), in `sort` order
/// (`name`, `-prokip`, …; SKU order otherwise, and within equal values).
pub struct Query<'a> {
    pub q: &'a str,
    pub status: &'a str,
    pub sort: &'a str,
    pub limit: u64,
    pub offset: u64,
}

/// One page of the account's SKUs, from the summary (current: see [`summary_version`]).
pub async fn page<C: ConnectionTrait>(db: &C, account_id: i64, query: &Query<'_>) -> Result<Vec<Row>, DbErr> {
    let (order, by_quantity) = order_by(query.sort);
    let sql = if by_quantity { page_by_quantity_sql(order) } else { page_sql(order) };
    let values = [
        account_id.into(),
        query.q.into(),
        query.status.into(),
        (query.limit as i64).into(),
        (query.offset as i64).into(),
    ];
    Row::find_by_statement(Statement::from_sql_and_values(db.get_database_backend(), sql, values)).all(db).await
}

/// The account's catalog version now and the version its summary was built from (`None`: never).
pub async fn summary_version<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<(i64, Option<i64>), DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT coalesce((SELECT version FROM catalog_versions WHERE account_id = $1), 0),
                (SELECT built FROM sku_summary_state WHERE account_id = $1)",
        [account_id.into()],
    );
    let row = db.query_one_raw(stmt).await?.ok_or_else(|| DbErr::RecordNotFound("catalog version".into()))?;
    Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?))
}

/// Rebuilds the account's summary from the catalog as `txn` sees it and records that it is built
/// from `version` (read in `txn` before: the summary is at least that recent) with `suggestions`.
pub async fn rebuild_summary(
    txn: &DatabaseTransaction,
    account_id: i64,
    version: i64,
    suggestions: &[LinkSuggestion],
) -> Result<(), DbErr> {
    let b = txn.get_database_backend();
    let run = |sql: String, values: Vec<sea_orm::Value>| Statement::from_sql_and_values(b, sql, values);
    txn.execute_raw(run("DELETE FROM sku_summary WHERE account_id = $1".into(), vec![account_id.into()])).await?;
    let insert = format!(
        "INSERT INTO sku_summary (account_id, sku, name, status, linked, prokip_unique, in_stores) {SUMMARY_SQL}"
    );
    txn.execute_raw(run(insert, vec![account_id.into()])).await?;
    txn.execute_raw(run("DELETE FROM link_suggestions WHERE account_id = $1".into(), vec![account_id.into()])).await?;
    if !suggestions.is_empty() {
        let ids = |s: &LinkSuggestion| s.connection_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        txn.execute_raw(run(
            "INSERT INTO link_suggestions (account_id, position, store_sku, prokip_sku, connection_ids, barcode)
             SELECT $1, t.position, t.store_sku, t.prokip_sku, string_to_array(t.ids, ',')::bigint[], NULLIF(t.barcode, '')
             FROM UNNEST($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
                  AS t(position, store_sku, prokip_sku, ids, barcode)"
                .into(),
            vec![
                account_id.into(),
                (0..suggestions.len() as i32).collect::<Vec<_>>().into(),
                suggestions.iter().map(|s| s.store_sku.clone()).collect::<Vec<_>>().into(),
                suggestions.iter().map(|s| s.prokip_sku.clone()).collect::<Vec<_>>().into(),
                suggestions.iter().map(ids).collect::<Vec<_>>().into(),
                suggestions.iter().map(|s| s.barcode.clone().unwrap_or_default()).collect::<Vec<_>>().into(),
            ],
        ))
        .await?;
    }
    txn.execute_raw(run(
        "INSERT INTO sku_summary_state (account_id, built) VALUES ($1, $2)
         ON CONFLICT (account_id) DO UPDATE SET built = EXCLUDED.built, built_at = now()"
            .into(),
        vec![account_id.into(), version.into()],
    ))
    .await
    .map(|_| ())
}

/// The link suggestions of the summary, in the order they were made.
pub async fn suggestions<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<LinkSuggestion>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT store_sku, prokip_sku, connection_ids, barcode FROM link_suggestions WHERE account_id = $1
         ORDER BY position",
        [account_id.into()],
    );
    db.query_all_raw(stmt)
        .await?
        .iter()
        .map(|r| {
            Ok(LinkSuggestion {
                store_sku: r.try_get_by_index(0)?,
                prokip_sku: r.try_get_by_index(1)?,
                connection_ids: r.try_get_by_index(2)?,
                barcode: r.try_get_by_index(3)?,
            })
        })
        .collect()
}

/// The first `limit` Prokip SKUs (in SKU order) that a store SKU can be linked to: those of
/// exactly one variation.
pub async fn link_choices<C: ConnectionTrait>(db: &C, account_id: i64, limit: u64) -> Result<Vec<String>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT sku FROM sku_summary WHERE account_id = $1 AND prokip_unique ORDER BY sku LIMIT $2",
        [account_id.into(), (limit as i64).into()],
    );
    db.query_all_raw(stmt).await?.iter().map(|r| r.try_get_by_index::<String>(0)).collect()
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
