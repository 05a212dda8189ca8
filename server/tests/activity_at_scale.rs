//! The activity log of a busy account: every order resolves the open problems about it, and that
//! reads the open problems only, not the account's whole history; an order's page and a SKU's page
//! read that order's or SKU's entries only. Counted as the rows PostgreSQL read for the calls (its
//! own per-transaction statistics), never as time.

mod common;

use app::backend::db::activity::{self, About, StockScope};
use common::TestApp;
use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement, TransactionTrait};

/// Entries of history: a few weeks of orders and stock pushes of a busy store.
const HISTORY: i64 = 20_000;

/// A merchant with a shop whose log holds [`HISTORY`] entries and three open problems: order `o1`,
/// SKU `SKU7`'s stock and webhook event 5. Returns (account, store connection).
async fn busy_account(app: &TestApp) -> (i64, i64) {
    let browser = app.new_browser();
    let (account, store) = app.merchant_with_shop_row(&browser).await;
    // History: orders that went through, failures resolved since, stock pushes.
    app.sql(&format!(
        "INSERT INTO activity (account_id, kind, subject, status, resolved, connection_id, order_id, sku, at)
         SELECT {account},
                CASE WHEN n % 3 = 0 THEN 'stock' ELSE 'order' END,
                'entry ' || n,
                CASE WHEN n % 10 = 0 THEN 'failed' ELSE 'ok' END,
                n % 10 = 0,
                {store},
                CASE WHEN n % 3 = 0 THEN NULL ELSE 'o' || n END,
                CASE WHEN n % 3 = 0 THEN 'SKU' || (n % 500) END,
                now() - make_interval(secs => n)
           FROM generate_series(1, {HISTORY}) n"
    ))
    .await;
    // Open now: one order, one SKU's stock, one webhook event.
    app.sql(&format!(
        "INSERT INTO activity (account_id, kind, subject, status, connection_id, order_id, sku, event_id, retry) VALUES
           ({account}, 'order', 'Shopify order #1', 'needs_attention', {store}, 'o1', NULL, NULL, NULL),
           ({account}, 'stock', 'SKU SKU7 → amina', 'failed', {store}, NULL, 'SKU7', NULL, '{{\"job\": \"push_stock\", \"skus\": [\"SKU7\"]}}'),
           ({account}, 'order', 'orders/paid event 5', 'failed', {store}, NULL, NULL, 5, NULL)"
    ))
    .await;
    app.sql("ANALYZE activity").await;
    (account, store)
}

/// Activity rows PostgreSQL has read in this transaction so far.
async fn rows_read(txn: &DatabaseTransaction) -> i64 {
    txn.query_one_raw(Statement::from_string(
        txn.get_database_backend(),
        "SELECT (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::int8
           FROM pg_stat_xact_user_tables WHERE relname = 'activity'",
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index::<i64>(0)
    .unwrap()
}

#[tokio::test]
async fn resolving_problems_reads_the_open_problems_not_the_history() {
    let app = TestApp::spawn().await;
    let (account, store) = busy_account(&app).await;
    assert_eq!(activity::count_open(&app.state.db, account).await.unwrap(), 3);

    let txn = app.state.db.begin().await.unwrap();
    // More calls than PostgreSQL plans one by one before it may switch to a generic plan.
    for _ in 0..8 {
        activity::resolve(&txn, account, &About::order(store, "o2")).await.unwrap();
        activity::resolve(&txn, account, &About::event(store, 6)).await.unwrap();
        activity::resolve_covered(&txn, account, StockScope::Items(store, &["SKU8".to_owned()]), None).await.unwrap();
        activity::resolve_covered(&txn, account, StockScope::Store(store), Some(&[])).await.unwrap();
        activity::count_open(&txn, account).await.unwrap();
    }
    activity::resolve(&txn, account, &About::order(store, "o1")).await.unwrap();
    activity::resolve(&txn, account, &About::event(store, 5)).await.unwrap();
    activity::resolve_covered(&txn, account, StockScope::Items(store, &["SKU7".to_owned()]), Some(&["SKU7".into()]))
        .await
        .unwrap();
    let read = rows_read(&txn).await;
    assert_eq!(activity::count_open(&txn, account).await.unwrap(), 0, "each open problem was resolved");
    txn.commit().await.unwrap();
    // 43 calls over 3 open problems: a few hundred rows at most. Reading the history would be
    // tens of thousands per call.
    assert!(read < 1_000, "the calls read {read} activity rows for 3 open problems in a history of {HISTORY}");
    assert_eq!(
        app.scalar(&format!("SELECT count(*) FROM activity WHERE account_id = {account} AND resolved")).await,
        HISTORY / 10 + 3,
        "only the open problems were marked resolved"
    );
}

#[tokio::test]
async fn an_order_page_and_a_sku_page_read_their_own_entries_not_the_history() {
    let app = TestApp::spawn().await;
    let (account, store) = busy_account(&app).await;
    let expected = |sql: String| {
        let app = &app;
        async move { app.scalar(&sql).await as usize }
    };
    let order_entries =
        expected(format!("SELECT count(*) FROM activity WHERE account_id = {account} AND order_id = 'o4'")).await;
    let sku_entries =
        expected(format!("SELECT count(*) FROM activity WHERE account_id = {account} AND sku IN ('SKU7', 'SKU8')"))
            .await;
    assert!(order_entries >= 1 && sku_entries > 20, "{order_entries} order entries, {sku_entries} SKU entries");

    let txn = app.state.db.begin().await.unwrap();
    let skus = ["SKU7".to_owned(), "SKU8".to_owned()];
    // As many page views as PostgreSQL plans one by one before it may switch to a generic plan.
    for _ in 0..8 {
        let entries = activity::for_order(&txn, account, store, "o4").await.unwrap();
        assert_eq!(entries.len(), order_entries);
        assert!(entries.iter().all(|e| e.order_id.as_deref() == Some("o4")));
        let latest = activity::about_skus(&txn, account, &skus, 10).await.unwrap();
        assert_eq!(latest.len(), 10);
        assert!(latest.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
        assert_eq!(latest[0].sku.as_deref(), Some("SKU7"), "the open problem is the newest");
    }
    let read = rows_read(&txn).await;
    txn.commit().await.unwrap();
    // 16 page reads of a few dozen entries each: well under a thousand rows. Reading the history
    // would be tens of thousands per call.
    assert!(read < 1_000, "the pages read {read} activity rows in a history of {HISTORY}");
}
