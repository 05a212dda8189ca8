//! Property-based fuzzing of the pure webhook code: the order/refund parser over arbitrary and
//! mutated Shopify/WooCommerce payloads (and the figures the import computes from a parsed order),
//! the two signature verifiers and the WooCommerce ping detector over arbitrary bytes. None may
//! panic; a verifier must never accept a signature made with another secret.

use app::backend::{
    platforms::{
        shopify::verify_webhook,
        woocommerce::{is_ping, verify_signature},
    },
    secret::Secret,
    sync::orders::model::{self, StoreEvent},
};
use proptest::{
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};
use serde_json::{Value, json};
use std::{
    cell::Cell,
    panic::{AssertUnwindSafe, catch_unwind},
};

/// What one property run did.
pub struct Tally {
    pub tried: u64,
    /// Inputs the code under test refused (parse error, bad signature).
    pub rejected: u64,
    pub panics: u64,
    /// Property violations other than panics (e.g. a forged signature accepted).
    pub wrong: u64,
    pub first_failure: Option<String>,
}

const KEYS: [&str; 24] = [
    "id",
    "order_id",
    "name",
    "number",
    "line_items",
    "sku",
    "quantity",
    "price",
    "total",
    "total_tax",
    "tax_lines",
    "financial_status",
    "cancelled_at",
    "refunds",
    "refund_line_items",
    "line_item_id",
    "restock_type",
    "status",
    "taxes_included",
    "shipping_lines",
    "total_discounts",
    "shipping_total",
    "currency",
    "date_modified_gmt",
];

const TOPICS: [&str; 12] = [
    "orders/create",
    "orders/paid",
    "orders/updated",
    "orders/cancelled",
    "refunds/create",
    "products/update",
    "order.created",
    "order.updated",
    "order.deleted",
    "order.restored",
    "product.updated",
    "",
];

/// Numbers and strings that stress money and quantity handling (overflow, precision, signs).
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".*".prop_map(Value::from),
        prop_oneof![
            Just("79228162514264337593543950335"),
            Just("-79228162514264337593543950335"),
            Just("1e30"),
            Just("0.0000000000000000000000000001"),
            Just("NaN"),
            Just("-1"),
            Just("9223372036854775807"),
            Just("AS0001"),
            Just("paid"),
            Just("processing"),
            Just("2026-11-26T10:00:00"),
        ]
        .prop_map(Value::from),
    ]
}

pub fn arbitrary_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()).prop_map(str::to_owned), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Replaces the value at a pseudo-random path of `v` (each index picks a child modulo its size).
pub fn mutate(v: &mut Value, path: &[usize], with: Value, delete: bool) {
    let (Some(&i), rest) = (path.first(), path.get(1..).unwrap_or_default()) else {
        *v = with;
        return;
    };
    match v {
        Value::Object(m) if !m.is_empty() => {
            let key = m.keys().nth(i % m.len()).cloned().unwrap_or_default();
            if delete && rest.is_empty() {
                m.remove(&key);
            } else if let Some(child) = m.get_mut(&key) {
                mutate(child, rest, with, delete);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let n = a.len();
            mutate(&mut a[i % n], rest, with, delete)
        }
        _ => *v = with,
    }
}

fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let why = p.downcast_ref::<String>().cloned().or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
        TestCaseError::fail(format!("panicked: {}", why.unwrap_or_default()))
    })
}

/// Parses like the webhook job does and computes what the import computes from an order.
fn exercise_parser(platform: &str, topic: &str, payload: &Value) -> bool {
    match model::parse(platform, topic, payload) {
        Ok(StoreEvent::Order(o)) => {
            let _ = (o.total(), o.skus());
            true
        }
        Ok(_) => true,
        Err(_) => false,
    }
}

