//! The Prokip mock's in-memory database: businesses, users, tokens, locations, contacts, products,
//! variations, per-location stock and sells, with global autoincrement ids like the real
//! multi-tenant UltimatePOS database (large, so hard-coded small ids fail).

use crate::catalog::CatalogProduct;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Global id counters, started where bjeptum's live ids sit.
pub(super) struct Ids {
    business: i64,
    user: i64,
    location: i64,
    contact: i64,
    product: i64,
    product_variation: i64,
    variation: i64,
    transaction: i64,
    sell_line: i64,
}

impl Default for Ids {
    fn default() -> Self {
        Ids {
            business: 3100,
            user: 7400,
            location: 21000,
            contact: 1849000,
            product: 4900000,
            product_variation: 3600000,
            variation: 5290000,
            transaction: 9100000,
            sell_line: 12700000,
        }
    }
}

macro_rules! next_id {
    ($($field:ident),*) => {
        impl Ids {
            $(pub(super) fn $field(&mut self) -> i64 {
                self.$field += 1;
                self.$field
            })*
        }
    };
}
next_id!(business, user, location, contact, product, product_variation, variation, transaction, sell_line);

pub(super) struct Business {
    pub id: i64,
    pub name: String,
    pub allow_overselling: bool,
    pub locations: Vec<i64>,
    pub walk_in_contact: i64,
    /// Counter for generated invoice numbers.
    pub invoice_count: u64,
}

pub(super) struct User {
    pub id: i64,
    pub business_id: i64,
    pub username: String,
    pub password: String,
}

pub(super) struct AccessToken {
    pub user_id: i64,
    pub valid: bool,
}

pub(super) struct RefreshToken {
    pub user_id: i64,
    pub access: String,
    pub valid: bool,
}

pub(super) struct Location {
    pub id: i64,
    pub business_id: i64,
    pub name: String,
}

pub(super) struct Contact {
    pub id: i64,
    pub business_id: i64,
    pub kind: String,
    pub name: String,
    pub first_name: String,
    pub mobile: String,
    pub email: Option<String>,
    pub is_default: bool,
}

pub(super) struct Product {
    pub id: i64,
    pub business_id: i64,
    pub name: String,
    pub sku: String,
    pub kind: String,
    pub enable_stock: bool,
    pub product_variation_id: i64,
    pub variations: Vec<i64>,
}

pub(super) struct Variation {
    pub id: i64,
    pub product_id: i64,
    pub name: String,
    pub sub_sku: String,
    pub price: Decimal,
}

pub(super) struct SellLine {
    pub id: i64,
    pub product_id: i64,
    pub variation_id: i64,
    pub quantity: Decimal,
    pub quantity_returned: Decimal,
    pub unit_price_inc_tax: Decimal,
}

pub(super) struct Payment {
    pub amount: Decimal,
    pub method: String,
    pub note: Option<String>,
}

pub(super) struct Sell {
    pub id: i64,
    pub business_id: i64,
    pub location_id: i64,
    pub contact_id: i64,
    pub invoice_no: String,
    pub source: Option<String>,
    pub status: String,
    pub transaction_date: String,
    pub discount_amount: Decimal,
    pub shipping_charges: Decimal,
    pub sale_note: Option<String>,
    pub staff_note: Option<String>,
    pub final_total: Decimal,
    pub payment_status: String,
    pub from_api: bool,
    pub lines: Vec<SellLine>,
    pub payments: Vec<Payment>,
    /// The (single) sell-return transaction of this sell, as in UltimatePOS.
    pub return_id: Option<i64>,
    /// The sell as the request carried it.
    pub received: Value,
}

#[derive(Default)]
pub(super) struct Store {
    pub ids: Ids,
    pub businesses: BTreeMap<i64, Business>,
    pub users: Vec<User>,
    pub access_tokens: HashMap<String, AccessToken>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub locations: BTreeMap<i64, Location>,
    pub contacts: BTreeMap<i64, Contact>,
    pub products: BTreeMap<i64, Product>,
    pub variations: BTreeMap<i64, Variation>,
    /// (variation id, location id) → qty_available. No row = never stocked there.
    pub stock: HashMap<(i64, i64), Decimal>,
    /// (business id, sub_sku) → variation id.
    pub sku_index: HashMap<(i64, String), i64>,
    pub sells: BTreeMap<i64, Sell>,
}

