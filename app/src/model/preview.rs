//! What a store's preview shows: per SKU what the store shows now and what the next full sync
//! would set, each SKU's kind of change, the totals of each kind, and the page of rows asked for.

use serde::{Deserialize, Serialize};

/// The kinds of change, as the filter's query values with their labels; "all" first.
pub const PREVIEW_CHANGES: [(&str, &str); 6] = [
    ("all", "All"),
    ("raised", "Raised"),
    ("lowered", "Lowered"),
    ("zeroed", "Set to 0"),
    ("unchanged", "Unchanged"),
    ("unmatched", "Unmatched"),
];

/// The orders a preview can be sorted in, as query values with their labels; the default first.
pub const PREVIEW_SORTS: [(&str, &str); 3] =
    [("sku", "SKU"), ("change", "Largest change first"), ("shows", "Store quantity, lowest first")];

pub const PREVIEW_PER_PAGE: u64 = 50;

/// How many SKUs of the store the next full sync would raise, lower, set to 0 or leave as they
/// are, and how many it cannot touch (no Prokip SKU matches them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewTotals {
    pub raised: u64,
    pub lowered: u64,
    pub zeroed: u64,
    pub unchanged: u64,
    pub unmatched: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub sku: String,
    /// raised, lowered, zeroed, unchanged or unmatched.
    pub change: String,
    /// What the store shows now; `None` when it tracks no quantity or was not read.
    pub shows: Option<i64>,
    /// What the next full sync would set; `None` for an unmatched SKU (left as it is).
    pub sets: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewView {
    pub connection_id: i64,
    pub platform: String,
    pub store_url: String,
    /// Waiting for review before its first sync.
    pub in_review: bool,
    /// Stock updates are on (the store gets these quantities at every sync).
    pub sync_enabled: bool,
    pub safety_buffer: i32,
    /// The store's allocation rules beyond the buffer, when it has any.
    #[serde(default)]
    pub rules: Option<String>,
    pub totals: PreviewTotals,
    /// The filter (`all` or a kind of change), the sort and the page shown.
    pub show: String,
    pub sort: String,
    pub page: u64,
    pub pages: u64,
    /// SKUs the filter matches (over all pages).
    pub matching: u64,
    pub rows: Vec<PreviewRow>,
    /// Why the store's own quantities are from our last read instead of a live one.
    pub problem: Option<String>,
}