fn run_property<S: Strategy>(cases: u32, strategy: S, check: impl Fn(S::Value) -> Result<bool, TestCaseError>) -> Tally
where
    S::Value: std::fmt::Debug,
{
    let (tried, rejected) = (Cell::new(0u64), Cell::new(0u64));
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    // Each case is counted here; a failing case is shrunk by the runner and reported once.
    let result = runner.run(&strategy, |input| {
        tried.set(tried.get() + 1);
        if !check(input)? {
            rejected.set(rejected.get() + 1);
        }
        Ok(())
    });
    let mut t = Tally { tried: tried.get(), rejected: rejected.get(), panics: 0, wrong: 0, first_failure: None };
    if let Err(e) = result {
        let text = match e {
            proptest::test_runner::TestError::Fail(why, input) => format!("{why}; minimal input: {input:?}"),
            other => other.to_string(),
        };
        if text.contains("panicked") {
            t.panics += 1
        } else {
            t.wrong += 1
        }
        t.first_failure = Some(text.chars().take(400).collect());
    }
    t
}

/// Arbitrary JSON and mutated real payloads through the order parser, on every topic.
pub fn parser(cases: u32, samples: Vec<(&'static str, &'static str, Value)>) -> Tally {
    let platforms = prop::sample::select(vec!["shopify", "woocommerce"]);
    let topics = prop::sample::select(TOPICS.to_vec());
    let sample_idx = 0..samples.len().max(1);
    let strategy = (
        platforms,
        topics,
        arbitrary_json(),
        sample_idx,
        prop::collection::vec(any::<usize>(), 0..5),
        arbitrary_json(),
        any::<bool>(),
    );
    run_property(cases, strategy, |(platform, topic, random, i, path, with, delete)| {
        guarded(|| {
            let mut accepted = exercise_parser(platform, topic, &random);
            if let Some((p, t, sample)) = samples.get(i) {
                let mut mutated = sample.clone();
                mutate(&mut mutated, &path, with, delete);
                accepted &= exercise_parser(p, t, &mutated);
            }
            accepted
        })
    })
}

/// Mostly amounts a shop could send, often ones at or beyond what any order holds.
fn amount() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => "-?[0-9]{1,12}(\\.[0-9]{1,4})?".prop_map(Value::from),
        1 => prop::sample::select(vec!["79228162514264337593543950335", "-79228162514264337593543950335", "0.0000000000000000000000000001", "1e28", "-0", "999999999999.9999"])
            .prop_map(Value::from),
        1 => "-?[0-9]{13,29}(\\.[0-9]{0,28})?".prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<f64>().prop_map(|f| json!(f)),
    ]
}

/// Orders whose money and quantities are extreme (overflow, precision, signs): parsed and
/// totalled like the import does.
pub fn money(cases: u32) -> Tally {
    let quantity = prop_oneof![4 => 0i64..=10_000_000, 1 => any::<i64>(), 1 => prop::sample::select(vec![i64::MAX, i64::MIN, -1, 10_000_001])];
    let strategy = (amount(), quantity, amount(), amount(), amount(), any::<bool>());
    run_property(cases, strategy, |(price, quantity, tax, shipping, discount, taxes_included)| {
        guarded(|| {
            let shopify = json!({
                "id": 1, "name": "#1", "financial_status": "paid", "taxes_included": taxes_included, "total_discounts": discount,
                "shipping_lines": [{"price": shipping}], "total_shipping_price_set": {"shop_money": {"amount": shipping}},
                "line_items": [{"id": 1, "sku": "AS0001", "quantity": quantity, "price": price, "tax_lines": [{"price": tax}, {"price": tax}]},
                               {"id": 2, "sku": "AS0002", "quantity": quantity, "price": price}]
            });
            let woo = json!({
                "id": 1, "status": "processing", "shipping_total": shipping, "shipping_tax": tax,
                "line_items": [{"id": 1, "sku": "AS0001", "quantity": quantity, "price": price, "total": price, "total_tax": tax},
                               {"id": 2, "sku": "AS0002", "quantity": quantity, "price": price, "total": discount, "total_tax": tax}]
            });
            exercise_parser("shopify", "orders/paid", &shopify) | exercise_parser("woocommerce", "order.updated", &woo)
        })
    })
}

