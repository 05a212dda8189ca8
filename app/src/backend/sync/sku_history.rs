//! A SKU's history as the SKU page shows it: each stored change as a sentence with its cause, and
//! the chart of Prokip's and the stores' quantities over the last [`CHART_DAYS`] days, drawn from
//! the same rows.

use super::mapping::whole_units;
use crate::{
    backend::{
        db::sku_history::{Entry, Kind, Level, cause},
        time::{Shown, Zone},
    },
    model::{ChartSeries, HistoryEntryView, PushReason, QtyChartView},
};
use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

pub const CHART_DAYS: i64 = 14;

/// A stored quantity (decimal text) as the whole units it stands for.
fn units(text: &Option<String>) -> Option<i64> {
    text.as_deref().and_then(|t| t.parse::<Decimal>().ok()).map(whole_units)
}

/// "28.5" stays, "28.0000" reads "28".
fn shown(text: &Option<String>) -> String {
    text.as_deref()
        .and_then(|t| t.parse::<Decimal>().ok())
        .map_or_else(|| "?".to_owned(), |d| d.normalize().to_string())
}

/// Why a push read or wrote: the phrase after "because of".
fn push_cause(key: &str) -> &'static str {
    match PushReason::from_key(key) {
        Some(PushReason::Order) => "an online order or refund that reached Prokip",
        Some(PushReason::ProkipPoll) => "a sale or stock change in Prokip, seen by the poll",
        Some(PushReason::Reconcile) => "the scheduled reconcile",
        Some(PushReason::Manual) => "Sync now or a retry",
        Some(PushReason::CreatedInStore) => "products created in a store",
        Some(PushReason::Linked) => "a SKU link",
        None => "a sync",
    }
}

/// Why Prokip's quantity changed: our own orders and refunds, else the till or an edit in Prokip,
/// whichever read noticed it first.
fn prokip_cause(key: &str) -> String {
    match PushReason::from_key(key) {
        Some(PushReason::Order) => push_cause(key).to_owned(),
        Some(PushReason::ProkipPoll) => "a sale or stock change in Prokip, seen by the poll".to_owned(),
        _ => format!("a sale or stock change in Prokip, seen by {}", push_cause(key)),
    }
}

fn order_label(e: &Entry) -> String {
    e.order.as_deref().map_or_else(|| "an order".to_owned(), |o| format!("order {o}"))
}

/// The row as the page says it; `side` is "Prokip" or the store's label.
pub fn entry_view(e: &Entry, side: String, zone: &Zone) -> HistoryEntryView {
    let amount = e.amount.unwrap_or(0);
    let (change, why) = match Kind::from_key(&e.kind) {
        Some(Kind::Prokip) => {
            (format!("Prokip quantity {} → {}", shown(&e.before), shown(&e.after)), prokip_cause(&e.cause))
        }
        Some(Kind::StoreWrite) => {
            let had = if e.before.is_some() { format!("store had {}", shown(&e.before)) } else { "first write".into() };
            (format!("Wrote {} ({had})", shown(&e.after)), format!("to follow Prokip after {}", push_cause(&e.cause)))
        }
        Some(Kind::Drift) => (
            format!("Store showed {} where we last wrote {}", shown(&e.after), shown(&e.before)),
            format!(
                "changed outside Prokip Sync (the store's admin or another app); found by {}",
                push_cause(&e.cause)
            ),
        ),
        Some(Kind::Committed) if amount > 0 => {
            (format!("Holds {amount}"), format!("unpaid {}: not available to sell until it is paid", order_label(e)))
        }
        Some(Kind::Committed) => {
            let how = if e.cause == cause::ORDER_CANCELLED { "was cancelled" } else { "was paid and sold in Prokip" };
            (format!("Releases {}", -amount), format!("{} {how}", order_label(e)))
        }
        Some(Kind::Sold) => (format!("Sold {} in Prokip", -amount), order_label(e)),
        Some(Kind::Linked) => (
            format!(
                "Store SKU {} linked to Prokip's {}",
                e.sku.as_deref().unwrap_or("?"),
                e.detail.as_deref().unwrap_or("?")
            ),
            "by you".to_owned(),
        ),
        Some(Kind::Unlinked) => (
            format!(
                "Store SKU {} unlinked from Prokip's {}",
                e.sku.as_deref().unwrap_or("?"),
                e.detail.as_deref().unwrap_or("?")
            ),
            "by you, or because the link stopped applying (see Activity)".to_owned(),
        ),
        Some(Kind::Buffer) => (
            format!("Safety buffer {} → {}", shown(&e.before), shown(&e.after)),
            "changed by you, for every SKU of the store".to_owned(),
        ),
        Some(Kind::Rules) => (
            format!("Stock rules {}", e.detail.as_deref().unwrap_or("changed")),
            "changed by you, for every SKU of the store".to_owned(),
        ),
        Some(Kind::Sources) => (
            format!("Stock from {}", e.detail.as_deref().unwrap_or("changed")),
            "changed by you, for every SKU of the store".to_owned(),
        ),
        Some(Kind::StoreLocation) => (
            format!("Shopify location {}", e.detail.as_deref().unwrap_or("changed")),
            "changed by you: the store's stock is written there from now on".to_owned(),
        ),
        None => (e.kind.clone(), e.cause.clone()),
    };
    HistoryEntryView { at: zone.show(e.at, Shown::DateTime), side, change, why, kind: e.kind.clone() }
}

