//! The last catalog index of each side: Prokip's variations (with their stock then) per account,
//! and each store's SKUs per connection. The Products page reads these; the platforms are not
//! called to render it.
//!
//! The statements are hand-written, each for the reason its function gives: whole catalogs are
//! written through arrays in one statement, and the reads compare the two sides.

use crate::backend::platforms::prokip::Variation;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr, Statement};
use std::collections::HashMap;

/// Replaces the account's Prokip index. Hand-written: UNNEST writes any catalog size in one statement.
pub async fn replace_prokip<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    variations: &[Variation],
) -> Result<(), DbErr> {
    let b = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        b,
        "DELETE FROM prokip_catalog WHERE account_id = $1",
        [account_id.into()],
    ))
    .await?;
    let name = |v: &Variation| {
        if v.variation_name.is_empty() || v.variation_name == "DUMMY" {
            v.product_name.clone()
        } else {
            format!("{} - {}", v.product_name, v.variation_name)
        }
    };
    let stmt = Statement::from_sql_and_values(
        b,
        "INSERT INTO prokip_catalog (account_id, variation_id, product_id, sku, name, qty)
         SELECT $1, t.* FROM UNNEST($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::numeric[]) AS t
         ON CONFLICT DO NOTHING",
        [
            account_id.into(),
            variations.iter().map(|v| v.variation_id).collect::<Vec<_>>().into(),
            variations.iter().map(|v| v.product_id).collect::<Vec<_>>().into(),
            variations.iter().map(|v| v.sub_sku.clone()).collect::<Vec<_>>().into(),
            variations.iter().map(name).collect::<Vec<_>>().into(),
            variations.iter().map(|v| v.qty_available.to_string()).collect::<Vec<_>>().into(),
        ],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// One store variant in the index.
#[derive(Debug, Clone)]
pub struct Listed {
    pub variant_key: String,
    pub sku: String,
    pub name: String,
    pub barcode: Option<String>,
}

/// Replaces a store's index with its variants (non-empty SKUs only), stamped
/// with the time the store was read (`read_at`, taken before the first request). Hand-written:
/// UNNEST writes any catalog size in one statement.
pub async fn replace_store<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    rows: &[Listed],
    read_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let b = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        b,
        "DELETE FROM store_catalog WHERE connection_id = $1",
        [connection_id.into()],
    ))
    .await?;
    let stmt = Statement::from_sql_and_values(
        b,
        "INSERT INTO store_catalog (connection_id, variant_key, sku, name, barcode, indexed_at)
         SELECT $1, t.key, t.sku, t.name, NULLIF(t.barcode, ''), $6
         FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[]) AS t(key, sku, name, barcode)
         ON CONFLICT DO NOTHING",
        [
            connection_id.into(),
            rows.iter().map(|r| r.variant_key.clone()).collect::<Vec<_>>().into(),
            rows.iter().map(|r| r.sku.clone()).collect::<Vec<_>>().into(),
            rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>().into(),
            rows.iter().map(|r| r.barcode.clone().unwrap_or_default()).collect::<Vec<_>>().into(),
            read_at.into(),
        ],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// The database server's current time. Hand-written: a query of no table.
pub async fn database_now<C: ConnectionTrait>(db: &C) -> Result<DateTime<Utc>, DbErr> {
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT now()")).await?;
    row.ok_or_else(|| DbErr::RecordNotFound("now()".into()))?.try_get_by_index(0)
}

/// When the store's current index was read (none while it has no SKUs indexed). Hand-written: an
/// aggregate of a table that has no entity.
pub async fn store_read_at<C: ConnectionTrait>(db: &C, connection_id: i64) -> Result<Option<DateTime<Utc>>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT max(indexed_at) FROM store_catalog WHERE connection_id = $1",
        [connection_id.into()],
    );
    Ok(db.query_one_raw(stmt).await?.and_then(|r| r.try_get_by_index::<Option<DateTime<Utc>>>(0).ok()).flatten())
}

/// SKUs of the account's last Prokip index that the store's last index lacks (sorted; SKUs Prokip
/// has more than once are left out: creating them would be a guess). Hand-written: an anti-join
/// with GROUP BY … HAVING.
pub async fn missing_in_store<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    connection_id: i64,
) -> Result<Vec<String>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT p.sku FROM prokip_catalog p WHERE p.account_id = $1 AND p.sku <> ''
           AND NOT EXISTS (SELECT 1 FROM store_catalog s WHERE s.connection_id = $2 AND s.sku = p.sku)
         GROUP BY p.sku HAVING count(*) = 1 ORDER BY p.sku",
        [account_id.into(), connection_id.into()],
    );
    db.query_all_raw(stmt).await?.iter().map(|r| r.try_get_by_index::<String>(0)).collect()
}