/// Arbitrary bodies and headers through both verifiers; a signature made with another secret must
/// never verify, and the right one always must.
pub fn verifiers(cases: u32) -> Tally {
    let strategy =
        (prop::collection::vec(any::<u8>(), 0..512), ".{0,80}", "[a-zA-Z0-9]{1,48}", prop::option::of(".{0,40}"));
    run_property(cases, strategy, |(body, header, secret, content_type)| {
        guarded(|| {
            let key = Secret::new(secret.clone());
            let other = Secret::new(format!("{secret}x"));
            let forged = sign(&body, &format!("{secret}x"));
            let genuine = sign(&body, &secret);
            let random_ok =
                verify_webhook(&body, &header, std::slice::from_ref(&key)) || verify_signature(&body, &header, &key);
            let _ = is_ping(content_type.as_deref(), &body);
            let forged_ok =
                verify_webhook(&body, &forged, std::slice::from_ref(&key)) || verify_signature(&body, &forged, &key);
            let genuine_ok =
                verify_webhook(&body, &genuine, std::slice::from_ref(&key)) && verify_signature(&body, &genuine, &key);
            let other_ok = verify_signature(&body, &genuine, &other);
            (random_ok, forged_ok, genuine_ok, other_ok)
        })
        .and_then(|(random_ok, forged_ok, genuine_ok, other_ok)| {
            if forged_ok || other_ok || !genuine_ok {
                return Err(TestCaseError::fail(format!(
                    "verifier wrong: forged {forged_ok}, other {other_ok}, genuine {genuine_ok}"
                )));
            }
            Ok(random_ok)
        })
    })
}

/// Base64 HMAC-SHA256, as both platforms sign.
pub fn sign(body: &[u8], secret: &str) -> String {
    mocks::shopify::signing::sign_body(secret, body)
}

/// Payloads as the platforms send them: a Shopify order and refund, a WooCommerce order.
pub fn samples() -> Vec<(&'static str, &'static str, Value)> {
    let shopify_order = json!({
        "id": 820982911946154508u64, "name": "#1001", "order_number": 1001, "financial_status": "paid", "cancelled_at": null,
        "currency": "KES", "total_price": "98.00", "taxes_included": false, "total_discounts": "5.00", "email": "a@b.example",
        "shipping_lines": [{"price": "3.50"}],
        "line_items": [{"id": 1, "sku": "AS0001", "quantity": 2, "price": "49.00", "tax_lines": [{"price": "7.84"}]}],
        "refunds": [{"id": 9, "order_id": 820982911946154508u64, "refund_line_items": [{"id": 3, "line_item_id": 1, "quantity": 1, "restock_type": "return"}]}]
    });
    let refund = shopify_order["refunds"][0].clone();
    let woo_order = json!({
        "id": 727, "number": "727", "status": "processing", "currency": "KES", "date_modified_gmt": "2026-11-26T10:00:00",
        "shipping_total": "3.00", "shipping_tax": "0.48", "billing": {"email": "a@b.example"},
        "line_items": [{"id": 315, "sku": "AS0001", "quantity": 2, "price": 49, "total": "98.00", "total_tax": "15.68",
                        "meta_data": [{"key": "_restock_refunded_items", "value": "1"}]}],
        "refunds": [{"id": 12, "total": "-49.00"}]
    });
    vec![
        ("shopify", "orders/paid", shopify_order.clone()),
        ("shopify", "orders/updated", shopify_order),
        ("shopify", "refunds/create", refund),
        ("woocommerce", "order.updated", woo_order.clone()),
        ("woocommerce", "order.deleted", json!({"id": 727})),
    ]
}
