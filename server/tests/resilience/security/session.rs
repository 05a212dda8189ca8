//! Browser-facing protections: cross-site POSTs refused on every route, the session id rotated at
//! sign-in (a planted id stays useless) and dead after sign-out, the sixth wrong password refused,
//! and the session cookie's flags (HttpOnly, SameSite, Secure when `PUBLIC_URL` is https).

use super::Check;
use crate::{
    common::{self, TestApp, session_cookie, world::World},
    logs,
};
use app::backend::session_store::PgSessionStore;
use tower_sessions::{
    SessionStore,
    cookie::time::{Duration, OffsetDateTime},
    session::{Id, Record},
};

/// Every POST route of the router (ids are A's own objects).
fn post_routes(w: &World) -> Vec<String> {
    let (woo, shop) = (w.woo_connection, w.shopify_connection);
    let mut routes: Vec<String> = [
        "/login",
        "/register",
        "/logout",
        "/auth/register",
        "/auth/login",
        "/auth/logout",
        "/connections/prokip",
        "/connections/prokip/login",
        "/connections/prokip/token",
        "/connections/prokip/location",
        "/connections/prokip/disconnect",
        "/settings/payment-method",
        "/settings/customer",
        "/settings/api-tokens",
        "/settings/alerts",
        "/settings/alerts/test",
        "/connections/shopify/start",
        "/connections/shopify/initiate",
        "/connections/webhook/shopify",
        "/connections/webhook/shopify/compliance",
        "/connections/woocommerce",
        "/connections/woocommerce/grant",
        "/connections/woocommerce/callback",
        "/connections/webhook/woocommerce",
        "/sync/pull-orders",
        "/sync",
        "/sync/pause",
        "/sync/resume",
        "/products/reindex",
        "/products/sync",
        "/api/overview",
        "/api/connections",
        "/api/settings",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    routes.extend([
        format!("/settings/stores/{woo}/trigger"),
        format!("/connections/webhook/woocommerce/{woo}"),
        format!("/connections/{woo}/sync"),
        format!("/connections/{shop}/buffer"),
        format!("/connections/{shop}/disconnect"),
        "/orders/1/retry".into(),
        "/activity/1/retry".into(),
        format!("/products/create/{woo}"),
    ]);
    routes
}

/// A's own browser, from another site: Origin or Sec-Fetch-Site gives it away → 403, nothing changes.
pub async fn cross_site(w: &World) -> Check {
    let mut check = Check::default();
    let form = [
        ("enabled", "false"),
        ("safety_buffer", "7"),
        ("confirm", "yes"),
        ("trigger", "completed"),
        ("payment_method", "cash"),
        ("customer_mode", "email"),
        ("username", "amina"),
        ("password", "correct horse"),
        ("store_url", "evil-shop"),
    ];
    // A's own background work (the sweeper retries A's held order every minute) can change A
    // during the round, so a difference is measured again, up to three rounds: a POST that gets
    // through changes A every time, a sweeper pass does not recur within seconds.
    let mut answers = Vec::new();
    let mut unchanged = false;
    for _ in 0..3 {
        let before = super::tenants::account_print(w, w.account_id).await;
        answers.clear();
        for path in post_routes(w) {
            for (name, value) in
                [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site"), ("sec-fetch-site", "same-site")]
            {
                let r = w.browser.post(w.app.url(&path)).header(name, value).form(&form).send().await;
                let status = r.map(|r| r.status().as_u16()).unwrap_or(0);
                answers.push((status == 403, format!("{path} with {name}: {value} → {status}")));
            }
        }
        crate::hostile::settle(&w.app, 10).await;
        if super::tenants::account_print(w, w.account_id).await == before {
            unchanged = true;
            break;
        }
    }
    for (refused, what) in answers {
        check.record(refused, what);
    }
    check.record(unchanged, "A's data changed under cross-site POSTs");
    // The dashboard's own origin still works (the refusal is about the site, not the route).
    let r = w
        .browser
        .post(w.app.url("/settings/customer"))
        .header("origin", w.app.base.as_str())
        .header("sec-fetch-site", "same-origin")
        .form(&[("customer_mode", "walk_in")])
        .send()
        .await;
    check.record(
        r.is_ok_and(|r| !super::refused(&r) && r.status().is_redirection()),
        "a same-origin form post was refused",
    );
    check
}

pub async fn sessions(w: &World) -> Check {
    let mut check = Check::default();
    let app = &w.app;
    logs::secret("dora's long passphrase");
    app.register(&app.new_browser(), "dora", "dora's long passphrase", "Dora Ltd").await;
    // An attacker plants a session id of their own in the victim's browser ...
    let mut planted = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: OffsetDateTime::now_utc() + Duration::hours(1),
    };
    let created = PgSessionStore::new(app.db.clone()).create(&mut planted).await.is_ok();
    let planted = format!("prokip_sync_session={}", planted.id);
    for (via, json) in [("form", false), ("JSON", true)] {
        let victim = common::client();
        let req = victim.post(app.url(if json { "/auth/login" } else { "/login" })).header("cookie", &planted);
        let req = if json {
            req.json(&serde_json::json!({"username": "dora", "password": "dora's long passphrase"}))
        } else {
            req.form(&[("username", "dora"), ("password", "dora's long passphrase")])
        };
        let Ok(r) = req.send().await else {
            check.record(false, format!("{via} login did not answer"));
            continue;
        };
        let issued = session_cookie(&r).map(|c| c.split(';').next().unwrap_or_default().to_owned()).unwrap_or_default();
        check.record(
            created && !issued.is_empty() && issued != planted,
            format!("{via} login kept the planted session id"),
        );
        let attacker = common::client();
        let planted_opens = attacker
            .get(app.url("/"))
            .header("cookie", &planted)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        check.record(
            planted_opens == 303,
            format!("the planted id opens the dashboard after {via} login ({planted_opens})"),
        );
        let mine =
            victim.get(app.url("/")).header("cookie", &issued).send().await.map(|r| r.status().as_u16()).unwrap_or(0);
        check.record(mine == 200, format!("the issued cookie does not open the dashboard ({mine})"));
        let logout = victim
            .post(app.url(if json { "/auth/logout" } else { "/logout" }))
            .header("cookie", &issued)
            .send()
            .await
            .is_ok();
        let after =
            attacker.get(app.url("/")).header("cookie", &issued).send().await.map(|r| r.status().as_u16()).unwrap_or(0);
        check.record(
            logout && after == 303,
            format!("the cookie still opens the dashboard after {via} logout ({after})"),
        );
        let api = attacker
            .post(app.url("/api/overview"))
            .header("cookie", &issued)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        check.record(api == 401, format!("the cookie still reads /api/overview after {via} logout ({api})"));
    }
    check
}

/// Five wrong passwords lock the username: the sixth attempt is refused even with the right one.
pub async fn throttle(w: &World) -> Check {
    let app = &w.app;
    let mut check = Check::default();
    logs::secret("erin's long passphrase");
    app.register(&app.new_browser(), "erin", "erin's long passphrase", "Erin Co").await;
    let c = app.new_browser();
    for i in 1..=5 {
        let r = app.login(&c, "erin", &format!("wrong password {i}")).await;
        let location = common::location(&r);
        check.record(location.starts_with("/login?error="), format!("bad attempt {i} → {location}"));
    }
    let r = app.login(&c, "erin", "wrong password 6").await;
    let sixth = common::location(&r);
    let said = app.follow(&c, &sixth).await;
    check.record(
        sixth.contains("error=") && said.contains("Too many failed sign-in attempts"),
        format!("6th bad attempt → {sixth}"),
    );
    let r = app.login(&c, "erin", "erin's long passphrase").await;
    let right = common::location(&r);
    check.record(right.contains("error="), format!("the right password while locked → {right}"));
    let r = c
        .post(app.url("/auth/login"))
        .json(&serde_json::json!({"username": "erin", "password": "erin's long passphrase"}))
        .send()
        .await;
    let status = r.map(|r| r.status().as_u16()).unwrap_or(0);
    check.record(status == 429, format!("JSON login while locked → {status}"));
    check
}

fn flags(cookie: &str) -> (bool, bool, bool) {
    let lower = cookie.to_ascii_lowercase();
    (
        lower.contains("; httponly"),
        lower.contains("; samesite=lax") || lower.contains("; samesite=strict"),
        lower.contains("; secure"),
    )
}

/// HttpOnly and SameSite always; Secure exactly when the public address is https.
pub async fn cookies(w: &World) -> Check {
    let mut check = Check::default();
    let r = w.app.login(&w.app.new_browser(), "amina", "correct horse").await;
    let cookie = session_cookie(&r).unwrap_or_default();
    let (http_only, same_site, secure) = flags(&cookie);
    check.record(http_only && same_site && !secure, format!("http PUBLIC_URL: {cookie}"));
    let https = TestApp::spawn_with(&[("PUBLIC_URL", "https://sync.example.com")]).await;
    let r = https.register(&https.new_browser(), "fatma", "fatma's long passphrase", "Fatma").await;
    logs::secret("fatma's long passphrase");
    let cookie = session_cookie(&r).unwrap_or_default();
    let (http_only, same_site, secure) = flags(&cookie);
    check.record(http_only && same_site && secure, format!("https PUBLIC_URL: {cookie}"));
    check
}
