//! The activity log of a busy account: every order resolves the open problems about it, and that
//! reads the open problems only, not the account's whole history. Counted as the rows PostgreSQL
//! read for the calls (its own per-transaction statistics), never as time.

mod common;

use app::backend::db::activity::{self, About, StockScope};
use common::TestApp;
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};

/// Entries of history: a few weeks of orders and stock pushes of a busy store.
const HISTORY: i64 = 20_000;

#[tokio::test]
async fn resolving_problems_reads_the_open_problems_not_the_history() {
    let app = TestApp::spawn().await;
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
    let read = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            "SELECT (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::int8
               FROM pg_stat_xact_user_tables WHERE relname = 'activity'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
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
