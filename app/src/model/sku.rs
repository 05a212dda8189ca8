//! What the SKU page shows: where each number of one SKU comes from.

use super::ActivityView;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuView {
    pub sku: String,
    pub name: String,
    /// Prokip's quantity at the account's location as we last read it, and how long ago.
    pub prokip_qty: Option<String>,
    pub prokip_read: Option<String>,
    pub location: Option<String>,
    /// Unpaid orders holding this SKU's stock.
    pub holders: Vec<HolderView>,
    pub stores: Vec<SkuStoreView>,
    /// The newest activity entries about this SKU.
    pub activity: Vec<ActivityView>,
    /// One page of every change to this SKU's numbers, newest first.
    pub history: Vec<HistoryEntryView>,
    /// The page shown (from 1), and how many pages and rows there are.
    pub history_page: u64,
    pub history_pages: u64,
    pub history_total: u64,
    pub chart: QtyChartView,
}

/// Rows of a SKU's history per page.
pub const HISTORY_PER_PAGE: u64 = 25;

/// One change to a SKU's numbers: when, on which side, what changed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntryView {
    /// "2026-12-03 08:40 UTC".
    pub at: String,
    /// "Prokip" or the store's label.
    pub side: String,
    /// "28 → 25", "Wrote 25 (store had 28)", "Holds 2", …
    pub change: String,
    /// Its cause: "a sale or stock change in Prokip, seen by the poll", "order #1001 was paid", …
    pub why: String,
    /// A machine-readable name of what changed (the stored kind), for tests and styling.
    pub kind: String,
}

/// Prokip's and each store's quantity over the last days, as step lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QtyChartView {
    /// The date at each day boundary, oldest first ("Nov 20"); the x axis spans them.
    pub days: Vec<String>,
    /// The top of the y axis (≥ 1).
    pub max: i64,
    pub series: Vec<ChartSeries>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartSeries {
    pub label: String,
    /// (x in thousandths of the span, quantity), oldest first; the line holds each quantity
    /// until the next point.
    pub points: Vec<(u32, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderView {
    pub store: String,
    pub order: String,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuStoreView {
    pub label: String,
    /// The SKU the store uses for it (`None`: the store does not sell it, or it is not matched).
    pub store_sku: Option<String>,
    /// Matched through a link the merchant made.
    pub linked: bool,
    pub buffer: i32,
    /// The store's allocation rules beyond the buffer ("50 % · at most 10"), when it has any.
    pub rules: Option<String>,
    /// The Prokip quantity the store draws on, when it is not the account's location alone:
    /// "Main Shop 30 + Warehouse 11.5 = 41.5".
    pub sources: Option<String>,
    pub committed: i64,
    /// What we publish there, and how: "max(0, 28 − 2 committed − 3 buffer) = 23 · 50 % = 11".
    pub published: Option<i64>,
    pub formula: Option<String>,
    /// What the store showed at our last write or read-back, and when.
    pub shows: Option<i64>,
    pub shows_at: Option<String>,
    /// Whether the store receives stock now (connected, healthy, not paused).
    pub receiving: bool,
}
