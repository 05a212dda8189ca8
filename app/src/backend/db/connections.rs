//! Store connections (Shopify shops, WooCommerce sites). Every read and write is scoped to the
//! owning account; a store belongs to at most one account (unique platform + store URL).

use super::sku_history::{self, Kind, Merchant};
use crate::backend::sync::allocation::Rules;
use crate::model::{ConnectionStatus, Platform};
use sea_orm::{QueryOrder, QuerySelect, Set, TransactionTrait, entity::prelude::*};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "connections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub platform: Platform,
    pub store_url: String,
    pub credentials_enc: Option<Vec<u8>>,
    pub webhook_secret_enc: Option<Vec<u8>>,
    pub location_id: Option<String>,
    pub sync_enabled: bool,
    pub safety_buffer: i32,
    pub status: ConnectionStatus,
    pub status_reason: Option<String>,
    pub last_sync: Option<ChronoDateTimeUtc>,
    pub last_webhook_at: Option<ChronoDateTimeUtc>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
    /// When the last pull of missed orders started (the next one reads orders since then).
    pub orders_pulled_at: Option<ChronoDateTimeUtc>,
    /// The webhook topics subscribed after the last check (a JSON list of the store's spellings).
    pub webhook_topics: Option<Json>,
    /// Why the store's webhooks could not be repaired; `None` when they are fine.
    pub webhook_problem: Option<String>,
    /// Order import switch: while off, order events wait and are imported on resume.
    pub order_import_enabled: bool,
    /// Connected from the dashboard and waiting for the merchant's review: stock updates stay off
    /// (`sync_enabled` is false) until "Start syncing" on the store's preview.
    pub in_review: bool,
    /// The share of what is available (after the buffer) this store is offered, 0–100, rounded down.
    pub publish_percent: i16,
    /// The most this store is offered of any SKU (`None`: no maximum).
    pub publish_max: Option<i32>,
    /// The store is offered 0 while fewer than this are available (after the buffer).
    pub zero_below: i32,
    /// The Prokip locations whose stock this store is offered, summed (empty: the account's location).
    pub source_locations: Vec<i64>,
    /// The Prokip location this store's orders are sold at (`None`: its first source).
    pub sell_location: Option<i64>,
    /// A Shopify shop's active locations as last read: `[[id, name], …]` ([`Model::store_locations`]).
    #[sea_orm(column_name = "store_locations")]
    pub store_locations_json: Option<Json>,
    /// Prokip location id → the Shopify location it feeds, when not the shop's own
    /// ([`Model::feeds`]).
    #[sea_orm(column_name = "location_feeds")]
    pub location_feeds_json: Json,
}

impl Model {
    /// Which Shopify location each Prokip source feeds, for those that do not feed the shop's own.
    pub fn feeds(&self) -> std::collections::BTreeMap<i64, String> {
        serde_json::from_value::<std::collections::BTreeMap<String, String>>(self.location_feeds_json.clone())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
            .collect()
    }

    /// The shop's active locations as last read: (id, name); empty when never read.
    pub fn store_locations(&self) -> Vec<(String, String)> {
        self.store_locations_json.clone().and_then(|j| serde_json::from_value(j).ok()).unwrap_or_default()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The account's connected stores (disconnected ones are history, not listed).
pub async fn list<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::Status.ne(ConnectionStatus::Disconnected))
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// One connection of the account, or `None` — also when the id belongs to another account.
pub async fn get<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).filter(Column::AccountId.eq(account_id)).one(db).await
}

/// The connection of a store, whichever account owns it (webhooks and OAuth callbacks).
pub async fn by_store<C: ConnectionTrait>(db: &C, platform: Platform, store_url: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::Platform.eq(platform)).filter(Column::StoreUrl.eq(store_url)).one(db).await
}

pub struct NewConnection {
    pub platform: Platform,
    pub store_url: String,
    pub credentials_enc: Vec<u8>,
    pub webhook_secret_enc: Option<Vec<u8>>,
    pub location_id: Option<String>,
    /// A new store starts in review: stock updates off until the merchant starts them.
    pub in_review: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("this store is already connected to another Prokip Sync account")]
    OwnedByAnotherAccount,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Creates the connection, or updates it when this account reconnects the same store.