impl Store {
    pub fn create_business(&mut self, name: &str, location_names: &[String], allow_overselling: bool) -> i64 {
        let id = self.ids.business();
        let locations: Vec<i64> = location_names
            .iter()
            .map(|n| {
                let lid = self.ids.location();
                self.locations.insert(lid, Location { id: lid, business_id: id, name: n.clone() });
                lid
            })
            .collect();
        let walk_in = self.ids.contact();
        self.contacts.insert(
            walk_in,
            Contact {
                id: walk_in,
                business_id: id,
                kind: "customer".into(),
                name: "Walk-In Customer".into(),
                first_name: "Walk-In Customer".into(),
                mobile: String::new(),
                email: None,
                is_default: true,
            },
        );
        let business = Business {
            id,
            name: name.to_owned(),
            allow_overselling,
            locations,
            walk_in_contact: walk_in,
            invoice_count: 0,
        };
        self.businesses.insert(id, business);
        id
    }

    /// Adds the catalog's products to a business (stock at `location_id`); an existing sub_sku
    /// keeps its product and only gets its price and stock updated.
    pub fn seed(&mut self, business_id: i64, location_id: i64, catalog: &[CatalogProduct]) -> usize {
        let mut added = 0;
        for p in catalog {
            if p.variants.iter().any(|v| self.sku_index.contains_key(&(business_id, v.sku.clone()))) {
                for v in &p.variants {
                    if let Some(&vid) = self.sku_index.get(&(business_id, v.sku.clone())) {
                        self.variations.entry(vid).and_modify(|x| x.price = v.price);
                        self.stock.insert((vid, location_id), v.stock);
                    }
                }
                continue;
            }
            let pid = self.ids.product();
            let pvid = self.ids.product_variation();
            let mut vids = Vec::with_capacity(p.variants.len());
            for v in &p.variants {
                let vid = self.ids.variation();
                self.variations.insert(
                    vid,
                    Variation {
                        id: vid,
                        product_id: pid,
                        name: v.name.clone(),
                        sub_sku: v.sku.clone(),
                        price: v.price,
                    },
                );
                self.stock.insert((vid, location_id), v.stock);
                self.sku_index.insert((business_id, v.sku.clone()), vid);
                vids.push(vid);
            }
            let kind = if p.kind == "variable" { "variable" } else { "single" };
            self.products.insert(
                pid,
                Product {
                    id: pid,
                    business_id,
                    name: p.name.clone(),
                    sku: p.sku.clone(),
                    kind: kind.into(),
                    enable_stock: true,
                    product_variation_id: pvid,
                    variations: vids,
                },
            );
            added += 1;
        }
        added
    }

    pub fn location_of(&self, business_id: i64, location_id: i64) -> Option<&Location> {
        self.locations.get(&location_id).filter(|l| l.business_id == business_id)
    }

    pub fn qty(&self, variation_id: i64, location_id: i64) -> Decimal {
        self.stock.get(&(variation_id, location_id)).copied().unwrap_or_default()
    }

    pub fn add_stock(&mut self, variation_id: i64, location_id: i64, delta: Decimal) {
        *self.stock.entry((variation_id, location_id)).or_default() += delta;
    }

    pub fn variation_by_sku(&self, business_id: i64, sku: &str) -> Option<&Variation> {
        let vid = self.sku_index.get(&(business_id, sku.to_owned()))?;
        self.variations.get(vid)
    }

    pub fn product_of(&self, variation: &Variation) -> Option<&Product> {
        self.products.get(&variation.product_id)
    }

    /// A new access/refresh pair for a user.
    pub fn issue_tokens(&mut self, user_id: i64) -> (String, String) {
        let access = random_token();
        let refresh = random_token();
        self.access_tokens.insert(access.clone(), AccessToken { user_id, valid: true });
        self.refresh_tokens.insert(refresh.clone(), RefreshToken { user_id, access: access.clone(), valid: true });
        (access, refresh)
    }

    /// The business of a valid access token.
    pub fn bearer(&self, token: &str) -> Option<(i64, i64)> {
        let t = self.access_tokens.get(token).filter(|t| t.valid)?;
        let user = self.users.iter().find(|u| u.id == t.user_id)?;
        Some((user.id, user.business_id))
    }
}

fn random_token() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..40).map(|_| format!("{:x}", rng.random_range(0..16u8))).collect()
}
