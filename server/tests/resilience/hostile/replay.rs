//! Replayed, reordered and duplicated deliveries. Orders go through create/paid/cancelled/refund
//! sequences in a shop and a store that deliver nowhere; every webhook body they would have fired
//! is then delivered to the connected demo shop/store shuffled, some twice with the same delivery
//! id and some again as a new delivery. The Prokip mock is the oracle: one sell per order that
//! ends paid, none for one that ends cancelled, and the stock each final state implies.

use super::props;
use crate::common::world::World;
use futures::StreamExt;
use mocks::{catalog, shopify as sm, woocommerce as wm};
use proptest::{prelude::*, strategy::ValueTree, test_runner::TestRunner};
use rust_decimal::Decimal;
use serde_json::Value;

const SHOP: &str = "replay-shop.myshopify.com";
const STORE: &str = "replay-store";

/// One delivery to make: which endpoint, its topic and body.
struct Event {
    shopify: bool,
    topic: &'static str,
    body: String,
}

/// What an order must look like in Prokip at the end.
struct Expected {
    invoice: String,
    sku: String,
    /// Units the sell must still hold (0 with no sell).
    sold: i64,
    sells: usize,
}

pub struct Outcome {
    pub orders: usize,
    pub deliveries: usize,
    /// Deliveries answered 503 (and then sent again).
    pub unavailable: u32,
    pub right: usize,
    pub wrong: Vec<String>,
}

async fn shopify_sequence(w: &World, sku: &str, plan: usize, events: &mut Vec<Event>) -> Expected {
    let line = |status: &str| sm::NewOrder {
        line_items: vec![sm::NewOrderLine { sku: sku.into(), quantity: 2 }],
        financial_status: status.into(),
    };
    let paid_first = plan.is_multiple_of(2);
    let (order, _) =
        w.shopify.create_order(SHOP, line(if paid_first { "paid" } else { "pending" })).await.expect("replay order");
    let id = order["id"].as_u64().expect("order id");
    events.push(Event { shopify: true, topic: "orders/create", body: order.to_string() });
    if paid_first {
        events.push(Event { shopify: true, topic: "orders/paid", body: order.to_string() });
    } else {
        let (paid, _) = w.shopify.pay_order(SHOP, id).await.expect("pay");
        events.push(Event { shopify: true, topic: "orders/paid", body: paid.to_string() });
        events.push(Event { shopify: true, topic: "orders/updated", body: paid.to_string() });
    }
    let invoice = format!("SHOP-{}-{id}", w.shopify_connection);
    match plan % 3 {
        0 => {
            let line_id = order["line_items"][0]["id"].as_u64().expect("line id");
            let refund =
                vec![sm::RefundLineInput { line_item_id: line_id, quantity: 1, restock_type: "return".into() }];
            let (after, _) = w.shopify.refund_order(SHOP, id, refund).await.expect("refund");
            let refund = after["refunds"].as_array().and_then(|r| r.last()).cloned().unwrap_or(Value::Null);
            events.push(Event { shopify: true, topic: "refunds/create", body: refund.to_string() });
            events.push(Event { shopify: true, topic: "orders/updated", body: after.to_string() });
            Expected { invoice, sku: sku.into(), sold: 1, sells: 1 }
        }
        1 => {
            let (after, _) = w.shopify.cancel_order(SHOP, id).await.expect("cancel");
            events.push(Event { shopify: true, topic: "orders/cancelled", body: after.to_string() });
            events.push(Event { shopify: true, topic: "orders/updated", body: after.to_string() });
            Expected { invoice, sku: sku.into(), sold: 0, sells: 0 }
        }
        _ => Expected { invoice, sku: sku.into(), sold: 2, sells: 1 },
    }
}

async fn woo_sequence(w: &World, sku: &str, plan: usize, events: &mut Vec<Event>) -> Expected {
    let statuses: &[&str] = match plan % 4 {
        0 => &["pending", "processing", "cancelled"],
        1 => &["processing", "completed"],
        2 => &["processing", "cancelled"],
        _ => &["on-hold", "processing"],
    };
    let new = wm::NewOrder {
        line_items: vec![wm::NewOrderLine { sku: sku.into(), quantity: 2 }],
        status: Some(statuses[0].into()),
        billing_email: None,
    };
    let order = w.woo.create_order(STORE, &new).await.expect("replay order");
    let id = order["id"].as_u64().expect("order id");
    events.push(Event { shopify: false, topic: "order.created", body: order.to_string() });
    for status in &statuses[1..] {
        let after = w.woo.set_order_status(STORE, id, status).await.expect("status");
        events.push(Event { shopify: false, topic: "order.updated", body: after.to_string() });
    }
    let paid = matches!(statuses.last(), Some(&"processing" | &"completed"));
    Expected {
        invoice: format!("WOO-{}-{id}", w.woo_connection),
        sku: sku.into(),
        sold: if paid { 2 } else { 0 },
        sells: usize::from(paid),
    }
}