/// Records Prokip quantities just read (by a push or a reconcile): the Products page shows the
/// latest read and its age, and each quantity that changed since the last read gets a history row
/// with `cause`, in the same statement. Hand-written: one statement for any number of variations
/// (arrays); `old` sees the rows as they were before the update (one snapshot).
pub async fn record_prokip_quantities<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    quantities: &[(i64, rust_decimal::Decimal)],
    cause: crate::model::PushReason,
) -> Result<(), DbErr> {
    if quantities.is_empty() {
        return Ok(());
    }
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "WITH t AS (SELECT * FROM UNNEST($2::bigint[], $3::numeric[]) AS t(variation_id, qty)),
         old AS (SELECT p.variation_id, p.qty FROM prokip_catalog p JOIN t USING (variation_id)
                 WHERE p.account_id = $1),
         up AS (UPDATE prokip_catalog p SET qty = t.qty, qty_read_at = now() FROM t
                WHERE p.account_id = $1 AND p.variation_id = t.variation_id RETURNING p.variation_id, p.sku, p.qty)
         INSERT INTO sku_history (account_id, sku, kind, cause, before, after)
         SELECT $1, up.sku, 'prokip', $4, old.qty, up.qty FROM up JOIN old USING (variation_id)
         WHERE old.qty IS NOT NULL AND old.qty <> up.qty",
        [
            account_id.into(),
            quantities.iter().map(|(v, _)| *v).collect::<Vec<_>>().into(),
            quantities.iter().map(|(_, q)| q.to_string()).collect::<Vec<_>>().into(),
            cause.as_str().into(),
        ],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// Records Prokip quantities just read at a location other than the account's (whose quantities
/// the catalog index keeps), for the stores that draw on it: their SKU pages show each source's part. Hand-written: an upsert of any number of rows (arrays).
pub async fn record_location_quantities<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    location_id: i64,
    quantities: &[(i64, rust_decimal::Decimal)],
) -> Result<(), DbErr> {
    if quantities.is_empty() {
        return Ok(());
    }
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO prokip_stock (account_id, location_id, variation_id, qty, read_at)
         SELECT $1, $2, t.* , now() FROM UNNEST($3::bigint[], $4::numeric[]) AS t
         ON CONFLICT (account_id, location_id, variation_id) DO UPDATE SET qty = EXCLUDED.qty, read_at = EXCLUDED.read_at",
        [
            account_id.into(),
            location_id.into(),
            quantities.iter().map(|(v, _)| *v).collect::<Vec<_>>().into(),
            quantities.iter().map(|(_, q)| q.to_string()).collect::<Vec<_>>().into(),
        ],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// The quantities last read of `skus` per location (location → SKU → quantity). Hand-written: a
/// join on tables that have no entity.
pub async fn quantities_by_location<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    skus: &[String],
) -> Result<HashMap<i64, HashMap<String, rust_decimal::Decimal>>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT s.location_id, p.sku, sum(s.qty)::text FROM prokip_stock s
         JOIN prokip_catalog p ON p.account_id = s.account_id AND p.variation_id = s.variation_id
         WHERE s.account_id = $1 AND p.sku = ANY($2) GROUP BY s.location_id, p.sku",
        [account_id.into(), skus.to_vec().into()],
    );
    let mut out: HashMap<i64, HashMap<String, rust_decimal::Decimal>> = HashMap::new();
    for r in db.query_all_raw(stmt).await? {
        let qty: String = r.try_get_by_index(2)?;
        let qty = qty.parse().map_err(|e| DbErr::Type(format!("prokip_stock.qty {qty}: {e}")))?;
        out.entry(r.try_get_by_index(0)?).or_default().insert(r.try_get_by_index(1)?, qty);
    }
    Ok(out)
}

/// Each connected store's SKUs at its last index that no Prokip SKU equals and no link covers:
/// (connection, store SKU). Hand-written: two anti-joins (no equal Prokip SKU, no link).
pub async fn store_only<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<StoreOnly>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT DISTINCT s.connection_id, s.sku, s.barcode FROM store_catalog s
         JOIN connections c ON c.id = s.connection_id AND c.account_id = $1 AND c.status <> 'disconnected'
         WHERE NOT EXISTS (SELECT 1 FROM prokip_catalog p WHERE p.account_id = $1 AND p.sku = s.sku)
           AND NOT EXISTS (SELECT 1 FROM sku_links l WHERE l.connection_id = s.connection_id AND l.store_sku = s.sku)
         ORDER BY s.sku, s.connection_id",
        [account_id.into()],
    );
    let rows = db.query_all_raw(stmt).await?;
    rows.iter()
        .map(|r| {
            Ok(StoreOnly {
                connection_id: r.try_get_by_index(0)?,
                sku: r.try_get_by_index(1)?,
                barcode: r.try_get_by_index(2)?,
            })
        })
        .collect()
}

/// A store SKU no Prokip SKU equals, with the variant's barcode when the store has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOnly {
    pub connection_id: i64,
    pub sku: String,
    pub barcode: Option<String>,
}

/// Every Prokip variation id in the account's index, ascending. Hand-written: a table that has no
/// entity.
pub async fn prokip_variation_ids<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<i64>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT variation_id FROM prokip_catalog WHERE account_id = $1 ORDER BY variation_id",
        [account_id.into()],
    );
    db.query_all_raw(stmt).await?.iter().map(|r| r.try_get_by_index::<i64>(0)).collect()
}

/// Prokip SKUs of the account used by exactly one variation (the only ones a link can name).
/// Hand-written: GROUP BY … HAVING on a table that has no entity.
pub async fn unique_prokip_skus<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<String>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT sku FROM prokip_catalog WHERE account_id = $1 AND sku <> '' GROUP BY sku HAVING count(*) = 1 ORDER BY sku",
        [account_id.into()],
    );
    db.query_all_raw(stmt).await?.iter().map(|r| r.try_get_by_index::<String>(0)).collect()
}

/// The connected stores whose last index has `sku`. Hand-written: a join on a table that has no
/// entity.
pub async fn stores_with<C: ConnectionTrait>(db: &C, account_id: i64, sku: &str) -> Result<Vec<i64>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT DISTINCT s.connection_id FROM store_catalog s
         JOIN connections c ON c.id = s.connection_id AND c.account_id = $1 AND c.status <> 'disconnected'
         WHERE s.sku = $2 ORDER BY 1",
        [account_id.into(), sku.into()],
    );
    db.query_all_raw(stmt).await?.iter().map(|r| r.try_get_by_index::<i64>(0)).collect()
}
