//! A WooCommerce site as a store: its sealed REST API keys, its products and variations (with their
//! stock), orders since a time, product creation and our webhooks with their per-connection secret.

pub(super) mod orders;
mod stock;

use super::{Created, Facts, Healed, NewProduct, OPTION_NAME, Planned, PulledOrder, StoreError, StoreVariant, Written};
use crate::backend::{
    db::{connections, sku_map::MappedSku},
    net_guard,
    platforms::woocommerce::{NewVariant, Order, StoreUrl, WebhookTopic, WooClient, generate_secret},
    secret::Secret,
    state::AppState,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

pub const FACTS: Facts = Facts {
    invoice_prefix: "WOO",
    completed_status: Some("completed"),
    writes_stock_per_product: true,
    order_admin_path: "/wp-admin/post.php?post={id}&action=edit",
};

#[derive(Serialize, Deserialize)]
struct Keys {
    consumer_key: String,
    consumer_secret: Secret,
}

pub fn credentials_context(store: &StoreUrl) -> String {
    format!("woocommerce:{}:credentials", store.as_str())
}

pub fn webhook_context(connection_id: i64) -> String {
    format!("connection:{connection_id}:webhook-secret")
}

/// The keys, sealed for `connections.credentials_enc`.
pub fn seal(state: &AppState, store: &StoreUrl, key: &str, secret: Secret) -> Vec<u8> {
    let keys = Keys { consumer_key: key.to_owned(), consumer_secret: secret };
    state.keyring.seal(&Secret::new(serde_json::to_string(&keys).unwrap_or_default()), &credentials_context(store))
}

/// A client for the store that only reaches addresses the configuration allows.
pub fn client(state: &AppState, store: StoreUrl, key: &str, secret: Secret) -> WooClient {
    let allow_private = state.config.platforms.allow_private_store_urls;
    WooClient::new(store, key, secret, false).with_http(net_guard::store_client(Duration::from_secs(20), allow_private))
}

/// Where the store delivers webhooks for this connection.
pub fn delivery_url(state: &AppState, connection_id: i64) -> String {
    format!("{}/connections/webhook/woocommerce/{connection_id}", state.config.webhook_base())
}

pub struct WooStore {
    client: WooClient,
    connection_id: i64,
}

impl WooStore {
    pub fn new(client: WooClient, connection_id: i64) -> Self {
        WooStore { client, connection_id }
    }

    /// The store's client from the connection's sealed keys.
    pub fn open(state: &AppState, conn: &connections::Model) -> Result<Self, StoreError> {
        let client = || {
            let store = StoreUrl::parse(&conn.store_url, true).ok()?;
            let opened = state.keyring.open(conn.credentials_enc.as_deref()?, &credentials_context(&store)).ok()?;
            let keys: Keys = serde_json::from_str(opened.expose()).ok()?;
            Some(client(state, store, &keys.consumer_key, keys.consumer_secret))
        };
        Ok(WooStore::new(client().ok_or(StoreError::Unopened)?, conn.id))
    }

    pub fn client(&self) -> &WooClient {
        &self.client
    }

    pub(super) async fn variants(&self) -> Result<Vec<StoreVariant>, StoreError> {
        let variants = self.client.all_variants().await?;
        Ok(variants
            .into_iter()
            .map(|v| StoreVariant {
                sku: v.sku,
                barcode: v.barcode,
                name: v.name,
                product_id: v.product_id.to_string(),
                variant_id: v.variation_id.map(|id| id.to_string()),
                inventory_item_id: None,
            })
            .collect())
    }

    /// Read from the whole catalog: WooCommerce has no lookup of many ids at once.
    pub(super) async fn stock_levels(&self, maps: &[MappedSku]) -> Result<Vec<(String, Option<i64>)>, StoreError> {
        let variants = self.client.all_variants().await?;
        let by_id: HashMap<(String, Option<String>), Option<i64>> = variants
            .into_iter()
            .map(|v| {
                (
                    (v.product_id.to_string(), v.variation_id.map(|id| id.to_string())),
                    v.stock_quantity.filter(|_| v.manage_stock),
                )
            })
            .collect();
        Ok(maps
            .iter()
            .map(|m| {
                let key = (m.store_product_id.clone().unwrap_or_default(), m.store_variant_id.clone());
                (m.sku.clone(), by_id.get(&key).copied().flatten())
            })
            .collect())
    }

    pub(super) async fn write_stock(&self, planned: Vec<Planned>) -> Result<Written, StoreError> {
        Ok(stock::write(&self.client, planned).await?)
    }

    pub(super) async fn orders_since(&self, since: DateTime<Utc>) -> Result<Vec<PulledOrder>, StoreError> {
        let orders = self.client.pull_orders_modified_since(since).await?;
        Ok(orders
            .into_iter()
            .map(|(o, json)| PulledOrder {
                topic: "order.updated",
                order_id: o.id.to_string(),
                version: version(&o),
                payload: json,
            })
            .collect())
    }

    pub(super) async fn present(&self, skus: &[&str]) -> Result<HashSet<String>, StoreError> {
        Ok(self.client.products_by_sku(skus).await?.into_iter().filter_map(|p| p.sku).collect())
    }

    pub(super) async fn create_product(&self, p: &NewProduct) -> Created {
        if !p.variable {
            let v = &p.variants[0];
            return match self.client.create_simple_product(&p.title, &v.sku, v.price, v.available).await {
                Ok(_) => Created { skus: vec![v.sku.clone()], failed: Vec::new() },
                Err(e) => Created::refused(p, e),
            };
        }
        let variants: Vec<NewVariant> = p
            .variants
            .iter()
            .map(|v| NewVariant { option: v.option.clone(), sku: v.sku.clone(), price: v.price, stock: v.available })
            .collect();
        match self.client.create_variable_product(&p.title, "", OPTION_NAME, &variants).await {
            Ok(created) => {
                let mut out = Created::default();
                for (v, r) in p.variants.iter().zip(created.variations) {
                    match r {
                        Ok(_) => out.skus.push(v.sku.clone()),
                        Err(e) => out.failed.push((v.sku.clone(), e.message)),
                    }
                }
                out
            }
            Err(e) => Created::refused(p, e),
        }
    }

    /// Replaces our webhooks on the store with fresh ones sharing a new secret; how many.
    pub async fn register_webhooks(&self, state: &AppState) -> Result<usize, String> {
        let url = delivery_url(state, self.connection_id);
        let secret = generate_secret();
        let sealed = state.keyring.seal(&secret, &webhook_context(self.connection_id));
        connections::set_webhook_secret(&state.db, self.connection_id, sealed)
            .await
            .map_err(|e| format!("its webhook secret could not be saved ({e})."))?;
        if let Ok(existing) = self.client.list_webhooks().await {
            for w in existing.iter().filter(|w| w.delivery_url == url) {
                let _ = self.client.delete_webhook(w.id).await;
            }
        }
        let mut created = 0;
        for topic in WebhookTopic::ALL {
            self.client
                .create_webhook(topic, &url, &secret)
                .await
                .map_err(|e| format!("the {} webhook could not be registered: {e}. Orders will be fetched by the scheduled back-fill instead.", topic.as_str()))?;
            created += 1;
        }
        Ok(created)
    }

    /// Re-activates our webhooks WooCommerce disabled (after failed deliveries) or a merchant
    /// paused, and re-creates missing ones with the connection's secret (all afresh when the
    /// secret cannot be opened).
    pub(super) async fn heal_webhooks(&self, state: &AppState, conn: &connections::Model) -> Result<Healed, String> {
        let url = delivery_url(state, self.connection_id);
        let hooks = self.client.list_webhooks().await.map_err(|e| format!("its webhooks could not be read: {e}"))?;
        let secret = conn
            .webhook_secret_enc
            .as_deref()
            .and_then(|sealed| state.keyring.open(sealed, &webhook_context(self.connection_id)).ok());
        let mut healed = Healed::default();
        for topic in WebhookTopic::ALL {
            let name = topic.as_str();
            match hooks.iter().find(|h| h.delivery_url == url && h.topic == name) {
                Some(h) if h.status == "active" => {}
                Some(h) => {
                    self.client.activate_webhook(h.id).await.map_err(|e| format!("{name} is {}: {e}", h.status))?;
                    healed.repaired.push(format!("{name} was {}, re-activated", h.status));
                }
                None => {
                    let Some(secret) = &secret else {
                        self.register_webhooks(state).await?;
                        healed.repaired.push("every webhook re-created with a new secret".into());
                        healed.topics = WebhookTopic::ALL.iter().map(|t| t.as_str().to_owned()).collect();
                        return Ok(healed);
                    };
                    self.client.create_webhook(topic, &url, secret).await.map_err(|e| format!("{name}: {e}"))?;
                    healed.repaired.push(format!("{name} was missing, re-created"));
                }
            }
            healed.topics.push(name.to_owned());
        }
        Ok(healed)
    }

    pub(super) async fn remove_webhooks(&self, state: &AppState) -> Result<usize, StoreError> {
        let ours = delivery_url(state, self.connection_id);
        let hooks = self.client.list_webhooks().await?;
        let mut removed = 0;
        for h in hooks.iter().filter(|h| h.delivery_url == ours) {
            self.client.delete_webhook(h.id).await?;
            removed += 1;
        }
        Ok(removed)
    }
}

fn version(o: &Order) -> String {
    o.date_modified_gmt.map(|d| d.to_string()).unwrap_or_default()
}
