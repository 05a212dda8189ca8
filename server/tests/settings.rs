//! Settings through the mocks: the payment method and the customer setting are saved by the
//! Settings forms (bad input changes nothing) and the sells the Prokip mock receives carry them.

mod common;

use common::{location, world::World};
use mocks::woocommerce as wm;
use serde_json::Value;

const WAIT: u64 = 20;

async fn post(w: &World, path: &str, form: &[(&str, &str)]) -> String {
    let r = w.browser.post(w.app.url(path)).form(form).send().await.unwrap();
    location(&r)
}

async fn woo_order(w: &World, sku: &str, email: &str) -> String {
    let line_items = vec![wm::NewOrderLine { sku: sku.into(), quantity: 1 }];
    let new = wm::NewOrder { line_items, status: Some("processing".into()), billing_email: Some(email.into()) };
    let id = w.woo.create_order(wm::DEMO_STORE, &new).await.unwrap()["id"].as_u64().unwrap();
    format!("WOO-{}-{id}", w.woo_connection)
}

async fn sell(w: &World, invoice: &str) -> Value {
    w.eventually(WAIT, "the sell", || async { sell_now(w, invoice).is_some() }).await;
    sell_now(w, invoice).unwrap()
}

fn sell_now(w: &World, invoice: &str) -> Option<Value> {
    w.prokip.state()["sells"].as_array().unwrap().iter().find(|s| s["invoice_no"] == invoice).cloned()
}

fn walk_in(w: &World) -> i64 {
    w.prokip.state()["businesses"][0]["walk_in_contact_id"].as_i64().unwrap()
}

#[tokio::test]
async fn online_sales_are_paid_with_the_chosen_prokip_payment_method() {
    let w = World::new().await;
    let page = w.browser.get(w.app.url("/settings")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("M-Pesa") && page.contains(r#"value="custom_pay_2""#), "the methods of the Prokip business");

    assert!(post(&w, "/settings/payment-method", &[("payment_method", "custom_pay_2")]).await.contains("notice="));
    let refused = post(&w, "/settings/payment-method", &[("payment_method", "cash_in_a_sock")]).await;
    assert!(refused.starts_with("/settings?error="), "{refused}");
    let html = w.app.follow(&w.browser, &refused).await;
    assert!(html.contains("nothing was changed"), "{html}");
    let saved = w.app.scalar("SELECT count(*) FROM account_settings WHERE payment_method = 'custom_pay_2'").await;
    assert_eq!(saved, 1, "the refused choice left the saved one");

    let s = sell(&w, &woo_order(&w, "AS0013", "njeri@example.com").await).await;
    assert_eq!(s["payments"][0]["method"], "custom_pay_2");
    assert_eq!(s["contact_id"].as_i64(), Some(walk_in(&w)), "walk-in stays the default");

    let other = w.app.new_browser();
    w.app.register(&other, "baraka", "correct horse", "Baraka Ltd").await;
    let r = other.post(w.app.url("/settings/customer")).form(&[("customer_mode", "email")]).send().await.unwrap();
    assert!(location(&r).contains("notice="));
    let ours = w
        .app
        .scalar(&format!(
            "SELECT count(*) FROM account_settings WHERE account_id = {} AND customer_mode = 'walk_in'",
            w.account_id
        ))
        .await;
    assert_eq!(ours, 1, "another account's setting is its own");
}

#[tokio::test]
async fn matching_by_email_creates_the_customer_once_and_reuses_it() {
    let w = World::new().await;
    let refused = post(&w, "/settings/customer", &[("customer_mode", "everyone")]).await;
    assert!(refused.contains("error="), "{refused}");
    assert_eq!(w.app.scalar("SELECT count(*) FROM account_settings WHERE customer_mode <> 'walk_in'").await, 0);
    assert!(post(&w, "/settings/customer", &[("customer_mode", "email")]).await.contains("notice="));

    let first = sell(&w, &woo_order(&w, "AS0014", "Wanjiru@Example.com").await).await;
    let second = sell(&w, &woo_order(&w, "AS0015", "wanjiru@example.com").await).await;
    let contact = first["contact_id"].as_i64().unwrap();
    assert_ne!(contact, walk_in(&w));
    assert_eq!(second["contact_id"].as_i64(), Some(contact), "the same customer again");
    let state = w.prokip.state();
    let named: Vec<&Value> = state["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["email"].as_str().is_some_and(|e| e.eq_ignore_ascii_case("wanjiru@example.com")))
        .collect();
    assert_eq!(named.len(), 1, "created once: {named:?}");
    assert_eq!(named[0]["id"].as_i64(), Some(contact));
}

#[tokio::test]
async fn a_woocommerce_store_set_to_completed_only_sells_when_the_order_is_completed() {
    let w = World::new().await;
    let path = format!("/settings/stores/{}/trigger", w.woo_connection);
    let refused =
        post(&w, &format!("/settings/stores/{}/trigger", w.shopify_connection), &[("trigger", "completed")]).await;
    assert!(refused.contains("error="), "Shopify sells when paid: {refused}");
    let other = w.app.new_browser();
    w.app.register(&other, "baraka", "correct horse", "Baraka Ltd").await;
    let r = other.post(w.app.url(&path)).form(&[("trigger", "completed")]).send().await.unwrap();
    assert!(location(&r).contains("error="), "not another account's store");
    assert_eq!(w.app.scalar("SELECT count(*) FROM connections WHERE order_trigger = 'completed'").await, 0);
    assert!(post(&w, &path, &[("trigger", "completed")]).await.contains("notice="));
    let page = w.browser.get(w.app.url("/settings")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<option value="completed" selected"#), "the page shows the saved choice");

    let invoice = woo_order(&w, "AS0017", "amani@example.com").await;
    let id: u64 = invoice.rsplit('-').next().unwrap().parse().unwrap();
    w.eventually(WAIT, "held as a commitment", || async {
        w.app.scalar(&format!("SELECT count(*) FROM sales_log WHERE order_id = '{id}' AND state = 'committed'")).await
            == 1
    })
    .await;
    assert!(sell_now(&w, &invoice).is_none(), "processing is not enough");
    w.woo.set_order_status(wm::DEMO_STORE, id, "completed").await.unwrap();
    sell(&w, &invoice).await;
}
