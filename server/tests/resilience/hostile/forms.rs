//! Every form, JSON route and server function the router has, signed in, with mutated fields
//! (missing, huge, wrong types, negative or foreign ids, SQL/HTML metacharacters). Each must answer
//! with a clear refusal (4xx, or a redirect carrying `error=`) and never 5xx, and the account's
//! data must be exactly as before.

use crate::common::world::World;
use futures::StreamExt;
use reqwest::{Client, Method};

/// What the batch saw.
#[derive(Default)]
pub struct Outcome {
    pub sent: u64,
    pub refused: u64,
    pub server_errors: Vec<String>,
    /// Answered without an error (the input was taken as valid); listed, checked by the fingerprint.
    pub taken: Vec<String>,
    pub no_answer: Vec<String>,
}

/// Values no field should accept as they are.
pub fn nasty() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        "-1",
        "0",
        "abc",
        "9223372036854775808",
        "-9223372036854775809",
        "1e309",
        "NaN",
        "1.5",
        "'; DROP TABLE users; --",
        "\" OR 1=1 --",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "%00",
        "\u{0}",
        "\u{202e}𝕏😀",
        "true",
        "null",
        "[]",
        "{}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(100_000));
    v
}

/// Path ids that are not the caller's objects.
const IDS: [&str; 7] = ["-1", "0", "999999999", "9223372036854775807", "9223372036854775808", "abc", "1%20OR%201=1"];

struct Req {
    what: String,
    method: Method,
    path: String,
    form: Option<Vec<(String, String)>>,
    json: Option<String>,
}

fn form(what: &str, path: &str, fields: &[(&str, &str)]) -> Req {
    let form = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Req { what: what.to_owned(), method: Method::POST, path: path.to_owned(), form: Some(form), json: None }
}

fn json(what: &str, path: &str, body: String) -> Req {
    Req { what: what.to_owned(), method: Method::POST, path: path.to_owned(), form: None, json: Some(body) }
}

