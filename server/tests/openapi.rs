//! The OpenAPI document (`GET /api/openapi.json`) lists every JSON route the router serves and
//! every server function, each listed operation is served, its schemas name the fields the routes
//! answer with, and the reference page shows every path.

mod common;

use common::{TestApp, client, world::World};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;

async fn document(app: &TestApp) -> Value {
    let r = client().get(app.url("/api/openapi.json")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

/// (METHOD, path) of every operation in the document.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert((method.to_uppercase(), path.clone()));
        }
    }
    out
}

/// The JSON routes: those an API token opens (the seed's API), and the ones it does not need.
fn json_routes() -> Vec<(String, String)> {
    let mut routes: Vec<(String, String)> = server::middleware::TOKEN_ROUTES
        .iter()
        .filter(|(_, path, _)| !path.starts_with("/api/"))
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    for (m, p) in [
        ("POST", "/auth/register"),
        ("POST", "/auth/login"),
        ("POST", "/auth/logout"),
        ("POST", "/connections/shopify/initiate"),
        ("GET", "/healthz"),
        ("GET", "/readyz"),
    ] {
        routes.push((m.into(), p.into()));
    }
    routes
}

#[tokio::test]
async fn every_json_route_and_server_function_is_in_the_document_and_served() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    let listed = operations(&doc);

    for route in json_routes() {
        assert!(listed.contains(&route), "{route:?} is missing from the document");
    }
    let functions: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (method.as_str().to_owned(), path.to_owned()))
        .collect();
    assert!(functions.len() >= 10, "the app registers its server functions: {functions:?}");
    for f in &functions {
        assert!(listed.contains(f), "server function {f:?} is missing from the document");
    }
    assert_eq!(listed.len(), json_routes().len() + functions.len(), "nothing listed that is not a route: {listed:?}");

    // Every listed operation is served: signed out, it answers anything but 404 or 405.
    for (method, path) in &listed {
        let url = app.url(&path.replace("{id}", "1"));
        let r = client().request(Method::from_bytes(method.as_bytes()).unwrap(), url).send().await.unwrap();
        assert!(
            r.status() != StatusCode::NOT_FOUND && r.status() != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} answered {}",
            r.status()
        );
        // Every operation says what its failures look like (health checks aside, which have none).
        let op = &doc["paths"][path][method.to_lowercase()];
        let codes: Vec<&String> = op["responses"].as_object().unwrap().keys().collect();
        assert!(codes.iter().any(|c| c.starts_with('2')), "{method} {path}: {codes:?}");
        if !path.ends_with("z") {
            assert!(codes.iter().any(|c| !c.starts_with('2')), "{method} {path} lists its errors: {codes:?}");
        }
    }
}

/// The property names of a component schema.
fn fields(doc: &Value, schema: &str) -> BTreeSet<String> {
    doc["components"]["schemas"][schema]["properties"].as_object().unwrap().keys().cloned().collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn the_schemas_name_the_fields_the_routes_answer_with() {
    let w = World::new().await;
    let doc = document(&w.app).await;
    let json = |r: reqwest::RequestBuilder| async move {
        let r = r.header("accept", "application/json").send().await.unwrap();
        let status = r.status();
        (status, r.json::<Value>().await.unwrap())
    };

    let (status, rows) = json(w.browser.get(w.app.url("/sync/status"))).await;
    assert_eq!(status, StatusCode::OK);
    for row in rows.as_array().unwrap() {
        assert_eq!(keys(row), fields(&doc, "StoreStatus"), "{row}");
    }
    let (_, started) = json(w.browser.post(w.app.url("/sync"))).await;
    assert_eq!(keys(&started), fields(&doc, "SyncStarted"), "{started}");
    let (_, paused) = json(w.browser.post(w.app.url("/sync/pause"))).await;
    assert_eq!(keys(&paused), fields(&doc, "Message"), "{paused}");
    let (status, refused) = json(w.browser.delete(w.app.url("/connections/999999"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(keys(&refused), fields(&doc, "ErrorBody"), "{refused}");
    let (_, health) = json(w.browser.get(w.app.url("/healthz"))).await;
    assert_eq!(keys(&health), fields(&doc, "Health"));
    let (_, ready) = json(w.browser.get(w.app.url("/readyz"))).await;
    assert_eq!(keys(&ready), fields(&doc, "Ready"));

    let page = client().get(w.app.url("/api/reference")).send().await.unwrap().text().await.unwrap();
    for path in doc["paths"].as_object().unwrap().keys() {
        assert!(page.contains(&format!("<code>{path}</code>")), "the reference page shows {path}");
    }
    assert!(!page.contains("http://") && !page.contains("https://"), "the page loads nothing from elsewhere");
}
