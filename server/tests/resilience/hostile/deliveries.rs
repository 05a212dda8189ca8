//! Mutated webhook deliveries over HTTP against a real server: bad, missing and garbled
//! signatures, wrong shops and connections, huge and invalid bodies, odd headers, malformed raw
//! HTTP. Rejected deliveries must answer 4xx (never 5xx) and store nothing; correctly signed
//! garbage may be stored, but processing it must never create a Prokip sell.

use super::{props, scrub};
use crate::common::world::World;
use futures::StreamExt;
use mocks::{shopify as sm, woocommerce as wm};
use proptest::{prelude::*, strategy::ValueTree, test_runner::TestRunner};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Statuses seen for a batch of deliveries.
#[derive(Default)]
pub struct Outcome {
    pub sent: u64,
    /// 4xx, or 200 for the deliveries that are acknowledged without being stored.
    pub refused: u64,
    pub server_errors: u64,
    /// The connection broke without an answer (a panicking handler looks like this).
    pub broken: u64,
    pub unexpected: Vec<String>,
}

impl Outcome {
    fn note(&mut self, kind: &str, status: Option<u16>, acceptable: &[u16]) {
        self.sent += 1;
        match status {
            Some(s) if s >= 500 => {
                self.server_errors += 1;
                self.unexpected.push(format!("{kind}: {s}"));
            }
            Some(s) if acceptable.contains(&s) => self.refused += 1,
            Some(s) => self.unexpected.push(format!("{kind}: {s}")),
            None => {
                self.broken += 1;
                self.unexpected.push(format!("{kind}: no answer"));
            }
        }
    }
}

struct Post {
    kind: &'static str,
    url: String,
    headers: HeaderMap,
    body: Vec<u8>,
    acceptable: &'static [u16],
}

const REFUSED: &[u16] = &[400, 401, 404, 413, 415];
const ACKNOWLEDGED: &[u16] = &[200];

fn header(h: &mut HeaderMap, name: &'static str, value: &[u8]) {
    if let Ok(v) = HeaderValue::from_bytes(value) {
        h.append(HeaderName::from_static(name), v);
    }
}

/// One random delivery aimed at Shopify's endpoint.
fn shopify_post(w: &World, order: &str, case: &Case) -> Post {
    let secret = sm::DEMO_CLIENT_SECRET;
    let mut body = order.as_bytes().to_vec();
    let mut h = HeaderMap::new();
    header(&mut h, "content-type", b"application/json");
    header(&mut h, "x-shopify-topic", b"orders/create");
    header(&mut h, "x-shopify-webhook-id", uuid::Uuid::new_v4().to_string().as_bytes());
    let mut shop = sm::DEMO_SHOP.as_bytes().to_vec();
    let mut hmac = Some(props::sign(&body, secret).into_bytes());
    let mut acceptable = REFUSED;
    let kind = match case.kind % 12 {
        0 => {
            hmac = None;
            "missing hmac"
        }
        1 => {
            hmac = Some(case.text.clone().into_bytes());
            "random hmac"
        }
        2 => {
            flip(&mut body, case.at);
            "body changed after signing"
        }
        3 => {
            body.truncate(case.at % body.len().max(1));
            "body truncated after signing"
        }
        4 => {
            hmac = Some(props::sign(&body, "another-app-secret").into_bytes());
            "other app's secret"
        }
        5 => {
            body = huge(case.at);
            hmac = Some(case.text.clone().into_bytes());
            "huge body"
        }
        6 => {
            body = case.bytes.clone();
            body.push(0xff);
            "invalid UTF-8"
        }
        7 => {
            shop = format!("{}{}.myshopify.com", "evil-", case.at % 1000).into_bytes();
            acceptable = ACKNOWLEDGED;
            "signed, unknown shop"
        }
        8 => {
            h.insert("content-type", HeaderValue::from_static("text/plain; charset=latin1"));
            hmac = Some(case.text.clone().into_bytes());
            "wrong content type"
        }
        9 => {
            hmac = Some(vec![0xff, 0xfe, b'=', 0x80]);
            "non-ASCII hmac header"
        }
        10 => {
            body.truncate(case.at % body.len().max(1));
            hmac = Some(props::sign(&body, secret).into_bytes());
            "signed truncated JSON"
        }
        _ => {
            header(&mut h, "x-shopify-hmac-sha256", case.text.as_bytes());
            "duplicated hmac header"
        }
    };
    if case.kind % 12 == 10 && serde_json::from_slice::<Value>(&body).is_ok() {
        acceptable = &[200, 400];
    }
    if let Some(hmac) = hmac {
        header(&mut h, "x-shopify-hmac-sha256", &hmac);
    }
    header(&mut h, "x-shopify-shop-domain", &shop);
    Post { kind, url: w.app.url("/connections/webhook/shopify"), headers: h, body, acceptable }
}

