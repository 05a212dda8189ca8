//! First-sync review against the mock platforms: a store connected from the dashboard keeps its
//! stock until the merchant has seen its preview and pressed "Start syncing"; the preview's counts
//! are what the mocks hold; stores connected with the setting off, or through the seed's JSON
//! routes, sync at once.

mod common;

use common::{location, world::World};
use mocks::{catalog, shopify::DEMO_SHOP, woocommerce as wm};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Prokip changes that give the preview something of each kind to count (the demo stores start
/// with Prokip's quantities): raised, lowered, set to 0.
const CHANGES: [(&str, i64); 3] = [("AS0001", 9), ("AS0002", 3), ("AS0033-2", 0)];

fn change_prokip(w: &World) {
    for (sku, qty) in CHANGES {
        w.prokip.set_stock(w.prokip_location, sku, Decimal::from(qty)).unwrap();
    }
}

async fn set_review(w: &World, value: &str) {
    let r = w.browser.post(w.app.url("/settings/review")).form(&[("review_new_stores", value)]).send().await.unwrap();
    assert!(location(&r).contains("notice="), "{}", location(&r));
}

/// Disconnects the world's WooCommerce store and connects it again: with the Connections form
/// (`json` false) or the seed's JSON route. Returns the new connection once its catalog is matched.
async fn reconnect_woo(w: &World, json: bool) -> i64 {
    disconnect(w, w.woo_connection).await;
    let store = w.woo.store_url(wm::DEMO_STORE);
    let keys = [
        ("store_url", store.as_str()),
        ("consumer_key", wm::DEMO_CONSUMER_KEY),
        ("consumer_secret", wm::DEMO_CONSUMER_SECRET),
    ];
    let connect = w.browser.post(w.app.url("/connections/woocommerce"));
    if json {
        let body = json!({ "storeUrl": store, "consumerKey": wm::DEMO_CONSUMER_KEY, "consumerSecret": wm::DEMO_CONSUMER_SECRET });
        let r = connect.json(&body).send().await.unwrap();
        assert_eq!(r.status(), 200);
    } else {
        let r = connect.form(&keys).send().await.unwrap();
        assert!(location(&r).contains("notice="), "{}", location(&r));
    }
    indexed(w, "woocommerce").await
}

/// The platform's connected store, once its catalog is matched.
async fn indexed(w: &World, platform: &str) -> i64 {
    let id = w
        .app
        .scalar(&format!("SELECT id FROM connections WHERE platform = '{platform}' AND status <> 'disconnected'"))
        .await;
    let mapped = format!("SELECT count(*) FROM sku_map WHERE connection_id = {id}");
    let queued = "SELECT count(*) FROM apalis.jobs WHERE job_type = 'index_catalog'
                  AND status IN ('Pending', 'Queued', 'Running')";
    w.eventually(30, "the new store's catalog is matched", || async {
        w.app.scalar(&mapped).await > 0 && w.app.scalar(queued).await == 0
    })
    .await;
    id
}

async fn disconnect(w: &World, id: i64) {
    let r = w
        .browser
        .post(w.app.url(&format!("/connections/{id}/disconnect")))
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert!(location(&r).contains("notice="), "{}", location(&r));
}

/// Disconnects the world's Shopify shop and installs it again through the seed's
/// `POST /connections/shopify/initiate` and Shopify's approval.
async fn reconnect_shopify_json(w: &World) -> i64 {
    disconnect(w, w.shopify_connection).await;
    let r = w.browser.post(w.app.url("/connections/shopify/initiate")).json(&json!({ "storeUrl": "demo-store" }));
    let body: Value = r.send().await.unwrap().json().await.unwrap();
    let auth_url = body["authUrl"].as_str().unwrap();
    let r = w.browser.get(format!("{auth_url}&decision=approve")).send().await.unwrap();
    let r = w.browser.get(location(&r)).send().await.unwrap();
    assert!(location(&r).contains("shopify_success=true"), "{}", location(&r));
    indexed(w, "shopify").await
}

/// Stock writes the WooCommerce mock has received so far.
fn woo_writes(w: &World) -> u64 {
    w.woo.faults().counts().iter().filter(|(k, _)| k.ends_with("/batch")).map(|(_, n)| n).sum()
}

/// The SKUs of the demo stores with what the next full sync would do to each, worked out from
/// the mocks: Prokip's whole units (no order holds stock, no buffer) against what the store shows.
fn expected(w: &World, store_shows: impl Fn(&str) -> Option<i64>) -> HashMap<&'static str, u64> {
    let mut counts = HashMap::new();
    for variant in catalog::demo_catalog().iter().flat_map(|p| p.variants.clone()) {
        let sku = catalog::demo_store_sku(&variant.sku);
        let kind = match (w.prokip.stock(w.prokip_location, &sku), store_shows(&sku)) {
            (None, _) => "unmatched",
            (Some(p), shows) => {
                let sets = i64::try_from(p.floor()).unwrap().max(0);
                match shows {
                    Some(s) if s == sets => "unchanged",
                    _ if sets == 0 => "zeroed",
                    Some(s) if s > sets => "lowered",
                    _ => "raised",
                }
            }
        };
        *counts.entry(kind).or_default() += 1;
    }
    counts
}

