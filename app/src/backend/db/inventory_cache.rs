//! What each store last had per SKU (what we wrote, or read back): the base of every
//! compare-and-set and of "write only differences".

use super::{commitments, connections};
use sea_orm::{
    JoinType, QuerySelect, RelationDef, Statement,
    entity::prelude::*,
    sea_query::{Expr, ExprTrait, IntoColumnRef, extension::postgres::PgFunc},
};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inventory_cache")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub connection_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub sku: String,
    pub quantity: i64,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// `sku = ANY($1)`: one array parameter however many SKUs.
fn sku_in(column: impl IntoColumnRef, skus: &[String]) -> Expr {
    Expr::col(column).eq(PgFunc::any(Expr::val(skus.to_vec())))
}

/// The cached quantities of a connection: all, or those of `skus`.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    connection_id: i64,
    skus: Option<&[String]>,
) -> Result<HashMap<String, i64>, DbErr> {
    let mut found = Entity::find().filter(Column::ConnectionId.eq(connection_id));
    if let Some(skus) = skus {
        found = found.filter(sku_in((Entity, Column::Sku), skus));
    }
    let rows: Vec<(String, i64)> =
        found.select_only().columns([Column::Sku, Column::Quantity]).into_tuple().all(db).await?;
    Ok(rows.into_iter().collect())
}

/// Why the cached quantities change, for the history rows written with them.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    /// We wrote these quantities: a row for each that differs from what the store had.
    Written(crate::model::PushReason),
    /// A read-back found these: a drift row for each that differs from what we last wrote (a
    /// first read is no drift).
    ReadBack(crate::model::PushReason),
}

/// Records quantities the store now has, and their history rows, in one statement (`old` sees
/// the cache as it was). Hand-written: one statement for any number of SKUs (arrays); the query
/// builder binds a parameter per value, and PostgreSQL stops at 65,535.
pub async fn put<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    connection_id: i64,
    quantities: &[(String, i64)],
    change: Change,
) -> Result<(), DbErr> {
    if quantities.is_empty() {
        return Ok(());
    }
    let (kind, cause, first_too) = match change {
        Change::Written(r) => (super::sku_history::Kind::StoreWrite, r, true),
        Change::ReadBack(r) => (super::sku_history::Kind::Drift, r, false),
    };
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "WITH t AS (SELECT * FROM UNNEST($2::text[], $3::bigint[]) AS t(sku, quantity)),
         old AS (SELECT c.sku, c.quantity FROM inventory_cache c JOIN t USING (sku) WHERE c.connection_id = $1),
         up AS (INSERT INTO inventory_cache (connection_id, sku, quantity) SELECT $1, t.sku, t.quantity FROM t
                ON CONFLICT (connection_id, sku) DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = now())
         INSERT INTO sku_history (account_id, connection_id, sku, kind, cause, before, after)
         SELECT $4, $1, t.sku, $5, $6, old.quantity, t.quantity FROM t LEFT JOIN old USING (sku)
         WHERE old.quantity IS DISTINCT FROM t.quantity AND ($7 OR old.quantity IS NOT NULL)",
        [
            connection_id.into(),
            quantities.iter().map(|q| q.0.clone()).collect::<Vec<_>>().into(),
            quantities.iter().map(|q| q.1).collect::<Vec<_>>().into(),
            account_id.into(),
            kind.as_str().into(),
            cause.as_str().into(),
            first_too.into(),
        ],
    );
    db.execute_raw(stmt).await.map(|_| ())
}

/// Forgets cached quantities (the store could not tell us what it has).
pub async fn forget<C: ConnectionTrait>(db: &C, connection_id: i64, skus: &[String]) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(Column::ConnectionId.eq(connection_id))
        .filter(sku_in((Entity, Column::Sku), skus))
        .exec(db)
        .await
        .map(|_| ())
}

/// Forgets everything cached of a store (its stock moved to another location).
pub async fn forget_store<C: ConnectionTrait>(db: &C, connection_id: i64) -> Result<(), DbErr> {
    Entity::delete_many().filter(Column::ConnectionId.eq(connection_id)).exec(db).await.map(|_| ())
}

/// `commitments` → its connection (whose account owns the row).
fn commitment_store() -> RelationDef {
    commitments::Entity::belongs_to(connections::Entity)
        .from(commitments::Column::ConnectionId)
        .to(connections::Column::Id)
        .into()
}

/// Committed quantity per Prokip location and SKU: an unpaid order holds stock at the location its
/// store sells at (its `sell_location`, else its first source, else the account's location
/// `account_location`; the same choice as [`crate::backend::sync::sources::Sources::of`]).
/// Hand-written: the sell location is an expression over an array column.
pub async fn committed_by_location<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    account_location: i64,
    skus: Option<&[String]>,
) -> Result<HashMap<i64, HashMap<String, i64>>, DbErr> {
    let stmt = Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT CASE WHEN c.sell_location = ANY(c.source_locations) THEN c.sell_location
                     ELSE COALESCE(c.source_locations[1], $2) END AS location, m.sku, sum(m.qty)::bigint
         FROM commitments m JOIN connections c ON c.id = m.connection_id AND c.account_id = $1
         WHERE $3::text[] IS NULL OR m.sku = ANY($3)
         GROUP BY 1, 2",
        [account_id.into(), account_location.into(), skus.map(<[String]>::to_vec).into()],
    );
    let mut out: HashMap<i64, HashMap<String, i64>> = HashMap::new();
    for row in db.query_all_raw(stmt).await? {
        let (location, sku, qty): (i64, String, i64) =
            (row.try_get_by_index(0)?, row.try_get_by_index(1)?, row.try_get_by_index(2)?);
        out.entry(location).or_default().insert(sku, qty);
    }
    Ok(out)
}

/// Committed quantity per SKU over the account's stores (unpaid orders hold stock).
pub async fn committed<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    skus: Option<&[String]>,
) -> Result<HashMap<String, i64>, DbErr> {
    let mut held = commitments::Entity::find()
        .join(JoinType::InnerJoin, commitment_store())
        .filter(connections::Column::AccountId.eq(account_id));
    if let Some(skus) = skus {
        held = held.filter(sku_in((commitments::Entity, commitments::Column::Sku), skus));
    }
    let rows: Vec<(String, i64)> = held
        .select_only()
        .column(commitments::Column::Sku)
        .column_as(Expr::col((commitments::Entity, commitments::Column::Qty)).sum().cast_as("bigint"), "qty")
        .group_by(commitments::Column::Sku)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