pub async fn upsert<C: ConnectionTrait>(db: &C, account_id: i64, new: NewConnection) -> Result<Model, SaveError> {
    let now = chrono::Utc::now();
    if let Some(existing) = by_store(db, new.platform, &new.store_url).await? {
        if existing.account_id != account_id {
            return Err(SaveError::OwnedByAnotherAccount);
        }
        let mut row: ActiveModel = existing.into();
        row.credentials_enc = Set(Some(new.credentials_enc));
        row.webhook_secret_enc = Set(new.webhook_secret_enc);
        row.location_id = Set(new.location_id);
        row.status = Set(ConnectionStatus::Healthy);
        row.status_reason = Set(None);
        row.updated_at = Set(now);
        return Ok(row.update(db).await?);
    }
    let row = ActiveModel {
        account_id: Set(account_id),
        platform: Set(new.platform),
        store_url: Set(new.store_url),
        credentials_enc: Set(Some(new.credentials_enc)),
        webhook_secret_enc: Set(new.webhook_secret_enc),
        location_id: Set(new.location_id),
        sync_enabled: Set(!new.in_review),
        in_review: Set(new.in_review),
        safety_buffer: Set(0),
        status: Set(ConnectionStatus::Healthy),
        status_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(m) => Ok(m),
        // Another account connected the same store at the same moment.
        Err(e) if e.to_string().contains("connections_platform_store_url_key") => Err(SaveError::OwnedByAnotherAccount),
        Err(e) => Err(e.into()),
    }
}

/// Pause or resume syncing; either ends a first-sync review. `false` when the connection is not
/// the account's.
pub async fn set_sync_enabled<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    id: i64,
    enabled: bool,
) -> Result<bool, DbErr> {
    Ok(update_scoped(db, account_id, id, Column::SyncEnabled, Expr::value(enabled)).await?
        && update_scoped(db, account_id, id, Column::InReview, Expr::value(false)).await?)
}

/// The order import switch; `false` when the store is not the account's.
pub async fn set_order_import<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    id: i64,
    enabled: bool,
) -> Result<bool, DbErr> {
    update_scoped(db, account_id, id, Column::OrderImportEnabled, Expr::value(enabled)).await
}

/// Sets a store's safety buffer and allocation rules (`rules`, read as `before`); a change is a
/// history row (for every SKU of the store) in the same transaction. `false`: no such store of the
/// account, or it changed since `before` was read (nothing is saved).
pub async fn set_rules(
    db: &DatabaseConnection,
    account_id: i64,
    id: i64,
    before: &Rules,
    rules: &Rules,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let updated = Entity::update_many()
        .col_expr(Column::SafetyBuffer, Expr::value(rules.buffer))
        .col_expr(Column::PublishPercent, Expr::value(rules.percent))
        .col_expr(Column::PublishMax, Expr::value(rules.max))
        .col_expr(Column::ZeroBelow, Expr::value(rules.zero_below))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(id))
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::SafetyBuffer.eq(before.buffer))
        .filter(Column::PublishPercent.eq(before.percent))
        .filter(Column::ZeroBelow.eq(before.zero_below))
        .filter(match before.max {
            Some(max) => Column::PublishMax.eq(max),
            None => Column::PublishMax.is_null(),
        })
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(false);
    }
    if before.buffer != rules.buffer {
        let row = Merchant {
            connection_id: id,
            sku: None,
            kind: Kind::Buffer,
            before: Some(i64::from(before.buffer)),
            after: Some(i64::from(rules.buffer)),
            detail: None,
        };
        sku_history::record_merchant(&txn, row).await?;
    }
    let words = |r: &Rules| r.summary().unwrap_or_else(|| "none".to_owned());
    if (before.percent, before.max, before.zero_below) != (rules.percent, rules.max, rules.zero_below) {
        let detail = format!("{} → {}", words(before), words(rules));
        let row = Merchant {
            connection_id: id,
            sku: None,
            kind: Kind::Rules,
            before: None,
            after: None,
            detail: Some(&detail),
        };
        sku_history::record_merchant(&txn, row).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Sets where a store's stock comes from and where its orders are sold (`from` empty and `sell_at`
/// `None`: the account's location), if they are still `before`'s (`false`: changed meanwhile or
/// not the account's). `detail` ("Main Shop → Main Shop + Warehouse, sold at Warehouse") is the
/// history row for the store's SKUs, in the same transaction.
pub async fn set_sources(
    db: &DatabaseConnection,
    account_id: i64,
    before: &Model,
    from: &[i64],
    sell_at: Option<i64>,
    detail: &str,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let updated = Entity::update_many()
        .col_expr(Column::SourceLocations, Expr::value(from.to_vec()))
        .col_expr(Column::SellLocation, Expr::value(sell_at))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(before.id))
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::SourceLocations.eq(before.source_locations.clone()))
        .filter(match before.sell_location {
            Some(l) => Column::SellLocation.eq(l),
            None => Column::SellLocation.is_null(),
        })
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(false);
    }
    let row = Merchant {
        connection_id: before.id,
        sku: None,
        kind: Kind::Sources,
        before: None,
        after: None,
        detail: Some(detail),
    };
    sku_history::record_merchant(&txn, row).await?;
    txn.commit().await?;
    Ok(true)
}