/// One random delivery aimed at WooCommerce's endpoints.
fn woo_post(w: &World, hook: &wm::Webhook, order: &str, case: &Case) -> Post {
    let mut body = order.as_bytes().to_vec();
    let mut url = hook.delivery_url.clone();
    let mut h = HeaderMap::new();
    header(&mut h, "content-type", b"application/json");
    header(&mut h, "x-wc-webhook-topic", b"order.created");
    let mut signature = Some(props::sign(&body, &hook.secret).into_bytes());
    let mut acceptable = REFUSED;
    let kind = match case.kind % 12 {
        0 => {
            signature = None;
            "missing signature"
        }
        1 => {
            signature = Some(case.text.clone().into_bytes());
            "random signature"
        }
        2 => {
            flip(&mut body, case.at);
            "body changed after signing"
        }
        3 => {
            body.truncate(case.at % body.len().max(1));
            "body truncated after signing"
        }
        4 => {
            signature = Some(props::sign(&body, "someone-elses-secret").into_bytes());
            "other secret"
        }
        5 => {
            body = huge(case.at);
            "huge body"
        }
        6 => {
            body = case.bytes.clone();
            body.push(0xff);
            "invalid UTF-8"
        }
        7 => {
            url = w.app.url(&format!("/connections/webhook/woocommerce/{}", w.shopify_connection));
            "signed, a Shopify connection's URL"
        }
        8 => {
            let ids = ["999999999", "-1", "0", "abc", "1%27%20OR%201=1", "9223372036854775808"];
            url = w.app.url(&format!("/connections/webhook/woocommerce/{}", ids[case.at % ids.len()]));
            "signed, unknown connection id"
        }
        9 => {
            url = w.app.url("/connections/webhook/woocommerce");
            header(&mut h, "x-wc-webhook-source", format!("https://evil{}.example/", case.at % 100).as_bytes());
            "signed, bare URL with another store as source"
        }
        10 => {
            body.truncate(case.at % body.len().max(1));
            signature = Some(props::sign(&body, &hook.secret).into_bytes());
            "signed truncated JSON"
        }
        _ => {
            h.insert("content-type", HeaderValue::from_static("application/x-www-form-urlencoded"));
            body = format!("webhook_id={}", case.at).into_bytes();
            signature = None;
            acceptable = ACKNOWLEDGED;
            "ping"
        }
    };
    if case.kind % 12 == 10 && serde_json::from_slice::<Value>(&body).is_ok() {
        acceptable = &[200, 400];
    }
    if let Some(s) = signature {
        header(&mut h, "x-wc-webhook-signature", &s);
    }
    Post { kind, url, headers: h, body, acceptable }
}

fn flip(body: &mut [u8], at: usize) {
    if !body.is_empty() {
        let i = at % body.len();
        body[i] ^= 0x20;
    }
}

/// A 3 MiB body every 40th case, 300 KiB otherwise.
fn huge(at: usize) -> Vec<u8> {
    let size = if at.is_multiple_of(40) { 3 << 20 } else { 300 << 10 };
    let mut body = b"{\"id\":1,\"line_items\":[".to_vec();
    body.resize(size, b' ');
    body
}

#[derive(Debug, Clone)]
pub struct Case {
    kind: usize,
    at: usize,
    text: String,
    bytes: Vec<u8>,
}

/// Random cases drawn from a proptest strategy.
pub fn cases(n: usize) -> Vec<Case> {
    let strategy = (any::<usize>(), any::<usize>(), "[ -~]{0,60}", prop::collection::vec(any::<u8>(), 0..200))
        .prop_map(|(kind, at, text, bytes)| Case { kind, at, text, bytes });
    let mut runner = TestRunner::default();
    (0..n).map(|_| strategy.new_tree(&mut runner).expect("case").current()).collect()
}

