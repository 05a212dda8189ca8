//! `GET /sync/status` per store: failed and held orders and failed stock items, as a merchant's
//! script reads them, counted from what the activity entries are about (not their text).

mod common;

use app::backend::db::activity::{self, About, NewActivity, RetryHandle};
use app::model::{ActivityKind, ActivityStatus};
use common::world::World;
use mocks::woocommerce as wm;
use rust_decimal::Decimal;
use serde_json::Value;

async fn woo_order(w: &World, sku: &str) -> u64 {
    let line_items = vec![wm::NewOrderLine { sku: sku.to_owned(), quantity: 1 }];
    let new = wm::NewOrder { line_items, status: Some("processing".into()), billing_email: None };
    w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap()["id"].as_u64().unwrap()
}

async fn store(w: &World, id: i64) -> Value {
    let status: Value = w.browser.get(w.app.url("/sync/status")).send().await.unwrap().json().await.unwrap();
    status.as_array().unwrap().iter().find(|s| s["id"] == id).cloned().unwrap()
}

fn counts(s: &Value) -> [i64; 4] {
    ["failedOrders", "heldOrders", "failedStockItems", "failed"].map(|f| s[f].as_i64().unwrap_or(-1))
}

#[tokio::test]
async fn failed_and_held_orders_and_failed_stock_items_are_counted_per_store() {
    let w = World::new().await;
    let business = w.prokip.state()["businesses"][0]["id"].as_i64().unwrap();
    w.prokip.set_allow_overselling(business, false).unwrap();
    w.prokip.set_stock(w.prokip_location, "AS0015", Decimal::ZERO).unwrap();
    woo_order(&w, "AS0015").await; // Prokip refuses it: not enough stock.
    woo_order(&w, "as0040").await; // No such SKU in Prokip: held.
    woo_order(&w, "AS0010").await; // Goes through.
    w.eventually(20, "one failed and one held order", || async {
        counts(&store(&w, w.woo_connection).await)[..2] == [1, 1]
    })
    .await;

    // Two failed writes of one SKU to the shop, under whatever text the log shows.
    for subject in ["The shop refused a quantity", "Shopify said no"] {
        let entry = NewActivity {
            account_id: w.account_id,
            kind: ActivityKind::Stock,
            about: About::sku(w.shopify_connection, "AS0001"),
            subject,
            status: ActivityStatus::Failed,
            detail: Some("the store said no"),
            retry: Some(RetryHandle::PushStock { skus: Some(vec!["AS0001".into()]) }),
        };
        activity::record(&w.app.db, entry).await.unwrap();
    }

    let woo = store(&w, w.woo_connection).await;
    assert_eq!(counts(&woo), [1, 1, 0, 1], "{woo}");
    let shop = store(&w, w.shopify_connection).await;
    assert_eq!(counts(&shop), [0, 0, 1, 2], "{shop}");
}