/// Keeps the shop's active locations just read.
pub async fn set_store_locations<C: ConnectionTrait>(
    db: &C,
    id: i64,
    locations: &[(String, String)],
) -> Result<(), DbErr> {
    let json = serde_json::to_value(locations).map_err(|e| DbErr::Custom(e.to_string()))?;
    Entity::update_many()
        .col_expr(Column::StoreLocationsJson, Expr::value(json))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Moves the store's stock to another of its locations, if it is still at `before`'s (`false`:
/// changed meanwhile or not the account's), once any push under way has ended. What we knew the
/// store's locations had is forgotten (the next push reads them before writing), and `detail` ("Shop location → Warehouse") is the history row for the
/// store's SKUs, in the same transaction.
pub async fn set_store_location(
    db: &DatabaseConnection,
    account_id: i64,
    before: &Model,
    location: &str,
    detail: &str,
) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    // After any push under way: it would put the old location's numbers back into the cache.
    super::locks::stock_push(&txn, account_id).await?;
    let updated = Entity::update_many()
        .col_expr(Column::LocationId, Expr::value(location))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(before.id))
        .filter(Column::AccountId.eq(account_id))
        .filter(match &before.location_id {
            Some(l) => Column::LocationId.eq(l.clone()),
            None => Column::LocationId.is_null(),
        })
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(false);
    }
    super::inventory_cache::forget_store(&txn, before.id).await?;
    super::location_cache::forget_connection(&txn, before.id).await?;
    let row = Merchant {
        connection_id: before.id,
        sku: None,
        kind: Kind::StoreLocation,
        before: None,
        after: None,
        detail: Some(detail),
    };
    sku_history::record_merchant(&txn, row).await?;
    txn.commit().await?;
    Ok(true)
}

/// Sets which Shopify location each Prokip source feeds, if the feeds are still `before`'s
/// (`false`: changed meanwhile or not the account's); `detail` is the history row for the store's
/// SKUs, in the same transaction, which also forgets what the other locations showed.
pub async fn set_feeds(
    db: &DatabaseConnection,
    account_id: i64,
    before: &Model,
    feeds: &std::collections::BTreeMap<i64, String>,
    detail: &str,
) -> Result<bool, DbErr> {
    let json: serde_json::Map<String, serde_json::Value> =
        feeds.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone()))).collect();
    let txn = db.begin().await?;
    // After any push under way: it would put what it wrote back into the cache forgotten below.
    super::locks::stock_push(&txn, account_id).await?;
    let updated = Entity::update_many()
        .col_expr(Column::LocationFeedsJson, Expr::value(serde_json::Value::Object(json)))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(before.id))
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::LocationFeedsJson.eq(before.location_feeds_json.clone()))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(false);
    }
    // A location now fed may hold anything since we last wrote it: read before written.
    super::location_cache::forget_connection(&txn, before.id).await?;
    let row = Merchant {
        connection_id: before.id,
        sku: None,
        kind: Kind::Sources,
        before: None,
        after: None,
        detail: Some(detail),
    };
    sku_history::record_merchant(&txn, row).await?;
    txn.commit().await?;
    Ok(true)
}

/// Marks a store as uninstalled: credentials are purged, history is kept.
pub async fn mark_uninstalled<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(ConnectionStatus::Uninstalled))
        .col_expr(Column::StatusReason, Expr::value("The app was uninstalled from the store."))
        .col_expr(Column::CredentialsEnc, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(Column::SyncEnabled, Expr::value(false))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Sets the health shown on the Connections page, with the reason when it is not healthy.
pub async fn set_status<C: ConnectionTrait>(
    db: &C,
    id: i64,
    status: ConnectionStatus,
    reason: Option<&str>,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(status))
        .col_expr(Column::StatusReason, Expr::value(reason.map(str::to_owned)))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Records a webhook check: the topics subscribed, and the problem left (if any).
pub async fn set_webhook_health<C: ConnectionTrait>(
    db: &C,
    id: i64,
    topics: Option<&[String]>,
    problem: Option<&str>,
) -> Result<(), DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::WebhookProblem, Expr::value(problem.map(str::to_owned)))
        .filter(Column::Id.eq(id));
    if let Some(topics) = topics {
        update = update.col_expr(Column::WebhookTopics, Expr::value(serde_json::json!(topics)));
    }
    update.exec(db).await.map(|_| ())
}