/// One line of the chart: a side (`None`: Prokip), its label and its quantity now.
pub struct Side {
    pub connection_id: Option<i64>,
    pub label: String,
    pub now: Option<i64>,
}

/// Step lines from the level changes since `now − CHART_DAYS`: each side starts at what its first
/// change changed from (or, unchanged all along, at its quantity now) and ends at its quantity now.
pub fn chart(now: DateTime<Utc>, zone: &Zone, levels: &[Level], sides: &[Side]) -> QtyChartView {
    let since = now - Duration::days(CHART_DAYS);
    let span = (now - since).num_seconds().max(1);
    let x = |at: DateTime<Utc>| ((at - since).num_seconds().clamp(0, span) * 1000 / span) as u32;
    let series: Vec<ChartSeries> = sides
        .iter()
        .map(|side| {
            let rows: Vec<&Level> = levels.iter().filter(|l| l.connection_id == side.connection_id).collect();
            let mut points = Vec::new();
            match rows.first() {
                Some(first) => {
                    if let Some(start) = units(&first.before) {
                        points.push((0, start));
                    }
                    points.extend(rows.iter().filter_map(|r| units(&r.after).map(|q| (x(r.at), q))));
                }
                None => points.extend(side.now.map(|q| (0, q))),
            }
            if let Some(end) = side.now.or_else(|| points.last().map(|p| p.1)) {
                points.push((1000, end));
            }
            ChartSeries { label: side.label.clone(), points }
        })
        .collect();
    let max = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).max().unwrap_or(0).max(1);
    let days = (0..=CHART_DAYS).map(|d| zone.day_of(since + Duration::days(d)).format("%b %d").to_string()).collect();
    QtyChartView { days, max, series }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(conn: Option<i64>, before: Option<&str>, after: &str, at: DateTime<Utc>) -> Level {
        Level { connection_id: conn, before: before.map(str::to_owned), after: Some(after.to_owned()), at }
    }

    #[test]
    fn lines_step_from_what_changed_to_the_quantity_now() {
        let now = Utc::now();
        let half = now - Duration::days(7);
        let levels =
            [level(None, Some("28.0000"), "25.0000", half), level(Some(3), None, "25", half + Duration::minutes(1))];
        let sides = [
            Side { connection_id: None, label: "Prokip".into(), now: Some(25) },
            Side { connection_id: Some(3), label: "Shop".into(), now: Some(25) },
            Side { connection_id: Some(4), label: "Woo".into(), now: Some(12) },
        ];
        let c = chart(now, &Zone::default(), &levels, &sides);
        assert_eq!(c.series[0].points, [(0, 28), (500, 25), (1000, 25)]);
        // A first write has nothing before it: the line starts there.
        assert_eq!(c.series[1].points, [(500, 25), (1000, 25)]);
        // Unchanged all along: flat at the quantity now.
        assert_eq!(c.series[2].points, [(0, 12), (1000, 12)]);
        assert_eq!(c.max, 28);
        assert_eq!(c.days.len(), 15);
    }

    #[test]
    fn the_days_under_the_chart_are_the_accounts_days() {
        use chrono::TimeZone;
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 22, 30, 0).unwrap();
        let sides = [Side { connection_id: None, label: "Prokip".into(), now: Some(5) }];
        let utc = chart(now, &Zone::default(), &[], &sides);
        let nairobi = chart(now, &Zone::parse("Africa/Nairobi").unwrap(), &[], &sides);
        assert_eq!((utc.days[0].as_str(), utc.days[14].as_str()), ("Nov 19", "Dec 03"));
        assert_eq!((nairobi.days[0].as_str(), nairobi.days[14].as_str()), ("Nov 20", "Dec 04"));
    }

    #[test]
    fn each_kind_says_what_changed_and_why() {
        let e = Entry {
            id: 1,
            connection_id: None,
            sku: Some("AS0010".into()),
            kind: "prokip".into(),
            cause: "prokip-poll".into(),
            before: Some("28.0000".into()),
            after: Some("25.0000".into()),
            amount: None,
            order: None,
            detail: None,
            at: Utc::now(),
        };
        let v = entry_view(&e, "Prokip".into(), &Zone::default());
        assert_eq!(
            (v.change.as_str(), v.why.as_str()),
            ("Prokip quantity 28 → 25", "a sale or stock change in Prokip, seen by the poll")
        );
        let held = Entry {
            kind: "committed".into(),
            cause: cause::ORDER_UNPAID.into(),
            amount: Some(2),
            order: Some("#1001".into()),
            ..e.clone()
        };
        assert_eq!(entry_view(&held, "Shop".into(), &Zone::default()).change, "Holds 2");
        assert!(entry_view(&held, "Shop".into(), &Zone::default()).why.contains("unpaid order #1001"));
        let gone = Entry { amount: Some(-2), cause: cause::ORDER_CANCELLED.into(), ..held };
        assert_eq!(entry_view(&gone, "Shop".into(), &Zone::default()).why, "order #1001 was cancelled");
    }
}
