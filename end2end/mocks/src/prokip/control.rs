//! The mock's control API (`/_control/...`, JSON), the HTTP face of [`ProkipMock`]'s methods:
//! create businesses, seed catalogs, simulate POS sales, set stock, expire tokens, dump state.

use super::{CatalogProduct, NewBusiness, ProkipMock};
use crate::catalog::{demo_catalog, generated_catalog};
use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};

pub(super) fn routes(mock: ProkipMock) -> Router {
    Router::new()
        .route("/_control/businesses", post(create_business))
        .route("/_control/seed", post(seed))
        .route("/_control/locations", post(add_location))
        .route("/_control/pos-sale", post(pos_sale))
        .route("/_control/stock", post(set_stock))
        .route("/_control/overselling", post(overselling))
        .route("/_control/state", get(state))
        .route("/_control/tokens/expire", post(expire_tokens))
        .route("/_control/tokens/revoke", post(revoke_tokens))
        .with_state(mock)
}

fn unprocessable(message: impl Into<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "error": message.into() }))).into_response()
}

async fn create_business(State(mock): State<ProkipMock>, Json(input): Json<NewBusiness>) -> Response {
    match mock.create_business(&input) {
        Ok(ids) => (StatusCode::CREATED, Json(ids)).into_response(),
        Err(e) => unprocessable(e),
    }
}

#[derive(Deserialize)]
struct NewLocation {
    /// Default: the demo business.
    business_id: Option<i64>,
    name: String,
}

/// Opens another location of a business: `{"name": "Warehouse"}` → `{"location_id": …}`.
async fn add_location(State(mock): State<ProkipMock>, Json(req): Json<NewLocation>) -> Response {
    let business_id = req.business_id.unwrap_or_else(|| mock.seed_demo_business().business_id);
    match mock.add_location(business_id, &req.name) {
        Ok(id) => (StatusCode::CREATED, Json(json!({ "business_id": business_id, "location_id": id }))).into_response(),
        Err(e) => unprocessable(e),
    }
}

#[derive(Deserialize)]
struct SeedRequest {
    business_id: Option<i64>,
    location_id: Option<i64>,
    #[serde(default)]
    demo: bool,
    skus: Option<usize>,
    products: Option<Vec<CatalogProduct>>,
}

async fn seed(State(mock): State<ProkipMock>, Json(req): Json<SeedRequest>) -> Response {
    let catalog = match (req.demo, req.skus, req.products) {
        (true, None, None) => demo_catalog(),
        (false, Some(n), None) if n <= 200_000 => generated_catalog(n),
        (false, None, Some(p)) => p,
        _ => return unprocessable("send exactly one of demo:true, skus:N (at most 200000) or products:[…]"),
    };
    let business_id = match req.business_id {
        Some(id) => id,
        None => mock.seed_demo_business().business_id,
    };
    match mock.seed_into(business_id, req.location_id, &catalog) {
        Ok((location_id, added)) => {
            Json(json!({ "business_id": business_id, "location_id": location_id, "products_added": added }))
                .into_response()
        }
        Err(e) => unprocessable(e),
    }
}

#[derive(Deserialize)]
struct SkuQuantity {
    location_id: i64,
    sku: String,
    #[serde(alias = "qty")]
    quantity: Decimal,
}

async fn pos_sale(State(mock): State<ProkipMock>, Json(req): Json<SkuQuantity>) -> Response {
    match mock.pos_sale(req.location_id, &req.sku, req.quantity) {
        Ok(sell_id) => (StatusCode::CREATED, Json(json!({ "sell_id": sell_id }))).into_response(),
        Err(e) => unprocessable(e),
    }
}

async fn set_stock(State(mock): State<ProkipMock>, Json(req): Json<SkuQuantity>) -> Response {
    match mock.set_stock(req.location_id, &req.sku, req.quantity) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => unprocessable(e),
    }
}

#[derive(Deserialize)]
struct Overselling {
    business_id: i64,
    allow: bool,
}

async fn overselling(State(mock): State<ProkipMock>, Json(req): Json<Overselling>) -> Response {
    match mock.set_allow_overselling(req.business_id, req.allow) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => unprocessable(e),
    }
}

async fn state(State(mock): State<ProkipMock>) -> Json<Value> {
    Json(mock.state())
}

async fn expire_tokens(State(mock): State<ProkipMock>) -> Json<Value> {
    Json(json!({ "expired": mock.expire_tokens() }))
}

async fn revoke_tokens(State(mock): State<ProkipMock>) -> Json<Value> {
    Json(json!({ "revoked": mock.revoke_tokens() }))
}