/// `orders` orders per platform, each on its own SKU.
pub async fn run(w: &World, orders: usize) -> Outcome {
    w.shopify.seed_shop_with(SHOP, &catalog::demo_catalog(), catalog::demo_store_sku).expect("replay shop");
    w.woo.create_store(STORE).expect("replay store");
    w.woo.seed_store(STORE, &catalog::demo_catalog(), catalog::demo_store_sku).expect("replay store catalog");
    let stock = |sku: &str| w.prokip.stock(w.prokip_location, sku).unwrap_or_default();
    let mut events = Vec::new();
    let mut expected = Vec::new();
    for i in 0..orders.min(15) {
        let sku = format!("AS{:04}", i + 1);
        expected.push((stock(&sku), shopify_sequence(w, &sku, i, &mut events).await));
        let sku = format!("AS{:04}", i + 16);
        expected.push((stock(&sku), woo_sequence(w, &sku, i, &mut events).await));
    }
    let deliveries = shuffled_with_duplicates(w, events);
    let sent = deliveries.len();
    let client = reqwest::Client::new();
    // A 503 asks the platform to deliver again later, which both platforms do: so do we.
    let statuses: Vec<(u16, u32)> = futures::stream::iter(deliveries)
        .map(|d| {
            let client = client.clone();
            async move {
                let mut answers = 0;
                loop {
                    answers += 1;
                    let status = client.execute(d.build(&client)).await.map(|r| r.status().as_u16()).unwrap_or(0);
                    if status != 503 || answers == 5 {
                        return (status, answers - 1);
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                }
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let unavailable: u32 = statuses.iter().map(|(_, retried)| retried).sum();
    let mut wrong: Vec<String> =
        statuses.iter().filter(|(s, _)| *s != 200).map(|(s, _)| format!("a replayed delivery answered {s}")).collect();
    // An event whose order is held runs again each second until the lease is free.
    if !super::settle(&w.app, 240).await {
        wrong.push("webhook events still unprocessed after 240 s".into());
    }
    let sells = w.prokip.state()["sells"].as_array().cloned().unwrap_or_default();
    let mut right = 0;
    for (before, e) in &expected {
        let mine: Vec<&Value> = sells.iter().filter(|s| s["invoice_no"] == e.invoice.as_str()).collect();
        let held: i64 = mine
            .iter()
            .flat_map(|s| s["lines"].as_array().cloned().unwrap_or_default())
            .map(|l| num(&l["quantity"]) - num(&l["quantity_returned"]))
            .sum();
        let now = stock(&e.sku);
        if mine.len() == e.sells && held == e.sold && now == *before - Decimal::from(e.sold) {
            right += 1;
        } else {
            let order_id = e.invoice.rsplit('-').next().unwrap_or_default();
            let trail = trail(w, order_id).await;
            wrong.push(format!(
                "{}: {} sells holding {held} (want {} holding {}), stock {now} (want {}); {trail}",
                e.invoice,
                mine.len(),
                e.sells,
                e.sold,
                *before - Decimal::from(e.sold)
            ));
        }
    }
    Outcome { orders: expected.len(), deliveries: sent, unavailable, right, wrong }
}

/// What the app recorded about an order, for a failure's detail.
async fn trail(w: &World, order_id: &str) -> String {
    use sea_orm::ConnectionTrait;
    let sql = format!(
        "SELECT concat_ws(' / ',
           (SELECT string_agg(state, ',') FROM sales_log WHERE order_id = '{order_id}'),
           (SELECT string_agg(concat_ws(':', refund_id, lines, returned_at IS NOT NULL), ',') FROM processed_refunds WHERE order_id = '{order_id}'),
           (SELECT string_agg(concat_ws(':', topic, payload->>'financial_status', attempts, error), ', ' ORDER BY processed_at) FROM webhook_events
             WHERE payload->>'id' = '{order_id}' OR payload->>'order_id' = '{order_id}'))"
    );
    let db = &w.app.db;
    let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await;
    row.ok().flatten().and_then(|r| r.try_get_by_index::<String>(0).ok()).unwrap_or_default()
}

fn num(v: &Value) -> i64 {
    v.as_str()
        .and_then(|s| s.parse::<Decimal>().ok())
        .or_else(|| v.as_i64().map(Decimal::from))
        .and_then(|d| i64::try_from(d).ok())
        .unwrap_or(0)
}

/// A request still to build (reqwest builders are not Clone-free to keep around).
struct Delivery {
    url: String,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Delivery {
    fn build(&self, client: &reqwest::Client) -> reqwest::Request {
        let mut b = client.post(&self.url).header("content-type", "application/json").body(self.body.clone());
        for (k, v) in &self.headers {
            b = b.header(*k, v);
        }
        b.build().expect("request")
    }
}

/// Every event once or more, in a random order: a second copy keeps its delivery id (a platform
/// retry) or gets a new one (the same event sent again).
fn shuffled_with_duplicates(w: &World, events: Vec<Event>) -> Vec<Delivery> {
    let hook =
        w.woo.webhooks(wm::DEMO_STORE).into_iter().find(|h| h.topic == "order.updated").expect("order.updated hook");
    let mut out = Vec::new();
    let mut runner = TestRunner::default();
    for e in events {
        let copies = (1usize..4).new_tree(&mut runner).expect("copies").current();
        let webhook_id = uuid::Uuid::new_v4().to_string();
        for copy in 0..copies {
            let headers = if e.shopify {
                let id = if copy % 2 == 0 { webhook_id.clone() } else { uuid::Uuid::new_v4().to_string() };
                vec![
                    ("x-shopify-topic", e.topic.to_owned()),
                    ("x-shopify-shop-domain", sm::DEMO_SHOP.to_owned()),
                    ("x-shopify-webhook-id", id),
                    ("x-shopify-hmac-sha256", props::sign(e.body.as_bytes(), sm::DEMO_CLIENT_SECRET)),
                ]
            } else {
                vec![
                    ("x-wc-webhook-topic", e.topic.to_owned()),
                    ("x-wc-webhook-signature", props::sign(e.body.as_bytes(), &hook.secret)),
                ]
            };
            let url = if e.shopify { w.app.url("/connections/webhook/shopify") } else { hook.delivery_url.clone() };
            out.push(Delivery { url, headers, body: e.body.clone() });
        }
    }
    let rng = runner.rng();
    for i in (1..out.len()).rev() {
        out.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
    }
    out
}
