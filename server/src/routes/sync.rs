//! Sync control: the seed's JSON routes (`POST /sync`, `/sync/pause`, `/sync/resume`,
//! `GET /sync/status`; 401 JSON when signed out) and the Products page's "Re-index", "Sync now"
//! and "Create in store" forms, which redirect back with a notice.

use app::backend::{
    auth::{AuthSession, User},
    db::connections,
    error::{Kind, ServerError},
    state::AppState,
    sync::{SyncError, create, mapping, triggers},
};
use axum::{
    Form, Json,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use sea_orm::{FromQueryResult, Statement};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The JSON routes answer 401 JSON, not a redirect, when signed out.
fn signed_in(auth: AuthSession) -> Result<User, ServerError> {
    auth.user.ok_or_else(|| {
        ServerError::new(Kind::Unauthorized, "Sign in first (POST /auth/login).").with_title("Not signed in")
    })
}

/// Enqueues a full push of the caller's account.
pub async fn sync_now(State(state): State<AppState>, auth: AuthSession) -> Result<Json<Value>, ServerError> {
    let user = signed_in(auth)?;
    triggers::enqueue_full(&state, user.account_id, triggers::MANUAL).await?;
    Ok(Json(json!({ "message": "Sync started: every mapped SKU is being pushed to your stores." })))
}

async fn set_all(state: &AppState, auth: AuthSession, enabled: bool) -> Result<Json<Value>, ServerError> {
    let user = signed_in(auth)?;
    let n = connections::set_sync_enabled_all(&state.db, user.account_id, enabled).await.map_err(SyncError::from)?;
    let what = if enabled { "resumed" } else { "paused" };
    Ok(Json(json!({ "message": format!("Sync {what} for {n} stores.") })))
}

pub async fn pause(State(state): State<AppState>, auth: AuthSession) -> Result<Json<Value>, ServerError> {
    set_all(&state, auth, false).await
}

pub async fn resume(State(state): State<AppState>, auth: AuthSession) -> Result<Json<Value>, ServerError> {
    set_all(&state, auth, true).await
}

#[derive(Serialize, FromQueryResult)]
#[serde(rename_all = "camelCase")]
struct StatusRow {
    id: i64,
    platform: String,
    store_url: String,
    last_sync: Option<chrono::DateTime<chrono::Utc>>,
    sync_enabled: bool,
    status: String,
    /// Mapped SKUs.
    product_count: i64,
    /// Orders recorded from this store.
    order_count: i64,
    /// Mapped SKUs whose quantity in the store is not known yet (never pushed or read back).
    pending: i64,
    /// Open stock failures of this store in the activity log.
    failed: i64,
}

const STATUS_SQL: &str = r#"
SELECT c.id, c.platform, c.store_url, c.last_sync, c.sync_enabled, c.status,
  (SELECT count(*) FROM sku_map m WHERE m.connection_id = c.id) AS product_count,
  (SELECT count(*) FROM sales_log s WHERE s.connection_id = c.id) AS order_count,
  (SELECT count(*) FROM sku_map m WHERE m.connection_id = c.id
     AND NOT EXISTS (SELECT 1 FROM inventory_cache i WHERE i.connection_id = c.id AND i.sku = m.sku)) AS pending,
  (SELECT count(*) FROM activity a WHERE a.account_id = c.account_id AND a.kind = 'stock' AND a.status = 'failed'
     AND NOT a.resolved AND a.subject LIKE '%→ ' || c.store_url) AS failed
FROM connections c WHERE c.account_id = $1 AND c.status <> 'disconnected' ORDER BY c.id
"#;

pub async fn status(State(state): State<AppState>, auth: AuthSession) -> Result<Response, ServerError> {
    let user = signed_in(auth)?;
    let stmt = Statement::from_sql_and_values(state.db.get_database_backend(), STATUS_SQL, [user.account_id.into()]);
    let rows = StatusRow::find_by_statement(stmt).all(&state.db).await.map_err(SyncError::from)?;
    Ok(Json(rows).into_response())
}

fn back(result: Result<String, SyncError>) -> Redirect {
    super::back_to("/products", result)
}

/// "Re-index": reads Prokip and every store again and rebuilds the SKU map.
pub async fn reindex_form(State(state): State<AppState>, user: super::SignedIn) -> Redirect {
    back(mapping::index_account(&state, user.account_id).await.map(|reports| {
        if reports.is_empty() {
            "No store is connected yet.".to_owned()
        } else {
            reports.iter().map(|r| r.summary()).collect::<Vec<_>>().join(". ") + "."
        }
    }))
}

/// "Sync now": enqueues a full push.
pub async fn sync_form(State(state): State<AppState>, user: super::SignedIn) -> Redirect {
    back(
        triggers::enqueue_full(&state, user.account_id, triggers::MANUAL)
            .await
            .map(|()| "Sync started: every mapped SKU is being pushed to your stores.".to_owned()),
    )
}

#[derive(Deserialize)]
pub struct CreateForm {
    /// One SKU; empty = every SKU the store lacks.
    #[serde(default)]
    sku: String,
}

/// "Create in store" (one SKU) and "Create all missing" (no SKU) for one of the caller's stores.
pub async fn create_form(
    State(state): State<AppState>,
    user: super::SignedIn,
    Path(id): Path<i64>,
    Form(f): Form<CreateForm>,
) -> Redirect {
    let sku = f.sku.trim();
    let skus = (!sku.is_empty()).then(|| vec![sku.to_owned()]);
    back(create::create_in_store(&state, user.account_id, id, skus).await.map(|r| r.summary() + "."))
}
