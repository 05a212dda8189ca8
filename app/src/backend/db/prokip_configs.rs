//! An account's Prokip connection: API, chosen location and sealed tokens. One per account.

use sea_orm::{QueryOrder, Set, entity::prelude::*, sea_query::OnConflict};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prokip_configs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub api_url: String,
    pub location_id: Option<i64>,
    pub location_name: Option<String>,
    pub business_name: Option<String>,
    pub access_token_enc: Vec<u8>,
    pub refresh_token_enc: Option<Vec<u8>>,
    pub expires_at: Option<ChronoDateTimeUtc>,
    pub walk_in_contact_id: Option<i64>,
    pub last_polled_at: Option<ChronoDateTimeUtc>,
    /// The business's locations and payment methods as last read ([`Directory`]).
    pub directory: Option<Json>,
    pub directory_read_at: Option<ChronoDateTimeUtc>,
    /// Why the last read failed, when it did (the directory keeps the read before).
    pub directory_problem: Option<String>,
    pub created_at: ChronoDateTimeUtc,
    pub updated_at: ChronoDateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What the dashboard shows of the Prokip business, as last read from Prokip.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Directory {
    /// Active business locations: (id, name).
    pub locations: Vec<(i64, String)>,
    /// Payment methods: (key, label), sorted by key.
    pub payment_methods: Vec<(String, String)>,
}

impl Model {
    /// The directory as last read; empty when never read (or unreadable).
    pub fn read_directory(&self) -> Directory {
        self.directory.clone().and_then(|j| serde_json::from_value(j).ok()).unwrap_or_default()
    }
}

/// Keeps what was read from Prokip now.
pub async fn set_directory<C: ConnectionTrait>(db: &C, account_id: i64, directory: &Directory) -> Result<(), DbErr> {
    let json = serde_json::to_value(directory).map_err(|e| DbErr::Custom(e.to_string()))?;
    Entity::update_many()
        .col_expr(Column::Directory, Expr::value(json))
        .col_expr(Column::DirectoryReadAt, Expr::value(chrono::Utc::now()))
        .col_expr(Column::DirectoryProblem, Expr::value(Option::<String>::None))
        .filter(Column::AccountId.eq(account_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Records why reading the directory failed; what was read before stays.
pub async fn set_directory_problem<C: ConnectionTrait>(db: &C, account_id: i64, problem: &str) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::DirectoryProblem, Expr::value(problem))
        .filter(Column::AccountId.eq(account_id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn for_account<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::AccountId.eq(account_id)).one(db).await
}

/// What a (re)connection stores. Tokens arrive sealed.
pub struct NewProkipConfig {
    pub api_url: String,
    pub business_name: Option<String>,
    pub access_token_enc: Vec<u8>,
    pub refresh_token_enc: Option<Vec<u8>>,
    pub expires_at: Option<ChronoDateTimeUtc>,
}

/// Creates or replaces the account's Prokip connection; the location is chosen afterwards.
pub async fn upsert<C: ConnectionTrait>(db: &C, account_id: i64, new: NewProkipConfig) -> Result<(), DbErr> {
    let now = chrono::Utc::now();
    let row = ActiveModel {
        account_id: Set(account_id),
        api_url: Set(new.api_url),
        business_name: Set(new.business_name),
        access_token_enc: Set(new.access_token_enc),
        refresh_token_enc: Set(new.refresh_token_enc),
        expires_at: Set(new.expires_at),
        location_id: Set(None),
        location_name: Set(None),
        walk_in_contact_id: Set(None),
        directory: Set(None),
        directory_read_at: Set(None),
        directory_problem: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::AccountId)
                .update_columns([
                    Column::ApiUrl,
                    Column::BusinessName,
                    Column::AccessTokenEnc,
                    Column::RefreshTokenEnc,
                    Column::ExpiresAt,
                    Column::LocationId,
                    Column::LocationName,
                    Column::WalkInContactId,
                    Column::Directory,
                    Column::DirectoryReadAt,
                    Column::DirectoryProblem,
                    Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Records the chosen location (and its walk-in contact). Scoped to the account.
pub async fn set_location<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    location_id: i64,
    location_name: &str,
    walk_in_contact_id: Option<i64>,
) -> Result<bool, DbErr> {
    let res = Entity::update_many()
        .col_expr(Column::LocationId, Expr::value(location_id))
        .col_expr(Column::LocationName, Expr::value(location_name))
        .col_expr(Column::WalkInContactId, Expr::value(walk_in_contact_id))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::AccountId.eq(account_id))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Stores refreshed tokens.
pub async fn save_tokens<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    access_token_enc: Vec<u8>,
    refresh_token_enc: Option<Vec<u8>>,
    expires_at: Option<ChronoDateTimeUtc>,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::AccessTokenEnc, Expr::value(access_token_enc))
        .col_expr(Column::RefreshTokenEnc, Expr::value(refresh_token_enc))
        .col_expr(Column::ExpiresAt, Expr::value(expires_at))
        .col_expr(Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(Column::AccountId.eq(account_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Every account's Prokip configuration (the key rotation's re-seal).
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<Model>, DbErr> {
    Entity::find().order_by_asc(Column::AccountId).all(db).await
}

pub async fn delete<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<bool, DbErr> {
    Ok(Entity::delete_many().filter(Column::AccountId.eq(account_id)).exec(db).await?.rows_affected > 0)
}

/// Every account whose Prokip location is chosen (the poll and reconcile ticks walk these).
pub async fn ready_accounts<C: ConnectionTrait>(db: &C) -> Result<Vec<Model>, DbErr> {
    Entity::find().filter(Column::LocationId.is_not_null()).all(db).await
}

/// Remembers up to when Prokip sells have been read.
pub async fn set_last_polled_at<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    at: ChronoDateTimeUtc,
) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::LastPolledAt, Expr::value(at))
        .filter(Column::AccountId.eq(account_id))
        .exec(db)
        .await
        .map(|_| ())
}
