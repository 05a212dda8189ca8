//! Query cost and schema contract: every GraphQL document the Shopify client sends, at its real
//! page sizes, is accepted by the mock — which parses it, checks it against Shopify's type and
//! field names and prices it as Shopify does — and none costs more than Shopify's single-query
//! limit of 1,000 points. An order with more line items than a page is read whole. A query
//! priced over the limit, an unknown field and an unknown argument get Shopify's errors.

use app::backend::{
    platforms::shopify::*,
    secret::Secret,
    stores::{self, orders::StoreEvent},
};
use chrono::{Duration as ChronoDuration, Utc};
use mocks::{
    catalog::generated_catalog,
    shopify::{NewOrder, NewOrderLine, ShopifyMock},
};
use serde_json::{Value, json};

const SHOP: &str = "big-shop.myshopify.com";
const SECRET: &str = "secret-1";

async fn start() -> (ShopifyMock, ShopifyClient) {
    let mock = ShopifyMock::new("client-1", SECRET);
    mock.seed_shop(SHOP, &generated_catalog(300)).unwrap();
    let addr = mocks::serve(mock.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let app = ShopifyApp::new("client-1", Secret::new(SECRET), "http://127.0.0.1:9/shopify/callback")
        .with_shop_url_template(format!("http://{addr}/{{shop}}"));
    let client = app.client(&ShopDomain::parse(SHOP).unwrap(), Secret::new(mock.issue_token(SHOP).unwrap()));
    (mock, client)
}

fn error_code(e: &ShopifyError) -> (Option<&str>, &str) {
    match e {
        ShopifyError::GraphQl(errors) => (errors[0].code.as_deref(), errors[0].message.as_str()),
        other => panic!("not a GraphQL error: {other:?}"),
    }
}

#[tokio::test]
async fn every_client_query_at_full_pages_stays_within_the_single_query_limit() {
    let (mock, client) = start().await;
    // A bucket that refills at once: this test is about single queries, not waiting.
    mock.set_bucket(Some(SHOP), 1000.0, 100_000.0).unwrap();
    let since = Utc::now() - ChronoDuration::seconds(1);
    client.shop().await.unwrap();
    let location = client.locations().await.unwrap()[0].id.clone();
    let variants = client.all_variants().await.unwrap();
    assert!(variants.len() >= 300, "two pages of 250");
    let skus: Vec<&str> = variants.iter().filter_map(|v| v.sku.as_deref()).collect();
    assert_eq!(client.variants_by_sku(&skus[..50]).await.unwrap().len(), 50);

    let items: Vec<&str> = variants.iter().take(MAX_SET_ITEMS).map(|v| v.inventory_item_id.as_str()).collect();
    assert_eq!(client.inventory_levels(&items, &location).await.unwrap().len(), MAX_SET_ITEMS);
    let set: Vec<SetItem> = items
        .iter()
        .map(|id| SetItem { inventory_item_id: id.to_string(), quantity: 7, change_from_quantity: None })
        .collect();
    client.set_available(&location, &set, "full-page", "gid://prokip-sync/SyncRun/1").await.unwrap();

    let variant = |i: usize| NewVariant {
        sku: format!("NEW-{i}"),
        option_value: format!("Size {i}"),
        price: 100.into(),
        available: 3,
    };
    let product = NewProduct {
        title: "Many sizes".into(),
        option_name: Some("Size".into()),
        variants: (0..100).map(variant).collect(),
    };
    assert_eq!(client.create_product(&product, &location).await.unwrap().len(), 100);

    let hook =
        client.create_webhook(WebhookTopic::OrdersCreate, "https://sync.example/webhooks/shopify").await.unwrap();
    assert_eq!(client.list_webhooks().await.unwrap().len(), 1);
    client.delete_webhook(&hook.id).await.unwrap();

    // One order with 25 lines (more than a page of line items), among enough orders for pages.
    let lines = skus.iter().take(25).map(|s| NewOrderLine { sku: s.to_string(), quantity: 1 }).collect();
    let (big, _) =
        mock.create_order(SHOP, NewOrder { line_items: lines, financial_status: "paid".into() }).await.unwrap();
    for sku in &skus[30..37] {
        let line_items = vec![NewOrderLine { sku: sku.to_string(), quantity: 2 }];
        mock.create_order(SHOP, NewOrder { line_items, financial_status: "paid".into() }).await.unwrap();
    }
    let pulled = client.pull_orders_updated_since(since).await.unwrap();
    assert_eq!(pulled.len(), 8);
    let whole = pulled.iter().find(|p| p.order.id == big["id"].as_i64().unwrap()).expect("the big order");
    assert_eq!(whole.order.line_items.len(), 25, "every line, past the first page");
    assert_eq!(whole.json["lineItems"]["nodes"].as_array().unwrap().len(), 25, "the stored JSON has them all");
    let StoreEvent::Order(o) = stores::orders::parse("shopify", "orders/pulled", &whole.json).unwrap() else {
        panic!("a pulled order is an order")
    };
    assert_eq!(o.lines.len(), 25);

    let (refused, highest) = mock.query_costs(SHOP);
    assert_eq!(refused, 0, "no query was over the limit");
    assert!(highest <= 1000.0 && highest > 500.0, "full pages cost up to the limit: {highest}");
}

#[tokio::test]
async fn a_query_over_the_limit_and_unknown_fields_or_arguments_get_shopifys_errors() {
    let (_mock, client) = start().await;
    // The pull's former shape: 50 orders × 100 line items, and refunds × 100 lines.
    let heavy = "query Orders($first: Int!) { orders(first: $first) { nodes { id
        lineItems(first: 100) { nodes { id sku quantity originalUnitPriceSet { shopMoney { amount } } variant { id } product { id } } }
        refunds { id createdAt refundLineItems(first: 100) { nodes { lineItem { id } quantity restockType } } } } } }";
    let e = client.graphql::<Value>(heavy, json!({ "first": 50 })).await.unwrap_err();
    let (code, message) = error_code(&e);
    assert_eq!(code, Some("MAX_COST_EXCEEDED"));
    assert!(
        message.starts_with("Query cost is 35302, which exceeds the single query max cost limit (1000)."),
        "{message}"
    );

    let e = client.graphql::<Value>("query { shop { id nmae } }", json!({})).await.unwrap_err();
    assert_eq!(error_code(&e), (Some("undefinedField"), "Field 'nmae' doesn't exist on type 'Shop'"));
    let e = client.graphql::<Value>("query { orders(frist: 3) { nodes { id } } }", json!({})).await.unwrap_err();
    assert_eq!(error_code(&e), (Some("argumentNotAccepted"), "Field 'orders' doesn't accept argument 'frist'"));
    let e = client.graphql::<Value>("query { shop { id }", json!({})).await.unwrap_err();
    assert!(matches!(e, ShopifyError::GraphQl(_)), "a document that does not parse: {e:?}");
}
