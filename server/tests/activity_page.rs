//! The Activity page pages through the log, searches subject and detail (any case, `%` and `_`
//! as typed), filters by kind and to open problems, and shows only the caller's entries.

mod common;

use common::TestApp;

async fn page(app: &TestApp, c: &reqwest::Client, path: &str) -> String {
    common::shown(&c.get(app.url(path)).send().await.unwrap().text().await.unwrap())
}

#[tokio::test]
async fn the_log_is_paged_searched_and_filtered() {
    let app = TestApp::spawn().await;
    let c = app.new_browser();
    app.register(&c, "amina", "correct horse", "Amina Traders").await;
    let other = app.new_browser();
    app.register(&other, "bahati", "correct horse", "Bahati Shop").await;
    // 60 order entries (every tenth failed and open), 10 stock entries, and one of another account.
    app.sql(
        "INSERT INTO activity (account_id, kind, subject, status, detail, at)
         SELECT a.account_id, 'order', 'WooCommerce order #' || n,
                CASE WHEN n % 10 = 0 THEN 'failed' ELSE 'ok' END,
                CASE WHEN n = 7 THEN 'Prokip said: 100% sold_out' END, now() - make_interval(mins => n)
         FROM users a, generate_series(1, 60) n WHERE a.username = 'amina'",
    )
    .await;
    app.sql(
        "INSERT INTO activity (account_id, kind, subject, status, at)
         SELECT a.account_id, 'stock', 'SKU AS00' || n || ' → shop', 'ok', now() - make_interval(hours => n)
         FROM users a, generate_series(10, 19) n WHERE a.username = 'amina'",
    )
    .await;
    app.sql(
        "INSERT INTO activity (account_id, kind, subject, status, at)
         SELECT account_id, 'order', 'Secret order of bahati', 'failed', now() FROM users WHERE username = 'bahati'",
    )
    .await;

    let all = page(&app, &c, "/activity").await;
    assert!(all.contains("70 entries · page 1 of 2"), "{all}");
    assert!(all.contains("WooCommerce order #1<") && !all.contains("WooCommerce order #60<"), "newest first");
    assert!(!all.contains("Secret order of bahati"), "another account's entry");
    let older = page(&app, &c, "/activity?page=2").await;
    assert!(older.contains("SKU AS0019 → shop") && !older.contains("WooCommerce order #1<"), "{older}");

    // Subject and detail, any case; `%` and `_` match only themselves.
    let html = page(&app, &c, "/activity?q=ORDER+%2342").await;
    assert!(html.contains("1 entries") && html.contains("WooCommerce order #42<"), "{html}");
    let html = page(&app, &c, "/activity?q=100%25+sold_out").await;
    assert!(html.contains("1 entries") && html.contains("WooCommerce order #7<"), "{html}");
    let html = page(&app, &c, "/activity?q=sold%25out").await;
    assert!(html.contains("Nothing matches."), "{html}");

    let html = page(&app, &c, "/activity?kind=stock").await;
    assert!(html.contains("10 entries · page 1 of 1"), "{html}");
    let html = page(&app, &c, "/activity?open=1&kind=order").await;
    assert!(html.contains("6 entries") && !html.contains("Retry all open problems"), "no entry has a Retry: {html}");
    let html = page(&app, &c, "/activity?kind=everything").await;
    assert!(html.contains("“everything” is not a kind of activity to filter by."), "{html}");
}
