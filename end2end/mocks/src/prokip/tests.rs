//! The mock's own behaviour over HTTP: Passport's form-only token endpoint, Laravel pagination,
//! the LIKE `sku` filter, and seeding speed.

use super::*;
use crate::catalog::generated_catalog;
use std::time::{Duration, Instant};

async fn serve_demo() -> (ProkipMock, String, String) {
    let mock = ProkipMock::new(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);
    mock.seed_demo();
    let addr = crate::serve(mock.router(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = format!("http://{addr}");
    let form = [
        ("grant_type", "password"),
        ("client_id", DEMO_CLIENT_ID),
        ("client_secret", DEMO_CLIENT_SECRET),
        ("username", DEMO_USERNAME),
        ("password", DEMO_PASSWORD),
    ];
    let resp = reqwest::Client::new().post(format!("{base}/oauth/token")).form(&form).send().await.unwrap();
    let token: Value = resp.json().await.unwrap();
    (mock, base, token["access_token"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn product_lists_paginate_like_laravel_and_filter_sku_with_like() {
    let (_mock, base, token) = serve_demo().await;
    let get = |q: &str| {
        let req = reqwest::Client::new().get(format!("{base}/connector/api/product{q}")).bearer_auth(&token);
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let page1 = get("").await;
    assert_eq!(page1["data"].as_array().unwrap().len(), 10);
    assert_eq!((&page1["meta"]["total"], &page1["meta"]["last_page"]), (&json!(40), &json!(4)));
    assert!(page1["links"]["next"].as_str().unwrap().ends_with("/connector/api/product?page=2"));
    assert_eq!(page1["links"]["prev"], Value::Null);
    assert_eq!(get("?page=4").await["links"]["next"], Value::Null);
    let all = get("?per_page=-1").await;
    assert_eq!((all["data"].as_array().unwrap().len(), all.get("links"), all.get("meta")), (40, None, None));
    let like = get("?per_page=-1&sku=as003").await;
    assert_eq!(like["data"].as_array().unwrap().len(), 10, "AS0030..AS0039: a case-insensitive substring");
    let details = &page1["data"][0]["product_variations"][0]["variations"][0]["variation_location_details"];
    assert_eq!(details[0]["qty_available"], "5.0000");
}

#[tokio::test]
async fn the_token_endpoint_takes_only_form_encoded_bodies() {
    let (_mock, base, _token) = serve_demo().await;
    let body = json!({ "grant_type": "password", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET,
                       "username": DEMO_USERNAME, "password": DEMO_PASSWORD });
    let resp = reqwest::Client::new().post(format!("{base}/oauth/token")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(resp.json::<Value>().await.unwrap()["error"], "unsupported_grant_type");
}

#[test]
fn seeding_ten_thousand_skus_takes_well_under_a_second() {
    let mock = ProkipMock::new(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);
    let catalog = generated_catalog(10_000);
    let started = Instant::now();
    let ids = mock.seed(&catalog);
    assert!(started.elapsed() < Duration::from_millis(500), "{:?}", started.elapsed());
    assert_eq!(mock.stock(ids.location_ids[0], "GEN000001"), Some(Decimal::ONE));
}

#[tokio::test]
async fn variations_by_id_come_in_id_order_once_each_as_the_full_list_shows_them() {
    let (_mock, base, token) = serve_demo().await;
    let get = |path: String| {
        let req = reqwest::Client::new().get(format!("{base}/connector/api/{path}")).bearer_auth(&token);
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let all = get("variation?per_page=-1".into()).await["data"].as_array().unwrap().clone();
    let (a, b, c) = (&all[3], &all[17], &all[30]);
    let ids = [&c["variation_id"], &a["variation_id"], &b["variation_id"], &a["variation_id"], &json!(987_654_321)];
    let csv = ids.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(",");
    let listed = get(format!("variation/{csv}?per_page=-1")).await;
    assert_eq!(listed["data"], json!([a, b, c]), "unknown ids are skipped, repeats shown once");
    let paged = get(format!("variation/{csv}?per_page=2&page=2")).await;
    assert_eq!((&paged["data"], &paged["meta"]["total"]), (&json!([c]), &json!(3)));
}