/// Every (route, field) with every nasty value, plus each field left out.
fn requests(w: &World) -> Vec<Req> {
    let mut out = Vec::new();
    let single: [(&str, &str); 16] = [
        ("/connections/prokip/token", "token"),
        ("/connections/prokip/location", "location_id"),
        ("/settings/payment-method", "payment_method"),
        ("/settings/customer", "customer_mode"),
        ("/connections/shopify/start", "store_url"),
        ("/connections/woocommerce/grant", "store_url"),
        ("/connections/{w}/buffer", "safety_buffer"),
        ("/connections/{w}/sources", "source"),
        ("/connections/{w}/sources", "sell_at"),
        ("/connections/{w}/store-location", "location"),
        ("/connections/{w}/feeds", "feed-1"),
        ("/connections/{w}/disconnect", "confirm"),
        ("/settings/stores/{w}/trigger", "trigger"),
        ("/connections/woocommerce/callback", "consumer_key"),
        ("/settings/api-tokens", "token_name"),
        ("/settings/alerts", "alert_webhook_url"),
    ];
    for v in nasty() {
        for (path, field) in single {
            let path = path.replace("{w}", &w.woo_connection.to_string());
            out.push(form(&format!("{path} {field}={}", short(&v)), &path, &[(field, &v)]));
        }
        out.push(form(&format!("sign-in form user={}", short(&v)), "/login", &[("username", &v), ("password", &v)]));
        out.push(form(
            &format!("register form name={}", short(&v)),
            "/register",
            &[("username", &v), ("password", "short"), ("business_name", &v)],
        ));
        out.push(form(
            &format!("register form business={}", short(&v)),
            "/register",
            &[("username", "newcomer"), ("password", "long enough pass"), ("business_name", &format!("B{v}\u{0}"))],
        ));
        out.push(form(
            &format!("prokip login user={}", short(&v)),
            "/connections/prokip/login",
            &[("username", &v), ("password", &v)],
        ));
        let store = w.woo.store_url(mocks::woocommerce::DEMO_STORE);
        out.push(form(
            &format!("woo keys ck={}", short(&v)),
            "/connections/woocommerce",
            &[("store_url", &store), ("consumer_key", &v), ("consumer_secret", &v)],
        ));
        out.push(form(
            &format!("woo keys url={}", short(&v)),
            "/connections/woocommerce",
            &[("store_url", &v), ("consumer_key", "ck_x"), ("consumer_secret", "cs_x")],
        ));
        // A URL stays under 64 KiB (longer ones never leave the client).
        let q: String = v.chars().take(8_000).collect();
        out.push(get(
            &format!("shopify callback {}", short(&q)),
            &format!("/connections/callback/shopify?shop={0}&code={0}&state={0}&hmac={0}", enc(&q)),
        ));
        out.push(get(
            &format!("woo return {}", short(&q)),
            &format!("/connections/woocommerce/return?success=1&user_id={}", enc(&q)),
        ));
        out.push(form(
            &format!("server fn products page={}", short(&v)),
            "/api/products",
            &[("q", &v), ("status", &v), ("page", &v)],
        ));
        out.push(form(
            &format!("server fn activity open_only={}", short(&v)),
            "/api/activity",
            &[("open_only", &v), ("q", &v), ("kind", &v), ("page", &v)],
        ));
        for (name, template) in [
            ("prokip JSON", r#"{"token":V,"locationId":V}"#),
            ("woo JSON", r#"{"storeUrl":V,"consumerKey":V,"consumerSecret":V}"#),
            ("shopify initiate", r#"{"storeUrl":V}"#),
            ("auth login JSON", r#"{"username":V,"password":V}"#),
        ] {
            let as_json = serde_json::to_string(&v).unwrap_or_default();
            let path = match name {
                "prokip JSON" => "/connections/prokip",
                "woo JSON" => "/connections/woocommerce",
                "shopify initiate" => "/connections/shopify/initiate",
                _ => "/auth/login",
            };
            out.push(json(&format!("{name} {}", short(&v)), path, template.replace('V', &as_json)));
        }
    }
    // Wrong JSON types and shapes on every JSON route.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    for body in [
        "",
        "{",
        "null",
        "[]",
        "\"x\"",
        "7",
        r#"{"token":5,"locationId":{"a":[]}}"#,
        r#"{"storeUrl":[1,2],"consumerKey":false}"#,
        r#"{"username":1,"password":[]}"#,
        &deep,
    ] {
        for path in [
            "/connections/prokip",
            "/connections/woocommerce",
            "/connections/shopify/initiate",
            "/auth/login",
            "/auth/register",
        ] {
            out.push(json(&format!("{path} body {}", short(body)), path, body.to_owned()));
        }
    }
    // Ids that are not the caller's, on every route that takes one.
    for id in IDS {
        for (path, fields) in [
            ("/connections/{id}/sync", vec![("enabled", "false")]),
            ("/connections/{id}/buffer", vec![("safety_buffer", "5")]),
            ("/connections/{id}/sources", vec![("source", "1")]),
            ("/connections/{id}/store-location", vec![("location", "gid://shopify/Location/1")]),
            ("/connections/{id}/feeds", vec![("feed-1", "gid://shopify/Location/1")]),
            ("/connections/{id}/disconnect", vec![("confirm", "yes")]),
            ("/settings/stores/{id}/trigger", vec![("trigger", "completed")]),
            ("/orders/{id}/retry", vec![]),
            ("/activity/{id}/retry", vec![]),
            ("/products/create/{id}", vec![("sku", "AS0001")]),
            ("/settings/api-tokens/{id}/revoke", vec![]),
        ] {
            let path = path.replace("{id}", id);
            out.push(form(&path.to_string(), &path, &fields));
        }
    }
    out
}

fn get(what: &str, path: &str) -> Req {
    Req { what: what.to_owned(), method: Method::GET, path: path.to_owned(), form: None, json: None }
}

fn enc(v: &str) -> String {
    serde_urlencoded::to_string([("", v)]).unwrap_or_default().trim_start_matches('=').to_owned()
}

fn short(v: &str) -> String {
    let s: String = v.chars().take(24).collect();
    if v.chars().count() > 24 { format!("{s}…({} chars)", v.chars().count()) } else { format!("{s:?}") }
}

/// A request's status and body, or why it got no answer.
type Answer = Result<(u16, String), String>;

/// Sends everything as the signed-in merchant of `browser`.
pub async fn run(w: &World, browser: &Client) -> Outcome {
    let reqs = requests(w);
    let results: Vec<(String, Answer)> = futures::stream::iter(reqs)
        .map(|r| {
            let mut b =
                browser.request(r.method.clone(), w.app.url(&r.path)).timeout(std::time::Duration::from_secs(60));
            if let Some(f) = &r.form {
                b = b.form(f);
            }
            if let Some(j) = r.json.clone() {
                b = b.header("content-type", "application/json").body(j);
            }
            async move {
                let res = b.send().await.map_err(|e| e.to_string()).map(|resp| {
                    let location =
                        resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
                    (resp.status().as_u16(), location)
                });
                (r.what, res)
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut out = Outcome::default();
    for (what, res) in results {
        out.sent += 1;
        match res {
            Ok((status, _)) if status >= 500 => out.server_errors.push(format!("{what} → {status}")),
            Ok((status, _)) if (400..500).contains(&status) => out.refused += 1,
            Ok((_, location)) if location.contains("error") => out.refused += 1,
            Ok((status, location)) => out.taken.push(format!("{what} → {status} {location}")),
            Err(e) => out.no_answer.push(format!("{what}: {e}")),
        }
    }
    out
}
