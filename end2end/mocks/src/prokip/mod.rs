//! Prokip mock (:4000): a stateful fake of the UltimatePOS Connector API that Prokip runs —
//! Passport tokens, businesses with locations and a walk-in customer, products with per-location
//! stock, sells that move stock, Laravel pagination and the real error shapes (including errors
//! embedded in HTTP 200 answers). See `control.rs` for the test-only control API.

mod api;
mod control;
mod oauth;
mod paging;
mod render;
mod sells;
mod store;
#[cfg(test)]
mod tests;

pub use crate::catalog::CatalogProduct;
use crate::{catalog::demo_catalog, faults::Faults};
use axum::{
    Router, middleware,
    routing::{get, post},
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use store::Store;

pub const DEMO_CLIENT_ID: &str = "7";
pub const DEMO_CLIENT_SECRET: &str = "prokip-mock-client-secret";
pub const DEMO_USERNAME: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo-password";
pub const DEMO_BUSINESS: &str = "Demo Traders";
pub const DEMO_LOCATION: &str = "Main Shop";

/// `GET /payment-methods` of every mock business (keys are what `payments[].method` takes).
pub const PAYMENT_METHODS: [(&str, &str); 8] = [
    ("cash", "Cash"),
    ("card", "Card"),
    ("cheque", "Cheque"),
    ("bank_transfer", "Bank Transfer"),
    ("other", "Other"),
    ("custom_pay_1", "M-Pesa"),
    ("custom_pay_2", "Custom Payment 2"),
    ("custom_pay_3", "Custom Payment 3"),
];

/// A business to create: its admin's login, its locations (default one "Main Shop"), and whether
/// it lets sells take stock below zero (default: no, so a short sell is rejected).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewBusiness {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub business_name: Option<String>,
    #[serde(default)]
    pub locations: Option<Vec<String>>,
    #[serde(default)]
    pub allow_overselling: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessIds {
    pub business_id: i64,
    pub user_id: i64,
    pub location_ids: Vec<i64>,
    pub walk_in_contact_id: i64,
}

pub(super) struct Inner {
    client_id: String,
    client_secret: String,
    store: Mutex<Store>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

type Shared = Arc<Inner>;

#[derive(Clone)]
pub struct ProkipMock {
    inner: Shared,
    faults: Faults,
}

impl ProkipMock {
    /// A mock with no businesses, accepting this OAuth password-grant client.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        let inner = Inner { client_id: client_id.into(), client_secret: client_secret.into(), store: Mutex::default() };
        ProkipMock { inner: Arc::new(inner), faults: Faults::default() }
    }

    pub fn faults(&self) -> Faults {
        self.faults.clone()
    }

    pub fn router(&self) -> Router {
        let api = Router::new()
            .route("/connector/api/user/loggedin", get(api::logged_in))
            .route("/connector/api/business-details", get(api::business_details))
            .route("/connector/api/business-location", get(api::locations))
            .route("/connector/api/payment-methods", get(api::payment_methods))
            .route("/connector/api/product", get(api::products))
            .route("/connector/api/product/{ids}", get(api::products_by_id))
            .route("/connector/api/variation", get(api::variations))
            .route("/connector/api/variation/{ids}", get(api::variations))
            .route("/connector/api/contactapi", get(api::contacts).post(api::create_contact))
            .route("/connector/api/sell", get(sells::list).post(sells::create))
            .route("/connector/api/sell/{id}", get(sells::show).delete(sells::delete))
            .route("/connector/api/sell-return", post(sells::sell_return))
            .route_layer(middleware::from_fn_with_state(self.inner.clone(), oauth::guard))
            .route("/oauth/token", post(oauth::token))
            .with_state(self.inner.clone());
        self.faults.wrap(api.merge(control::routes(self.clone())))
    }

    pub fn create_business(&self, input: &NewBusiness) -> Result<BusinessIds, String> {
        if input.username.trim().is_empty() || input.password.is_empty() {
            return Err("username and password are required".into());
        }
        let mut store = self.inner.lock();
        if store.users.iter().any(|u| u.username == input.username) {
            return Err(format!("username {} is taken", input.username));
        }
        let name = input.business_name.clone().unwrap_or_else(|| format!("{}'s business", input.username));
        let locations = input.locations.clone().filter(|l| !l.is_empty()).unwrap_or_else(|| vec![DEMO_LOCATION.into()]);
        let business_id = store.create_business(&name, &locations, input.allow_overselling.unwrap_or(false));
        let user_id = store.ids.user();
        let user = store::User {
            id: user_id,
            business_id,
            username: input.username.clone(),
            password: input.password.clone(),
        };
        store.users.push(user);
        Ok(ids_of(&store, business_id, user_id))
    }

    /// Opens another location of a business (a branch or a warehouse): every product of the
    /// business can be stocked there, starting at 0. Returns its id.
    pub fn add_location(&self, business_id: i64, name: &str) -> Result<i64, String> {
        let mut store = self.inner.lock();
        if !store.businesses.contains_key(&business_id) {
            return Err(format!("no business {business_id}"));
        }
        let id = store.ids.location();
        store.locations.insert(id, store::Location { id, business_id, name: name.to_owned() });
        store.businesses.get_mut(&business_id).ok_or("no business")?.locations.push(id);
        Ok(id)
    }

    /// The demo business (`demo` / `demo-password`, "Demo Traders", "Main Shop"), created if missing.
    pub fn seed_demo_business(&self) -> BusinessIds {
        {
            let store = self.inner.lock();
            if let Some(u) = store.users.iter().find(|u| u.username == DEMO_USERNAME) {
                return ids_of(&store, u.business_id, u.id);
            }
        }
        let demo = NewBusiness {
            username: DEMO_USERNAME.into(),
            password: DEMO_PASSWORD.into(),
            business_name: Some(DEMO_BUSINESS.into()),
            locations: Some(vec![DEMO_LOCATION.into()]),
            allow_overselling: Some(false),
        };
        self.create_business(&demo).unwrap_or_else(|_| self.seed_demo_business())
    }

    /// The demo business seeded with the demo catalog at "Main Shop".
    pub fn seed_demo(&self) -> BusinessIds {
        self.seed(&demo_catalog())
    }

    /// Seeds any catalog into the demo business (created if missing) at its first location.
    pub fn seed(&self, catalog: &[CatalogProduct]) -> BusinessIds {
        let ids = self.seed_demo_business();
        let _ = self.seed_into(ids.business_id, None, catalog);
        ids
    }

    /// Seeds a catalog into a business, with stock at `location_id` (default: its first location).
    /// Returns the location used and how many products were new.
    pub fn seed_into(
        &self,
        business_id: i64,
        location_id: Option<i64>,
        catalog: &[CatalogProduct],
    ) -> Result<(i64, usize), String> {
        let mut store = self.inner.lock();
        let business = store.businesses.get(&business_id).ok_or_else(|| format!("no business {business_id}"))?;
        let location = match location_id {
            Some(l) if business.locations.contains(&l) => l,
            Some(l) => return Err(format!("location {l} is not a location of business {business_id}")),
            None => *business.locations.first().ok_or("business has no location")?,
        };
        Ok((location, store.seed(business_id, location, catalog)))
    }

    /// A sale rung up at the POS (not through the API): stock goes down at once, and the sell
    /// (walk-in customer, paid in cash, generated invoice number) appears in `GET /sell`.
    pub fn pos_sale(&self, location_id: i64, sku: &str, quantity: Decimal) -> Result<i64, String> {
        let mut store = self.inner.lock();
        let (business_id, variation) = locate(&store, location_id, sku)?;
        let business = store.businesses.get(&business_id).ok_or("no business")?;
        let v = store.variations.get(&variation).ok_or("no variation")?;
        let sell = json!({
            "location_id": location_id, "contact_id": business.walk_in_contact, "status": "final",
            "products": [{ "product_id": v.product_id, "variation_id": v.id, "quantity": quantity.to_string() }],
            "payments": [{ "amount": (v.price * quantity).to_string(), "method": "cash" }],
        });
        sells::create_sell(&mut store, business_id, &sell, false)
    }

    /// Sets a SKU's stock at a location (what a stock adjustment in the POS would do).
    pub fn set_stock(&self, location_id: i64, sku: &str, qty: Decimal) -> Result<(), String> {
        let mut store = self.inner.lock();
        let (_, variation) = locate(&store, location_id, sku)?;
        store.stock.insert((variation, location_id), qty);
        Ok(())
    }

    /// A SKU's stock at a location (`None`: unknown SKU or location; no stock row reads as 0).
    pub fn stock(&self, location_id: i64, sku: &str) -> Option<Decimal> {
        let store = self.inner.lock();
        let (_, variation) = locate(&store, location_id, sku).ok()?;
        Some(store.qty(variation, location_id))
    }

    /// The variation id of a SKU in the business owning `location_id`.
    pub fn variation_id(&self, location_id: i64, sku: &str) -> Option<i64> {
        locate(&self.inner.lock(), location_id, sku).ok().map(|(_, v)| v)
    }

    pub fn set_allow_overselling(&self, business_id: i64, allow: bool) -> Result<(), String> {
        let mut store = self.inner.lock();
        let b = store.businesses.get_mut(&business_id).ok_or_else(|| format!("no business {business_id}"))?;
        b.allow_overselling = allow;
        Ok(())
    }

    /// Invalidates every access token (refresh tokens stay valid), so the next API call gets 401.
    pub fn expire_tokens(&self) -> usize {
        let mut store = self.inner.lock();
        store.access_tokens.values_mut().filter(|t| t.valid).map(|t| t.valid = false).count()
    }

    /// Invalidates every access and refresh token: the user must log in again.
    pub fn revoke_tokens(&self) -> usize {
        let expired = self.expire_tokens();
        let mut store = self.inner.lock();
        store.refresh_tokens.values_mut().for_each(|t| t.valid = false);
        expired
    }

    /// Businesses, stock per location and SKU, and every sell with its lines.
    pub fn state(&self) -> Value {
        let store = self.inner.lock();
        let businesses: Vec<Value> = store
            .businesses
            .values()
            .map(|b| {
                let locations: Vec<Value> = b
                    .locations
                    .iter()
                    .filter_map(|l| store.locations.get(l))
                    .map(|l| json!({ "id": l.id, "name": l.name }))
                    .collect();
                let users: Vec<&str> =
                    store.users.iter().filter(|u| u.business_id == b.id).map(|u| u.username.as_str()).collect();
                json!({ "id": b.id, "name": b.name, "allow_overselling": b.allow_overselling,
                    "walk_in_contact_id": b.walk_in_contact, "locations": locations, "users": users })
            })
            .collect();
        let mut stock = serde_json::Map::new();
        for (&(vid, loc), qty) in &store.stock {
            if let Some(v) = store.variations.get(&vid) {
                let entry = stock.entry(loc.to_string()).or_insert_with(|| json!({}));
                entry[v.sub_sku.as_str()] = json!(qty.normalize().to_string());
            }
        }
        let sells: Vec<Value> = store.sells.values().map(|s| {
            let lines: Vec<Value> = s.lines.iter().map(|l| json!({
                "id": l.id, "variation_id": l.variation_id,
                "sku": store.variations.get(&l.variation_id).map(|v| v.sub_sku.as_str()),
                "quantity": l.quantity.normalize().to_string(), "quantity_returned": l.quantity_returned.normalize().to_string(),
            })).collect();
            json!({ "id": s.id, "business_id": s.business_id, "location_id": s.location_id, "invoice_no": s.invoice_no,
                    "status": s.status, "source": s.source, "contact_id": s.contact_id, "from_api": s.from_api,
                    "final_total": s.final_total.normalize().to_string(), "returned": s.return_id.is_some(), "lines": lines,
                    "payments": s.payments.iter().map(|p| json!({ "method": p.method, "amount": p.amount.normalize().to_string() })).collect::<Vec<_>>(),
                    "received": s.received })
        }).collect();
        let contacts: Vec<Value> = store
            .contacts
            .values()
            .map(|c| {
                json!({ "id": c.id, "business_id": c.business_id,
            "name": c.name, "type": c.kind, "email": c.email })
            })
            .collect();
        json!({ "businesses": businesses, "stock": stock, "sells": sells, "contacts": contacts })
    }
}

fn ids_of(store: &Store, business_id: i64, user_id: i64) -> BusinessIds {
    let b = store.businesses.get(&business_id);
    BusinessIds {
        business_id,
        user_id,
        location_ids: b.map(|b| b.locations.clone()).unwrap_or_default(),
        walk_in_contact_id: b.map_or(0, |b| b.walk_in_contact),
    }
}

/// (business id, variation id) of a SKU at a location.
fn locate(store: &Store, location_id: i64, sku: &str) -> Result<(i64, i64), String> {
    let business_id =
        store.locations.get(&location_id).ok_or_else(|| format!("no location {location_id}"))?.business_id;
    let variation =
        store.variation_by_sku(business_id, sku).ok_or_else(|| format!("no SKU {sku} in business {business_id}"))?;
    Ok((business_id, variation.id))
}
