//! What the Products page shows: one page of SKUs with Prokip's quantity, what is committed, and
//! per store the buffer, what we publish and what the store last showed.

use serde::{Deserialize, Serialize};

pub const PRODUCTS_PER_PAGE: u64 = 50;

/// The columns the page sorts by (`?sort=name`, `?sort=-prokip` for descending), with their
/// headings; SKU ascending when none is asked for.
pub const PRODUCT_SORTS: [(&str, &str); 5] =
    [("sku", "SKU"), ("name", "Name"), ("status", "Status"), ("prokip", "Prokip"), ("committed", "Committed")];

/// The filters a match status can take on the page (`?status=`), with their labels.
pub const STATUSES: [(&str, &str); 4] = [
    ("matched", "Matched"),
    ("prokip_only", "Missing in a store"),
    ("store_only", "Only in a store"),
    ("duplicate", "Duplicate SKU"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreColumn {
    pub id: i64,
    /// "Shopify mystore.myshopify.com".
    pub label: String,
    /// The column's heading: the store's name alone ("mystore"), the label in its title.
    #[serde(default)]
    pub short: String,
    pub safety_buffer: i32,
    /// The store's allocation rules beyond the buffer ("50 % · at most 10"), when it has any.
    #[serde(default)]
    pub rules: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreCell {
    /// What we publish there now (`None` when Prokip does not have the SKU).
    pub published: Option<i64>,
    /// What the store last showed (our last write or read-back).
    pub last_known: Option<i64>,
    /// Whether the store's last index has this SKU ("Create in store" is offered when not).
    pub in_store: bool,
}

/// A store-only SKU and the Prokip SKU it most likely means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSuggestion {
    pub store_sku: String,
    pub prokip_sku: String,
    /// The stores that have the store SKU.
    pub connection_ids: Vec<i64>,
    /// The store's barcode that is the Prokip SKU, when that (not the spelling) suggests it.
    pub barcode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    pub sku: String,
    pub name: String,
    /// Prokip quantity as we last read it (index, push or reconcile), as Prokip writes it.
    pub prokip_qty: Option<String>,
    /// How long ago that read was, e.g. "2 min ago".
    pub prokip_read: Option<String>,
    /// Store SKUs linked to this Prokip SKU by the merchant.
    pub linked_from: Vec<String>,
    /// For a store-only SKU: the Prokip SKU it most likely means.
    pub suggestion: Option<String>,
    pub committed: i64,
    pub status: String,
    /// One per [`ProductsView::stores`], same order.
    pub stores: Vec<StoreCell>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductsView {
    pub stores: Vec<StoreColumn>,
    pub rows: Vec<ProductRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    pub q: String,
    pub status: String,
    /// One of [`PRODUCT_SORTS`], `-` before it for descending.
    #[serde(default)]
    pub sort: String,
    /// Every current link suggestion of the account (not only this page's).
    pub suggestions: Vec<LinkSuggestion>,
    /// Prokip SKUs a store SKU can be linked to by hand (at most [`LINK_CHOICES`]).
    pub link_choices: Vec<String>,
}

/// How many Prokip SKUs the manual link's list offers (the field accepts any).
pub const LINK_CHOICES: usize = 500;