async fn page(w: &World, path: &str) -> (StatusCode, String) {
    let r = w.browser.get(w.app.url(path)).send().await.unwrap();
    (r.status(), common::shown(&r.text().await.unwrap()))
}

/// The preview's totals as the page shows them.
async fn preview_totals(w: &World, id: i64) -> HashMap<&'static str, u64> {
    let (status, html) = page(w, &format!("/connections/{id}/preview")).await;
    assert_eq!(status, 200, "{html}");
    ["raised", "lowered", "zeroed", "unchanged", "unmatched"]
        .into_iter()
        .map(|k| (k, number_after(&html, &format!("data-testid=\"total-{k}\""))))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// The number in the element that follows `marker` (tags and markers around it skipped).
fn number_after(html: &str, marker: &str) -> u64 {
    let start = html.find(marker).unwrap_or_else(|| panic!("{marker} not in {html}")) + marker.len();
    let rest = &html[start..];
    let end = rest.find("</dd>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in rest[..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.trim().parse().unwrap_or_else(|_| panic!("no number after {marker}: {text}"))
}

fn woo_matches_prokip(w: &World) -> bool {
    catalog::demo_catalog()
        .iter()
        .flat_map(|p| p.variants.clone())
        .filter(|v| v.sku != catalog::DEMO_MISMATCH_PROKIP_SKU)
        .all(|v| {
            let prokip = w.prokip.stock(w.prokip_location, &v.sku).unwrap();
            w.woo.stock_of(wm::DEMO_STORE, &v.sku) == Some(i64::try_from(prokip.floor()).unwrap())
        })
}

#[tokio::test]
async fn a_store_connected_from_the_dashboard_waits_for_review_while_the_other_syncs() {
    let w = World::new().await;
    set_review(&w, "on").await;
    let id = reconnect_woo(&w, false).await;
    let (_, html) = page(&w, "/connections").await;
    assert!(html.contains("Review before first sync"), "{html}");
    assert!(html.contains(&format!("/connections/{id}/preview")));

    change_prokip(&w);
    let writes = woo_writes(&w);
    let r = w.browser.post(w.app.url("/sync")).send().await.unwrap();
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["skipped"],
        json!([{ "id": id, "store_url": w.woo.store_url(wm::DEMO_STORE), "reason": "review" }])
    );
    assert!(body["message"].as_str().unwrap().contains("waiting for review"), "{body}");
    w.eventually(15, "Shopify gets the new quantities", || async {
        CHANGES.iter().all(|(sku, qty)| w.shopify.available(DEMO_SHOP, sku) == Some(*qty))
    })
    .await;
    assert_eq!(woo_writes(&w), writes, "no stock write reached the store in review");
    assert_eq!(w.woo.stock_of(wm::DEMO_STORE, "AS0001"), Some(5));
}

