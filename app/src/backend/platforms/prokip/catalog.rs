//! Prokip reads: the logged-in user, locations, payment methods, variations/products with stock at
//! a location, stock of chosen variations, and the contacts sells are booked to.

use super::{
    ProkipClient, ProkipError, Resend,
    types::{BusinessLocation, Contact, LoggedInUser, Product, Variation},
    wire::{BusinessDetails, OneOf, Page, ProductRow, VariationRow, qty_at},
};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// Page size for catalog walks (the default of 10 means too many requests; `-1` can be very slow).
const CATALOG_PAGE: u32 = 200;
/// Variation ids per `/variation/{ids}` request: as many as a catalog page holds, and a request
/// line of about 2 KB at 9-digit ids, well under the 8 KB nginx and Apache accept by default.
const IDS_PER_REQUEST: usize = CATALOG_PAGE as usize;

impl ProkipClient {
    /// Validates the token and tells which business it belongs to.
    pub async fn logged_in_user(&self) -> Result<LoggedInUser, ProkipError> {
        let user: OneOf<LoggedInUser> = self.get_json("/user/loggedin", &[]).await?;
        Ok(user.into_inner())
    }

    /// The business's name (`GET /business-details`).
    pub async fn business_name(&self) -> Result<String, ProkipError> {
        let details: OneOf<BusinessDetails> = self.get_json("/business-details", &[]).await?;
        Ok(details.into_inner().name)
    }

    pub async fn business_locations(&self) -> Result<Vec<BusinessLocation>, ProkipError> {
        let page: Page<BusinessLocation> = self.get_json("/business-location", &[]).await?;
        Ok(page.data)
    }

    /// Payment method key (what `payments[].method` takes) → label.
    pub async fn payment_methods(&self) -> Result<BTreeMap<String, String>, ProkipError> {
        let raw: BTreeMap<String, serde_json::Value> = self.get_json("/payment-methods", &[]).await?;
        Ok(raw.into_iter().map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned))).collect())
    }

    /// Every variation of the location's products, with stock there (all pages of `/variation`).
    pub async fn variations(&self, location_id: i64) -> Result<Vec<Variation>, ProkipError> {
        let rows: Vec<VariationRow> =
            self.get_all("/variation", &[("location_id", location_id.to_string())], CATALOG_PAGE).await?;
        Ok(rows.into_iter().map(|r| r.into_variation(location_id)).collect())
    }

    /// Every product of the location with its variations (all pages of `/product`).
    pub async fn products(&self, location_id: i64) -> Result<Vec<Product>, ProkipError> {
        let rows: Vec<ProductRow> =
            self.get_all("/product", &[("location_id", location_id.to_string())], CATALOG_PAGE).await?;
        Ok(rows.into_iter().map(|r| r.into_product(location_id)).collect())
    }

    /// Stock at a location of just these variations. Ids Prokip does not know are absent from the map.
    pub async fn stock_for(
        &self,
        location_id: i64,
        variation_ids: &[i64],
    ) -> Result<HashMap<i64, Decimal>, ProkipError> {
        let mut out = HashMap::with_capacity(variation_ids.len());
        for chunk in variation_ids.chunks(IDS_PER_REQUEST) {
            let ids = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let query = [("location_id", location_id.to_string()), ("per_page", "-1".to_owned())];
            let page: Page<VariationRow> = self.get_json(&format!("/variation/{ids}"), &query).await?;
            out.extend(page.data.iter().map(|r| (r.variation_id, qty_at(&r.variation_location_details, location_id))));
        }
        Ok(out)
    }

    /// The business's default walk-in customer (`is_default == 1`), if it has one.
    pub async fn walk_in_contact(&self) -> Result<Option<Contact>, ProkipError> {
        let query = [("type", "customer".to_owned()), ("name", "Walk-In".to_owned()), ("per_page", "-1".to_owned())];
        let page: Page<Contact> = self.get_json("/contactapi", &query).await?;
        Ok(page.data.into_iter().find(|c| c.is_default))
    }

    /// The customer whose email is `email` (case-insensitive). `/contactapi` filters by name and
    /// mobile only, so the customers are listed and compared here.
    pub async fn customer_by_email(&self, email: &str) -> Result<Option<Contact>, ProkipError> {
        let query = [("type", "customer".to_owned()), ("per_page", "-1".to_owned())];
        let page: Page<Contact> = self.get_json("/contactapi", &query).await?;
        let wanted = email.trim();
        Ok(page.data.into_iter().find(|c| c.email.as_deref().is_some_and(|e| e.trim().eq_ignore_ascii_case(wanted))))
    }

    /// Creates a customer contact (`first_name` and `mobile` are required by Prokip).
    pub async fn create_customer(
        &self,
        first_name: &str,
        mobile: &str,
        email: Option<&str>,
    ) -> Result<Contact, ProkipError> {
        let body = json!({ "type": "customer", "first_name": first_name, "mobile": mobile, "email": email });
        let bytes = self.call(Method::POST, "/contactapi", &[], Some(&body), Resend::IfUnprocessed).await?;
        let contact: OneOf<Contact> = super::decode("/contactapi", &bytes)?;
        Ok(contact.into_inner())
    }
}