pub async fn set_webhook_secret<C: ConnectionTrait>(db: &C, id: i64, sealed: Vec<u8>) -> Result<(), DbErr> {
    set_column(db, id, Column::WebhookSecretEnc, Expr::value(sealed)).await
}

/// Every connection that holds a sealed value, of every account (the key rotation's re-seal).
pub async fn all_sealed<C: ConnectionTrait>(db: &C) -> Result<Vec<Model>, DbErr> {
    Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(Column::CredentialsEnc.is_not_null())
                .add(Column::WebhookSecretEnc.is_not_null()),
        )
        .order_by_asc(Column::Id)
        .all(db)
        .await
}

/// Sets one column of one connection (callers have already checked ownership or come from a
/// verified platform request).
async fn set_column<C: ConnectionTrait>(
    db: &C,
    id: i64,
    column: Column,
    value: sea_orm::sea_query::SimpleExpr,
) -> Result<(), DbErr> {
    Entity::update_many().col_expr(column, value).filter(Column::Id.eq(id)).exec(db).await.map(|_| ())
}

/// Any connection by id, whichever account owns it (inbound webhooks only).
pub async fn by_id_unscoped<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id).one(db).await
}

/// Disconnects a store: credentials, the SKU map, the stock cache, commitments and pending events
/// are deleted; the row and its sales history stay for audit, under a store URL that no longer
/// blocks connecting the store again (here or to another account). `false` when not the account's.
pub async fn disconnect<C: ConnectionTrait>(db: &C, account_id: i64, id: i64) -> Result<bool, DbErr> {
    if get(db, account_id, id).await?.is_none_or(|c| c.status == ConnectionStatus::Disconnected) {
        return Ok(false);
    }
    for table in ["sku_map", "inventory_cache", "location_cache", "commitments"] {
        let sql = format!("DELETE FROM {table} WHERE connection_id = $1");
        db.execute_raw(sea_orm::Statement::from_sql_and_values(db.get_database_backend(), sql, [id.into()])).await?;
    }
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        db.get_database_backend(),
        "DELETE FROM webhook_events WHERE connection_id = $1 AND processed_at IS NULL",
        [id.into()],
    ))
    .await?;
    let res = Entity::update_many()
        .col_expr(Column::Status, Expr::value(ConnectionStatus::Disconnected))
        .col_expr(Column::StatusReason, Expr::value(Option::<String>::None))
        .col_expr(Column::CredentialsEnc, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(Column::WebhookSecretEnc, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(Column::SyncEnabled, Expr::value(false))
        .col_expr(Column::StoreUrl, Expr::cust_with_values("store_url || '#disconnected-' || $1", [id]))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(id))
        .filter(Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

async fn update_scoped<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    id: i64,
    column: Column,
    value: sea_orm::sea_query::SimpleExpr,
) -> Result<bool, DbErr> {
    let res = Entity::update_many()
        .col_expr(column, value)
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(id))
        .filter(Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Pause or resume every store of the account but those in review (they start from their
/// preview); how many changed.
pub async fn set_sync_enabled_all<C: ConnectionTrait>(db: &C, account_id: i64, enabled: bool) -> Result<u64, DbErr> {
    let res = Entity::update_many()
        .col_expr(Column::SyncEnabled, Expr::value(enabled))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::InReview.eq(false))
        .filter(Column::Status.is_in([ConnectionStatus::Healthy, ConnectionStatus::NeedsAttention]))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// Records that a stock push reached the store.
pub async fn touch_sync<C: ConnectionTrait>(db: &C, id: i64) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::LastSync, Expr::value(chrono::Utc::now()))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Accounts with a connected store, whose orders are pulled (pausing stock updates does not stop
/// orders; paused order import sets pulled orders aside like delivered ones), in id order.
pub async fn accounts_with_stores<C: ConnectionTrait>(db: &C) -> Result<Vec<i64>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::AccountId)
        .distinct()
        .filter(Column::Status.ne(ConnectionStatus::Disconnected))
        .filter(Column::CredentialsEnc.is_not_null())
        .order_by_asc(Column::AccountId)
        .into_tuple()
        .all(db)
        .await
}

/// When the last order pull of the store started.
pub async fn orders_pulled_at<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<ChronoDateTimeUtc>, DbErr> {
    let at: Option<Option<ChronoDateTimeUtc>> =
        Entity::find_by_id(id).select_only().column(Column::OrdersPulledAt).into_tuple().one(db).await?;
    Ok(at.flatten())
}

/// Records when an order pull of the store started.
pub async fn set_orders_pulled_at<C: ConnectionTrait>(db: &C, id: i64, at: ChronoDateTimeUtc) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::OrdersPulledAt, Expr::value(at))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}