async fn send_all(posts: Vec<Post>) -> Outcome {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let results: Vec<(&'static str, Option<u16>, &'static [u16])> = futures::stream::iter(posts)
        .map(|p| {
            let client = client.clone();
            async move {
                // One retry for a transport error (a pooled connection closed as we wrote): a
                // handler that panics is counted by the panic hook, not guessed from this.
                let mut status = None;
                for _ in 0..2 {
                    let r = client.post(&p.url).headers(p.headers.clone()).body(p.body.clone()).send().await;
                    if let Ok(r) = r {
                        status = Some(r.status().as_u16());
                        break;
                    }
                }
                (p.kind, status, p.acceptable)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let mut out = Outcome::default();
    for (kind, status, acceptable) in results {
        out.note(kind, status, acceptable);
    }
    out
}

/// `n` mutated deliveries to each platform's endpoint.
pub async fn mutated(w: &World, shopify_order: &str, woo_order: &str, n: usize) -> Outcome {
    let hook =
        w.woo.webhooks(wm::DEMO_STORE).into_iter().find(|h| h.topic == "order.created").expect("order.created hook");
    crate::logs::secret(hook.secret.clone());
    let mut posts: Vec<Post> = cases(n).iter().map(|c| shopify_post(w, shopify_order, c)).collect();
    posts.extend(cases(n).iter().map(|c| woo_post(w, &hook, woo_order, c)));
    send_all(posts).await
}

/// Correctly signed bodies that are not usable orders (random JSON, real orders mutated, every
/// SKU replaced by one nobody has): answered 200 or 400.
pub async fn signed_garbage(w: &World, shopify_order: &Value, woo_order: &Value, n: usize) -> Outcome {
    let hook =
        w.woo.webhooks(wm::DEMO_STORE).into_iter().find(|h| h.topic == "order.created").expect("order.created hook");
    let bodies = super::garbage_bodies(shopify_order, woo_order, n);
    let topics_shop = ["orders/create", "orders/paid", "orders/updated", "orders/cancelled", "refunds/create"];
    let topics_woo = ["order.created", "order.updated", "order.deleted", "order.restored"];
    let mut posts = Vec::new();
    for (i, (mut shop_body, mut woo_body)) in bodies.into_iter().enumerate() {
        scrub(&mut shop_body);
        scrub(&mut woo_body);
        let body = shop_body.to_string().into_bytes();
        let mut h = HeaderMap::new();
        header(&mut h, "content-type", b"application/json");
        header(&mut h, "x-shopify-topic", topics_shop[i % topics_shop.len()].as_bytes());
        header(&mut h, "x-shopify-shop-domain", sm::DEMO_SHOP.as_bytes());
        header(&mut h, "x-shopify-webhook-id", uuid::Uuid::new_v4().to_string().as_bytes());
        header(&mut h, "x-shopify-hmac-sha256", props::sign(&body, sm::DEMO_CLIENT_SECRET).as_bytes());
        posts.push(Post {
            kind: "signed garbage (Shopify)",
            url: w.app.url("/connections/webhook/shopify"),
            headers: h,
            body,
            acceptable: &[200, 400],
        });
        let body = woo_body.to_string().into_bytes();
        let mut h = HeaderMap::new();
        header(&mut h, "content-type", b"application/json");
        header(&mut h, "x-wc-webhook-topic", topics_woo[i % topics_woo.len()].as_bytes());
        header(&mut h, "x-wc-webhook-signature", props::sign(&body, &hook.secret).as_bytes());
        posts.push(Post {
            kind: "signed garbage (Woo)",
            url: hook.delivery_url.clone(),
            headers: h,
            body,
            acceptable: &[200, 400],
        });
    }
    send_all(posts).await
}

/// Malformed HTTP written straight to the socket: hyper must refuse it (4xx or a closed
/// connection), never reach a handler that answers 5xx.
pub async fn raw_http(base: &str) -> Outcome {
    let addr = base.trim_start_matches("http://").to_owned();
    let long = "a".repeat(200 * 1024);
    let requests: Vec<(&'static str, Vec<u8>)> = vec![
        ("bare CR in a header", b"POST /connections/webhook/shopify HTTP/1.1\r\nHost: x\r\nX-Shopify-Topic: orders/create\rX-Injected: 1\r\nContent-Length: 2\r\n\r\n{}".to_vec()),
        ("NUL in a header", b"POST /connections/webhook/shopify HTTP/1.1\r\nHost: x\r\nX-Shopify-Hmac-Sha256: a\0b\r\nContent-Length: 2\r\n\r\n{}".to_vec()),
        ("200 KiB header", format!("POST /connections/webhook/woocommerce HTTP/1.1\r\nHost: x\r\nX-WC-Webhook-Signature: {long}\r\nContent-Length: 2\r\n\r\n{{}}").into_bytes()),
        ("both Content-Length and chunked", b"POST /connections/webhook/woocommerce/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n".to_vec()),
        ("broken chunk size", b"POST /connections/webhook/shopify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".to_vec()),
        ("two Content-Lengths", b"POST /connections/webhook/shopify HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\n{}".to_vec()),
        ("obsolete line folding", b"POST /connections/webhook/shopify HTTP/1.1\r\nHost: x\r\nX-Shopify-Topic: orders/create\r\n app/uninstalled\r\nContent-Length: 2\r\n\r\n{}".to_vec()),
        ("Content-Length larger than the body", b"POST /connections/webhook/woocommerce HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}".to_vec()),
    ];
    let mut out = Outcome::default();
    for (kind, bytes) in requests {
        let status = async {
            let mut s = tokio::net::TcpStream::connect(&addr).await.ok()?;
            s.write_all(&bytes).await.ok()?;
            let _ = s.shutdown().await;
            let mut buf = Vec::new();
            tokio::time::timeout(std::time::Duration::from_secs(5), s.read_to_end(&mut buf)).await.ok()?.ok()?;
            let text = String::from_utf8_lossy(&buf);
            text.split(' ').nth(1).and_then(|c| c.parse::<u16>().ok())
        }
        .await;
        // No answer at all is a refusal here (hyper closes on a parse error).
        out.note(kind, Some(status.unwrap_or(400)), &[400, 401, 413, 431]);
    }
    out
}
