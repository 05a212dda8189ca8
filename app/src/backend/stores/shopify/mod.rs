//! A Shopify shop as a store: its sealed OAuth credentials, its variants and the stock at the
//! connection's location, orders since a time, product creation and our webhook subscriptions.

pub(super) mod orders;
mod stock;

use super::{Created, Facts, Healed, NewProduct, OPTION_NAME, Planned, PulledOrder, StoreError, StoreVariant, Written};
use crate::backend::{
    db::{connections, sku_map::MappedSku},
    platforms::shopify::{
        NewProduct as ShopifyProduct, NewVariant as ShopifyVariant, ShopDomain, ShopTokens, ShopifyApp, ShopifyClient,
        WebhookTopic,
    },
    secret::Secret,
    state::AppState,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const FACTS: Facts = Facts {
    invoice_prefix: "SHOP",
    completed_status: None,
    writes_stock_per_product: false,
    order_admin_path: "/admin/orders/{id}",
};

/// The topics a connection subscribes to.
pub const TOPICS: [WebhookTopic; 6] = [
    WebhookTopic::OrdersCreate,
    WebhookTopic::OrdersUpdated,
    WebhookTopic::OrdersCancelled,
    WebhookTopic::RefundsCreate,
    WebhookTopic::ProductsUpdate,
    WebhookTopic::AppUninstalled,
];

/// Our Shopify app, as configured.
pub fn app(state: &AppState) -> ShopifyApp {
    let p = &state.config.platforms;
    ShopifyApp::new(p.shopify_client_id.clone(), p.shopify_client_secret.clone(), state.config.shopify_redirect_uri())
        .with_shop_url_template(p.shopify_shop_url_template.clone())
}

#[derive(Serialize, Deserialize)]
struct Credentials {
    access: Secret,
    refresh: Option<Secret>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    refresh_expires_at: Option<chrono::DateTime<chrono::Utc>>,
    scope: String,
}

pub fn credentials_context(shop: &str) -> String {
    format!("shopify:{shop}:credentials")
}

/// The shop's tokens, sealed for `connections.credentials_enc`.
pub fn seal(state: &AppState, shop: &ShopDomain, t: &ShopTokens) -> Vec<u8> {
    let c = Credentials {
        access: t.access.clone(),
        refresh: t.refresh.clone(),
        expires_at: t.expires_at,
        refresh_expires_at: t.refresh_expires_at,
        scope: t.scope.clone(),
    };
    state.keyring.seal(&Secret::new(serde_json::to_string(&c).unwrap_or_default()), &credentials_context(shop.as_str()))
}

/// Where Shopify delivers our webhooks.
pub fn delivery_url(state: &AppState) -> String {
    format!("{}/connections/webhook/shopify", state.config.webhook_base())
}

pub struct ShopifyStore {
    client: ShopifyClient,
    /// The location stock is held at (the shop's first active one when connected, or the one the
    /// merchant chose).
    location: Option<String>,
}

impl ShopifyStore {
    pub fn new(client: ShopifyClient, location: Option<String>) -> Self {
        ShopifyStore { client, location }
    }

    /// The shop's client from the connection's sealed credentials.
    pub(super) fn open(state: &AppState, conn: &connections::Model) -> Result<Self, StoreError> {
        let client = || {
            let opened = state.keyring.open(conn.credentials_enc.as_deref()?, &credentials_context(&conn.store_url));
            let creds: Credentials = serde_json::from_str(opened.ok()?.expose()).ok()?;
            let shop = ShopDomain::parse(&conn.store_url).ok()?;
            Some(app(state).client(&shop, creds.access))
        };
        Ok(ShopifyStore::new(client().ok_or(StoreError::Unopened)?, conn.location_id.clone()))
    }

    pub(super) fn location(&self) -> Result<&str, StoreError> {
        self.location.as_deref().ok_or(StoreError::NoLocation)
    }

    pub(super) async fn locations(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self.client.locations().await?.into_iter().filter(|l| l.is_active).map(|l| (l.id, l.name)).collect())
    }

    pub(super) async fn variants(&self) -> Result<Vec<StoreVariant>, StoreError> {
        let variants = self.client.all_variants().await?;
        Ok(variants
            .into_iter()
            .map(|v| StoreVariant {
                name: if v.title == "Default Title" {
                    v.product_title
                } else {
                    format!("{} - {}", v.product_title, v.title)
                },
                sku: v.sku,
                barcode: v.barcode,
                product_id: v.product_id,
                variant_id: Some(v.id),
                inventory_item_id: Some(v.inventory_item_id),
            })
            .collect())
    }

    pub(super) async fn stock_levels(&self, maps: &[MappedSku]) -> Result<Vec<(String, Option<i64>)>, StoreError> {
        self.stock_levels_at(self.location()?, maps).await
    }

    pub(super) async fn stock_levels_at(
        &self,
        location: &str,
        maps: &[MappedSku],
    ) -> Result<Vec<(String, Option<i64>)>, StoreError> {
        let items: Vec<&str> = maps.iter().filter_map(|m| m.store_inventory_item_id.as_deref()).collect();
        let levels = self.client.inventory_levels(&items, location).await?;
        Ok(maps
            .iter()
            .map(|m| {
                (m.sku.clone(), m.store_inventory_item_id.as_deref().and_then(|i| levels.get(i).copied().flatten()))
            })
            .collect())
    }

    pub(super) async fn write_stock(&self, planned: Vec<Planned>) -> Result<Written, StoreError> {
        self.write_stock_at(self.location()?, planned).await
    }

    pub(super) async fn write_stock_at(&self, location: &str, planned: Vec<Planned>) -> Result<Written, StoreError> {
        Ok(stock::write(&self.client, location, planned).await?)
    }

    pub(super) async fn orders_since(&self, since: DateTime<Utc>) -> Result<Vec<PulledOrder>, StoreError> {
        let orders = self.client.pull_orders_updated_since(since).await?;
        Ok(orders
            .into_iter()
            .map(|o| PulledOrder {
                topic: orders::PULLED_TOPIC,
                order_id: o.order.id.to_string(),
                version: o.order.updated_at.to_rfc3339(),
                payload: o.json,
            })
            .collect())
    }

    pub(super) async fn present(&self, skus: &[&str]) -> Result<HashSet<String>, StoreError> {
        Ok(self.client.variants_by_sku(skus).await?.into_iter().filter_map(|v| v.sku).collect())
    }

    pub(super) async fn create_product(&self, p: &NewProduct) -> Created {
        let location = match self.location() {
            Ok(l) => l,
            Err(e) => return Created::refused(p, e),
        };
        let product = ShopifyProduct {
            title: p.title.clone(),
            option_name: p.variable.then(|| OPTION_NAME.to_owned()),
            variants: p
                .variants
                .iter()
                .map(|v| ShopifyVariant {
                    sku: v.sku.clone(),
                    option_value: v.option.clone(),
                    price: v.price,
                    available: v.available,
                })
                .collect(),
        };
        match self.client.create_product(&product, location).await {
            Ok(created) => Created { skus: created.into_iter().filter_map(|v| v.sku).collect(), failed: Vec::new() },
            Err(e) => Created::refused(p, e),
        }
    }

    /// Subscribes to [`TOPICS`], replacing earlier subscriptions of ours (a reconnect).
    pub async fn register_webhooks(&self, state: &AppState) -> Result<(), String> {
        let uri = delivery_url(state);
        if let Ok(existing) = self.client.list_webhooks().await {
            for w in existing.iter().filter(|w| w.uri == uri) {
                let _ = self.client.delete_webhook(&w.id).await;
            }
        }
        for topic in TOPICS {
            self.client.create_webhook(topic, &uri).await.map_err(|e| {
                format!(
                    "the {} webhook could not be registered ({e}); orders will arrive through the scheduled back-fill.",
                    topic.as_rest()
                )
            })?;
        }
        Ok(())
    }

    /// Re-creates our subscriptions that are gone (a merchant or Shopify deleted them).
    pub(super) async fn heal_webhooks(&self, state: &AppState) -> Result<Healed, String> {
        let uri = delivery_url(state);
        let subs = self.client.list_webhooks().await.map_err(|e| format!("its webhooks could not be read: {e}"))?;
        let mut healed = Healed::default();
        for topic in TOPICS {
            let name = topic.as_rest();
            if !subs.iter().any(|s| s.uri == uri && s.topic == name) {
                self.client.create_webhook(topic, &uri).await.map_err(|e| format!("{name}: {e}"))?;
                healed.repaired.push(format!("{name} was missing, re-created"));
            }
            healed.topics.push(name.to_owned());
        }
        Ok(healed)
    }

    pub(super) async fn remove_webhooks(&self, state: &AppState) -> Result<usize, StoreError> {
        let ours = delivery_url(state);
        let hooks = self.client.list_webhooks().await?;
        let mut removed = 0;
        for h in hooks.iter().filter(|h| h.uri == ours) {
            self.client.delete_webhook(&h.id).await?;
            removed += 1;
        }
        Ok(removed)
    }
}
