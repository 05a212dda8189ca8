//! Control API of the Shopify mock (JSON), for tests and demo mode:
//! - `POST /_control/shops` `{"shop":"x.myshopify.com"}` → `{"shop","location_id"}`
//! - `POST /_control/shops/{shop}/seed` `[CatalogProduct…]` (or `"demo"` for the demo catalog)
//! - `GET  /_control/shops/{shop}/state` → variants with inventory per location, orders, subscriptions
//! - `POST /_control/shops/{shop}/locations` `{"name","stock_all"?}` → `{"shop","location_id"}` (another location)
//! - `GET  /_control/shops/{shop}/authorize-url?client_id&scope&redirect_uri&state[&decision=cancel]`
//!   → `{"location": <signed redirect to the app>}` (what clicking Approve/Cancel would do)
//! - `POST /_control/shops/{shop}/token` → `{"access_token"}` (non-expiring; skips OAuth)
//! - `POST /_control/shops/{shop}/expire-tokens`; `POST /_control/shops/{shop}/bucket` `{"max","restore_rate"}`
//! - `POST /_control/shops/{shop}/bulk` `{"delay_ms"?, "fail_next"?: "INTERNAL_SERVER_ERROR", "expire"?: true}`
//!   (how the next bulk queries go; `expire` expires every finished one's file now)
//! - `POST /_control/shops/{shop}/inventory` `{"sku","available"}` (a merchant edit; fires `inventory_levels/update`)
//! - `POST /_control/shops/{shop}/orders` `{"line_items":[{"sku","quantity"}],"financial_status":"paid"|"pending"}`
//!   (+ optional `"taxes_included","tax_rate","shipping","discount","email"`)
//! - `POST /_control/shops/{shop}/orders/{id}/pay|cancel`, `…/refund` `{"line_items":[{"line_item_id","quantity","restock_type"}]}`
//! - `POST /_control/shops/{shop}/products/{id}/touch` (fires `products/update`)
//! - `POST /_control/shops/{shop}/redeliver/{webhook_id}`; `GET /_control/shops/{shop}/deliveries`
//!
//! Order and webhook routes answer after the webhook POSTs are done: `{"order", "deliveries"}`.

use super::ops::level_payload;
use super::orders::{PlacedOrder, RefundLineInput};
use super::state::{gid, money, ts};
use super::{MockError, ShopifyMock, not_found};
use crate::catalog::{self, CatalogProduct};
use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

type Answer = Result<Json<Value>, MockError>;

pub fn routes(mock: ShopifyMock) -> Router {
    Router::new()
        .route("/_control/shops", post(create_shop))
        // A generated catalog of 100,000 SKUs is ~20 MB of JSON.
        .route("/_control/shops/{shop}/seed", post(seed).layer(axum::extract::DefaultBodyLimit::max(256 << 20)))
        .route("/_control/shops/{shop}/state", get(state))
        .route("/_control/shops/{shop}/locations", post(add_location))
        .route("/_control/shops/{shop}/authorize-url", get(authorize_url))
        .route("/_control/shops/{shop}/token", post(token))
        .route("/_control/shops/{shop}/expire-tokens", post(expire_tokens))
        .route("/_control/shops/{shop}/bucket", post(bucket))
        .route("/_control/shops/{shop}/bulk", post(bulk))
        .route("/_control/shops/{shop}/inventory", post(merchant_inventory))
        .route("/_control/shops/{shop}/orders", post(create_order))
        .route("/_control/shops/{shop}/orders/{id}/{action}", post(order_action))
        .route("/_control/shops/{shop}/products/{id}/touch", post(touch))
        .route("/_control/shops/{shop}/redeliver/{webhook_id}", post(redeliver))
        .route("/_control/shops/{shop}/deliveries", get(deliveries))
        .with_state(mock)
}

#[derive(Deserialize)]
struct NewShop {
    shop: String,
}