#[tokio::test]
async fn the_preview_counts_what_the_mocks_hold_and_start_syncing_makes_the_store_match() {
    let w = World::new().await;
    set_review(&w, "on").await;
    let id = reconnect_woo(&w, false).await;
    change_prokip(&w);

    let want = expected(&w, |sku| w.woo.stock_of(wm::DEMO_STORE, sku));
    assert_eq!(want.get("raised").copied(), Some(1), "the oracle sees the changes: {want:?}");
    assert_eq!(preview_totals(&w, id).await, want);
    // Filtered to one kind: only its rows.
    let (_, html) = page(&w, &format!("/connections/{id}/preview?show=lowered&sort=change")).await;
    assert!(html.contains("data-testid=\"preview-AS0002\"") && !html.contains("data-testid=\"preview-AS0001\""));

    let r = w.browser.post(w.app.url(&format!("/connections/{id}/start-sync"))).send().await.unwrap();
    let to = location(&r);
    assert!(to.starts_with(&format!("/connections/{id}/preview?notice=")), "{to}");
    w.eventually(15, "the store shows the published quantities", || async { woo_matches_prokip(&w) }).await;
    let after = preview_totals(&w, id).await;
    assert_eq!(after, expected(&w, |sku| w.woo.stock_of(wm::DEMO_STORE, sku)));
    assert_eq!(after.keys().copied().collect::<Vec<_>>().len(), 2, "only unchanged and unmatched: {after:?}");
    let (_, html) = page(&w, "/connections").await;
    assert!(!html.contains("Review before first sync"));
}

#[tokio::test]
async fn with_the_setting_off_a_new_store_syncs_at_once() {
    let w = World::new().await;
    set_review(&w, "off").await;
    let id = reconnect_woo(&w, false).await;
    change_prokip(&w);
    let body: Value = w.browser.post(w.app.url("/sync")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["skipped"], json!([]));
    w.eventually(15, "the new store gets the new quantities", || async { woo_matches_prokip(&w) }).await;
    let (_, html) = page(&w, "/connections").await;
    assert!(html.contains(&format!("store-{id}")) && !html.contains("Review before first sync"));
}

#[tokio::test]
async fn stores_connected_through_the_seed_json_routes_sync_at_once() {
    let w = World::new().await;
    set_review(&w, "on").await;
    reconnect_woo(&w, true).await;
    reconnect_shopify_json(&w).await;
    change_prokip(&w);
    let body: Value = w.browser.post(w.app.url("/sync")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["skipped"], json!([]));
    w.eventually(15, "both new stores get the new quantities", || async {
        woo_matches_prokip(&w) && CHANGES.iter().all(|(sku, qty)| w.shopify.available(DEMO_SHOP, sku) == Some(*qty))
    })
    .await;
}

#[tokio::test]
async fn another_accounts_store_or_an_unknown_one_has_no_preview_and_cannot_be_started() {
    let w = World::new().await;
    set_review(&w, "on").await;
    let id = reconnect_woo(&w, false).await;
    let stranger = w.app.new_browser();
    w.app.register(&stranger, "bob", "correct horse", "Bob's Shop").await;
    for (who, target) in [(&stranger, id), (&w.browser, id + 1000)] {
        let r = who.get(w.app.url(&format!("/connections/{target}/preview"))).send().await.unwrap();
        assert_eq!(r.status(), 404);
        assert!(r.text().await.unwrap().contains("not one of your connected stores"));
        let r = who.post(w.app.url(&format!("/connections/{target}/start-sync"))).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let body: Value = r.json().await.unwrap();
        assert!(body["details"].as_str().unwrap().contains("not one of your connected stores"), "{body}");
    }
    let (_, html) = page(&w, "/connections").await;
    assert!(html.contains("Review before first sync"), "still in review");
    assert_eq!(w.woo.stock_of(wm::DEMO_STORE, "AS0001"), Some(5));
}
