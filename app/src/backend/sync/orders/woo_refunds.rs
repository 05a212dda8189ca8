//! WooCommerce refunds: an order lists its refunds without lines, so the ones not yet recorded are
//! read from the store (`GET /orders/{id}/refunds`), each refunded item tied to its order line
//! (`_refunded_item_id`), and what the store restocked (the lines' `_restock_refunded_items`
//! totals, less what earlier refunds already account for) shared among them, oldest first.

use super::model::{RefundLine, StoreOrder, StoreRefund};
use super::{ImportError, OrderCtx};
use crate::backend::{db::processed_refunds, platforms::woocommerce::OrderRefund, stores::woocommerce::WooStore};
use std::collections::BTreeMap;

/// The order's refunds with their lines: Shopify's as they came, WooCommerce's unrecorded ones
/// read from the store.
pub(super) async fn with_lines(ctx: &OrderCtx<'_>, o: &StoreOrder) -> Result<Vec<StoreRefund>, ImportError> {
    if o.listed_refunds.is_empty() {
        return Ok(o.refunds.clone());
    }
    let db = &ctx.state.db;
    let recorded = processed_refunds::recorded_ids(db, ctx.conn.id, &o.order_id).await?;
    let unread: Vec<&String> = o.listed_refunds.iter().filter(|id| !recorded.contains(id)).collect();
    if unread.is_empty() {
        return Ok(o.refunds.clone());
    }
    let transient =
        |why: String| ImportError::Transient(format!("reading the refunds of WooCommerce order {}: {why}", o.order_id));
    let store = WooStore::open(ctx.state, ctx.conn).map_err(|e| transient(e.to_string()))?;
    let order_id: u64 = o.order_id.parse().map_err(|_| transient("not a WooCommerce order id".into()))?;
    let mut fetched = store.client().order_refunds(order_id).await.map_err(|e| transient(e.to_string()))?;
    fetched.retain(|r| unread.contains(&&r.id.to_string()));
    let (already, _) = processed_refunds::totals(db, ctx.conn.id, &o.order_id).await?;
    let mut all = o.refunds.clone();
    all.extend(attribute(&o.restocked, &already, fetched));
    Ok(all)
}

/// Turns store refunds into refund lines per order line, marking as restocked at most what the
/// store restocked beyond the refunds already recorded.
fn attribute(
    restocked: &BTreeMap<String, i64>,
    already: &BTreeMap<String, i64>,
    mut refunds: Vec<OrderRefund>,
) -> Vec<StoreRefund> {
    refunds.sort_by_key(|r| r.id);
    let mut budget: BTreeMap<String, i64> =
        restocked.iter().map(|(line, q)| (line.clone(), q - already.get(line).copied().unwrap_or(0))).collect();
    refunds
        .into_iter()
        .map(|r| {
            let mut lines = Vec::new();
            for item in &r.line_items {
                let Some(line_id) = item.refunded_item_id().map(|id| id.to_string()) else {
                    tracing::warn!(refund = r.id, item = item.id, "refunded item names no order line; skipped");
                    continue;
                };
                let quantity = item.refunded_quantity();
                let left = budget.entry(line_id.clone()).or_insert(0);
                let back = quantity.min(*left).max(0);
                *left -= back;
                if back > 0 {
                    lines.push(RefundLine { line_id: line_id.clone(), quantity: back, restock: true });
                }
                if quantity > back {
                    lines.push(RefundLine { line_id, quantity: quantity - back, restock: false });
                }
            }
            StoreRefund { refund_id: r.id.to_string(), lines }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refunds(json: &str) -> Vec<OrderRefund> {
        serde_json::from_str(json).unwrap()
    }

    fn item(id: u64, line: u64, qty: i64) -> String {
        format!(r#"{{"id":{id},"quantity":{},"meta_data":[{{"key":"_refunded_item_id","value":"{line}"}}]}}"#, -qty)
    }

    #[test]
    fn restocked_items_go_to_the_oldest_new_refunds_first() {
        let json = format!(
            r#"[{{"id":21,"line_items":[{}]}},{{"id":20,"line_items":[{},{}]}}]"#,
            item(22, 5, 2),
            item(23, 5, 1),
            item(24, 6, 1)
        );
        let restocked = BTreeMap::from([("5".to_owned(), 2)]);
        let out = attribute(&restocked, &BTreeMap::new(), refunds(&json));
        let line = |id: &str, quantity, restock| RefundLine { line_id: id.into(), quantity, restock };
        assert_eq!(
            out[0],
            StoreRefund { refund_id: "20".into(), lines: vec![line("5", 1, true), line("6", 1, false)] }
        );
        assert_eq!(
            out[1],
            StoreRefund { refund_id: "21".into(), lines: vec![line("5", 1, true), line("5", 1, false)] }
        );
    }

    #[test]
    fn restocks_already_recorded_are_not_counted_again() {
        let json = format!(r#"[{{"id":30,"line_items":[{}]}}]"#, item(31, 5, 1));
        let restocked = BTreeMap::from([("5".to_owned(), 1)]);
        let already = BTreeMap::from([("5".to_owned(), 1)]);
        let out = attribute(&restocked, &already, refunds(&json));
        assert!(out[0].lines.iter().all(|l| !l.restock), "{out:?}");
    }
}