async fn create_shop(
    State(m): State<ShopifyMock>,
    Json(b): Json<NewShop>,
) -> Result<(StatusCode, Json<Value>), MockError> {
    let location = m.create_shop(&b.shop)?;
    Ok((StatusCode::CREATED, Json(json!({ "shop": b.shop, "location_id": location }))))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SeedBody {
    Named(String),
    Products(Vec<CatalogProduct>),
}

async fn seed(State(m): State<ShopifyMock>, Path(shop): Path<String>, Json(b): Json<SeedBody>) -> Answer {
    match b {
        SeedBody::Named(n) if n == "demo" => {
            m.seed_shop_with(&shop, &catalog::demo_catalog(), catalog::demo_store_sku)?
        }
        SeedBody::Named(n) => return Err(MockError::Invalid(format!("unknown catalog {n}"))),
        SeedBody::Products(p) => m.seed_shop(&shop, &p)?,
    }
    state(State(m), Path(shop)).await
}

#[derive(Deserialize)]
struct NewLocation {
    name: String,
    #[serde(default)]
    stock_all: bool,
}

async fn add_location(
    State(m): State<ShopifyMock>,
    Path(shop): Path<String>,
    Json(b): Json<NewLocation>,
) -> Result<(StatusCode, Json<Value>), MockError> {
    let location = m.add_location(&shop, &b.name, b.stock_all)?;
    Ok((StatusCode::CREATED, Json(json!({ "shop": shop, "location_id": location }))))
}

async fn state(State(m): State<ShopifyMock>, Path(shop): Path<String>) -> Answer {
    m.state(&shop).map(Json)
}

async fn authorize_url(
    State(m): State<ShopifyMock>,
    Path(shop): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Answer {
    let approve = q.get("decision").is_none_or(|d| d != "cancel");
    Ok(Json(json!({ "location": m.authorize(&shop, &q, approve)? })))
}

async fn token(State(m): State<ShopifyMock>, Path(shop): Path<String>) -> Answer {
    Ok(Json(json!({ "access_token": m.issue_token(&shop)? })))
}

async fn expire_tokens(State(m): State<ShopifyMock>, Path(shop): Path<String>) -> StatusCode {
    m.expire_access_tokens(&shop);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct BucketBody {
    max: f64,
    restore_rate: f64,
}

async fn bucket(
    State(m): State<ShopifyMock>,
    Path(shop): Path<String>,
    Json(b): Json<BucketBody>,
) -> Result<StatusCode, MockError> {
    m.set_bucket(Some(&shop), b.max, b.restore_rate)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct BulkBody {
    delay_ms: Option<u64>,
    fail_next: Option<String>,
    #[serde(default)]
    expire: bool,
}

async fn bulk(
    State(m): State<ShopifyMock>,
    Path(shop): Path<String>,
    Json(b): Json<BulkBody>,
) -> Result<StatusCode, MockError> {
    let delay = b.delay_ms.map(std::time::Duration::from_millis);
    m.bulk_control(&shop, delay, b.fail_next.as_deref(), b.expire)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct InventoryBody {
    sku: String,
    available: i64,
}

async fn merchant_inventory(
    State(m): State<ShopifyMock>,
    Path(shop): Path<String>,
    Json(b): Json<InventoryBody>,
) -> Answer {
    let deliveries = m.merchant_sets_available(&shop, &b.sku, b.available).await?;
    Ok(Json(json!({ "deliveries": deliveries })))
}

fn order_answer((order, deliveries): (Value, Vec<super::Delivery>)) -> Json<Value> {
    Json(json!({ "order": order, "deliveries": deliveries }))
}

async fn create_order(State(m): State<ShopifyMock>, Path(shop): Path<String>, Json(b): Json<PlacedOrder>) -> Answer {
    m.place_order(&shop, b).await.map(order_answer)
}

#[derive(Deserialize, Default)]
struct RefundBody {
    #[serde(default)]
    line_items: Vec<RefundLineInput>,
}

async fn order_action(
    State(m): State<ShopifyMock>,
    Path((shop, id, action)): Path<(String, u64, String)>,
    body: Option<Json<RefundBody>>,
) -> Answer {
    match action.as_str() {
        "pay" => m.pay_order(&shop, id).await.map(order_answer),
        "cancel" => m.cancel_order(&shop, id).await.map(order_answer),
        "refund" => m.refund_order(&shop, id, body.map(|b| b.0.line_items).unwrap_or_default()).await.map(order_answer),
        other => Err(MockError::NotFound(format!("no order action {other}"))),
    }
}

async fn touch(State(m): State<ShopifyMock>, Path((shop, id)): Path<(String, u64)>) -> Answer {
    Ok(Json(json!({ "deliveries": m.touch_product(&shop, id).await? })))
}

async fn redeliver(State(m): State<ShopifyMock>, Path((shop, webhook_id)): Path<(String, String)>) -> Answer {
    Ok(Json(json!({ "delivery": m.redeliver(&shop, &webhook_id).await? })))
}

async fn deliveries(State(m): State<ShopifyMock>, Path(shop): Path<String>) -> Json<Value> {
    Json(json!({ "deliveries": m.deliveries(&shop) }))
}

impl ShopifyMock {
    /// Everything a test may want to look at in one shop.
    pub fn state(&self, shop: &str) -> Result<Value, MockError> {
        let store = self.lock();
        let s = store.shops.get(shop).ok_or_else(|| not_found(shop))?;
        let variants: Vec<Value> = s
            .variants
            .iter()
            .map(|v| {
                let inventory: HashMap<String, i64> =
                    s.locations.iter().filter_map(|l| s.levels.get(&(v.inventory_item_id, l.id)).map(|q| (gid("Location", l.id), *q))).collect();
                json!({ "id": gid("ProductVariant", v.id), "sku": v.sku, "title": v.title, "price": money(v.price),
                    "product_id": gid("Product", v.product_id), "inventory_item_id": gid("InventoryItem", v.inventory_item_id), "inventory": inventory })
            })
            .collect();
        Ok(json!({
            "shop": s.domain, "name": s.name, "currency": s.currency,
            "locations": s.locations.iter().map(|l| json!({ "id": gid("Location", l.id), "name": l.name })).collect::<Vec<_>>(),
            "variants": variants,
            "orders": s.orders.iter().map(super::orders::rest_json).collect::<Vec<_>>(),
            "subscriptions": s.subscriptions,
            "throttled": s.throttled,
        }))
    }

    /// A merchant edits stock in the admin: sets available at the primary location.
    pub async fn merchant_sets_available(
        &self,
        shop: &str,
        sku: &str,
        available: i64,
    ) -> Result<Vec<super::Delivery>, MockError> {
        let payload = {
            let mut store = self.lock();
            let s = store.shops.get_mut(shop).ok_or_else(|| not_found(shop))?;
            let item = s
                .variant_by_sku(sku)
                .map(|v| v.inventory_item_id)
                .ok_or_else(|| MockError::NotFound(format!("no variant with SKU {sku}")))?;
            let location = s.primary_location();
            s.levels.insert((item, location), available);
            level_payload(item, location, available)
        };
        Ok(self.deliver(shop, "inventory_levels/update", payload).await)
    }

    /// A merchant saves a product: fires `products/update` with the REST product JSON.
    pub async fn touch_product(&self, shop: &str, product_id: u64) -> Result<Vec<super::Delivery>, MockError> {
        let payload = {
            let mut store = self.lock();
            let s = store.shops.get_mut(shop).ok_or_else(|| not_found(shop))?;
            let location = s.primary_location();
            let i = s
                .products
                .iter()
                .position(|p| p.id == product_id)
                .ok_or_else(|| MockError::NotFound(format!("no product {product_id}")))?;
            s.products[i].updated_at = Utc::now();
            let p = &s.products[i];
            let variants: Vec<Value> = p
                .variant_ids
                .iter()
                .filter_map(|id| s.variant(*id))
                .map(|v| json!({ "id": v.id, "product_id": p.id, "sku": v.sku, "title": v.title, "price": money(v.price),
                    "inventory_item_id": v.inventory_item_id, "inventory_quantity": s.levels.get(&(v.inventory_item_id, location)) }))
                .collect();
            json!({ "id": p.id, "admin_graphql_api_id": gid("Product", p.id), "title": p.title, "updated_at": ts(p.updated_at), "variants": variants })
        };
        Ok(self.deliver(shop, "products/update", payload).await)
    }
}
